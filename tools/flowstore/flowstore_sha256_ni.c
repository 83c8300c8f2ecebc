/* flowstore_sha256_ni.c - the SHA-256 block function on x86 SHA
 * extensions (SHA-NI), chosen at run time when the CPU has them. Hashing
 * a capture before storing it is a large part of an import in portable
 * C; these instructions make it a small one. Same contract as the
 * portable compress() in flowstore_sha256.c. */
#include "flowstore_sha256.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

int fs__sha256_ni_available(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b >> 29) & 1; /* CPUID.(EAX=7,ECX=0):EBX.SHA[bit 29] */
}

#define TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* The instructions keep the state as two vectors ABEF and CDGH (A in the
 * high lane); sha256rnds2 does two rounds with W+K taken from the low
 * 64 bits of its third operand. */
TARGET void fs__sha256_compress_ni(uint32_t h[8], const uint8_t *p, size_t n,
                                   const uint32_t k[64])
{
    /* big-endian words -> lanes */
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1); /* CDAB */
    __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B); /* EFGH */
    __m128i s0 = _mm_alignr_epi8(t, s1, 8);                                        /* ABEF */
    s1 = _mm_blend_epi16(s1, t, 0xF0);                                             /* CDGH */

    for (; n--; p += 64) {
        __m128i save0 = s0, save1 = s1, w[4];
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++) {
            __m128i m;
            if (i < 4) {
                m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
            } else {
                /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], 4 at a time:
                 * msg1 gives W[t-16] + s0(W[t-15]), the alignr the W[t-7]
                 * words, msg2 adds s1(W[t-2]). */
                m = _mm_sha256msg1_epu32(w[(i - 4) & 3], w[(i - 3) & 3]);
                m = _mm_add_epi32(m, _mm_alignr_epi8(w[(i - 1) & 3], w[(i - 2) & 3], 4));
                m = _mm_sha256msg2_epu32(m, w[(i - 1) & 3]);
            }
            w[i & 3] = m;
            m = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&k[4 * i]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, m);
            s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E));
        }
        s0 = _mm_add_epi32(s0, save0);
        s1 = _mm_add_epi32(s1, save1);
    }

    t = _mm_shuffle_epi32(s0, 0x1B);  /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1); /* DCHG */
    _mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, s1, 0xF0)); /* DCBA */
    _mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(s1, t, 8));   /* HGFE */
}

#else

int fs__sha256_ni_available(void)
{
    return 0;
}

void fs__sha256_compress_ni(uint32_t h[8], const uint8_t *p, size_t n, const uint32_t k[64])
{
    (void)h, (void)p, (void)n, (void)k;
}

#endif
