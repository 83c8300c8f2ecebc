/* fc_ring.h - the look-ahead ring: packets prepared ahead of tracking
 * (internal to libflowcore).
 *
 * With many live flows a lookup is a cache miss on the bucket and more
 * on the chain; an engine that is told about a packet some packets
 * before it tracks it can have those lines in cache by then. The ring
 * holds those packets in order: fc__ring_push() prepares a packet (the
 * engine decodes, keys and prefetches its bucket) and takes the later
 * prefetch steps of the packets already in; fc__ring_pop() hands back
 * the oldest, ready to track. Every path that tracks packets in order
 * uses it: the replay driver (fc_replay.c, both engines) and
 * fc_tracker_track_batch(). Preparing and tracking both keep packet
 * order, as the engines need (fc_tracker_int.h, fc_engine.h).
 *
 * The ring is small and lives on the caller's stack; it is one header
 * of static inline calls so the per-packet path stays one loop with no
 * call into another unit beyond the engine's own. */
#ifndef FC_RING_H
#define FC_RING_H

#include <stdint.h>
#include <string.h>
#include "fc_alloc.h"
#include "fc_engine.h"
#include "fc_error.h"
#include "fc_tracker_int.h"

/* How many packets are prepared before the first is tracked. */
#define FC__RING FC__AHEAD

/* What the ring keeps of a packet's bytes until it is tracked. */
typedef enum {
    FC__RING_NO_DATA = 0, /* nothing: tracking reads only the preparation */
    FC__RING_COPY,        /* a copy: the packet source reuses its buffer */
    FC__RING_BORROW       /* the caller's pointer: its bytes outlive the ring */
} fc__ring_data;

typedef struct fc__ring_slot {
    fc_packet p;
    fc__engine_prep prep;
    uint8_t *copy; /* FC__RING_COPY: the frame's bytes */
    size_t cap;
} fc__ring_slot;

/* The ring's counters and settings. Its slots are a separate array (of
 * FC__RING) that the caller declares beside it: tracking is handed
 * pointers into the slots, and were the counters in the same object the
 * compiler would have to reload them from memory after every call.
 * Apart, and with every call here inline, they stay in registers as
 * when the loop had them as locals. */
typedef struct fc__ring {
    fc__ring_slot *slot;
    fc__engine *eng;
    int zeek;          /* eng is the Zeek table (its step schedule) */
    fc__ring_data data;
    uint64_t in, out;  /* packets pushed, popped */
} fc__ring;

static inline void fc__ring_init(fc__ring *r, fc__ring_slot slot[FC__RING], fc__engine *eng,
                                 fc__ring_data data)
{
    memset(slot, 0, FC__RING * sizeof *slot);
    r->slot = slot;
    r->eng = eng;
    r->zeek = eng->kind == FC__ENGINE_ZEEK;
    r->data = data;
    r->in = r->out = 0;
}

/* Frees the copies' buffers (the slots' packets are dropped). */
static inline void fc__ring_free(fc__ring *r)
{
    for (int k = 0; k < FC__RING; k++) {
        fc_free(r->slot[k].copy);
        r->slot[k].copy = NULL;
        r->slot[k].cap = 0;
    }
}

/* The source reuses its buffer, so a frame whose bytes are read at
 * tracking time (packet or payload hooks, the Zeek table) is copied into
 * its slot; the slot's buffer grows to the largest frame and is kept.
 * FC_OK or FC_ENOMEM. */
static inline int fc__ring_keep(fc__ring_slot *s)
{
    size_t len = s->p.caplen;
    if (len > s->cap) {
        size_t nc = s->cap ? s->cap : 256;
        while (nc < len)
            nc *= 2;
        uint8_t *b = fc_realloc(s->copy, nc);
        if (!b)
            return FC_ENOMEM;
        s->copy = b;
        s->cap = nc;
    }
    if (len)
        memcpy(s->copy, s->p.data, len);
    s->p.data = s->copy;
    return FC_OK;
}

static inline int fc__ring_full(const fc__ring *r)
{
    return r->in - r->out == FC__RING;
}

static inline int fc__ring_empty(const fc__ring *r)
{
    return r->in == r->out;
}

/* Adds packet p (the ring must not be full) and prepares it, then takes
 * the later prefetch steps of the packets before it: every FC__STEP
 * packets for the tracker's chain walk, once FC__ZEEK_STEP packets on
 * for the Zeek table. FC_OK, or FC_ENOMEM when its bytes could not be
 * copied (nothing added: what was pushed before can still be popped).
 * fc__ring_push_keyed: the same with the first half of preparing done
 * already (fc__engine_prepare_keyed), or not (keyed NULL, which is
 * fc__ring_push). */
static inline int fc__ring_push_keyed(fc__ring *r, const fc_packet *p, const void *keyed)
{
    fc__ring_slot *s = &r->slot[r->in % FC__RING];
    s->p = *p;
    if (r->data == FC__RING_NO_DATA) {
        s->p.data = NULL;
    } else if (r->data == FC__RING_COPY) {
        int rc = fc__ring_keep(s);
        if (rc != FC_OK)
            return rc;
    }
    if (keyed) {
        fc__engine_prepare_keyed(r->eng, p, keyed, &s->prep);
    } else {
        fc__engine_prepare(r->eng, p, &s->prep);
    }
    r->in++;
    if (r->zeek) {
        if (r->in - r->out > FC__ZEEK_STEP) {
            fc__ring_slot *w = &r->slot[(r->in - 1 - FC__ZEEK_STEP) % FC__RING];
            fc__engine_step(r->eng, &w->prep, w->p.ts);
        }
    } else {
        for (uint64_t d = FC__STEP + 1; d <= FC__RING && d <= r->in - r->out; d += FC__STEP) {
            fc__ring_slot *w = &r->slot[(r->in - d) % FC__RING];
            fc__engine_step(r->eng, &w->prep, w->p.ts);
        }
    }
    return FC_OK;
}

static inline int fc__ring_push(fc__ring *r, const fc_packet *p)
{
    return fc__ring_push_keyed(r, p, NULL);
}

/* The oldest packet, to track now (the ring must not be empty). Valid
 * until the next push. */
static inline const fc__ring_slot *fc__ring_pop(fc__ring *r)
{
    return &r->slot[r->out++ % FC__RING];
}

#endif
