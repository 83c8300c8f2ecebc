/* flowgen_work.c - seeded bulk workload: many interleaved flows.
 *
 * A table of `concurrency` open flows; each step picks one at random and
 * emits its next packet, so flows overlap like real traffic. A finished
 * flow's slot is refilled with the next flow until all have started.
 * Every flow emits exactly per_flow packets: a flow's script (handshake,
 * data, close) is cut to that length, or padded with data packets. */
#include "flowgen_work.h"

#include <stdlib.h>
#include <string.h>

enum { KIND_TCP, KIND_TCP_RST, KIND_TCP_IDLE, KIND_UDP, KIND_ICMP };

typedef struct wflow {
    fg_flow f;
    uint32_t sent;  /* packets emitted so far */
    uint8_t kind;
    uint8_t rst_dir;
} wflow;

static const uint16_t tcp_ports[] = { 80, 443, 22, 25, 8080, 3306, 5432, 993 };
static const uint16_t udp_ports[] = { 53, 123, 161, 443, 514, 5353, 1812 };

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

void fg_unique_client(uint32_t i, uint64_t seed, int v6, fg_rng *r,
                      uint8_t addr[16], uint16_t *port)
{
    /* u is a bijection of i, so (u >> 8, u & 0xff) is unique per flow:
     * the top 24 bits name the host, the low 8 pick one of 256 disjoint
     * port ranges of 252 ports each (1024 + 256 * 252 = 65536). */
    uint32_t u = fg_perm32(i ^ (uint32_t)(seed ^ (seed >> 32)));

    if (v6)
        fg_addr6(addr, 1, u >> 8);
    else
        fg_addr4(addr, 10, (u >> 24) & 0xff, (u >> 16) & 0xff,
                 (u >> 8) & 0xff);
    if (v6) /* middle bits random: addresses look less sequential */
        for (int k = 4; k < 12; k++)
            addr[k] = (uint8_t)fg_rng_below(r, 256);
    *port = (uint16_t)(1024 + (u & 0xff) * 252 + fg_rng_below(r, 252));
}

static void server_addr(fg_rng *r, int v6, uint8_t addr[16])
{
    uint32_t s = fg_rng_below(r, 4096);

    if (v6)
        fg_addr6(addr, 2, s + 1);
    else
        fg_addr4(addr, 172, 16 + (s >> 8), s & 0xff, 1 + fg_rng_below(r, 254));
}

static uint8_t pick_kind(fg_rng *r, const fg_opts *o)
{
    uint32_t total = o->mix[FG_MIX_TCP] + o->mix[FG_MIX_UDP] + o->mix[FG_MIX_ICMP];
    uint32_t x = fg_rng_below(r, total);

    if (x < o->mix[FG_MIX_TCP]) {
        /* One draw for both shares, so --idle 0 leaves every earlier
         * capture's bytes as they were. */
        uint32_t y = fg_rng_below(r, 100);

        if (y < o->rst_pct)
            return KIND_TCP_RST;
        return y < o->rst_pct + o->idle_pct ? KIND_TCP_IDLE : KIND_TCP;
    }
    if (x < o->mix[FG_MIX_TCP] + o->mix[FG_MIX_UDP])
        return KIND_UDP;
    return KIND_ICMP;
}

static void open_flow(wflow *w, uint32_t idx, fg_rng *r, const fg_opts *o)
{
    uint8_t c[16], s[16];
    uint16_t cport, sport;
    int v6 = fg_rng_below(r, 100) < o->ipv6_pct;

    w->kind = pick_kind(r, o);
    fg_unique_client(idx, o->seed, v6, r, c, &cport);
    server_addr(r, v6, s);
    if (w->kind == KIND_ICMP && !v6) {
        /* ICMP keys have no ports: put the port-range byte in the server
         * address so the address pair alone stays unique. */
        s[3] = (uint8_t)((cport - 1024) / 252);
    } else if (w->kind == KIND_ICMP) {
        s[15] = (uint8_t)((cport - 1024) / 252);
        s[14] = 0xee;
    }
    if (w->kind == KIND_UDP)
        sport = udp_ports[fg_rng_below(r, NELEM(udp_ports))];
    else
        sport = tcp_ports[fg_rng_below(r, NELEM(tcp_ports))];
    fg_flow_init(&w->f, v6, c, cport, s, sport);
    w->f.seq[FG_C2S] = (uint32_t)fg_rng_next(r);
    w->f.seq[FG_S2C] = (uint32_t)fg_rng_next(r);
    w->f.icmp_id = (uint16_t)fg_rng_next(r);
    w->rst_dir = (uint8_t)fg_rng_below(r, 2);
    w->sent = 0;
}

static uint16_t data_len(fg_rng *r, const fg_opts *o)
{
    /* min 1 draws exactly as before --min-payload existed. */
    if (o->max_payload == 0)
        return 0;
    return (uint16_t)(o->min_payload +
                      fg_rng_below(r, o->max_payload - o->min_payload + 1));
}

/* Packet p of a TCP flow with k packets. Normal: SYN, SYN-ACK, ACK,
 * k-6 data segments alternating direction, FIN client, FIN server, ACK.
 * Reset: SYN, SYN-ACK, ACK, k-4 data, RST. Idle: SYN, SYN-ACK, ACK,
 * k-3 data and silence, left to the idle timeout. Short flows get a
 * prefix. */
static void tcp_step(fg_gen *g, wflow *w, fg_rng *r, const fg_opts *o)
{
    uint32_t p = w->sent, k = o->per_flow;
    uint32_t close_len = w->kind == KIND_TCP_RST    ? 1
                         : w->kind == KIND_TCP_IDLE ? 0
                                                    : 3;
    uint32_t ndata = k > 3 + close_len ? k - 3 - close_len : 0;
    fg_flow *f = &w->f;
    uint32_t c;

    if (p == 0) {
        fg_tcp(g, f, FG_C2S, FG_TH_SYN, 0);
    } else if (p == 1) {
        fg_tcp(g, f, FG_S2C, FG_TH_SYN | FG_TH_ACK, 0);
    } else if (p == 2) {
        fg_tcp(g, f, FG_C2S, FG_TH_ACK, 0);
    } else if (p < 3 + ndata) {
        fg_tcp(g, f, (p - 3) & 1, FG_TH_PSH | FG_TH_ACK, data_len(r, o));
    } else if (w->kind == KIND_TCP_RST) {
        fg_tcp(g, f, w->rst_dir, FG_TH_RST | FG_TH_ACK, 0);
    } else {
        c = p - 3 - ndata;
        if (c == 0)
            fg_tcp(g, f, FG_C2S, FG_TH_FIN | FG_TH_ACK, 0);
        else if (c == 1)
            fg_tcp(g, f, FG_S2C, FG_TH_FIN | FG_TH_ACK, 0);
        else
            fg_tcp(g, f, FG_C2S, FG_TH_ACK, 0);
    }
}

static void flow_step(fg_gen *g, wflow *w, fg_rng *r, const fg_opts *o)
{
    switch (w->kind) {
    case KIND_UDP:
        fg_udp(g, &w->f, w->sent & 1, data_len(r, o));
        break;
    case KIND_ICMP:
        fg_icmp_echo(g, &w->f, w->sent & 1, 32);
        break;
    default:
        tcp_step(g, w, r, o);
        break;
    }
    w->sent++;
}

int fg_workload(fg_gen *g, const fg_opts *o)
{
    uint64_t nopen = o->flows < o->concurrency ? o->flows : o->concurrency;
    uint64_t started = 0, active = 0;
    wflow *tab = calloc(nopen ? nopen : 1, sizeof *tab);
    fg_rng r;

    if (tab == NULL)
        return -1;
    fg_rng_seed(&r, o->seed);
    g->now = o->start_ns;
    g->step = 0;
    while (active < nopen)
        open_flow(&tab[active++], (uint32_t)started++, &r, o);
    while (active > 0 && !fg_writer_failed(g->w)) {
        uint64_t i = fg_rng_below(&r, (uint32_t)active);

        flow_step(g, &tab[i], &r, o);
        if (tab[i].sent >= o->per_flow) {
            if (started < o->flows)
                open_flow(&tab[i], (uint32_t)started++, &r, o);
            else
                tab[i] = tab[--active];
        }
        /* Gaps of 1-20 us plus some nanoseconds: strictly increasing
         * even when written with microsecond stamps. */
        g->now += (1 + fg_rng_below(&r, 20)) * FG_NS_PER_US +
                  fg_rng_below(&r, 1000);
    }
    free(tab);
    return 0;
}
