/* fc_tracker.h - the flow tracker: a bounded table of live flows with the
 * seed's TCP state machine, history, LRU eviction and idle-timeout sweep.
 *
 * Behaviour is that of flowscope's FlowTracker as described in
 * docs/tracker-semantics.md. The tracker never reads a clock: time comes
 * only from packets and from the `now` given to fc_tracker_sweep().
 * Single-threaded; one tracker per thread. */
#ifndef FC_TRACKER_H
#define FC_TRACKER_H

#include <stddef.h>
#include <stdint.h>
#include "fc_error.h"
#include "fc_event.h"
#include "fc_export.h"
#include "fc_key.h"
#include "fc_time.h"

struct fc_decoded;

typedef struct fc_tracker fc_tracker;

typedef struct fc_tracker_config {
    fc_ts idle_timeout_tcp;   /* default 300 s */
    fc_ts idle_timeout_udp;   /* default 60 s */
    fc_ts idle_timeout_other; /* default 30 s */
    size_t max_flows;         /* default 100000; 0 is taken as 1 */
    size_t initial_capacity;  /* default 1024 */
    fc_ts sweep_interval;     /* default 1 s; used by drivers, not here */
    uint64_t hash_seed;       /* 0: pick one at random (output never
                                 depends on it) */
    /* Sharding: with shard_n > 1, only packets whose canonical key has
     * fc_key_shard_hash(key) % shard_n == shard_k are tracked; the
     * others are unmatched. The N shards of a capture, replayed on their
     * own, together give its flows (see docs/scale-out.md). */
    uint32_t shard_k, shard_n;
} fc_tracker_config;

/* Fills *cfg with the defaults above. */
FC_API void fc_tracker_config_default(fc_tracker_config *cfg);

/* Per-flow user state: `size` bytes per flow, zeroed, then `init` (may be
 * NULL) is called once when the flow is created. The memory belongs to
 * the tracker and lives as long as the flow. */
typedef void (*fc_user_init_fn)(void *ctx, const fc_key *key, void *state);

/* A captured frame. `data` is borrowed for the duration of the call. */
typedef struct fc_packet {
    const uint8_t *data;
    size_t caplen;   /* bytes available at data */
    uint32_t wirelen;/* length on the wire (pcap `len`); counted as bytes */
    fc_ts ts;
    int linktype;    /* FC_LINK_* */
} fc_packet;

/* Creates a tracker. cfg may be NULL for defaults. user_size may be 0.
 * Returns NULL on allocation failure or bad config (errbuf, if not NULL,
 * gets a message; cap 256 is enough). Free with fc_tracker_free(). */
FC_API fc_tracker *fc_tracker_new(const fc_tracker_config *cfg, size_t user_size,
                                  fc_user_init_fn init, void *init_ctx,
                                  char *errbuf, size_t errcap);
/* Frees the tracker and every live flow's state; no events. NULL is ok. */
FC_API void fc_tracker_free(fc_tracker *t);

/* Tracks one packet. On success returns the number of events (0..5) and
 * points *events at them, in the order
 *   [Ended(evicted) of another flow] [Started] [Established|StateChange]
 *   Packet [Ended(fin|rst)].
 * The events are owned by the tracker and valid until its next call.
 * Returns 0 for unmatched frames (counted), or FC_ENOMEM (negative)
 * when the table could not grow; the packet is then not counted. */
FC_API int fc_tracker_track(fc_tracker *t, const fc_packet *pkt, const fc_event **events);

/* Receives events from sweeps and flushes. The event is valid only
 * during the call. The callback must not call back into the tracker. */
typedef void (*fc_event_fn)(void *ctx, const fc_event *ev);

/* Tracks pkts[0..n) in order, exactly as n calls of fc_tracker_track()
 * would, handing each event to fn (NULL: events dropped). Faster with
 * many live flows: it decodes a few packets ahead and prefetches their
 * flows, so the cache misses of several lookups overlap. No sweeps run
 * in between; callers that sweep in packet time track up to each tick.
 * Returns how many packets were tracked (n), or FC_ENOMEM after
 * tracking the packets before the one that failed. */
FC_API long fc_tracker_track_batch(fc_tracker *t, const fc_packet *pkts, size_t n, fc_event_fn fn,
                                   void *ctx);

/* Ends every flow idle for at least its timeout at `now` (idle = now -
 * last_seen, 0 if negative), most recently used first, each with an
 * Ended(idle_timeout) event stamped `now`. Returns how many ended, or
 * FC_ENOMEM (nothing ended then). */
FC_API long fc_tracker_sweep(fc_tracker *t, fc_ts now, fc_event_fn fn, void *ctx);

/* Ends every live flow with `reason` (e.g. FC_END_EOF), most recently
 * used first, each event stamped `now`. Returns how many, or FC_ENOMEM. */
FC_API long fc_tracker_flush(fc_tracker *t, fc_end_reason reason, fc_ts now, fc_event_fn fn,
                             void *ctx);

/* A lower bound of the earliest time at which a sweep can end a flow (a
 * sweep then may still end none), or INT64_MAX when no flow is live.
 * With a timeout callback set this walks every flow and is exact. */
FC_API fc_ts fc_tracker_next_expiry(const fc_tracker *t);

/* Per-key idle-timeout override: return 1 and set *timeout to override
 * the protocol default for this flow, 0 to keep the default. Consulted
 * at every sweep. */
typedef int (*fc_timeout_fn)(void *ctx, const fc_key *key, uint8_t proto, fc_ts *timeout);
FC_API void fc_tracker_set_timeout_fn(fc_tracker *t, fc_timeout_fn fn, void *ctx);
FC_API void fc_tracker_clear_timeout_fn(fc_tracker *t);

/* Called for each TCP segment with a non-empty payload, before any event
 * of that packet; `payload` is borrowed for the call. */
typedef void (*fc_payload_fn)(void *ctx, const fc_key *key, fc_side side,
                              uint32_t seq, const uint8_t *payload, size_t len);
FC_API void fc_tracker_set_payload_fn(fc_tracker *t, fc_payload_fn fn, void *ctx);

/* Called for every packet that belongs to a flow, after its counters are
 * updated and before its events are returned: `user` is the flow's user
 * state, `d` the decoded frame (borrowed for the call), `is_new` tells
 * whether this packet created the flow. Lets an extension (such as the
 * Zeek-compatible record) keep its own per-flow fields in the user state
 * without decoding twice. */
typedef void (*fc_packet_fn)(void *ctx, void *user, const fc_key *key, fc_orient init_orient,
                             const struct fc_decoded *d, const fc_packet *pkt, fc_side side,
                             int is_new);
FC_API void fc_tracker_set_packet_fn(fc_tracker *t, fc_packet_fn fn, void *ctx);

/* Replaces the configuration. If max_flows shrinks below the live count,
 * the least recently used flows are dropped without events. Returns FC_OK
 * or FC_EINVAL. */
FC_API int fc_tracker_set_config(fc_tracker *t, const fc_tracker_config *cfg);
FC_API const fc_tracker_config *fc_tracker_config_get(const fc_tracker *t);

/* Read-only view of a live flow. Pointers are valid until the next call
 * that changes the tracker (track, sweep, flush, forget, set_config). */
typedef struct fc_flow_info {
    const fc_key *key;
    fc_orient init_orient;
    uint8_t proto;
    fc_state state;
    const fc_flow_stats *stats;
    fc_history history; /* a copy: flows keep it packed */
    void *user;        /* user state, NULL when user_size is 0 */
} fc_flow_info;

/* Looks a flow up without changing its recency. Returns 1 and fills
 * *info if live, else 0. */
FC_API int fc_tracker_peek(const fc_tracker *t, const fc_key *key, fc_flow_info *info);
/* Snapshot copies; return 1 if the flow is live, else 0. */
FC_API int fc_tracker_snapshot_stats(const fc_tracker *t, const fc_key *key, fc_flow_stats *out);
FC_API int fc_tracker_snapshot_history(const fc_tracker *t, const fc_key *key, fc_history *out);
/* Removes a flow without an event. Returns 1 if it was live. */
FC_API int fc_tracker_forget(fc_tracker *t, const fc_key *key);
FC_API size_t fc_tracker_count(const fc_tracker *t);

/* Iteration, most recently used first:
 *   fc_flow_iter it; fc_flow_info fi;
 *   for (fc_tracker_iter_init(t, &it); fc_tracker_iter_next(&it, &fi);) ...
 * The tracker must not change during iteration. */
typedef struct fc_flow_iter {
    const fc_tracker *t;
    uint32_t pos;
} fc_flow_iter;
FC_API void fc_tracker_iter_init(const fc_tracker *t, fc_flow_iter *it);
FC_API int fc_tracker_iter_next(fc_flow_iter *it, fc_flow_info *info);

typedef struct fc_tracker_stats {
    uint64_t flows_created;
    uint64_t flows_ended;
    uint64_t flows_evicted;
    uint64_t packets_unmatched;
    uint64_t packets_matched;
    uint64_t frags_unmatched; /* later fragments whose first was not seen */
} fc_tracker_stats;
/* Cumulative counters since creation. */
FC_API const fc_tracker_stats *fc_tracker_stats_get(const fc_tracker *t);

/* Bytes the tracker holds (table, pool, buckets), for benchmarks. */
FC_API size_t fc_tracker_memory(const fc_tracker *t);

#endif
