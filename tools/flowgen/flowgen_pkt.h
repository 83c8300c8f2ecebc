/* flowgen_pkt.h - builds wire frames from the inside out.
 *
 * A frame starts as payload; each fg_push_* call prepends one header and
 * fills in the lengths and checksums that depend on what it wraps (TCP,
 * UDP, ICMPv6 over the RFC 8200/793 pseudo-header, SCTP with CRC32c,
 * IPv4 header checksum). So a QinQ TCP frame is: payload, tcp, ip4,
 * vlan(inner), vlan(outer), eth. Multi-byte fields are network order.
 * Nothing is allocated; running out of headroom is a programming error
 * and aborts. */
#ifndef FLOWGEN_PKT_H
#define FLOWGEN_PKT_H

#include <stddef.h>
#include <stdint.h>

#define FG_FRAME_MAX 4096
#define FG_HEADROOM 512

typedef struct fg_frame {
    uint8_t *head; /* first byte of the frame so far */
    uint8_t *tail; /* one past its last byte */
    uint8_t mem[FG_FRAME_MAX];
} fg_frame;

/* IP addresses of one packet; IPv4 uses the first 4 bytes. */
typedef struct fg_ips {
    uint8_t v6;
    uint8_t src[16];
    uint8_t dst[16];
} fg_ips;

enum {
    FG_IPPROTO_HOPOPTS = 0,
    FG_IPPROTO_ICMP = 1,
    FG_IPPROTO_TCP = 6,
    FG_IPPROTO_UDP = 17,
    FG_IPPROTO_ROUTING = 43,
    FG_IPPROTO_FRAGMENT = 44,
    FG_IPPROTO_ICMPV6 = 58,
    FG_IPPROTO_DSTOPTS = 60,
    FG_IPPROTO_SCTP = 132
};

enum {
    FG_TH_FIN = 0x01,
    FG_TH_SYN = 0x02,
    FG_TH_RST = 0x04,
    FG_TH_PSH = 0x08,
    FG_TH_ACK = 0x10
};

enum {
    FG_ETH_IPV4 = 0x0800,
    FG_ETH_IPV6 = 0x86dd,
    FG_ETH_VLAN = 0x8100,
    FG_ETH_QINQ = 0x88a8,
    FG_ETH_MPLS = 0x8847,
    FG_ETH_PPPOE = 0x8864
};

/* Big-endian stores for callers building chunks by hand. */
static inline void fg_wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void fg_wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void fg_frame_reset(fg_frame *f);
size_t fg_frame_len(const fg_frame *f);
/* Prepends n bytes and returns them (uninitialised). */
uint8_t *fg_frame_push(fg_frame *f, size_t n);
/* Appends n bytes and returns them (uninitialised). */
uint8_t *fg_frame_put(fg_frame *f, size_t n);
/* Appends n bytes of deterministic filler derived from `tag`. */
void fg_frame_fill(fg_frame *f, size_t n, uint32_t tag);
/* Appends a copy of n bytes. */
void fg_frame_append(fg_frame *f, const void *p, size_t n);

/* Transport headers around the current frame. A SYN gets an MSS option. */
void fg_push_tcp(fg_frame *f, const fg_ips *ip, uint16_t sport,
                 uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                 uint16_t win);
void fg_push_udp(fg_frame *f, const fg_ips *ip, uint16_t sport,
                 uint16_t dport);
/* ICMP (ip->v6 == 0) or ICMPv6: type, code and the 4 bytes after the
 * checksum (id/seq for echo, unused for errors). */
void fg_push_icmp(fg_frame *f, const fg_ips *ip, uint8_t type, uint8_t code,
                  uint32_t rest);
/* SCTP common header; the frame must already hold the chunks. */
void fg_push_sctp(fg_frame *f, uint16_t sport, uint16_t dport,
                  uint32_t vtag);

/* IPv4 header; frag = flags and offset field as on the wire
 * (0x4000 = DF, 0x2000 = MF, low 13 bits = offset / 8). */
void fg_push_ip4(fg_frame *f, const fg_ips *ip, uint8_t proto, uint16_t id,
                 uint16_t frag);
void fg_push_ip6(fg_frame *f, const fg_ips *ip, uint8_t next);
/* Hop-by-hop or destination options header (8 bytes of PadN). */
void fg_push_ip6_opts(fg_frame *f, uint8_t next);
/* Routing header type 0 with one address and segments left 0, which
 * RFC 8200 section 4.4 says must be skipped as if absent. */
void fg_push_ip6_route(fg_frame *f, uint8_t next, const uint8_t addr[16]);
void fg_push_ip6_frag(fg_frame *f, uint8_t next, uint16_t offset, int more,
                      uint32_t id);

/* Link layer. */
void fg_push_eth(fg_frame *f, const uint8_t dst[6], const uint8_t src[6],
                 uint16_t type);
/* One 802.1Q/802.1ad tag: TCI then the ethertype of what follows; the
 * tag's own TPID is the type of the header pushed next. */
void fg_push_vlan(fg_frame *f, uint16_t vid, uint16_t inner_type);
void fg_push_mpls(fg_frame *f, uint32_t label, int bottom);
/* PPPoE session header plus PPP protocol (0x0021 IPv4, 0x0057 IPv6). */
void fg_push_pppoe(fg_frame *f, uint16_t session, uint16_t ppp_proto);

#endif
