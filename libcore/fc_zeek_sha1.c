/* fc_zeek_sha1.c - the SHA-1 (FIPS 180-4) of the Community ID: one
 * 64-byte block per flow. The block function runs on the x86 SHA
 * extensions when the CPU has them (fc_zeek_sha1_ni.c), else in the
 * portable C below. */
#include <string.h>
#include "fc_zeek.h"
#include "fc_zeek_int.h"

static uint32_t rol(uint32_t x, int n)
{
    return x << n | x >> (32 - n);
}

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One round: the schedule is kept as a 16-word ring (W[t] needs only
 * W[t-3], W[t-8], W[t-14] and W[t-16]) and, once the loops are unrolled,
 * the a..e renaming costs no moves. */
#define SHA1_ROUND(f, k)                                                        \
    do {                                                                        \
        uint32_t wt;                                                            \
        if (i < 16) {                                                           \
            wt = w[i] = load_be32(p + 4 * i);                                   \
        } else {                                                                \
            wt = rol(w[(i + 13) & 15] ^ w[(i + 8) & 15] ^ w[(i + 2) & 15] ^     \
                         w[i & 15],                                             \
                     1);                                                        \
            w[i & 15] = wt;                                                     \
        }                                                                       \
        uint32_t t = rol(a, 5) + (f) + e + (k) + wt;                            \
        e = d, d = c, c = rol(b, 30), b = a, a = t;                             \
    } while (0)

void fc__zeek_sha1_blocks(uint32_t h[5], const uint8_t *p, size_t n)
{
    for (; n--; p += 64) {
        uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        int i;
#pragma GCC unroll 20
        for (i = 0; i < 20; i++)
            SHA1_ROUND(d ^ (b & (c ^ d)), 0x5a827999); /* choose */
#pragma GCC unroll 20
        for (; i < 40; i++)
            SHA1_ROUND(b ^ c ^ d, 0x6ed9eba1);
#pragma GCC unroll 20
        for (; i < 60; i++)
            SHA1_ROUND((b & c) | (d & (b | c)), 0x8f1bbcdc); /* majority */
#pragma GCC unroll 20
        for (; i < 80; i++)
            SHA1_ROUND(b ^ c ^ d, 0xca62c1d6);
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
    }
}

/* 1 once the SHA extensions were found, 0 for the portable code, -1
 * before the first look (atomics: a library may hash from any thread). */
static int use_ni = -1;

int fc__zeek_sha1_use_ni(int want)
{
    int v = want && fc__zeek_sha1_ni_available();
    __atomic_store_n(&use_ni, v, __ATOMIC_RELAXED);
    return v;
}

static void blocks(uint32_t h[5], const uint8_t *p, size_t n)
{
    int v = __atomic_load_n(&use_ni, __ATOMIC_RELAXED);
    if (v < 0)
        v = fc__zeek_sha1_use_ni(1);
    if (v)
        fc__zeek_sha1_blocks_ni(h, p, n);
    else
        fc__zeek_sha1_blocks(h, p, n);
}

void fc_zeek_sha1(const void *data, size_t len, uint8_t out[20])
{
    uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    const uint8_t *p = data;
    uint8_t last[128];
    size_t full = len / 64, rest = len - full * 64, n;
    uint64_t bits = (uint64_t)len * 8;
    if (full)
        blocks(h, p, full);
    /* padding: 0x80, zeros, 64-bit length; one or two final blocks */
    n = rest + 1 + 8 <= 64 ? 64 : 128;
    memset(last, 0, n);
    if (rest)
        memcpy(last, p + full * 64, rest);
    last[rest] = 0x80;
    for (int i = 0; i < 8; i++)
        last[n - 1 - i] = (uint8_t)(bits >> (8 * i));
    blocks(h, last, n / 64);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8);
        out[4 * i + 3] = (uint8_t)h[i];
    }
}
