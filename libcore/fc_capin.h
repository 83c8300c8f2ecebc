/* fc_capin.h - the bytes of one capture file, as a window the format
 * readers walk in place (internal to libflowcore).
 *
 * Every input is read through a buffer that grows only as far as the
 * longest block needs, and records are read where they lie in it, never
 * copied one by one: regular files (which can also be reopened at a
 * saved position), standard input, pipes, and compressed files (gzip,
 * zstd, xz, bzip2, lz4 frames, told apart by their magic bytes, not
 * their names), decompressed into it. fc_capin.c says why regular files
 * are read rather than mapped. */
#ifndef FC_CAPIN_H
#define FC_CAPIN_H

#include <stddef.h>
#include <stdint.h>

#define FC_CAPIN_ERRBUF 256

/* What a file starts with, before any format is read. */
enum { FC_CAPIN_PLAIN, FC_CAPIN_GZIP, FC_CAPIN_ZSTD, FC_CAPIN_XZ, FC_CAPIN_BZIP2, FC_CAPIN_LZ4 };

typedef struct fc_capin {
    const uint8_t *cur; /* the read position */
    const uint8_t *lim; /* end of the bytes at hand */
    struct fc_capin_impl *impl;
} fc_capin;

/* Opens PATH ("-" is standard input). FC_OK, or an error code with a
 * reason (no path) in err (FC_CAPIN_ERRBUF bytes); nothing stays open
 * then. */
int fc_capin_open(fc_capin *in, const char *path, char *err);

/* Slow path of fc_capin_need: reads more. */
int fc_capin__fill(fc_capin *in, size_t n);

/* Makes n bytes available at in->cur. FC_OK when they are; FC_DONE when
 * the input ends first (in->lim - in->cur says how many there are);
 * FC_EIO/FC_EFORMAT/FC_ENOMEM when reading or decompressing failed
 * (fc_capin_errmsg). Pointers into the window stay valid until the next
 * fc_capin_need (or, after fc_capin_set_retire, until the buffer holding
 * them is freed). */
static inline int fc_capin_need(fc_capin *in, size_t n)
{
    if ((size_t)(in->lim - in->cur) >= n)
        return 0;
    return fc_capin__fill(in, n);
}

/* Offset in the (decompressed) stream of P, a pointer into the window
 * at or before in->cur with no fc_capin_need between. */
uint64_t fc_capin_offset_of(const fc_capin *in, const uint8_t *p);

const char *fc_capin_errmsg(const fc_capin *in);
/* FC_CAPIN_PLAIN or the compression met. */
int fc_capin_kind(const fc_capin *in);
/* 1 for a regular, uncompressed file opened by path: positions can be
 * saved (fc_capin_tell) and returned to when it is opened again. */
int fc_capin_seekable(const fc_capin *in);
/* Offset of in->cur in the (decompressed) stream. */
uint64_t fc_capin_tell(const fc_capin *in);
/* Seekable files only, before anything was read past the sniffed first
 * bytes: moves the read position to OFF. FC_OK, FC_EINVAL (not
 * seekable) or FC_EIO (fc_capin_errmsg). */
int fc_capin_seek(fc_capin *in, uint64_t off);
/* Bytes of the file itself consumed so far (compressed bytes for a
 * compressed file), for progress. */
uint64_t fc_capin_file_pos(const fc_capin *in);

/* Closes; a zeroed or closed fc_capin is ok. */
void fc_capin_close(fc_capin *in);

/* Streams: from now on, bytes once in the window are never moved nor
 * overwritten, so that records handed out stay readable elsewhere: when
 * the buffer is full, a fresh one takes over (with the unread bytes) and
 * the old one goes to retire(ctx, old), which frees it later with
 * fc_capin_free_buffer and returns 0, or returns -1 when it cannot take
 * it (that fill then fails with FC_ENOMEM). */
void fc_capin_set_retire(fc_capin *in, int (*retire)(void *ctx, void *buf), void *ctx);
void fc_capin_free_buffer(void *buf);

/* Closes all but the bytes records were handed out of (the buffer, after
 * fc_capin_set_retire), so that they stay readable: returns them (NULL
 * when there is nothing to keep, and then nothing is left) for
 * fc_capin_free_kept later. */
void *fc_capin_close_keep(fc_capin *in);
/* Lets go of what fc_capin_close_keep kept. NULL is ok. */
void fc_capin_free_kept(void *kept);

#endif
