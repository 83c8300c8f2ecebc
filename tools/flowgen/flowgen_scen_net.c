/* flowgen_scen_net.c - scenarios about decoding below and around the
 * transport layer: VLAN/MPLS/PPPoE encapsulation, IPv6 extension
 * headers, fragments, ICMP and SCTP. */
#include "flowgen_scen.h"

#include <string.h>

static void begin(fg_gen *g, const fg_opts *o)
{
    g->now = o->start_ns;
    g->step = FG_NS_PER_MS;
}

static void tcp_short(fg_gen *g, fg_flow *f)
{
    fg_tcp(g, f, FG_C2S, FG_TH_SYN, 0);
    fg_tcp(g, f, FG_S2C, FG_TH_SYN | FG_TH_ACK, 0);
    fg_tcp(g, f, FG_C2S, FG_TH_ACK, 0);
    fg_tcp(g, f, FG_C2S, FG_TH_PSH | FG_TH_ACK, 100);
    fg_tcp(g, f, FG_S2C, FG_TH_PSH | FG_TH_ACK, 300);
}

static void tcp_close(fg_gen *g, fg_flow *f)
{
    fg_tcp(g, f, FG_C2S, FG_TH_FIN | FG_TH_ACK, 0);
    fg_tcp(g, f, FG_S2C, FG_TH_FIN | FG_TH_ACK, 0);
    fg_tcp(g, f, FG_C2S, FG_TH_ACK, 0);
}

static void v4(fg_flow *f, unsigned net, unsigned c, unsigned s,
               uint16_t cport, uint16_t sport)
{
    uint8_t a[16], b[16];

    fg_addr4(a, 10, 0, net, c);
    fg_addr4(b, 10, 0, net, s);
    fg_flow_init(f, 0, a, cport, b, sport);
}

static void v6(fg_flow *f, uint16_t net, uint32_t c, uint32_t s,
               uint16_t cport, uint16_t sport)
{
    uint8_t a[16], b[16];

    fg_addr6(a, net, c);
    fg_addr6(b, net, s);
    fg_flow_init(f, 1, a, cport, b, sport);
}

/* 9 packets: TCP 10.0.5.1:40020 > .2:80 (5) in 802.1Q vid 100; UDP
 * 10.0.5.3:5000 > .4:53 in QinQ (88a8 vid 200, 8100 vid 300); UDP
 * fd00:5::1:5001 > fd00:5::2:53 in two 8100 tags (vid 10, 20). */
void fg_scen_vlan(fg_gen *g, const fg_opts *o)
{
    fg_flow f;

    begin(g, o);
    v4(&f, 5, 1, 2, 40020, 80);
    f.link.nvlan = 1;
    f.link.tpid[0] = FG_ETH_VLAN;
    f.link.vid[0] = 100;
    tcp_short(g, &f);

    v4(&f, 5, 3, 4, 5000, 53);
    f.link.nvlan = 2;
    f.link.tpid[0] = FG_ETH_QINQ;
    f.link.vid[0] = 200;
    f.link.tpid[1] = FG_ETH_VLAN;
    f.link.vid[1] = 300;
    fg_udp(g, &f, FG_C2S, 40);
    fg_udp(g, &f, FG_S2C, 80);

    v6(&f, 5, 1, 2, 5001, 53);
    f.link.nvlan = 2;
    f.link.tpid[0] = f.link.tpid[1] = FG_ETH_VLAN;
    f.link.vid[0] = 10;
    f.link.vid[1] = 20;
    fg_udp(g, &f, FG_C2S, 40);
    fg_udp(g, &f, FG_S2C, 80);
}

/* 13 packets, all IPv6 under fd00:6::/32:
 *  TCP ::1:40030 > ::2:80, handshake and data; client packets carry a
 *    hop-by-hop header (5);
 *  UDP ::3:5000 > ::4:53, destination options both ways (2);
 *  TCP ::5:40031 > ::6:443, handshake; client packets carry a routing
 *    header (3);
 *  UDP ::7:5002 > ::8:123, hop-by-hop, dest options and routing header
 *    chained, both ways (2);
 *  and a plain UDP ::7:5002 > ::8:123 request for contrast (1). */
void fg_scen_ipv6_ext(fg_gen *g, const fg_opts *o)
{
    fg_flow f;

    begin(g, o);
    v6(&f, 6, 1, 2, 40030, 80);
    f.v6ext[0] = FG_IPPROTO_HOPOPTS;
    f.nv6ext = 1;
    f.v6ext_dirs = 1;
    tcp_short(g, &f);

    v6(&f, 6, 3, 4, 5000, 53);
    f.v6ext[0] = FG_IPPROTO_DSTOPTS;
    f.nv6ext = 1;
    f.v6ext_dirs = 3;
    fg_udp(g, &f, FG_C2S, 40);
    fg_udp(g, &f, FG_S2C, 80);

    v6(&f, 6, 5, 6, 40031, 443);
    f.v6ext[0] = FG_IPPROTO_ROUTING;
    f.nv6ext = 1;
    f.v6ext_dirs = 1;
    fg_tcp(g, &f, FG_C2S, FG_TH_SYN, 0);
    fg_tcp(g, &f, FG_S2C, FG_TH_SYN | FG_TH_ACK, 0);
    fg_tcp(g, &f, FG_C2S, FG_TH_ACK, 0);

    v6(&f, 6, 7, 8, 5002, 123);
    f.v6ext[0] = FG_IPPROTO_HOPOPTS;
    f.v6ext[1] = FG_IPPROTO_DSTOPTS;
    f.v6ext[2] = FG_IPPROTO_ROUTING;
    f.nv6ext = 3;
    f.v6ext_dirs = 3;
    fg_udp(g, &f, FG_C2S, 48);
    fg_udp(g, &f, FG_S2C, 48);
    f.nv6ext = 0;
    fg_udp(g, &f, FG_C2S, 48);
}

#define FRAG_PART 400 /* bytes of IP payload per fragment; multiple of 8 */
#define FRAG_UDP (3 * FRAG_PART)

/* Emits a UDP datagram of FRAG_UDP bytes (header included) as three
 * fragments, skipping fragment `skip` (-1: none). */
static void udp_fragmented(fg_gen *g, const fg_flow *f, uint32_t id,
                           int skip)
{
    uint8_t dgram[FRAG_UDP];
    fg_ips ip;

    fg_flow_ips(f, FG_C2S, &ip);
    fg_frame_reset(&g->fr);
    fg_frame_fill(&g->fr, FRAG_UDP - 8, id);
    fg_push_udp(&g->fr, &ip, f->cport, f->sport);
    memcpy(dgram, g->fr.head, FRAG_UDP);
    for (int k = 0; k < 3; k++) {
        uint16_t off = (uint16_t)(k * FRAG_PART);
        int more = k < 2;

        if (k == skip)
            continue;
        fg_frame_reset(&g->fr);
        fg_frame_append(&g->fr, dgram + off, FRAG_PART);
        if (ip.v6) {
            fg_push_ip6_frag(&g->fr, FG_IPPROTO_UDP, off, more, id);
            fg_push_ip6(&g->fr, &ip, FG_IPPROTO_FRAGMENT);
        } else {
            fg_push_ip4(&g->fr, &ip, FG_IPPROTO_UDP, (uint16_t)id,
                        (uint16_t)((more ? 0x2000 : 0) | off / 8));
        }
        fg_emit(g, &f->link, ip.v6, FG_C2S);
    }
}

/* 8 packets. A 1200-byte UDP datagram (8 + 1192 payload) cut into three
 * 400-byte fragments, in order: 10.0.7.1:5000 > .2:6000 IPv4 id 0x1001;
 * fd00:7::1:5000 > ::2:6000 IPv6 id 0x2001; then 10.0.7.3:5001 > .2:6000
 * id 0x1002 with its first fragment missing (offsets 400, 800 only). */
void fg_scen_fragments(fg_gen *g, const fg_opts *o)
{
    fg_flow f;

    begin(g, o);
    v4(&f, 7, 1, 2, 5000, 6000);
    udp_fragmented(g, &f, 0x1001, -1);
    v6(&f, 7, 1, 2, 5000, 6000);
    udp_fragmented(g, &f, 0x2001, -1);
    v4(&f, 7, 3, 2, 5001, 6000);
    udp_fragmented(g, &f, 0x1002, 0);
}

/* An ICMP error from `from` to the flow's client quoting `quote`. */
static void icmp_error(fg_gen *g, const fg_flow *f, const uint8_t from[16],
                       uint8_t type, uint8_t code, const uint8_t *quote,
                       size_t qlen)
{
    fg_ips ip;

    ip.v6 = f->ips.v6;
    memcpy(ip.src, from, 16);
    memcpy(ip.dst, f->ips.src, 16);
    fg_frame_reset(&g->fr);
    fg_frame_append(&g->fr, quote, qlen);
    fg_push_icmp(&g->fr, &ip, type, code, 0);
    if (ip.v6)
        fg_push_ip6(&g->fr, &ip, FG_IPPROTO_ICMPV6);
    else
        fg_push_ip4(&g->fr, &ip, FG_IPPROTO_ICMP, g->ipid++, 0);
    fg_emit(g, &f->link, ip.v6, FG_S2C);
}

/* A UDP probe from the client, then the destination's port-unreachable
 * quoting it (IPv4: header plus 8 bytes, RFC 792; IPv6: all of it). */
static void probe_unreachable(fg_gen *g, fg_flow *f)
{
    uint8_t quote[128];
    size_t qlen;
    fg_ips ip;

    fg_flow_ips(f, FG_C2S, &ip);
    fg_frame_reset(&g->fr);
    fg_frame_fill(&g->fr, 24, 33434);
    fg_push_udp(&g->fr, &ip, f->cport, f->sport);
    if (ip.v6)
        fg_push_ip6(&g->fr, &ip, FG_IPPROTO_UDP);
    else
        fg_push_ip4(&g->fr, &ip, FG_IPPROTO_UDP, g->ipid++, 0);
    qlen = ip.v6 ? fg_frame_len(&g->fr) : 28;
    memcpy(quote, g->fr.head, qlen);
    fg_emit(g, &f->link, ip.v6, FG_C2S);
    if (ip.v6)
        icmp_error(g, f, f->ips.dst, 1, 4, quote, qlen);
    else
        icmp_error(g, f, f->ips.dst, 3, 3, quote, qlen);
}

/* 10 packets: echo request/reply twice 10.0.11.1 > .2 (id 0x4242);
 * ICMPv6 echo request/reply fd00:b::1 > ::2 (id 0x4243); UDP probe
 * 10.0.11.1:33434 > .3:33434 and ICMP port unreachable from .3; UDP probe
 * fd00:b::1:33434 > ::3:33434 and ICMPv6 port unreachable from ::3. */
void fg_scen_icmp(fg_gen *g, const fg_opts *o)
{
    fg_flow f;

    begin(g, o);
    v4(&f, 11, 1, 2, 0x4242, 0);
    for (int i = 0; i < 2; i++) {
        fg_icmp_echo(g, &f, FG_C2S, 56);
        fg_icmp_echo(g, &f, FG_S2C, 56);
    }
    v6(&f, 11, 1, 2, 0x4243, 0);
    fg_icmp_echo(g, &f, FG_C2S, 56);
    fg_icmp_echo(g, &f, FG_S2C, 56);
    v4(&f, 11, 1, 3, 33434, 33434);
    probe_unreachable(g, &f);
    v6(&f, 11, 1, 3, 33434, 33434);
    probe_unreachable(g, &f);
}

#define SCTP_CTAG 0x11111111U /* client's verification tag */
#define SCTP_STAG 0x22222222U /* server's */

/* One SCTP packet with one chunk (type, flags, value bytes). */
static void sctp_chunk(fg_gen *g, const fg_flow *f, int dir, uint32_t vtag,
                       uint8_t type, uint8_t flags, const uint8_t *val,
                       size_t vlen)
{
    uint8_t *h;
    fg_ips ip;

    fg_flow_ips(f, dir, &ip);
    fg_frame_reset(&g->fr);
    h = fg_frame_put(&g->fr, 4);
    h[0] = type;
    h[1] = flags;
    fg_wr16(h + 2, (uint16_t)(4 + vlen));
    if (vlen)
        fg_frame_append(&g->fr, val, vlen);
    /* Chunks are padded to 4 bytes (RFC 4960 3.2); all ours already are. */
    fg_push_sctp(&g->fr, dir == FG_C2S ? f->cport : f->sport,
                 dir == FG_C2S ? f->sport : f->cport, vtag);
    fg_push_ip4(&g->fr, &ip, FG_IPPROTO_SCTP, g->ipid++, 0x4000);
    fg_emit(g, &f->link, 0, dir);
}

/* INIT / INIT ACK value: tag, a_rwnd 65536, 10 streams each way, TSN. */
static size_t init_value(uint8_t *v, uint32_t tag, uint32_t tsn)
{
    fg_wr32(v, tag);
    fg_wr32(v + 4, 65536);
    fg_wr16(v + 8, 10);
    fg_wr16(v + 10, 10);
    fg_wr32(v + 12, tsn);
    return 16;
}

/* 9 packets, 10.0.12.1:5000 > .2:3868: INIT, INIT ACK (with an 8-byte
 * state cookie), COOKIE ECHO, COOKIE ACK, DATA (TSN 100, 20 bytes),
 * SACK, SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE. */
void fg_scen_sctp(fg_gen *g, const fg_opts *o)
{
    static const uint8_t cookie[8] = { 'f', 'l', 'o', 'w', 'k', 'i', 't', 0 };
    uint8_t v[64];
    size_t n;
    fg_flow f;

    begin(g, o);
    v4(&f, 12, 1, 2, 5000, 3868);
    n = init_value(v, SCTP_CTAG, 100);
    sctp_chunk(g, &f, FG_C2S, 0, 1, 0, v, n);
    n = init_value(v, SCTP_STAG, 500);
    fg_wr16(v + n, 7); /* State Cookie parameter */
    fg_wr16(v + n + 2, 4 + sizeof cookie);
    memcpy(v + n + 4, cookie, sizeof cookie);
    sctp_chunk(g, &f, FG_S2C, SCTP_CTAG, 2, 0, v, n + 4 + sizeof cookie);
    sctp_chunk(g, &f, FG_C2S, SCTP_STAG, 10, 0, cookie, sizeof cookie);
    sctp_chunk(g, &f, FG_S2C, SCTP_CTAG, 11, 0, NULL, 0);
    fg_wr32(v, 100);   /* TSN */
    fg_wr16(v + 4, 0); /* stream */
    fg_wr16(v + 6, 0); /* stream sequence */
    fg_wr32(v + 8, 0); /* payload protocol */
    memset(v + 12, 'x', 20);
    sctp_chunk(g, &f, FG_C2S, SCTP_STAG, 0, 0x03, v, 32);
    fg_wr32(v, 100);   /* cumulative TSN ack */
    fg_wr32(v + 4, 65536);
    fg_wr32(v + 8, 0); /* no gap blocks, no duplicates */
    sctp_chunk(g, &f, FG_S2C, SCTP_CTAG, 3, 0, v, 12);
    fg_wr32(v, 499);   /* server sent no DATA: its initial TSN - 1 */
    sctp_chunk(g, &f, FG_C2S, SCTP_STAG, 7, 0, v, 4);
    sctp_chunk(g, &f, FG_S2C, SCTP_CTAG, 8, 0, NULL, 0);
    sctp_chunk(g, &f, FG_C2S, SCTP_STAG, 14, 0, NULL, 0);
}

/* 10 packets: TCP 10.0.13.1:40050 > .2:80 (handshake, data, close)
 * under labels 100 (outer) and 200 (bottom); UDP fd00:d::1:5000 >
 * ::2:53 request/response under label 300. */
void fg_scen_mpls(fg_gen *g, const fg_opts *o)
{
    fg_flow f;

    begin(g, o);
    v4(&f, 13, 1, 2, 40050, 80);
    f.link.nmpls = 2;
    f.link.label[0] = 100;
    f.link.label[1] = 200;
    tcp_short(g, &f);
    tcp_close(g, &f);
    v6(&f, 13, 1, 2, 5000, 53);
    f.link.nmpls = 1;
    f.link.label[0] = 300;
    fg_udp(g, &f, FG_C2S, 40);
    fg_udp(g, &f, FG_S2C, 80);
}

/* 10 packets: TCP 10.0.14.1:40060 > .2:80 (handshake, data, close) in
 * PPPoE session 0x0011; UDP fd00:e::1:5000 > ::2:53 request/response in
 * session 0x0012. */
void fg_scen_pppoe(fg_gen *g, const fg_opts *o)
{
    fg_flow f;

    begin(g, o);
    v4(&f, 14, 1, 2, 40060, 80);
    f.link.pppoe = 1;
    f.link.session = 0x0011;
    tcp_short(g, &f);
    tcp_close(g, &f);
    v6(&f, 14, 1, 2, 5000, 53);
    f.link.pppoe = 1;
    f.link.session = 0x0012;
    fg_udp(g, &f, FG_C2S, 40);
    fg_udp(g, &f, FG_S2C, 80);
}
