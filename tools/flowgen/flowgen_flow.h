/* flowgen_flow.h - emits the packets of one conversation.
 *
 * An fg_gen is the output side (writer, link type, clock); an fg_flow is
 * one conversation's addresses, ports, sequence numbers and link
 * encapsulation. fg_tcp() and friends build a frame for one direction,
 * stamp it with gen->now, write it, then advance gen->now by gen->step
 * and the flow's sequence number by what was sent. */
#ifndef FLOWGEN_FLOW_H
#define FLOWGEN_FLOW_H

#include <stdint.h>

#include "flowgen_pcap.h"
#include "flowgen_pkt.h"

#define FG_NS_PER_SEC 1000000000ULL
#define FG_NS_PER_MS 1000000ULL
#define FG_NS_PER_US 1000ULL

typedef struct fg_gen {
    fg_writer *w;     /* not owned */
    int linktype;     /* FG_LINKTYPE_* */
    uint64_t now;     /* stamp of the next packet, ns since the epoch */
    uint64_t step;    /* added to now after each packet */
    uint16_t ipid;    /* next IPv4 identification */
    fg_frame fr;      /* scratch frame */
} fg_gen;

/* Link encapsulation between Ethernet and IP (EN10MB only). */
typedef struct fg_link {
    uint8_t nvlan;      /* tags, outermost first */
    uint16_t tpid[2];   /* FG_ETH_VLAN or FG_ETH_QINQ */
    uint16_t vid[2];
    uint8_t nmpls;      /* labels, outermost first */
    uint32_t label[3];
    uint8_t pppoe;      /* 1: inside a PPPoE session */
    uint16_t session;
} fg_link;

typedef struct fg_flow {
    fg_ips ips;       /* client -> server */
    uint16_t cport, sport;
    uint32_t seq[2];  /* next sequence number: [FG_C2S] client, [FG_S2C] */
    uint16_t icmp_id, icmp_seq;
    fg_link link;
    /* IPv6 extension headers (FG_IPPROTO_HOPOPTS, _DSTOPTS, _ROUTING),
     * in wire order, on packets of the directions set in v6ext_dirs
     * (bit 0 client to server, bit 1 server to client). */
    uint8_t v6ext[4];
    uint8_t nv6ext;
    uint8_t v6ext_dirs;
} fg_flow;

enum { FG_C2S = 0, FG_S2C = 1 };

/* Sets gen->now to `sec` + `usec` after `base_ns`. */
void fg_at(fg_gen *g, uint64_t base_ns, uint64_t sec, uint64_t usec);

/* Address helpers: dotted quad, and fd00:<hi>::<lo>. */
void fg_addr4(uint8_t out[16], unsigned a, unsigned b, unsigned c,
              unsigned d);
void fg_addr6(uint8_t out[16], uint16_t hi, uint32_t lo);

/* Fills a flow with zero link encapsulation and fixed initial sequence
 * numbers (1000 client, 5000 server). v6 selects which helper built the
 * addresses. */
void fg_flow_init(fg_flow *f, int v6, const uint8_t csrc[16],
                  uint16_t cport, const uint8_t sdst[16], uint16_t sport);

/* Addresses of a packet in direction dir. */
void fg_flow_ips(const fg_flow *f, int dir, fg_ips *out);

/* One TCP segment with plen filler bytes; ack is the peer's next
 * sequence number when flags has ACK. SYN and FIN count one. */
void fg_tcp(fg_gen *g, fg_flow *f, int dir, uint8_t flags, uint16_t plen);
/* One UDP datagram with plen filler bytes. */
void fg_udp(fg_gen *g, fg_flow *f, int dir, uint16_t plen);
/* Echo request (C2S) or reply (S2C) with plen filler bytes; the
 * sequence number advances after each reply. */
void fg_icmp_echo(fg_gen *g, fg_flow *f, int dir, uint16_t plen);

/* Wraps the IP packet in g->fr in the link layer for `link` (Ethernet
 * MACs by direction), writes it and advances the clock. */
void fg_emit(fg_gen *g, const fg_link *link, int v6, int dir);

#endif
