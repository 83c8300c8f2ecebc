/* fc_zeek_sha1_ni.c - the SHA-1 block function on the x86 SHA extensions,
 * chosen at run time (fc_zeek_sha1.c) when the CPU has them: the Community
 * ID hashes one block per flow, and these instructions do its 80 rounds
 * in 20. Same contract as the portable fc__zeek_sha1_blocks(). */
#include "fc_zeek_int.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

int fc__zeek_sha1_ni_available(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3))
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b >> 29) & 1; /* CPUID.(EAX=7,ECX=0):EBX.SHA[bit 29] */
}

#define TARGET __attribute__((target("sha,ssse3")))

/* sha1rnds4 wants its function selector as an immediate */
TARGET static inline __m128i rounds4(__m128i abcd, __m128i we, int f)
{
    switch (f) {
    case 0:
        return _mm_sha1rnds4_epu32(abcd, we, 0);
    case 1:
        return _mm_sha1rnds4_epu32(abcd, we, 1);
    case 2:
        return _mm_sha1rnds4_epu32(abcd, we, 2);
    default:
        return _mm_sha1rnds4_epu32(abcd, we, 3);
    }
}

/* The state is one vector with A in the high lane and E apart, in the
 * high lane of another; each message vector holds W[4i] (high lane) to
 * W[4i+3]. sha1rnds4 does 4 rounds on W+E of its second operand, and
 * sha1nexte adds the next E: rol(A, 30) of the state 4 rounds back. */
TARGET void fc__zeek_sha1_blocks_ni(uint32_t h[5], const uint8_t *p, size_t n)
{
    /* reverse all 16 bytes: big-endian words, W[0] in the high lane */
    const __m128i rev = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0x1B);
    __m128i e = _mm_set_epi32((int)h[4], 0, 0, 0);

    for (; n--; p += 64) {
        __m128i abcd0 = abcd, back = abcd, m[4], we;
#pragma GCC unroll 20
        for (int i = 0; i < 20; i++) {
            if (i < 4) {
                m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), rev);
            } else {
                /* W[t] = rol1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]), 4 at a
                 * time: msg1 gives W[t-16] ^ W[t-14], the xor adds W[t-8],
                 * msg2 the W[t-3] term (some from this very vector) and the
                 * rotation */
                __m128i x = _mm_sha1msg1_epu32(m[(i - 4) & 3], m[(i - 3) & 3]);
                x = _mm_xor_si128(x, m[(i - 2) & 3]);
                m[i & 3] = _mm_sha1msg2_epu32(x, m[(i - 1) & 3]);
            }
            we = i == 0 ? _mm_add_epi32(e, m[0]) : _mm_sha1nexte_epu32(back, m[i & 3]);
            back = abcd;
            abcd = rounds4(abcd, we, i / 5);
        }
        e = _mm_sha1nexte_epu32(back, e);
        abcd = _mm_add_epi32(abcd, abcd0);
    }

    _mm_storeu_si128((__m128i *)h, _mm_shuffle_epi32(abcd, 0x1B));
    h[4] = (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(e, 12));
}

#else

int fc__zeek_sha1_ni_available(void)
{
    return 0;
}

void fc__zeek_sha1_blocks_ni(uint32_t h[5], const uint8_t *p, size_t n)
{
    (void)h, (void)p, (void)n;
}

#endif
