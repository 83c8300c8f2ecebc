/* seedgen.c - turns real captures into seeds for the targets that do not
 * take a capture as it is: the frame-list format of fuzz_decode, and
 * event files (CSV and JSONL, as flowreplay writes them) for
 * fuzz_flowdiff. Built by fuzz/run.sh next to the targets.
 *
 * Usage: seedgen OUTDIR PCAP...   writes OUTDIR/decode/ and
 * OUTDIR/flowdiff/ (created by the caller). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fc_decode.h"
#include "fc_error.h"
#include "fc_replay.h"
#include "fc_source.h"
#include "fc_writer.h"

#define SPLIT_FRAMES 48
#define SINGLE_FRAMES 4
#define MAX_EVENTS 200

/* Same order as fuzz_decode.c's LLVMFuzzerInitialize. */
static int link_index(int lt)
{
    int idx = 0;
    for (int i = 0; i < 1024 && idx < 64; i++) {
        if (!fc_decode_linktype_supported(i))
            continue;
        if (i == lt)
            return idx;
        idx++;
    }
    return -1;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static FILE *open_out(const char *dir, const char *sub, const char *base, const char *suffix)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s/%s%s", dir, sub, base, suffix) >=
        sizeof path)
        return NULL;
    return fopen(path, "wb");
}

/* One split-mode seed of the first frames, and single-frame seeds. */
static int decode_seeds(const char *dir, const char *pcap)
{
    char err[FC_SOURCE_ERRBUF], suffix[32];
    fc_source *src = fc_source_open(&pcap, 1, NULL, err);
    fc_rec rec;
    fc_ts prev = 0;
    int n = 0, li;

    if (!src) {
        fprintf(stderr, "seedgen: %s\n", err);
        return -1;
    }
    FILE *split = NULL;
    while (n < SPLIT_FRAMES && fc_source_next(src, &rec) == FC_OK) {
        if ((li = link_index(rec.linktype)) < 0)
            break;
        uint32_t len = rec.caplen > 65535 ? 65535 : rec.caplen;
        if (!split) {
            if (!(split = open_out(dir, "decode", base_name(pcap), "-split")))
                break;
            fputc(li, split);
            fputc(1, split); /* MODE_SPLIT */
            prev = rec.ts;
        }
        fc_ts dt = (rec.ts - prev) / FC_NSEC_PER_SEC;
        prev = rec.ts;
        fputc((int)(len >> 8), split);
        fputc((int)(len & 0xff), split);
        fputc(dt < 0 ? 0 : dt > 127 ? 127 : (int)dt, split);
        fwrite(rec.data, 1, len, split);
        if (n < SINGLE_FRAMES) {
            snprintf(suffix, sizeof suffix, "-f%d", n);
            FILE *one = open_out(dir, "decode", base_name(pcap), suffix);
            if (one) {
                fputc(li, one);
                fputc(0, one);
                fwrite(rec.data, 1, len, one);
                fclose(one);
            }
        }
        n++;
    }
    if (split)
        fclose(split);
    fc_source_close(src);
    return 0;
}

typedef struct evout {
    fc_writer *w;
    unsigned n;
} evout;

static int on_event(void *ctx, const fc_event *ev)
{
    evout *o = ctx;
    if (o->n++ >= MAX_EVENTS)
        return 1;
    return fc_writer_event(o->w, ev) == FC_OK ? 0 : 1;
}

/* The capture's first events as flowreplay would write them. */
static int event_seed(const char *dir, const char *pcap, fc_format fmt)
{
    char err[FC_SOURCE_ERRBUF], path[4096];
    fc_replay_opts ro;

    if ((size_t)snprintf(path, sizeof path, "%s/flowdiff/%s.%s", dir, base_name(pcap),
                         fmt == FC_FMT_CSV ? "csv" : "jsonl") >= sizeof path)
        return -1;
    fc_source *src = fc_source_open(&pcap, 1, NULL, err);
    if (!src)
        return -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fc_source_close(src);
        return -1;
    }
    fc_replay_opts_default(&ro);
    ro.cfg.hash_seed = 1;
    ro.flush_eof = 1;
    evout o = {fc_writer_new(fd, fmt, 0, NULL), 0};
    fc_replay *rp = o.w ? fc_replay_new(&ro, on_event, &o, err, sizeof err) : NULL;
    if (rp) {
        fc_replay_run(rp, src);
        fc_replay_free(rp);
    }
    fc_writer_close(o.w);
    close(fd);
    fc_source_close(src);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: seedgen OUTDIR PCAP...\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        decode_seeds(argv[1], argv[i]);
        event_seed(argv[1], argv[i], FC_FMT_CSV);
        event_seed(argv[1], argv[i], FC_FMT_JSONL);
    }
    return 0;
}
