/* fc_engine.h - the engines the replay driver runs (internal to
 * libflowcore).
 *
 * fc_replay.c reads packets, keeps the clock, paces, counts and hands
 * out events; an engine turns packets into flows. Two implement the same
 * steps: the seed tracker (fc_tracker) and Zeek's connection table
 * (fc_zeek_table).
 *
 *   prepare   decode and key a packet read ahead; prefetch its bucket
 *   step      a later prefetch for the same packet (chain walk, entry)
 *   track     the packet itself, in order; its events go to `emit`
 *   deadline  the earliest time a flow could end with no more packets
 *             (INT64_MAX: none; the Zeek table's timers fire inside
 *             track, before the packet that passes them, so it has none
 *             for the driver)
 *   expire    end the flows due at `now` (sweep tick)
 *   finish    end every live flow at the end of input
 *
 * The calls are static inline switches on the engine's kind, so the
 * per-packet path has no indirect call and each engine's code is inlined
 * where it was before. */
#ifndef FC_ENGINE_H
#define FC_ENGINE_H

#include <stdint.h>
#include <string.h>
#include "fc_error.h"
#include "fc_tracker_int.h"
#include "fc_zeek.h"
#include "fc_zeek_int.h"

typedef enum { FC__ENGINE_SEED = 0, FC__ENGINE_ZEEK } fc__engine_kind;

/* What an engine says about one packet read ahead. */
typedef union fc__engine_prep {
    fc__prep seed;
    fc__zeek_hint zeek;
} fc__engine_prep;

typedef struct fc__engine {
    fc__engine_kind kind;
    fc_tracker *t;       /* SEED */
    fc_zeek_table *z;    /* ZEEK */
    /* ZEEK: records come back through this, as ENDED events */
    fc_event_fn emit;
    void *emit_ctx;
    int at_end;          /* ZEEK: finish is logging what is left */
    fc_ts clock;         /* ZEEK: the driver's clock, for eof stamps */
} fc__engine;

/* The Zeek table's callback: one logged record as an ENDED event (user =
 * the record), stamped with its deadline, or the clock at the end. */
void fc__zeek_engine_rec(void *ctx, const fc_zeek_rec *r);

/* The frame's bytes must still be there when the packet is tracked. */
static inline int fc__engine_wants_data(const fc__engine *e)
{
    return e->kind == FC__ENGINE_ZEEK || fc__tracker_wants_data(e->t);
}

static inline void fc__engine_prepare(fc__engine *e, const fc_packet *p, fc__engine_prep *pr)
{
    if (e->kind == FC__ENGINE_ZEEK)
        fc__zeek_table_hint(e->z, p->linktype, p->data, p->caplen, &pr->zeek);
    else
        fc__tracker_prepare(e->t, p, &pr->seed);
}

/* fc__engine_prepare's second half, after its first was done elsewhere
 * (on the reading thread: fc__prep_key for the seed tracker,
 * fc__zeek_hint_key for the Zeek table) into pre. */
static inline void fc__engine_prepare_keyed(fc__engine *e, const fc_packet *p, const void *pre,
                                            fc__engine_prep *pr)
{
    if (e->kind == FC__ENGINE_ZEEK) {
        memcpy(&pr->zeek, pre, sizeof pr->zeek);
        fc__zeek_table_hint_keyed(e->z, &pr->zeek);
    } else {
        memcpy(&pr->seed, pre, sizeof pr->seed);
        fc__tracker_prepare_keyed(e->t, p, &pr->seed);
    }
}

/* The Zeek table's second prefetch (its connection) comes this many
 * packets after its first (the bucket), halfway along the look-ahead. */
#define FC__ZEEK_STEP 8

/* One later prefetch for a packet read ahead (the driver's look-ahead
 * says when: every FC__STEP packets for the tracker's chain walk, once
 * after FC__ZEEK_STEP for the Zeek table). */
static inline void fc__engine_step(fc__engine *e, fc__engine_prep *pr, fc_ts ts)
{
    if (e->kind == FC__ENGINE_ZEEK)
        fc__zeek_table_hint_step(e->z, &pr->zeek);
    else
        fc__tracker_step(e->t, &pr->seed, ts);
}

/* Tracks one packet. Returns the number of events (*ev set; SEED), 1 or
 * 0 for matched or not (ZEEK, whose records went to emit), or FC_E*. */
static inline int fc__engine_track(fc__engine *e, const fc_packet *p, const fc__engine_prep *pr,
                                   const fc_event **ev)
{
    if (e->kind == FC__ENGINE_ZEEK) {
        *ev = NULL;
        e->clock = p->ts > e->clock ? p->ts : e->clock;
        return fc_zeek_table_packet(e->z, p->linktype, p->data, p->caplen, p->wirelen, p->ts);
    }
    return fc__tracker_track_prep(e->t, p, &pr->seed, ev);
}

static inline fc_ts fc__engine_deadline(const fc__engine *e)
{
    return e->kind == FC__ENGINE_ZEEK ? INT64_MAX : fc_tracker_next_expiry(e->t);
}

static inline long fc__engine_expire(fc__engine *e, fc_ts now, fc_event_fn fn, void *ctx)
{
    return e->kind == FC__ENGINE_ZEEK ? 0 : fc_tracker_sweep(e->t, now, fn, ctx);
}

static inline long fc__engine_finish(fc__engine *e, fc_ts now, fc_event_fn fn, void *ctx)
{
    if (e->kind == FC__ENGINE_ZEEK) {
        e->at_end = 1;
        e->clock = now;
        fc_zeek_table_finish(e->z);
        return 0;
    }
    return fc_tracker_flush(e->t, FC_END_EOF, now, fn, ctx);
}

static inline size_t fc__engine_live(const fc__engine *e)
{
    return e->kind == FC__ENGINE_ZEEK ? fc_zeek_table_count(e->z) : fc_tracker_count(e->t);
}

#endif
