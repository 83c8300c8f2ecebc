/* fc_capin.c - a capture file's bytes: mapped in place, or streamed.
 *
 * Streams keep one buffer whose live part [start, end) is the window.
 * It is compacted when the window reaches its end and grown (doubling)
 * only while it is full of data and a block still needs more, so a
 * hostile length field can cost at most twice the bytes really there. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fc_alloc.h"
#include "fc_capin.h"
#include "fc_error.h"
#include "fc_unzip.h"

#define STREAM_CHUNK ((size_t)1 << 20)
#define ZIN_SIZE ((size_t)256 << 10)
/* No block of any format we read needs more; a larger claim is damage. */
#define STREAM_MAX ((size_t)1 << 30)
/* A mapped file's pages are made ready this many bytes at a time, one
 * step ahead of the walk: a page fault per 64 KiB of fault-around costs
 * more than one madvise per 4 MiB, and the walk then never waits for a
 * page the kernel could have had ready. */
#define AHEAD_STEP ((size_t)4 << 20)
#define AHEAD_START ((size_t)64 << 10)

typedef struct fc_capin_impl {
    int fd;
    int own_fd;
    int kind;
    /* mapped */
    uint8_t *map;
    size_t map_len;
    size_t ready;      /* the map's bytes below this are prepared */
    /* streamed */
    uint8_t *buf;
    size_t cap, start, end;
    uint64_t base;     /* stream offset of buf[0] */
    int eof;
    uint64_t file_pos; /* bytes read from the file */
    fc_unzip *z;
    uint8_t *zin;      /* compressed bytes read, not yet decompressed */
    size_t zin_pos, zin_len;
    int zin_eof;
    int zerr;          /* an error met after some output: reported next */
    int (*retire)(void *, void *); /* set: full buffers are replaced, not reused */
    void *retire_ctx;
    char err[FC_CAPIN_ERRBUF];
} impl;

/* read(2) until n bytes or the end; -1 on error (errno set). */
static ssize_t read_full(int fd, uint8_t *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static void set_window(fc_capin *in, impl *m)
{
    in->cur = m->buf + m->start;
    in->lim = m->buf + m->end;
}

int fc_capin_open(fc_capin *in, const char *path, char *err)
{
    struct stat st;
    impl *m;
    uint8_t head[8];

    memset(in, 0, sizeof *in);
    m = fc_calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, FC_CAPIN_ERRBUF, "%s", fc_strerror(FC_ENOMEM));
        return FC_ENOMEM;
    }
    in->impl = m;
    if (strcmp(path, "-") == 0) {
        m->fd = STDIN_FILENO;
    } else {
        m->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (m->fd < 0) {
            snprintf(err, FC_CAPIN_ERRBUF, "%s", strerror(errno));
            fc_capin_close(in);
            return FC_EIO;
        }
        m->own_fd = 1;
    }
    if (fstat(m->fd, &st) != 0) {
        snprintf(err, FC_CAPIN_ERRBUF, "%s", strerror(errno));
        fc_capin_close(in);
        return FC_EIO;
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0 && m->own_fd) {
        ssize_t h = pread(m->fd, head, sizeof head, 0);
        if (h < 0) {
            snprintf(err, FC_CAPIN_ERRBUF, "%s", strerror(errno));
            fc_capin_close(in);
            return FC_EIO;
        }
        if (fc_unzip_sniff(head, (size_t)h) == FC_CAPIN_PLAIN &&
            (uint64_t)st.st_size <= (uint64_t)SIZE_MAX) {
            void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, m->fd, 0);
            if (p != MAP_FAILED) {
                m->map = p;
                m->map_len = (size_t)st.st_size;
                /* read once from front to back: let the kernel read ahead far */
                madvise(p, m->map_len, MADV_SEQUENTIAL);
                in->cur = m->map;
                in->lim = m->map + m->map_len;
                /* prepared once the walk is past the first AHEAD_START
                 * bytes: opening a file (or a directory of them) reads
                 * a header and a record, and a small file needs nothing */
                in->ahead = (uintptr_t)m->map + (m->map_len < AHEAD_START ? m->map_len : AHEAD_START);
                close(m->fd);
                m->own_fd = 0;
                m->fd = -1;
                return FC_OK;
            }
        }
    }
    /* a stream: the first bytes say whether it is compressed */
    in->ahead = UINTPTR_MAX;
    m->cap = STREAM_CHUNK;
    if (!(m->buf = fc_malloc(m->cap))) {
        snprintf(err, FC_CAPIN_ERRBUF, "%s", fc_strerror(FC_ENOMEM));
        fc_capin_close(in);
        return FC_ENOMEM;
    }
    ssize_t got = read_full(m->fd, m->buf, 6);
    if (got < 0) {
        snprintf(err, FC_CAPIN_ERRBUF, "%s", strerror(errno));
        fc_capin_close(in);
        return FC_EIO;
    }
    m->file_pos = (uint64_t)got;
    m->kind = fc_unzip_sniff(m->buf, (size_t)got);
    if (m->kind == FC_CAPIN_PLAIN) {
        m->end = (size_t)got;
        m->eof = got < 6;
    } else {
        if (!(m->zin = fc_malloc(ZIN_SIZE)) || !(m->z = fc_unzip_new(m->kind))) {
            snprintf(err, FC_CAPIN_ERRBUF, "%s", fc_strerror(FC_ENOMEM));
            fc_capin_close(in);
            return FC_ENOMEM;
        }
        memcpy(m->zin, m->buf, (size_t)got);
        m->zin_len = (size_t)got;
    }
    set_window(in, m);
    return FC_OK;
}

/* Appends decompressed or read bytes after m->end; FC_OK (maybe with
 * nothing added when the input ended: m->eof set) or an error. */
static int produce(impl *m)
{
    size_t room = m->cap - m->end;
    if (m->kind == FC_CAPIN_PLAIN) {
        ssize_t r;
        do
            r = read(m->fd, m->buf + m->end, room);
        while (r < 0 && errno == EINTR);
        if (r < 0) {
            snprintf(m->err, sizeof m->err, "%s", strerror(errno));
            return FC_EIO;
        }
        if (r == 0)
            m->eof = 1;
        m->end += (size_t)r;
        m->file_pos += (uint64_t)r;
        return FC_OK;
    }
    if (m->zerr)
        return m->zerr;
    for (;;) {
        if (m->zin_pos == m->zin_len && !m->zin_eof) {
            ssize_t r = read_full(m->fd, m->zin, ZIN_SIZE);
            if (r < 0) {
                snprintf(m->err, sizeof m->err, "%s", strerror(errno));
                return FC_EIO;
            }
            m->zin_pos = 0;
            m->zin_len = (size_t)r;
            m->file_pos += (uint64_t)r;
            m->zin_eof = (size_t)r < ZIN_SIZE;
        }
        size_t used, made;
        int rc = fc_unzip_run(m->z, m->zin + m->zin_pos, m->zin_len - m->zin_pos, &used,
                              m->buf + m->end, room, &made, m->zin_eof, m->err, sizeof m->err);
        m->zin_pos += used;
        m->end += made;
        if (rc == FC_DONE) {
            m->eof = 1;
            return FC_OK;
        }
        if (rc != FC_OK && made) {
            m->zerr = rc; /* hand out the bytes before the damage first */
            return FC_OK;
        }
        if (rc != FC_OK)
            return rc;
        if (made)
            return FC_OK;
        if (used == 0 && m->zin_pos < m->zin_len) {
            /* no progress with input at hand: move it down and read more */
            memmove(m->zin, m->zin + m->zin_pos, m->zin_len - m->zin_pos);
            m->zin_len -= m->zin_pos;
            m->zin_pos = 0;
            if (m->zin_eof || m->zin_len == ZIN_SIZE) {
                snprintf(m->err, sizeof m->err, "damaged %s stream",
                         fc_unzip_kind_name(m->kind));
                return FC_EFORMAT;
            }
            ssize_t r = read_full(m->fd, m->zin + m->zin_len, ZIN_SIZE - m->zin_len);
            if (r < 0) {
                snprintf(m->err, sizeof m->err, "%s", strerror(errno));
                return FC_EIO;
            }
            m->file_pos += (uint64_t)r;
            m->zin_eof = (size_t)r < ZIN_SIZE - m->zin_len;
            m->zin_len += (size_t)r;
        }
    }
}

int fc_capin__fill(fc_capin *in, size_t n)
{
    impl *m = in->impl;
    if (m->map)
        return FC_DONE; /* the whole file is at hand */
    m->start = (size_t)(in->cur - m->buf);
    while (m->end - m->start < n) {
        if (m->eof) {
            set_window(in, m);
            return FC_DONE;
        }
        if (m->end == m->cap && m->retire) {
            /* records handed out may lie anywhere in this buffer: a new
             * one takes the unread bytes (twice the size when all of it
             * is unread) and the old one is freed once they are read */
            size_t live = m->end - m->start, nc = m->cap;
            if (m->start == 0) {
                if (m->cap >= STREAM_MAX) {
                    snprintf(m->err, sizeof m->err, "block of %zu bytes too large", n);
                    set_window(in, m);
                    return FC_EFORMAT;
                }
                nc = m->cap * 2;
            }
            uint8_t *nb = fc_malloc(nc);
            if (!nb || m->retire(m->retire_ctx, m->buf) != 0) {
                fc_free(nb);
                snprintf(m->err, sizeof m->err, "%s", fc_strerror(FC_ENOMEM));
                set_window(in, m);
                return FC_ENOMEM;
            }
            memcpy(nb, m->buf + m->start, live);
            m->buf = nb;
            m->cap = nc;
            m->base += m->start;
            m->end = live;
            m->start = 0;
        } else if (m->end == m->cap) {
            if (m->start > 0) {
                memmove(m->buf, m->buf + m->start, m->end - m->start);
                m->end -= m->start;
                m->base += m->start;
                m->start = 0;
            } else {
                if (m->cap >= STREAM_MAX) {
                    snprintf(m->err, sizeof m->err, "block of %zu bytes too large", n);
                    set_window(in, m);
                    return FC_EFORMAT;
                }
                uint8_t *nb = fc_realloc(m->buf, m->cap * 2);
                if (!nb) {
                    snprintf(m->err, sizeof m->err, "%s", fc_strerror(FC_ENOMEM));
                    set_window(in, m);
                    return FC_ENOMEM;
                }
                m->buf = nb;
                m->cap *= 2;
            }
        }
        int rc = produce(m);
        if (rc != FC_OK) {
            set_window(in, m);
            return rc;
        }
    }
    set_window(in, m);
    return FC_OK;
}

/* Prepares map bytes [from, to): their pages read and mapped. */
static void prepare(impl *m, size_t from, size_t to)
{
    if (to > m->map_len)
        to = m->map_len;
    if (from >= to)
        return;
#ifdef MADV_POPULATE_READ
    /* fails on kernels before 5.14 (and on a file cut short under us,
     * where the walk's own access then reports it): the pages then come
     * by faults as before */
    if (madvise(m->map + from, to - from, MADV_POPULATE_READ) == 0)
        return;
#endif
    madvise(m->map + from, to - from, MADV_WILLNEED);
}

void fc_capin_ahead(fc_capin *in)
{
    impl *m = in->impl;
    if (!m->map) {
        in->ahead = UINTPTR_MAX;
        return;
    }
    size_t at = (size_t)(in->cur - m->map);
    /* keep two steps ready past the read position, the first of them
     * before the walk leaves this one */
    size_t want = (at / AHEAD_STEP + 2) * AHEAD_STEP;
    if (want > m->map_len)
        want = m->map_len;
    if (want > m->ready) {
        prepare(m, m->ready > at ? m->ready : at, want);
        m->ready = want;
    }
    in->ahead = m->ready >= m->map_len ? UINTPTR_MAX
                                        : (uintptr_t)m->map + (at / AHEAD_STEP + 1) * AHEAD_STEP;
}

uint64_t fc_capin_offset_of(const fc_capin *in, const uint8_t *p)
{
    return fc_capin_tell(in) - (uint64_t)(in->cur - p);
}

const char *fc_capin_errmsg(const fc_capin *in)
{
    return in->impl ? in->impl->err : "";
}

int fc_capin_kind(const fc_capin *in)
{
    return in->impl->kind;
}

int fc_capin_mapped(const fc_capin *in)
{
    return in->impl->map != NULL;
}

uint64_t fc_capin_tell(const fc_capin *in)
{
    impl *m = in->impl;
    if (m->map)
        return (uint64_t)(in->cur - m->map);
    return m->base + (uint64_t)(in->cur - m->buf);
}

void fc_capin_seek(fc_capin *in, uint64_t off)
{
    impl *m = in->impl;
    if (m->map && off <= m->map_len) {
        in->cur = m->map + off;
        in->ahead = (uintptr_t)in->cur;
        m->ready = off;
    }
}

uint64_t fc_capin_file_pos(const fc_capin *in)
{
    impl *m = in->impl;
    if (!m)
        return 0;
    if (m->map)
        return (uint64_t)(in->cur - m->map);
    if (m->kind == FC_CAPIN_PLAIN)
        return m->base + (uint64_t)(in->cur - m->buf);
    return m->file_pos;
}

void fc_capin_set_retire(fc_capin *in, int (*retire)(void *ctx, void *buf), void *ctx)
{
    impl *m = in->impl;
    if (m && !m->map) {
        m->retire = retire;
        m->retire_ctx = ctx;
    }
}

void fc_capin_free_buffer(void *buf)
{
    fc_free(buf);
}

void *fc_capin_close_keep(fc_capin *in)
{
    impl *m = in->impl;
    if (!m || (!m->map && !m->retire)) {
        fc_capin_close(in);
        return NULL;
    }
    /* the impl keeps just the mapping or the buffer (a mapped file holds
     * no descriptor, buffer nor decompressor) */
    if (m->own_fd && m->fd >= 0)
        close(m->fd);
    m->own_fd = 0;
    m->fd = -1;
    fc_unzip_free(m->z);
    m->z = NULL;
    fc_free(m->zin);
    m->zin = NULL;
    memset(in, 0, sizeof *in);
    return m;
}

void fc_capin_unmap(void *kept)
{
    impl *m = kept;
    if (!m)
        return;
    if (m->map)
        munmap(m->map, m->map_len);
    fc_free(m->buf);
    fc_free(m);
}

void fc_capin_close(fc_capin *in)
{
    impl *m = in->impl;
    if (!m)
        return;
    if (m->map)
        munmap(m->map, m->map_len);
    if (m->own_fd && m->fd >= 0)
        close(m->fd);
    fc_unzip_free(m->z);
    fc_free(m->zin);
    fc_free(m->buf);
    fc_free(m);
    memset(in, 0, sizeof *in);
}
