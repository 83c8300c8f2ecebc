/* flowgen_scen.h - the named fixture scenarios (--scenario NAME).
 *
 * Each scenario writes a small, hand-shaped capture that shows one
 * tracker behaviour. Timestamps start at o->start_ns; nothing depends on
 * the seed except synflood's source addresses. */
#ifndef FLOWGEN_SCEN_H
#define FLOWGEN_SCEN_H

#include <stdio.h>

#include "flowgen_flow.h"
#include "flowgen_opts.h"

/* Largest --flows for scenarios that number keys in 24 bits. */
#define FG_MAX_KEYS24 ((1ULL << 24) - 2)

typedef void (*fg_scen_fn)(fg_gen *g, const fg_opts *o);

typedef struct fg_scenario {
    const char *name;
    const char *desc;     /* one line for --list-scenarios */
    fg_scen_fn run;
    int needs_ethernet;   /* uses tags or shims that need EN10MB */
    uint64_t max_flows;   /* largest --flows accepted; 0: takes none */
} fg_scenario;

/* The scenario called `name`, or NULL. */
const fg_scenario *fg_scenario_find(const char *name);

/* Prints "name  description" lines, one per scenario. */
void fg_scenario_list(FILE *fp);

/* Flow count for scenarios that take --flows, or `def`. */
uint64_t fg_scen_flows(const fg_opts *o, uint64_t def);

/* Implementations, grouped by file. */
void fg_scen_handshake(fg_gen *g, const fg_opts *o);
void fg_scen_graceful_close(fg_gen *g, const fg_opts *o);
void fg_scen_reset(fg_gen *g, const fg_opts *o);
void fg_scen_midstream(fg_gen *g, const fg_opts *o);
void fg_scen_fin_retransmit(fg_gen *g, const fg_opts *o);
void fg_scen_idle_tcp(fg_gen *g, const fg_opts *o);
void fg_scen_idle_udp(fg_gen *g, const fg_opts *o);
void fg_scen_idle_other(fg_gen *g, const fg_opts *o);
void fg_scen_backwards_ts(fg_gen *g, const fg_opts *o);
void fg_scen_merge_a(fg_gen *g, const fg_opts *o);
void fg_scen_merge_b(fg_gen *g, const fg_opts *o);

void fg_scen_eviction(fg_gen *g, const fg_opts *o);
void fg_scen_synflood(fg_gen *g, const fg_opts *o);
void fg_scen_collide(fg_gen *g, const fg_opts *o);

void fg_scen_vlan(fg_gen *g, const fg_opts *o);
void fg_scen_ipv6_ext(fg_gen *g, const fg_opts *o);
void fg_scen_fragments(fg_gen *g, const fg_opts *o);
void fg_scen_icmp(fg_gen *g, const fg_opts *o);
void fg_scen_sctp(fg_gen *g, const fg_opts *o);
void fg_scen_mpls(fg_gen *g, const fg_opts *o);
void fg_scen_pppoe(fg_gen *g, const fg_opts *o);

#endif
