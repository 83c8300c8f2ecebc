/* fuzz_rdzip.c - flowkit's decompressing reader: the input's first byte
 * picks gzip, zstd, xz, bzip2 or lz4, whose magic replaces the input's
 * first bytes; the rest is the compressed stream as the fuzzer makes it
 * (seeds are real compressed captures). */
#define FZ_SHAPE shape_zip
#include "fuzz_capread.h"

static size_t shape_zip(uint8_t *b, size_t n)
{
    static const struct { uint8_t m[6]; size_t len; } z[5] = {
        {{0x1f, 0x8b}, 2},
        {{0x28, 0xb5, 0x2f, 0xfd}, 4},
        {{0xfd, '7', 'z', 'X', 'Z', 0}, 6},
        {{'B', 'Z', 'h', '9'}, 4},
        {{0x04, 0x22, 0x4d, 0x18}, 4},
    };
    if (n < 6)
        return n;
    /* a seed already starting with a magic keeps it */
    for (int i = 0; i < 5; i++)
        if (memcmp(b, z[i].m, z[i].len) == 0)
            return n;
    unsigned k = b[0] % 5;
    memcpy(b, z[k].m, z[k].len);
    return n;
}
