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
    uint64_t count;
    size_t used;
    uint8_t *buf;
    char path[512];
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

fg_writer *fg_writer_open(const char *path, int nsec, uint32_t linktype,
                          uint32_t snaplen, char *errbuf, size_t errlen)
{
    fg_writer *w = calloc(1, sizeof *w);

    if (w == NULL || (w->buf = malloc(FG_WBUF_SIZE)) == NULL) {
        snprintf(errbuf, errlen, "out of memory");
        free(w);
        return NULL;
    }
    w->is_stdout = strcmp(path, "-") == 0;
    snprintf(w->path, sizeof w->path, "%s", w->is_stdout ? "<stdout>" : path);
    w->fp = w->is_stdout ? stdout : fopen(path, "wb");
    if (w->fp == NULL) {
        snprintf(errbuf, errlen, "%s: cannot open: %s", path, strerror(errno));
        free(w->buf);
        free(w);
        return NULL;
    }
    /* We buffer ourselves; a second stdio copy would only cost time. */
    setvbuf(w->fp, NULL, _IONBF, 0);
    w->nsec = nsec;
    w->snaplen = snaplen;

    uint8_t *h = w->buf;
    put_le32(h, nsec ? 0xa1b23c4dU : 0xa1b2c3d4U);
    put_le16(h + 4, 2); /* version 2.4 */
    put_le16(h + 6, 4);
    put_le32(h + 8, 0);  /* thiszone */
    put_le32(h + 12, 0); /* sigfigs */
    put_le32(h + 16, snaplen);
    put_le32(h + 20, linktype);
    w->used = FG_FILE_HDR;
    return w;
}

int fg_writer_put(fg_writer *w, uint64_t ts_ns, const uint8_t *frame,
                  size_t len)
{
    size_t caplen = len < w->snaplen ? len : w->snaplen;
    uint64_t sec = ts_ns / 1000000000u;
    uint32_t frac = (uint32_t)(ts_ns % 1000000000u);

    if (w->failed)
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
    flush_buf(w);
    if (w->is_stdout) {
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
