/* fuzz_zeek.c - frames through the Zeek connection table (--zeek mode):
 * its decode fallbacks, fragment reassembly, tunnel decapsulation,
 * connection records, timers and the final logging of every record.
 *
 * Input: the frame-list layout of fuzz_decode.c, so its seeds serve here
 * too. Byte 0 picks a link type among those fc_decode_linktype_supported
 * accepts; byte 1 holds mode bits; the rest is either one frame or (bit 0
 * set) records [len:2 BE][dt:1][frame:len], dt the time step in seconds
 * (bit 7: a step of dt minutes instead, so the inactivity, fragment and
 * close timers all fire within one input). Each frame sits in a buffer of
 * exactly its length so any read past it is an ASan error. Every record
 * the table logs is formatted as a conn.log row, which reads each field. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fc_decode.h"
#include "fc_error.h"
#include "fc_zeek.h"
#include "fc_zeek_int.h" /* the look-ahead hints, internal since the replay driver took them */
#include "fuzz_common.h"

enum { MODE_SPLIT = 1, MODE_CSUM = 2, MODE_TINY = 4, MODE_NOTUN = 8, MODE_BARE = 16,
       MODE_SERVICE = 32 };

static int links[64];
static size_t nlinks;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (int lt = 0; lt < 1024 && nlinks < 64; lt++)
        if (fc_decode_linktype_supported(lt))
            links[nlinks++] = lt;
    devnull = fopen("/dev/null", "w");
    return 0;
}

typedef struct sink {
    uint64_t logged;
} sink;

static void on_log(void *ctx, const fc_zeek_rec *r)
{
    sink *s = ctx;
    fc_zeek_fields f;
    char hist[64];

    fc_zeek_format(r, 0, &f);
    fc_zeek_history(r, hist, sizeof hist);
    FZ_CHECK(memchr(hist, '\0', sizeof hist) != NULL);
    FZ_CHECK(fc_zeek_conn_state(r) != NULL);
    if (devnull)
        FZ_CHECK(fc_zeek_tsv_row(devnull, r, 0) == 0);
    s->logged++;
}

static void one_frame(fc_zeek_table *t, int lt, const uint8_t *p, size_t n, fc_ts ts)
{
    uint8_t *frame = malloc(n ? n : 1);
    fc__zeek_hint h;

    if (!frame)
        return;
    if (n)
        memcpy(frame, p, n);
    /* the look-ahead hints are pure: calling them must change nothing */
    fc__zeek_table_hint(t, lt, frame, n, &h);
    fc__zeek_table_hint_step(t, &h);
    int r = fc_zeek_table_packet(t, lt, frame, n, (uint32_t)n, ts);
    FZ_CHECK(r == 0 || r == 1 || r == FC_ENOMEM);
    free(frame);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fc_zeek_opts o;
    sink s = {0};
    fc_ts now = FC_SEC(1700000000);

    if (size < 2 || nlinks == 0)
        return 0;
    int lt = links[data[0] % nlinks];
    unsigned mode = data[1];
    data += 2;
    size -= 2;

    fc_zeek_opts_default(&o);
    o.ignore_checksums = (mode & MODE_CSUM) ? 0 : 1;
    o.tunnels = (mode & MODE_NOTUN) ? 0 : 1;
    o.bare = (mode & MODE_BARE) ? 1 : 0;
    /* service detection only when asked: nDPI's set-up costs a table
     * about 80M instructions, which would make every input slow */
    o.service = (mode & MODE_SERVICE) ? 1 : 0;
    fc_zeek_table *t = fc_zeek_table_new(&o, (mode & MODE_TINY) ? 2 : 64, on_log, &s);
    if (!t)
        return 0;

    if (!(mode & MODE_SPLIT)) {
        one_frame(t, lt, data, size, now);
    } else {
        while (size >= 3) {
            size_t n = (size_t)data[0] << 8 | data[1];
            unsigned dt = data[2];
            data += 3;
            size -= 3;
            if (n > size)
                n = size;
            now += (dt & 0x80) ? FC_SEC(60 * (int64_t)(dt & 0x7f)) : FC_SEC(dt);
            one_frame(t, lt, data, n, now);
            data += n;
            size -= n;
        }
    }
    fc_zeek_table_finish(t);
    const fc_zeek_table_stats *st = fc_zeek_table_stats_get(t);
    /* every connection made is logged exactly once, by now */
    FZ_CHECK(s.logged == st->conns);
    FZ_CHECK(st->dropped <= st->packets);
    fc_zeek_table_free(t);
    return 0;
}
