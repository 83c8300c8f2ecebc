/* fc_capin.c - a capture file's bytes, read through a buffer.
 *
 * Every input keeps one buffer whose live part [start, end) is the
 * window. It is compacted when the window reaches its end and grown
 * (doubling) only while it is full of data and a block still needs more,
 * so a hostile length field can cost at most twice the bytes really
 * there.
 *
 * Regular files are read, not mapped. Walking a mapping touches the
 * file's pages through 4 KiB translations of the process's own, and on
 * the machines we measure (virtual, nested paging) that walk costs four
 * times what read(2) costs for the same bytes: the kernel copies through
 * its own large-page map into a buffer the walk then finds in cache. A
 * 1 GiB capture: touching every line of a mapping 0.40-0.53 s (0.40 with
 * MAP_POPULATE), reading it in 1 MiB pieces and touching every line
 * 0.10-0.13 s. Records are still never copied one by one: they are
 * read where they lie in the buffer. A file cut short while it is read
 * is a short read here (an error line), where a mapping would SIGBUS. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fc_alloc.h"
#include "fc_capin.h"
#include "fc_error.h"
#include "fc_unzip.h"

#define STREAM_CHUNK ((size_t)1 << 20)
#define SMALL_CHUNK ((size_t)64 << 10) /* a regular file smaller than a chunk */
#define ZIN_SIZE ((size_t)256 << 10)
/* No block of any format we read needs more; a larger claim is damage. */
#define STREAM_MAX ((size_t)1 << 30)

typedef struct fc_capin_impl {
    int fd;
    int own_fd;
    int kind;
    int seekable;      /* a regular, uncompressed file we opened */
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
    /* the first bytes say whether it is compressed */
    m->cap = STREAM_CHUNK;
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < STREAM_CHUNK)
        m->cap = SMALL_CHUNK; /* 10,000 small files need no 1 MiB each */
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
        m->seekable = S_ISREG(st.st_mode) && m->own_fd;
#ifdef POSIX_FADV_SEQUENTIAL
        if (m->seekable) /* read once, front to back: let the kernel read ahead far */
            (void)posix_fadvise(m->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
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

int fc_capin_seekable(const fc_capin *in)
{
    return in->impl->seekable;
}

uint64_t fc_capin_tell(const fc_capin *in)
{
    impl *m = in->impl;
    return m->base + (uint64_t)(in->cur - m->buf);
}

int fc_capin_seek(fc_capin *in, uint64_t off)
{
    impl *m = in->impl;
    if (!m->seekable || off > (uint64_t)INT64_MAX)
        return FC_EINVAL;
    if (lseek(m->fd, (off_t)off, SEEK_SET) < 0) {
        snprintf(m->err, sizeof m->err, "%s", strerror(errno));
        return FC_EIO;
    }
    m->base = off;
    m->start = m->end = 0;
    m->eof = 0;
    set_window(in, m);
    return FC_OK;
}

uint64_t fc_capin_file_pos(const fc_capin *in)
{
    impl *m = in->impl;
    if (!m)
        return 0;
    if (m->kind == FC_CAPIN_PLAIN)
        return m->base + (uint64_t)(in->cur - m->buf);
    return m->file_pos;
}

void fc_capin_set_retire(fc_capin *in, int (*retire)(void *ctx, void *buf), void *ctx)
{
    impl *m = in->impl;
    if (m) {
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
    if (!m || !m->retire) {
        fc_capin_close(in);
        return NULL;
    }
    /* the impl keeps just the buffer */
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

void fc_capin_free_kept(void *kept)
{
    impl *m = kept;
    if (!m)
        return;
    fc_free(m->buf);
    fc_free(m);
}

void fc_capin_close(fc_capin *in)
{
    impl *m = in->impl;
    if (!m)
        return;
    if (m->own_fd && m->fd >= 0)
        close(m->fd);
    fc_unzip_free(m->z);
    fc_free(m->zin);
    fc_free(m->buf);
    fc_free(m);
    memset(in, 0, sizeof *in);
}
