/* flowgen_opts.h - parsed command line shared by the generators. */
#ifndef FLOWGEN_OPTS_H
#define FLOWGEN_OPTS_H

#include <stdint.h>

enum { FG_MIX_TCP, FG_MIX_UDP, FG_MIX_ICMP, FG_MIX_N };

#define FG_DEFAULT_START 1700000000ULL

typedef struct fg_opts {
    uint64_t flows;        /* workload: flows; scenarios: size, if set */
    int flows_set;
    uint64_t seed;
    uint32_t per_flow;     /* packets per flow */
    uint32_t concurrency;  /* flows open at once */
    uint64_t start_ns;     /* first timestamp */
    uint32_t mix[FG_MIX_N];/* relative weights */
    uint32_t ipv6_pct;
    uint32_t rst_pct;      /* share of TCP flows ended by RST */
    uint32_t idle_pct;     /* share of TCP flows never closed */
    uint32_t min_payload;  /* data packets carry min..max_payload bytes */
    uint32_t max_payload;
} fg_opts;

#endif
