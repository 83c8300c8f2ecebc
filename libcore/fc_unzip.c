/* fc_unzip.c - gzip, zstd, xz, bzip2 and lz4 behind one call.
 *
 * Each library is driven the same way: take what input there is, fill
 * what output room there is, and remember whether the last member ended
 * cleanly, so that the end of the input can be told apart from a cut. */
#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include "fc_alloc.h"
#include "fc_capin.h"
#include "fc_error.h"
#include "fc_unzip.h"

/* The compression's name, for messages ("plain" for none). */
const char *fc_unzip_kind_name(int kind)
{
    switch (kind) {
    case FC_CAPIN_GZIP: return "gzip";
    case FC_CAPIN_ZSTD: return "zstd";
    case FC_CAPIN_XZ: return "xz";
    case FC_CAPIN_BZIP2: return "bzip2";
    case FC_CAPIN_LZ4: return "lz4";
    default: return "plain";
    }
}

struct fc_unzip {
    int kind;
    int boundary;  /* the last member ended and no byte of another was read */
    int live;      /* the library's stream is initialised */
    z_stream gz;
    ZSTD_DStream *zs;
    lzma_stream xz;
    bz_stream bz;
    LZ4F_dctx *lz;
};

int fc_unzip_sniff(const uint8_t *p, size_t n)
{
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return FC_CAPIN_GZIP;
    if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
        return FC_CAPIN_ZSTD;
    if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
        return FC_CAPIN_XZ;
    if (n >= 4 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9')
        return FC_CAPIN_BZIP2;
    if (n >= 4 && p[0] == 0x04 && p[1] == 0x22 && p[2] == 0x4d && p[3] == 0x18)
        return FC_CAPIN_LZ4;
    return FC_CAPIN_PLAIN;
}

static void end_stream(fc_unzip *z)
{
    if (!z->live)
        return;
    switch (z->kind) {
    case FC_CAPIN_GZIP: inflateEnd(&z->gz); break;
    case FC_CAPIN_XZ: lzma_end(&z->xz); break;
    case FC_CAPIN_BZIP2: BZ2_bzDecompressEnd(&z->bz); break;
    default: break;
    }
    z->live = 0;
}

/* (Re)starts the library's stream for a new member. */
static int begin_stream(fc_unzip *z)
{
    end_stream(z);
    switch (z->kind) {
    case FC_CAPIN_GZIP:
        memset(&z->gz, 0, sizeof z->gz);
        if (inflateInit2(&z->gz, 15 + 16) != Z_OK) /* +16: gzip wrapper only */
            return FC_ENOMEM;
        break;
    case FC_CAPIN_ZSTD:
        if (!z->zs && !(z->zs = ZSTD_createDStream()))
            return FC_ENOMEM;
        if (ZSTD_isError(ZSTD_initDStream(z->zs)))
            return FC_ENOMEM;
        break;
    case FC_CAPIN_XZ: {
        lzma_stream init = LZMA_STREAM_INIT;
        z->xz = init;
        /* one stream at a time: the end of each is checked like a gzip member */
        if (lzma_stream_decoder(&z->xz, UINT64_MAX, 0) != LZMA_OK)
            return FC_ENOMEM;
        break;
    }
    case FC_CAPIN_BZIP2:
        memset(&z->bz, 0, sizeof z->bz);
        if (BZ2_bzDecompressInit(&z->bz, 0, 0) != BZ_OK)
            return FC_ENOMEM;
        break;
    case FC_CAPIN_LZ4:
        if (!z->lz && LZ4F_isError(LZ4F_createDecompressionContext(&z->lz, LZ4F_VERSION)))
            return FC_ENOMEM;
        break;
    default:
        return FC_EINVAL;
    }
    z->live = 1;
    return FC_OK;
}

fc_unzip *fc_unzip_new(int kind)
{
    fc_unzip *z = fc_calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->kind = kind;
    if (begin_stream(z) != FC_OK) {
        fc_unzip_free(z);
        return NULL;
    }
    return z;
}

static int damaged(fc_unzip *z, char *err, size_t errlen, const char *why)
{
    snprintf(err, errlen, "damaged %s stream: %s", fc_unzip_kind_name(z->kind), why);
    return FC_EFORMAT;
}

int fc_unzip_run(fc_unzip *z, const uint8_t *in, size_t inlen, size_t *used, uint8_t *out,
                 size_t outcap, size_t *made, int eof, char *err, size_t errlen)
{
    *used = *made = 0;
    if (inlen == 0 && z->boundary)
        return eof ? FC_DONE : FC_OK;
    if (z->boundary) { /* another member follows */
        int rc = begin_stream(z);
        if (rc != FC_OK)
            return rc;
        z->boundary = 0;
    }
    switch (z->kind) {
    case FC_CAPIN_GZIP: {
        z->gz.next_in = (Bytef *)(uintptr_t)in;
        z->gz.avail_in = inlen > UINT32_MAX ? UINT32_MAX : (uInt)inlen;
        z->gz.next_out = out;
        z->gz.avail_out = outcap > UINT32_MAX ? UINT32_MAX : (uInt)outcap;
        uInt ai = z->gz.avail_in, ao = z->gz.avail_out;
        int r = inflate(&z->gz, Z_NO_FLUSH);
        *used = ai - z->gz.avail_in;
        *made = ao - z->gz.avail_out;
        if (r == Z_STREAM_END)
            z->boundary = 1;
        else if (r == Z_MEM_ERROR)
            return FC_ENOMEM;
        else if (r != Z_OK && r != Z_BUF_ERROR)
            return damaged(z, err, errlen, z->gz.msg ? z->gz.msg : "inflate failed");
        break;
    }
    case FC_CAPIN_ZSTD: {
        ZSTD_inBuffer ib = {in, inlen, 0};
        ZSTD_outBuffer ob = {out, outcap, 0};
        size_t r = ZSTD_decompressStream(z->zs, &ob, &ib);
        *used = ib.pos;
        *made = ob.pos;
        if (ZSTD_isError(r))
            return damaged(z, err, errlen, ZSTD_getErrorName(r));
        if (r == 0)
            z->boundary = 1;
        break;
    }
    case FC_CAPIN_XZ: {
        z->xz.next_in = in;
        z->xz.avail_in = inlen;
        z->xz.next_out = out;
        z->xz.avail_out = outcap;
        lzma_ret r = lzma_code(&z->xz, LZMA_RUN);
        *used = inlen - z->xz.avail_in;
        *made = outcap - z->xz.avail_out;
        if (r == LZMA_STREAM_END)
            z->boundary = 1;
        else if (r == LZMA_MEM_ERROR)
            return FC_ENOMEM;
        else if (r != LZMA_OK && r != LZMA_BUF_ERROR)
            return damaged(z, err, errlen,
                           r == LZMA_FORMAT_ERROR ? "not in xz format"
                           : r == LZMA_OPTIONS_ERROR ? "unsupported options"
                           : r == LZMA_MEMLIMIT_ERROR ? "memory limit reached"
                                                     : "corrupt data");
        break;
    }
    case FC_CAPIN_BZIP2: {
        z->bz.next_in = (char *)(uintptr_t)in;
        z->bz.avail_in = inlen > UINT32_MAX ? UINT32_MAX : (unsigned)inlen;
        z->bz.next_out = (char *)out;
        z->bz.avail_out = outcap > UINT32_MAX ? UINT32_MAX : (unsigned)outcap;
        unsigned ai = z->bz.avail_in, ao = z->bz.avail_out;
        int r = BZ2_bzDecompress(&z->bz);
        *used = ai - z->bz.avail_in;
        *made = ao - z->bz.avail_out;
        if (r == BZ_STREAM_END)
            z->boundary = 1;
        else if (r == BZ_MEM_ERROR)
            return FC_ENOMEM;
        else if (r != BZ_OK)
            return damaged(z, err, errlen, r == BZ_DATA_ERROR_MAGIC ? "bad magic" : "corrupt data");
        break;
    }
    case FC_CAPIN_LZ4: {
        size_t dn = outcap, sn = inlen;
        size_t r = LZ4F_decompress(z->lz, out, &dn, in, &sn, NULL);
        *used = sn;
        *made = dn;
        if (LZ4F_isError(r)) {
            /* the context is unusable after an error; start afresh if reused */
            LZ4F_resetDecompressionContext(z->lz);
            return damaged(z, err, errlen, LZ4F_getErrorName(r));
        }
        if (r == 0)
            z->boundary = 1;
        break;
    }
    default:
        return FC_EINVAL;
    }
    if (eof && *used == 0 && *made == 0 && !z->boundary) {
        snprintf(err, errlen, "truncated %s stream", fc_unzip_kind_name(z->kind));
        return FC_EFORMAT;
    }
    return FC_OK;
}

void fc_unzip_free(fc_unzip *z)
{
    if (!z)
        return;
    end_stream(z);
    if (z->zs)
        ZSTD_freeDStream(z->zs);
    if (z->lz)
        LZ4F_freeDecompressionContext(z->lz);
    fc_free(z);
}
