/* fc_testframes.h - build wire frames for unit tests (tf_ prefix).
 *
 * Every builder writes into a caller buffer of at least TF_BUFSZ bytes and
 * returns the number of bytes written; it aborts if the frame would not fit
 * (a bug in the test, not a runtime condition). Nothing is allocated and
 * no state is kept. Multi-byte fields are written in network order.
 *
 * Three layers that compose:
 *   L4  tf_tcp/tf_udp/tf_sctp/tf_icmp  -> transport header + payload
 *   L3  tf_ip4/tf_ip6                  -> IP header(s) around L4 bytes,
 *                                         fixing the TCP/UDP/ICMPv6 checksum
 *   L2  tf_eth/tf_eth_vlan/tf_eth_mpls/tf_eth_pppoe/tf_sll/tf_sll2/
 *       tf_null/tf_loop                -> link header around L3 bytes
 * plus one-call helpers for the common Ethernet cases (tf_ipv4_udp, ...). */
#ifndef FC_TESTFRAMES_H
#define FC_TESTFRAMES_H

#include <stddef.h>
#include <stdint.h>

#define TF_BUFSZ 2048

/* ---- one-call Ethernet frames (MACs zero unless given, TTL 64) ---- */
size_t tf_ipv4_udp(uint8_t *buf, const uint8_t src[4], const uint8_t dst[4],
                   uint16_t sport, uint16_t dport, const void *payload,
                   size_t plen);
size_t tf_ipv4_tcp(uint8_t *buf, const uint8_t smac[6], const uint8_t dmac[6],
                   const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
                   uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                   const void *payload, size_t plen);
size_t tf_ipv6_tcp(uint8_t *buf, const uint8_t src[16],
                   const uint8_t dst[16], uint16_t sport, uint16_t dport,
                   uint32_t seq, uint32_t ack, uint8_t flags,
                   const void *payload, size_t plen);
size_t tf_ipv6_udp(uint8_t *buf, const uint8_t src[16],
                   const uint8_t dst[16], uint16_t sport, uint16_t dport,
                   const void *payload, size_t plen);
size_t tf_ipv4_icmp(uint8_t *buf, const uint8_t src[4], const uint8_t dst[4],
                    uint8_t type, uint8_t code, const void *payload,
                    size_t plen);
size_t tf_ipv6_icmp(uint8_t *buf, const uint8_t src[16],
                    const uint8_t dst[16], uint8_t type, uint8_t code,
                    const void *payload, size_t plen);
size_t tf_ipv4_sctp(uint8_t *buf, const uint8_t src[4], const uint8_t dst[4],
                    uint16_t sport, uint16_t dport, uint32_t vtag,
                    const void *payload, size_t plen);
/* Any IP protocol number with raw bytes after the IPv4 header. */
size_t tf_ipv4_proto(uint8_t *buf, const uint8_t src[4], const uint8_t dst[4],
                     uint8_t proto, const void *payload, size_t plen);

/* ---- L4: header + payload at buf; checksum left 0 (tf_ip4/6 fix it) ---- */
size_t tf_tcp(uint8_t *buf, uint16_t sport, uint16_t dport, uint32_t seq,
              uint32_t ack, uint8_t flags, uint16_t win, const void *payload,
              size_t plen);
/* TCP with `optlen` bytes of options (multiple of 4, <= 40). */
size_t tf_tcp_opts(uint8_t *buf, uint16_t sport, uint16_t dport,
                   uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
                   const uint8_t *opts, size_t optlen, const void *payload,
                   size_t plen);
size_t tf_udp(uint8_t *buf, uint16_t sport, uint16_t dport,
              const void *payload, size_t plen);
size_t tf_sctp(uint8_t *buf, uint16_t sport, uint16_t dport, uint32_t vtag,
               const void *payload, size_t plen);
/* ICMP or ICMPv6: type, code, checksum, 4 bytes rest-of-header (id/seq
 * zero), then payload. */
size_t tf_icmp(uint8_t *buf, uint8_t type, uint8_t code, const void *payload,
               size_t plen);

/* ---- L3 ---- */
typedef struct tf_ip4_spec {
    uint8_t src[4], dst[4];
    uint8_t proto;
    uint8_t ttl;          /* 0 means 64 */
    uint16_t id;
    uint16_t frag_off;    /* in bytes, multiple of 8 */
    uint8_t more_frags;   /* MF bit */
    uint8_t dont_frag;    /* DF bit */
    const uint8_t *opts;  /* IPv4 options, optlen multiple of 4, <= 40 */
    size_t optlen;
    int32_t total_len;    /* > 0: write this total length instead */
    int ihl_override;     /* > 0: write this IHL (words) instead */
    int bad_csum;         /* write a wrong header checksum */
} tf_ip4_spec;

/* IPv4 header + l4 bytes. Fixes TCP/UDP/ICMP checksums when the datagram
 * is not a fragment. */
size_t tf_ip4(uint8_t *buf, const tf_ip4_spec *s, const void *l4,
              size_t l4len);

/* IPv6 header, then `ext` (an already built extension header chain whose
 * last next-header is `l4proto`), then l4 bytes. `first_nh` is the next
 * header written into the fixed header (== l4proto when extlen is 0).
 * The TCP/UDP/ICMPv6 checksum is fixed for `l4proto`, so for data of a
 * non-first fragment pass a protocol without one (e.g. 253). */
size_t tf_ip6(uint8_t *buf, const uint8_t src[16], const uint8_t dst[16],
              uint8_t first_nh, const uint8_t *ext, size_t extlen,
              uint8_t l4proto, const void *l4, size_t l4len);

/* Appends one generic extension header (hop-by-hop 0, routing 43,
 * destination options 60) of 8 * (1 + len8) bytes at buf; returns its
 * size. Body bytes are PadN / zero routing data. */
size_t tf_ip6_ext(uint8_t *buf, uint8_t type, uint8_t next, uint8_t len8);
/* Appends an 8-byte fragment header (offset in bytes, multiple of 8). */
size_t tf_ip6_frag(uint8_t *buf, uint8_t next, uint16_t off, int more,
                   uint32_t id);

/* ---- L2: link header around l3 bytes ---- */
size_t tf_eth(uint8_t *buf, const uint8_t smac[6], const uint8_t dmac[6],
              uint16_t ethertype, const void *l3, size_t l3len);
/* Ethernet with n VLAN tags: tpids[i] is the TPID of tag i (outermost
 * first: 0x88a8, 0x8100, 0x9100), vids[i] its VLAN id. */
size_t tf_eth_vlan(uint8_t *buf, const uint16_t *tpids, const uint16_t *vids,
                   size_t n, uint16_t ethertype, const void *l3,
                   size_t l3len);
/* Ethernet + MPLS stack of n labels (ethertype 0x8847), S bit on the
 * last one. */
size_t tf_eth_mpls(uint8_t *buf, const uint32_t *labels, size_t n,
                   const void *l3, size_t l3len);
/* Ethernet + PPPoE session header + 2-byte PPP protocol. */
size_t tf_eth_pppoe(uint8_t *buf, uint16_t ppp_proto, const void *l3,
                    size_t l3len);
/* Linux cooked capture v1 (16 bytes) and v2 (20 bytes). */
size_t tf_sll(uint8_t *buf, uint16_t proto, const void *l3, size_t l3len);
size_t tf_sll2(uint8_t *buf, uint16_t proto, const void *l3, size_t l3len);
/* BSD NULL: 4-byte AF in host order, or byte-swapped when `swap`. */
size_t tf_null(uint8_t *buf, uint32_t af, int swap, const void *l3,
               size_t l3len);
/* OpenBSD LOOP: 4-byte AF in network order. */
size_t tf_loop(uint8_t *buf, uint32_t af, const void *l3, size_t l3len);

/* Internet checksum of len bytes (for tests that check it). */
uint16_t tf_csum(const void *data, size_t len);

#endif
