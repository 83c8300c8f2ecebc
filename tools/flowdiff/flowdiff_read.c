/* flowdiff_read.c - opening an input (file, stdin or a replayed capture),
 * telling CSV from JSONL, and handing each row to its parser
 * (flowdiff_csv.c, flowdiff_jsonl.c). The line buffer and messages both
 * parsers read through are flowdiff_lines.c, the value checks
 * flowdiff_values.c: each a file of its own so that the parsers, which
 * this file calls, never call back into it. */
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
#include "flowdiff_csv.h"
#include "flowdiff_jsonl.h"
#include "flowdiff_lines.h"

#define FD_BUFSZ (1u << 20)

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
        if (fd__rd_fill(r) < 0) {
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
        if (fd__rd_fill(r) < 0)
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
