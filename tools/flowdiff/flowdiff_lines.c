/* flowdiff_lines.c - a reader's input as lines, and its messages: the
 * buffer both parsers (flowdiff_csv.c, flowdiff_jsonl.c) and the opener
 * (flowdiff_read.c) read through, and "NAME:LINE:COL: ..." errors,
 * printed or held back while the aligner reads ahead. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "flowdiff_lines.h"

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

int fd__rd_fill(fd_reader *r)
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
        if (fd__rd_fill(r) < 0)
            return -1;
    }
}
