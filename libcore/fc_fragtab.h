/* fc_fragtab.h - remembers the ports of IP datagrams whose first fragment
 * was seen, so later fragments join the same flow (internal).
 *
 * A fixed-size, direct-mapped table keyed by (family, src, dst, proto,
 * id): memory is bounded whatever the traffic; a collision or an entry
 * older than FC_FRAG_TTL simply forgets a datagram (its later fragments
 * are then unmatched, never a bogus port-0 flow). */
#ifndef FC_FRAGTAB_H
#define FC_FRAGTAB_H

#include <stdint.h>
#include "fc_decode.h"
#include "fc_time.h"

#define FC_FRAG_SLOTS 4096
#define FC_FRAG_TTL FC_SEC(60)

typedef struct fc_fragtab fc_fragtab;

/* Returns NULL on allocation failure. Free with fc__fragtab_free. */
fc_fragtab *fc__fragtab_new(uint64_t seed);
void fc__fragtab_free(fc_fragtab *ft);

/* Records the ports of a first fragment (d->frag == FC_FRAG_FIRST). */
void fc__fragtab_put(fc_fragtab *ft, const fc_decoded *d, fc_ts ts);

/* For a later fragment: fills d->sport/d->dport and returns 1 if its
 * first fragment is known, else returns 0. */
int fc__fragtab_get(fc_fragtab *ft, fc_decoded *d, fc_ts ts);

size_t fc__fragtab_memory(void);

#endif
