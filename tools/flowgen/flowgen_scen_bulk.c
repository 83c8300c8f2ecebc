/* flowgen_scen_bulk.c - scenarios sized by --flows: many keys to fill,
 * overflow or attack a flow table (eviction, synflood, collide). */
#include "flowgen_scen.h"
#include "flowgen_rng.h"
#include "flowgen_work.h"

/* --flows N (default 250) UDP flows, one after another: client
 * 10.<i+1 as 24 bits>:20000+(i%1000) to 192.0.2.53:53, request at
 * start + i ms, response 200 us later. Every key is distinct, so
 * replaying with --max-flows 100 must evict. */
void fg_scen_eviction(fg_gen *g, const fg_opts *o)
{
    uint64_t n = fg_scen_flows(o, 250);
    uint8_t c[16], s[16];
    fg_flow f;

    fg_addr4(s, 192, 0, 2, 53);
    g->step = 200 * FG_NS_PER_US;
    for (uint64_t i = 0; i < n && !fg_writer_failed(g->w); i++) {
        uint32_t h = (uint32_t)i + 1;

        fg_addr4(c, 10, (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
        fg_flow_init(&f, 0, c, (uint16_t)(20000 + i % 1000), s, 53);
        g->now = o->start_ns + i * FG_NS_PER_MS;
        fg_udp(g, &f, FG_C2S, 32);
        fg_udp(g, &f, FG_S2C, 64);
    }
}

/* --flows N (default 1000) SYNs 1 us apart to 192.0.2.1:80, each from a
 * distinct (address, port) in 10.0.0.0/8 chosen by the seed; random
 * initial sequence numbers; no replies. */
void fg_scen_synflood(fg_gen *g, const fg_opts *o)
{
    uint64_t n = fg_scen_flows(o, 1000);
    uint8_t c[16], s[16];
    uint16_t cport;
    fg_flow f;
    fg_rng r;

    fg_rng_seed(&r, o->seed);
    fg_addr4(s, 192, 0, 2, 1);
    g->now = o->start_ns;
    g->step = FG_NS_PER_US;
    for (uint64_t i = 0; i < n && !fg_writer_failed(g->w); i++) {
        fg_unique_client((uint32_t)i, o->seed, 0, &r, c, &cport);
        fg_flow_init(&f, 0, c, cport, s, 80);
        f.seq[FG_C2S] = (uint32_t)fg_rng_next(&r);
        fg_tcp(g, &f, FG_C2S, FG_TH_SYN, 0);
    }
}

/* --flows N (default 1000) one-packet UDP flows 1 us apart from
 * 10.<i> to 11.<~i> (24-bit i), ports 5000 -> 5001. src ^ dst is
 * always 1.255.255.255 and the ports never change, so a hash built
 * from src ^ dst ^ sport ^ dport puts every key in one bucket. */
void fg_scen_collide(fg_gen *g, const fg_opts *o)
{
    uint64_t n = fg_scen_flows(o, 1000);
    uint8_t c[16], s[16];
    fg_flow f;

    g->now = o->start_ns;
    g->step = FG_NS_PER_US;
    for (uint64_t i = 0; i < n && !fg_writer_failed(g->w); i++) {
        uint32_t v = (uint32_t)i;
        uint32_t nv = ~v & 0xffffff;

        fg_addr4(c, 10, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
        fg_addr4(s, 11, (nv >> 16) & 0xff, (nv >> 8) & 0xff, nv & 0xff);
        fg_flow_init(&f, 0, c, 5000, s, 5001);
        fg_udp(g, &f, FG_C2S, 16);
    }
}
