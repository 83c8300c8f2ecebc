/* flowgen_pcap.c - classic pcap writer (see flowgen_pcap.h). */
#include "flowgen_pcap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Large enough that fwrite sees few, big writes at 10M packets. */
#define FG_WBUF_SIZE ((size_t)4 << 20)
#define FG_REC_HDR 16
#define FG_FILE_HDR 24

struct fg_writer {
    FILE *fp;
    int is_stdout;
    int nsec;
    int failed;
    uint32_t snaplen;
    uint32_t linktype;
    uint32_t nfiles;   /* split: files in all; 0 when not split */
    uint32_t filei;   /* split: the file being written */
    uint64_t every;    /* split: records per file */
    uint64_t count;
    size_t used;
    uint8_t *buf;
    char path[512];
    char base[500];
    char err[640];
};

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void fail(fg_writer *w, const char *what, int err)
{
    if (w->failed)
        return;
    w->failed = 1;
    snprintf(w->err, sizeof w->err, "%s: %s%s", w->path, what,
             err ? strerror(err) : "short write");
}

static int flush_buf(fg_writer *w)
{
    if (w->failed)
        return -1;
    if (w->used == 0)
        return 0;
    errno = 0;
    if (fwrite(w->buf, 1, w->used, w->fp) != w->used) {
        fail(w, "write error: ", errno);
        return -1;
    }
    w->used = 0;
    return 0;
}

/* Queues the file header for the file about to be written. */
static void put_file_header(fg_writer *w)
{
    uint8_t *h = w->buf + w->used;

    put_le32(h, w->nsec ? 0xa1b23c4dU : 0xa1b2c3d4U);
    put_le16(h + 4, 2); /* version 2.4 */
    put_le16(h + 6, 4);
    put_le32(h + 8, 0);  /* thiszone */
    put_le32(h + 12, 0); /* sigfigs */
    put_le32(h + 16, w->snaplen);
    put_le32(h + 20, w->linktype);
    w->used += FG_FILE_HDR;
}

/* Opens w->path (or stdout) for writing. 0, or -1 with the message. */
static int open_file(fg_writer *w, char *errbuf, size_t errlen)
{
    w->fp = w->is_stdout ? stdout : fopen(w->path, "wb");
    if (w->fp == NULL) {
        snprintf(errbuf, errlen, "%s: cannot open: %s", w->path,
                 strerror(errno));
        return -1;
    }
    /* We buffer ourselves; a second stdio copy would only cost time. */
    setvbuf(w->fp, NULL, _IONBF, 0);
    put_file_header(w);
    return 0;
}

static fg_writer *writer_new(int nsec, uint32_t linktype, uint32_t snaplen,
                             char *errbuf, size_t errlen)
{
    fg_writer *w = calloc(1, sizeof *w);

    if (w == NULL || (w->buf = malloc(FG_WBUF_SIZE)) == NULL) {
        snprintf(errbuf, errlen, "out of memory");
        free(w);
        return NULL;
    }
    w->nsec = nsec;
    w->linktype = linktype;
    w->snaplen = snaplen;
    return w;
}

fg_writer *fg_writer_open(const char *path, int nsec, uint32_t linktype,
                          uint32_t snaplen, char *errbuf, size_t errlen)
{
    fg_writer *w = writer_new(nsec, linktype, snaplen, errbuf, errlen);

    if (w == NULL)
        return NULL;
    w->is_stdout = strcmp(path, "-") == 0;
    snprintf(w->path, sizeof w->path, "%s", w->is_stdout ? "<stdout>" : path);
    if (open_file(w, errbuf, errlen) != 0) {
        free(w->buf);
        free(w);
        return NULL;
    }
    return w;
}

fg_writer *fg_writer_open_split(const char *base, uint32_t nfiles,
                                uint64_t every, int nsec, uint32_t linktype,
                                uint32_t snaplen, char *errbuf,
                                size_t errlen)
{
    fg_writer *w;

    if (nfiles == 0 || nfiles > 10000 || every == 0) {
        snprintf(errbuf, errlen, "%s: cannot split into %u files", base,
                 (unsigned)nfiles);
        return NULL;
    }
    if (strlen(base) >= sizeof w->base) {
        snprintf(errbuf, errlen, "%.64s...: name too long", base);
        return NULL;
    }
    if ((w = writer_new(nsec, linktype, snaplen, errbuf, errlen)) == NULL)
        return NULL;
    snprintf(w->base, sizeof w->base, "%s", base);
    snprintf(w->path, sizeof w->path, "%s.0000", base);
    w->nfiles = nfiles;
    w->every = every;
    if (open_file(w, errbuf, errlen) != 0) {
        free(w->buf);
        free(w);
        return NULL;
    }
    return w;
}

/* Split output: ends the current file and starts the next one. */
static int next_file(fg_writer *w)
{
    char err[sizeof w->err];

    if (flush_buf(w) != 0)
        return -1;
    errno = 0;
    if (fclose(w->fp) != 0) {
        w->fp = NULL;
        fail(w, "close failed: ", errno);
        return -1;
    }
    w->fp = NULL;
    w->filei++;
    snprintf(w->path, sizeof w->path, "%s.%04u", w->base,
             (unsigned)w->filei);
    if (open_file(w, err, sizeof err) != 0) {
        w->failed = 1;
        snprintf(w->err, sizeof w->err, "%s", err);
        return -1;
    }
    return 0;
}

int fg_writer_put(fg_writer *w, uint64_t ts_ns, const uint8_t *frame,
                  size_t len)
{
    size_t caplen = len < w->snaplen ? len : w->snaplen;
    uint64_t sec = ts_ns / 1000000000u;
    uint32_t frac = (uint32_t)(ts_ns % 1000000000u);

    if (w->failed)
        return -1;
    if (w->nfiles && w->count > 0 && w->count % w->every == 0 &&
        w->filei + 1 < w->nfiles && next_file(w) != 0)
        return -1;
    if (sec > UINT32_MAX) {
        fail(w, "timestamp beyond 2106, cannot store", 0);
        return -1;
    }
    if (w->used + FG_REC_HDR + caplen > FG_WBUF_SIZE && flush_buf(w) != 0)
        return -1;
    if (!w->nsec)
        frac /= 1000;

    uint8_t *p = w->buf + w->used;
    put_le32(p, (uint32_t)sec);
    put_le32(p + 4, frac);
    put_le32(p + 8, (uint32_t)caplen);
    put_le32(p + 12, (uint32_t)len);
    memcpy(p + FG_REC_HDR, frame, caplen);
    w->used += FG_REC_HDR + caplen;
    w->count++;
    return 0;
}

int fg_writer_failed(const fg_writer *w)
{
    return w->failed;
}

const char *fg_writer_errmsg(const fg_writer *w)
{
    return w->err;
}

uint64_t fg_writer_count(const fg_writer *w)
{
    return w->count;
}

int fg_writer_close(fg_writer *w, char *errbuf, size_t errlen)
{
    int rc;

    if (w == NULL)
        return 0;
    while (w->nfiles && w->filei + 1 < w->nfiles && !w->failed)
        next_file(w);
    flush_buf(w);
    if (w->fp == NULL) {
        /* a split's next file failed to open: nothing left to close */
    } else if (w->is_stdout) {
        errno = 0;
        if ((fflush(w->fp) != 0 || ferror(w->fp)))
            fail(w, "write error: ", errno);
    } else {
        errno = 0;
        if (fclose(w->fp) != 0)
            fail(w, "close failed: ", errno);
    }
    rc = w->failed ? -1 : 0;
    if (rc != 0)
        snprintf(errbuf, errlen, "%s", w->err);
    free(w->buf);
    free(w);
    return rc;
}
