/* fc_zeek_tcp.c - one TCP segment as Zeek's TCP session adapter sees it:
 * checksum, endpoint sequence bookkeeping, history letters, the endpoint
 * state machine, content gaps (missed_bytes) and the timers that decide
 * when the connection is logged. Section numbers (§) refer to
 * shared/docs/zeek-conn-semantics.md. */
#include <string.h>
#include "fc_key.h"
#include "fc_zeek.h"
#include "fc_zeek_int.h"

enum {
    ZI = FC_ZEEK_TCP_INACTIVE,
    ZSS = FC_ZEEK_TCP_SYN_SENT,
    ZSA = FC_ZEEK_TCP_SYN_ACK_SENT,
    ZP = FC_ZEEK_TCP_PARTIAL,
    ZE = FC_ZEEK_TCP_ESTABLISHED,
    ZC = FC_ZEEK_TCP_CLOSED,
    ZR = FC_ZEEK_TCP_RESET
};

/* Per-packet view shared by the steps below. `s`/`p` follow the sender
 * and its peer even across a flip (they are re-pointed then). */
typedef struct seg {
    fc_zeek_rec *r;
    const fc_zeek_opts *o;
    fc_zeek_ep *s, *p;
    int role;           /* sender's current role */
    int arrival_orig;   /* sender was orig when the packet arrived */
    uint8_t flags;
    uint32_t seq, ack, len;
    int64_t rel_seq;
} seg;

static int early(int st)
{
    return st == ZI || st == ZSS || st == ZSA;
}

static void set_state(seg *g, fc_zeek_ep *e, int st)
{
    fc_zeek_ep *other = e == g->s ? g->p : g->s;
    if (e->state == st)
        return;
    /* §5: the inactivity timeout grows to 5 min the first time one side
     * leaves the handshake states while the other is still in them */
    if (early(e->state) && !early(st) && early(other->state) &&
        g->r->inactivity == fc__zeek_udp_inactivity(g->o))
        g->r->inactivity = fc__zeek_tcp_inactivity(g->o);
    e->prev_state = e->state;
    e->state = (uint8_t)st;
}

static void do_flip(seg *g)
{
    fc__zeek_flip(g->r);
    fc_zeek_ep *t = g->s;
    g->s = g->p;
    g->p = t;
    g->role = !g->role;
}

/* A letter checked through TCP_Endpoint::CheckHistory: a SYN-ACK-first
 * connection whose history is exactly "H" flips on the first A or D. */
static void check_hist(seg *g, uint32_t mask, char code)
{
    fc_zeek_rec *r = g->r;
    if ((code == 'A' || code == 'D') && r->hist_len == 1 && r->hist[0] == 'H') {
        do_flip(g);
        r->hist[0] = '^';
        r->hist[1] = 'h';
        r->hist_len = 2;
    }
    fc__zeek_check_history(r, g->role, mask, code);
}

/* Writes code again only when the role saw it before and the sequence
 * value differs from the last one (S/H, F, R). */
static void check_hist_seq(seg *g, uint32_t mask, char code, uint64_t v, uint64_t *last)
{
    if (fc__zeek_check_history(g->r, g->role, mask, code) && v != *last)
        fc__zeek_hist_add(g->r, g->role ? fc__zeek_lower(code) : code);
    *last = v;
}

static void update_history(seg *g)
{
    int syn = !!(g->flags & FC_TH_SYN), fin = !!(g->flags & FC_TH_FIN);
    int rst = !!(g->flags & FC_TH_RST), n = syn + fin + rst;
    if (n > 1) {
        if (fin && rst)
            check_hist(g, FC__ZH_FIN_RST, 'I');
        else
            check_hist(g, FC__ZH_MULTI, 'Q');
    } else if (n == 1) {
        uint64_t rel = (uint64_t)g->rel_seq;
        fc_zeek_eplt *l = &g->r->lt[g->s - g->r->ep];
        if (syn)
            check_hist_seq(g, FC__ZH_SYN, (g->flags & FC_TH_ACK) ? 'H' : 'S', rel,
                           &l->hist_last_syn);
        if (fin)
            check_hist_seq(g, FC__ZH_FIN, 'F', rel + g->len, &l->hist_last_fin);
        if (rst)
            check_hist_seq(g, FC__ZH_RST, 'R', rel, &l->hist_last_rst);
    } else if (g->len) {
        check_hist(g, FC__ZH_DATA, 'D');
    } else if (g->flags & FC_TH_ACK) {
        check_hist(g, FC__ZH_ACK, 'A');
    }
}

/* init_endpoint: sequence origin from the sender's first packet. */
static void init_endpoint(seg *g, uint32_t seq_end)
{
    fc_zeek_ep *e = g->s;
    int syn = g->flags & FC_TH_SYN;
    if (e->state == ZI || (e->state == ZR && syn && e->prev_state == ZI)) {
        if (syn) {
            e->start_seq = e->ack_seq = g->seq;
            e->last_seq = seq_end;
        } else {
            /* as though a SYN preceded, so the first data byte is rel 1 */
            e->start_seq = e->ack_seq = e->last_seq = g->seq - 1;
        }
        e->seq_wraps = e->ack_wraps = 0;
        e->next_rel = 1;
        e->trim_rel = 0;
        e->nranges = 0;
    } else if ((e->state == ZSS || e->state == ZSA) && syn && g->seq != e->start_seq) {
        e->start_seq = e->ack_seq = g->seq;
        e->last_seq = seq_end;
        e->seq_wraps = e->ack_wraps = 0;
    }
}

/* init_peer: an INACTIVE peer takes its provisional ISN from our ACK. */
static void init_peer(seg *g)
{
    fc_zeek_ep *p = g->p;
    if (p->state != ZI || !(g->flags & FC_TH_ACK) || (g->flags & FC_TH_RST))
        return;
    p->start_seq = p->ack_seq = p->last_seq = g->ack - 1;
    p->seq_wraps = p->ack_wraps = 0;
    p->next_rel = 1;
    p->trim_rel = 0;
    p->nranges = 0;
}

static int64_t relative_seq(const fc_zeek_ep *e, uint32_t cur)
{
    int32_t delta = fc__seq_delta(cur, e->last_seq);
    uint32_t wraps = e->seq_wraps;
    if (delta < 0 && wraps && cur > e->last_seq)
        wraps--;
    else if (delta > 0 && cur < e->last_seq)
        wraps++;
    if (wraps == 0)
        return fc__seq_delta(cur, e->start_seq);
    return (int64_t)(((uint64_t)wraps << 32) + cur) - (int64_t)e->start_seq;
}

/* update_last_seq: the highest sequence end this side sent; T letters. */
static void update_last_seq(seg *g, uint32_t seq_end)
{
    fc_zeek_ep *e = g->s;
    int32_t delta = fc__seq_delta(seq_end, e->last_seq);
    if (e->state == ZR)
        return;
    if ((g->flags & (FC_TH_SYN | FC_TH_RST)) &&
        (delta > FC__ZEEK_TOO_LARGE_SEQ_DELTA || delta < -FC__ZEEK_TOO_LARGE_SEQ_DELTA))
        return;
    if (delta <= 0 && g->len > 0) {
        fc__zeek_scaled(g->r, g->role, FC__ZS_T, 'T');
    } else if (delta > 0 ||
               ((g->flags & FC_TH_FIN) && e->last_seq == e->start_seq + 1)) {
        if (seq_end < e->last_seq && delta > 0)
            e->seq_wraps++;
        e->last_seq = seq_end;
    }
}

static void update_ack_seq(fc_zeek_ep *peer, uint32_t ack)
{
    int32_t delta = fc__seq_delta(ack, peer->ack_seq);
    if (ack == 0 && delta > FC__ZEEK_TOO_LARGE_SEQ_DELTA)
        return; /* a broken ack, not a wrap landing on 0 */
    if (delta > 0) {
        if (ack < peer->ack_seq)
            peer->ack_wraps++;
        peer->ack_seq = ack;
    }
}

/* ---------------------------------------------------- state machine */

static void closed_by(seg *g, fc_zeek_ep *e)
{
    fc_zeek_ep *other = e == g->s ? g->p : g->s;
    e->did_close = 1;
    /* §5: a complete close removes the connection 5 s after last_time */
    if ((g->flags & FC_TH_RST) || other->did_close || other->state == ZI)
        g->r->close_at = g->r->last + FC_SEC(5);
}

static void fin_rst(seg *g)
{
    if (g->flags & FC_TH_FIN) {
        set_state(g, g->s, ZC);
        closed_by(g, g->s);
    }
    if (g->flags & FC_TH_RST) {
        set_state(g, g->s, ZR);
        closed_by(g, g->s);
    }
}

static void st_inactive(seg *g, fc_ts ts)
{
    fc_zeek_ep *e = g->s, *p = g->p;
    if (g->flags & FC_TH_SYN) {
        if (g->arrival_orig) {
            set_state(g, e, (g->flags & FC_TH_ACK) ? ZSA : ZSS);
            if (!g->r->attempt_at)
                g->r->attempt_at = ts + FC_SEC(5);
        } else {
            if (!(g->flags & FC_TH_ACK) && p->state == ZSA) {
                /* SYN/SYN-ACK reversal: the letter is already written */
                do_flip(g);
                set_state(g, g->p, ZE);
            }
            if (g->p->state == ZSS)
                set_state(g, g->p, ZE);
            set_state(g, g->s, ZE);
        }
    }
    fin_rst(g);
    if (g->s->state == ZI) {
        if (!g->arrival_orig && g->len == 0 && g->p->state == ZSS)
            return; /* a responder's pure ACK before its SYN-ACK */
        if ((g->flags & FC_TH_ACK) && g->p->state == ZE)
            set_state(g, g->s, ZE);
        else
            set_state(g, g->s, ZP);
    }
}

static void st_established(seg *g)
{
    fc_zeek_ep *e = g->s, *p = g->p;
    int f = g->flags;
    if ((f & FC_TH_SYN) && !(f & FC_TH_ACK) && e->state == ZP && p->state == ZI)
        set_state(g, e, ZSS);
    if ((f & FC_TH_FIN) && !(f & FC_TH_RST)) {
        set_state(g, e, ZC);
        closed_by(g, e);
        if (p->state == ZR && p->prev_state == ZC)
            set_state(g, p, ZC);
    }
    if (f & FC_TH_RST) {
        set_state(g, e, ZR);
        closed_by(g, e);
    }
}

static void state_machine(seg *g, fc_ts ts)
{
    switch (g->s->state) {
    case ZI:
        st_inactive(g, ts);
        break;
    case ZSS:
    case ZSA:
        fin_rst(g);
        break;
    case ZE:
    case ZP:
        st_established(g);
        break;
    case ZC:
        if ((g->flags & FC_TH_RST) && g->p->state != ZC) {
            set_state(g, g->s, ZR);
            closed_by(g, g->s);
        }
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------ content gaps */

static int clean(const fc_zeek_ep *e)
{
    return e->state == ZE || (e->state == ZC && e->prev_state == ZE);
}

/* The stored blocks of endpoint e. */
static fc_zeek_gaps *gaps_of(fc_zeek_rec *r, const fc_zeek_ep *e)
{
    return &r->gap[e - r->ep];
}

/* Moves next_rel over stored blocks that now touch it. */
static void absorb(fc_zeek_ep *e, fc_zeek_gaps *b)
{
    for (int i = 0; i < e->nranges;) {
        if (b->lo[i] <= e->next_rel) {
            if (b->hi[i] > e->next_rel)
                e->next_rel = b->hi[i];
            b->lo[i] = b->lo[--e->nranges];
            b->hi[i] = b->hi[e->nranges];
            i = 0; /* next_rel moved: look at every block again */
        } else {
            i++;
        }
    }
}

/* Stores data [lo, hi) sent by e (relative sequence numbers). A full
 * block list drops the data, which at worst reports it as a gap later. */
static void store_data(fc_zeek_ep *e, fc_zeek_gaps *b, uint64_t lo, uint64_t hi)
{
    if (lo < e->next_rel)
        lo = e->next_rel;
    if (lo < e->trim_rel)
        lo = e->trim_rel;
    if (hi <= lo)
        return;
    if (lo == e->next_rel) {
        e->next_rel = hi;
    } else if (e->nranges < FC_ZEEK_GAP_RANGES) {
        b->lo[e->nranges] = lo;
        b->hi[e->nranges++] = hi;
    }
    if (e->nranges)
        absorb(e, b);
}

/* The peer Y acked X's data up to relative `a`: every hole below it is a
 * content gap (reported only while both sides are clean). */
static void ack_received(seg *g, fc_zeek_ep *x, int xrole, uint64_t a)
{
    fc_zeek_rec *r = g->r;
    if (a <= x->trim_rel || a <= x->next_rel) {
        if (a > x->trim_rel)
            x->trim_rel = a;
        return;
    }
    int report = clean(x) && clean(x == g->s ? g->p : g->s) && !(a <= 2 && !r->clean_start);
    fc_zeek_gaps *b = gaps_of(r, x);
    while (x->next_rel < a) {
        /* the lowest stored block, if it starts below a */
        uint64_t nlo = a;
        for (int i = 0; i < x->nranges; i++)
            if (b->lo[i] < nlo)
                nlo = b->lo[i];
        if (report) {
            r->missed += nlo - x->next_rel;
            fc__zeek_scaled(r, xrole, FC__ZS_G, 'G');
        }
        x->next_rel = nlo;
        absorb(x, b);
    }
    x->trim_rel = a;
    /* drop stored data below the ack */
    for (int i = 0; i < x->nranges;) {
        if (b->hi[i] <= a) {
            b->lo[i] = b->lo[--x->nranges];
            b->hi[i] = b->hi[x->nranges];
        } else {
            i++;
        }
    }
}

static void gaps(seg *g, const fc_decoded *d)
{
    fc_zeek_ep *s = g->s, *p = g->p;
    /* the sender's data enters the reassembler only if fully captured */
    if (g->len > 0 && !(g->flags & FC_TH_RST) && d->payload_len == g->len &&
        g->rel_seq + !!(g->flags & FC_TH_SYN) >= 1) {
        uint64_t lo = (uint64_t)g->rel_seq + !!(g->flags & FC_TH_SYN);
        store_data(s, gaps_of(g->r, s), lo, lo + g->len);
    }
    if (!(g->flags & FC_TH_ACK))
        return;
    uint64_t a;
    if (p->state == ZI) {
        a = 1;
    } else {
        int64_t rel = relative_seq(p, g->ack);
        a = rel < 0 ? 0 : (uint64_t)rel;
        if (p->fin_cnt) {
            int64_t fr = fc__seq_delta(p->fin_seq, p->start_seq);
            if (fr > 0 && a > (uint64_t)fr)
                a = (uint64_t)fr;
        }
    }
    ack_received(g, p, !g->role, a);
}

/* ---------------------------------------------------------- packet */

void fc__zeek_tcp_packet(fc_zeek_rec *r, const fc_zeek_opts *o, const fc_decoded *d,
                         const uint8_t *frame, size_t caplen, fc_ts ts, int role)
{
    seg g;
    if (d->tcp_cut)
        return; /* options cut short: the connection exists, the packet
                   counts for nothing (§2, ExtractTCP_Header) */
    uint32_t hl = (uint32_t)(d->payload_off - d->l4_off);
    uint32_t tl = hl + d->payload_wire;
    if (!o->ignore_checksums && d->l4_off + (size_t)tl <= caplen &&
        fc__zeek_l4_csum_bad(d, frame + d->l4_off, tl)) {
        fc__zeek_scaled(r, role, FC__ZS_C, 'C');
        return;
    }
    g.r = r;
    g.o = o;
    g.role = role;
    g.arrival_orig = role == 0;
    g.s = &r->ep[role];
    g.p = &r->ep[!role];
    g.flags = d->tcp_flags;
    g.seq = d->seq;
    g.ack = d->ack;
    g.len = d->payload_wire;

    int syn = !!(g.flags & FC_TH_SYN), fin = !!(g.flags & FC_TH_FIN);
    uint32_t seq_end = g.seq + ((g.flags & FC_TH_RST) ? 0 : g.len) + (uint32_t)syn + (uint32_t)fin;
    init_endpoint(&g, seq_end);
    init_peer(&g);
    g.rel_seq = relative_seq(g.s, g.seq);

    int both_closed = r->ep[0].did_close && r->ep[1].did_close;
    int s_reset = g.s->state == ZR, p_closed = g.p->state == ZC;
    update_history(&g);
    if (d->win == 0 && !(g.flags & FC_TH_RST) && !s_reset && !p_closed)
        fc__zeek_scaled(r, g.role, FC__ZS_W, 'W');
    if (!both_closed)
        r->last = ts;
    update_last_seq(&g, seq_end);
    if (fin && !g.s->fin_cnt) {
        g.s->fin_cnt = 1;
        g.s->fin_seq = g.seq + g.len + (uint32_t)syn;
    }
    state_machine(&g, ts);
    if ((g.flags & FC_TH_ACK) && !(g.flags & FC_TH_RST))
        update_ack_seq(g.p, g.ack);
    gaps(&g, d);
    if (!o->bare && r->inactivity < FC_SEC(3600) && r->ep[0].state == ZE &&
        r->ep[1].state == ZE) {
        uint16_t rp = r->resp_p;
        if (rp == 21 || rp == 22 || rp == 23 || rp == 513)
            r->inactivity = FC_SEC(3600);
    }
    g.s->pkts++;
    g.s->ip_bytes += d->ip_len;
}

/* TCP_Endpoint::Size */
uint64_t fc__zeek_tcp_size(const fc_zeek_ep *e, const fc_zeek_ep *peer)
{
    if (e->state == ZR && e->prev_state == ZSS && peer->state == ZI)
        return 0;
    uint64_t last = ((uint64_t)e->seq_wraps << 32) + e->last_seq;
    uint64_t ack = ((uint64_t)e->ack_wraps << 32) + e->ack_seq;
    uint64_t size = (last > ack ? last : ack) - (uint64_t)e->start_seq;
    if (size != 0)
        size--;
    if (e->fin_cnt && size != 0)
        size--;
    return size;
}
