/* fc_zeek_table.c - Zeek's connection table over raw frames.
 *
 * Per frame, as Zeek's packet path (§0, §1, §5 of
 * shared/docs/zeek-conn-semantics.md): advance the network clock, log
 * every connection whose timer is due (a due DNS session check may keep
 * it instead), decode (dropping what Zeek drops; a TCP header with cut
 * options still makes its connection), reassemble fragments, decapsulate
 * IP-in-IP and GRE, look the connection up by Zeek's key (a TCP SYN may
 * replace it, §1.4), feed it the packet, then decapsulate UDP tunnels.
 * Connections are logged in deadline order (ties by creation order), the
 * rest at the end by start time, so the output never depends on hashing.
 *
 * Timers: a min-heap (fc_zeek_timer.h) with lazy invalidation, so a
 * packet that pushes a deadline later (the usual case) costs nothing.
 * Invariant: every live connection has an entry whose key is armed[slot]
 * and armed[slot] <= its fc_zeek_rec_deadline. A packet that lowers the
 * deadline below armed[slot] pushes a new entry; an entry is stale once
 * its slot holds another id or armed[slot] moved away from its key. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* qsort_r */
#endif
#include <stdlib.h>
#include <string.h>
#include "fc_alloc.h"
#include "fc_error.h"
#include "fc_key.h"
#include "fc_service.h"
#include "fc_zeek.h"
#include "fc_zeek_int.h"
#include "fc_zeek_timer.h"
#include "fc_tunnel.h"

#define ZT_NIL UINT32_MAX
#define ZT_MAX_DEPTH 4
#define ZT_FRAG_SLOTS 8
#define ZT_FRAG_MAX 65535
/* armed[] of a connection collected by expire() or kept by compact() */
#define ZT_MARK INT64_MIN
/* grow(): the table is at max_conns (not an error: the earliest
 * connection is logged to make room) */
#define ZT_FULL 1

typedef struct zt_key {
    uint8_t a[16], b[16];
    uint16_t pa, pb;
    uint8_t proto, family, oneway, pad;
} zt_key;

/* key_hash reads it in 8-byte words */
_Static_assert(sizeof(zt_key) % 8 == 0, "zt_key size");

typedef struct zt_frag {
    int used;
    uint8_t family, proto;
    uint8_t src[16], dst[16];
    uint32_t id;
    fc_ts ts;
    size_t hdr_len;      /* IP header bytes kept in buf (v6: 40) */
    uint32_t total;      /* payload length, known once the last arrived */
    uint8_t have[ZT_FRAG_MAX / 8 / 8 + 1]; /* one bit per 8 bytes */
    uint8_t buf[60 + ZT_FRAG_MAX];
} zt_frag;

struct fc_zeek_table {
    fc_zeek_opts o;
    fc_zeek_emit_fn fn;
    void *ctx;
    size_t max;
    size_t cap, count;
    fc_zeek_rec *recs;
    zt_key *keys;
    uint32_t *next;     /* hash chain, or free list */
    uint32_t *buckets;  /* 2 * cap, power of two */
    size_t nbuckets;
    uint32_t free_head;
    uint64_t next_id;
    fc_ts clock;
    int have_clock;
    zt_frag *frags;     /* ZT_FRAG_SLOTS, allocated on the first fragment */
    uint32_t *scratch;
    fc_ts *armed;       /* per slot: key of its current timer entry */
    fc__zeek_timers timers; /* room for 2 * cap: pushes never allocate */
    fc_service *svc;    /* service detection, NULL when off */
    fc_zeek_table_stats st;
};

/* -------------------------------------------------------------- hash */

/* Eight bytes a step (the byte-wise FNV it replaces cost ~130
 * instructions a packet). Output never depends on the hash: it only
 * places slots in buckets. */
static uint64_t key_hash(const zt_key *k)
{
    const uint8_t *p = (const uint8_t *)k;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < sizeof *k; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        h = (h ^ v) * UINT64_C(0x9e3779b97f4a7c15);
        h ^= h >> 29;
    }
    return h;
}

static void make_key(zt_key *k, const fc_decoded *d)
{
    uint16_t sp, dp;
    int oneway;
    size_t al = d->family == FC_AF_INET6 ? 16 : 4;
    memset(k, 0, sizeof *k);
    fc_zeek_ports(d, &sp, &dp, &oneway);
    k->proto = d->proto;
    k->family = d->family;
    k->oneway = (uint8_t)oneway;
    int c = memcmp(d->src, d->dst, al);
    if (oneway || c < 0 || (c == 0 && sp <= dp)) {
        memcpy(k->a, d->src, al);
        memcpy(k->b, d->dst, al);
        k->pa = sp;
        k->pb = dp;
    } else {
        memcpy(k->a, d->dst, al);
        memcpy(k->b, d->src, al);
        k->pa = dp;
        k->pb = sp;
    }
}

/* Doubles the arrays (up to max). FC_OK, ZT_FULL at max, or FC_ENOMEM;
 * a failed step leaves the table as it was (arrays grown before it are
 * only larger than cap). */
static int grow(fc_zeek_table *t)
{
    size_t nc = t->cap ? t->cap * 2 : 1024;
    if (nc > t->max)
        nc = t->max;
    if (nc <= t->cap)
        return ZT_FULL;
    fc_zeek_rec *r = fc_realloc(t->recs, nc * sizeof *r);
    if (!r)
        return FC_ENOMEM;
    t->recs = r;
    zt_key *k = fc_realloc(t->keys, nc * sizeof *k);
    if (!k)
        return FC_ENOMEM;
    t->keys = k;
    uint32_t *n = fc_realloc(t->next, nc * sizeof *n);
    if (!n)
        return FC_ENOMEM;
    t->next = n;
    uint32_t *s = fc_realloc(t->scratch, nc * sizeof *s);
    if (!s)
        return FC_ENOMEM;
    t->scratch = s;
    fc_ts *a = fc_realloc(t->armed, nc * sizeof *a);
    if (!a)
        return FC_ENOMEM;
    t->armed = a;
    if (fc__zeek_timers_reserve(&t->timers, 2 * nc) != FC_OK)
        return FC_ENOMEM;
    size_t nb = 1;
    while (nb < nc * 2)
        nb <<= 1;
    uint32_t *b = fc_malloc(nb * sizeof *b);
    if (!b)
        return FC_ENOMEM;
    for (size_t i = 0; i < nb; i++)
        b[i] = ZT_NIL;
    /* rehash live slots; new slots join the free list */
    fc_free(t->buckets);
    t->buckets = b;
    t->nbuckets = nb;
    uint32_t fh = ZT_NIL;
    for (size_t i = nc; i-- > 0;) {
        if (i < t->cap && t->recs[i].id != 0) {
            size_t h = key_hash(&t->keys[i]) & (nb - 1);
            t->next[i] = b[h];
            b[h] = (uint32_t)i;
        } else if (i >= t->cap || t->recs[i].id == 0) {
            t->next[i] = fh;
            fh = (uint32_t)i;
            if (i >= t->cap)
                t->recs[i].id = 0;
        }
    }
    t->free_head = fh;
    t->cap = nc;
    return FC_OK;
}

static uint32_t find(const fc_zeek_table *t, const zt_key *k)
{
    if (!t->nbuckets)
        return ZT_NIL;
    uint32_t i = t->buckets[key_hash(k) & (t->nbuckets - 1)];
    while (i != ZT_NIL && memcmp(&t->keys[i], k, sizeof *k) != 0)
        i = t->next[i];
    return i;
}

static void unlink_slot(fc_zeek_table *t, uint32_t i)
{
    uint32_t *pp = &t->buckets[key_hash(&t->keys[i]) & (t->nbuckets - 1)];
    while (*pp != i)
        pp = &t->next[*pp];
    *pp = t->next[i];
    t->recs[i].id = 0;
    t->next[i] = t->free_head;
    t->free_head = i;
    t->count--;
}

static void emit_remove(fc_zeek_table *t, uint32_t i)
{
    if (t->fn)
        t->fn(t->ctx, &t->recs[i]);
    fc_service_release(t->svc, &t->recs[i].svc);
    unlink_slot(t, i);
}

/* ------------------------------------------------------------ timers */

/* The sorts take the records with the call (qsort_r): two tables on two
 * threads share nothing. */
static int by_deadline(const void *x, const void *y, void *recs)
{
    const fc_zeek_rec *sort_recs = recs;
    const fc_zeek_rec *a = &sort_recs[*(const uint32_t *)x], *b = &sort_recs[*(const uint32_t *)y];
    fc_ts da = fc_zeek_rec_deadline(a), db = fc_zeek_rec_deadline(b);
    if (da != db)
        return da < db ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int by_start(const void *x, const void *y, void *recs)
{
    const fc_zeek_rec *sort_recs = recs;
    const fc_zeek_rec *a = &sort_recs[*(const uint32_t *)x], *b = &sort_recs[*(const uint32_t *)y];
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int is_current(const fc_zeek_table *t, const fc__zeek_timer *e)
{
    return t->recs[e->slot].id == e->id && t->armed[e->slot] == e->key;
}

/* Drops the stale entries (and duplicates of a current one). Afterwards
 * len <= count, so the heap has room again. */
static void compact(fc_zeek_table *t)
{
    fc__zeek_timer *v = t->timers.v;
    size_t k = 0;
    for (size_t j = 0; j < t->timers.len; j++) {
        if (is_current(t, &v[j])) {
            t->armed[v[j].slot] = ZT_MARK; /* a second copy is not current */
            v[k++] = v[j];
        }
    }
    for (size_t j = 0; j < k; j++)
        t->armed[v[j].slot] = v[j].key;
    t->timers.len = k;
    fc__zeek_timers_heapify(&t->timers);
}

/* Makes key the current timer of slot i. Compacts when full, or when
 * stale entries outnumber live connections two to one, so the heap
 * stays near the live count and a compaction is paid for by the pushes
 * before it. */
static void arm(fc_zeek_table *t, uint32_t i, fc_ts key)
{
    size_t len = t->timers.len;
    if (len == t->timers.cap || (len > 64 && len > 3 * t->count))
        compact(t);
    t->armed[i] = key;
    fc__zeek_timers_push(&t->timers, key, t->recs[i].id, i);
}

/* Logs every connection due at `now`: pops the entries up to now; one
 * whose connection moved its deadline later is pushed again. */
static void expire(fc_zeek_table *t, fc_ts now)
{
    size_t n = 0;
    const fc__zeek_timer *top;
    while ((top = fc__zeek_timers_top(&t->timers)) && top->key <= now) {
        fc__zeek_timer e = *top;
        fc__zeek_timers_pop(&t->timers);
        if (!is_current(t, &e))
            continue;
        fc_zeek_rec *r = &t->recs[e.slot];
        if (fc_zeek_rec_deadline(r) <= now && fc__zeek_rec_expires(r, now)) {
            t->armed[e.slot] = ZT_MARK;
            t->scratch[n++] = e.slot;
        } else {
            /* later deadline, or the DNS check re-armed itself */
            arm(t, e.slot, fc_zeek_rec_deadline(r));
        }
    }
    if (n > 1)
        qsort_r(t->scratch, n, sizeof *t->scratch, by_deadline, t->recs);
    for (size_t k = 0; k < n; k++)
        emit_remove(t, t->scratch[k]);
}

/* The live connection with the earliest deadline, ties by id (ZT_NIL if
 * none). Stale tops are dropped and moved ones pushed again until the
 * top's key is its connection's deadline: by the invariant no other
 * connection can be due sooner. */
static uint32_t earliest(fc_zeek_table *t)
{
    const fc__zeek_timer *top;
    while ((top = fc__zeek_timers_top(&t->timers))) {
        fc__zeek_timer e = *top;
        if (is_current(t, &e)) {
            fc_ts d = fc_zeek_rec_deadline(&t->recs[e.slot]);
            if (d == e.key)
                return e.slot;
            fc__zeek_timers_pop(&t->timers);
            arm(t, e.slot, d);
        } else {
            fc__zeek_timers_pop(&t->timers);
        }
    }
    return ZT_NIL;
}

/* ------------------------------------------------------------- table */

fc_zeek_table *fc_zeek_table_new(const fc_zeek_opts *o, size_t max_conns, fc_zeek_emit_fn fn,
                                 void *ctx)
{
    fc_zeek_table *t = fc_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    if (o)
        t->o = *o;
    else
        fc_zeek_opts_default(&t->o);
    t->max = max_conns ? max_conns : 262144;
    t->fn = fn;
    t->ctx = ctx;
    t->free_head = ZT_NIL;
    if (grow(t) != FC_OK || (t->o.service && !(t->svc = fc_service_new()))) {
        fc_zeek_table_free(t);
        return NULL;
    }
    return t;
}

void fc_zeek_table_free(fc_zeek_table *t)
{
    if (!t)
        return;
    fc_free(t->recs);
    fc_free(t->keys);
    fc_free(t->next);
    fc_free(t->buckets);
    fc_free(t->scratch);
    fc_free(t->armed);
    fc__zeek_timers_free(&t->timers);
    fc_free(t->frags);
    fc_service_free(t->svc);
    fc_free(t);
}

void fc_zeek_table_finish(fc_zeek_table *t)
{
    size_t n = 0;
    for (uint32_t i = 0; i < t->cap; i++)
        if (t->recs[i].id != 0)
            t->scratch[n++] = i;
    if (n > 1)
        qsort_r(t->scratch, n, sizeof *t->scratch, by_start, t->recs);
    for (size_t k = 0; k < n; k++)
        emit_remove(t, t->scratch[k]);
    t->timers.len = 0; /* all stale now */
}

const fc_zeek_table_stats *fc_zeek_table_stats_get(const fc_zeek_table *t)
{
    return &t->st;
}

size_t fc_zeek_table_count(const fc_zeek_table *t)
{
    return t->count;
}

/* A new connection slot for key k (*slot); when at max_conns, logs the
 * connection with the earliest deadline first, ties by creation order
 * (before the timer heap, ties went to the lowest slot, an accident of
 * the free list). FC_OK, or FC_ENOMEM when the table could not grow. */
static int insert(fc_zeek_table *t, const zt_key *k, uint32_t *slot)
{
    if (t->free_head == ZT_NIL) {
        int rc = grow(t);
        if (rc == FC_ENOMEM)
            return rc;
        if (rc == ZT_FULL) {
            uint32_t best = earliest(t);
            if (best == ZT_NIL)
                return FC_ENOMEM; /* full of nothing: cannot happen */
            emit_remove(t, best);
        }
    }
    uint32_t i = t->free_head;
    t->free_head = t->next[i];
    t->keys[i] = *k;
    t->armed[i] = INT64_MAX; /* no timer yet: conn_packet arms one */
    size_t h = key_hash(k) & (t->nbuckets - 1);
    t->next[i] = t->buckets[h];
    t->buckets[h] = i;
    t->count++;
    *slot = i;
    return FC_OK;
}

/* ---------------------------------------------------------- fragments */

/* Adds a fragment; *done is the slot when the datagram is complete, else
 * NULL. FC_OK, or FC_ENOMEM when the slots could not be allocated. */
static int frag_add(fc_zeek_table *t, const fc_decoded *d, const uint8_t *frame, size_t caplen,
                    fc_ts ts, zt_frag **done)
{
    zt_frag *f = NULL, *old = NULL;
    size_t al = d->family == FC_AF_INET6 ? 16 : 4;
    size_t hl = d->l4_off - d->l3_off;
    size_t dlen;
    *done = NULL;
    /* ip_len counts the headers (v6: its extension headers too); a
     * datagram shorter than the headers walked (a v6 jumbogram's zero
     * payload length, a hostile total length) carries no fragment data */
    if (d->ip_len < hl || d->l4_off > caplen)
        return FC_OK;
    dlen = d->ip_len - hl;
    if (!t->frags && !(t->frags = fc_calloc(ZT_FRAG_SLOTS, sizeof *t->frags)))
        return FC_ENOMEM;
    if (dlen > caplen - d->l4_off || d->frag_off + dlen > ZT_FRAG_MAX)
        return FC_OK; /* not fully captured: Zeek drops the rest */
    for (int i = 0; i < ZT_FRAG_SLOTS; i++) {
        zt_frag *s = &t->frags[i];
        if (s->used && ts - s->ts > FC_SEC(300))
            s->used = 0; /* Zeek's frag_timeout */
        if (s->used && s->id == d->frag_id && s->family == d->family &&
            !memcmp(s->src, d->src, al) && !memcmp(s->dst, d->dst, al))
            f = s;
        /* a slot to reuse: a free one, else the least recently used */
        if (!old || (old->used && (!s->used || s->ts < old->ts)))
            old = s;
    }
    if (!f) {
        f = old;
        memset(f, 0, sizeof *f - sizeof f->buf);
        f->used = 1;
        f->family = d->family;
        f->id = d->frag_id;
        memcpy(f->src, d->src, al);
        memcpy(f->dst, d->dst, al);
    }
    /* A datagram reassembled in this slot (its slot freed as it was
     * built) may carry, tunnelled, a fragment that lands in the same
     * slot: its bytes then lie in f->buf, which the copies below write.
     * Work from a copy of the frame then (hostile input only). */
    uint8_t *own = NULL;
    if ((uintptr_t)frame < (uintptr_t)(f->buf + sizeof f->buf) &&
        (uintptr_t)(frame + caplen) > (uintptr_t)f->buf) {
        if (!(own = fc_malloc(caplen)))
            return FC_ENOMEM;
        memcpy(own, frame, caplen);
        frame = own;
    }
    f->ts = ts;
    if (d->frag_off == 0) {
        /* keep an IP header: v4 as sent, v6 the fixed header only */
        f->hdr_len = d->family == FC_AF_INET6 ? 40 : hl;
        memcpy(f->buf, frame + d->l3_off, f->hdr_len);
        f->proto = d->proto;
    }
    memcpy(f->buf + 60 + d->frag_off, frame + d->l4_off, dlen);
    fc_free(own);
    for (size_t u = d->frag_off / 8; u * 8 < d->frag_off + dlen; u++)
        f->have[u / 8] |= (uint8_t)(1u << (u % 8));
    if (!d->frag_more)
        f->total = d->frag_off + (uint32_t)dlen;
    if (!f->total || !f->hdr_len)
        return FC_OK;
    for (size_t u = 0; u * 8 < f->total; u++)
        if (!(f->have[u / 8] >> (u % 8) & 1))
            return FC_OK;
    *done = f;
    return FC_OK;
}

/* Builds the reassembled datagram in front of its payload; returns its
 * start and length. */
static const uint8_t *frag_build(zt_frag *f, size_t *len)
{
    uint8_t *ip = f->buf + 60 - f->hdr_len;
    memmove(ip, f->buf, f->hdr_len);
    if (f->family == FC_AF_INET) {
        uint32_t tot = (uint32_t)f->hdr_len + f->total;
        ip[2] = (uint8_t)(tot >> 8);
        ip[3] = (uint8_t)tot;
        ip[6] = ip[7] = 0;
    } else {
        ip[4] = (uint8_t)(f->total >> 8);
        ip[5] = (uint8_t)f->total;
        ip[6] = f->proto;
    }
    *len = f->hdr_len + f->total;
    f->used = 0;
    return ip;
}

/* ------------------------------------------------------------ packets */

/* 1 when the frame reached a connection, 0 when dropped, FC_ENOMEM. */
static int zt_frame(fc_zeek_table *t, int linktype, const uint8_t *frame, size_t caplen,
                    size_t wire, fc_ts ts, int depth);

/* The packet to its connection (made if new), whose slot goes to *slot.
 * FC_OK, or FC_ENOMEM: no room for a new connection, or service
 * detection ran out of memory on this packet. */
static int conn_packet(fc_zeek_table *t, const fc_decoded *d, const uint8_t *frame,
                       size_t caplen, fc_ts ts, uint32_t *slot)
{
    zt_key k;
    make_key(&k, d);
    uint32_t i = find(t, &k);
    if (i != ZT_NIL && fc_zeek_rec_is_reuse(&t->recs[i], d)) {
        emit_remove(t, i);
        i = ZT_NIL;
    }
    if (i == ZT_NIL) {
        int rc = insert(t, &k, &i);
        if (rc != FC_OK)
            return rc;
        fc_zeek_rec_begin(&t->recs[i], &t->o, d, ts);
        fc__zeek_app_timer_arm(&t->recs[i], &t->o, t->clock);
        t->recs[i].id = ++t->next_id;
        t->st.conns++;
    }
    fc_zeek_rec_packet(&t->recs[i], &t->o, d, frame, caplen, ts);
    fc_zeek_rec_service(&t->recs[i], t->svc, &t->o, d, frame, caplen, ts);
    /* a later deadline waits for the old entry to pop; an earlier one
     * (e.g. a FIN's close timer) needs its own entry */
    fc_ts dl = fc_zeek_rec_deadline(&t->recs[i]);
    if (dl < t->armed[i])
        arm(t, i, dl);
    *slot = i;
    /* a detector that lost memory would name this connection's service
     * (and later ones') wrongly: said here, not left to the output */
    return fc_service_error(t->svc);
}

static int decode(fc_zeek_table *t, int linktype, const uint8_t *frame, size_t caplen,
                  fc_decoded *d, const uint8_t **base, size_t *blen)
{
    /* a TCP header with its options cut still makes a connection (§0) */
    unsigned fl = FC_DECODE_TCP_CUT | (t->o.ignore_checksums ? 0u : FC_DECODE_CHECKSUMS);
    int rc = fc_decode(linktype, frame, caplen, fl, d);
    *base = frame;
    *blen = caplen;
    if (rc == FC_EUNSUPP && linktype == FC_LINK_EN10MB) {
        size_t off;
        if (fc__tunnel_l2_fallback(frame, caplen, &off) != 0)
            return rc;
        *base = frame + off;
        *blen = caplen - off;
        rc = fc_decode(FC_LINK_RAW, *base, *blen, fl, d);
    }
    if (rc != FC_OK)
        return rc;
    if (d->ip_csum_bad)
        return FC_EFORMAT; /* bad IPv4 header checksum: dropped (§0) */
    return FC_OK;
}

static int zt_frame(fc_zeek_table *t, int linktype, const uint8_t *frame, size_t caplen,
                    size_t wire, fc_ts ts, int depth)
{
    fc_decoded d;
    const uint8_t *base;
    size_t blen;
    fc__inner in;
    if (decode(t, linktype, frame, caplen, &d, &base, &blen) != FC_OK)
        return 0;
    if (wire < (size_t)(base - frame) + d.l3_off + d.ip_len)
        return 0; /* wire length shorter than the IP datagram */
    if (d.frag != FC_FRAG_NONE) {
        zt_frag *f;
        int rc = frag_add(t, &d, base, blen, ts, &f);
        if (rc != FC_OK)
            return rc;
        if (!f)
            return 0;
        size_t n;
        const uint8_t *ip = frag_build(f, &n);
        t->st.frags_reassembled++;
        /* the header checksum was checked on the fragments */
        if (fc_decode(FC_LINK_RAW, ip, n, FC_DECODE_TCP_CUT, &d) != FC_OK)
            return 0;
        base = ip;
        blen = n;
    }
    const uint8_t *pl = base + d.l4_off;
    size_t plen = blen > d.l4_off ? blen - d.l4_off : 0;
    if (t->o.tunnels && depth < ZT_MAX_DEPTH) {
        if (d.proto == 4 || d.proto == 41) {
            t->st.tunneled++;
            return zt_frame(t, FC_LINK_RAW, pl, plen, d.payload_wire, ts, depth + 1);
        }
        if (d.proto == 47) {
            if (fc__tunnel_gre(pl, plen, &in) != 0 || in.off > plen)
                return 0;
            t->st.tunneled++;
            return zt_frame(t, in.linktype, pl + in.off, plen - in.off,
                            d.payload_wire - in.off, ts, depth + 1);
        }
    }
    if (d.proto == 2 || d.proto == 4 || d.proto == 41 || d.proto == 47)
        return 0; /* IGMP and tunnels get no conn.log line */
    if (!d.has_l4 && (d.proto == FC_PROTO_TCP || d.proto == FC_PROTO_UDP ||
                      d.proto == FC_PROTO_ICMP || d.proto == FC_PROTO_ICMPV6))
        return 0;
    uint32_t ci;
    int rc = conn_packet(t, &d, base, blen, ts, &ci);
    if (rc != FC_OK)
        return rc;
    uint64_t cid = t->recs[ci].id;
    if (t->o.tunnels && depth < ZT_MAX_DEPTH && d.proto == FC_PROTO_UDP) {
        const uint8_t *u = base + d.payload_off;
        size_t ul = blen > d.payload_off ? blen - d.payload_off : 0;
        if (ul > d.payload_wire)
            ul = d.payload_wire;
        if (fc__tunnel_udp(d.sport, d.dport, u, ul, d.payload_wire, &in) == 0 &&
            in.off < ul) {
            t->st.tunneled++;
            /* Zeek names the tunnel analyzer once a frame inside reached
             * a connection (a bubble or an unknown inner packet: not) */
            rc = zt_frame(t, in.linktype, u + in.off, ul - in.off, d.payload_wire - in.off, ts,
                          depth + 1);
            if (rc < 0)
                return rc;
            if (rc && t->svc && cid && t->recs[ci].id == cid) /* not evicted meanwhile */
                fc_service_add(&t->recs[ci].svc, fc__tunnel_udp_service(d.sport, d.dport));
        }
    }
    return 1;
}

/* ------------------------------------------------------ look-ahead */

void fc__zeek_hint_key(int linktype, const uint8_t *frame, size_t caplen, fc__zeek_hint *h)
{
    fc_decoded d;
    zt_key k;
    memset(h, 0, sizeof *h);
    /* the outer frame only, unchecked: a wrong guess costs a prefetch */
    if (fc_decode(linktype, frame, caplen, FC_DECODE_TCP_CUT, &d) != FC_OK ||
        d.frag != FC_FRAG_NONE)
        return;
    make_key(&k, &d);
    h->hash = key_hash(&k);
    h->ok = 1;
}

void fc__zeek_table_hint_keyed(const fc_zeek_table *t, fc__zeek_hint *h)
{
    if (!t->nbuckets) {
        h->ok = 0;
        return;
    }
    if (h->ok)
        __builtin_prefetch(&t->buckets[h->hash & (t->nbuckets - 1)]);
}

void fc__zeek_table_hint(const fc_zeek_table *t, int linktype, const uint8_t *frame,
                         size_t caplen, fc__zeek_hint *h)
{
    fc__zeek_hint_key(linktype, frame, caplen, h);
    fc__zeek_table_hint_keyed(t, h);
}

void fc__zeek_table_hint_step(const fc_zeek_table *t, const fc__zeek_hint *h)
{
    if (!h->ok || !t->nbuckets)
        return;
    uint32_t i = t->buckets[h->hash & (t->nbuckets - 1)];
    if (i == ZT_NIL) /* a new connection: the slot it will likely take */
        i = t->free_head;
    if (i == ZT_NIL)
        return;
    const char *k = (const char *)&t->keys[i], *r = (const char *)&t->recs[i];
    __builtin_prefetch(k);
    __builtin_prefetch(k + sizeof(zt_key) - 1);
    __builtin_prefetch(&t->next[i]);
    __builtin_prefetch(&t->armed[i]);
    for (size_t o = 0; o < FC__ZEEK_REC_HOT; o += 64)
        __builtin_prefetch(r + o);
    __builtin_prefetch(r + FC__ZEEK_REC_HOT - 1);
}

int fc_zeek_table_packet(fc_zeek_table *t, int linktype, const uint8_t *frame, size_t caplen,
                         uint32_t wirelen, fc_ts ts)
{
    t->st.packets++;
    if (!t->have_clock || ts > t->clock) {
        t->clock = ts;
        t->have_clock = 1;
    }
    const fc__zeek_timer *top = fc__zeek_timers_top(&t->timers);
    if (top && top->key <= t->clock)
        expire(t, t->clock);
    int r = zt_frame(t, linktype, frame, caplen, wirelen, ts, 0);
    if (r == 0)
        t->st.dropped++;
    return r;
}
