/* flowgen_flow.c - per-conversation packet emission (see flowgen_flow.h). */
#include "flowgen_flow.h"

#include <string.h>

/* Locally administered MACs: client side and server side. */
static const uint8_t mac_client[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac_server[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

void fg_at(fg_gen *g, uint64_t base_ns, uint64_t sec, uint64_t usec)
{
    g->now = base_ns + sec * FG_NS_PER_SEC + usec * FG_NS_PER_US;
}

void fg_addr4(uint8_t out[16], unsigned a, unsigned b, unsigned c,
              unsigned d)
{
    memset(out, 0, 16);
    out[0] = (uint8_t)a;
    out[1] = (uint8_t)b;
    out[2] = (uint8_t)c;
    out[3] = (uint8_t)d;
}

void fg_addr6(uint8_t out[16], uint16_t hi, uint32_t lo)
{
    memset(out, 0, 16);
    out[0] = 0xfd;
    out[2] = (uint8_t)(hi >> 8);
    out[3] = (uint8_t)hi;
    out[12] = (uint8_t)(lo >> 24);
    out[13] = (uint8_t)(lo >> 16);
    out[14] = (uint8_t)(lo >> 8);
    out[15] = (uint8_t)lo;
}

void fg_flow_init(fg_flow *f, int v6, const uint8_t csrc[16],
                  uint16_t cport, const uint8_t sdst[16], uint16_t sport)
{
    memset(f, 0, sizeof *f);
    f->ips.v6 = (uint8_t)(v6 != 0);
    memcpy(f->ips.src, csrc, 16);
    memcpy(f->ips.dst, sdst, 16);
    f->cport = cport;
    f->sport = sport;
    f->seq[FG_C2S] = 1000;
    f->seq[FG_S2C] = 5000;
    f->icmp_id = cport;
    f->icmp_seq = 1;
}

void fg_flow_ips(const fg_flow *f, int dir, fg_ips *out)
{
    out->v6 = f->ips.v6;
    memcpy(out->src, dir == FG_C2S ? f->ips.src : f->ips.dst, 16);
    memcpy(out->dst, dir == FG_C2S ? f->ips.dst : f->ips.src, 16);
}

void fg_emit(fg_gen *g, const fg_link *link, int v6, int dir)
{
    fg_frame *fr = &g->fr;
    uint16_t type = v6 ? FG_ETH_IPV6 : FG_ETH_IPV4;

    if (g->linktype == FG_LINKTYPE_EN10MB) {
        if (link->pppoe) {
            fg_push_pppoe(fr, link->session, v6 ? 0x0057 : 0x0021);
            type = FG_ETH_PPPOE;
        }
        /* Innermost label carries the bottom-of-stack bit. */
        for (int i = link->nmpls; i-- > 0;) {
            fg_push_mpls(fr, link->label[i], i == link->nmpls - 1);
            type = FG_ETH_MPLS;
        }
        for (int i = link->nvlan; i-- > 0;) {
            fg_push_vlan(fr, link->vid[i], type);
            type = link->tpid[i];
        }
        fg_push_eth(fr, dir == FG_C2S ? mac_server : mac_client,
                    dir == FG_C2S ? mac_client : mac_server, type);
    }
    fg_writer_put(g->w, g->now, fr->head, fg_frame_len(fr));
    g->now += g->step;
}

/* Pushes f's extension headers for this direction; returns the next
 * header value for the fixed IPv6 header. */
static uint8_t push_v6ext(fg_frame *fr, const fg_flow *f, const fg_ips *ip,
                          uint8_t proto, int dir)
{
    if (!(f->v6ext_dirs & (1u << dir)))
        return proto;
    for (int i = f->nv6ext; i-- > 0;) {
        if (f->v6ext[i] == FG_IPPROTO_ROUTING)
            fg_push_ip6_route(fr, proto, ip->dst);
        else
            fg_push_ip6_opts(fr, proto);
        proto = f->v6ext[i];
    }
    return proto;
}

static void emit_ip(fg_gen *g, const fg_flow *f, const fg_ips *ip,
                    uint8_t proto, int dir, uint16_t frag)
{
    if (ip->v6)
        fg_push_ip6(&g->fr, ip, push_v6ext(&g->fr, f, ip, proto, dir));
    else
        fg_push_ip4(&g->fr, ip, proto, g->ipid++, frag);
    fg_emit(g, &f->link, ip->v6, dir);
}

void fg_tcp(fg_gen *g, fg_flow *f, int dir, uint8_t flags, uint16_t plen)
{
    fg_ips ip;
    uint16_t sport = dir == FG_C2S ? f->cport : f->sport;
    uint16_t dport = dir == FG_C2S ? f->sport : f->cport;
    uint32_t seq = f->seq[dir];
    uint32_t ack = (flags & FG_TH_ACK) ? f->seq[!dir] : 0;

    fg_flow_ips(f, dir, &ip);
    fg_frame_reset(&g->fr);
    fg_frame_fill(&g->fr, plen, seq);
    fg_push_tcp(&g->fr, &ip, sport, dport, seq, ack, flags, 65535);
    emit_ip(g, f, &ip, FG_IPPROTO_TCP, dir, 0x4000);
    f->seq[dir] += plen + ((flags & FG_TH_SYN) ? 1u : 0u) +
                   ((flags & FG_TH_FIN) ? 1u : 0u);
}

void fg_udp(fg_gen *g, fg_flow *f, int dir, uint16_t plen)
{
    fg_ips ip;

    fg_flow_ips(f, dir, &ip);
    fg_frame_reset(&g->fr);
    fg_frame_fill(&g->fr, plen, g->ipid);
    fg_push_udp(&g->fr, &ip, dir == FG_C2S ? f->cport : f->sport,
                dir == FG_C2S ? f->sport : f->cport);
    emit_ip(g, f, &ip, FG_IPPROTO_UDP, dir, 0);
}

void fg_icmp_echo(fg_gen *g, fg_flow *f, int dir, uint16_t plen)
{
    fg_ips ip;
    uint8_t type;

    fg_flow_ips(f, dir, &ip);
    if (ip.v6)
        type = dir == FG_C2S ? 128 : 129;
    else
        type = dir == FG_C2S ? 8 : 0;
    fg_frame_reset(&g->fr);
    fg_frame_fill(&g->fr, plen, f->icmp_seq);
    fg_push_icmp(&g->fr, &ip, type, 0,
                 (uint32_t)f->icmp_id << 16 | f->icmp_seq);
    emit_ip(g, f, &ip, ip.v6 ? FG_IPPROTO_ICMPV6 : FG_IPPROTO_ICMP, dir,
             0);
    if (dir == FG_S2C)
        f->icmp_seq++;
}
