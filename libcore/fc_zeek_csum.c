/* fc_zeek_csum.c - the Internet checksum (RFC 1071) that Zeek verifies on
 * every TCP, UDP and ICMP packet before it counts it.
 *
 * It runs once per packet over the whole transport segment, so it sums
 * 8 bytes per addition instead of 2. A one's complement sum does not
 * depend on the byte order it is taken in (RFC 1071 §2(B)): we add host
 * order 64-bit words with the carry wrapped around, fold to 16 bits and
 * swap the two bytes once at the end on little-endian hosts. */
#include <string.h>
#include "fc_key.h"
#include "fc_zeek_int.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define CSUM_BIG_ENDIAN 1
#else
#define CSUM_BIG_ENDIAN 0
#endif

/* s + v with the carry out of bit 63 added back in (end-around carry);
 * compilers make this an add and an adc. */
static inline uint64_t add_c(uint64_t s, uint64_t v)
{
    s += v;
    return s + (s < v);
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8); /* any alignment: packet data sits where it sits */
    return v;
}

/* Adds len bytes at p to s, 16-bit lanes in host order, carries wrapped
 * around; fold_be() turns the result into the big-endian 16-bit sum. */
static inline uint64_t sum_add(uint64_t s, const uint8_t *p, size_t len)
{
    uint64_t s2 = 0;
    /* two chains so the carries of one do not wait on the other */
    for (; len >= 32; p += 32, len -= 32) {
        s = add_c(s, load64(p));
        s2 = add_c(s2, load64(p + 8));
        s = add_c(s, load64(p + 16));
        s2 = add_c(s2, load64(p + 24));
    }
    s = add_c(s, s2);
    for (; len >= 8; p += 8, len -= 8)
        s = add_c(s, load64(p));
    /* every piece starts at an even offset from the segment, so its
     * 16-bit lanes line up with the segment's (2^16 = 1 mod 0xffff lets a
     * lane sit anywhere in the 64-bit word) */
    if (len & 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        s = add_c(s, v);
        p += 4;
    }
    if (len & 2) {
        uint16_t v;
        memcpy(&v, p, 2);
        s = add_c(s, v);
        p += 2;
    }
    if (len & 1) /* the odd last byte is the high byte of a zero-padded word */
        s = add_c(s, CSUM_BIG_ENDIAN ? (uint64_t)p[0] << 8 : p[0]);
    return s;
}

/* A nonzero sum never folds to 0, as with 16-bit additions, so 0 and
 * 0xffff stay apart exactly as in the byte-pair loop. */
static inline uint32_t fold_be(uint64_t s)
{
    s = (s & 0xffffffff) + (s >> 32);
    s = (s & 0xffffffff) + (s >> 32);
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    if (!CSUM_BIG_ENDIAN)
        s = (s >> 8 | s << 8) & 0xffff;
    return (uint32_t)s;
}

uint16_t fc__zeek_csum_sum(const uint8_t *p, size_t len)
{
    return (uint16_t)fold_be(sum_add(0, p, len));
}

int fc__zeek_l4_csum_bad(const fc_decoded *d, const uint8_t *l4, uint32_t len)
{
    uint64_t s = 0;
    uint32_t r;
    int pseudo = d->proto != FC_PROTO_ICMP; /* ICMPv4 has no pseudo-header */
    if (pseudo) {
        if (d->family == FC_AF_INET6) {
            s = add_c(load64(d->src), load64(d->src + 8));
            s = add_c(s, load64(d->dst));
            s = add_c(s, load64(d->dst + 8));
        } else {
            uint32_t a, b;
            memcpy(&a, d->src, 4);
            memcpy(&b, d->dst, 4);
            s = (uint64_t)a + b;
        }
    }
    r = fold_be(sum_add(s, l4, len));
    if (pseudo)
        r += (len >> 16) + (len & 0xffff) + d->proto;
    r = (r & 0xffff) + (r >> 16);
    r = (r & 0xffff) + (r >> 16);
    return r != 0xffff;
}
