/* flowgen_work.h - the seeded bulk workload (--flows N). */
#ifndef FLOWGEN_WORK_H
#define FLOWGEN_WORK_H

#include "flowgen_flow.h"
#include "flowgen_opts.h"
#include "flowgen_rng.h"

/* Writes o->flows flows of o->per_flow packets each (so exactly
 * flows * per_flow packets) through g, at most o->concurrency open at
 * once, picked at random to interleave them. Stops early if the writer
 * fails. Returns 0, or -1 if out of memory. */
int fg_workload(fg_gen *g, const fg_opts *o);

/* Client endpoint number i (i < 2^32) as a unique (address, port) pair:
 * 10.x.y.z or fd00:1::/64 with a port in 1024..65535. Shared with the
 * synflood scenario. */
void fg_unique_client(uint32_t i, uint64_t seed, int v6, fg_rng *r,
                      uint8_t addr[16], uint16_t *port);

#endif
