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
 * prefetched); their entries are prefetched half as far ahead. */
#define FC__AHEAD 16

typedef struct fc__prep {
    fc_decoded d;
    fc_key key;
    uint64_t hash;
    fc_orient orient;
    int status;      /* 1 keyed, 0 unmatched, or an FC_E* error */
    int hashed;      /* hash is set (else computed only if the flow is
                        not the last one touched) */
} fc__prep;

/* Decodes pkt and keys it; prefetches the flow's hash bucket. */
void fc__tracker_prepare(fc_tracker *t, const fc_packet *pkt, fc__prep *p);

/* Prefetches the first entry of the prepared packet's hash chain (the
 * bucket should be in cache by now). */
void fc__tracker_prefetch(const fc_tracker *t, const fc__prep *p);

/* Tracks a prepared packet: as fc_tracker_track(). pkt->data may be NULL
 * unless fc__tracker_wants_data() says the callbacks read the bytes. */
int fc__tracker_track_prep(fc_tracker *t, const fc_packet *pkt, const fc__prep *p,
                           const fc_event **events);

/* True when a payload or packet callback reads the frame's bytes at
 * tracking time, so they must still be there. */
int fc__tracker_wants_data(const fc_tracker *t);

#endif
