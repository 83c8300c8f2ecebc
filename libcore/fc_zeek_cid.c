/* fc_zeek_cid.c - Community ID v1 (github.com/corelight/community-id-spec)
 * and the small SHA-1 (FIPS 180-4) it needs.
 *
 * The hashed string is seed(2) . addr_a . addr_b . proto(1) . 0(1) .
 * port_a(2) . port_b(2), all in network order, with the endpoints put in
 * order (smaller address, then port, first) unless the flow is a one-way
 * ICMP type, whose direction is meaningful. ICMP "ports" are the type and
 * the counterpart type (or the code), exactly Zeek's ports. */
#include <string.h>
#include "fc_key.h"
#include "fc_zeek.h"

static uint32_t rol(uint32_t x, int n)
{
    return x << n | x >> (32 - n);
}

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
    uint32_t w[80], a, b, c, d, e, f, k, t;
    int i;
    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (i = 0; i < 80; i++) {
        if (i < 20)
            f = (b & c) | (~b & d), k = 0x5a827999;
        else if (i < 40)
            f = b ^ c ^ d, k = 0x6ed9eba1;
        else if (i < 60)
            f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdc;
        else
            f = b ^ c ^ d, k = 0xca62c1d6;
        t = rol(a, 5) + f + e + k + w[i];
        e = d, d = c, c = rol(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

void fc_zeek_sha1(const void *data, size_t len, uint8_t out[20])
{
    uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    const uint8_t *p = data;
    uint8_t last[128];
    size_t full = len / 64 * 64, rest = len - full, n;
    uint64_t bits = (uint64_t)len * 8;
    for (size_t off = 0; off < full; off += 64)
        sha1_block(h, p + off);
    /* padding: 0x80, zeros, 64-bit length; one or two final blocks */
    memset(last, 0, sizeof last);
    if (rest)
        memcpy(last, p + full, rest);
    last[rest] = 0x80;
    n = rest + 1 + 8 <= 64 ? 64 : 128;
    for (int i = 0; i < 8; i++)
        last[n - 1 - i] = (uint8_t)(bits >> (8 * i));
    sha1_block(h, last);
    if (n == 128)
        sha1_block(h, last + 64);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8);
        out[4 * i + 3] = (uint8_t)h[i];
    }
}

static size_t base64(const uint8_t *in, size_t n, char *out)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

char *fc_zeek_community_id(const fc_zeek_rec *r, uint16_t seed, char *buf, size_t cap)
{
    uint8_t in[2 + 32 + 2 + 4], dig[20];
    size_t al = r->family == FC_AF_INET6 ? 16 : 4, n = 0;
    const uint8_t *a = r->orig_h, *b = r->resp_h;
    uint16_t pa = r->orig_p, pb = r->resp_p;
    if (cap < 32) {
        if (cap)
            buf[0] = '\0';
        return buf;
    }
    if (!r->oneway) {
        int c = memcmp(a, b, al);
        if (c > 0 || (c == 0 && pa > pb)) {
            const uint8_t *t = a;
            uint16_t tp = pa;
            a = b, b = t, pa = pb, pb = tp;
        }
    }
    in[n++] = (uint8_t)(seed >> 8);
    in[n++] = (uint8_t)seed;
    memcpy(in + n, a, al);
    n += al;
    memcpy(in + n, b, al);
    n += al;
    in[n++] = r->proto;
    in[n++] = 0;
    in[n++] = (uint8_t)(pa >> 8);
    in[n++] = (uint8_t)pa;
    in[n++] = (uint8_t)(pb >> 8);
    in[n++] = (uint8_t)pb;
    fc_zeek_sha1(in, n, dig);
    buf[0] = '1';
    buf[1] = ':';
    base64(dig, 20, buf + 2);
    return buf;
}
