/* flowgen_pkt.c - frame builder (see flowgen_pkt.h). */
#include "flowgen_pkt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fg_frame_reset(fg_frame *f)
{
    f->head = f->tail = f->mem + FG_HEADROOM;
}

size_t fg_frame_len(const fg_frame *f)
{
    return (size_t)(f->tail - f->head);
}

uint8_t *fg_frame_push(fg_frame *f, size_t n)
{
    if ((size_t)(f->head - f->mem) < n) {
        fputs("flowgen: internal error: frame headroom exhausted\n", stderr);
        abort();
    }
    f->head -= n;
    return f->head;
}

uint8_t *fg_frame_put(fg_frame *f, size_t n)
{
    uint8_t *p = f->tail;

    if ((size_t)(f->mem + FG_FRAME_MAX - f->tail) < n) {
        fputs("flowgen: internal error: frame too long\n", stderr);
        abort();
    }
    f->tail += n;
    return p;
}

void fg_frame_fill(fg_frame *f, size_t n, uint32_t tag)
{
    uint8_t *p = fg_frame_put(f, n);
    uint8_t b = (uint8_t)(tag ^ (tag >> 8) ^ (tag >> 16) ^ (tag >> 24));

    /* Cheap but not constant, so payload-hashing tools see variety. */
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(b + i * 7u);
}

void fg_frame_append(fg_frame *f, const void *src, size_t n)
{
    memcpy(fg_frame_put(f, n), src, n);
}

/* Ones'-complement sum of 16-bit big-endian words (RFC 1071). Only the
 * last chunk summed may have odd length. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (i < n)
        sum += (uint32_t)p[i] << 8;
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Pseudo-header sum for TCP/UDP/ICMPv6: RFC 793 for IPv4, RFC 8200
 * section 8.1 for IPv6. */
static uint32_t pseudo_sum(const fg_ips *ip, uint8_t proto, size_t len)
{
    size_t alen = ip->v6 ? 16 : 4;
    uint32_t sum = csum_add(0, ip->src, alen);

    sum = csum_add(sum, ip->dst, alen);
    sum += proto;
    sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
    return sum;
}

static void l4_checksum(fg_frame *f, const fg_ips *ip, uint8_t proto,
                        size_t csum_off, int zero_is_ffff)
{
    size_t len = fg_frame_len(f);
    uint16_t c = csum_fold(csum_add(pseudo_sum(ip, proto, len), f->head, len));

    /* UDP sends 0 as 0xffff: 0 means "no checksum" (RFC 768). */
    if (c == 0 && zero_is_ffff)
        c = 0xffff;
    fg_wr16(f->head + csum_off, c);
}

void fg_push_tcp(fg_frame *f, const fg_ips *ip, uint16_t sport,
                 uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                 uint16_t win)
{
    size_t hlen = (flags & FG_TH_SYN) ? 24 : 20;
    uint8_t *h = fg_frame_push(f, hlen);

    fg_wr16(h, sport);
    fg_wr16(h + 2, dport);
    fg_wr32(h + 4, seq);
    fg_wr32(h + 8, ack);
    h[12] = (uint8_t)((hlen / 4) << 4);
    h[13] = flags;
    fg_wr16(h + 14, win);
    fg_wr16(h + 16, 0);
    fg_wr16(h + 18, 0);
    if (hlen == 24) {
        h[20] = 2; /* MSS option, 1460 */
        h[21] = 4;
        fg_wr16(h + 22, 1460);
    }
    l4_checksum(f, ip, FG_IPPROTO_TCP, 16, 0);
}

void fg_push_udp(fg_frame *f, const fg_ips *ip, uint16_t sport,
                 uint16_t dport)
{
    uint8_t *h = fg_frame_push(f, 8);

    fg_wr16(h, sport);
    fg_wr16(h + 2, dport);
    fg_wr16(h + 4, (uint16_t)fg_frame_len(f));
    fg_wr16(h + 6, 0);
    l4_checksum(f, ip, FG_IPPROTO_UDP, 6, 1);
}

void fg_push_icmp(fg_frame *f, const fg_ips *ip, uint8_t type, uint8_t code,
                  uint32_t rest)
{
    uint8_t *h = fg_frame_push(f, 8);

    h[0] = type;
    h[1] = code;
    fg_wr16(h + 2, 0);
    fg_wr32(h + 4, rest);
    if (ip->v6) {
        l4_checksum(f, ip, FG_IPPROTO_ICMPV6, 2, 0);
    } else {
        size_t len = fg_frame_len(f);
        fg_wr16(h + 2, csum_fold(csum_add(0, h, len)));
    }
}

/* CRC32c (Castagnoli, reflected 0x82f63b78), bitwise: SCTP frames are
 * few, so a table is not worth its size. */
static uint32_t crc32c(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffU;

    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82f63b78U & (0U - (crc & 1U)));
    }
    return ~crc;
}

void fg_push_sctp(fg_frame *f, uint16_t sport, uint16_t dport,
                  uint32_t vtag)
{
    uint8_t *h = fg_frame_push(f, 12);
    uint32_t crc;

    fg_wr16(h, sport);
    fg_wr16(h + 2, dport);
    fg_wr32(h + 4, vtag);
    fg_wr32(h + 8, 0);
    crc = crc32c(h, fg_frame_len(f));
    /* RFC 4960 appendix B: the CRC goes on the wire least significant
     * byte first, unlike every other field. */
    h[8] = (uint8_t)crc;
    h[9] = (uint8_t)(crc >> 8);
    h[10] = (uint8_t)(crc >> 16);
    h[11] = (uint8_t)(crc >> 24);
}

void fg_push_ip4(fg_frame *f, const fg_ips *ip, uint8_t proto, uint16_t id,
                 uint16_t frag)
{
    uint8_t *h = fg_frame_push(f, 20);

    h[0] = 0x45;
    h[1] = 0;
    fg_wr16(h + 2, (uint16_t)fg_frame_len(f));
    fg_wr16(h + 4, id);
    fg_wr16(h + 6, frag);
    h[8] = 64;
    h[9] = proto;
    fg_wr16(h + 10, 0);
    memcpy(h + 12, ip->src, 4);
    memcpy(h + 16, ip->dst, 4);
    fg_wr16(h + 10, csum_fold(csum_add(0, h, 20)));
}

void fg_push_ip6(fg_frame *f, const fg_ips *ip, uint8_t next)
{
    uint16_t plen = (uint16_t)fg_frame_len(f);
    uint8_t *h = fg_frame_push(f, 40);

    fg_wr32(h, 0x60000000U);
    fg_wr16(h + 4, plen);
    h[6] = next;
    h[7] = 64;
    memcpy(h + 8, ip->src, 16);
    memcpy(h + 24, ip->dst, 16);
}

void fg_push_ip6_opts(fg_frame *f, uint8_t next)
{
    uint8_t *h = fg_frame_push(f, 8);

    h[0] = next;
    h[1] = 0; /* (8 + 0 * 8) bytes */
    h[2] = 1; /* PadN option covering the remaining 4 bytes */
    h[3] = 4;
    memset(h + 4, 0, 4);
}

void fg_push_ip6_route(fg_frame *f, uint8_t next, const uint8_t addr[16])
{
    uint8_t *h = fg_frame_push(f, 24);

    h[0] = next;
    h[1] = 2; /* (8 + 2 * 8) bytes */
    h[2] = 0; /* routing type 0 */
    h[3] = 0; /* segments left */
    memset(h + 4, 0, 4);
    memcpy(h + 8, addr, 16);
}

void fg_push_ip6_frag(fg_frame *f, uint8_t next, uint16_t offset, int more,
                      uint32_t id)
{
    uint8_t *h = fg_frame_push(f, 8);

    h[0] = next;
    h[1] = 0;
    fg_wr16(h + 2, (uint16_t)((offset & 0xfff8) | (more ? 1 : 0)));
    fg_wr32(h + 4, id);
}

void fg_push_eth(fg_frame *f, const uint8_t dst[6], const uint8_t src[6],
                 uint16_t type)
{
    uint8_t *h = fg_frame_push(f, 14);

    memcpy(h, dst, 6);
    memcpy(h + 6, src, 6);
    fg_wr16(h + 12, type);
}

void fg_push_vlan(fg_frame *f, uint16_t vid, uint16_t inner_type)
{
    uint8_t *h = fg_frame_push(f, 4);

    fg_wr16(h, (uint16_t)(vid & 0x0fff));
    fg_wr16(h + 2, inner_type);
}

void fg_push_mpls(fg_frame *f, uint32_t label, int bottom)
{
    uint8_t *h = fg_frame_push(f, 4);

    /* label(20) | traffic class(3) | bottom of stack(1) | TTL(8) */
    fg_wr32(h, (label & 0xfffffU) << 12 | (bottom ? 0x100U : 0) | 64);
}

void fg_push_pppoe(fg_frame *f, uint16_t session, uint16_t ppp_proto)
{
    uint16_t plen = (uint16_t)(fg_frame_len(f) + 2);
    uint8_t *h = fg_frame_push(f, 8);

    h[0] = 0x11; /* version 1, type 1 */
    h[1] = 0x00; /* session data */
    fg_wr16(h + 2, session);
    fg_wr16(h + 4, plen); /* PPP protocol field plus payload */
    fg_wr16(h + 6, ppp_proto);
}
