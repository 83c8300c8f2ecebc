/* fc_replay.h - drives a tracker from a capture source in packet time.
 *
 * The sweep clock is the largest timestamp seen so far (a packet from the
 * past never moves it back). Before a packet is tracked, every sweep tick
 * k * sweep_interval <= clock that would end a flow is run, in order, so
 * idle flows end exactly when a live tracker ticking every interval would
 * have ended them, stamped with that tick. Ticks that would end nothing
 * are skipped (they have no effect). At the end of input the remaining
 * flows end with reason eof, stamped with the clock, unless told not to. */
#ifndef FC_REPLAY_H
#define FC_REPLAY_H

#include <stdint.h>
#include "fc_export.h"
#include "fc_source.h"
#include "fc_tracker.h"

typedef struct fc_replay_opts {
    fc_tracker_config cfg;
    int flush_eof;        /* default 1 */
    /* --speed as a fraction num/den (1/1 = original pace); num = 0 means
     * no pacing. */
    uint64_t speed_num, speed_den;
    /* also track the inner flows of tunnels (VXLAN, Geneve, GRE, GTP-U,
     * Teredo, AYIYA, IP-in-IP): each inner frame is tracked as a packet
     * of its own, after the outer one, at the same time */
    int tunnels;
    /* per-flow user state for extensions, as for fc_tracker_new */
    size_t user_size;
    fc_user_init_fn user_init;
    void *user_ctx;
    /* --from/--to: a packet time window [from, to), for either engine.
     * Packets outside are read but not tracked (counted in
     * stats.outside). When a packet at or after `to` was read, the flows
     * still live at the end are ended at `to` (after the seed tracker's
     * idle timeouts due by then; Zeek's timers fire only on packets), as
     * if the capture had ended there; otherwise the end of input is as
     * without it. */
    int has_from, has_to;
    fc_ts from, to;
    /* The engine: NULL for the seed tracker (cfg); else Zeek's connection
     * table with these options (fc_zeek.h; must outlive the replay). It
     * emits ENDED events only, one per record Zeek logs, with Zeek's
     * orientation, IP bytes as byte counts and `user` pointing at the
     * fc_zeek_rec. cfg's timeouts, max_flows, sweep_interval, tunnels and
     * user state do not apply to it. */
    const struct fc_zeek_opts *zeek;
} fc_replay_opts;

/* True when a packet at ts falls outside o's --from/--to window (for
 * drivers of their own, such as the Zeek connection table's). */
static inline int fc_replay_outside(const fc_replay_opts *o, fc_ts ts)
{
    return (o->has_from && ts < o->from) || (o->has_to && ts >= o->to);
}

FC_API void fc_replay_opts_default(fc_replay_opts *o);

typedef struct fc_replay_stats {
    uint64_t packets;         /* records read */
    uint64_t matched;         /* records that belonged to a flow */
    uint64_t unmatched;
    uint64_t backwards;       /* records older than the clock */
    uint64_t tunneled;        /* inner frames tracked (with tunnels on) */
    uint64_t flows_created;
    uint64_t ended[FC_END_COUNT]; /* flows ended, by reason */
    fc_ts first_ts, last_ts;  /* clock range */
    uint64_t late_count;      /* --speed: packets paced */
    int64_t late_max_ns, late_sum_ns; /* lateness after each deadline */
    int64_t late_p99_ns;      /* filled at the end of fc_replay_run */
    uint64_t outside;         /* records outside --from/--to, not tracked
                                 (nor counted in packets) */
} fc_replay_stats;

/* Called with every event, in order. Return 0 to go on, non-zero to stop
 * the replay (fc_replay_run then returns FC_EIO). */
typedef int (*fc_replay_event_fn)(void *ctx, const fc_event *ev);
/* Optional: called after each record (for progress); may be NULL. */
typedef void (*fc_replay_tick_fn)(void *ctx, const fc_replay_stats *st,
                                  const fc_tracker *t);

typedef struct fc_replay fc_replay;

/* Creates the tracker too. user_size/init as for fc_tracker_new. NULL on
 * failure with a message in errbuf (256 bytes). */
FC_API fc_replay *fc_replay_new(const fc_replay_opts *o, fc_replay_event_fn fn, void *ctx,
                                char *errbuf, size_t errcap);
FC_API void fc_replay_free(fc_replay *r);

/* The tracker, for extra settings (payload or packet hooks) before run;
 * NULL when the engine is Zeek's table. */
FC_API fc_tracker *fc_replay_tracker(fc_replay *r);
/* Flows live now, in either engine (for a progress line). */
FC_API size_t fc_replay_live(const fc_replay *r);
FC_API void fc_replay_set_tick_fn(fc_replay *r, fc_replay_tick_fn fn, void *ctx);
/* Asks a running replay to stop after the current record (signal-safe:
 * it only sets a flag). */
FC_API void fc_replay_interrupt(fc_replay *r);

/* Replays every record of src. Returns FC_OK at the end of input, or
 * FC_EFORMAT/FC_EIO when the source broke (message in
 * fc_source_errmsg) or the event callback stopped it, FC_ENOMEM, or
 * FC_EINTR (fc_replay_interrupt). In every case the flows still live are
 * flushed (eof) first if flush_eof is set, so output stays whole. */
FC_API int fc_replay_run(fc_replay *r, fc_source *src);

FC_API const fc_replay_stats *fc_replay_stats_get(const fc_replay *r);

#endif
