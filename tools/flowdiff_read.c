/* flowdiff_read.c - opening an input (file, stdin or a replayed capture),
 * telling CSV from JSONL, reading it line by line, and the value checks
 * both parsers share. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "flowdiff_connlog.h"
#include "flowdiff_read.h"

#define FD_BUFSZ (1u << 20)

/* Prints "flowdiff: NAME HEAD MESSAGE", or keeps it while the reader is
 * held (only the first: a reader stops at its first error). */
__attribute__((format(printf, 3, 0)))
static void say(fd_reader *r, const char *head, const char *fmt, va_list ap)
{
    char *msg = NULL;

    if (!r->hold) {
        fprintf(stderr, "flowdiff: %s%s", r->name, head);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        return;
    }
    if (r->held || r->lost)
        return;
    if (vasprintf(&msg, fmt, ap) < 0 ||
        asprintf(&r->held, "flowdiff: %s%s%s\n", r->name, head, msg) < 0) {
        r->held = NULL;
        r->lost = 1; /* still say something when released */
    }
    free(msg);
}

int fd__rd_err(fd_reader *r, uint64_t line, uint64_t col, const char *fmt, ...)
{
    char head[48];
    va_list ap;

    snprintf(head, sizeof head, ":%" PRIu64 ":%" PRIu64 ": ", line, col);
    va_start(ap, fmt);
    say(r, head, fmt, ap);
    va_end(ap);
    return -1;
}

__attribute__((format(printf, 2, 3)))
static int fail(fd_reader *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    say(r, ": ", fmt, ap);
    va_end(ap);
    return -1;
}

void fd_reader_hold(fd_reader *r)
{
    r->hold = 1;
}

void fd_reader_release(fd_reader *r, int print)
{
    if (print && (r->held || r->lost))
        fputs(r->held ? r->held : "flowdiff: out of memory\n", stderr);
    free(r->held);
    r->held = NULL;
    r->hold = r->lost = 0;
}

int fd__append(char **buf, size_t *used, size_t *cap, const char *s, size_t n)
{
    if (n == 0) /* nothing to copy (and *buf may still be NULL) */
        return 0;
    if (*used + n > *cap) {
        size_t nc = *cap ? *cap : 256;
        char *nb;
        while (nc < *used + n)
            nc *= 2;
        nb = realloc(*buf, nc);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *used, s, n);
    *used += n;
    return 0;
}

/* Reads more input after the unread bytes. 1 got some, 0 EOF, -1 error. */
static int fill(fd_reader *r)
{
    ssize_t k;

    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->end - r->pos);
        r->boff += r->pos;
        r->end -= r->pos;
        r->pos = 0;
    }
    if (r->end == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 65536;
        char *nb = realloc(r->buf, ncap);
        if (!nb)
            return fail(r, "out of memory");
        r->buf = nb;
        r->cap = ncap;
    }
    for (;;) {
        k = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (k >= 0)
            break;
        if (errno != EINTR)
            return fail(r, "%s", strerror(errno));
    }
    if (k == 0) {
        r->eof = 1;
        if (r->pid > 0) {
            int pid = r->pid;
            r->pid = 0;
            if (fd_spawn_wait(pid, r->capture) != 0)
                return -1;
        }
        return 0;
    }
    r->end += (size_t)k;
    return 1;
}

int fd__rd_line(fd_reader *r, const char **p, size_t *n, int *nl)
{
    size_t scanned = 0;

    for (;;) {
        const char *s = r->buf + r->pos + scanned;
        const char *e = memchr(s, '\n', r->end - r->pos - scanned);
        if (e) {
            *p = r->buf + r->pos;
            *n = (size_t)(e - *p) + 1;
            *nl = 1;
            r->pos += *n;
            r->lineno++;
            return 1;
        }
        scanned = r->end - r->pos;
        if (r->eof) {
            if (scanned == 0)
                return 0;
            *p = r->buf + r->pos;
            *n = scanned;
            *nl = 0;
            r->pos = r->end;
            r->lineno++;
            return 1;
        }
        if (fill(r) < 0)
            return -1;
    }
}

static int is_pcap(const unsigned char *b, size_t n)
{
    static const unsigned char magic[5][4] = {
        {0xa1, 0xb2, 0xc3, 0xd4}, {0xd4, 0xc3, 0xb2, 0xa1},
        {0xa1, 0xb2, 0x3c, 0x4d}, {0x4d, 0x3c, 0xb2, 0xa1},
        {0x0a, 0x0d, 0x0d, 0x0a},
    };
    if (n < 4)
        return 0;
    for (int i = 0; i < 5; i++)
        if (memcmp(b, magic[i], 4) == 0)
            return 1;
    return 0;
}

/* Copies a capture arriving on stdin to a temp file flowreplay can open. */
static int stdin_to_temp(fd_reader *r)
{
    const char *dir = getenv("TMPDIR");
    int tfd;

    snprintf(r->tmp, sizeof r->tmp, "%s/flowdiff-XXXXXX",
             dir && *dir && strlen(dir) < 40 ? dir : "/tmp");
    tfd = mkstemp(r->tmp);
    if (tfd < 0) {
        fprintf(stderr, "flowdiff: %s: %s\n", r->tmp, strerror(errno));
        r->tmp[0] = '\0';
        return -1;
    }
    for (;;) {
        size_t off = r->pos;
        while (off < r->end) {
            ssize_t k = write(tfd, r->buf + off, r->end - off);
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0) {
                fprintf(stderr, "flowdiff: %s: %s\n", r->tmp, strerror(errno));
                close(tfd);
                return -1;
            }
            off += (size_t)k;
        }
        r->pos = r->end = 0;
        if (r->eof)
            break;
        if (fill(r) < 0) {
            close(tfd);
            return -1;
        }
    }
    close(tfd);
    return 0;
}

static int start_replay(fd_reader *r, const char *path, const fd_replay *rp)
{
    size_t n = strlen(path) + 16;

    if (r->fd == 0 && stdin_to_temp(r) != 0)
        return -1;
    if (r->fd != 0)
        close(r->fd);
    r->fd = -1;
    r->capture = strdup(r->tmp[0] ? "<stdin>" : path);
    free(r->name);
    r->name = malloc(n);
    if (!r->capture || !r->name)
        return -1;
    snprintf(r->name, n, "%s (replayed)", path);
    r->fd = fd_spawn_replay(r->tmp[0] ? r->tmp : path, rp, &r->pid);
    if (r->fd < 0)
        return -1;
    if (rp->connlog) { /* its conn.log, rewritten as event rows */
        int fd = fd_connlog_convert("", 0, r->fd, r->name);
        close(r->fd);
        r->fd = fd;
        if (fd < 0)
            return -1;
        r->seekable = 1;
    }
    r->pos = r->end = 0;
    r->eof = 0;
    r->kind = FD_KIND_CSV;
    return fd__csv_init(r);
}

fd_reader *fd_reader_open(const char *path, const fd_replay *rp)
{
    fd_reader *r = calloc(1, sizeof *r);
    int is_stdin = strcmp(path, "-") == 0;
    size_t i;

    if (!r)
        return NULL;
    r->fmt = -1;
    r->name = strdup(is_stdin ? "<stdin>" : path);
    r->buf = malloc(FD_BUFSZ);
    r->cap = FD_BUFSZ;
    if (!r->name || !r->buf) {
        fprintf(stderr, "flowdiff: out of memory\n");
        goto fail;
    }
    r->fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        fprintf(stderr, "flowdiff: %s: %s\n", path, strerror(errno));
        goto fail;
    }
    while (!r->eof && r->end < 4)
        if (fill(r) < 0)
            goto fail;
    if (r->end == 0) {
        fd__rd_err(r, 1, 1, "empty file");
        goto fail;
    }
    if (is_pcap((const unsigned char *)r->buf, r->end)) {
        if (start_replay(r, path, rp) != 0)
            goto fail;
        return r;
    }
    if (fd_connlog_detect(r->buf, r->end)) {
        int fd = fd_connlog_convert(r->buf, r->end, r->fd, r->name);
        if (fd < 0)
            goto fail;
        if (r->fd != 0)
            close(r->fd);
        r->fd = fd;
        r->pos = r->end = 0;
        r->eof = 0;
        r->kind = FD_KIND_CSV;
        r->seekable = 1;
        if (fd__csv_init(r) != 0)
            goto fail;
        return r;
    }
    for (i = 0; i < r->end && strchr(" \t\r\n", r->buf[i]); i++)
        ;
    r->kind = i < r->end && r->buf[i] == '{' ? FD_KIND_JSONL : FD_KIND_CSV;
    {
        struct stat sb;
        r->seekable = !is_stdin && fstat(r->fd, &sb) == 0 && S_ISREG(sb.st_mode);
    }
    if (r->kind == FD_KIND_CSV && fd__csv_init(r) != 0)
        goto fail;
    return r;
fail:
    fd_reader_close(r);
    return NULL;
}

int fd_reader_next(fd_reader *r, fd_event *ev)
{
    int rc = r->kind == FD_KIND_CSV ? fd__csv_next(r, ev) : fd__jsonl_next(r, ev);

    /* The key is made here, while the row is still in cache. */
    if (rc == 1 && fd_ev_key(ev) != 0)
        rc = fd__rd_err(r, ev->line, 1, "out of memory");
    return rc;
}

const char *fd_reader_name(const fd_reader *r)
{
    return r->name;
}

uint64_t fd_reader_fields(const fd_reader *r)
{
    return r->seen;
}

int fd_reader_fmt(const fd_reader *r)
{
    return r->fmt;
}

int fd_reader_fixed_fields(const fd_reader *r)
{
    return r->kind == FD_KIND_CSV;
}

int fd_reader_seekable(const fd_reader *r)
{
    return r->seekable;
}

/* Reads at's bytes into a fresh buffer: 0, or -1 printed. */
static int read_at(fd_reader *r, const fd_rowref *at, char **out)
{
    char *b = at->len < SIZE_MAX ? malloc((size_t)at->len + 1) : NULL;
    size_t got = 0;

    if (!b) {
        fprintf(stderr, "flowdiff: %s: out of memory\n", r->name);
        return -1;
    }
    while (got < at->len) {
        ssize_t k = pread(r->fd, b + got, (size_t)at->len - got,
                          (off_t)(at->off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            fprintf(stderr, "flowdiff: %s: %s\n", r->name,
                    k < 0 ? strerror(errno) : "file shrank while being compared");
            free(b);
            return -1;
        }
        got += (size_t)k;
    }
    *out = b;
    return 0;
}

/* A reader over the bytes of one row that parses it the way r did: the
 * same header, format and numbering. Only the parser's scratch is its
 * own (freed by fd__csv_free and free(t->sb)). */
int fd_reader_reread(fd_reader *r, const fd_rowref *at, fd_event *ev)
{
    fd_reader *t = calloc(1, sizeof *t);
    int rc = -1;

    if (!t) {
        fprintf(stderr, "flowdiff: out of memory\n");
        return -1;
    }
    if (read_at(r, at, &t->buf) != 0) {
        free(t);
        return -1;
    }
    t->name = r->name;
    t->fd = -1;
    t->cap = t->end = (size_t)at->len;
    t->eof = 1;
    t->lineno = at->line - 1;
    t->kind = r->kind;
    t->fmt = r->fmt;
    t->last_seq = at->seq - 1;
    if (t->kind == FD_KIND_CSV) {
        if (fd__csv_init(t) != 0)
            goto out;
        memcpy(t->colid, r->colid, sizeof t->colid);
        memcpy(t->idcol, r->idcol, sizeof t->idcol);
        t->ncols = r->ncols;
        t->inorder = r->inorder;
        t->header_done = 1;
        rc = fd__csv_next(t, ev);
    } else {
        rc = fd__jsonl_next(t, ev);
    }
    if (rc == 0) /* the bytes were valid once: the file has changed */
        fprintf(stderr, "flowdiff: %s: file changed while being compared\n",
                r->name);
    rc = rc == 1 ? 0 : -1;
out:
    fd__csv_free(t);
    free(t->sb);
    free(t->buf);
    free(t);
    return rc;
}

void fd_reader_close(fd_reader *r)
{
    if (!r)
        return;
    if (r->fd > 0)
        close(r->fd);
    if (r->pid > 0) {
        /* Stopped early: the pipe is closed, so the child gets EPIPE. */
        kill((pid_t)r->pid, SIGTERM);
        waitpid((pid_t)r->pid, NULL, 0);
    }
    if (r->tmp[0])
        unlink(r->tmp);
    fd__csv_free(r);
    free(r->held);
    free(r->sb);
    free(r->buf);
    free(r->name);
    free(r->capture);
    free(r);
}

/* Strict unsigned decimal: digits only, no sign, no overflow. */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    unsigned d;

    if (n == 0 || n > 20)
        return -1;
    /* 19 digits always fit; only a 20th can overflow. */
    for (size_t i = 0; i + 1 < n; i++) {
        d = (unsigned)(s[i] - '0');
        if (d > 9)
            return -1;
        v = v * 10 + d;
    }
    d = (unsigned)(s[n - 1] - '0');
    if (d > 9 || v > (UINT64_MAX - d) / 10)
        return -1;
    *out = v * 10 + d;
    return 0;
}

#define ONES UINT64_C(0x0101010101010101)

/* The eight ASCII digits at s as a number, or -1 if one is not a digit.
 * All eight at once: a byte is a digit when its high nibble is 3 and
 * stays 3 after adding 6; then pairs, quads and the octet are combined
 * by multiplying, each step's sums too small to carry into the next
 * lane. */
static int64_t eight_digits(const char *s)
{
    uint64_t w;

    memcpy(&w, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w); /* the first digit in the low byte */
#endif
    if ((w & (ONES * 0xf0)) != ONES * 0x30 ||
        ((w + ONES * 6) & (ONES * 0xf0)) != ONES * 0x30)
        return -1;
    w &= ONES * 0x0f;
    w = (w * 10 + (w >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
    w = (w * 100 + (w >> 16)) & UINT64_C(0x0000ffff0000ffff);
    w = (w * 10000 + (w >> 32)) & UINT64_C(0xffffffff);
    return (int64_t)w;
}

/* A timestamp as flowreplay writes it, "SECONDS.NNNNNNNNN" with 8 to 10
 * digits of seconds below 9e9, parsed eight digits at a time; any other
 * spelling goes to fc_ts_parse, which gives the same value for this
 * one. */
static int parse_ts(const char *s, size_t n, fc_ts *out)
{
    int64_t sec = 0, lo, frac;
    size_t k = n - 10; /* digits of seconds */

    if (n < 18 || n > 20 || s[k] != '.')
        return fc_ts_parse(s, n, out);
    for (size_t i = 0; i < k - 8; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9)
            return fc_ts_parse(s, n, out);
        sec = sec * 10 + d;
    }
    lo = eight_digits(s + k - 8);
    frac = eight_digits(s + k + 1);
    if (lo < 0 || frac < 0 || (unsigned)(s[n - 1] - '0') > 9)
        return fc_ts_parse(s, n, out);
    sec = sec * 100000000 + lo;
    if (sec >= INT64_C(9000000000))
        return fc_ts_parse(s, n, out);
    *out = sec * FC_NSEC_PER_SEC + frac * 10 + (s[n - 1] - '0');
    return 0;
}

/* The event type named by v[0..n), or -1; the names differ in length. */
static int event_type(const char *v, size_t n)
{
    static const signed char by_len[13] = {
        -1, -1, -1, -1, -1, 4, 1, 0, -1, -1, -1, 2, 3
    };
    int t = n < sizeof by_len ? by_len[n] : -1;

    return t >= 0 && memcmp(v, fd_event_names[t], n) == 0 ? t : -1;
}

static int bad(fd_reader *r, fd__loc_fn *loc, int id, const char *what,
               const fd_event *ev)
{
    uint64_t line, col;
    size_t n;
    const char *v = fd_ev_val(ev, id, &n);

    loc(r, id, &line, &col);
    return fd__rd_err(r, line, col, "%s in column %s: '%.*s'", what,
                      fd_field_name(id), (int)(n > 60 ? 60 : n), v);
}

int fd__rd_validate(fd_reader *r, fd_event *ev, fd__loc_fn *loc)
{
    static const int must[] = {FD_F_PROTO, FD_F_ORIG_H, FD_F_RESP_H};
    static const int ints[] = {FD_F_LEN, FD_F_ORIG_PKTS, FD_F_RESP_PKTS,
                               FD_F_ORIG_BYTES, FD_F_RESP_BYTES};
    const char *v;
    size_t n;
    uint64_t u;
    int i;

    v = fd_ev_val(ev, FD_F_SEQ, &n);
    if (parse_u64(v, n, &ev->seq) != 0)
        return bad(r, loc, FD_F_SEQ, "bad number", ev);
    if (ev->seq != r->last_seq + 1)
        return bad(r, loc, FD_F_SEQ, r->last_seq ? "seq does not follow the previous row"
                                                 : "seq does not start at 1", ev);
    v = fd_ev_val(ev, FD_F_TS, &n);
    if (parse_ts(v, n, &ev->ts) != 0)
        return bad(r, loc, FD_F_TS, "bad timestamp", ev);
    v = fd_ev_val(ev, FD_F_EVENT, &n);
    if ((ev->type = event_type(v, n)) < 0)
        return bad(r, loc, FD_F_EVENT, "unknown event name", ev);
    for (i = 0; i < 3; i++)
        if (ev->len[must[i]] == 0)
            return bad(r, loc, must[i], "empty value", ev);
    v = fd_ev_val(ev, FD_F_ORIG_P, &n);
    if (parse_u64(v, n, &u) != 0 || u > 65535)
        return bad(r, loc, FD_F_ORIG_P, "bad port", ev);
    v = fd_ev_val(ev, FD_F_RESP_P, &n);
    if (parse_u64(v, n, &u) != 0 || u > 65535)
        return bad(r, loc, FD_F_RESP_P, "bad port", ev);
    v = fd_ev_val(ev, FD_F_SIDE, &n);
    if (n != 0 && !(n == 4 && (memcmp(v, "orig", 4) == 0 || memcmp(v, "resp", 4) == 0)))
        return bad(r, loc, FD_F_SIDE, "bad side", ev);
    for (i = 0; i < 5; i++) {
        v = fd_ev_val(ev, ints[i], &n);
        if (n != 0 && parse_u64(v, n, &u) != 0)
            return bad(r, loc, ints[i], "bad number", ev);
    }
    v = fd_ev_val(ev, FD_F_START, &n);
    if (parse_ts(v, n, &ev->start) != 0)
        return bad(r, loc, FD_F_START, "bad timestamp", ev);
    v = fd_ev_val(ev, FD_F_FMT, &n);
    if (parse_u64(v, n, &u) != 0 || u > 1000000)
        return bad(r, loc, FD_F_FMT, "bad format version", ev);
    if (r->fmt < 0)
        r->fmt = (int)u;
    else if ((int)u != r->fmt)
        return bad(r, loc, FD_F_FMT, "format version differs from earlier rows", ev);
    r->last_seq = ev->seq;
    return 1;
}
