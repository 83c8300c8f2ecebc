/* flowgen_scen.c - scenario table, and the scenarios about one TCP or
 * UDP conversation's life: handshake, close, reset, idle timeouts,
 * timestamp oddities and capture merging. */
#include "flowgen_scen.h"

#include <string.h>

static const fg_scenario scenarios[] = {
    { "handshake", "TCP 3-way handshake and data both ways, left open",
      fg_scen_handshake, 0, 0 },
    { "graceful-close", "TCP handshake, data, FIN each way, final ACK",
      fg_scen_graceful_close, 0, 0 },
    { "reset", "TCP handshake then RST from the server", fg_scen_reset, 0, 0 },
    { "midstream", "TCP data both ways without any SYN", fg_scen_midstream, 0, 0 },
    { "idle-tcp", "TCP flow, 400 s silence, same key again and a new flow",
      fg_scen_idle_tcp, 0, 0 },
    { "idle-udp", "UDP flow, 160 s silence, same key again and a new flow",
      fg_scen_idle_udp, 0, 0 },
    { "idle-other", "ICMP echo, 130 s silence, same key again and a new flow",
      fg_scen_idle_other, 0, 0 },
    { "eviction", "many short UDP flows (250 keys); replay with --max-flows 100",
      fg_scen_eviction, 0, FG_MAX_KEYS24 },
    { "fin-retransmit", "TCP close where the client FIN is sent twice",
      fg_scen_fin_retransmit, 0, 0 },
    { "backwards-ts", "UDP packets whose timestamps jump back 3 s midway",
      fg_scen_backwards_ts, 0, 0 },
    { "vlan", "flows inside 802.1Q, 802.1ad QinQ and double 802.1Q tags",
      fg_scen_vlan, 1, 0 },
    { "ipv6-ext", "IPv6 TCP/UDP behind hop-by-hop, dest-options, routing headers",
      fg_scen_ipv6_ext, 0, 0 },
    { "fragments", "IPv4 and IPv6 UDP in 3 fragments, and a set missing its first",
      fg_scen_fragments, 0, 0 },
    { "merge-a", "first of two captures with interleaved and equal timestamps",
      fg_scen_merge_a, 0, 0 },
    { "merge-b", "second of two captures with interleaved and equal timestamps",
      fg_scen_merge_b, 0, 0 },
    { "synflood", "--flows N SYNs from distinct random sources, no replies",
      fg_scen_synflood, 0, UINT32_MAX },
    { "collide", "--flows N UDP keys with constant src^dst and ports",
      fg_scen_collide, 0, FG_MAX_KEYS24 },
    { "icmp", "ICMP/ICMPv6 echo request/reply and destination unreachable",
      fg_scen_icmp, 0, 0 },
    { "sctp", "an SCTP association: setup, one DATA/SACK, shutdown",
      fg_scen_sctp, 0, 0 },
    { "mpls", "TCP flow under two MPLS labels, IPv6 UDP under one",
      fg_scen_mpls, 1, 0 },
    { "pppoe", "TCP flow in a PPPoE session, IPv6 UDP in another",
      fg_scen_pppoe, 1, 0 },
};

const fg_scenario *fg_scenario_find(const char *name)
{
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        if (strcmp(scenarios[i].name, name) == 0)
            return &scenarios[i];
    return NULL;
}

void fg_scenario_list(FILE *fp)
{
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        fprintf(fp, "%-15s %s\n", scenarios[i].name, scenarios[i].desc);
}

uint64_t fg_scen_flows(const fg_opts *o, uint64_t def)
{
    return o->flows_set ? o->flows : def;
}

/* Client 10.0.<net>.1:<cport> to server 10.0.<net>.2:<sport>. */
static void flow4(fg_flow *f, unsigned net, uint16_t cport, uint16_t sport)
{
    uint8_t c[16], s[16];

    fg_addr4(c, 10, 0, net, 1);
    fg_addr4(s, 10, 0, net, 2);
    fg_flow_init(f, 0, c, cport, s, sport);
}

static void begin(fg_gen *g, const fg_opts *o)
{
    g->now = o->start_ns;
    g->step = FG_NS_PER_MS;
}

static void handshake(fg_gen *g, fg_flow *f)
{
    fg_tcp(g, f, FG_C2S, FG_TH_SYN, 0);
    fg_tcp(g, f, FG_S2C, FG_TH_SYN | FG_TH_ACK, 0);
    fg_tcp(g, f, FG_C2S, FG_TH_ACK, 0);
}

/* 7 packets: handshake, 120 bytes up, ACK, 400 bytes down, ACK. */
void fg_scen_handshake(fg_gen *g, const fg_opts *o)
{
    fg_flow f;

    begin(g, o);
    flow4(&f, 0, 40000, 80);
    handshake(g, &f);
    fg_tcp(g, &f, FG_C2S, FG_TH_PSH | FG_TH_ACK, 120);
    fg_tcp(g, &f, FG_S2C, FG_TH_ACK, 0);
    fg_tcp(g, &f, FG_S2C, FG_TH_PSH | FG_TH_ACK, 400);
    fg_tcp(g, &f, FG_C2S, FG_TH_ACK, 0);
}

/* 10 packets: handshake, data each way, ACK, then FIN/ACK from the
 * client, ACK, FIN/ACK from the server, final ACK. */
void fg_scen_graceful_close(fg_gen *g, const fg_opts *o)
{
    fg_flow f;

    begin(g, o);
    flow4(&f, 0, 40001, 80);
    handshake(g, &f);
    fg_tcp(g, &f, FG_C2S, FG_TH_PSH | FG_TH_ACK, 120);
    fg_tcp(g, &f, FG_S2C, FG_TH_PSH | FG_TH_ACK, 400);
    fg_tcp(g, &f, FG_C2S, FG_TH_ACK, 0);
    fg_tcp(g, &f, FG_C2S, FG_TH_FIN | FG_TH_ACK, 0);
    fg_tcp(g, &f, FG_S2C, FG_TH_ACK, 0);
    fg_tcp(g, &f, FG_S2C, FG_TH_FIN | FG_TH_ACK, 0);
    fg_tcp(g, &f, FG_C2S, FG_TH_ACK, 0);
}

/* 4 packets: handshake, then RST/ACK from the server. */
void fg_scen_reset(fg_gen *g, const fg_opts *o)
{
    fg_flow f;

    begin(g, o);
    flow4(&f, 0, 40002, 80);
    handshake(g, &f);
    fg_tcp(g, &f, FG_S2C, FG_TH_RST | FG_TH_ACK, 0);
}

/* 6 packets of an established connection, first one client to server. */
void fg_scen_midstream(fg_gen *g, const fg_opts *o)
{
    fg_flow f;

    begin(g, o);
    flow4(&f, 0, 40003, 443);
    f.seq[FG_C2S] = 0x10000000;
    f.seq[FG_S2C] = 0x20000000;
    fg_tcp(g, &f, FG_C2S, FG_TH_PSH | FG_TH_ACK, 200);
    fg_tcp(g, &f, FG_S2C, FG_TH_PSH | FG_TH_ACK, 800);
    fg_tcp(g, &f, FG_C2S, FG_TH_ACK, 0);
    fg_tcp(g, &f, FG_C2S, FG_TH_PSH | FG_TH_ACK, 100);
    fg_tcp(g, &f, FG_S2C, FG_TH_PSH | FG_TH_ACK, 300);
    fg_tcp(g, &f, FG_C2S, FG_TH_ACK, 0);
}

/* 7 packets: handshake, FIN/ACK from the client, the same FIN again
 * 200 ms later (same sequence number), FIN/ACK from the server, ACK. */
void fg_scen_fin_retransmit(fg_gen *g, const fg_opts *o)
{
    fg_flow f;

    begin(g, o);
    flow4(&f, 0, 40004, 80);
    handshake(g, &f);
    fg_tcp(g, &f, FG_C2S, FG_TH_FIN | FG_TH_ACK, 0);
    f.seq[FG_C2S]--; /* resend: the FIN's sequence number again */
    g->now += 200 * FG_NS_PER_MS;
    fg_tcp(g, &f, FG_C2S, FG_TH_FIN | FG_TH_ACK, 0);
    fg_tcp(g, &f, FG_S2C, FG_TH_FIN | FG_TH_ACK, 0);
    fg_tcp(g, &f, FG_C2S, FG_TH_ACK, 0);
}

/* Flow A: handshake, 50 bytes up, ACK (start + 0..4 ms). Silence until
 * start + 400 s (default TCP timeout 300 s): 50 more bytes on A's key,
 * then 1 ms later a SYN of flow B from another client. */
void fg_scen_idle_tcp(fg_gen *g, const fg_opts *o)
{
    fg_flow a, b;
    uint8_t c[16], s[16];

    begin(g, o);
    flow4(&a, 1, 40010, 80);
    handshake(g, &a);
    fg_tcp(g, &a, FG_C2S, FG_TH_PSH | FG_TH_ACK, 50);
    fg_tcp(g, &a, FG_S2C, FG_TH_ACK, 0);
    fg_at(g, o->start_ns, 400, 0);
    fg_tcp(g, &a, FG_C2S, FG_TH_PSH | FG_TH_ACK, 50);
    fg_addr4(c, 10, 0, 1, 3);
    fg_addr4(s, 10, 0, 1, 2);
    fg_flow_init(&b, 0, c, 40011, s, 80);
    fg_tcp(g, &b, FG_C2S, FG_TH_SYN, 0);
}

/* Flow A: request and response (start + 0, 1 ms). At start + 160 s
 * (default UDP timeout 60 s): a request on A's key, then flow B's. */
void fg_scen_idle_udp(fg_gen *g, const fg_opts *o)
{
    fg_flow a, b;
    uint8_t c[16], s[16];

    begin(g, o);
    flow4(&a, 2, 5353, 53);
    fg_udp(g, &a, FG_C2S, 40);
    fg_udp(g, &a, FG_S2C, 120);
    fg_at(g, o->start_ns, 160, 0);
    fg_udp(g, &a, FG_C2S, 40);
    fg_addr4(c, 10, 0, 2, 3);
    fg_addr4(s, 10, 0, 2, 2);
    fg_flow_init(&b, 0, c, 5354, s, 53);
    fg_udp(g, &b, FG_C2S, 40);
}

/* ICMP echo (keyed by addresses only, "other" protocol): request and
 * reply; at start + 130 s (default other timeout 30 s) another request
 * on the same key, then an echo request from another host. */
void fg_scen_idle_other(fg_gen *g, const fg_opts *o)
{
    fg_flow a, b;
    uint8_t c[16], s[16];

    begin(g, o);
    flow4(&a, 3, 0x0100, 0);
    fg_icmp_echo(g, &a, FG_C2S, 56);
    fg_icmp_echo(g, &a, FG_S2C, 56);
    fg_at(g, o->start_ns, 130, 0);
    fg_icmp_echo(g, &a, FG_C2S, 56);
    fg_addr4(c, 10, 0, 3, 3);
    fg_addr4(s, 10, 0, 3, 2);
    fg_flow_init(&b, 0, c, 0x0200, s, 0);
    fg_icmp_echo(g, &b, FG_C2S, 56);
}

/* 9 UDP packets, alternating direction, at start + 0, 1, 2, 3, 4 s,
 * then back to 1 s and 2 s (3 s earlier than the last), then 5, 6 s. */
void fg_scen_backwards_ts(fg_gen *g, const fg_opts *o)
{
    static const unsigned secs[] = { 0, 1, 2, 3, 4, 1, 2, 5, 6 };
    fg_flow f;

    begin(g, o);
    flow4(&f, 4, 6000, 7000);
    for (unsigned i = 0; i < sizeof secs / sizeof secs[0]; i++) {
        fg_at(g, o->start_ns, secs[i], 0);
        fg_udp(g, &f, (int)(i & 1), 64);
    }
}

/* Six UDP packets of one flow per file. merge-a at start + 0, 2, 4, 6,
 * 8, 10 ms (10.0.8.x); merge-b at 1, 3, 4, 7, 8, 11 ms (10.0.9.x):
 * equal stamps at 4 and 8 ms. */
static void merge(fg_gen *g, const fg_opts *o, unsigned net,
                  const unsigned *ms)
{
    fg_flow f;

    begin(g, o);
    flow4(&f, net, 7000, 7001);
    for (unsigned i = 0; i < 6; i++) {
        fg_at(g, o->start_ns, 0, ms[i] * 1000ULL);
        fg_udp(g, &f, (int)(i & 1), 32);
    }
}

void fg_scen_merge_a(fg_gen *g, const fg_opts *o)
{
    static const unsigned ms[6] = { 0, 2, 4, 6, 8, 10 };

    merge(g, o, 8, ms);
}

void fg_scen_merge_b(fg_gen *g, const fg_opts *o)
{
    static const unsigned ms[6] = { 1, 3, 4, 7, 8, 11 };

    merge(g, o, 9, ms);
}
