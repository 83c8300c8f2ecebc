/* fc_tracker.c - one packet through the tracker; sweep, flush, lookups.
 *
 * Follows docs/tracker-semantics.md step by step; the step numbers in
 * the comments of fc_tracker_track() are the ones used there. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* qsort_r */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif
#include "fc_alloc.h"
#include "fc_decode.h"
#include "fc_error.h"
#include "fc_flowtab.h"
#include "fc_fragtab.h"
#include "fc_tracker.h"
#include "fc_tracker_int.h"

#define FC_MAX_EVENTS 5

struct fc_tracker {
    fc_tracker_config cfg;
    fc_flowtab tab;
    fc_fragtab *frags;     /* created on the first fragment seen */
    fc_tracker_stats stats;
    fc_user_init_fn init;
    void *init_ctx;
    fc_timeout_fn timeout_fn;
    void *timeout_ctx;
    fc_payload_fn payload_fn;
    void *payload_ctx;
    fc_packet_fn packet_fn;
    void *packet_ctx;
    unsigned char *ev_user; /* FC_MAX_EVENTS copies of user state for
                               events whose flow is gone */
    uint32_t hot;          /* index of the last flow touched, or FC_NIL */
    fc_key hot_key;
    uint32_t walk_min;     /* buckets from which lookups are walked ahead */
    uint32_t *scratch;     /* sweep: indices of expiring flows */
    size_t scratch_cap;
    fc_event ev[FC_MAX_EVENTS];
};

void fc_tracker_config_default(fc_tracker_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->idle_timeout_tcp = FC_SEC(300);
    cfg->idle_timeout_udp = FC_SEC(60);
    cfg->idle_timeout_other = FC_SEC(30);
    cfg->max_flows = 100000;
    cfg->initial_capacity = 1024;
    cfg->sweep_interval = FC_SEC(1);
}

static uint64_t random_seed(void)
{
    uint64_t s = 0;
#ifdef HAVE_GETRANDOM
    if (getrandom(&s, sizeof s, GRND_NONBLOCK) == (ssize_t)sizeof s && s)
        return s;
#endif
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    s = (uint64_t)ts.tv_nsec * UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)ts.tv_sec ^
        (uint64_t)(uintptr_t)&s;
    return s ? s : 1;
}

static int config_ok(const fc_tracker_config *c, char *errbuf, size_t errcap)
{
    const char *why = NULL;
    if (c->idle_timeout_tcp < 0 || c->idle_timeout_udp < 0 || c->idle_timeout_other < 0)
        why = "idle timeouts must not be negative";
    else if (c->sweep_interval <= 0)
        why = "sweep interval must be positive";
    else if (c->max_flows > UINT32_MAX - 2)
        why = "max_flows too large";
    if (why && errbuf && errcap)
        snprintf(errbuf, errcap, "%s", why);
    return why == NULL;
}

fc_tracker *fc_tracker_new(const fc_tracker_config *cfg, size_t user_size,
                           fc_user_init_fn init, void *init_ctx, char *errbuf,
                           size_t errcap)
{
    fc_tracker_config def;
    fc_tracker *t;
    size_t initial;

    if (!cfg) {
        fc_tracker_config_default(&def);
        cfg = &def;
    }
    if (!config_ok(cfg, errbuf, errcap))
        return NULL;
    t = fc_calloc(1, sizeof *t);
    if (!t)
        goto nomem;
    t->cfg = *cfg;
    if (t->cfg.max_flows == 0)
        t->cfg.max_flows = 1;
    if (t->cfg.hash_seed == 0)
        t->cfg.hash_seed = random_seed();
    initial = t->cfg.initial_capacity;
    if (initial > t->cfg.max_flows)
        initial = t->cfg.max_flows;
    if (fc__flowtab_init(&t->tab, initial, user_size, t->cfg.hash_seed) != FC_OK)
        goto nomem;
    if (user_size && !(t->ev_user = fc_malloc(user_size * FC_MAX_EVENTS))) {
        fc__flowtab_destroy(&t->tab);
        goto nomem;
    }
    t->init = init;
    t->init_ctx = init_ctx;
    t->hot = FC_NIL;
    size_t per_slot = sizeof(fc_flow) + user_size + sizeof(uint32_t);
    t->walk_min = 1;
    while ((size_t)t->walk_min * per_slot < FC__WALK_MIN_BYTES)
        t->walk_min <<= 1;
    return t;
nomem:
    fc_free(t);
    if (errbuf && errcap)
        snprintf(errbuf, errcap, "%s", fc_strerror(FC_ENOMEM));
    return NULL;
}

void fc_tracker_free(fc_tracker *t)
{
    if (!t)
        return;
    fc__flowtab_destroy(&t->tab);
    fc__fragtab_free(t->frags);
    fc_free(t->scratch);
    fc_free(t->ev_user);
    fc_free(t);
}

static int proto_class(uint8_t proto)
{
    return proto == FC_PROTO_TCP ? FC_CLASS_TCP
         : proto == FC_PROTO_UDP ? FC_CLASS_UDP
                                 : FC_CLASS_OTHER;
}

static fc_ts class_timeout(const fc_tracker *t, int cls)
{
    return cls == FC_CLASS_TCP ? t->cfg.idle_timeout_tcp
         : cls == FC_CLASS_UDP ? t->cfg.idle_timeout_udp
                               : t->cfg.idle_timeout_other;
}

static void fill_ended(fc_event *ev, const fc_flow *f, fc_end_reason reason, fc_ts ts,
                       const void *user)
{
    memset(ev, 0, sizeof *ev);
    ev->user = user;
    ev->type = FC_EV_ENDED;
    ev->ts = ts;
    ev->key = f->key;
    ev->init_orient = (fc_orient)f->orient;
    ev->reason = reason;
    ev->state = (fc_state)f->state;
    ev->stats = f->stats;
    fc_history_bits_unpack(f->history, &ev->history);
}

static void fill_basic(fc_event *ev, fc_event_type type, const fc_flow *f, fc_ts ts)
{
    ev->type = type;
    ev->ts = ts;
    ev->key = f->key;
    ev->init_orient = (fc_orient)f->orient;
    ev->state = (fc_state)f->state;
    ev->reason = FC_END_NONE;
    ev->side = FC_SIDE_INITIATOR;
    ev->len = 0;
    ev->from = ev->to = (fc_state)f->state;
    ev->stats.started = f->stats.started; /* the rest of stats: ENDED only */
}

/* Copies a flow's user state into event slot n's buffer, since the flow's
 * slot may be reused before the caller reads the event. */
static const void *keep_user(fc_tracker *t, uint32_t i, int n)
{
    if (!t->ev_user)
        return NULL;
    unsigned char *dst = t->ev_user + (size_t)n * t->tab.user_size;
    memcpy(dst, fc__flow_user(&t->tab, i), t->tab.user_size);
    return dst;
}

static void end_flow(fc_tracker *t, uint32_t i)
{
    if (t->hot == i)
        t->hot = FC_NIL;
    fc__flowtab_remove(&t->tab, i);
    t->stats.flows_ended++;
}

/* Decodes and resolves the flow key. Returns 1 with key/orientation set,
 * 0 for an unmatched frame. */
/* The key of a decoded packet (fragments resolved): 1, or 0 for another
 * shard's flow. */
static int key_decoded(uint32_t shard_n, uint32_t shard_k, fc_decoded *d, fc_key *key,
                       fc_orient *o)
{
    /* The seed keys ports for TCP and UDP only; everything else is one
     * flow per address pair and protocol. */
    if (d->proto != FC_PROTO_TCP && d->proto != FC_PROTO_UDP)
        d->sport = d->dport = 0;
    *o = fc_key_make(key, d->family, d->src, d->sport, d->dst, d->dport, d->proto);
    /* another shard's flow: never tracked, so it costs no memory and
     * evicts nothing here */
    if (shard_n > 1 && fc_key_shard_hash(key) % shard_n != shard_k)
        return 0;
    return 1;
}

/* Fragments go through the tracker's fragment table, in packet order. */
static int needs_fragtab(const fc_decoded *d)
{
    return (d->frag == FC_FRAG_FIRST && d->has_l4) || d->frag == FC_FRAG_LATER;
}

static int extract(fc_tracker *t, const fc_packet *pkt, fc_decoded *d, fc_key *key,
                   fc_orient *o)
{
    if (fc_decode(pkt->linktype, pkt->data, pkt->caplen, 0, d) != FC_OK)
        return 0;
    if (d->frag == FC_FRAG_FIRST && d->has_l4) {
        if (!t->frags && !(t->frags = fc__fragtab_new(t->cfg.hash_seed)))
            return -1;
        fc__fragtab_put(t->frags, d, pkt->ts);
    } else if (d->frag == FC_FRAG_LATER) {
        if (!t->frags || !fc__fragtab_get(t->frags, d, pkt->ts)) {
            t->stats.frags_unmatched++;
            return 0;
        }
    }
    return key_decoded(t->cfg.shard_n, t->cfg.shard_k, d, key, o);
}

/* Decodes and keys; no hash yet. */
static void prepare_key(fc_tracker *t, const fc_packet *pkt, fc__prep *p)
{
    p->hashed = 0;
    p->walk = 0;
    p->cand = FC_NIL;
    p->status = extract(t, pkt, &p->d, &p->key, &p->orient);
    if (p->status < 0)
        p->status = FC_ENOMEM;
}

void fc__tracker_prepare(fc_tracker *t, const fc_packet *pkt, fc__prep *p)
{
    prepare_key(t, pkt, p);
    if (p->status == 1) {
        p->hashed = 1;
        p->hash = fc_key_hash(&p->key, t->tab.seed);
        __builtin_prefetch(&t->tab.bucket[p->hash & (t->tab.nbucket - 1)]);
        if (t->tab.nbucket < t->walk_min)
            p->walk = 2; /* a table this small stays in cache: no walk */
    }
}

void fc__tracker_keyer(const fc_tracker *t, fc__keyer *k)
{
    memset(k, 0, sizeof *k);
    k->seed = t->tab.seed;
    k->shard_n = t->cfg.shard_n;
    k->shard_k = t->cfg.shard_k;
}

void fc__prep_key(const fc__keyer *k, const fc_packet *pkt, fc__prep *p)
{
    p->hashed = 0;
    p->walk = 0;
    p->cand = FC_NIL;
    if (fc_decode(pkt->linktype, pkt->data, pkt->caplen, 0, &p->d) != FC_OK) {
        p->status = 0;
        return;
    }
    if (needs_fragtab(&p->d)) {
        p->status = FC__PREP_TRACKER;
        return;
    }
    p->status = key_decoded(k->shard_n, k->shard_k, &p->d, &p->key, &p->orient);
    if (p->status == 1) {
        p->hashed = 1;
        p->hash = fc_key_hash(&p->key, k->seed);
    }
}

void fc__tracker_prepare_keyed(fc_tracker *t, const fc_packet *pkt, fc__prep *p)
{
    if (p->status == FC__PREP_TRACKER) {
        fc__tracker_prepare(t, pkt, p);
        return;
    }
    if (p->status == 1) {
        __builtin_prefetch(&t->tab.bucket[p->hash & (t->tab.nbucket - 1)]);
        if (t->tab.nbucket < t->walk_min)
            p->walk = 2; /* a table this small stays in cache: no walk */
    }
}

void fc__tracker_prefetch(const fc_tracker *t, fc__prep *p, fc_ts ts)
{
    uint32_t i;
    if (p->status != 1 || p->walk == 2)
        return;
    if (p->walk == 0) {
        i = t->tab.bucket[p->hash & (t->tab.nbucket - 1)];
    } else {
        const fc_flow *f = fc__flow(&t->tab, p->cand);
        if (fc_key_equal(&f->key, &p->key)) {
            p->walk = 2;
            fc__flowtab_prefetch_links(&t->tab, f, ts);
            /* and the start of the user state, which a packet hook
             * reads: up to 384 bytes, as much as a Zeek record's packet
             * touches (fc_zeek.h), wherever the lines fall */
            const char *u = fc__flow_user(&t->tab, p->cand);
            if (u && t->packet_fn) {
                size_t n = t->tab.user_size < 384 ? t->tab.user_size : 384;
                for (size_t o = 0; o < n; o += 64)
                    __builtin_prefetch(u + o);
                __builtin_prefetch(u + n - 1);
            }
            return;
        }
        i = f->hnext;
    }
    p->cand = i;
    p->walk = i == FC_NIL ? 2 : 1;
    if (i != FC_NIL)
        fc__flowtab_prefetch_entry(&t->tab, i);
}

void fc__tracker_set_walk_min(fc_tracker *t, uint32_t nbucket)
{
    t->walk_min = nbucket;
}

int fc__tracker_wants_data(const fc_tracker *t)
{
    return t->payload_fn != NULL || t->packet_fn != NULL;
}

int fc_tracker_track(fc_tracker *t, const fc_packet *pkt, const fc_event **events)
{
    fc__prep p;
    /* tracked at once: nothing to prefetch, and a packet of the last
     * flow touched needs no hash */
    prepare_key(t, pkt, &p);
    return fc__tracker_track_prep(t, pkt, &p, events);
}

int fc__tracker_track_prep(fc_tracker *t, const fc_packet *pkt, const fc__prep *p,
                           const fc_event **events)
{
    const fc_decoded *dp = &p->d;
    uint32_t i;
    int n = 0;
    fc_flow *f;

    *events = t->ev;
    if (p->status <= 0) {
        if (p->status < 0)
            return p->status;
        t->stats.packets_unmatched++; /* step 1 */
        return 0;
    }
    const fc_key *kp = &p->key;
    fc_orient orient = p->orient;

    if (t->hot != FC_NIL && fc_key_equal(&t->hot_key, kp)) {
        i = t->hot;
    } else if (p->cand != FC_NIL && p->cand < t->tab.used &&
               fc_key_equal(&fc__flow(&t->tab, p->cand)->key, kp)) {
        i = p->cand; /* found ahead; a key is live in one slot at most, and
                        a free slot's family is 0, so the match is exact */
    } else {
        uint64_t h = p->hashed ? p->hash : fc_key_hash(kp, t->tab.seed);
        i = fc__flowtab_find(&t->tab, kp, h);
        if (i == FC_NIL) { /* step 2: a new flow */
            if (t->tab.count >= t->cfg.max_flows) {
                uint32_t lru = t->tab.recency.tail;
                fill_ended(&t->ev[n], fc__flow(&t->tab, lru), FC_END_EVICTED, pkt->ts,
                           keep_user(t, lru, n));
                n++;
                t->stats.flows_evicted++;
                end_flow(t, lru);
                fc__flowtab_prefetch_victim(&t->tab); /* for the next one */
            }
            i = fc__flowtab_insert(&t->tab, kp, h, proto_class(dp->proto), pkt->ts,
                                   t->cfg.max_flows);
            if (i == FC_NIL) {
                /* Could not grow: the evicted flow (if any) is already
                 * gone, so report its event with the error. */
                return n ? n : FC_ENOMEM;
            }
            f = fc__flow(&t->tab, i);
            f->orient = (uint8_t)orient;
            f->state = FC_STATE_ACTIVE;
            if (t->init)
                t->init(t->init_ctx, &f->key, fc__flow_user(&t->tab, i));
            t->stats.flows_created++;
            fill_basic(&t->ev[n], FC_EV_STARTED, f, pkt->ts);
            t->ev[n++].side = FC_SIDE_INITIATOR;
        }
    }
    f = fc__flow(&t->tab, i);
    t->stats.packets_matched++;

    /* step 3 */
    fc_side side = orient == (fc_orient)f->orient ? FC_SIDE_INITIATOR : FC_SIDE_RESPONDER;
    int is_tcp = dp->proto == FC_PROTO_TCP && dp->has_l4 && dp->frag != FC_FRAG_LATER;

    /* step 4 */
    if (is_tcp && dp->payload_len > 0 && t->payload_fn)
        t->payload_fn(t->payload_ctx, &f->key, side, dp->seq, pkt->data + dp->payload_off,
                      dp->payload_len);

    /* step 5 */
    f->stats.packets[side]++;
    f->stats.bytes[side] += pkt->wirelen;
    fc__flowtab_touch(&t->tab, i, pkt->ts);

    if (t->packet_fn)
        t->packet_fn(t->packet_ctx, fc__flow_user(&t->tab, i), &f->key, (fc_orient)f->orient,
                     dp, pkt, side, f->stats.packets[0] + f->stats.packets[1] == 1);

    /* step 6 */
    if (is_tcp) {
        fc_state prev = (fc_state)f->state, next;
        f->history = fc_history_bits_push(f->history, dp->tcp_flags, side, dp->payload_len > 0);
        next = fc_tcp_next(prev, dp->tcp_flags, side, (f->fin_sent >> side) & 1);
        if (dp->tcp_flags & FC_TH_FIN)
            f->fin_sent |= (uint8_t)(1u << side);
        if (next != prev) {
            f->state = (uint8_t)next;
            fill_basic(&t->ev[n], next == FC_STATE_ESTABLISHED ? FC_EV_ESTABLISHED
                                                                : FC_EV_STATE_CHANGE,
                       f, pkt->ts);
            t->ev[n].from = prev;
            t->ev[n++].to = next;
        }
    }

    /* step 7 */
    fill_basic(&t->ev[n], FC_EV_PACKET, f, pkt->ts);
    t->ev[n].side = side;
    t->ev[n++].len = pkt->wirelen;

    /* step 8 */
    if (fc_state_terminal((fc_state)f->state)) {
        fill_ended(&t->ev[n], f, f->state == FC_STATE_RESET ? FC_END_RST : FC_END_FIN,
                   pkt->ts, keep_user(t, i, n));
        n++;
        end_flow(t, i);
    } else {
        t->hot = i;
        t->hot_key = f->key;
    }
    return n;
}

static int scratch_push(fc_tracker *t, size_t n, uint32_t i)
{
    if (n == t->scratch_cap) {
        size_t nc = t->scratch_cap ? t->scratch_cap * 2 : 256;
        uint32_t *s = fc_realloc(t->scratch, nc * sizeof *s);
        if (!s)
            return FC_ENOMEM;
        t->scratch = s;
        t->scratch_cap = nc;
    }
    t->scratch[n] = i;
    return FC_OK;
}

/* qsort_r, not qsort: the table comes with the call, so two trackers on
 * two threads never share it (glibc's qsort_r is the same merge sort as
 * its qsort, so the order of equal keys is unchanged). */
static int by_recency_desc(const void *a, const void *b, void *tab)
{
    const fc_flowtab *st = tab;
    uint32_t x = st->pool[*(const uint32_t *)a].touch;
    uint32_t y = st->pool[*(const uint32_t *)b].touch;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Ends the flows listed in scratch[0..n) in that order. */
static long end_listed(fc_tracker *t, size_t n, fc_end_reason reason, fc_ts now,
                       fc_event_fn fn, void *ctx)
{
    fc_event ev;
    for (size_t k = 0; k < n; k++) {
        const fc_flow *f = fc__flow(&t->tab, t->scratch[k]);
        fill_ended(&ev, f, reason, now, fc__flow_user(&t->tab, t->scratch[k]));
        if (fn)
            fn(ctx, &ev);
        end_flow(t, t->scratch[k]);
    }
    return (long)n;
}

long fc_tracker_sweep(fc_tracker *t, fc_ts now, fc_event_fn fn, void *ctx)
{
    size_t n = 0;

    if (t->timeout_fn) {
        /* Per-key timeouts break the class lists' order: check every
         * flow, most recently used first, as the seed does. */
        for (uint32_t i = t->tab.recency.head; i != FC_NIL; i = t->tab.pool[i].rnext) {
            const fc_flow *f = fc__flow(&t->tab, i);
            fc_ts to = class_timeout(t, f->cls), idle = now - f->stats.last_seen;
            t->timeout_fn(t->timeout_ctx, &f->key, f->key.proto, &to);
            if (idle < 0)
                idle = 0;
            if (idle >= to && scratch_push(t, n++, i) != FC_OK)
                return FC_ENOMEM;
        }
        return end_listed(t, n, FC_END_IDLE_TIMEOUT, now, fn, ctx);
    }
    /* Walk each class list from its oldest second while that second
     * allows an expiry, then keep the visited flows that did expire
     * (those last seen late in the boundary second may not have). */
    size_t nvis = 0;
    for (int c = 0; c < FC_CLASS_COUNT; c++) {
        fc_ts to = class_timeout(t, c);
        for (uint32_t i = t->tab.cls[c].head; i != FC_NIL; i = t->tab.pool[i].cnext) {
            if (to > 0) {
                fc_ts q = fc__flowtab_qts(&t->tab.pool[i]);
                if (q > now || now - q < to)
                    break; /* the rest are queued later still */
            }
            if (scratch_push(t, nvis++, i) != FC_OK)
                return FC_ENOMEM;
        }
    }
    for (size_t k = 0; k < nvis; k++) {
        uint32_t i = t->scratch[k];
        const fc_flow *f = fc__flow(&t->tab, i);
        fc_ts idle = now - f->stats.last_seen;
        if (idle < 0)
            idle = 0;
        if (idle >= class_timeout(t, f->cls))
            t->scratch[n++] = i; /* n <= k: compacts in place */
    }
    if (n > 1) {
        qsort_r(t->scratch, n, sizeof *t->scratch, by_recency_desc, &t->tab);
    }
    return end_listed(t, n, FC_END_IDLE_TIMEOUT, now, fn, ctx);
}

long fc_tracker_flush(fc_tracker *t, fc_end_reason reason, fc_ts now, fc_event_fn fn,
                      void *ctx)
{
    size_t n = 0;
    for (uint32_t i = t->tab.recency.head; i != FC_NIL; i = t->tab.pool[i].rnext)
        if (scratch_push(t, n++, i) != FC_OK)
            return FC_ENOMEM;
    return end_listed(t, n, reason, now, fn, ctx);
}

fc_ts fc_tracker_next_expiry(const fc_tracker *t)
{
    fc_ts best = INT64_MAX;
    if (t->timeout_fn) {
        for (uint32_t i = t->tab.recency.head; i != FC_NIL; i = t->tab.pool[i].rnext) {
            const fc_flow *f = fc__flow(&t->tab, i);
            fc_ts to = class_timeout(t, f->cls);
            t->timeout_fn(t->timeout_ctx, &f->key, f->key.proto, &to);
            fc_ts e = to <= 0 ? INT64_MIN : f->stats.last_seen + to;
            if (e < best)
                best = e;
        }
        return best;
    }
    for (int c = 0; c < FC_CLASS_COUNT; c++) {
        uint32_t i = t->tab.cls[c].head;
        if (i == FC_NIL)
            continue;
        fc_ts to = class_timeout(t, c);
        /* a lower bound, within a second: the oldest flow's last second
         * (a sweep there may end nothing). A zero timeout ends every
         * flow of the class at any sweep. */
        fc_ts q = fc__flowtab_qts(&t->tab.pool[i]);
        fc_ts e = to <= 0 ? INT64_MIN : (q > INT64_MAX - to ? INT64_MAX - 1 : q + to);
        if (e < best)
            best = e;
    }
    return best;
}

void fc_tracker_set_timeout_fn(fc_tracker *t, fc_timeout_fn fn, void *ctx)
{
    t->timeout_fn = fn;
    t->timeout_ctx = ctx;
}

void fc_tracker_clear_timeout_fn(fc_tracker *t)
{
    t->timeout_fn = NULL;
    t->timeout_ctx = NULL;
}

void fc_tracker_set_packet_fn(fc_tracker *t, fc_packet_fn fn, void *ctx)
{
    t->packet_fn = fn;
    t->packet_ctx = ctx;
}

void fc_tracker_set_payload_fn(fc_tracker *t, fc_payload_fn fn, void *ctx)
{
    t->payload_fn = fn;
    t->payload_ctx = ctx;
}

int fc_tracker_set_config(fc_tracker *t, const fc_tracker_config *cfg)
{
    if (!config_ok(cfg, NULL, 0))
        return FC_EINVAL;
    uint64_t seed = t->cfg.hash_seed; /* the table is hashed with it */
    t->cfg = *cfg;
    t->cfg.hash_seed = seed;
    if (t->cfg.max_flows == 0)
        t->cfg.max_flows = 1;
    /* As the seed's LRU resize: excess flows go without events or counts. */
    while (t->tab.count > t->cfg.max_flows)
        fc__flowtab_remove(&t->tab, t->tab.recency.tail);
    t->hot = FC_NIL;
    return FC_OK;
}

const fc_tracker_config *fc_tracker_config_get(const fc_tracker *t)
{
    return &t->cfg;
}

static void fill_info(const fc_tracker *t, uint32_t i, fc_flow_info *info)
{
    const fc_flow *f = fc__flow(&t->tab, i);
    info->key = &f->key;
    info->init_orient = (fc_orient)f->orient;
    info->proto = f->key.proto;
    info->state = (fc_state)f->state;
    info->stats = &f->stats;
    fc_history_bits_unpack(f->history, &info->history);
    info->user = fc__flow_user(&t->tab, i);
}

static uint32_t lookup(const fc_tracker *t, const fc_key *key)
{
    return fc__flowtab_find(&t->tab, key, fc_key_hash(key, t->tab.seed));
}

int fc_tracker_peek(const fc_tracker *t, const fc_key *key, fc_flow_info *info)
{
    uint32_t i = lookup(t, key);
    if (i == FC_NIL)
        return 0;
    if (info)
        fill_info(t, i, info);
    return 1;
}

int fc_tracker_snapshot_stats(const fc_tracker *t, const fc_key *key, fc_flow_stats *out)
{
    uint32_t i = lookup(t, key);
    if (i == FC_NIL)
        return 0;
    *out = fc__flow(&t->tab, i)->stats;
    return 1;
}

int fc_tracker_snapshot_history(const fc_tracker *t, const fc_key *key, fc_history *out)
{
    uint32_t i = lookup(t, key);
    if (i == FC_NIL)
        return 0;
    fc_history_bits_unpack(fc__flow(&t->tab, i)->history, out);
    return 1;
}

int fc_tracker_forget(fc_tracker *t, const fc_key *key)
{
    uint32_t i = lookup(t, key);
    if (i == FC_NIL)
        return 0;
    if (t->hot == i)
        t->hot = FC_NIL;
    fc__flowtab_remove(&t->tab, i);
    return 1;
}

size_t fc_tracker_count(const fc_tracker *t)
{
    return t->tab.count;
}

void fc_tracker_iter_init(const fc_tracker *t, fc_flow_iter *it)
{
    it->t = t;
    it->pos = t->tab.recency.head;
}

int fc_tracker_iter_next(fc_flow_iter *it, fc_flow_info *info)
{
    if (it->pos == FC_NIL)
        return 0;
    fill_info(it->t, it->pos, info);
    it->pos = it->t->tab.pool[it->pos].rnext;
    return 1;
}

const fc_tracker_stats *fc_tracker_stats_get(const fc_tracker *t)
{
    return &t->stats;
}

size_t fc_tracker_memory(const fc_tracker *t)
{
    return sizeof *t + fc__flowtab_memory(&t->tab) +
           (t->frags ? fc__fragtab_memory() : 0) + t->scratch_cap * sizeof(uint32_t);
}
