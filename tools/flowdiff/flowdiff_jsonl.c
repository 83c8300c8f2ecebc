/* flowdiff_jsonl.c - a strict parser for JSON Lines event files: one flat
 * object per line whose values are strings or integers, nothing else. */
#include <string.h>
#include "flowdiff_jsonl.h"
#include "flowdiff_values.h"

#define REQUIRED ((UINT64_C(1) << FD_F_SEQ) | (UINT64_C(1) << FD_F_TS) | \
    (UINT64_C(1) << FD_F_EVENT) | (UINT64_C(1) << FD_F_PROTO) |          \
    (UINT64_C(1) << FD_F_ORIG_H) | (UINT64_C(1) << FD_F_ORIG_P) |        \
    (UINT64_C(1) << FD_F_RESP_H) | (UINT64_C(1) << FD_F_RESP_P) |        \
    (UINT64_C(1) << FD_F_START) | (UINT64_C(1) << FD_F_FMT))

typedef struct {
    fd_reader *r;
    const char *p;
    size_t n, i;
} jcur;

static int jerr(jcur *c, const char *what)
{
    return fd__rd_err(c->r, c->r->lineno, c->i + 1, "%s", what);
}

static void skip_ws(jcur *c)
{
    while (c->i < c->n && (c->p[c->i] == ' ' || c->p[c->i] == '\t' ||
                           c->p[c->i] == '\r' || c->p[c->i] == '\n'))
        c->i++;
}

static int hex4(jcur *c, unsigned *out)
{
    unsigned v = 0;

    if (c->n - c->i < 4)
        return jerr(c, "bad \\u escape");
    for (int k = 0; k < 4; k++) {
        char h = c->p[c->i + (size_t)k];
        v <<= 4;
        if (h >= '0' && h <= '9')
            v |= (unsigned)(h - '0');
        else if (h >= 'a' && h <= 'f')
            v |= (unsigned)(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F')
            v |= (unsigned)(h - 'A' + 10);
        else
            return jerr(c, "bad \\u escape");
    }
    c->i += 4;
    *out = v;
    return 0;
}

static int put_utf8(fd_reader *r, unsigned cp)
{
    char b[4];
    size_t n;

    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | cp >> 12);
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | cp >> 18);
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return fd__append(&r->sb, &r->sbused, &r->sbcap, b, n);
}

static int escape(jcur *c)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e;
    unsigned cp = 0, lo = 0;

    if (c->i >= c->n)
        return jerr(c, "string cut short");
    e = strchr(from, c->p[c->i]);
    if (e && *e) {
        c->i++;
        return fd__append(&c->r->sb, &c->r->sbused, &c->r->sbcap,
                          &to[e - from], 1);
    }
    if (c->p[c->i] != 'u')
        return jerr(c, "bad escape in string");
    c->i++;
    if (hex4(c, &cp) != 0)
        return -1;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return jerr(c, "lone low surrogate in \\u escape");
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (c->n - c->i < 2 || c->p[c->i] != '\\' || c->p[c->i + 1] != 'u')
            return jerr(c, "lone high surrogate in \\u escape");
        c->i += 2;
        if (hex4(c, &lo) != 0)
            return -1;
        if (lo < 0xdc00 || lo > 0xdfff)
            return jerr(c, "bad surrogate pair in \\u escape");
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    return put_utf8(c->r, cp);
}

/* At an opening quote. Sets *s and *len to the decoded text: a slice of the
 * line when there are no escapes, else the reader's scratch buffer. */
static int string(jcur *c, const char **s, size_t *len)
{
    size_t start = ++c->i;
    int esc = 0;

    c->r->sbused = 0;
    for (;;) {
        size_t run = c->i;
        while (c->i < c->n && c->p[c->i] != '"' && c->p[c->i] != '\\' &&
               (unsigned char)c->p[c->i] >= 0x20)
            c->i++;
        if (esc && fd__append(&c->r->sb, &c->r->sbused, &c->r->sbcap,
                              c->p + run, c->i - run) != 0)
            return jerr(c, "out of memory");
        if (c->i >= c->n || c->p[c->i] == '\n')
            return jerr(c, "string cut short");
        if (c->p[c->i] == '"')
            break;
        if (c->p[c->i] != '\\')
            return jerr(c, "control character in string");
        if (!esc) {
            esc = 1;
            if (fd__append(&c->r->sb, &c->r->sbused, &c->r->sbcap,
                           c->p + start, c->i - start) != 0)
                return jerr(c, "out of memory");
        }
        c->i++;
        if (escape(c) != 0)
            return -1;
    }
    if (esc) {
        *s = c->r->sb;
        *len = c->r->sbused;
    } else {
        *s = c->p + start;
        *len = c->i - start;
    }
    c->i++;
    return 0;
}

/* JSON integer: -?(0|[1-9][0-9]*) with no fraction or exponent; with
 * `frac`, a JSON number (flowreplay writes Zeek's zeek_duration, an
 * extra column, with decimals), compared as its text. */
static int integer(jcur *c, const char **s, size_t *len, int frac)
{
    size_t start = c->i;

    if (c->p[c->i] == '-')
        c->i++;
    if (c->i >= c->n || c->p[c->i] < '0' || c->p[c->i] > '9')
        return jerr(c, "bad number");
    if (c->p[c->i] == '0' && c->i + 1 < c->n && c->p[c->i + 1] >= '0' &&
        c->p[c->i + 1] <= '9')
        return jerr(c, "bad number: leading zero");
    while (c->i < c->n && c->p[c->i] >= '0' && c->p[c->i] <= '9')
        c->i++;
    if (frac && c->i < c->n && c->p[c->i] == '.') {
        c->i++;
        if (c->i >= c->n || c->p[c->i] < '0' || c->p[c->i] > '9')
            return jerr(c, "bad number");
        while (c->i < c->n && c->p[c->i] >= '0' && c->p[c->i] <= '9')
            c->i++;
    }
    if (frac && c->i < c->n && (c->p[c->i] == 'e' || c->p[c->i] == 'E')) {
        c->i++;
        if (c->i < c->n && (c->p[c->i] == '+' || c->p[c->i] == '-'))
            c->i++;
        if (c->i >= c->n || c->p[c->i] < '0' || c->p[c->i] > '9')
            return jerr(c, "bad number");
        while (c->i < c->n && c->p[c->i] >= '0' && c->p[c->i] <= '9')
            c->i++;
    }
    if (c->i < c->n && (c->p[c->i] == '.' || c->p[c->i] == 'e' ||
                        c->p[c->i] == 'E'))
        return jerr(c, "bad number: only integers are allowed");
    *s = c->p + start;
    *len = c->i - start;
    return 0;
}

static int member(jcur *c, fd_event *ev, uint64_t *present)
{
    const char *k = NULL, *v = NULL;
    size_t kn = 0, vn = 0;
    size_t kcol = c->i;
    int id, type;

    if (c->i >= c->n || c->p[c->i] != '"')
        return jerr(c, c->i >= c->n || c->p[c->i] == '\n' ? "object cut short"
                                                          : "expected a key string");
    if (string(c, &k, &kn) != 0)
        return -1;
    id = fd_field_intern(k, kn);
    if (id < 0) {
        c->i = kcol;
        return jerr(c, "too many distinct keys");
    }
    if (*present & (UINT64_C(1) << id)) {
        c->i = kcol;
        return fd__rd_err(c->r, c->r->lineno, kcol + 1, "duplicate key '%s'",
                          fd_field_name(id));
    }
    skip_ws(c);
    if (c->i >= c->n || c->p[c->i] != ':')
        return jerr(c, "expected ':'");
    c->i++;
    skip_ws(c);
    c->r->jcol[id] = (uint32_t)c->i + 1;
    type = fd_field_type(id);
    if (c->i < c->n && c->p[c->i] == '"') {
        if (type == FD_T_INT)
            return fd__rd_err(c->r, c->r->lineno, c->i + 1,
                              "expected a number for '%s'", fd_field_name(id));
        if (string(c, &v, &vn) != 0)
            return -1;
    } else if (c->i < c->n && (c->p[c->i] == '-' ||
                               (c->p[c->i] >= '0' && c->p[c->i] <= '9'))) {
        if (type == FD_T_TS || (type == FD_T_TEXT && id < FD_F_KNOWN))
            return fd__rd_err(c->r, c->r->lineno, c->i + 1,
                              "expected a string for '%s'", fd_field_name(id));
        if (integer(c, &v, &vn, id >= FD_F_KNOWN) != 0)
            return -1;
    } else if (c->i >= c->n || c->p[c->i] == '\n') {
        return jerr(c, "object cut short");
    } else {
        return jerr(c, "value must be a string or an integer");
    }
    if (fd_ev_set(ev, id, v, vn) != 0)
        return jerr(c, "out of memory");
    *present |= UINT64_C(1) << id;
    return 0;
}

static void jsonl_loc(fd_reader *r, int id, uint64_t *line, uint64_t *col)
{
    *line = r->lineno;
    *col = r->jcol[id] ? r->jcol[id] : 1;
}

int fd__jsonl_next(fd_reader *r, fd_event *ev)
{
    jcur c = {r, NULL, 0, 0};
    uint64_t present = 0;
    int nl, rc;

    rc = fd__rd_line(r, &c.p, &c.n, &nl);
    if (rc <= 0)
        return rc;
    if (!nl)
        return fd__rd_err(r, r->lineno, c.n + 1,
                          "last line has no newline (file truncated?)");
    skip_ws(&c);
    if (c.i == c.n)
        return jerr(&c, "empty line");
    if (c.p[c.i] != '{')
        return jerr(&c, (c.p[c.i] >= '0' && c.p[c.i] <= '9') || c.p[c.i] == 's'
                            ? "CSV row in a JSONL file (a file must not mix formats)"
                            : "expected '{'");
    c.i++;
    memset(r->jcol, 0, sizeof r->jcol);
    fd_ev_reset(ev);
    skip_ws(&c);
    if (c.i < c.n && c.p[c.i] == '}') {
        c.i++;
    } else {
        for (;;) {
            if (member(&c, ev, &present) != 0)
                return -1;
            skip_ws(&c);
            if (c.i < c.n && c.p[c.i] == ',') {
                c.i++;
                skip_ws(&c);
                continue;
            }
            if (c.i < c.n && c.p[c.i] == '}') {
                c.i++;
                break;
            }
            return jerr(&c, c.i >= c.n ? "object cut short" : "expected ',' or '}'");
        }
    }
    size_t close_col = c.i;
    skip_ws(&c);
    if (c.i < c.n)
        return jerr(&c, "text after the object");
    r->seen |= present;
    if ((present & REQUIRED) != REQUIRED) {
        for (int id = 0; id < FD_F_KNOWN; id++)
            if ((REQUIRED & ~present) & (UINT64_C(1) << id))
                return fd__rd_err(r, r->lineno, close_col, "missing key '%s'",
                                  fd_field_name(id));
    }
    ev->line = r->lineno;
    ev->foff = r->boff + (uint64_t)(c.p - r->buf);
    ev->rawlen = c.n;
    return fd__rd_validate(r, ev, jsonl_loc);
}
