/* fc_zeek_timer.h - the Zeek connection table's timer queue (not
 * installed): a binary min-heap of (deadline, connection id, slot)
 * entries, earliest deadline first and equal deadlines by id. The heap
 * knows nothing of connections: its owner decides which entries are
 * stale (lazy invalidation) and drops them when they reach the top or
 * by filtering v[] and calling fc__zeek_timers_heapify. */
#ifndef FC_ZEEK_TIMER_H
#define FC_ZEEK_TIMER_H

#include <stddef.h>
#include <stdint.h>
#include "fc_time.h"

typedef struct fc__zeek_timer {
    fc_ts key;     /* the connection's deadline when pushed */
    uint64_t id;   /* its creation id: tie-break and staleness check */
    uint32_t slot; /* its table slot */
} fc__zeek_timer;

typedef struct fc__zeek_timers {
    fc__zeek_timer *v; /* v[0] is the earliest; owned, fc__zeek_timers_free */
    size_t len, cap;
} fc__zeek_timers;

/* Makes room for cap entries (never shrinks; entries kept). FC_OK, or
 * FC_ENOMEM with the heap unchanged. */
int fc__zeek_timers_reserve(fc__zeek_timers *h, size_t cap);

/* Frees the entries; h can be reserved again. */
void fc__zeek_timers_free(fc__zeek_timers *h);

/* Adds an entry. The caller guarantees len < cap, so pushing never
 * allocates. */
void fc__zeek_timers_push(fc__zeek_timers *h, fc_ts key, uint64_t id, uint32_t slot);

/* Removes the earliest entry (len > 0). */
void fc__zeek_timers_pop(fc__zeek_timers *h);

/* Restores heap order after the owner rewrote v[0..len) in place. */
void fc__zeek_timers_heapify(fc__zeek_timers *h);

/* The earliest entry, valid until the next change; NULL when empty. */
static inline const fc__zeek_timer *fc__zeek_timers_top(const fc__zeek_timers *h)
{
    return h->len ? h->v : NULL;
}

#endif
