/* fc_zeek_cid.c - Community ID v1 (github.com/corelight/community-id-spec)
 * (its SHA-1 is in fc_zeek_sha1.c).
 *
 * The hashed string is seed(2) . addr_a . addr_b . proto(1) . 0(1) .
 * port_a(2) . port_b(2), all in network order, with the endpoints put in
 * order (smaller address, then port, first) unless the flow is a one-way
 * ICMP type, whose direction is meaningful. ICMP "ports" are the type and
 * the counterpart type (or the code), exactly Zeek's ports. */
#include <string.h>
#include "fc_key.h"
#include "fc_zeek.h"

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
