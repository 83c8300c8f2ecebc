/* test_threads.c - two trackers and two Zeek tables on two threads at
 * once give each exactly what it gives alone.
 *
 * fc_tracker.h promises one tracker per thread is safe; this holds only
 * while libcore keeps no mutable process-wide state (a sort's context, an
 * allocation counter, a configured port set). Each thread replays the
 * same synthetic traffic through its own tracker (small enough to evict,
 * swept every second so idle flows end in batches that are sorted) and
 * its own Zeek table (capped, so it logs early; its own likely server
 * ports and timeouts), and folds every event into a digest. The digests
 * must equal those of the same runs made one after the other. CI also
 * runs this test under ThreadSanitizer (scripts/tsan-check.sh), which
 * reports any shared write even when the digests happen to agree. */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fc_alloc.h"
#include "fc_testframes.h"
#include "fc_tracker.h"
#include "fc_zeek.h"

#define NPKT 30000
#define NKEYS 1500

typedef struct frame {
    uint8_t b[128];
    size_t len;
    fc_ts ts;
} frame;

static frame *frames;

/* Deterministic traffic: TCP (SYN first, then data), UDP and ICMP on
 * NKEYS keys, time advancing in steps with long pauses now and then, so
 * idle timeouts end many flows at the same sweep. */
static void make_frames(void)
{
    frames = calloc(NPKT, sizeof *frames);
    ck_assert_ptr_nonnull(frames);
    uint8_t buf[TF_BUFSZ], pl[16] = "0123456789abcdef";
    uint32_t x = 12345;
    fc_ts ts = FC_SEC(1700000000);
    static uint8_t seen[NKEYS];
    memset(seen, 0, sizeof seen);
    for (int i = 0; i < NPKT; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t k = (x >> 8) % NKEYS;
        ts += (i % 2000 == 1999) ? FC_SEC(90) : FC_SEC(3) / 1000;
        uint8_t src[4] = {10, 1, (uint8_t)(k >> 8), (uint8_t)k}, dst[4] = {10, 2, 0, 1};
        size_t n;
        int rev = (x >> 3) & 1;
        switch (k % 3) {
        case 0: {
            uint8_t fl = seen[k] ? 0x18 : 0x02; /* PSH|ACK, or SYN */
            n = rev && seen[k] ? tf_ipv4_tcp(buf, NULL, NULL, dst, src, 80, (uint16_t)(1024 + k),
                                              7000, 1000 + seen[k], 0x10, pl, 8)
                               : tf_ipv4_tcp(buf, NULL, NULL, src, dst, (uint16_t)(1024 + k), 80,
                                             1000 + seen[k], 0, fl, fl == 0x02 ? NULL : pl,
                                             fl == 0x02 ? 0 : 8);
            break;
        }
        case 1:
            n = rev ? tf_ipv4_udp(buf, dst, src, 53, (uint16_t)(2000 + k), pl, 12)
                    : tf_ipv4_udp(buf, src, dst, (uint16_t)(2000 + k), 53, pl, 12);
            break;
        default:
            n = tf_ipv4_icmp(buf, rev ? dst : src, rev ? src : dst, rev ? 0 : 8, 0, pl, 4);
            break;
        }
        if (seen[k] < 200)
            seen[k]++;
        ck_assert_uint_le(n, sizeof frames[i].b);
        memcpy(frames[i].b, buf, n);
        frames[i].len = n;
        frames[i].ts = ts;
    }
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v;
    return h * 0x100000001b3ULL;
}

static void on_event(void *ctx, const fc_event *ev)
{
    uint64_t *h = ctx;
    *h = mix(*h, (uint64_t)ev->type);
    *h = mix(*h, (uint64_t)ev->ts);
    *h = mix(*h, (uint64_t)ev->reason);
    *h = mix(*h, ((uint64_t)ev->key.port_a << 16) | ev->key.port_b);
    *h = mix(*h, ev->stats.packets[0] * 31 + ev->stats.packets[1]);
}

static void on_rec(void *ctx, const fc_zeek_rec *r)
{
    uint64_t *h = ctx;
    char hist[FC_ZEEK_HIST_MAX + 1];
    fc_zeek_history(r, hist, sizeof hist);
    *h = mix(*h, r->id);
    *h = mix(*h, (uint64_t)r->start);
    *h = mix(*h, (uint64_t)r->last);
    *h = mix(*h, ((uint64_t)r->orig_p << 16) | r->resp_p);
    *h = mix(*h, r->ep[0].pkts * 31 + r->ep[1].pkts);
    for (const char *p = fc_zeek_conn_state(r); *p; p++)
        *h = mix(*h, (uint8_t)*p);
    for (const char *p = hist; *p; p++)
        *h = mix(*h, (uint8_t)*p);
}

typedef struct job {
    int variant;      /* 0 or 1: two different configurations */
    uint64_t tracker_digest, zeek_digest;
    int failed;
    pthread_barrier_t *go; /* run_fed: wait here first */
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    char err[256];
    fc_tracker_config cfg;
    fc_tracker_config_default(&cfg);
    cfg.max_flows = j->variant ? 300 : 700;
    cfg.idle_timeout_udp = FC_SEC(j->variant ? 20 : 45);
    cfg.hash_seed = 7;
    fc_tracker *t = fc_tracker_new(&cfg, 0, NULL, NULL, err, sizeof err);
    fc_zeek_portset ports;
    fc_zeek_opts zo;
    fc_zeek_opts_default(&zo);
    zo.ignore_checksums = 1;
    if (j->variant) {
        if (fc_zeek_portset_parse(&ports, "1024-1600/tcp,53/udp") != 0)
            j->failed = 1;
        zo.ports = &ports;
        zo.udp_inactivity = FC_SEC(30);
    }
    uint64_t th = 0xcbf29ce484222325ULL, zh = th;
    fc_zeek_table *z = fc_zeek_table_new(&zo, j->variant ? 200 : 500, on_rec, &zh);
    if (!t || !z) {
        j->failed = 1;
        fc_tracker_free(t);
        fc_zeek_table_free(z);
        return NULL;
    }
    fc_ts next_sweep = frames[0].ts + FC_SEC(1);
    for (int i = 0; i < NPKT; i++) {
        const fc_event *ev;
        fc_packet p = {frames[i].b, frames[i].len, (uint32_t)frames[i].len, frames[i].ts,
                       FC_LINK_EN10MB};
        while (next_sweep <= p.ts) {
            if (fc_tracker_sweep(t, next_sweep, on_event, &th) < 0)
                j->failed = 1;
            next_sweep += FC_SEC(1);
        }
        int n = fc_tracker_track(t, &p, &ev);
        if (n < 0)
            j->failed = 1;
        for (int k = 0; k < n; k++)
            on_event(&th, &ev[k]);
        fc_zeek_table_packet(z, FC_LINK_EN10MB, p.data, p.caplen, p.wirelen, p.ts);
    }
    if (fc_tracker_flush(t, FC_END_EOF, frames[NPKT - 1].ts, on_event, &th) < 0)
        j->failed = 1;
    fc_zeek_table_finish(z);
    fc_tracker_free(t);
    fc_zeek_table_free(z);
    j->tracker_digest = th;
    j->zeek_digest = zh;
    return NULL;
}

START_TEST(two_threads_as_one)
{
    make_frames();
    job alone[2] = {{0, 0, 0, 0, NULL}, {1, 0, 0, 0, NULL}};
    run_job(&alone[0]);
    run_job(&alone[1]);
    ck_assert(!alone[0].failed && !alone[1].failed);
    /* the two configurations really differ, or the check proves little */
    ck_assert(alone[0].tracker_digest != alone[1].tracker_digest);
    ck_assert(alone[0].zeek_digest != alone[1].zeek_digest);
    for (int round = 0; round < 3; round++) {
        job both[2] = {{0, 0, 0, 0, NULL}, {1, 0, 0, 0, NULL}};
        pthread_t th[2];
        for (int k = 0; k < 2; k++)
            ck_assert_int_eq(pthread_create(&th[k], NULL, run_job, &both[k]), 0);
        for (int k = 0; k < 2; k++)
            pthread_join(th[k], NULL);
        for (int k = 0; k < 2; k++) {
            ck_assert(!both[k].failed);
            ck_assert_uint_eq(both[k].tracker_digest, alone[k].tracker_digest);
            ck_assert_uint_eq(both[k].zeek_digest, alone[k].zeek_digest);
        }
    }
    free(frames);
}
END_TEST

/* The allocation fault hook counts the calling thread's allocations only:
 * a thread whose every allocation fails leaves another one untouched. */
typedef struct starved {
    pthread_barrier_t *go;
    int made;
} starved;

static void *run_starved(void *arg)
{
    starved *s = arg;
    char err[256];
    fc_alloc_fail_at(1, 1);
    pthread_barrier_wait(s->go);
    for (int i = 0; i < 2000; i++) {
        fc_tracker *t = fc_tracker_new(NULL, 0, NULL, NULL, err, sizeof err);
        fc_zeek_table *z = fc_zeek_table_new(&(fc_zeek_opts){0}, 0, NULL, NULL);
        s->made += (t != NULL) + (z != NULL);
        fc_tracker_free(t);
        fc_zeek_table_free(z);
    }
    fc_alloc_fail_at(0, 0);
    return NULL;
}

static void *run_fed(void *arg)
{
    job *j = arg;
    pthread_barrier_wait(j->go);
    return run_job(j);
}

START_TEST(fault_hook_is_per_thread)
{
    make_frames();
    job ref = {0, 0, 0, 0, NULL};
    run_job(&ref);
    ck_assert(!ref.failed);
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, 2);
    starved s = {&go, 0};
    job fed = {0, 0, 0, 0, &go};
    pthread_t a, b;
    ck_assert_int_eq(pthread_create(&a, NULL, run_starved, &s), 0);
    ck_assert_int_eq(pthread_create(&b, NULL, run_fed, &fed), 0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_barrier_destroy(&go);
    ck_assert_int_eq(s.made, 0);  /* every allocation of that thread failed */
    ck_assert(!fed.failed);       /* none of the other's */
    ck_assert_uint_eq(fed.tracker_digest, ref.tracker_digest);
    ck_assert_uint_eq(fed.zeek_digest, ref.zeek_digest);
    free(frames);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("threads");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, two_threads_as_one);
    tcase_add_test(tc, fault_hook_is_per_thread);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
