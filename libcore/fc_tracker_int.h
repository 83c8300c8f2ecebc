/* fc_tracker_int.h - the tracker's packet path in two steps (internal to
 * libflowcore).
 *
 * fc_tracker_track() decodes a frame and then looks its flow up. With
 * many live flows the lookup is a cache miss on the bucket and another on
 * the entry; a replay loop that decodes a few packets ahead can prefetch
 * both and have them in cache when it tracks. Preparing must happen in
 * packet order (it feeds the fragment table); tracking too. */
#ifndef FC_TRACKER_INT_H
#define FC_TRACKER_INT_H

#include "fc_decode.h"
#include "fc_key.h"
#include "fc_tracker.h"

/* How many packets ahead of tracking they are prepared (their bucket
 * prefetched). Between preparing and tracking, each packet's hash chain
 * is walked one entry per step, a step every FC__STEP packets: each step
 * reads the entry the previous one prefetched and prefetches the next;
 * the step that finds the flow prefetches the list neighbours its touch
 * will write. With many live flows those are all random lines. */
#define FC__AHEAD 16
#define FC__STEP 4
#define FC__WALK_MIN_BYTES ((size_t)512 << 10) /* below, the table stays in L2 */

typedef struct fc__prep {
    fc_decoded d;
    fc_key key;
    uint64_t hash;
    fc_orient orient;
    int status;      /* 1 keyed, 0 unmatched, or an FC_E* error */
    int hashed;      /* hash is set (else computed only if the flow is
                        not the last one touched) */
    int walk;        /* chain walk: 0 bucket next, 1 entry `cand` next,
                        2 done (cand is the flow, or FC_NIL: not found) */
    uint32_t cand;
} fc__prep;

/* Decodes pkt and keys it; prefetches the flow's hash bucket. */
void fc__tracker_prepare(fc_tracker *t, const fc_packet *pkt, fc__prep *p);

/* The same in two halves, the first on any thread: fc__prep_key decodes,
 * keys and hashes from pkt and what the tracker's keying needs (copied
 * by fc__tracker_keyer, fixed for the tracker's life), touching nothing
 * else; a fragment it leaves to the tracker (status FC__PREP_TRACKER),
 * whose fragment table sees packets in order. fc__tracker_prepare_keyed,
 * on the tracking thread, then does the rest of fc__tracker_prepare. The
 * result is that of fc__tracker_prepare. */
#define FC__PREP_TRACKER 2
typedef struct fc__keyer {
    uint64_t seed;
    uint32_t shard_n, shard_k;
} fc__keyer;
void fc__tracker_keyer(const fc_tracker *t, fc__keyer *k);
void fc__prep_key(const fc__keyer *k, const fc_packet *pkt, fc__prep *p);
void fc__tracker_prepare_keyed(fc_tracker *t, const fc_packet *pkt, fc__prep *p);

/* One step of the chain walk (see above) for a packet at ts. What it
 * finds is a hint, checked again when the packet is tracked. */
void fc__tracker_prefetch(const fc_tracker *t, fc__prep *p, fc_ts ts);

/* The step, without a call once the walk is done (or was not worth it
 * for a small table). */
static inline void fc__tracker_step(const fc_tracker *t, fc__prep *p, fc_ts ts)
{
    if (p->walk != 2)
        fc__tracker_prefetch(t, p, ts);
}

/* Sets the table size (buckets) from which lookups are walked ahead
 * (by default where the table's entries, user state and buckets pass
 * FC__WALK_MIN_BYTES); tests set 0 to walk small, colliding tables. */
void fc__tracker_set_walk_min(fc_tracker *t, uint32_t nbucket);

/* Tracks a prepared packet: as fc_tracker_track(). pkt->data may be NULL
 * unless fc__tracker_wants_data() says the callbacks read the bytes. */
int fc__tracker_track_prep(fc_tracker *t, const fc_packet *pkt, const fc__prep *p,
                           const fc_event **events);

/* True when a payload or packet callback reads the frame's bytes at
 * tracking time, so they must still be there. */
int fc__tracker_wants_data(const fc_tracker *t);

#endif
