/* fuzz_decode.c - frames through fc_decode and the tracker.
 *
 * Input: byte 0 picks a link type among those fc_decode_linktype_supported
 * accepts; byte 1 holds mode bits; the rest is either one frame, or (bit
 * 0 set) a list of records [len:2 BE][dt:1][frame:len] so one input can
 * open, advance and close flows. dt is the time step in seconds (bit 7:
 * run a sweep before the frame). The tracker is kept tiny so eviction,
 * timeouts and fragment matching all happen within a few frames; a sweep
 * and a flush end every input so every flow's end path runs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fc_decode.h"
#include "fc_error.h"
#include "fc_tracker.h"
#include "fuzz_common.h"

enum { MODE_SPLIT = 1, MODE_CSUM = 2, MODE_TINY = 4 };

static int links[64];
static size_t nlinks;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (int lt = 0; lt < 1024 && nlinks < 64; lt++)
        if (fc_decode_linktype_supported(lt))
            links[nlinks++] = lt;
    return 0;
}

typedef struct sink {
    uint64_t ended;
    unsigned sum; /* touches every payload byte so ASan sees overreads */
} sink;

static void check_event(const fc_event *ev)
{
    FZ_CHECK(ev->type < FC_EV_COUNT);
    FZ_CHECK(ev->history.len <= FC_HISTORY_MAX);
    if (ev->type == FC_EV_ENDED)
        FZ_CHECK(ev->reason > FC_END_NONE && ev->reason < FC_END_COUNT);
}

static void on_end(void *ctx, const fc_event *ev)
{
    sink *s = ctx;
    check_event(ev);
    FZ_CHECK(ev->type == FC_EV_ENDED);
    s->ended++;
}

static void on_payload(void *ctx, const fc_key *key, fc_side side, uint32_t seq,
                       const uint8_t *payload, size_t len)
{
    sink *s = ctx;
    (void)key;
    (void)side;
    (void)seq;
    for (size_t i = 0; i < len; i++)
        s->sum += payload[i];
}

/* Decodes alone, then tracks. The frame sits in a buffer of exactly
 * caplen bytes so any read past it is an ASan error. */
static int one_frame(fc_tracker *t, int lt, unsigned flags, const uint8_t *p, size_t n,
                     fc_ts ts)
{
    uint8_t *frame = malloc(n ? n : 1);
    fc_decoded d;
    const fc_event *evs = NULL;

    if (!frame)
        return -1;
    if (n)
        memcpy(frame, p, n);
    int drc = fc_decode(lt, frame, n, flags, &d);
    FZ_CHECK(drc == FC_OK || drc == FC_ETRUNC || drc == FC_EUNSUPP || drc == FC_EFORMAT);
    if (drc == FC_OK) {
        FZ_CHECK(d.family == FC_AF_INET || d.family == FC_AF_INET6);
        FZ_CHECK(d.l3_off <= n);
        FZ_CHECK(d.payload_len <= n);
        if (d.payload_len)
            FZ_CHECK(d.payload_off <= n && d.payload_len <= n - d.payload_off);
    }
    fc_packet pkt = {frame, n, (uint32_t)n, ts, lt};
    int k = fc_tracker_track(t, &pkt, &evs);
    FZ_CHECK(k >= FC_ENOMEM && k <= 5);
    for (int i = 0; i < k; i++)
        check_event(&evs[i]);
    free(frame);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fc_tracker_config cfg;
    sink s = {0, 0};
    fc_ts now = FC_SEC(1700000000);

    if (size < 2 || nlinks == 0)
        return 0;
    int lt = links[data[0] % nlinks];
    unsigned mode = data[1];
    unsigned flags = (mode & MODE_CSUM) ? FC_DECODE_CHECKSUMS : 0;
    data += 2;
    size -= 2;

    fc_tracker_config_default(&cfg);
    cfg.max_flows = (mode & MODE_TINY) ? 1 : 8;
    cfg.initial_capacity = 2;
    cfg.idle_timeout_tcp = FC_SEC(5);
    cfg.idle_timeout_udp = FC_SEC(3);
    cfg.idle_timeout_other = FC_SEC(2);
    cfg.hash_seed = 0x5eed; /* reproducible runs */
    fc_tracker *t = fc_tracker_new(&cfg, 16, NULL, NULL, NULL, 0);
    if (!t)
        return 0;
    fc_tracker_set_payload_fn(t, on_payload, &s);

    if (!(mode & MODE_SPLIT)) {
        one_frame(t, lt, flags, data, size, now);
    } else {
        while (size >= 3) {
            size_t n = (size_t)data[0] << 8 | data[1];
            unsigned dt = data[2];
            data += 3;
            size -= 3;
            if (n > size)
                n = size;
            now += FC_SEC(dt & 0x7f);
            if (dt & 0x80) {
                long r = fc_tracker_sweep(t, now, on_end, &s);
                FZ_CHECK(r >= 0 || r == FC_ENOMEM);
            }
            if (one_frame(t, lt, flags, data, n, now) != 0)
                break;
            FZ_CHECK(fc_tracker_count(t) <= cfg.max_flows);
            data += n;
            size -= n;
        }
    }
    long r = fc_tracker_sweep(t, now + FC_SEC(4), on_end, &s);
    FZ_CHECK(r >= 0 || r == FC_ENOMEM);
    r = fc_tracker_flush(t, FC_END_EOF, now + FC_SEC(4), on_end, &s);
    FZ_CHECK(r >= 0 || r == FC_ENOMEM);
    FZ_CHECK(fc_tracker_count(t) == 0);
    const fc_tracker_stats *st = fc_tracker_stats_get(t);
    FZ_CHECK(st->flows_ended == st->flows_created);
    fc_tracker_free(t);
    return 0;
}
