/* flowdiff_connlog.c - a Zeek conn.log rewritten as flowreplay event rows
 * (see flowdiff_connlog.h). The whole log is read first: conn.logs are
 * one line per connection, and the rows go to an unlinked temporary
 * file, not memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "flowdiff_connlog.h"

#define MAXCOL 64

/* The event columns the conn.log fills, by conn.log name. */
static const char *const known_src[] = {"ts", "proto", "id.orig_h", "id.orig_p", "id.resp_h",
                                        "id.resp_p", "orig_pkts", "resp_pkts", "orig_bytes",
                                        "resp_bytes", "history"};
enum { K_TS, K_PROTO, K_OH, K_OP, K_RH, K_RP, K_OPK, K_RPK, K_OB, K_RB, K_HIST, K_N };

typedef struct conv {
    const char *name;
    char *buf;          /* the whole log */
    size_t n;
    char *cols[MAXCOL]; /* extra columns, in order of first sight */
    int ncols;
    FILE *out;
    unsigned long line;
    char scratch[MAXCOL][512]; /* a JSON row's array values, joined */
} conv;

static int err(conv *c, const char *what)
{
    fprintf(stderr, "flowdiff: %s:%lu: %s\n", c->name, c->line, what);
    return -1;
}

int fd_connlog_detect(const char *b, size_t n)
{
    size_t i = 0;
    while (i < n && strchr(" \t\r\n", b[i]))
        i++;
    if (n - i >= 10 && memcmp(b + i, "#separator", 10) == 0)
        return 1;
    if (i < n && b[i] == '{') {
        const char *nl = memchr(b + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - b - i) : n - i;
        /* Zeek's JSON: dotted id names and a uid */
        int id = 0, uid = 0;
        for (size_t k = i; k + 11 <= i + len; k++) {
            if (memcmp(b + k, "\"id.orig_h\"", 11) == 0)
                id = 1;
            if (memcmp(b + k, "\"uid\"", 5) == 0)
                uid = 1;
        }
        return id && uid;
    }
    return 0;
}

static int known_index(const char *s, size_t n)
{
    for (int k = 0; k < K_N; k++)
        if (strlen(known_src[k]) == n && memcmp(known_src[k], s, n) == 0)
            return k;
    return -1;
}

/* The extra column named s[0..n): its index, added if new; -1 if full. */
static int extra_index(conv *c, const char *s, size_t n)
{
    for (int k = 0; k < c->ncols; k++)
        if (strlen(c->cols[k]) == n && memcmp(c->cols[k], s, n) == 0)
            return k;
    if (c->ncols == MAXCOL || !(c->cols[c->ncols] = strndup(s, n)))
        return -1;
    return c->ncols++;
}

/* One CSV field, quoted when it needs to be. */
static void put(FILE *f, const char *s, size_t n)
{
    if (n == 0) /* an absent value: s may be NULL */
        return;
    if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n)) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

typedef struct val {
    const char *s;
    size_t n;
} val;

static void write_header(conv *c)
{
    fputs("seq,ts,event,proto,orig_h,orig_p,resp_h,resp_p,side,len,from_state,to_state,"
          "reason,orig_pkts,resp_pkts,orig_bytes,resp_bytes,history,flow_start,fmt",
          c->out);
    for (int k = 0; k < c->ncols; k++) {
        fputc(',', c->out);
        put(c->out, c->cols[k], strlen(c->cols[k]));
    }
    fputc('\n', c->out);
}

/* Decimals written by different writers agree as numbers, not as text:
 * "0.004620" (TSV) and "0.00462" (JSON) are one duration. Trailing
 * zeros of a fraction go. */
static val trim_decimal(val v)
{
    size_t i = v.n && v.s[0] == '-' ? 1 : 0, dot = 0;
    for (; i < v.n; i++) {
        if (v.s[i] == '.' && !dot)
            dot = i;
        else if (v.s[i] < '0' || v.s[i] > '9')
            return v;
    }
    if (!dot)
        return v;
    while (v.n > dot + 1 && v.s[v.n - 1] == '0')
        v.n--;
    if (v.n == dot + 1)
        v.n = dot;
    return v;
}

/* ts to the microsecond, as Zeek's TSV prints it: a JSON writer may give
 * a double's shortest form (1700000000.0001588 for ...000159). */
static val micro_ts(val v, char *buf, size_t cap)
{
    const char *dot = memchr(v.s, '.', v.n);
    if (!dot || v.n - (size_t)(dot - v.s) == 7 || v.n >= 64)
        return v;
    char tmp[64];
    memcpy(tmp, v.s, v.n);
    tmp[v.n] = '\0';
    char *end;
    long double t = strtold(tmp, &end);
    if (*end)
        return v;
    int k = snprintf(buf, cap, "%.6Lf", t);
    return k > 0 && (size_t)k < cap ? (val){buf, (size_t)k} : v;
}

static int write_row(conv *c, unsigned long seq, const val *kv, const val *ev)
{
    char tsbuf[64];
    if (!kv[K_TS].n || !kv[K_PROTO].n || !kv[K_OH].n || !kv[K_RH].n)
        return err(c, "a connection without ts, proto or id.orig_h/id.resp_h");
    FILE *f = c->out;
    val ts = micro_ts(kv[K_TS], tsbuf, sizeof tsbuf);
    fprintf(f, "%lu,", seq);
    put(f, ts.s, ts.n);
    fputs(",ended,", f);
    static const int order[] = {K_PROTO, K_OH, K_OP, K_RH, K_RP};
    for (int i = 0; i < 5; i++) {
        put(f, kv[order[i]].s, kv[order[i]].n);
        fputc(',', f);
    }
    fputs(",,,,,", f); /* side, len, from_state, to_state, reason */
    static const int counts[] = {K_OPK, K_RPK, K_OB, K_RB, K_HIST};
    for (int i = 0; i < 5; i++) {
        put(f, kv[counts[i]].s, kv[counts[i]].n);
        fputc(',', f);
    }
    put(f, ts.s, ts.n);
    fputs(",1", f);
    for (int k = 0; k < c->ncols; k++) {
        val v = trim_decimal(ev[k]);
        fputc(',', f);
        put(f, v.s, v.n);
    }
    fputc('\n', f);
    return 0;
}

/* Unset and empty values are empty. */
static val tsv_val(const char *s, size_t n)
{
    val v = {s, n};
    if ((n == 1 && s[0] == '-') || (n == 7 && memcmp(s, "(empty)", 7) == 0))
        v.n = 0;
    return v;
}

static int convert_tsv(conv *c)
{
    int map[MAXCOL + K_N]; /* TSV column -> known (0..K_N-1) or K_N + extra */
    int nf = -1, header = 0;
    unsigned long seq = 0;
    char *p = c->buf, *end = c->buf + c->n;
    for (c->line = 1; p < end; c->line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        if (e > p && e[-1] == '\r')
            e--;
        if (*p == '#') {
            if ((size_t)(e - p) > 8 && memcmp(p, "#fields\t", 8) == 0) {
                nf = 0;
                for (char *q = p + 8; q <= e && nf < MAXCOL + K_N;) {
                    char *t = memchr(q, '\t', (size_t)(e - q));
                    char *fe = t ? t : e;
                    int k = known_index(q, (size_t)(fe - q));
                    if (k < 0) {
                        int x = extra_index(c, q, (size_t)(fe - q));
                        if (x < 0)
                            return err(c, "too many columns");
                        k = K_N + x;
                    }
                    map[nf++] = k;
                    q = fe + 1;
                }
            }
        } else if (e > p) {
            if (nf < 0)
                return err(c, "a row before the #fields line");
            if (!header) {
                write_header(c);
                header = 1;
            }
            val kv[K_N], ev[MAXCOL];
            memset(kv, 0, sizeof kv);
            memset(ev, 0, sizeof ev);
            int i = 0;
            for (char *q = p; q <= e; i++) {
                char *t = memchr(q, '\t', (size_t)(e - q));
                char *fe = t ? t : e;
                if (i >= nf)
                    return err(c, "more fields than the #fields line names");
                val v = tsv_val(q, (size_t)(fe - q));
                if (map[i] < K_N)
                    kv[map[i]] = v;
                else
                    ev[map[i] - K_N] = v;
                q = fe + 1;
            }
            if (i != nf)
                return err(c, "fewer fields than the #fields line names");
            if (write_row(c, ++seq, kv, ev) != 0)
                return -1;
        }
        p = nl ? nl + 1 : end;
    }
    if (!header) {
        if (nf < 0)
            return err(c, "no #fields line");
        write_header(c);
    }
    return 0;
}

/* ---- Zeek JSON: one object a line, values string, number, bool, null,
 * or an array of those. Strings are kept as written (escapes and all):
 * both sides of a comparison come from the same kind of writer. */

typedef struct jc {
    conv *c;
    char *p, *e;
} jc;

static void ws(jc *j)
{
    while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r'))
        j->p++;
}

static int jstring(jc *j, val *v)
{
    char *s = ++j->p;
    while (j->p < j->e && *j->p != '"') {
        if (*j->p == '\\')
            j->p++;
        j->p++;
    }
    if (j->p >= j->e)
        return err(j->c, "string cut short");
    v->s = s;
    v->n = (size_t)(j->p - s);
    j->p++;
    return 0;
}

static int jscalar(jc *j, val *v)
{
    ws(j);
    if (j->p < j->e && *j->p == '"')
        return jstring(j, v);
    char *s = j->p;
    while (j->p < j->e && !strchr(",]} \t\r", *j->p))
        j->p++;
    size_t n = (size_t)(j->p - s);
    if (n == 0)
        return err(j->c, "expected a value");
    if (n == 4 && memcmp(s, "true", 4) == 0)
        *v = (val){"T", 1};
    else if (n == 5 && memcmp(s, "false", 5) == 0)
        *v = (val){"F", 1};
    else if (n == 4 && memcmp(s, "null", 4) == 0)
        *v = (val){"", 0};
    else if (*s == '-' || (*s >= '0' && *s <= '9'))
        *v = (val){s, n};
    else
        return err(j->c, "bad value");
    return 0;
}

static int jvalue(jc *j, val *v, char *scratch, size_t cap)
{
    ws(j);
    if (j->p < j->e && *j->p == '[') {
        size_t used = 0;
        j->p++;
        ws(j);
        while (j->p < j->e && *j->p != ']') {
            val x;
            if (jscalar(j, &x) != 0)
                return -1;
            if (used + x.n + 1 >= cap)
                return err(j->c, "array too long");
            if (used)
                scratch[used++] = ',';
            memcpy(scratch + used, x.s, x.n);
            used += x.n;
            ws(j);
            if (j->p < j->e && *j->p == ',')
                j->p++;
            else if (j->p >= j->e || *j->p != ']')
                return err(j->c, "expected ',' or ']'");
        }
        if (j->p >= j->e)
            return err(j->c, "array cut short");
        j->p++;
        *v = (val){scratch, used};
        return 0;
    }
    if (j->p < j->e && *j->p == '{')
        return err(j->c, "nested objects are not conn.log values");
    return jscalar(j, v);
}

/* Pass 1 (out NULL) learns the columns; pass 2 writes the rows. */
static int convert_json(conv *c, int write)
{
    unsigned long seq = 0;
    char *p = c->buf, *end = c->buf + c->n;
    if (write)
        write_header(c);
    for (c->line = 1; p < end; c->line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        jc j = {c, p, nl ? nl : end};
        p = nl ? nl + 1 : end;
        ws(&j);
        if (j.p == j.e)
            continue;
        if (*j.p != '{')
            return err(c, "expected a JSON object");
        j.p++;
        val kv[K_N], ev[MAXCOL];
        memset(kv, 0, sizeof kv);
        memset(ev, 0, sizeof ev);
        for (int k = 0;; k++) {
            val key, v;
            ws(&j);
            if (j.p < j.e && *j.p == '}')
                break;
            if (j.p >= j.e || *j.p != '"' || jstring(&j, &key) != 0)
                return err(c, "expected a key");
            ws(&j);
            if (j.p >= j.e || *j.p != ':')
                return err(c, "expected ':'");
            j.p++;
            if (jvalue(&j, &v, c->scratch[k % MAXCOL], sizeof c->scratch[0]) != 0)
                return -1;
            int ki = known_index(key.s, key.n);
            if (ki >= 0) {
                kv[ki] = v;
            } else {
                int x = extra_index(c, key.s, key.n);
                if (x < 0)
                    return err(c, "too many columns");
                ev[x] = v;
            }
            ws(&j);
            if (j.p < j.e && *j.p == ',')
                j.p++;
            else if (j.p >= j.e || *j.p != '}')
                return err(c, "expected ',' or '}'");
        }
        if (write && write_row(c, ++seq, kv, ev) != 0)
            return -1;
    }
    return 0;
}

int fd_connlog_convert(const char *head, size_t n, int in_fd, const char *name)
{
    static conv zero;
    conv c = zero;
    size_t cap = n + 65536;
    int fd = -1, rc;
    c.name = name;
    if (!(c.buf = malloc(cap)))
        goto oom;
    memcpy(c.buf, head, n);
    c.n = n;
    for (;;) {
        if (c.n == cap) {
            char *nb = realloc(c.buf, cap *= 2);
            if (!nb)
                goto oom;
            c.buf = nb;
        }
        ssize_t k = read(in_fd, c.buf + c.n, cap - c.n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            fprintf(stderr, "flowdiff: %s: %s\n", name, strerror(errno));
            goto out;
        }
        if (k == 0)
            break;
        c.n += (size_t)k;
    }
    if (!(c.out = tmpfile())) {
        fprintf(stderr, "flowdiff: temporary file: %s\n", strerror(errno));
        goto out;
    }
    size_t i = 0;
    while (i < c.n && strchr(" \t\r\n", c.buf[i]))
        i++;
    if (i < c.n && c.buf[i] == '{')
        rc = convert_json(&c, 0) == 0 ? convert_json(&c, 1) : -1;
    else
        rc = convert_tsv(&c);
    if (rc == 0 && (fflush(c.out) != 0 || ferror(c.out))) {
        fprintf(stderr, "flowdiff: temporary file: %s\n", strerror(errno));
        rc = -1;
    }
    if (rc == 0 && ((fd = dup(fileno(c.out))) < 0 || lseek(fd, 0, SEEK_SET) != 0)) {
        fprintf(stderr, "flowdiff: temporary file: %s\n", strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    goto out;
oom:
    fprintf(stderr, "flowdiff: out of memory\n");
out:
    if (c.out)
        fclose(c.out);
    for (int k = 0; k < c.ncols; k++)
        free(c.cols[k]);
    free(c.buf);
    return fd;
}
