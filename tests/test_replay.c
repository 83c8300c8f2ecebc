/* test_replay.c - the replay driver (fc_replay) with both engines.
 *
 * - An interrupted replay returns FC_EINTR (not FC_EINVAL) and still ends
 *   the live flows, so output stays whole.
 * - With Zeek's table as the engine, the driver logs exactly the records
 *   the table logs when fed directly (its look-ahead and clock change
 *   nothing), as ENDED events carrying the record.
 * - Failing the Nth allocation, for every N until a run succeeds, makes
 *   fc_replay_new or fc_replay_run fail cleanly with FC_ENOMEM, for both
 *   engines (ASan in CI checks that nothing leaks), and the run that
 *   succeeds writes what a run without failures writes: no allocation
 *   failure is silently absorbed (a service left unnamed, a fragment or
 *   a connection dropped).
 * - The same for Zeek's table fed directly, on frames that reach each of
 *   its allocations: service detection, fragment reassembly, growing
 *   past its first 1024 connections. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "fc_alloc.h"
#include "fc_decode.h"
#include "fc_error.h"
#include "fc_replay.h"
#include "fc_service.h"
#include "fc_testframes.h"
#include "fc_zeek.h"

static char path[4096];

/* A record into a digest: its stamp, why it ended, its id, packets and
 * the services named. */
static uint64_t rec_digest(uint64_t digest, fc_ts ts, int reason, const fc_zeek_rec *r)
{
    uint64_t v = (uint64_t)ts ^ ((uint64_t)reason << 56);
    if (r) {
        char svc[64];
        v ^= r->id * 0x9e3779b97f4a7c15ULL ^ r->ep[0].pkts ^ (r->ep[1].pkts << 20);
        size_t n = fc_service_format(&r->svc, svc, sizeof svc);
        for (size_t i = 0; i < n; i++)
            v = (v ^ (uint8_t)svc[i]) * 0x100000001b3ULL;
    }
    return (digest ^ v) * 0x100000001b3ULL;
}

static fc_source *open_fixture(const char *name)
{
    char err[FC_SOURCE_ERRBUF];
    const char *top = getenv("top_srcdir");
    snprintf(path, sizeof path, "%s/fixtures/real/%s", top ? top : ".", name);
    const char *p = path;
    fc_source *s = fc_source_open(&p, 1, NULL, err);
    ck_assert_msg(s != NULL, "%s", err);
    return s;
}

typedef struct tally {
    int events, ended, eof;
    uint64_t digest;
    fc_replay *rp;
    int interrupt_after; /* interrupt the replay after this many events */
} tally;

static int on_event(void *ctx, const fc_event *ev)
{
    tally *t = ctx;
    t->events++;
    if (ev->type == FC_EV_ENDED) {
        t->ended++;
        t->eof += ev->reason == FC_END_EOF;
        t->digest = rec_digest(t->digest, ev->ts, ev->reason, ev->user);
    }
    if (t->interrupt_after && t->events == t->interrupt_after)
        fc_replay_interrupt(t->rp);
    return 0;
}

START_TEST(interrupted_is_its_own_code)
{
    char err[256];
    fc_replay_opts o;
    fc_replay_opts_default(&o);
    tally t = {0};
    t.interrupt_after = 2;
    fc_replay *rp = fc_replay_new(&o, on_event, &t, err, sizeof err);
    ck_assert_ptr_nonnull(rp);
    t.rp = rp;
    fc_source *src = open_fixture("http-download.pcap");
    int rc = fc_replay_run(rp, src);
    ck_assert_int_eq(rc, FC_EINTR);
    ck_assert_int_ne(rc, FC_EINVAL);
    ck_assert_str_eq(fc_strerror(FC_EINTR), "interrupted");
    ck_assert_uint_lt(fc_replay_stats_get(rp)->packets, 41); /* stopped early */
    ck_assert_int_ge(t.eof, 1); /* the live flow still ended */
    fc_replay_free(rp);
    fc_source_close(src);
}
END_TEST

typedef struct direct {
    uint64_t digest;
    int n;
    int at_end;
    fc_ts clock;
} direct;

static void on_rec(void *ctx, const fc_zeek_rec *r)
{
    direct *d = ctx;
    d->n++;
    /* the same stamp as the driver's: deadline, or the clock at the end */
    fc_ts ts = d->at_end ? d->clock : fc_zeek_rec_deadline(r);
    int reason = d->at_end                                                     ? FC_END_EOF
                 : r->close_at && ts == r->close_at
                     ? (r->ep[0].state == FC_ZEEK_TCP_RESET || r->ep[1].state == FC_ZEEK_TCP_RESET
                            ? FC_END_RST
                            : FC_END_FIN)
                     : FC_END_IDLE_TIMEOUT;
    d->digest = rec_digest(d->digest, ts, reason, r);
}

static const char *const zeek_inputs[] = {"http-download.pcap", "reset.pcap", "udp-exchange.pcap",
                                          "icmp-echo-v6.pcap", "refused.pcap"};

START_TEST(zeek_engine_logs_what_the_table_logs)
{
    char err[256];
    fc_zeek_opts zo;
    fc_zeek_opts_default(&zo);
    zo.ignore_checksums = 1;
    /* the table fed directly, frame by frame */
    direct d = {0};
    fc_zeek_table *z = fc_zeek_table_new(&zo, 0, on_rec, &d);
    ck_assert_ptr_nonnull(z);
    fc_source *src = open_fixture(zeek_inputs[_i]);
    fc_rec rec;
    uint64_t packets = 0;
    while (fc_source_next(src, &rec) == FC_OK) {
        d.clock = packets++ == 0 || rec.ts > d.clock ? rec.ts : d.clock;
        fc_zeek_table_packet(z, rec.linktype, rec.data, rec.caplen, rec.wirelen, rec.ts);
    }
    d.at_end = 1;
    fc_zeek_table_finish(z);
    uint64_t conns = fc_zeek_table_stats_get(z)->conns;
    fc_zeek_table_free(z);
    fc_source_close(src);
    /* the same through the driver */
    fc_replay_opts o;
    fc_replay_opts_default(&o);
    o.zeek = &zo;
    tally t = {0};
    fc_replay *rp = fc_replay_new(&o, on_event, &t, err, sizeof err);
    ck_assert_ptr_nonnull(rp);
    ck_assert_ptr_null(fc_replay_tracker(rp));
    src = open_fixture(zeek_inputs[_i]);
    ck_assert_int_eq(fc_replay_run(rp, src), FC_OK);
    ck_assert_int_gt(d.n, 0);
    ck_assert_int_eq(t.events, d.n);     /* ENDED events only */
    ck_assert_int_eq(t.ended, d.n);
    ck_assert_uint_eq(t.digest, d.digest);
    ck_assert_uint_eq(fc_replay_stats_get(rp)->packets, packets);
    ck_assert_uint_eq(fc_replay_stats_get(rp)->flows_created, conns);
    ck_assert_uint_eq(fc_replay_live(rp), 0);
    fc_replay_free(rp);
    fc_source_close(src);
}
END_TEST

/* Fails the Nth allocation, for every N the run makes (N = 0: the
 * reference run, nothing failing); every failed run must say FC_ENOMEM,
 * and a run that still succeeds (an allocation whose failure is allowed
 * for, such as pacing's histogram) must log what the reference logged. */
static void alloc_loop(int zeek)
{
    char err[256];
    fc_zeek_opts zo;
    fc_zeek_opts_default(&zo);
    zo.ignore_checksums = 1; /* the capture's checksums were offloaded: its
                                HTTP payload reaches service detection */
    int completed = 0, failures = 0;
    unsigned long allocs = 0;
    tally ref = {0};
    for (unsigned long nth = 0; nth == 0 || nth <= allocs + 1; nth++) {
        fc_replay_opts o;
        fc_replay_opts_default(&o);
        if (zeek)
            o.zeek = &zo;
        else
            o.tunnels = 1; /* inner frames too */
        tally t = {0};
        fc_source *src = open_fixture("http-download.pcap");
        unsigned long a0 = fc_alloc_count();
        fc_alloc_fail_at(nth, 0);
        fc_replay *rp = fc_replay_new(&o, on_event, &t, err, sizeof err);
        int rc = rp ? fc_replay_run(rp, src) : FC_ENOMEM;
        fc_alloc_fail_at(0, 0);
        if (nth == 0) {
            ck_assert_int_eq(rc, FC_OK);
            ck_assert_int_gt(t.ended, 0);
            ref = t;
            allocs = fc_alloc_count() - a0;
        } else if (rc == FC_OK) {
            completed++;
            ck_assert_int_eq(t.events, ref.events);
            ck_assert_uint_eq(t.digest, ref.digest);
        } else {
            ck_assert_int_eq(rc, FC_ENOMEM);
            failures++;
        }
        fc_replay_free(rp);
        fc_source_close(src);
    }
    ck_assert_int_ge(completed, 1); /* N past the last allocation */
    ck_assert_int_gt(failures, 0);  /* some allocation was on the path */
}

START_TEST(failing_allocation_seed)
{
    alloc_loop(0);
}
END_TEST

START_TEST(failing_allocation_zeek)
{
    alloc_loop(1);
}
END_TEST

/* Frames that reach every allocation of Zeek's table: an HTTP request
 * (service detection: its slots, the connection's nDPI state), a UDP
 * datagram in two fragments (the fragment slots), then enough other
 * connections to outgrow the table's first 1024 slots. */
enum { ZF_HTTP = 0, ZF_FRAG1 = 1, ZF_FRAG2 = 2, ZF_UDP0 = 3, ZF_N = ZF_UDP0 + 1100 };

static size_t zeek_frame(int i, uint8_t *buf)
{
    static const uint8_t c4[4] = {10, 0, 0, 1}, s4[4] = {10, 0, 0, 2};
    static const char get[] = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
    if (i == ZF_HTTP)
        return tf_ipv4_tcp(buf, NULL, NULL, c4, s4, 40000, 80, 1, 1, 0x18, get, sizeof get - 1);
    if (i == ZF_FRAG1 || i == ZF_FRAG2) {
        uint8_t l4[64], ip[128], pl[32];
        memset(pl, 'f', sizeof pl);
        size_t n = tf_udp(l4, 5000, 6000, pl, sizeof pl); /* 40 bytes */
        tf_ip4_spec sp;
        memset(&sp, 0, sizeof sp);
        memcpy(sp.src, c4, 4);
        memcpy(sp.dst, s4, 4);
        sp.proto = FC_PROTO_UDP;
        sp.id = 77;
        sp.frag_off = i == ZF_FRAG1 ? 0 : 24;
        sp.more_frags = i == ZF_FRAG1;
        size_t m = i == ZF_FRAG1 ? tf_ip4(ip, &sp, l4, 24) : tf_ip4(ip, &sp, l4 + 24, n - 24);
        return tf_eth(buf, NULL, NULL, 0x0800, ip, m);
    }
    /* no payload: service detection takes no state for these */
    uint8_t src[4] = {10, 1, (uint8_t)(i >> 8), (uint8_t)i};
    return tf_ipv4_udp(buf, src, s4, 1234, 53, NULL, 0);
}

/* Feeds the frames to a table made with allocation nth failing (0: none).
 * Returns the index of the frame that gave FC_ENOMEM (the run stops
 * there; -1 for fc_zeek_table_new), or ZF_N with every frame taken and
 * the records' digest in *digest. */
static int zeek_table_run(unsigned long nth, uint64_t *digest)
{
    fc_zeek_opts zo;
    fc_zeek_opts_default(&zo);
    zo.ignore_checksums = 1;
    direct d = {0};
    uint8_t buf[TF_BUFSZ];
    fc_alloc_fail_at(nth, 0);
    fc_zeek_table *z = fc_zeek_table_new(&zo, 0, on_rec, &d);
    int at = z ? ZF_N : -1;
    for (int i = 0; z && i < ZF_N; i++) {
        size_t n = zeek_frame(i, buf);
        d.clock = FC_SEC(1000) + (fc_ts)i * 1000000; /* 1 ms apart */
        int rc = fc_zeek_table_packet(z, FC_LINK_EN10MB, buf, n, (uint32_t)n, d.clock);
        if (rc < 0) {
            ck_assert_int_eq(rc, FC_ENOMEM);
            at = i;
            break;
        }
    }
    if (z && at == ZF_N) {
        d.at_end = 1;
        fc_zeek_table_finish(z);
        ck_assert_uint_eq(fc_zeek_table_stats_get(z)->frags_reassembled, 1);
    }
    fc_alloc_fail_at(0, 0);
    fc_zeek_table_free(z);
    *digest = d.digest;
    return at;
}

START_TEST(zeek_table_reports_out_of_memory)
{
    uint64_t ref, digest;
    unsigned long a0 = fc_alloc_count();
    ck_assert_int_eq(zeek_table_run(0, &ref), ZF_N);
    unsigned long allocs = fc_alloc_count() - a0;
    int service = 0, frag = 0, grow = 0, completed = 0;
    /* every allocation the run makes, then one past the last */
    for (unsigned long nth = 1; nth <= allocs + 1; nth++) {
        int at = zeek_table_run(nth, &digest);
        if (at == ZF_N) {
            completed++;
            ck_assert_uint_eq(digest, ref); /* nothing was lost on the way */
        }
        service += at == ZF_HTTP;
        frag += at == ZF_FRAG1;
        grow += at >= ZF_UDP0 && at < ZF_N;
    }
    ck_assert_int_eq(completed, 1); /* only N past the last allocation */
    /* each allocation path gave its failure back */
    ck_assert_int_ge(service, 2); /* detector's slots, the connection's state */
    ck_assert_int_ge(frag, 1);
    ck_assert_int_ge(grow, 7); /* every array and the timer heap */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("replay");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, interrupted_is_its_own_code);
    tcase_add_loop_test(tc, zeek_engine_logs_what_the_table_logs, 0,
                        (int)(sizeof zeek_inputs / sizeof zeek_inputs[0]));
    tcase_add_test(tc, failing_allocation_seed);
    tcase_add_test(tc, failing_allocation_zeek);
    tcase_add_test(tc, zeek_table_reports_out_of_memory);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
