/* fc_key.c - canonical five-tuple keys, their seeded hash, and address
 * formatting for output. */
#include <stdio.h>
#include <string.h>
#include "fc_key.h"

static inline uint64_t load_be64(const uint8_t *p)
{
    return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
           (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
           (uint64_t)p[6] << 8 | p[7];
}

fc_orient fc_key_make(fc_key *k, int family, const uint8_t *src, uint16_t sport,
                      const uint8_t *dst, uint16_t dport, uint8_t proto)
{
    fc_orient o;
    int c;

    /* Every copy has a constant size, so none is a library call: with a
     * length chosen at run time, the two memcpy calls and their dispatch
     * cost more than the rest of keying (callgrind, matrix shapes). */
    memset(k, 0, sizeof *k);
    if (family != FC_AF_INET6) { /* the common case */
        uint32_t s = (uint32_t)src[0] << 24 | (uint32_t)src[1] << 16 | (uint32_t)src[2] << 8 | src[3];
        uint32_t d = (uint32_t)dst[0] << 24 | (uint32_t)dst[1] << 16 | (uint32_t)dst[2] << 8 | dst[3];
        c = s < d ? -1 : s > d;
        o = (c < 0 || (c == 0 && sport <= dport)) ? FC_FORWARD : FC_REVERSE;
        memcpy(k->a, o == FC_FORWARD ? src : dst, 4);
        memcpy(k->b, o == FC_FORWARD ? dst : src, 4);
        k->family = FC_AF_INET;
    } else {
        /* memcmp's order, as two big-endian words: the call cost more */
        uint64_t s0 = load_be64(src), d0 = load_be64(dst);
        if (s0 == d0)
            s0 = load_be64(src + 8), d0 = load_be64(dst + 8);
        c = s0 < d0 ? -1 : s0 > d0;
        o = (c < 0 || (c == 0 && sport <= dport)) ? FC_FORWARD : FC_REVERSE;
        memcpy(k->a, o == FC_FORWARD ? src : dst, 16);
        memcpy(k->b, o == FC_FORWARD ? dst : src, 16);
        k->family = FC_AF_INET6;
    }
    k->proto = proto;
    k->port_a = o == FC_FORWARD ? sport : dport;
    k->port_b = o == FC_FORWARD ? dport : sport;
    return o;
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* 64x64->128 multiply folded to 64 bits: a fast mixer whose output an
 * attacker cannot predict without the seed. */
static inline uint64_t fold_mul(uint64_t a, uint64_t b)
{
    unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)(r >> 64) ^ (uint64_t)r;
}

uint64_t fc_key_hash(const fc_key *k, uint64_t seed)
{
    const uint8_t *p = (const uint8_t *)k;
    uint64_t s1 = seed ^ UINT64_C(0xa0761d6478bd642f);
    uint64_t s2 = seed ^ UINT64_C(0xe7037ed1a0b428db);
    uint64_t s3 = seed ^ UINT64_C(0x8ebc6af09c88c6e3);
    uint64_t h;

    h = fold_mul(load64(p) ^ s1, load64(p + 8) ^ s2);
    h ^= fold_mul(load64(p + 16) ^ s3, load64(p + 24) ^ s1);
    h = fold_mul(h ^ load64(p + 32), s2 ^ UINT64_C(0x589965cc75374cc3));
    return h;
}

uint64_t fc_key_shard_hash(const fc_key *k)
{
    uint8_t b[1 + 1 + 16 + 2 + 16 + 2];
    size_t alen = k->family == FC_AF_INET6 ? 16 : 4, n = 0;
    b[n++] = k->family;
    b[n++] = k->proto;
    memcpy(b + n, k->a, alen);
    n += alen;
    b[n++] = (uint8_t)(k->port_a >> 8);
    b[n++] = (uint8_t)k->port_a;
    memcpy(b + n, k->b, alen);
    n += alen;
    b[n++] = (uint8_t)(k->port_b >> 8);
    b[n++] = (uint8_t)k->port_b;
    uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a offset basis */
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= UINT64_C(0x100000001b3); /* FNV prime */
    }
    return h;
}

char *fc_addr_format(int family, const uint8_t *a, char *buf, size_t cap)
{
    if (family != FC_AF_INET6) {
        snprintf(buf, cap, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        return buf;
    }
    /* RFC 5952: lower case, no leading zeros, the longest run (>= 2) of
     * zero groups shortened to "::" (first one on ties); IPv4-mapped
     * addresses keep the dotted tail. */
    uint16_t g[8];
    int best = -1, best_len = 0, run = -1, run_len = 0, i;
    size_t n = 0;
    for (i = 0; i < 8; i++)
        g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
    for (i = 0; i < 8; i++) {
        if (g[i] == 0) {
            if (run < 0)
                run = i, run_len = 0;
            run_len++;
            if (run_len > best_len)
                best = run, best_len = run_len;
        } else {
            run = -1;
        }
    }
    if (best_len < 2)
        best = -1;
    int mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 &&
                 g[5] == 0xffff;
    int last = mapped ? 6 : 8;
    if (cap == 0)
        return buf;
    buf[0] = '\0';
    for (i = 0; i < last && n < cap; i++) {
        if (i == best) {
            if (n + 2 < cap) {
                buf[n++] = ':';
                buf[n++] = ':';
                buf[n] = '\0';
            }
            i += best_len - 1;
            continue;
        }
        if (i > 0 && i != best + best_len && n + 1 < cap) {
            buf[n++] = ':';
            buf[n] = '\0';
        }
        if (n + 5 < cap) { /* up to 4 hex digits, no leading zeros */
            static const char hex[] = "0123456789abcdef";
            int shift = 12;
            while (shift > 0 && ((g[i] >> shift) & 15) == 0)
                shift -= 4;
            for (; shift >= 0; shift -= 4)
                buf[n++] = hex[(g[i] >> shift) & 15];
            buf[n] = '\0';
        }
    }
    if (mapped && n < cap)
        snprintf(buf + n, cap - n, "%s%u.%u.%u.%u", best + best_len == 6 ? "" : ":",
                 a[12], a[13], a[14], a[15]);
    return buf;
}

const char *fc_proto_name(uint8_t proto, char *buf, size_t cap)
{
    switch (proto) {
    case FC_PROTO_TCP: return "tcp";
    case FC_PROTO_UDP: return "udp";
    case FC_PROTO_ICMP: return "icmp";
    case FC_PROTO_ICMPV6: return "icmp6";
    case FC_PROTO_SCTP: return "sctp";
    }
    snprintf(buf, cap, "%u", proto);
    return buf;
}
