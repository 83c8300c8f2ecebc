/* fc_replay.c - the replay loop: sweep ticks in packet time, pacing,
 * end-of-input flush. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include "fc_alloc.h"
#include "fc_error.h"
#include "fc_decode.h"
#include "fc_replay.h"
#include "fc_engine.h"
#include "fc_ring.h"
#include "fc_source_int.h"
#include "fc_tracker_int.h"
#include "fc_tunnel.h"

struct fc_replay {
    fc_replay_opts o;
    fc__engine eng;        /* the seed tracker or Zeek's table */
    fc_replay_event_fn fn;
    void *ctx;
    fc_replay_tick_fn tick_fn;
    void *tick_ctx;
    fc_replay_stats st;
    int have_clock;
    fc_ts clock;           /* max timestamp seen */
    fc_ts last_tick;       /* last sweep tick considered run */
    int stopped;           /* the event callback asked to stop */
    volatile sig_atomic_t interrupted;
    struct timespec pace_start;
    fc_ts pace_first;
    uint32_t *late_hist;   /* --speed: lateness histogram, 1 us buckets */
    int past_to;           /* a record at or after opts.to was read */
};

#define LATE_BUCKETS 100000 /* 1 us each, up to 100 ms; the last one is "more" */

void fc_replay_opts_default(fc_replay_opts *o)
{
    memset(o, 0, sizeof *o);
    fc_tracker_config_default(&o->cfg);
    o->flush_eof = 1;
}

static void emit(fc_replay *r, const fc_event *ev);

static void emit_cb(void *ctx, const fc_event *ev)
{
    emit(ctx, ev);
}

fc_replay *fc_replay_new(const fc_replay_opts *o, fc_replay_event_fn fn, void *ctx,
                         char *errbuf, size_t errcap)
{
    fc_replay *r = fc_calloc(1, sizeof *r);
    if (!r) {
        snprintf(errbuf, errcap, "%s", fc_strerror(FC_ENOMEM));
        return NULL;
    }
    r->o = *o;
    r->fn = fn;
    r->ctx = ctx;
    if (o->zeek) {
        /* Zeek's table decapsulates tunnels itself */
        r->o.tunnels = 0;
        r->eng.kind = FC__ENGINE_ZEEK;
        r->eng.emit = emit_cb;
        r->eng.emit_ctx = r;
        r->eng.z = fc_zeek_table_new(o->zeek, 0, fc__zeek_engine_rec, &r->eng);
        if (!r->eng.z) {
            snprintf(errbuf, errcap, "%s", fc_strerror(FC_ENOMEM));
            fc_free(r);
            return NULL;
        }
        return r;
    }
    r->eng.t = fc_tracker_new(&o->cfg, o->user_size, o->user_init, o->user_ctx, errbuf, errcap);
    if (!r->eng.t) {
        fc_free(r);
        return NULL;
    }
    return r;
}

void fc_replay_free(fc_replay *r)
{
    if (!r)
        return;
    fc_tracker_free(r->eng.t);
    fc_zeek_table_free(r->eng.z);
    fc_free(r->late_hist);
    fc_free(r);
}

fc_tracker *fc_replay_tracker(fc_replay *r)
{
    return r->eng.t;
}

size_t fc_replay_live(const fc_replay *r)
{
    return fc__engine_live(&r->eng);
}

void fc_replay_set_tick_fn(fc_replay *r, fc_replay_tick_fn fn, void *ctx)
{
    r->tick_fn = fn;
    r->tick_ctx = ctx;
}

void fc_replay_interrupt(fc_replay *r)
{
    r->interrupted = 1;
}

const fc_replay_stats *fc_replay_stats_get(const fc_replay *r)
{
    return &r->st;
}

static void emit(fc_replay *r, const fc_event *ev)
{
    if (ev->type == FC_EV_ENDED && (unsigned)ev->reason < FC_END_COUNT)
        r->st.ended[ev->reason]++;
    if (ev->type == FC_EV_STARTED)
        r->st.flows_created++;
    if (!r->stopped && r->fn(r->ctx, ev) != 0)
        r->stopped = 1;
}


/* Floor division for possibly negative times. */
static fc_ts floor_div(fc_ts a, fc_ts b)
{
    fc_ts q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Runs, in order, every tick in (last_tick, clock] that ends a flow. */
static int run_ticks(fc_replay *r)
{
    fc_ts iv = r->o.cfg.sweep_interval;
    /* last_tick is the latest tick at or before the clock: until the
     * clock reaches the next one there is nothing to run (most packets) */
    if (r->clock - r->last_tick < iv)
        return FC_OK;
    fc_ts last = floor_div(r->clock, iv) * iv;

    for (;;) {
        fc_ts e = fc__engine_deadline(&r->eng);
        if (e == INT64_MAX)
            break;
        /* the first tick at or after e, and after the last one run */
        fc_ts k = e == INT64_MIN ? r->last_tick + iv : -floor_div(-e, iv) * iv;
        if (k <= r->last_tick)
            k = r->last_tick + iv;
        if (k > r->clock)
            break;
        long n = fc__engine_expire(&r->eng, k, emit_cb, r);
        if (n < 0)
            return (int)n;
        r->last_tick = k;
    }
    if (last > r->last_tick)
        r->last_tick = last;
    return FC_OK;
}

#define TUNNEL_DEPTH 4 /* tunnels in tunnels, at most */

/* Finds the frame a tunnel packet carries and tracks it as a packet of
 * its own (then what it carries in turn). Returns FC_OK or FC_ENOMEM. */
static int track_inner(fc_replay *r, const fc_packet *p, int depth)
{
    fc_decoded d;
    fc__inner in = {0, 0};
    const fc_event *ev;

    if (depth >= TUNNEL_DEPTH || fc_decode(p->linktype, p->data, p->caplen, 0, &d) != FC_OK ||
        d.frag != FC_FRAG_NONE)
        return FC_OK;
    const uint8_t *pl = p->data + d.payload_off;
    size_t plen = d.payload_len;
    if (d.proto == 4 || d.proto == 41) { /* IPv4 / IPv6 in IP */
        in.linktype = FC_LINK_RAW;
    } else if (d.proto == 47) {
        if (fc__tunnel_gre(pl, plen, &in) != 0)
            return FC_OK;
    } else if (d.proto == FC_PROTO_UDP && d.has_l4) {
        if (fc__tunnel_udp(d.sport, d.dport, pl, plen, d.payload_wire, &in) != 0)
            return FC_OK;
    } else {
        return FC_OK;
    }
    if (in.off >= plen)
        return FC_OK;
    size_t outer = (size_t)(pl - p->data) + in.off;
    fc_packet ip = {pl + in.off, plen - in.off,
                    p->wirelen > outer ? (uint32_t)(p->wirelen - outer) : 0, p->ts,
                    in.linktype};
    int n = fc_tracker_track(r->eng.t, &ip, &ev);
    if (n < 0)
        return n;
    r->st.tunneled++;
    for (int i = 0; i < n; i++)
        emit(r, &ev[i]);
    return track_inner(r, &ip, depth + 1);
}

static void pace(fc_replay *r, fc_ts ts)
{
    struct timespec now, dl;
    if (!r->st.packets) {
#if defined(__linux__) && defined(PR_SET_TIMERSLACK)
        /* the default 50 us timer slack would be most of our lateness */
        prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
#endif
        clock_gettime(CLOCK_MONOTONIC, &r->pace_start);
        r->pace_first = ts;
        /* without memory for it, p99 is simply not reported */
        r->late_hist = fc_calloc(LATE_BUCKETS, sizeof *r->late_hist);
        return;
    }
    fc_ts rel = ts - r->pace_first;
    if (rel <= 0)
        return;
    /* scaled offset = rel * den / num, exact in 128-bit integers */
    __int128 off = (__int128)rel * (__int128)r->o.speed_den / (__int128)r->o.speed_num;
    __int128 abs_ns = (__int128)r->pace_start.tv_sec * FC_NSEC_PER_SEC +
                      r->pace_start.tv_nsec + off;
    dl.tv_sec = (time_t)(abs_ns / FC_NSEC_PER_SEC);
    dl.tv_nsec = (long)(abs_ns % FC_NSEC_PER_SEC);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL) == EINTR && !r->interrupted)
        ;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t late = ((int64_t)now.tv_sec - dl.tv_sec) * FC_NSEC_PER_SEC + (now.tv_nsec - dl.tv_nsec);
    if (late < 0)
        late = 0;
    r->st.late_count++;
    r->st.late_sum_ns += late;
    if (r->late_hist) {
        int64_t b = late / 1000;
        r->late_hist[b < LATE_BUCKETS ? b : LATE_BUCKETS - 1]++;
    }
    if (late > r->st.late_max_ns)
        r->st.late_max_ns = late;
}

/* One packet, in order: sweep ticks up to its time, then the tracker.
 * pkt->data is NULL when the packet was prepared ahead and nothing reads
 * its bytes at tracking time (see fc_replay_run). */
static int process(fc_replay *r, const fc_packet *p, const fc__engine_prep *prep)
{
    const fc_event *ev = NULL;
    int rc;

    if (r->o.speed_num)
        pace(r, p->ts);
    r->st.packets++;
    if (!r->have_clock) {
        r->have_clock = 1;
        r->clock = p->ts;
        r->st.first_ts = p->ts;
        r->last_tick = floor_div(p->ts, r->o.cfg.sweep_interval) * r->o.cfg.sweep_interval;
    } else if (p->ts < r->clock) {
        r->st.backwards++;
    } else {
        r->clock = p->ts;
        if ((rc = run_ticks(r)) != FC_OK)
            return rc;
    }
    /* the tracker returns its events; Zeek's table has emitted its own */
    int n = fc__engine_track(&r->eng, p, prep, &ev);
    if (n < 0)
        return n;
    if (n == 0)
        r->st.unmatched++;
    else
        r->st.matched++;
    if (ev)
        for (int i = 0; i < n; i++)
            emit(r, &ev[i]);
    if (r->o.tunnels && n > 0 && (rc = track_inner(r, p, 0)) != FC_OK)
        return rc;
    if (r->tick_fn)
        r->tick_fn(r->tick_ctx, &r->st, r->eng.t);
    if (r->stopped)
        return FC_EIO;
    if (r->interrupted)
        return FC_EINTR;
    return FC_OK;
}

/* What the reading thread is given to prepare records for an engine:
 * compared (same_ahead) so that a source replayed again keeps it only for
 * the same engine and keying. */
typedef struct ahead_ctx {
    int kind;    /* fc__engine_kind */
    fc__keyer k; /* SEED */
} ahead_ctx;

static inline fc_packet packet_of(const fc_rec *rec)
{
    fc_packet p = {rec->data, rec->caplen, rec->wirelen, rec->ts, rec->linktype};
    return p;
}

/* On the reading thread: a record's first half of preparing for the
 * seed tracker (fc__prep_key) or the Zeek table (fc__zeek_hint_key). */
static void key_ahead(const void *ctx, const fc_rec *rec, void *out)
{
    const ahead_ctx *a = ctx;
    fc_packet p = packet_of(rec);
    fc__prep_key(&a->k, &p, out);
}

static int same_ahead(const ahead_ctx *a, const ahead_ctx *b)
{
    return a->kind == b->kind && a->k.seed == b->k.seed && a->k.shard_n == b->k.shard_n &&
           a->k.shard_k == b->k.shard_k;
}

static void hint_ahead(const void *ctx, const fc_rec *rec, void *out)
{
    (void)ctx;
    fc__zeek_hint_key(rec->linktype, rec->data, rec->caplen, out);
}

int fc_replay_run(fc_replay *r, fc_source *src)
{
    fc_rec rec;
    int rc;
    /* Paced replays track each packet as it is read (their lateness is
     * measured per packet). With tunnels, inner frames are keyed when
     * their outer frame is tracked: preparing outer frames ahead would
     * change the order in which both reach the fragment table. */
    int ahead = !r->o.speed_num && !r->o.tunnels;
    int zeek = r->eng.kind == FC__ENGINE_ZEEK;
    fc__ring ring;
    fc__ring_slot slots[FC__RING];
    int failed = 0; /* the loop ended on a tracking error, not the source */

    /* the ring keeps no bytes unless tracking reads them */
    fc__ring_init(&ring, slots, &r->eng,
                  fc__engine_wants_data(&r->eng) ? FC__RING_COPY : FC__RING_NO_DATA);
    /* A source reading ahead on a thread decodes and keys there too:
     * the tracking thread, which is the replay's limit, then mostly
     * looks flows up. Used only when the keying it did is this engine's
     * (a source replayed twice keeps its first). */
    int keyed = 0;
    if (ahead) {
        ahead_ctx a;
        memset(&a, 0, sizeof a);
        a.kind = r->eng.kind;
        if (!zeek)
            fc__tracker_keyer(r->eng.t, &a.k);
        if (fc__source_set_prep(src, zeek ? hint_ahead : key_ahead, &a, sizeof a,
                                zeek ? sizeof(fc__zeek_hint) : sizeof(fc__prep)) == FC_OK ||
            (fc__source_prep_ctx(src) && same_ahead(fc__source_prep_ctx(src), &a)))
            keyed = 1;
    }
    while ((rc = fc_source_next(src, &rec)) == FC_OK) {
        fc_packet p = packet_of(&rec);
        if (fc_replay_outside(&r->o, rec.ts)) {
            r->st.outside++;
            r->past_to |= r->o.has_to && rec.ts >= r->o.to;
            continue;
        }
        if (!ahead) {
            fc__engine_prep prep;
            fc__engine_prepare(&r->eng, &p, &prep);
            if ((rc = process(r, &p, &prep)) != FC_OK) {
                failed = 1;
                break;
            }
            continue;
        }
        if ((rc = fc__ring_push_keyed(&ring, &p, keyed ? fc__source_prep(src) : NULL)) != FC_OK)
            break; /* the packets read before are still tracked below */
        if (fc__ring_full(&ring)) {
            const fc__ring_slot *o = fc__ring_pop(&ring);
            if ((rc = process(r, &o->p, &o->prep)) != FC_OK) {
                failed = 1;
                break;
            }
        }
    }
    /* what was read before the end (or an input error) is tracked too */
    if (!failed) {
        while (!fc__ring_empty(&ring)) {
            const fc__ring_slot *o = fc__ring_pop(&ring);
            int prc = process(r, &o->p, &o->prep);
            if (prc != FC_OK) {
                rc = prc;
                break;
            }
        }
    }
    fc__ring_free(&ring);
    r->st.last_ts = r->clock;
    if (r->late_hist && r->st.late_count) {
        uint64_t want = (r->st.late_count * 99 + 99) / 100, seen = 0;
        for (int64_t b = 0; b < LATE_BUCKETS; b++) {
            seen += r->late_hist[b];
            if (seen >= want) {
                r->st.late_p99_ns = (b + 1) * 1000; /* bucket's upper edge */
                break;
            }
        }
    }
    if (rc == FC_DONE)
        rc = FC_OK;
    /* --to cut the input: the window's end is its end of input, reached
     * by the clock as a live tracker's would, idle timeouts on the way */
    if (r->past_to && r->have_clock && rc == FC_OK && r->clock < r->o.to && !r->stopped) {
        r->clock = r->o.to;
        rc = run_ticks(r);
    }
    if (r->o.flush_eof && !r->stopped) {
        long n = fc__engine_finish(&r->eng, r->clock, emit_cb, r);
        if (n < 0 && rc == FC_OK)
            rc = (int)n;
        if (r->stopped && rc == FC_OK)
            rc = FC_EIO;
    }
    if (zeek) { /* the table creates connections without STARTED events */
        r->st.flows_created = fc_zeek_table_stats_get(r->eng.z)->conns;
        r->st.tunneled = fc_zeek_table_stats_get(r->eng.z)->tunneled;
    }
    return rc;
}
