/* flowgen_rng.h - the generator's only source of randomness.
 *
 * xoshiro256** seeded through splitmix64: integer-only, so one seed gives
 * the same stream on every host and compiler. Never use rand() or the
 * clock in flowgen; output must be byte-identical everywhere. */
#ifndef FLOWGEN_RNG_H
#define FLOWGEN_RNG_H

#include <stdint.h>

typedef struct fg_rng {
    uint64_t s[4];
} fg_rng;

static inline uint64_t fg_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* splitmix64 never yields an all-zero xoshiro state, whatever the seed. */
static inline void fg_rng_seed(fg_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = fg_splitmix64(&seed);
}

static inline uint64_t fg_rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t fg_rng_next(fg_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = fg_rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = fg_rotl64(s[3], 45);
    return out;
}

/* Uniform-enough value in [0, n); 0 when n is 0. The modulo bias (< 2^-32
 * relative) is irrelevant for traffic shapes and keeps this portable. */
static inline uint32_t fg_rng_below(fg_rng *r, uint32_t n)
{
    return n ? (uint32_t)((fg_rng_next(r) >> 32) % n) : 0;
}

/* A bijection on 32 bits (each step is invertible): distinct inputs give
 * distinct, scattered outputs. Used to hand out unique flow keys. */
static inline uint32_t fg_perm32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

#endif
