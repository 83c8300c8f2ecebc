/* bench_tracker.c - the tracker alone, frames from memory, no I/O.
 *
 *   (a) 4,096 frames over 64 flows, replayed many times: the shape the
 *       Rust original reports 4.7 M packets/s/core for;
 *   (b) N live flows (default 1,000,000): one UDP packet each, then a
 *       second pass over all of them; bytes per live flow from RSS;
 *   (c) one sweep with no expiry at 10k and at N live flows;
 *   (d) keys built to collide under a naive hash (src^dst constant);
 *   (e) the steady state at N live flows: a full table (max_flows = N)
 *       takes packets for random live flows, both directions, and one
 *       packet in ten starts a flow, which evicts the least recent one.
 * Prints one line per case. Usage: bench_tracker [N] [REPEAT] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fc_alloc.h"
#include "fc_decode.h"
#include "fc_tracker.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2)
            res = 0;
        fclose(f);
    }
    return res * 4;
}

/* An Ethernet/IPv4/UDP or TCP frame of 64 bytes, written in place. */
static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }

static size_t frame(uint8_t *f, uint32_t src, uint32_t dst, unsigned sp, unsigned dp, int tcp,
                    uint8_t flags)
{
    memset(f, 0, 80);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    put16(ip + 2, tcp ? 40 + 10 : 28 + 10);
    ip[8] = 64;
    ip[9] = tcp ? 6 : 17;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    uint8_t *l4 = ip + 20;
    put16(l4, sp);
    put16(l4 + 2, dp);
    if (tcp) {
        l4[12] = 0x50;
        l4[13] = flags;
        return 14 + 20 + 20 + 10;
    }
    put16(l4 + 4, 18);
    return 14 + 20 + 8 + 10;
}

static long discard;
static void count_ev(void *ctx, const fc_event *ev) { (void)ctx; (void)ev; discard++; }

int main(int argc, char **argv)
{
    size_t nflows = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    int repeat = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2000;
    static uint8_t frames[4096][80];
    static size_t lens[4096];
    fc_tracker_config cfg;
    const fc_event *ev;

    /* (a) 64 flows: 16 TCP connections and 48 UDP pairs, both directions */
    for (int i = 0; i < 4096; i++) {
        int fl = i % 64, rev = (i / 64) & 1;
        uint32_t a = 0x0a000001 + (uint32_t)fl, b = 0x0a010001;
        unsigned pa = 10000 + (unsigned)fl, pb = fl < 16 ? 80 : 53;
        lens[i] = rev ? frame(frames[i], b, a, pb, pa, fl < 16, 0x18)
                      : frame(frames[i], a, b, pa, pb, fl < 16, 0x10);
    }
    fc_tracker_config_default(&cfg);
    cfg.hash_seed = 1;
    fc_tracker *t = fc_tracker_new(&cfg, 0, NULL, NULL, NULL, 0);
    fc_packet p = {0};
    p.linktype = FC_LINK_EN10MB;
    double t0 = now_s();
    unsigned long allocs0 = fc_alloc_count();
    uint64_t pk = 0;
    for (int r = 0; r < repeat; r++)
        for (int i = 0; i < 4096; i++) {
            p.data = frames[i];
            p.caplen = p.wirelen = (uint32_t)lens[i];
            p.ts = (fc_ts)pk * 1000;
            discard += fc_tracker_track(t, &p, &ev);
            pk++;
        }
    double el = now_s() - t0;
    printf("a_64_flows packets=%llu seconds=%.3f pps=%.2fM ns_per_packet=%.1f allocs_in_loop=%lu\n",
           (unsigned long long)pk, el, pk / el / 1e6, el * 1e9 / pk, fc_alloc_count() - allocs0 - 0);
    fc_tracker_free(t);

    /* (b) N live flows, 2 packets each: frames are built 256 at a time
     * outside the timed part, then tracked one call each (variant 0),
     * with fc_tracker_track_batch() (1), and batched into a table made
     * at its final size (2: initial_capacity = max_flows, so no growing
     * and rehashing while the flows arrive). A fresh tracker each. */
    cfg.max_flows = nflows + 16;
    uint8_t f[80];
    static uint8_t chunk[256][80];
    static fc_packet cp[256];
    for (int variant = 0; variant < 3; variant++) {
        int batch = variant > 0;
        cfg.initial_capacity = variant == 2 ? cfg.max_flows : 1024;
        long rss0 = rss_kb();
        t = fc_tracker_new(&cfg, 0, NULL, NULL, NULL, 0);
        el = 0;
        pk = 0;
        double pass_s[2] = {0, 0};
        for (int pass = 0; pass < 2; pass++) {
            double el0 = el;
            for (size_t i0 = 0; i0 < nflows; i0 += 256) {
                size_t nc = nflows - i0 < 256 ? nflows - i0 : 256;
                for (size_t k = 0; k < nc; k++) {
                    size_t i = i0 + k;
                    uint32_t src = 0x0a000000 + (uint32_t)(i * 2654435761u % 0x00ffffffu);
                    cp[k].data = chunk[k];
                    cp[k].caplen = cp[k].wirelen = (uint32_t)frame(
                        chunk[k], src, 0xc0000201, 1024 + (unsigned)(i & 0x7fff), 53, 0, 0);
                    cp[k].ts = (fc_ts)(pk + k) * 1000;
                    cp[k].linktype = FC_LINK_EN10MB;
                }
                t0 = now_s();
                if (batch) {
                    fc_tracker_track_batch(t, cp, nc, count_ev, NULL);
                } else {
                    for (size_t k = 0; k < nc; k++)
                        discard += fc_tracker_track(t, &cp[k], &ev);
                }
                el += now_s() - t0;
                pk += nc;
            }
            pass_s[pass] = el - el0;
        }
        long rss1 = rss_kb();
        size_t live = fc_tracker_count(t);
        p.ts = cp[0].ts;
        if (variant == 0) {
            printf("b_live_flows flows=%zu packets=%llu seconds=%.3f pps=%.2fM (new flows "
                   "%.2fM/s, known flows %.2fM/s) rss_bytes_per_flow=%.1f table_bytes_per_flow=%.1f\n",
                   live, (unsigned long long)pk, el, pk / el / 1e6, nflows / pass_s[0] / 1e6,
                   nflows / pass_s[1] / 1e6,
                   (rss1 - rss0) * 1024.0 / (double)live,
                   (double)fc_tracker_memory(t) / (double)live);
            fc_tracker_free(t);
        } else {
            printf("b_live_flows_batch%s flows=%zu packets=%llu seconds=%.3f pps=%.2fM "
                   "(new flows %.2fM/s, known flows %.2fM/s)\n", variant == 2 ? "_presized" : "",
                   live, (unsigned long long)pk, el, pk / el / 1e6, nflows / pass_s[0] / 1e6,
                   nflows / pass_s[1] / 1e6);
            if (variant == 1)
                fc_tracker_free(t);
        }
    }

    /* (c) a sweep that ends nothing, at N live flows */
    t0 = now_s();
    for (int i = 0; i < 1000; i++)
        fc_tracker_sweep(t, p.ts + FC_SEC(1), count_ev, NULL);
    double sweep_big = (now_s() - t0) / 1000;
    fc_tracker_free(t);
    cfg.max_flows = 20000;
    t = fc_tracker_new(&cfg, 0, NULL, NULL, NULL, 0);
    for (size_t i = 0; i < 10000; i++) {
        p.data = f;
        p.caplen = p.wirelen = (uint32_t)frame(f, 0x0a000000 + (uint32_t)i, 0xc0000201, 1024, 53, 0, 0);
        fc_tracker_track(t, &p, &ev);
    }
    t0 = now_s();
    for (int i = 0; i < 1000; i++)
        fc_tracker_sweep(t, p.ts + FC_SEC(1), count_ev, NULL);
    double sweep_small = (now_s() - t0) / 1000;
    printf("c_sweep_no_expiry ns_at_10k=%.0f ns_at_%zu=%.0f\n", sweep_small * 1e9, nflows,
           sweep_big * 1e9);
    fc_tracker_free(t);

    /* (d) keys that collide under src^dst^sport^dport, tracked in batches */
    cfg.max_flows = nflows + 16;
    t = fc_tracker_new(&cfg, 0, NULL, NULL, NULL, 0);
    el = 0;
    for (size_t i0 = 0; i0 < nflows; i0 += 256) {
        size_t nc = nflows - i0 < 256 ? nflows - i0 : 256;
        for (size_t k = 0; k < nc; k++) {
            uint32_t src = 0x0a000000 + (uint32_t)(i0 + k), dst = src ^ 0x5a5a5a5a;
            cp[k].data = chunk[k];
            cp[k].caplen = cp[k].wirelen = (uint32_t)frame(chunk[k], src, dst, 1000, 2000, 0, 0);
            cp[k].ts = (fc_ts)(i0 + k) * 1000;
            cp[k].linktype = FC_LINK_EN10MB;
        }
        t0 = now_s();
        fc_tracker_track_batch(t, cp, nc, count_ev, NULL);
        el += now_s() - t0;
    }
    printf("d_colliding_keys_batch flows=%zu seconds=%.3f pps=%.2fM\n", fc_tracker_count(t), el,
           nflows / el / 1e6);
    fc_tracker_free(t);
    /* (e) steady state at N live flows. Case (b) times the table filling
     * from empty, which is dominated by first-touch page faults (erratic
     * with transparent huge pages); a long capture pays those once. Here
     * the table is filled first (timed on its own), then 4N packets go to
     * random recent flows, 1 in 10 to a new flow that evicts the LRU one,
     * so entries are recycled as they are in a long replay. */
    {
        cfg.max_flows = nflows;
        cfg.initial_capacity = nflows;
        t = fc_tracker_new(&cfg, 0, NULL, NULL, NULL, 0);
        uint64_t next_id = 0, rng = 0x9e3779b97f4a7c15u, total = 4 * (uint64_t)nflows;
        double fill = 0, steady = 0;
        pk = 0;
        fc_tracker_stats st0;
        memset(&st0, 0, sizeof st0);
        for (int phase = 0; phase < 2; phase++) {
            uint64_t todo = phase == 0 ? nflows : total;
            if (phase == 1)
                st0 = *fc_tracker_stats_get(t);
            for (uint64_t j0 = 0; j0 < todo; j0 += 256) {
                size_t nc = todo - j0 < 256 ? (size_t)(todo - j0) : 256;
                for (size_t k = 0; k < nc; k++) {
                    uint64_t id;
                    int rev = 0;
                    if (phase == 0 || (j0 + k) % 10 == 0) {
                        id = next_id++;
                    } else { /* one of the newest 3/4 N flows, either side */
                        rng ^= rng << 13;
                        rng ^= rng >> 7;
                        rng ^= rng << 17;
                        id = next_id - 1 - (rng >> 11) % (nflows - nflows / 4);
                        rev = (int)(rng & 1);
                    }
                    uint32_t a = 0x0b000000 + (uint32_t)id, b = 0xc0000201;
                    unsigned pa = 1024 + (unsigned)(id % 50000), pb = 53;
                    cp[k].data = chunk[k];
                    cp[k].caplen = cp[k].wirelen =
                        (uint32_t)(rev ? frame(chunk[k], b, a, pb, pa, 0, 0)
                                       : frame(chunk[k], a, b, pa, pb, 0, 0));
                    cp[k].ts = (fc_ts)(pk + k) * 1000;
                    cp[k].linktype = FC_LINK_EN10MB;
                }
                t0 = now_s();
                fc_tracker_track_batch(t, cp, nc, count_ev, NULL);
                *(phase == 0 ? &fill : &steady) += now_s() - t0;
                pk += nc;
            }
        }
        const fc_tracker_stats *st = fc_tracker_stats_get(t);
        printf("e_steady_live_flows_batch flows=%zu packets=%llu seconds=%.3f pps=%.2fM "
               "(created %llu, evicted %llu; filling the empty table %.2fM flows/s)\n",
               fc_tracker_count(t), (unsigned long long)total, steady, total / steady / 1e6,
               (unsigned long long)(st->flows_created - st0.flows_created),
               (unsigned long long)(st->flows_evicted - st0.flows_evicted), nflows / fill / 1e6);
        fc_tracker_free(t);
    }
    return discard == 42; /* keep the compiler from dropping the work */
}
