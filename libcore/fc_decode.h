/* fc_decode.h - stateless decoding of one captured frame.
 *
 * fc_decode() walks link layer -> IP -> transport through a bounds-checked
 * cursor over exactly `caplen` bytes; it never reads past them. It keeps
 * no state: mapping non-first IP fragments to their flow is the fragment
 * table's job (fc_fragtab.h), driven by the tracker. */
#ifndef FC_DECODE_H
#define FC_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include "fc_export.h"

/* Link types, numbered as LINKTYPE_* in pcap files (and the DLT_ values
 * libpcap hands out for them). Where the two differ, both are accepted:
 * libpcap gives the platform's DLT_* value, a reader of our own may give
 * the file's LINKTYPE_* value. */
enum {
    FC_LINK_NULL = 0,       /* BSD loopback, host-order AF */
    FC_LINK_EN10MB = 1,     /* Ethernet */
    FC_LINK_SLIP = 8,       /* 16-byte BSD SLIP header, then IP */
    FC_LINK_PPP = 9,        /* PPP, with or without FF 03 */
    FC_LINK_FDDI = 10,      /* FDDI MAC header, LLC/SNAP */
    FC_LINK_ATM_RFC1483_DLT = 11, /* DLT_ATM_RFC1483 (LINKTYPE 100) */
    FC_LINK_RAW_DLT = 12,   /* DLT_RAW on most platforms */
    FC_LINK_RAW_DLT14 = 14, /* DLT_RAW on OpenBSD */
    FC_LINK_ATM_CLIP_DLT = 19, /* DLT_ATM_CLIP on Linux (LINKTYPE 106) */
    FC_LINK_PPP_HDLC = 50,  /* PPP in HDLC framing, or Cisco PPP */
    FC_LINK_PPP_ETHER = 51, /* PPPoE session header, no Ethernet */
    FC_LINK_ATM_RFC1483 = 100,
    FC_LINK_RAW = 101,      /* LINKTYPE_RAW */
    FC_LINK_C_HDLC = 104,   /* Cisco HDLC */
    FC_LINK_IEEE802_11 = 105, /* 802.11 data frames with LLC/SNAP */
    FC_LINK_ATM_CLIP = 106, /* Linux Classical IP over ATM */
    FC_LINK_FRELAY = 107,   /* Frame Relay (Q.922 address) */
    FC_LINK_LOOP = 108,     /* OpenBSD loopback, network-order AF */
    FC_LINK_ENC = 109,      /* OpenBSD enc(4): 12-byte header */
    FC_LINK_LINUX_SLL = 113,
    FC_LINK_PFLOG = 117,    /* OpenBSD pflog */
    FC_LINK_RADIOTAP = 127, /* radiotap header, then 802.11 */
    FC_LINK_ARCNET_LINUX = 129,
    FC_LINK_PKTAP_DLT = 149, /* DLT_PKTAP on Apple (LINKTYPE 258) */
    FC_LINK_JUNIPER_ETHER = 178,
    FC_LINK_PPI = 192,      /* Per-Packet Information header, then its DLT */
    FC_LINK_IPNET = 226,    /* Solaris ipnet */
    FC_LINK_IPV4 = 228,
    FC_LINK_IPV6 = 229,
    FC_LINK_NFLOG = 239,    /* Linux NFLOG: TLVs, one holds the packet */
    FC_LINK_IPOIB = 242,    /* IP over InfiniBand */
    FC_LINK_PKTAP = 258,    /* Apple PKTAP */
    FC_LINK_LINUX_SLL2 = 276,
    FC_LINK_DSA_BRCM = 281, /* Broadcom tag after the MAC addresses */
    FC_LINK_DSA_BRCM_PREPEND = 282, /* Broadcom tag before them */
    FC_LINK_DSA_DSA = 284,  /* Marvell DSA tag after the MAC addresses */
    FC_LINK_DSA_EDSA = 285  /* Marvell EDSA tag after the MAC addresses */
};

/* TCP flag bits, as on the wire. */
enum {
    FC_TH_FIN = 0x01,
    FC_TH_SYN = 0x02,
    FC_TH_RST = 0x04,
    FC_TH_PSH = 0x08,
    FC_TH_ACK = 0x10,
    FC_TH_URG = 0x20,
    FC_TH_ECE = 0x40,
    FC_TH_CWR = 0x80
};

/* Fragment position of the IP datagram this frame carries. */
typedef enum {
    FC_FRAG_NONE = 0,  /* not a fragment */
    FC_FRAG_FIRST,     /* offset 0, more fragments follow: has L4 header */
    FC_FRAG_LATER      /* offset > 0: no L4 header, ports unknown */
} fc_frag_pos;

typedef struct fc_decoded {
    uint8_t family;        /* FC_AF_INET / FC_AF_INET6 */
    uint8_t proto;         /* final IP protocol number */
    uint8_t has_l4;        /* transport header decoded (ports valid) */
    uint8_t tcp_flags;     /* valid when proto == TCP && has_l4 */
    uint8_t src[16], dst[16];
    uint16_t sport, dport; /* TCP/UDP/SCTP ports; ICMP type/code not here */
    uint32_t seq, ack;     /* TCP */
    uint16_t win;          /* TCP window (raw) */
    uint8_t icmp_type, icmp_code; /* ICMP/ICMPv6 when has_l4 */
    uint8_t ttl;           /* IPv4 TTL / IPv6 hop limit */
    uint8_t frag;          /* fc_frag_pos */
    uint8_t frag_more;     /* IPv4 MF / IPv6 M flag */
    uint32_t frag_id;      /* IPv4 id (16 bits) or IPv6 fragment id */
    uint32_t frag_off;     /* fragment offset in bytes */
    size_t l3_off;         /* offset of the IP header in the frame */
    uint32_t ip_len;       /* IP total length as declared (v6: 40+payload) */
    size_t l4_off;         /* offset of the transport header */
    size_t payload_off;    /* offset of transport payload (TCP/UDP) */
    size_t payload_len;    /* captured payload bytes, clipped to IP length */
    uint32_t payload_wire; /* payload length as declared by IP headers */
    uint8_t ip_csum_bad;   /* IPv4 header checksum wrong (checked only
                              when FC_DECODE_CHECKSUMS is passed) */
    uint8_t tcp_cut;       /* with FC_DECODE_TCP_CUT: the TCP options run
                              past the captured or declared bytes; ports,
                              seq, ack, flags and window are valid,
                              payload_len is 0 */
} fc_decoded;

/* Flags for fc_decode. FC_DECODE_TCP_CUT accepts a TCP header whose
 * fixed 20 bytes are there but whose options are cut short (Zeek keys
 * such a packet before rejecting it); without it that is FC_ETRUNC. */
enum { FC_DECODE_CHECKSUMS = 1, FC_DECODE_TCP_CUT = 2 };

/* Decodes one frame of link type `linktype`.
 * Returns FC_OK with *out filled; FC_ETRUNC when a header is cut short
 * by caplen; FC_EUNSUPP for frames carrying no IPv4/IPv6 (ARP, unknown
 * link types, other ethertypes); FC_EFORMAT for impossible header
 * values. On error *out is partly written and must be ignored. */
FC_API int fc_decode(int linktype, const uint8_t *frame, size_t caplen,
                     unsigned flags, fc_decoded *out);

/* True if fc_decode knows this link type. */
FC_API int fc_decode_linktype_supported(int linktype);

/* Short name of a link type for messages ("EN10MB", ...) or NULL. */
FC_API const char *fc_linktype_name(int linktype);

#endif
