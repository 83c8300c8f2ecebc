/* test_tracker.c - the tracker against the seed's test module (same test
 * names as in shared/seed/flowscope-tracker.rs), the state-machine table,
 * history truncation, the invariants, and a randomized comparison with a
 * naive reference model. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "fc_alloc.h"
#include "fc_error.h"
#include "fc_decode.h"
#include "fc_testframes.h"
#include "fc_tracker.h"
#include "fc_tracker_int.h"

static const uint8_t Z6[6] = {0};

/* ---- helpers ---- */

typedef struct evlist {
    fc_event ev[64];
    int n;
} evlist;

static void collect(void *ctx, const fc_event *ev)
{
    evlist *l = ctx;
    ck_assert_int_lt(l->n, 64);
    l->ev[l->n++] = *ev;
}

static fc_packet pkt_at(const uint8_t *frame, size_t len, fc_ts ts)
{
    fc_packet p = {frame, len, (uint32_t)len, ts, FC_LINK_EN10MB};
    return p;
}

/* Tracks a frame at second `sec`, appending its events to l (if any). */
static int track(fc_tracker *t, const uint8_t *frame, size_t len, int64_t sec, evlist *l)
{
    const fc_event *ev;
    fc_packet p = pkt_at(frame, len, FC_SEC(sec));
    int n = fc_tracker_track(t, &p, &ev);
    ck_assert_int_ge(n, 0);
    for (int i = 0; l && i < n; i++)
        collect(l, &ev[i]);
    return n;
}

static int count_type(const evlist *l, fc_event_type ty)
{
    int c = 0;
    for (int i = 0; i < l->n; i++)
        c += l->ev[i].type == ty;
    return c;
}

static const fc_event *find_type(const evlist *l, fc_event_type ty)
{
    for (int i = 0; i < l->n; i++)
        if (l->ev[i].type == ty)
            return &l->ev[i];
    return NULL;
}

static fc_tracker *new_tracker(const fc_tracker_config *cfg)
{
    fc_tracker *t = fc_tracker_new(cfg, 0, NULL, NULL, NULL, 0);
    ck_assert_ptr_nonnull(t);
    return t;
}

static size_t udp(uint8_t *buf, uint8_t s, uint8_t d, uint16_t sp, uint16_t dp,
                  const char *payload)
{
    const uint8_t src[4] = {10, 0, 0, s}, dst[4] = {10, 0, 0, d};
    return tf_ipv4_udp(buf, src, dst, sp, dp, payload, strlen(payload));
}

static size_t tcp(uint8_t *buf, uint8_t s, uint8_t d, uint16_t sp, uint16_t dp,
                  uint32_t seq, uint32_t ack, uint8_t flags, const char *payload)
{
    const uint8_t src[4] = {10, 0, 0, s}, dst[4] = {10, 0, 0, d};
    return tf_ipv4_tcp(buf, Z6, Z6, src, dst, sp, dp, seq, ack, flags, payload,
                       strlen(payload));
}

/* ---- the seed's tests, same names ---- */

START_TEST(single_udp_packet_started_and_packet_event)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t f[TF_BUFSZ];
    size_t n = udp(f, 1, 2, 1234, 53, "hi");
    evlist l = {.n = 0};
    track(t, f, n, 0, &l);
    ck_assert_int_eq(l.n, 2);
    ck_assert_int_eq(l.ev[0].type, FC_EV_STARTED);
    ck_assert_int_eq(l.ev[0].side, FC_SIDE_INITIATOR);
    ck_assert_int_eq(l.ev[0].key.proto, FC_PROTO_UDP);
    ck_assert_int_eq(l.ev[1].type, FC_EV_PACKET);
    ck_assert_uint_eq(fc_tracker_count(t), 1);
    ck_assert_uint_eq(fc_tracker_stats_get(t)->flows_created, 1);
    fc_tracker_free(t);
}
END_TEST

START_TEST(second_packet_no_started)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t f[TF_BUFSZ];
    size_t n = udp(f, 1, 2, 1234, 53, "hi");
    evlist l = {.n = 0};
    track(t, f, n, 0, NULL);
    track(t, f, n, 1, &l);
    ck_assert_int_eq(l.n, 1);
    ck_assert_int_eq(l.ev[0].type, FC_EV_PACKET);
    fc_tracker_free(t);
}
END_TEST

START_TEST(bidirectional_side_flips_on_reverse)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t fwd[TF_BUFSZ], rev[TF_BUFSZ];
    size_t nf = udp(fwd, 1, 2, 1234, 53, "a"), nr = udp(rev, 2, 1, 53, 1234, "b");
    evlist l = {.n = 0};
    track(t, fwd, nf, 0, NULL);
    track(t, rev, nr, 1, &l);
    const fc_event *p = find_type(&l, FC_EV_PACKET);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(p->side, FC_SIDE_RESPONDER);
    fc_tracker_free(t);
}
END_TEST

START_TEST(tcp_three_way_handshake_emits_established)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t a[TF_BUFSZ], b[TF_BUFSZ], c[TF_BUFSZ];
    size_t na = tcp(a, 1, 2, 1234, 80, 1000, 0, 0x02, "");
    size_t nb = tcp(b, 2, 1, 80, 1234, 5000, 1001, 0x12, "");
    size_t nc = tcp(c, 1, 2, 1234, 80, 1001, 5001, 0x10, "");
    evlist l = {.n = 0};
    track(t, a, na, 0, &l);
    track(t, b, nb, 0, &l);
    track(t, c, nc, 0, &l);
    ck_assert_int_eq(count_type(&l, FC_EV_ESTABLISHED), 1);
    fc_tracker_free(t);
}
END_TEST

START_TEST(tcp_rst_emits_ended_rst)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t a[TF_BUFSZ], b[TF_BUFSZ];
    size_t na = tcp(a, 1, 2, 1234, 80, 1, 0, 0x02, "");
    size_t nb = tcp(b, 2, 1, 80, 1234, 0, 0, 0x04, "");
    evlist l = {.n = 0};
    track(t, a, na, 0, &l);
    track(t, b, nb, 0, &l);
    const fc_event *e = find_type(&l, FC_EV_ENDED);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->reason, FC_END_RST);
    ck_assert_uint_eq(fc_tracker_count(t), 0);
    fc_tracker_free(t);
}
END_TEST

START_TEST(idle_timeout_sweep_evicts_udp)
{
    fc_tracker_config cfg;
    fc_tracker_config_default(&cfg);
    cfg.idle_timeout_udp = FC_SEC(60);
    fc_tracker *t = new_tracker(&cfg);
    uint8_t f[TF_BUFSZ];
    size_t n = udp(f, 1, 2, 1, 2, "x");
    evlist l = {.n = 0};
    track(t, f, n, 0, NULL);
    /* exactly at the threshold: idle == 60 s expires (>=) */
    ck_assert_int_eq(fc_tracker_sweep(t, FC_SEC(60), collect, &l), 1);
    ck_assert_int_eq(l.n, 1);
    ck_assert_int_eq(l.ev[0].reason, FC_END_IDLE_TIMEOUT);
    ck_assert_uint_eq(fc_tracker_count(t), 0);
    fc_tracker_free(t);
}
END_TEST

START_TEST(lru_evicts_oldest_on_overflow)
{
    fc_tracker_config cfg;
    fc_tracker_config_default(&cfg);
    cfg.max_flows = 2;
    fc_tracker *t = new_tracker(&cfg);
    uint8_t f1[TF_BUFSZ], f2[TF_BUFSZ], f3[TF_BUFSZ];
    size_t n1 = udp(f1, 1, 9, 1, 2, ""), n2 = udp(f2, 2, 9, 1, 2, ""), n3 = udp(f3, 3, 9, 1, 2, "");
    evlist l = {.n = 0};
    track(t, f1, n1, 0, NULL);
    track(t, f2, n2, 1, NULL);
    track(t, f3, n3, 2, &l);
    ck_assert_uint_eq(fc_tracker_count(t), 2);
    const fc_event *e = find_type(&l, FC_EV_ENDED);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->reason, FC_END_EVICTED);
    ck_assert_int_eq(e->key.a[3], 1); /* the oldest: 10.0.0.1 */
    ck_assert_int_eq(l.ev[0].type, FC_EV_ENDED); /* before Started */
    ck_assert_uint_eq(fc_tracker_stats_get(t)->flows_evicted, 1);
    fc_tracker_free(t);
}
END_TEST

static void init42(void *ctx, const fc_key *key, void *state)
{
    (void)ctx;
    (void)key;
    *(uint32_t *)state = 42;
}

START_TEST(user_state_initialized_per_flow)
{
    fc_tracker *t = fc_tracker_new(NULL, sizeof(uint32_t), init42, NULL, NULL, 0);
    ck_assert_ptr_nonnull(t);
    uint8_t f[TF_BUFSZ];
    const uint8_t s[4] = {1, 2, 3, 4}, d[4] = {5, 6, 7, 8};
    size_t n = tf_ipv4_udp(f, s, d, 1, 2, "x", 1);
    track(t, f, n, 0, NULL);
    fc_flow_iter it;
    fc_flow_info fi;
    fc_tracker_iter_init(t, &it);
    ck_assert(fc_tracker_iter_next(&it, &fi));
    ck_assert_uint_eq(*(uint32_t *)fi.user, 42);
    fc_tracker_free(t);
}
END_TEST

START_TEST(track_returns_no_events_on_unparseable)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t bad[4] = {0};
    ck_assert_int_eq(track(t, bad, sizeof bad, 0, NULL), 0);
    ck_assert_uint_eq(fc_tracker_stats_get(t)->packets_unmatched, 1);
    fc_tracker_free(t);
}
END_TEST

START_TEST(stats_counts_per_side_correctly)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t fwd[TF_BUFSZ], rev[TF_BUFSZ];
    size_t nf = udp(fwd, 1, 2, 1, 2, "x"), nr = udp(rev, 2, 1, 2, 1, "yy");
    track(t, fwd, nf, 0, NULL);
    track(t, rev, nr, 1, NULL);
    track(t, fwd, nf, 2, NULL);
    fc_flow_iter it;
    fc_flow_info fi;
    fc_tracker_iter_init(t, &it);
    ck_assert(fc_tracker_iter_next(&it, &fi));
    ck_assert_uint_eq(fi.stats->packets[FC_SIDE_INITIATOR], 2);
    ck_assert_uint_eq(fi.stats->packets[FC_SIDE_RESPONDER], 1);
    ck_assert_uint_eq(fi.stats->bytes[FC_SIDE_INITIATOR], 2 * nf);
    ck_assert_uint_eq(fi.stats->bytes[FC_SIDE_RESPONDER], nr);
    fc_tracker_free(t);
}
END_TEST

/* The seed's hot-cache tests look at a private field; here they check
 * the behaviour the cache must not change, through the public API. */
START_TEST(hot_cache_set_on_first_packet)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t f[TF_BUFSZ];
    size_t n = udp(f, 1, 2, 1, 2, "x");
    evlist l = {.n = 0};
    track(t, f, n, 0, &l);
    track(t, f, n, 0, &l); /* served by the cache */
    ck_assert_int_eq(count_type(&l, FC_EV_STARTED), 1);
    ck_assert_int_eq(count_type(&l, FC_EV_PACKET), 2);
    fc_tracker_free(t);
}
END_TEST

START_TEST(hot_cache_cleared_on_flow_end_via_rst)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t a[TF_BUFSZ], b[TF_BUFSZ];
    size_t na = tcp(a, 1, 2, 1234, 80, 1, 0, 0x02, "");
    size_t nb = tcp(b, 2, 1, 80, 1234, 0, 0, 0x04, "");
    evlist l = {.n = 0};
    track(t, a, na, 0, NULL);
    track(t, b, nb, 0, NULL);
    /* the same key again is a new flow: the cache must not point at it */
    track(t, a, na, 1, &l);
    ck_assert_int_eq(count_type(&l, FC_EV_STARTED), 1);
    ck_assert_uint_eq(fc_tracker_stats_get(t)->flows_created, 2);
    fc_tracker_free(t);
}
END_TEST

START_TEST(hot_cache_cleared_on_eviction)
{
    fc_tracker_config cfg;
    fc_tracker_config_default(&cfg);
    cfg.max_flows = 2;
    fc_tracker *t = new_tracker(&cfg);
    uint8_t f[TF_BUFSZ];
    for (uint16_t src = 1; src <= 3; src++) {
        size_t n = udp(f, 1, 2, src, 80, "x");
        track(t, f, n, 0, NULL);
    }
    /* the third flow is live (and the cached one); the first is gone */
    size_t n3 = udp(f, 1, 2, 3, 80, "x");
    evlist l = {.n = 0};
    track(t, f, n3, 0, &l);
    ck_assert_int_eq(l.n, 1);
    ck_assert_int_eq(l.ev[0].type, FC_EV_PACKET);
    size_t n1 = udp(f, 1, 2, 1, 80, "x");
    l.n = 0;
    track(t, f, n1, 0, &l);
    ck_assert_int_eq(count_type(&l, FC_EV_STARTED), 1);
    fc_tracker_free(t);
}
END_TEST

START_TEST(hot_cache_cleared_on_forget)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t f[TF_BUFSZ];
    size_t n = udp(f, 1, 2, 1, 2, "x");
    track(t, f, n, 0, NULL);
    fc_flow_iter it;
    fc_flow_info fi;
    fc_tracker_iter_init(t, &it);
    ck_assert(fc_tracker_iter_next(&it, &fi));
    fc_key key = *fi.key;
    ck_assert(fc_tracker_forget(t, &key));
    ck_assert(!fc_tracker_peek(t, &key, NULL));
    evlist l = {.n = 0};
    track(t, f, n, 1, &l);
    ck_assert_int_eq(count_type(&l, FC_EV_STARTED), 1);
    fc_tracker_free(t);
}
END_TEST

START_TEST(hot_cache_does_not_change_event_sequence_for_monoflow)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t f[TF_BUFSZ];
    size_t n = udp(f, 1, 2, 1, 2, "x");
    evlist l = {.n = 0};
    for (int i = 0; i < 10; i++)
        track(t, f, n, 0, &l);
    ck_assert_int_eq(count_type(&l, FC_EV_STARTED), 1);
    ck_assert_int_eq(count_type(&l, FC_EV_PACKET), 10);
    fc_tracker_free(t);
}
END_TEST

START_TEST(hot_cache_handles_alternating_flows_correctly)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t a[TF_BUFSZ], b[TF_BUFSZ];
    size_t na = udp(a, 1, 2, 1, 2, "x"), nb = udp(b, 1, 2, 3, 4, "x");
    evlist l = {.n = 0};
    for (int i = 0; i < 5; i++) {
        track(t, a, na, 0, &l);
        track(t, b, nb, 0, &l);
    }
    ck_assert_int_eq(count_type(&l, FC_EV_STARTED), 2);
    ck_assert_int_eq(count_type(&l, FC_EV_PACKET), 10);
    ck_assert_uint_eq(fc_tracker_count(t), 2);
    fc_tracker_free(t);
}
END_TEST

static int port80_default_else_5s(void *ctx, const fc_key *key, uint8_t proto, fc_ts *to)
{
    (void)ctx;
    (void)proto;
    if (fc_key_either_port(key, 80))
        return 0;
    *to = FC_SEC(5);
    return 1;
}

START_TEST(idle_timeout_fn_overrides_per_protocol_default)
{
    fc_tracker *t = new_tracker(NULL);
    fc_tracker_set_timeout_fn(t, port80_default_else_5s, NULL);
    uint8_t a[TF_BUFSZ], b[TF_BUFSZ];
    size_t na = tcp(a, 1, 2, 1234, 80, 1, 0, 0x02, "");
    size_t nb = tcp(b, 1, 2, 1235, 8080, 1, 0, 0x02, "");
    track(t, a, na, 0, NULL);
    track(t, b, nb, 0, NULL);
    evlist l = {.n = 0};
    ck_assert_int_eq(fc_tracker_sweep(t, FC_SEC(10), collect, &l), 1);
    ck_assert_int_eq(l.ev[0].reason, FC_END_IDLE_TIMEOUT);
    ck_assert(fc_key_either_port(&l.ev[0].key, 8080));
    fc_tracker_free(t);
}
END_TEST

static int always_default(void *ctx, const fc_key *key, uint8_t proto, fc_ts *to)
{
    (void)ctx, (void)key, (void)proto, (void)to;
    return 0;
}

static int always_1s(void *ctx, const fc_key *key, uint8_t proto, fc_ts *to)
{
    (void)ctx, (void)key, (void)proto;
    *to = FC_SEC(1);
    return 1;
}

START_TEST(idle_timeout_fn_returning_none_uses_protocol_default)
{
    fc_tracker *t = new_tracker(NULL);
    fc_tracker_set_timeout_fn(t, always_default, NULL);
    uint8_t f[TF_BUFSZ];
    size_t n = udp(f, 1, 2, 1, 2, "x");
    track(t, f, n, 0, NULL);
    ck_assert_int_eq(fc_tracker_sweep(t, FC_SEC(10), NULL, NULL), 0);
    ck_assert_int_eq(fc_tracker_sweep(t, FC_SEC(120), NULL, NULL), 1);
    fc_tracker_free(t);
}
END_TEST

START_TEST(clear_idle_timeout_fn_restores_defaults)
{
    fc_tracker *t = new_tracker(NULL);
    fc_tracker_set_timeout_fn(t, always_1s, NULL);
    uint8_t f[TF_BUFSZ];
    size_t n = tcp(f, 1, 2, 1234, 80, 1, 0, 0x02, "");
    track(t, f, n, 0, NULL);
    fc_tracker_clear_timeout_fn(t);
    ck_assert_int_eq(fc_tracker_sweep(t, FC_SEC(10), NULL, NULL), 0);
    fc_tracker_free(t);
}
END_TEST

START_TEST(five_tuple_either_port_matches_src_or_dst)
{
    fc_key k;
    const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
    fc_key_make(&k, FC_AF_INET, a, 1234, b, 80, FC_PROTO_TCP);
    ck_assert(fc_key_either_port(&k, 1234));
    ck_assert(fc_key_either_port(&k, 80));
    ck_assert(!fc_key_either_port(&k, 443));
}
END_TEST

/* ---- beyond the seed ---- */

START_TEST(event_order_within_one_packet)
{
    /* A full table, a new flow whose first segment is a RST: evicted
     * ended, started, state_change, packet, ended(rst) in that order. */
    fc_tracker_config cfg;
    fc_tracker_config_default(&cfg);
    cfg.max_flows = 1;
    fc_tracker *t = new_tracker(&cfg);
    uint8_t a[TF_BUFSZ], b[TF_BUFSZ];
    size_t na = udp(a, 1, 2, 1, 2, "x");
    size_t nb = tcp(b, 3, 4, 5, 6, 0, 0, 0x04, "");
    track(t, a, na, 0, NULL);
    evlist l = {.n = 0};
    track(t, b, nb, 1, &l);
    ck_assert_int_eq(l.n, 5);
    ck_assert_int_eq(l.ev[0].type, FC_EV_ENDED);
    ck_assert_int_eq(l.ev[0].reason, FC_END_EVICTED);
    ck_assert_int_eq(l.ev[1].type, FC_EV_STARTED);
    ck_assert_int_eq(l.ev[2].type, FC_EV_STATE_CHANGE);
    ck_assert_int_eq(l.ev[2].from, FC_STATE_ACTIVE);
    ck_assert_int_eq(l.ev[2].to, FC_STATE_RESET);
    ck_assert_int_eq(l.ev[3].type, FC_EV_PACKET);
    ck_assert_int_eq(l.ev[4].type, FC_EV_ENDED);
    ck_assert_int_eq(l.ev[4].reason, FC_END_RST);
    const fc_tracker_stats *s = fc_tracker_stats_get(t);
    ck_assert_uint_eq(s->flows_created - s->flows_ended, fc_tracker_count(t));
    fc_tracker_free(t);
}
END_TEST

START_TEST(graceful_close_history_and_fin)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t f[TF_BUFSZ];
    evlist l = {.n = 0};
    struct { uint8_t s, d; uint16_t sp, dp; uint8_t flags; const char *pl; } seq[] = {
        {1, 2, 1000, 80, 0x02, ""},   {2, 1, 80, 1000, 0x12, ""},
        {1, 2, 1000, 80, 0x10, ""},   {1, 2, 1000, 80, 0x18, "GET"},
        {2, 1, 80, 1000, 0x18, "OK"}, {1, 2, 1000, 80, 0x11, ""},
        {2, 1, 80, 1000, 0x11, ""},   {1, 2, 1000, 80, 0x10, ""},
    };
    for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
        size_t n = tcp(f, seq[i].s, seq[i].d, seq[i].sp, seq[i].dp, 1, 1, seq[i].flags,
                       seq[i].pl);
        track(t, f, n, (int64_t)i, &l);
    }
    const fc_event *e = find_type(&l, FC_EV_ENDED);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->reason, FC_END_FIN);
    char h[FC_HISTORY_MAX + 1];
    fc_history_str(&e->history, h);
    ck_assert_str_eq(h, "SsDdFf");
    ck_assert_uint_eq(e->stats.packets[0], 5);
    ck_assert_uint_eq(e->stats.packets[1], 3);
    ck_assert_int_eq(count_type(&l, FC_EV_ESTABLISHED), 1);
    ck_assert_uint_eq(fc_tracker_count(t), 0);
    fc_tracker_free(t);
}
END_TEST

START_TEST(retransmitted_fin_does_not_close)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t f[TF_BUFSZ];
    size_t n;
    n = tcp(f, 1, 2, 1000, 80, 1, 0, 0x02, ""); track(t, f, n, 0, NULL);
    n = tcp(f, 2, 1, 80, 1000, 1, 2, 0x12, ""); track(t, f, n, 0, NULL);
    n = tcp(f, 1, 2, 1000, 80, 2, 2, 0x10, ""); track(t, f, n, 0, NULL);
    n = tcp(f, 1, 2, 1000, 80, 2, 2, 0x11, ""); track(t, f, n, 1, NULL);
    /* the same FIN again, then an ACK: without the fix this closed it */
    n = tcp(f, 1, 2, 1000, 80, 2, 2, 0x11, ""); track(t, f, n, 2, NULL);
    n = tcp(f, 2, 1, 80, 1000, 2, 3, 0x10, ""); track(t, f, n, 3, NULL);
    ck_assert_uint_eq(fc_tracker_count(t), 1);
    fc_flow_iter it;
    fc_flow_info fi;
    fc_tracker_iter_init(t, &it);
    ck_assert(fc_tracker_iter_next(&it, &fi));
    ck_assert_int_eq(fi.state, FC_STATE_FIN_WAIT);
    /* the responder's FIN then the last ACK close it */
    evlist l = {.n = 0};
    n = tcp(f, 2, 1, 80, 1000, 2, 3, 0x11, ""); track(t, f, n, 4, &l);
    n = tcp(f, 1, 2, 1000, 80, 3, 3, 0x10, ""); track(t, f, n, 5, &l);
    const fc_event *e = find_type(&l, FC_EV_ENDED);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->reason, FC_END_FIN);
    fc_tracker_free(t);
}
END_TEST

START_TEST(state_machine_table)
{
    /* every (state, flag combination, side) against the rules */
    static const uint8_t flagsets[] = {0, FC_TH_SYN, FC_TH_SYN | FC_TH_ACK, FC_TH_ACK,
                                       FC_TH_FIN, FC_TH_FIN | FC_TH_ACK, FC_TH_RST,
                                       FC_TH_RST | FC_TH_ACK, FC_TH_PSH | FC_TH_ACK};
    for (int s = 0; s < FC_STATE_COUNT; s++)
        for (size_t k = 0; k < sizeof flagsets; k++)
            for (int side = 0; side < 2; side++)
                for (int fin_already = 0; fin_already < 2; fin_already++) {
                    uint8_t fl = flagsets[k];
                    fc_state want = (fc_state)s;
                    int syn = fl & FC_TH_SYN, ack = fl & FC_TH_ACK, fin = fl & FC_TH_FIN;
                    if (fl & FC_TH_RST)
                        want = FC_STATE_RESET;
                    else if (s == FC_STATE_ACTIVE && syn && side == FC_SIDE_INITIATOR)
                        want = FC_STATE_SYN_SENT;
                    else if (s == FC_STATE_SYN_SENT && syn && ack && side == FC_SIDE_RESPONDER)
                        want = FC_STATE_SYN_RECEIVED;
                    else if (s == FC_STATE_SYN_RECEIVED && ack && side == FC_SIDE_INITIATOR)
                        want = FC_STATE_ESTABLISHED;
                    else if (s == FC_STATE_ESTABLISHED && fin)
                        want = FC_STATE_FIN_WAIT;
                    else if (s == FC_STATE_FIN_WAIT && fin && !fin_already)
                        want = FC_STATE_CLOSING;
                    else if (s == FC_STATE_CLOSING && ack)
                        want = FC_STATE_CLOSED;
                    ck_assert_msg(fc_tcp_next((fc_state)s, fl, (fc_side)side, fin_already) == want,
                                  "state %s flags %#x side %d", fc_state_name((fc_state)s), fl,
                                  side);
                }
    ck_assert_str_eq(fc_state_name(FC_STATE_SYN_SENT), "syn_sent");
    ck_assert_int_eq(fc_state_parse("closing", 7), FC_STATE_CLOSING);
}
END_TEST

START_TEST(history_truncated_at_16)
{
    fc_history h = {.len = 0};
    for (int i = 0; i < 20; i++)
        fc_history_push(&h, FC_TH_SYN | FC_TH_FIN, i % 2 ? FC_SIDE_RESPONDER : FC_SIDE_INITIATOR, 1);
    ck_assert_int_eq(h.len, FC_HISTORY_MAX);
    char s[FC_HISTORY_MAX + 1];
    fc_history_str(&h, s);
    ck_assert_str_eq(s, "SFDsfdSFDsfdSFDs");
    fc_history h2 = {.len = 0};
    fc_history_push(&h2, FC_TH_ACK, FC_SIDE_INITIATOR, 0); /* pure ACK: nothing */
    ck_assert_int_eq(h2.len, 0);
    fc_history_push(&h2, FC_TH_RST | FC_TH_ACK, FC_SIDE_RESPONDER, 0);
    ck_assert_int_eq(h2.len, 1);
    ck_assert_int_eq(h2.c[0], 'r');
}
END_TEST

START_TEST(sweep_order_is_most_recent_first_across_protocols)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t f[TF_BUFSZ];
    size_t n;
    n = udp(f, 1, 2, 1, 1, "x"); track(t, f, n, 0, NULL);
    n = tcp(f, 1, 2, 2, 2, 0, 0, 0x10, ""); track(t, f, n, 1, NULL);
    const uint8_t s[4] = {10, 0, 0, 1}, d[4] = {10, 0, 0, 2};
    n = tf_ipv4_icmp(f, s, d, 8, 0, "p", 1); track(t, f, n, 2, NULL);
    n = udp(f, 1, 2, 3, 3, "x"); track(t, f, n, 3, NULL);
    evlist l = {.n = 0};
    ck_assert_int_eq(fc_tracker_sweep(t, FC_SEC(10000), collect, &l), 4);
    ck_assert_int_eq(l.ev[0].key.port_a, 3);
    ck_assert_int_eq(l.ev[1].key.proto, FC_PROTO_ICMP);
    ck_assert_int_eq(l.ev[2].key.proto, FC_PROTO_TCP);
    ck_assert_int_eq(l.ev[3].key.port_a, 1);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(l.ev[i].ts, FC_SEC(10000));
    fc_tracker_free(t);
}
END_TEST

START_TEST(sweep_with_backwards_timestamps)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t f[TF_BUFSZ];
    size_t n;
    n = udp(f, 1, 2, 1, 1, "x"); track(t, f, n, 100, NULL);
    n = udp(f, 1, 2, 2, 2, "x"); track(t, f, n, 50, NULL); /* back in time */
    n = udp(f, 1, 2, 3, 3, "x"); track(t, f, n, 120, NULL);
    evlist l = {.n = 0};
    /* at 115: only the flow last seen at 50 is idle >= 60 s */
    ck_assert_int_eq(fc_tracker_sweep(t, FC_SEC(115), collect, &l), 1);
    ck_assert_int_eq(l.ev[0].key.port_a, 2);
    /* a flow seen "in the future" (120 > 119) is not idle; 100 is not yet */
    ck_assert_int_eq(fc_tracker_sweep(t, FC_SEC(119), collect, &l), 0);
    ck_assert_int_eq(fc_tracker_sweep(t, FC_SEC(160), collect, &l), 1);
    ck_assert_int_eq(l.ev[1].key.port_a, 1);
    fc_tracker_free(t);
}
END_TEST

START_TEST(zero_timeout_ends_even_future_flows)
{
    fc_tracker_config cfg;
    fc_tracker_config_default(&cfg);
    cfg.idle_timeout_udp = 0;
    fc_tracker *t = new_tracker(&cfg);
    uint8_t f[TF_BUFSZ];
    size_t n = udp(f, 1, 2, 1, 1, "x");
    track(t, f, n, 100, NULL);
    ck_assert_int_eq(fc_tracker_sweep(t, FC_SEC(50), NULL, NULL), 1);
    fc_tracker_free(t);
}
END_TEST

START_TEST(flush_ends_all_with_reason)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t f[TF_BUFSZ];
    size_t n;
    for (uint16_t p = 1; p <= 5; p++) {
        n = udp(f, 1, 2, p, 9, "x");
        track(t, f, n, p, NULL);
    }
    evlist l = {.n = 0};
    ck_assert_int_eq(fc_tracker_flush(t, FC_END_EOF, FC_SEC(7), collect, &l), 5);
    ck_assert_int_eq(l.n, 5);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(l.ev[i].reason, FC_END_EOF);
        ck_assert_int_eq(l.ev[i].ts, FC_SEC(7));
        ck_assert_int_eq(l.ev[i].stats.started, FC_SEC(5 - i)); /* newest first */
    }
    ck_assert_uint_eq(fc_tracker_count(t), 0);
    const fc_tracker_stats *s = fc_tracker_stats_get(t);
    ck_assert_uint_eq(s->flows_created, s->flows_ended);
    fc_tracker_free(t);
}
END_TEST

START_TEST(set_config_shrinks_without_events)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t f[TF_BUFSZ];
    for (uint16_t p = 1; p <= 10; p++) {
        size_t n = udp(f, 1, 2, p, 9, "x");
        track(t, f, n, p, NULL);
    }
    fc_tracker_config cfg = *fc_tracker_config_get(t);
    cfg.max_flows = 3;
    ck_assert_int_eq(fc_tracker_set_config(t, &cfg), FC_OK);
    ck_assert_uint_eq(fc_tracker_count(t), 3);
    /* the three most recent stay */
    fc_flow_iter it;
    fc_flow_info fi;
    uint16_t want = 10;
    for (fc_tracker_iter_init(t, &it); fc_tracker_iter_next(&it, &fi); want--)
        ck_assert(fc_key_either_port(fi.key, want));
    ck_assert_uint_eq(want, 7);
    cfg.sweep_interval = 0;
    ck_assert_int_eq(fc_tracker_set_config(t, &cfg), FC_EINVAL);
    fc_tracker_free(t);
}
END_TEST

START_TEST(peek_and_snapshots_do_not_touch_recency)
{
    fc_tracker_config cfg;
    fc_tracker_config_default(&cfg);
    cfg.max_flows = 2;
    fc_tracker *t = new_tracker(&cfg);
    uint8_t f[TF_BUFSZ];
    size_t n = udp(f, 1, 2, 1, 9, "x");
    track(t, f, n, 0, NULL);
    fc_flow_iter it;
    fc_flow_info fi;
    fc_tracker_iter_init(t, &it);
    ck_assert(fc_tracker_iter_next(&it, &fi));
    fc_key first = *fi.key;
    n = udp(f, 1, 2, 2, 9, "x");
    track(t, f, n, 1, NULL);
    fc_flow_stats st;
    fc_history h;
    ck_assert(fc_tracker_peek(t, &first, &fi));
    ck_assert(fc_tracker_snapshot_stats(t, &first, &st));
    ck_assert(fc_tracker_snapshot_history(t, &first, &h));
    ck_assert_uint_eq(st.packets[0], 1);
    /* still least recent: a third flow evicts it */
    n = udp(f, 1, 2, 3, 9, "x");
    evlist l = {.n = 0};
    track(t, f, n, 2, &l);
    ck_assert(fc_key_equal(&l.ev[0].key, &first));
    ck_assert(!fc_tracker_peek(t, &first, NULL));
    fc_tracker_free(t);
}
END_TEST

typedef struct payload_seen {
    int calls;
    size_t bytes;
    uint32_t seq;
    fc_side side;
} payload_seen;

static void on_payload(void *ctx, const fc_key *key, fc_side side, uint32_t seq,
                       const uint8_t *p, size_t len)
{
    payload_seen *s = ctx;
    (void)key;
    ck_assert_int_eq(memcmp(p, "hello", len), 0);
    s->calls++;
    s->bytes += len;
    s->seq = seq;
    s->side = side;
}

START_TEST(payload_callback_for_tcp_data_only)
{
    fc_tracker *t = new_tracker(NULL);
    payload_seen s = {0};
    fc_tracker_set_payload_fn(t, on_payload, &s);
    uint8_t f[TF_BUFSZ];
    size_t n;
    n = tcp(f, 1, 2, 1000, 80, 7, 0, 0x02, ""); track(t, f, n, 0, NULL);
    n = tcp(f, 2, 1, 80, 1000, 77, 8, 0x18, "hello"); track(t, f, n, 0, NULL);
    n = udp(f, 1, 2, 5, 6, "hello"); track(t, f, n, 0, NULL);
    ck_assert_int_eq(s.calls, 1);
    ck_assert_uint_eq(s.bytes, 5);
    ck_assert_uint_eq(s.seq, 77);
    ck_assert_int_eq(s.side, FC_SIDE_RESPONDER);
    fc_tracker_free(t);
}
END_TEST

START_TEST(fragments_join_their_flow)
{
    fc_tracker *t = new_tracker(NULL);
    uint8_t l4[64], ip[128], f[TF_BUFSZ];
    size_t n4 = tf_udp(l4, 4000, 53, "0123456789abcdef", 16);
    tf_ip4_spec sp = {.src = {10, 0, 0, 1}, .dst = {10, 0, 0, 2}, .proto = FC_PROTO_UDP,
                      .id = 77, .more_frags = 1};
    size_t ni = tf_ip4(ip, &sp, l4, 16);
    size_t n = tf_eth(f, Z6, Z6, 0x0800, ip, ni);
    evlist l = {.n = 0};
    track(t, f, n, 0, &l);
    sp.frag_off = 16;
    sp.more_frags = 0;
    ni = tf_ip4(ip, &sp, l4 + 16, n4 - 16);
    n = tf_eth(f, Z6, Z6, 0x0800, ip, ni);
    track(t, f, n, 0, &l);
    ck_assert_int_eq(count_type(&l, FC_EV_STARTED), 1);
    ck_assert_int_eq(count_type(&l, FC_EV_PACKET), 2);
    ck_assert_uint_eq(fc_tracker_count(t), 1);
    /* a later fragment of an unseen datagram: unmatched, no port-0 flow */
    sp.id = 78;
    ni = tf_ip4(ip, &sp, l4 + 16, n4 - 16);
    n = tf_eth(f, Z6, Z6, 0x0800, ip, ni);
    ck_assert_int_eq(track(t, f, n, 0, NULL), 0);
    ck_assert_uint_eq(fc_tracker_count(t), 1);
    ck_assert_uint_eq(fc_tracker_stats_get(t)->frags_unmatched, 1);
    fc_tracker_free(t);
}
END_TEST

START_TEST(alloc_failure_every_n_is_clean)
{
    /* Fail the Nth allocation for every N until a run succeeds: each
     * failure must be reported, never crash or leak (ASan checks). */
    int completed = 0;
    for (unsigned long nth = 1; nth < 200 && !completed; nth++) {
        fc_tracker_config cfg;
        fc_tracker_config_default(&cfg);
        cfg.initial_capacity = 16;
        cfg.max_flows = 100;
        fc_alloc_fail_at(nth, 0);
        fc_tracker *t = fc_tracker_new(&cfg, 8, NULL, NULL, NULL, 0);
        int failed = t == NULL;
        uint8_t f[TF_BUFSZ];
        for (uint16_t p = 0; t && p < 60; p++) {
            size_t n = udp(f, 1, 2, p, 9, "x");
            const fc_event *ev;
            fc_packet pk = pkt_at(f, n, FC_SEC(p));
            int r = fc_tracker_track(t, &pk, &ev);
            if (r < 0) {
                ck_assert_int_eq(r, FC_ENOMEM);
                failed = 1;
            }
        }
        if (t && fc_tracker_sweep(t, FC_SEC(1000), NULL, NULL) < 0)
            failed = 1;
        if (t) {
            const fc_tracker_stats *s = fc_tracker_stats_get(t);
            ck_assert_uint_eq(s->flows_created - s->flows_ended, fc_tracker_count(t));
        }
        fc_tracker_free(t);
        fc_alloc_fail_at(0, 0);
        completed = !failed;
    }
    ck_assert_msg(completed, "never ran to completion");
}
END_TEST

typedef struct pkt_count {
    int calls, news;
} pkt_count;

static void count_in_user(void *ctx, void *user, const fc_key *key, fc_orient o,
                          const struct fc_decoded *d, const fc_packet *p, fc_side side, int is_new)
{
    pkt_count *pc = ctx;
    (void)key, (void)o, (void)d, (void)p, (void)side;
    pc->calls++;
    pc->news += is_new;
    (*(uint32_t *)user)++;
}

START_TEST(packet_hook_and_user_state_in_ended_events)
{
    /* the user state travels with Ended events, also when the evicted
     * flow's slot is reused by the new flow of the same packet */
    fc_tracker_config cfg;
    fc_tracker_config_default(&cfg);
    cfg.max_flows = 1;
    fc_tracker *t = fc_tracker_new(&cfg, sizeof(uint32_t), init42, NULL, NULL, 0);
    ck_assert_ptr_nonnull(t);
    pkt_count pc = {0, 0};
    fc_tracker_set_packet_fn(t, count_in_user, &pc);
    uint8_t f[TF_BUFSZ];
    size_t n = udp(f, 1, 2, 1, 2, "x");
    track(t, f, n, 0, NULL);
    track(t, f, n, 1, NULL);
    evlist l = {.n = 0};
    n = udp(f, 3, 4, 1, 2, "x");
    track(t, f, n, 2, &l);
    ck_assert_int_eq(l.ev[0].type, FC_EV_ENDED);
    ck_assert_ptr_nonnull(l.ev[0].user);
    ck_assert_uint_eq(*(const uint32_t *)l.ev[0].user, 44); /* 42 + 2 packets */
    ck_assert_int_eq(pc.calls, 3);
    ck_assert_int_eq(pc.news, 2);
    /* sweeps hand out the live slot's state */
    l.n = 0;
    fc_tracker_sweep(t, FC_SEC(1000), collect, &l);
    ck_assert_int_eq(l.n, 1);
    fc_tracker_free(t);
}
END_TEST

/* ---- randomized comparison with a naive model ---- */

typedef struct mflow {
    fc_key key;
    fc_orient orient;
    fc_state state;
    int fin_sent;
    fc_flow_stats st;
    fc_history h;
    uint64_t touch;
    int live;
} mflow;

typedef struct model {
    mflow f[512];
    int n;
    uint64_t touch;
    size_t max;
    fc_ts to[3];
    uint64_t created, ended;
    fc_event ev[512];
    int nev;
} model;

static int m_find(model *m, const fc_key *k)
{
    for (int i = 0; i < m->n; i++)
        if (m->f[i].live && fc_key_equal(&m->f[i].key, k))
            return i;
    return -1;
}

static int m_live(const model *m)
{
    int c = 0;
    for (int i = 0; i < m->n; i++)
        c += m->f[i].live;
    return c;
}

static void m_end(model *m, int i, fc_end_reason r, fc_ts ts)
{
    fc_event *e = &m->ev[m->nev++];
    memset(e, 0, sizeof *e);
    e->type = FC_EV_ENDED;
    e->key = m->f[i].key;
    e->reason = r;
    e->ts = ts;
    e->stats = m->f[i].st;
    e->history = m->f[i].h;
    m->f[i].live = 0;
    m->ended++;
}

static int m_slot(model *m)
{
    for (int i = 0; i < m->n; i++)
        if (!m->f[i].live)
            return i;
    return m->n++;
}

static void m_track(model *m, const fc_packet *p)
{
    fc_decoded d;
    fc_key k;
    m->nev = 0;
    if (fc_decode(p->linktype, p->data, p->caplen, 0, &d) != FC_OK || d.frag)
        return;
    fc_orient o = fc_key_make(&k, d.family, d.src, d.sport, d.dst, d.dport, d.proto);
    int i = m_find(m, &k);
    if (i < 0) {
        if ((size_t)m_live(m) >= m->max) {
            int lru = -1;
            for (int j = 0; j < m->n; j++)
                if (m->f[j].live && (lru < 0 || m->f[j].touch < m->f[lru].touch))
                    lru = j;
            m_end(m, lru, FC_END_EVICTED, p->ts);
        }
        i = m_slot(m);
        memset(&m->f[i], 0, sizeof m->f[i]);
        m->f[i].key = k;
        m->f[i].orient = o;
        m->f[i].live = 1;
        m->f[i].st.started = p->ts;
        m->created++;
        fc_event *e = &m->ev[m->nev++];
        memset(e, 0, sizeof *e);
        e->type = FC_EV_STARTED;
        e->key = k;
    }
    mflow *f = &m->f[i];
    fc_side side = o == f->orient ? FC_SIDE_INITIATOR : FC_SIDE_RESPONDER;
    f->st.packets[side]++;
    f->st.bytes[side] += p->wirelen;
    f->st.last_seen = p->ts;
    f->touch = ++m->touch;
    if (d.proto == FC_PROTO_TCP) {
        fc_history_push(&f->h, d.tcp_flags, side, d.payload_len > 0);
        fc_state nx = fc_tcp_next(f->state, d.tcp_flags, side, (f->fin_sent >> side) & 1);
        if (d.tcp_flags & FC_TH_FIN)
            f->fin_sent |= 1 << side;
        if (nx != f->state) {
            fc_event *e = &m->ev[m->nev++];
            memset(e, 0, sizeof *e);
            e->type = nx == FC_STATE_ESTABLISHED ? FC_EV_ESTABLISHED : FC_EV_STATE_CHANGE;
            e->key = k;
            f->state = nx;
        }
    }
    fc_event *e = &m->ev[m->nev++];
    memset(e, 0, sizeof *e);
    e->type = FC_EV_PACKET;
    e->key = k;
    e->side = side;
    if (fc_state_terminal(f->state))
        m_end(m, i, f->state == FC_STATE_RESET ? FC_END_RST : FC_END_FIN, p->ts);
}

static void m_sweep(model *m, fc_ts now)
{
    int idx[512], k = 0;
    m->nev = 0;
    for (int i = 0; i < m->n; i++) {
        if (!m->f[i].live)
            continue;
        fc_ts idle = now - m->f[i].st.last_seen;
        int cls = m->f[i].key.proto == FC_PROTO_TCP ? 0 : m->f[i].key.proto == FC_PROTO_UDP ? 1 : 2;
        if (idle < 0)
            idle = 0;
        if (idle >= m->to[cls])
            idx[k++] = i;
    }
    for (int a = 0; a < k; a++) /* most recent first */
        for (int b = a + 1; b < k; b++)
            if (m->f[idx[b]].touch > m->f[idx[a]].touch) {
                int x = idx[a];
                idx[a] = idx[b];
                idx[b] = x;
            }
    for (int a = 0; a < k; a++)
        m_end(m, idx[a], FC_END_IDLE_TIMEOUT, now);
}

static void same_event(const fc_event *got, const fc_event *want, long step)
{
    ck_assert_msg(got->type == want->type, "step %ld: type %d vs %d", step, got->type,
                  want->type);
    ck_assert_msg(fc_key_equal(&got->key, &want->key), "step %ld: key differs", step);
    if (got->type == FC_EV_PACKET)
        ck_assert_int_eq(got->side, want->side);
    if (got->type == FC_EV_ENDED) {
        ck_assert_int_eq(got->reason, want->reason);
        ck_assert_int_eq(got->ts, want->ts);
        ck_assert(memcmp(&got->stats, &want->stats, sizeof got->stats) == 0);
        ck_assert_int_eq(got->history.len, want->history.len);
        ck_assert(memcmp(got->history.c, want->history.c, got->history.len) == 0);
    }
}

typedef struct sweep_cmp {
    model *m;
    int pos;
    long step;
} sweep_cmp;

static void cmp_sweep_event(void *ctx, const fc_event *ev)
{
    sweep_cmp *c = ctx;
    ck_assert_int_lt(c->pos, c->m->nev);
    same_event(ev, &c->m->ev[c->pos++], c->step);
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Drives the tracker and the model with the same random packets and
 * sweeps; time moves by up to `fwd` (and sometimes back by up to
 * `back`). Compares every event and checks the invariants each step. */
static void run_random_from(fc_ts start, fc_ts to_tcp, fc_ts to_udp, fc_ts to_other,
                            fc_ts fwd, fc_ts back, long steps, uint64_t seed)
{
    static model m;
    fc_tracker_config cfg;
    fc_tracker_config_default(&cfg);
    cfg.max_flows = 200;
    cfg.initial_capacity = 16;
    cfg.idle_timeout_tcp = to_tcp;
    cfg.idle_timeout_udp = to_udp;
    cfg.idle_timeout_other = to_other;
    cfg.hash_seed = 12345;
    fc_tracker *t = new_tracker(&cfg);
    memset(&m, 0, sizeof m);
    m.max = cfg.max_flows;
    m.to[0] = cfg.idle_timeout_tcp;
    m.to[1] = cfg.idle_timeout_udp;
    m.to[2] = cfg.idle_timeout_other;
    fc_ts now = start;
    static const uint8_t flag_pool[] = {0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x10, 0x18};
    for (long st = 0; st < steps; st++) {
        long step = st;
        uint64_t r = rng_next(&seed);
        /* mostly forward time, sometimes a step back */
        if (r % 100 < 3)
            now -= (fc_ts)(r >> 20) % back;
        else
            now += (fc_ts)(r >> 24) % fwd;
        if (r % 50 == 0) {
            sweep_cmp c = {&m, 0, step};
            m_sweep(&m, now);
            long got = fc_tracker_sweep(t, now, cmp_sweep_event, &c);
            ck_assert_int_eq(got, m.nev);
            ck_assert_int_eq(c.pos, m.nev);
            continue;
        }
        uint8_t f[TF_BUFSZ];
        uint64_t r2 = rng_next(&seed);
        int host = (int)(r2 % 300), dir = (int)(r2 >> 10) & 1;
        uint8_t a = (uint8_t)(1 + host % 100), b = (uint8_t)(150 + host % 7);
        uint16_t pa = (uint16_t)(1000 + host), pb = (uint16_t)(host % 3 ? 80 : 53);
        size_t n;
        if (host % 3 == 0) {
            n = dir ? udp(f, b, a, pb, pa, "r") : udp(f, a, b, pa, pb, "q");
        } else if (host % 29 == 1) {
            const uint8_t s4[4] = {10, 0, 0, a}, d4[4] = {10, 0, 0, b};
            n = tf_ipv4_icmp(f, dir ? d4 : s4, dir ? s4 : d4, 8, 0, "", 0);
        } else {
            uint8_t fl = flag_pool[(r2 >> 20) % sizeof flag_pool];
            const char *pl = (r2 >> 30) & 1 ? "data" : "";
            n = dir ? tcp(f, b, a, pb, pa, 1, 1, fl, pl) : tcp(f, a, b, pa, pb, 1, 1, fl, pl);
        }
        fc_packet p = pkt_at(f, n, now);
        const fc_event *ev;
        m_track(&m, &p);
        int got = fc_tracker_track(t, &p, &ev);
        ck_assert_int_eq(got, m.nev);
        for (int i = 0; i < got; i++)
            same_event(&ev[i], &m.ev[i], step);
        const fc_tracker_stats *s = fc_tracker_stats_get(t);
        ck_assert_uint_eq(s->flows_created - s->flows_ended, fc_tracker_count(t));
        ck_assert_uint_eq(s->flows_created, m.created);
        ck_assert_uint_eq(fc_tracker_count(t), (size_t)m_live(&m));
        ck_assert_uint_le(fc_tracker_count(t), cfg.max_flows);
    }
    /* drain: every Started gets exactly one Ended */
    sweep_cmp c = {&m, 0, -1};
    m_sweep(&m, now + FC_SEC(100000));
    fc_tracker_sweep(t, now + FC_SEC(100000), cmp_sweep_event, &c);
    const fc_tracker_stats *s = fc_tracker_stats_get(t);
    ck_assert_uint_eq(fc_tracker_count(t), 0);
    ck_assert_uint_eq(s->flows_created, s->flows_ended);
    fc_tracker_free(t);
}

static void run_random(fc_ts to_tcp, fc_ts to_udp, fc_ts to_other, fc_ts fwd, fc_ts back,
                       long steps, uint64_t seed)
{
    run_random_from(FC_SEC(1000), to_tcp, to_udp, to_other, fwd, back, steps, seed);
}

START_TEST(randomized_against_model_with_invariants)
{
    run_random(FC_SEC(30), FC_SEC(10), FC_SEC(5), FC_SEC(1) / 2, FC_SEC(5), 120000, 42);
}
END_TEST

START_TEST(randomized_against_model_subsecond_timeouts)
{
    /* timeouts shorter than the table's one-second queue granularity,
     * time moving in small steps: sweeps re-queue often */
    run_random(FC_SEC(1) + FC_SEC(1) / 2, FC_SEC(1) / 4, 700000000, FC_SEC(1) / 20,
               FC_SEC(1), 60000, 7);
}
END_TEST

START_TEST(randomized_against_model_across_time_zero)
{
    /* from 30 s before the epoch to well after it, in small steps and
     * sometimes back: the table compares seconds of stamps on both sides
     * of 0, where a second starts below its stamp (floor, not
     * truncation), and its one-second window of recent stamps moves */
    run_random_from(-FC_SEC(700), FC_SEC(3), FC_SEC(1) / 4, 700000000, FC_SEC(1) / 40,
                    FC_SEC(2), 60000, 11);
}
END_TEST

/* fc_tracker_track_batch() gives the events n calls of fc_tracker_track()
 * give, whatever the batch sizes, evictions and flow ends included. */
#define BATCH_PKTS 6000

typedef struct ev_log {
    fc_event ev[BATCH_PKTS * 5];
    int n;
} ev_log;

static void log_event(void *ctx, const fc_event *ev)
{
    ev_log *l = ctx;
    ck_assert_int_lt(l->n, BATCH_PKTS * 5);
    l->ev[l->n++] = *ev;
}

/* walk_min < 0: the tracker's default (no walk ahead for a table this
 * small); else the chain walk runs from that many buckets, and the table
 * starts at 16 slots so chains collide. */
static void batch_equals_one_by_one(int walk_min)
{
    static uint8_t frames[BATCH_PKTS][TF_BUFSZ];
    static fc_packet pk[BATCH_PKTS];
    static ev_log one, many;
    static const uint8_t flag_pool[] = {0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14};
    uint64_t seed = 99;
    fc_ts now = FC_SEC(50);
    for (int k = 0; k < BATCH_PKTS; k++) {
        uint64_t r = rng_next(&seed);
        int host = (int)(r % 400), dir = (int)(r >> 10) & 1;
        uint8_t a = (uint8_t)(1 + host % 100), b = (uint8_t)(150 + host % 9);
        uint16_t pa = (uint16_t)(1000 + host), pb = (uint16_t)(host % 3 ? 80 : 53);
        size_t n;
        if (host % 3 == 0) {
            n = dir ? udp(frames[k], b, a, pb, pa, "r") : udp(frames[k], a, b, pa, pb, "q");
        } else {
            uint8_t fl = flag_pool[(r >> 20) % sizeof flag_pool];
            n = dir ? tcp(frames[k], b, a, pb, pa, 1, 1, fl, "")
                    : tcp(frames[k], a, b, pa, pb, 1, 1, fl, "x");
        }
        if (k % 97 == 5)
            n = 10; /* a cut frame: unmatched */
        now += (fc_ts)(r >> 40) % 1000000;
        pk[k] = pkt_at(frames[k], n, now);
    }
    fc_tracker_config cfg;
    fc_tracker_config_default(&cfg);
    cfg.max_flows = 150; /* well under the 400 keys: evictions */
    cfg.hash_seed = 777;
    if (walk_min >= 0)
        cfg.initial_capacity = 16;
    fc_tracker *t1 = new_tracker(&cfg), *t2 = new_tracker(&cfg);
    if (walk_min >= 0)
        fc__tracker_set_walk_min(t2, (uint32_t)walk_min);
    one.n = many.n = 0;
    for (int k = 0; k < BATCH_PKTS; k++) {
        const fc_event *ev;
        int got = fc_tracker_track(t1, &pk[k], &ev);
        ck_assert_int_ge(got, 0);
        for (int e = 0; e < got; e++)
            log_event(&one, &ev[e]);
    }
    for (size_t at = 0, len = 1; at < BATCH_PKTS; at += len, len = len * 3 % 61 + 1) {
        if (len > BATCH_PKTS - at)
            len = BATCH_PKTS - at;
        ck_assert_int_eq(fc_tracker_track_batch(t2, &pk[at], len, log_event, &many), (long)len);
    }
    ck_assert_int_eq(one.n, many.n);
    ck_assert_int_gt(one.n, BATCH_PKTS);
    for (int e = 0; e < one.n; e++) {
        same_event(&many.ev[e], &one.ev[e], e);
        ck_assert_int_eq(many.ev[e].ts, one.ev[e].ts);
        ck_assert_int_eq(many.ev[e].state, one.ev[e].state);
    }
    ck_assert(memcmp(fc_tracker_stats_get(t1), fc_tracker_stats_get(t2),
                     sizeof(fc_tracker_stats)) == 0);
    ck_assert_uint_gt(fc_tracker_stats_get(t1)->flows_evicted, 0);
    fc_tracker_free(t1);
    fc_tracker_free(t2);
}

/* The two halves of preparing (fc__prep_key on a copy of the keying
 * constants, as the reading thread runs it, then
 * fc__tracker_prepare_keyed) give what fc__tracker_prepare gives, byte
 * for byte, and the same events: TCP, UDP, ICMP (no ports), a cut frame,
 * fragments (left to the tracker), another shard's flows. */
static void keyed_equals_prepare(uint32_t shard_n, uint32_t shard_k)
{
    static uint8_t frames[64][TF_BUFSZ];
    size_t len[64];
    int nf = 0;
    for (int h = 0; h < 12; h++) {
        len[nf] = udp(frames[nf], (uint8_t)(1 + h), 200, (uint16_t)(5000 + h), 53, "q");
        nf++;
        len[nf] = tcp(frames[nf], 200, (uint8_t)(1 + h), 80, (uint16_t)(6000 + h), 1, 1, 0x12, "");
        nf++;
    }
    {
        const uint8_t a[4] = {10, 0, 0, 7}, b[4] = {10, 0, 0, 8};
        len[nf] = tf_ipv4_icmp(frames[nf], a, b, 8, 0, "ping", 4);
        nf++;
    }
    len[nf] = 10; /* cut: unmatched */
    memcpy(frames[nf], frames[0], 10);
    nf++;
    uint8_t l4[64], ip[128];
    size_t n4 = tf_udp(l4, 4000, 53, "0123456789abcdef", 16);
    tf_ip4_spec sp = {.src = {10, 0, 0, 1}, .dst = {10, 0, 0, 2}, .proto = FC_PROTO_UDP,
                      .id = 77, .more_frags = 1};
    size_t ni = tf_ip4(ip, &sp, l4, 16);
    len[nf] = tf_eth(frames[nf], Z6, Z6, 0x0800, ip, ni);
    nf++;
    sp.frag_off = 16;
    sp.more_frags = 0;
    ni = tf_ip4(ip, &sp, l4 + 16, n4 - 16);
    len[nf] = tf_eth(frames[nf], Z6, Z6, 0x0800, ip, ni);
    nf++;
    sp.id = 78; /* a later fragment of an unseen datagram */
    ni = tf_ip4(ip, &sp, l4 + 16, n4 - 16);
    len[nf] = tf_eth(frames[nf], Z6, Z6, 0x0800, ip, ni);
    nf++;

    fc_tracker_config cfg;
    fc_tracker_config_default(&cfg);
    cfg.hash_seed = 4242;
    cfg.shard_n = shard_n;
    cfg.shard_k = shard_k;
    fc_tracker *t1 = new_tracker(&cfg), *t2 = new_tracker(&cfg);
    fc__keyer k;
    fc__tracker_keyer(t2, &k);
    int frag_left = 0, other_shard = 0, keyed = 0;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < nf; i++) {
            fc_packet pk = pkt_at(frames[i], len[i], FC_SEC(round * 10 + 1));
            fc__prep a, b;
            memset(&a, 0, sizeof a);
            memset(&b, 0, sizeof b);
            fc__tracker_prepare(t1, &pk, &a);
            fc__prep_key(&k, &pk, &b);
            frag_left += b.status == FC__PREP_TRACKER;
            fc__tracker_prepare_keyed(t2, &pk, &b);
            ck_assert_int_eq(a.status, b.status);
            ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "frame %d: preparations differ", i);
            keyed += a.status == 1;
            fc_decoded d;
            if (fc_decode(pk.linktype, pk.data, pk.caplen, 0, &d) == FC_OK && !d.frag &&
                a.status == 0)
                other_shard++;
            const fc_event *e1, *e2;
            int n1 = fc__tracker_track_prep(t1, &pk, &a, &e1);
            int n2 = fc__tracker_track_prep(t2, &pk, &b, &e2);
            ck_assert_int_eq(n1, n2);
            for (int e = 0; e < n1; e++)
                same_event(&e2[e], &e1[e], i);
        }
    }
    ck_assert_int_eq(frag_left, 6); /* three fragments, twice */
    ck_assert_int_gt(keyed, 0);
    if (shard_n > 1)
        ck_assert_int_gt(other_shard, 0);
    ck_assert(memcmp(fc_tracker_stats_get(t1), fc_tracker_stats_get(t2),
                     sizeof(fc_tracker_stats)) == 0);
    fc_tracker_free(t1);
    fc_tracker_free(t2);
}

START_TEST(keying_ahead_equals_prepare)
{
    keyed_equals_prepare(1, 0);
    keyed_equals_prepare(3, 1);
}
END_TEST

START_TEST(batch_tracking_equals_one_by_one)
{
    batch_equals_one_by_one(-1);
    /* the hash chains walked ahead, their results checked at tracking */
    batch_equals_one_by_one(0);
}
END_TEST

static Suite *tracker_suite(void)
{
    Suite *s = suite_create("tracker");
    TCase *seed = tcase_create("seed");
    tcase_add_test(seed, single_udp_packet_started_and_packet_event);
    tcase_add_test(seed, second_packet_no_started);
    tcase_add_test(seed, bidirectional_side_flips_on_reverse);
    tcase_add_test(seed, tcp_three_way_handshake_emits_established);
    tcase_add_test(seed, tcp_rst_emits_ended_rst);
    tcase_add_test(seed, idle_timeout_sweep_evicts_udp);
    tcase_add_test(seed, lru_evicts_oldest_on_overflow);
    tcase_add_test(seed, user_state_initialized_per_flow);
    tcase_add_test(seed, track_returns_no_events_on_unparseable);
    tcase_add_test(seed, stats_counts_per_side_correctly);
    tcase_add_test(seed, hot_cache_set_on_first_packet);
    tcase_add_test(seed, hot_cache_cleared_on_flow_end_via_rst);
    tcase_add_test(seed, hot_cache_cleared_on_eviction);
    tcase_add_test(seed, hot_cache_cleared_on_forget);
    tcase_add_test(seed, hot_cache_does_not_change_event_sequence_for_monoflow);
    tcase_add_test(seed, hot_cache_handles_alternating_flows_correctly);
    tcase_add_test(seed, idle_timeout_fn_overrides_per_protocol_default);
    tcase_add_test(seed, idle_timeout_fn_returning_none_uses_protocol_default);
    tcase_add_test(seed, clear_idle_timeout_fn_restores_defaults);
    tcase_add_test(seed, five_tuple_either_port_matches_src_or_dst);
    suite_add_tcase(s, seed);

    TCase *more = tcase_create("semantics");
    tcase_add_test(more, event_order_within_one_packet);
    tcase_add_test(more, graceful_close_history_and_fin);
    tcase_add_test(more, retransmitted_fin_does_not_close);
    tcase_add_test(more, state_machine_table);
    tcase_add_test(more, history_truncated_at_16);
    tcase_add_test(more, sweep_order_is_most_recent_first_across_protocols);
    tcase_add_test(more, sweep_with_backwards_timestamps);
    tcase_add_test(more, zero_timeout_ends_even_future_flows);
    tcase_add_test(more, flush_ends_all_with_reason);
    tcase_add_test(more, set_config_shrinks_without_events);
    tcase_add_test(more, peek_and_snapshots_do_not_touch_recency);
    tcase_add_test(more, payload_callback_for_tcp_data_only);
    tcase_add_test(more, fragments_join_their_flow);
    tcase_add_test(more, keying_ahead_equals_prepare);
    tcase_add_test(more, alloc_failure_every_n_is_clean);
    tcase_add_test(more, packet_hook_and_user_state_in_ended_events);
    tcase_add_test(more, batch_tracking_equals_one_by_one);
    suite_add_tcase(s, more);

    TCase *rnd = tcase_create("randomized");
    tcase_set_timeout(rnd, 300);
    tcase_add_test(rnd, randomized_against_model_with_invariants);
    tcase_add_test(rnd, randomized_against_model_subsecond_timeouts);
    tcase_add_test(rnd, randomized_against_model_across_time_zero);
    suite_add_tcase(s, rnd);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tracker_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
