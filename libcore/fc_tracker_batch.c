/* fc_tracker_batch.c - many packets through the tracker, prefetching ahead.
 *
 * The packets go through the look-ahead ring (fc_ring.h) that the replay
 * driver uses: each is prepared (decoded, keyed, its bucket prefetched)
 * FC__RING packets before it is tracked, and its hash chain walked on the
 * way (fc_tracker_int.h), so with a large table the misses of several
 * packets are in flight at once instead of one after another. */
#include "fc_error.h"
#include "fc_ring.h"

long fc_tracker_track_batch(fc_tracker *t, const fc_packet *pkts, size_t n, fc_event_fn fn,
                            void *ctx)
{
    fc__engine eng = {.kind = FC__ENGINE_SEED, .t = t};
    fc__ring ring;
    fc__ring_slot slots[FC__RING];
    size_t in = 0;

    /* the caller's packets stay where they are until we return */
    fc__ring_init(&ring, slots, &eng, FC__RING_BORROW);
    while (in < n || !fc__ring_empty(&ring)) {
        /* keep the ring full: FC__RING packets prepared past the next */
        while (in < n && !fc__ring_full(&ring))
            (void)fc__ring_push(&ring, &pkts[in++]); /* borrowing cannot fail */
        const fc__ring_slot *s = fc__ring_pop(&ring);
        const fc_event *ev;
        int k = fc__engine_track(&eng, &s->p, &s->prep, &ev);
        if (k < 0)
            return k;
        if (fn)
            for (int e = 0; e < k; e++)
                fn(ctx, &ev[e]);
    }
    return (long)n;
}
