/* test_replay.c - the replay driver (fc_replay) with both engines.
 *
 * - An interrupted replay returns FC_EINTR (not FC_EINVAL) and still ends
 *   the live flows, so output stays whole.
 * - With Zeek's table as the engine, the driver logs exactly the records
 *   the table logs when fed directly (its look-ahead and clock change
 *   nothing), as ENDED events carrying the record.
 * - Failing the Nth allocation, for every N until a run succeeds, makes
 *   fc_replay_new or fc_replay_run fail cleanly with FC_ENOMEM, for both
 *   engines (ASan in CI checks that nothing leaks). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "fc_alloc.h"
#include "fc_error.h"
#include "fc_replay.h"
#include "fc_zeek.h"

static char path[4096];

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
        const fc_zeek_rec *r = ev->user;
        uint64_t v = (uint64_t)ev->ts ^ ((uint64_t)ev->reason << 56);
        if (r)
            v ^= r->id * 0x9e3779b97f4a7c15ULL ^ r->ep[0].pkts ^ (r->ep[1].pkts << 20);
        t->digest = (t->digest ^ v) * 0x100000001b3ULL;
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
    uint64_t v = (uint64_t)ts ^ ((uint64_t)reason << 56);
    v ^= r->id * 0x9e3779b97f4a7c15ULL ^ r->ep[0].pkts ^ (r->ep[1].pkts << 20);
    d->digest = (d->digest ^ v) * 0x100000001b3ULL;
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

/* Fails the Nth allocation (for N = 1, 2, ...) until a whole run
 * succeeds; every failed run must say FC_ENOMEM. */
static void alloc_loop(int zeek)
{
    char err[256];
    fc_zeek_opts zo;
    fc_zeek_opts_default(&zo);
    int completed = 0, failures = 0;
    for (unsigned long nth = 1; nth < 100000 && !completed; nth++) {
        fc_replay_opts o;
        fc_replay_opts_default(&o);
        if (zeek)
            o.zeek = &zo;
        else
            o.tunnels = 1; /* inner frames too */
        tally t = {0};
        fc_source *src = open_fixture("http-download.pcap");
        fc_alloc_fail_at(nth, 0);
        fc_replay *rp = fc_replay_new(&o, on_event, &t, err, sizeof err);
        int rc = rp ? fc_replay_run(rp, src) : FC_ENOMEM;
        fc_alloc_fail_at(0, 0);
        if (rc == FC_OK)
            completed = 1;
        else {
            ck_assert_int_eq(rc, FC_ENOMEM);
            failures++;
        }
        fc_replay_free(rp);
        fc_source_close(src);
    }
    ck_assert(completed);
    ck_assert_int_gt(failures, 0); /* some allocation was on the path */
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
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
