/* fuzz_pcap.c - a whole capture file through flowreplay's reading path:
 * fc_source_open (libpcap, pcap or pcapng), fc_replay_run with a small
 * tracker, events written by fc_writer to /dev/null.
 *
 * The input is the file itself, byte for byte, so real captures are
 * seeds as they are. What the file cannot carry (output format, table
 * size) is derived from its length, so both writers and eviction run. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "fc_error.h"
#include "fc_replay.h"
#include "fc_source.h"
#include "fc_writer.h"
#include "fuzz_common.h"

static int devnull = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    return 0;
}

typedef struct out {
    fc_writer *w;
    uint64_t events, ended;
} out;

static int on_event(void *ctx, const fc_event *ev)
{
    out *o = ctx;
    FZ_CHECK(ev->type < FC_EV_COUNT);
    FZ_CHECK(ev->history.len <= FC_HISTORY_MAX);
    o->events++;
    if (ev->type == FC_EV_ENDED)
        o->ended++;
    return fc_writer_event(o->w, ev) == FC_OK ? 0 : 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64], err[FC_SOURCE_ERRBUF];
    const char *paths[1] = {path};
    fc_replay_opts ro;

    if (devnull < 0)
        return 0;
    int fd = fz_memfile(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    fc_source *src = fc_source_open(paths, 1, NULL, err);
    if (!src) {
        FZ_CHECK(err[0] != '\0'); /* a refusal must say why */
        close(fd);
        return 0;
    }
    fc_replay_opts_default(&ro);
    ro.cfg.max_flows = 1 + size % 16;
    ro.cfg.initial_capacity = 2;
    ro.cfg.hash_seed = 0x5eed;
    ro.flush_eof = (size & 32) == 0;
    unsigned wflags = (size & 2) ? FC_WRITER_LIFECYCLE : 0;
    out o = {fc_writer_new(devnull, (size & 1) ? FC_FMT_JSONL : FC_FMT_CSV, wflags, NULL), 0,
             0};
    fc_replay *rp = o.w ? fc_replay_new(&ro, on_event, &o, err, sizeof err) : NULL;
    if (rp) {
        int rc = fc_replay_run(rp, src);
        FZ_CHECK(rc == FC_OK || rc == FC_EFORMAT || rc == FC_EIO || rc == FC_ENOMEM);
        if (rc == FC_EFORMAT || rc == FC_EIO)
            FZ_CHECK(fc_source_errmsg(src)[0] != '\0');
        const fc_replay_stats *st = fc_replay_stats_get(rp);
        FZ_CHECK(st->matched + st->unmatched <= st->packets);
        if (ro.flush_eof && rc != FC_ENOMEM) {
            uint64_t ended = 0;
            for (int i = 0; i < FC_END_COUNT; i++)
                ended += st->ended[i];
            /* every flow created ended, so output is whole */
            FZ_CHECK(ended == st->flows_created);
            FZ_CHECK(o.ended == st->flows_created);
        }
        fc_replay_free(rp);
    }
    fc_writer_close(o.w);
    fc_source_close(src);
    close(fd);
    return 0;
}
