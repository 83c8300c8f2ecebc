/* fc_tracker_batch.c - many packets through the tracker, prefetching ahead.
 *
 * Each packet is prepared (decoded, keyed, its bucket prefetched) AHEAD
 * packets before it is tracked, and its hash chain walked one prefetched
 * entry every FC__STEP packets after that (fc_tracker_int.h): with a large
 * table the misses of several packets are in flight at once instead of
 * one after another. */
#include "fc_error.h"
#include "fc_tracker_int.h"

#define AHEAD FC__AHEAD

long fc_tracker_track_batch(fc_tracker *t, const fc_packet *pkts, size_t n, fc_event_fn fn,
                            void *ctx)
{
    fc__prep ring[AHEAD];
    size_t in = 0, out = 0;

    while (out < n) {
        /* keep the ring full: prepare up to AHEAD packets past `out` */
        while (in < n && in - out < AHEAD) {
            fc__tracker_prepare(t, &pkts[in], &ring[in % AHEAD]);
            for (size_t d = FC__STEP; d < AHEAD && d <= in; d += FC__STEP)
                fc__tracker_step(t, &ring[(in - d) % AHEAD], pkts[in - d].ts);
            in++;
        }
        const fc_event *ev;
        int k = fc__tracker_track_prep(t, &pkts[out], &ring[out % AHEAD], &ev);
        if (k < 0)
            return k;
        out++;
        if (fn)
            for (int e = 0; e < k; e++)
                fn(ctx, &ev[e]);
    }
    return (long)n;
}
