/* flowdiff_align.c - streams both inputs, groups events per flow and
 * compares each flow's events in order. A flow is released as soon as it
 * has ended on both sides, so memory follows the flows open at once.
 * Reading is merged by event time to keep the two sides in step; a few
 * events are read ahead so their flows can be prefetched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "flowdiff_compare.h"

/* One of the last compared expected events, kept for a report's
 * context: where its row is (the event itself goes back to the pool, so
 * the pool stays small and in cache) or, when the input cannot be read
 * again, the event. */
typedef struct ctxent {
    fd_event *ev;
    fd_rowref at;
} ctxent;

/* Laid out by use: the first line is what a lookup and the queues
 * read, the second what pairing updates, and the key follows closely. */
typedef struct flow {
    struct flow *hnext;
    uint32_t hash;
    uint32_t klen;
    fc_ts start[2];
    fd_event *qh[2], *qt[2];  /* events not yet paired */
    ctxent ctx[3];            /* last compared events, for context */
    uint64_t nev[2], ncmp;
    unsigned char present[2], ended[2];
    int nctx, changed;
    uint64_t id, index;
    fd_detail *detail;
    char k[];                 /* "proto|orig_h|orig_p|resp_h|resp_p|" */
} flow;

typedef struct state {
    const fd_opts *o;
    fd_reader *rd[2];
    int reread;               /* context rows are read again from rd[0] */
    uint64_t extras;          /* extra columns either file has */
    flow **tab;
    size_t mask, count;
    uint64_t next_id;
    fd_event *pool;
    fd_order ord;             /* strict order */
    size_t *kept, nkept;      /* results holding details, sorted */
    size_t rescap;
    fd_summary *sum;
} state;

static fd_event *ev_get(state *st)
{
    fd_event *e = st->pool;

    if (e) {
        st->pool = e->next;
        e->next = NULL;
        return e;
    }
    return calloc(1, sizeof *e);
}

static void ev_put(state *st, fd_event *e)
{
    if (!e)
        return;
    e->next = st->pool;
    st->pool = e;
}

void fd_event_free(fd_event *e)
{
    if (e) {
        free(e->data);
        free(e);
    }
}

static void detail_free(state *st, fd_detail *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->nctx; i++)
        ev_put(st, d->ctx[i]);
    ev_put(st, d->exp);
    ev_put(st, d->act);
    free(d);
}

int fd_field_equal(const fd_event *a, const fd_event *b, int id, fc_ts tol)
{
    size_t na, nb;
    const char *va, *vb;

    if (id == FD_F_TS || id == FD_F_START) {
        /* Compare instants, not text: "1.5" equals "1.500000000". */
        fc_ts x = id == FD_F_TS ? a->ts : a->start;
        fc_ts y = id == FD_F_TS ? b->ts : b->start;
        return (x > y ? x - y : y - x) <= tol;
    }
    va = fd_ev_val(a, id, &na);
    vb = fd_ev_val(b, id, &nb);
    return na == nb && memcmp(va, vb, na) == 0;
}

static uint64_t diffmask(state *st, const fd_event *e, const fd_event *a)
{
    uint64_t m = 0;
    int n = e->nf > a->nf ? e->nf : a->nf;

    /* Rows with the same columns in the same order whose text after seq
     * is the same have no difference, whatever the options. */
    if (e->plain && a->plain && e->used - e->off[1] == a->used - a->off[1] &&
        memcmp(e->data + e->off[1], a->data + a->off[1], e->used - e->off[1]) == 0)
        return 0;
    for (int id = 1; id < n; id++) {
        if (st->o->ignore & (UINT64_C(1) << id))
            continue;
        if (id >= FD_F_KNOWN && !(st->extras & (UINT64_C(1) << id)))
            continue;
        if (id == FD_F_TS || id == FD_F_START) {
            if (!fd_field_equal(e, a, id, st->o->tol))
                m |= UINT64_C(1) << id;
        } else {
            uint32_t ne = id < e->nf ? e->len[id] : 0;
            uint32_t na = id < a->nf ? a->len[id] : 0;
            if (ne != na || (ne && memcmp(e->data + e->off[id],
                                          a->data + a->off[id], ne)))
                m |= UINT64_C(1) << id;
        }
    }
    return m;
}

/* ---- flow table ---- */

static int grow(state *st)
{
    size_t nsize = (st->mask + 1) * 2;
    flow **nt = calloc(nsize, sizeof *nt);

    if (!nt)
        return -1;
    for (size_t i = 0; i <= st->mask; i++) {
        flow *f = st->tab[i], *nx;
        for (; f; f = nx) {
            nx = f->hnext;
            f->hnext = nt[f->hash & (nsize - 1)];
            nt[f->hash & (nsize - 1)] = f;
        }
    }
    free(st->tab);
    st->tab = nt;
    st->mask = nsize - 1;
    return 0;
}

static flow *lookup(state *st, int s, const fd_event *ev)
{
    const char *kb = ev->data + ev->used;
    size_t klen = ev->klen;
    flow *f, *best = NULL;
    fc_ts bestd = 0;
    uint32_t h = ev->hash;
    int o = 1 - s;

    for (f = st->tab[h & st->mask]; f; f = f->hnext) {
        if (f->hash != h || f->klen != klen || memcmp(f->k, kb, klen))
            continue;
        if (f->present[s] && f->start[s] == ev->start)
            return f;
        if (!f->present[s] && f->present[o]) {
            fc_ts d = f->start[o] > ev->start ? f->start[o] - ev->start
                                              : ev->start - f->start[o];
            if (d <= st->o->tol && (!best || d < bestd ||
                                    (d == bestd && f->id < best->id))) {
                best = f;
                bestd = d;
            }
        }
    }
    if (best) {
        best->present[s] = 1;
        best->start[s] = ev->start;
        return best;
    }
    if (klen > UINT32_MAX || !(f = calloc(1, sizeof *f + klen)))
        return NULL;
    memcpy(f->k, kb, klen);
    f->klen = (uint32_t)klen;
    f->hash = h;
    f->id = ++st->next_id;
    f->present[s] = 1;
    f->start[s] = ev->start;
    f->hnext = st->tab[h & st->mask];
    st->tab[h & st->mask] = f;
    if (++st->count > st->mask && grow(st) != 0)
        return NULL;
    return f;
}

static void unlink_flow(state *st, flow *f)
{
    flow **pp = &st->tab[f->hash & st->mask];

    while (*pp != f)
        pp = &(*pp)->hnext;
    *pp = f->hnext;
    st->count--;
}

static void flow_free(state *st, flow *f)
{
    for (int s = 0; s < 2; s++) {
        fd_event *e = f->qh[s], *nx;
        for (; e; e = nx) {
            nx = e->next;
            ev_put(st, e);
        }
    }
    for (int i = 0; i < f->nctx; i++)
        ev_put(st, f->ctx[i].ev);
    detail_free(st, f->detail);
    free(f);
}

/* Moves the flow's context into d, reading rows again where only their
 * place was kept. 0, -1 out of memory, or -2 printed. */
static int ctx_detail(state *st, flow *f, fd_detail *d)
{
    for (int i = 0; i < f->nctx; i++) {
        fd_event *e = f->ctx[i].ev;
        if (!e) {
            if (!(e = ev_get(st)))
                return -1;
            if (fd_reader_reread(st->rd[0], &f->ctx[i].at, e) != 0) {
                ev_put(st, e);
                return -2;
            }
        }
        f->ctx[i].ev = NULL;
        d->ctx[d->nctx++] = e;
    }
    f->nctx = 0;
    return 0;
}

/* ---- results ---- */

static int res_cmp(const fd_result *a, const fd_result *b)
{
    int c;

    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    c = strcmp(a->key, b->key);
    if (c)
        return c;
    return a->status - b->status;
}

static int res_qcmp(const void *a, const void *b)
{
    return res_cmp(a, b);
}

/* Keeps the details of the first max_report changed flows in output
 * order; the others lose theirs. */
static int keep_detail(state *st, size_t idx)
{
    fd_result *r = st->sum->res;
    size_t lo = 0, hi = st->nkept, max = st->o->max_report;

    if (max == 0) {
        detail_free(st, r[idx].detail);
        r[idx].detail = NULL;
        return 0;
    }
    if (st->nkept == max) {
        size_t last = st->kept[max - 1];
        if (res_cmp(&r[idx], &r[last]) > 0) {
            detail_free(st, r[idx].detail);
            r[idx].detail = NULL;
            return 0;
        }
        detail_free(st, r[last].detail);
        r[last].detail = NULL;
        st->nkept--;
    }
    if (!st->kept && !(st->kept = malloc(max * sizeof(size_t))))
        return -1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (res_cmp(&r[st->kept[mid]], &r[idx]) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(st->kept + lo + 1, st->kept + lo, (st->nkept - lo) * sizeof(size_t));
    st->kept[lo] = idx;
    st->nkept++;
    return 0;
}

static char *summary_text(const fd_result *r, const fd_detail *d)
{
    char buf[512];
    size_t na, nb;
    const char *va, *vb;
    int id, more = 0;

    if (r->status == FD_ONLY_EXP || r->status == FD_ONLY_ACT) {
        snprintf(buf, sizeof buf, "only in %s (%llu events)",
                 r->status == FD_ONLY_EXP ? "expected" : "actual",
                 (unsigned long long)r->nev[r->status == FD_ONLY_EXP ? 0 : 1]);
    } else if (r->status == FD_SAME) {
        return NULL;
    } else if (!d->exp || !d->act) {
        const fd_event *e = d->exp ? d->exp : d->act;
        snprintf(buf, sizeof buf, "event %llu: %s has no event, %s has %s",
                 (unsigned long long)r->index, d->exp ? "actual" : "expected",
                 d->exp ? "expected" : "actual", fd_event_names[e->type]);
    } else {
        for (id = 1; id < FD_MAXF && !(d->diffmask & (UINT64_C(1) << id)); id++)
            ;
        for (int j = id + 1; j < FD_MAXF; j++)
            more += (d->diffmask >> j) & 1;
        va = fd_ev_val(d->exp, id, &na);
        vb = fd_ev_val(d->act, id, &nb);
        snprintf(buf, sizeof buf,
                 "event %llu (%s): %s expected '%.*s', actual '%.*s'%s",
                 (unsigned long long)r->index, fd_event_names[d->exp->type],
                 fd_field_name(id), (int)(na > 100 ? 100 : na), va,
                 (int)(nb > 100 ? 100 : nb), vb,
                 more ? " (and more fields)" : "");
    }
    return strdup(buf);
}

static int finalize(state *st, flow *f)
{
    fd_summary *sum = st->sum;
    fd_result *r;
    char *p;
    int status;

    unlink_flow(st, f);
    if (f->present[0] && f->present[1]) {
        if (!f->changed && (f->qh[0] || f->qh[1])) {
            fd_detail *d = calloc(1, sizeof *d);
            int rc;
            if (!d)
                goto oom;
            if ((rc = ctx_detail(st, f, d)) != 0) {
                detail_free(st, d);
                flow_free(st, f);
                return rc;
            }
            for (int s = 0; s < 2; s++) {
                fd_event *e = f->qh[s];
                if (e) {
                    f->qh[s] = e->next;
                    if (!f->qh[s])
                        f->qt[s] = NULL;
                    e->next = NULL;
                }
                if (s == 0)
                    d->exp = e;
                else
                    d->act = e;
            }
            f->changed = 1;
            f->detail = d;
            f->index = f->ncmp + 1;
        }
        status = f->changed ? FD_CHANGED : FD_SAME;
    } else {
        status = f->present[0] ? FD_ONLY_EXP : FD_ONLY_ACT;
    }
    sum->flows++;
    if (status == FD_SAME)
        sum->identical++;
    else if (status == FD_CHANGED)
        sum->changed++;
    else if (status == FD_ONLY_EXP)
        sum->only_exp++;
    else
        sum->only_act++;
    if (status == FD_SAME && !st->o->keep_all) {
        flow_free(st, f);
        return 0;
    }
    if (sum->nres == st->rescap) {
        size_t nc = st->rescap ? st->rescap * 2 : 64;
        fd_result *a = realloc(sum->res, nc * sizeof *a);
        if (!a)
            goto oom;
        sum->res = a;
        st->rescap = nc;
    }
    r = &sum->res[sum->nres];
    memset(r, 0, sizeof *r);
    r->status = status;
    r->start = f->start[f->present[0] ? 0 : 1];
    fc_ts_format(r->start, r->start_txt, sizeof r->start_txt);
    r->nev[0] = f->nev[0];
    r->nev[1] = f->nev[1];
    r->index = f->index;
    r->detail = f->detail;
    f->detail = NULL;
    /* Split the key copy into its parts. */
    r->proto = malloc(f->klen + 1);
    r->key = malloc(f->klen * 2 + 32);
    if (!r->proto || !r->key) {
        free(r->proto);
        free(r->key);
        detail_free(st, r->detail);
        goto oom;
    }
    memcpy(r->proto, f->k, f->klen);
    r->proto[f->klen] = '\0';
    {
        char *part[5];
        p = r->proto;
        for (int i = 0; i < 5; i++) {
            part[i] = p;
            p = strchr(p, '|');
            *p++ = '\0';
        }
        r->orig_h = part[1];
        r->resp_h = part[3];
        r->orig_p = strtoul(part[2], NULL, 10);
        r->resp_p = strtoul(part[4], NULL, 10);
        fd__key_text(r->key, f->klen * 2 + 32, part[0], strlen(part[0]), part[1],
                 strlen(part[1]), part[2], strlen(part[2]), part[3],
                 strlen(part[3]), part[4], strlen(part[4]));
    }
    r->summary = summary_text(r, r->detail);
    sum->nres++;
    flow_free(st, f);
    if (r->detail && keep_detail(st, sum->nres - 1) != 0)
        return -1;
    return 0;
oom:
    flow_free(st, f);
    return -1;
}

/* ---- pairing ---- */

/* Compares e (expected) with a; both are consumed. 0, -1 out of memory,
 * or -2 printed. */
static int pair(state *st, flow *f, fd_event *e, fd_event *a)
{
    ctxent *c;
    uint64_t m;

    f->ncmp++;
    st->sum->events_compared++;
    if (f->changed) {
        ev_put(st, e);
        ev_put(st, a);
        return 0;
    }
    m = diffmask(st, e, a);
    if (m) {
        fd_detail *d = calloc(1, sizeof *d);
        int rc = d ? ctx_detail(st, f, d) : -1;
        if (rc != 0) {
            detail_free(st, d);
            ev_put(st, e);
            ev_put(st, a);
            return rc;
        }
        d->exp = e;
        d->act = a;
        d->diffmask = m;
        f->detail = d;
        f->changed = 1;
        f->index = f->ncmp;
        return 0;
    }
    if (f->nctx == 3) {
        ev_put(st, f->ctx[0].ev);
        f->ctx[0] = f->ctx[1];
        f->ctx[1] = f->ctx[2];
        f->nctx = 2;
    }
    c = &f->ctx[f->nctx++];
    if (st->reread) {
        c->ev = NULL;
        c->at.off = e->foff;
        c->at.len = e->rawlen;
        c->at.line = e->line;
        c->at.seq = e->seq;
        ev_put(st, e);
    } else {
        c->ev = e;
    }
    ev_put(st, a);
    return 0;
}

/* Files ev (consumed, even on failure) under its flow. 0, -1 out of
 * memory, or -2 printed. */
static int process(state *st, int s, fd_event *ev)
{
    flow *f = lookup(st, s, ev);
    int o = 1 - s, ended = ev->type == FD_EV_ENDED;

    if (!f) {
        ev_put(st, ev);
        return -1;
    }
    f->nev[s]++;
    st->sum->events[s]++;
    if (st->ord.on && fd__order_push(&st->ord, s, f->id, ev) != 0) {
        ev_put(st, ev);
        return -1;
    }
    if (f->qh[o]) {
        fd_event *x = f->qh[o];
        f->qh[o] = x->next;
        if (!f->qh[o])
            f->qt[o] = NULL;
        x->next = NULL;
        int rc = pair(st, f, s == 0 ? ev : x, s == 0 ? x : ev);
        if (rc != 0)
            return rc;
    } else {
        ev->next = NULL;
        if (f->qt[s])
            f->qt[s]->next = ev;
        else
            f->qh[s] = ev;
        f->qt[s] = ev;
    }
    if (ended)
        f->ended[s] = 1;
    if (f->ended[0] && f->ended[1])
        return finalize(st, f);
    return 0;
}

static int check_fmt(state *st, const int have[2])
{
    const char *n0 = fd_reader_name(st->rd[0]), *n1 = fd_reader_name(st->rd[1]);
    int f0 = fd_reader_fmt(st->rd[0]), f1 = fd_reader_fmt(st->rd[1]);

    if (have[0] && have[1] && f0 != f1) {
        fprintf(stderr, "flowdiff: %s uses event format %d, %s uses %d\n", n0,
                f0, n1, f1);
        return -1;
    }
    for (int s = 0; s < 2; s++) {
        int f = s ? f1 : f0;
        if (have[s] && f != FD_FMT_KNOWN) {
            fprintf(stderr,
                    "flowdiff: %s uses event format %d; this flowdiff reads format %d\n",
                    s ? n1 : n0, f, FD_FMT_KNOWN);
            return -1;
        }
    }
    return 0;
}

/* Frees the aligner's state; the results' details too unless the
 * report still needs them (fd_summary_free frees those). */
static void cleanup(state *st, int details)
{
    for (size_t i = 0; st->tab && i <= st->mask; i++) {
        flow *f = st->tab[i], *nx;
        for (; f; f = nx) {
            nx = f->hnext;
            flow_free(st, f);
        }
    }
    free(st->tab);
    for (size_t i = 0; details && i < st->sum->nres; i++) {
        detail_free(st, st->sum->res[i].detail);
        st->sum->res[i].detail = NULL;
    }
    while (st->pool) {
        fd_event *e = st->pool;
        st->pool = e->next;
        fd_event_free(e);
    }
    fd__order_free(&st->ord);
    free(st->kept);
}

/* ---- inputs ---- */

#define AHEAD 8 /* events read ahead of the merge, where allowed */

/* The next events of one input, oldest first. Reading ahead lets the
 * flow table be prefetched for events before they are processed.
 *
 * This is not libflowcore's look-ahead ring (libcore/fc_ring.h), and on
 * purpose does not use it: that ring carries captured packets to a flow
 * engine (decode, key, prefetch the engine's table, track in order);
 * this window holds parsed rows of one of two inputs for a merge by
 * time, with a depth that changes at run time (1 until the formats are
 * checked, and 1 where reading ahead would move where a read error is
 * reported: setup_side), prefetching flowdiff's own pairing table. They
 * share only the modulo arithmetic, and the ring is internal to the
 * library, which tools reach through its installed headers alone. */
typedef struct side {
    fd_event *ev[AHEAD];
    unsigned head, n, depth;
    int end;                  /* after ev: 1 more, 0 end of input, -1 error */
} side;

/* Reads one event into sd. 0, or -1 out of memory. */
static int read_one(state *st, side *sd, int s)
{
    fd_event *e = ev_get(st);
    int rc;

    if (!e)
        return -1;
    if ((rc = fd_reader_next(st->rd[s], e)) != 1) {
        ev_put(st, e);
        sd->end = rc;
        return 0;
    }
    sd->ev[(sd->head + sd->n++) % AHEAD] = e;
    /* The flow table is larger than the cache: start loading the
     * event's bucket now, and its flow once the bucket is in. */
    __builtin_prefetch(&st->tab[e->hash & st->mask]);
    if (sd->n > sd->depth / 2) {
        const fd_event *m = sd->ev[(sd->head + sd->depth / 2) % AHEAD];
        const flow *f = st->tab[m->hash & st->mask];
        if (f) {
            __builtin_prefetch(f);
            __builtin_prefetch(f->k);
        }
    }
    return 0;
}

static int refill(state *st, side *sd, int s)
{
    while (sd->n < sd->depth && sd->end == 1)
        if (read_one(st, sd, s) != 0)
            return -1;
    return 0;
}

/* Reading ahead moves where a read error is met, so it is only done
 * where the message can be held back until the merge reaches the row
 * (regular files: a replayed capture's exit is reported by the spawner
 * directly) and where rows cannot add fields (their ids would follow
 * reading order, not merge order: CSV only). */
static void setup_side(state *st, side *sd, int s)
{
    fd_reader *r = st->rd[s];

    if (fd_reader_seekable(r) && fd_reader_fixed_fields(r)) {
        sd->depth = AHEAD;
        fd_reader_hold(r);
    }
}

int fd_compare(fd_reader *exp, fd_reader *act, const fd_opts *o,
               fd_summary *out)
{
    side sd[2];
    state st;
    int have[2], rc = -1, e, fixed;

    memset(out, 0, sizeof *out);
    memset(&st, 0, sizeof st);
    memset(sd, 0, sizeof sd);
    st.o = o;
    st.rd[0] = exp;
    st.rd[1] = act;
    st.sum = out;
    st.ord.on = o->strict_order;
    st.ord.sum = out;
    st.reread = fd_reader_seekable(exp);
    st.mask = 1023;
    st.tab = calloc(st.mask + 1, sizeof *st.tab);
    if (!st.tab)
        goto oom;
    /* The first rows are read before anything else, so the header and
     * format checks fail in file order. */
    for (int s = 0; s < 2; s++) {
        sd[s].depth = 1;
        sd[s].end = 1;
        if (read_one(&st, &sd[s], s) != 0)
            goto oom;
        have[s] = sd[s].n ? 1 : sd[s].end;
        if (have[s] < 0)
            goto out;
    }
    if (check_fmt(&st, have) != 0)
        goto out;
    fixed = fd_reader_fixed_fields(exp) && fd_reader_fixed_fields(act);
    st.extras = fd_reader_fields(exp) | fd_reader_fields(act);
    for (int s = 0; s < 2; s++)
        if (have[s] == 1) {
            setup_side(&st, &sd[s], s);
            if (refill(&st, &sd[s], s) != 0)
                goto oom;
        }
    for (;;) {
        int s;
        fd_event *c0, *c1;
        for (s = 0; s < 2; s++)
            if ((have[s] = sd[s].n ? 1 : sd[s].end) < 0) {
                fd_reader_release(st.rd[s], 1);
                goto out;
            }
        if (have[0] != 1 && have[1] != 1)
            break;
        if (!fixed) /* JSONL rows can name new fields */
            st.extras = fd_reader_fields(exp) | fd_reader_fields(act);
        c0 = sd[0].ev[sd[0].head % AHEAD];
        c1 = sd[1].ev[sd[1].head % AHEAD];
        s = have[0] == 1 && (have[1] != 1 || c0->ts <= c1->ts) ? 0 : 1;
        sd[s].head++;
        sd[s].n--;
        e = process(&st, s, s ? c1 : c0);
        if (e != 0) {
            if (e == -2)
                goto out;
            goto oom;
        }
        if (refill(&st, &sd[s], s) != 0)
            goto oom;
    }
    st.extras = fd_reader_fields(exp) | fd_reader_fields(act);
    fd__order_finish(&st.ord);
    for (size_t i = 0; i <= st.mask; i++)
        while (st.tab[i])
            if ((e = finalize(&st, st.tab[i])) != 0) {
                if (e == -2)
                    goto out;
                goto oom;
            }
    if (out->nres > 1)
        qsort(out->res, out->nres, sizeof *out->res, res_qcmp);
    for (size_t i = 0; i < out->nres; i++)
        out->detailed += out->res[i].detail != NULL;
    rc = 0;
    goto out;
oom:
    fprintf(stderr, "flowdiff: out of memory\n");
out:
    for (int s = 0; s < 2; s++) {
        fd_reader_release(st.rd[s], 0); /* rows never reached */
        for (; sd[s].n; sd[s].n--)
            ev_put(&st, sd[s].ev[sd[s].head++ % AHEAD]);
    }
    if (rc != 0) {
        cleanup(&st, 1);
        fd_summary_free(out);
        return -1;
    }
    cleanup(&st, 0);
    return rc;
}

void fd_summary_free(fd_summary *s)
{
    for (size_t i = 0; i < s->nres; i++) {
        fd_result *r = &s->res[i];
        fd_detail *d = r->detail;
        if (d) {
            for (int j = 0; j < d->nctx; j++)
                fd_event_free(d->ctx[j]);
            fd_event_free(d->exp);
            fd_event_free(d->act);
            free(d);
        }
        free(r->proto);
        free(r->key);
        free(r->summary);
    }
    free(s->res);
    memset(s, 0, sizeof *s);
}
