/* fc_unzip.h - one decompressor interface over zlib (gzip), libzstd,
 * liblzma (xz), libbz2 and liblz4 (frame format) (internal to
 * libflowcore).
 *
 * Concatenated members (`cat a.gz b.gz`, several zstd or lz4 frames,
 * several xz or bzip2 streams) decompress as one stream, as zcat and
 * its siblings do. */
#ifndef FC_UNZIP_H
#define FC_UNZIP_H

#include <stddef.h>
#include <stdint.h>

typedef struct fc_unzip fc_unzip;

/* Recognises a compressed stream by its first bytes (n of them at p):
 * FC_CAPIN_GZIP etc., or FC_CAPIN_PLAIN. */
int fc_unzip_sniff(const uint8_t *p, size_t n);
/* The compression's name, for messages ("plain" for none). */
const char *fc_unzip_kind_name(int kind);

/* A decompressor for KIND; NULL when memory or the library fails. */
fc_unzip *fc_unzip_new(int kind);

/* Decompresses what fits: reads from in[0..inlen) (*used bytes taken),
 * writes to out[0..outcap) (*made bytes). `eof` says no input follows
 * the inlen bytes. FC_OK when it progressed or needs more input; FC_DONE
 * when the input ended cleanly after a whole member and nothing more
 * comes out; FC_EFORMAT with a one-line reason in err (size errlen) for
 * a damaged or cut stream; FC_ENOMEM. */
int fc_unzip_run(fc_unzip *z, const uint8_t *in, size_t inlen, size_t *used, uint8_t *out,
                 size_t outcap, size_t *made, int eof, char *err, size_t errlen);

void fc_unzip_free(fc_unzip *z);

#endif
