/* fc_testframes.c - frame builders for unit tests; see fc_testframes.h. */
#include "fc_testframes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t tf_zero_mac[6];

/* Tests pass fixed-size stack buffers; overflowing one is a test bug. */
static void tf_need(size_t len)
{
    if (len > TF_BUFSZ) {
        fprintf(stderr, "fc_testframes: frame of %zu bytes exceeds %d\n", len,
                TF_BUFSZ);
        abort();
    }
}

static void tf_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void tf_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* memcpy with a NULL/0 guard: payload pointers may be NULL when plen is 0 */
static void tf_copy(uint8_t *dst, const void *src, size_t len)
{
    if (len > 0)
        memcpy(dst, src, len);
}

/* One's-complement sum, not yet folded or inverted. */
static uint32_t tf_sum(uint32_t acc, const uint8_t *p, size_t len)
{
    size_t i;
    for (i = 0; i + 1 < len; i += 2)
        acc += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        acc += (uint32_t)p[len - 1] << 8;
    return acc;
}

static uint16_t tf_fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

uint16_t tf_csum(const void *data, size_t len)
{
    return tf_fold(tf_sum(0, data, len));
}

/* Offset of the checksum field inside the transport header, or -1. */
static int tf_csum_field(uint8_t proto, size_t l4len)
{
    int off;
    switch (proto) {
    case 6: off = 16; break;
    case 17: off = 6; break;
    case 1:
    case 58: off = 2; break;
    default: return -1;
    }
    return l4len >= (size_t)off + 2 ? off : -1;
}

/* Fills the transport checksum; `pseudo` is the pseudo-header sum (0 for
 * ICMPv4, which has none). */
static void tf_fix_l4(uint8_t *l4, size_t l4len, uint8_t proto,
                      uint32_t pseudo)
{
    int off = tf_csum_field(proto, l4len);
    uint16_t c;
    if (off < 0)
        return;
    tf_put16(l4 + off, 0);
    c = tf_fold(tf_sum(pseudo, l4, l4len));
    if (proto == 17 && c == 0)
        c = 0xffff; /* UDP: zero means "no checksum" */
    tf_put16(l4 + off, c);
}

/* ---------------------------------------------------------------- L4 */

size_t tf_tcp_opts(uint8_t *buf, uint16_t sport, uint16_t dport,
                   uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
                   const uint8_t *opts, size_t optlen, const void *payload,
                   size_t plen)
{
    size_t hl = 20 + optlen;
    if (optlen % 4 != 0 || optlen > 40)
        abort();
    tf_need(hl + plen);
    memset(buf, 0, hl);
    tf_put16(buf, sport);
    tf_put16(buf + 2, dport);
    tf_put32(buf + 4, seq);
    tf_put32(buf + 8, ack);
    buf[12] = (uint8_t)((hl / 4) << 4);
    buf[13] = flags;
    tf_put16(buf + 14, win);
    tf_copy(buf + 20, opts, optlen);
    tf_copy(buf + hl, payload, plen);
    return hl + plen;
}

size_t tf_tcp(uint8_t *buf, uint16_t sport, uint16_t dport, uint32_t seq,
              uint32_t ack, uint8_t flags, uint16_t win, const void *payload,
              size_t plen)
{
    return tf_tcp_opts(buf, sport, dport, seq, ack, flags, win, NULL, 0,
                       payload, plen);
}

size_t tf_udp(uint8_t *buf, uint16_t sport, uint16_t dport,
              const void *payload, size_t plen)
{
    tf_need(8 + plen);
    tf_put16(buf, sport);
    tf_put16(buf + 2, dport);
    tf_put16(buf + 4, (uint16_t)(8 + plen));
    tf_put16(buf + 6, 0);
    tf_copy(buf + 8, payload, plen);
    return 8 + plen;
}

/* The CRC32c checksum is left zero: the decoder does not verify it. */
size_t tf_sctp(uint8_t *buf, uint16_t sport, uint16_t dport, uint32_t vtag,
               const void *payload, size_t plen)
{
    tf_need(12 + plen);
    tf_put16(buf, sport);
    tf_put16(buf + 2, dport);
    tf_put32(buf + 4, vtag);
    tf_put32(buf + 8, 0);
    tf_copy(buf + 12, payload, plen);
    return 12 + plen;
}

size_t tf_icmp(uint8_t *buf, uint8_t type, uint8_t code, const void *payload,
               size_t plen)
{
    tf_need(8 + plen);
    memset(buf, 0, 8);
    buf[0] = type;
    buf[1] = code;
    tf_copy(buf + 8, payload, plen);
    return 8 + plen;
}

/* ---------------------------------------------------------------- L3 */

size_t tf_ip4(uint8_t *buf, const tf_ip4_spec *s, const void *l4,
              size_t l4len)
{
    size_t hl = 20 + s->optlen;
    size_t tot = hl + l4len;
    uint16_t fo;
    uint32_t pseudo;
    if (s->optlen % 4 != 0 || s->optlen > 40)
        abort();
    tf_need(tot);
    memset(buf, 0, hl);
    buf[0] = (uint8_t)(0x40 | (s->ihl_override > 0 ? (s->ihl_override & 0xf)
                                                   : (int)(hl / 4)));
    tf_put16(buf + 2, s->total_len > 0 ? (uint16_t)s->total_len
                                       : (uint16_t)tot);
    tf_put16(buf + 4, s->id);
    fo = (uint16_t)((s->frag_off / 8) & 0x1fff);
    if (s->more_frags)
        fo |= 0x2000;
    if (s->dont_frag)
        fo |= 0x4000;
    tf_put16(buf + 6, fo);
    buf[8] = s->ttl ? s->ttl : 64;
    buf[9] = s->proto;
    memcpy(buf + 12, s->src, 4);
    memcpy(buf + 16, s->dst, 4);
    tf_copy(buf + 20, s->opts, s->optlen);
    tf_put16(buf + 10, tf_csum(buf, hl));
    if (s->bad_csum)
        buf[11] ^= 0x5a;
    tf_copy(buf + hl, l4, l4len);
    if (s->frag_off == 0 && !s->more_frags) {
        pseudo = 0;
        if (s->proto != 1) {
            pseudo = tf_sum(0, s->src, 4);
            pseudo = tf_sum(pseudo, s->dst, 4);
            pseudo += s->proto + (uint32_t)l4len;
        }
        tf_fix_l4(buf + hl, l4len, s->proto, pseudo);
    }
    return tot;
}

size_t tf_ip6(uint8_t *buf, const uint8_t src[16], const uint8_t dst[16],
              uint8_t first_nh, const uint8_t *ext, size_t extlen,
              uint8_t l4proto, const void *l4, size_t l4len)
{
    size_t tot = 40 + extlen + l4len;
    uint32_t pseudo;
    tf_need(tot);
    memset(buf, 0, 40);
    buf[0] = 0x60;
    tf_put16(buf + 4, (uint16_t)(extlen + l4len));
    buf[6] = first_nh;
    buf[7] = 64;
    memcpy(buf + 8, src, 16);
    memcpy(buf + 24, dst, 16);
    tf_copy(buf + 40, ext, extlen);
    tf_copy(buf + 40 + extlen, l4, l4len);
    pseudo = tf_sum(0, src, 16);
    pseudo = tf_sum(pseudo, dst, 16);
    pseudo += l4proto + (uint32_t)l4len;
    tf_fix_l4(buf + 40 + extlen, l4len, l4proto, pseudo);
    return tot;
}

size_t tf_ip6_ext(uint8_t *buf, uint8_t type, uint8_t next, uint8_t len8)
{
    size_t n = 8 * ((size_t)len8 + 1);
    tf_need(n);
    memset(buf, 0, n);
    buf[0] = next;
    buf[1] = len8;
    if (type == 43) {
        buf[2] = 0; /* routing type 0 with no segments left */
        buf[3] = 0;
    } else {
        buf[2] = 1; /* PadN option covering the rest */
        buf[3] = (uint8_t)(n - 4);
    }
    return n;
}

size_t tf_ip6_frag(uint8_t *buf, uint8_t next, uint16_t off, int more,
                   uint32_t id)
{
    uint16_t v = (uint16_t)(off & 0xfff8);
    if (more)
        v |= 1;
    buf[0] = next;
    buf[1] = 0;
    tf_put16(buf + 2, v);
    tf_put32(buf + 4, id);
    return 8;
}

/* ---------------------------------------------------------------- L2 */

size_t tf_eth(uint8_t *buf, const uint8_t smac[6], const uint8_t dmac[6],
              uint16_t ethertype, const void *l3, size_t l3len)
{
    tf_need(14 + l3len);
    memcpy(buf, dmac ? dmac : tf_zero_mac, 6);
    memcpy(buf + 6, smac ? smac : tf_zero_mac, 6);
    tf_put16(buf + 12, ethertype);
    tf_copy(buf + 14, l3, l3len);
    return 14 + l3len;
}

size_t tf_eth_vlan(uint8_t *buf, const uint16_t *tpids, const uint16_t *vids,
                   size_t n, uint16_t ethertype, const void *l3,
                   size_t l3len)
{
    size_t i, off = 12;
    tf_need(14 + 4 * n + l3len);
    memset(buf, 0, 12);
    for (i = 0; i < n; i++) {
        tf_put16(buf + off, tpids[i]);
        tf_put16(buf + off + 2, (uint16_t)(vids[i] & 0x0fff));
        off += 4;
    }
    tf_put16(buf + off, ethertype);
    off += 2;
    tf_copy(buf + off, l3, l3len);
    return off + l3len;
}

size_t tf_eth_mpls(uint8_t *buf, const uint32_t *labels, size_t n,
                   const void *l3, size_t l3len)
{
    size_t i, off = 14;
    tf_need(14 + 4 * n + l3len);
    memset(buf, 0, 12);
    tf_put16(buf + 12, 0x8847);
    for (i = 0; i < n; i++) {
        uint32_t e = (labels[i] & 0xfffff) << 12 | 64; /* TTL 64 */
        if (i + 1 == n)
            e |= 0x100; /* bottom of stack */
        tf_put32(buf + off, e);
        off += 4;
    }
    tf_copy(buf + off, l3, l3len);
    return off + l3len;
}

size_t tf_eth_pppoe(uint8_t *buf, uint16_t ppp_proto, const void *l3,
                    size_t l3len)
{
    tf_need(22 + l3len);
    memset(buf, 0, 12);
    tf_put16(buf + 12, 0x8864);
    buf[14] = 0x11; /* version 1, type 1 */
    buf[15] = 0;    /* code: session data */
    tf_put16(buf + 16, 0x1234);
    tf_put16(buf + 18, (uint16_t)(2 + l3len));
    tf_put16(buf + 20, ppp_proto);
    tf_copy(buf + 22, l3, l3len);
    return 22 + l3len;
}

size_t tf_sll(uint8_t *buf, uint16_t proto, const void *l3, size_t l3len)
{
    tf_need(16 + l3len);
    memset(buf, 0, 16);
    tf_put16(buf, 0);      /* packet type: to us */
    tf_put16(buf + 2, 1);  /* ARPHRD_ETHER */
    tf_put16(buf + 4, 6);  /* address length */
    tf_put16(buf + 14, proto);
    tf_copy(buf + 16, l3, l3len);
    return 16 + l3len;
}

size_t tf_sll2(uint8_t *buf, uint16_t proto, const void *l3, size_t l3len)
{
    tf_need(20 + l3len);
    memset(buf, 0, 20);
    tf_put16(buf, proto);
    tf_put32(buf + 4, 2); /* interface index */
    tf_put16(buf + 8, 1); /* ARPHRD_ETHER */
    buf[11] = 6;          /* address length */
    tf_copy(buf + 20, l3, l3len);
    return 20 + l3len;
}

size_t tf_null(uint8_t *buf, uint32_t af, int swap, const void *l3,
               size_t l3len)
{
    uint32_t v = af;
    tf_need(4 + l3len);
    if (swap)
        v = (af >> 24) | ((af >> 8) & 0xff00) | ((af << 8) & 0xff0000) |
            (af << 24);
    memcpy(buf, &v, 4); /* host byte order, as BSD writes it */
    tf_copy(buf + 4, l3, l3len);
    return 4 + l3len;
}

size_t tf_loop(uint8_t *buf, uint32_t af, const void *l3, size_t l3len)
{
    tf_need(4 + l3len);
    tf_put32(buf, af);
    tf_copy(buf + 4, l3, l3len);
    return 4 + l3len;
}

/* ------------------------------------------------- one-call helpers */

static void tf_spec4(tf_ip4_spec *s, const uint8_t src[4],
                     const uint8_t dst[4], uint8_t proto)
{
    memset(s, 0, sizeof(*s));
    memcpy(s->src, src, 4);
    memcpy(s->dst, dst, 4);
    s->proto = proto;
}

/* Builds L4 in a scratch buffer, then IP in another, then the frame. */
static size_t tf_eth4(uint8_t *buf, const uint8_t smac[6],
                      const uint8_t dmac[6], const uint8_t src[4],
                      const uint8_t dst[4], uint8_t proto, const uint8_t *l4,
                      size_t l4len)
{
    uint8_t l3[TF_BUFSZ];
    tf_ip4_spec s;
    size_t n;
    tf_spec4(&s, src, dst, proto);
    n = tf_ip4(l3, &s, l4, l4len);
    return tf_eth(buf, smac, dmac, 0x0800, l3, n);
}

static size_t tf_eth6(uint8_t *buf, const uint8_t src[16],
                      const uint8_t dst[16], uint8_t proto, const uint8_t *l4,
                      size_t l4len)
{
    uint8_t l3[TF_BUFSZ];
    size_t n = tf_ip6(l3, src, dst, proto, NULL, 0, proto, l4, l4len);
    return tf_eth(buf, NULL, NULL, 0x86dd, l3, n);
}

size_t tf_ipv4_udp(uint8_t *buf, const uint8_t src[4], const uint8_t dst[4],
                   uint16_t sport, uint16_t dport, const void *payload,
                   size_t plen)
{
    uint8_t l4[TF_BUFSZ];
    size_t n = tf_udp(l4, sport, dport, payload, plen);
    return tf_eth4(buf, NULL, NULL, src, dst, 17, l4, n);
}

size_t tf_ipv4_tcp(uint8_t *buf, const uint8_t smac[6], const uint8_t dmac[6],
                   const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
                   uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                   const void *payload, size_t plen)
{
    uint8_t l4[TF_BUFSZ];
    size_t n = tf_tcp(l4, sport, dport, seq, ack, flags, 65535, payload, plen);
    return tf_eth4(buf, smac, dmac, src, dst, 6, l4, n);
}

size_t tf_ipv6_tcp(uint8_t *buf, const uint8_t src[16],
                   const uint8_t dst[16], uint16_t sport, uint16_t dport,
                   uint32_t seq, uint32_t ack, uint8_t flags,
                   const void *payload, size_t plen)
{
    uint8_t l4[TF_BUFSZ];
    size_t n = tf_tcp(l4, sport, dport, seq, ack, flags, 65535, payload, plen);
    return tf_eth6(buf, src, dst, 6, l4, n);
}

size_t tf_ipv6_udp(uint8_t *buf, const uint8_t src[16],
                   const uint8_t dst[16], uint16_t sport, uint16_t dport,
                   const void *payload, size_t plen)
{
    uint8_t l4[TF_BUFSZ];
    size_t n = tf_udp(l4, sport, dport, payload, plen);
    return tf_eth6(buf, src, dst, 17, l4, n);
}

size_t tf_ipv4_icmp(uint8_t *buf, const uint8_t src[4], const uint8_t dst[4],
                    uint8_t type, uint8_t code, const void *payload,
                    size_t plen)
{
    uint8_t l4[TF_BUFSZ];
    size_t n = tf_icmp(l4, type, code, payload, plen);
    return tf_eth4(buf, NULL, NULL, src, dst, 1, l4, n);
}

size_t tf_ipv6_icmp(uint8_t *buf, const uint8_t src[16],
                    const uint8_t dst[16], uint8_t type, uint8_t code,
                    const void *payload, size_t plen)
{
    uint8_t l4[TF_BUFSZ];
    size_t n = tf_icmp(l4, type, code, payload, plen);
    return tf_eth6(buf, src, dst, 58, l4, n);
}

size_t tf_ipv4_sctp(uint8_t *buf, const uint8_t src[4], const uint8_t dst[4],
                    uint16_t sport, uint16_t dport, uint32_t vtag,
                    const void *payload, size_t plen)
{
    uint8_t l4[TF_BUFSZ];
    size_t n = tf_sctp(l4, sport, dport, vtag, payload, plen);
    return tf_eth4(buf, NULL, NULL, src, dst, 132, l4, n);
}

size_t tf_ipv4_proto(uint8_t *buf, const uint8_t src[4], const uint8_t dst[4],
                     uint8_t proto, const void *payload, size_t plen)
{
    return tf_eth4(buf, NULL, NULL, src, dst, proto, payload, plen);
}
