/* flowreplay - replays captures through the flow tracker in packet time
 * and writes the event sequence (CSV or JSON Lines). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fc_error.h"
#include "fc_writer.h"
#include "fk_asyncw.h"
#include "fk_cli.h"
#include "fk_paths.h"
#include "fk_zeek_cli.h"
#include "flowcore.h"

#define PROG "flowreplay"

enum { OPT_FORMAT = 2000, OPT_EVENTS, OPT_STATS, OPT_VERSION, OPT_FIELDS, OPT_TIME_FORMAT };

static const struct option longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"events", required_argument, NULL, OPT_EVENTS},
    {"speed", required_argument, NULL, FK_OPT_SPEED},
    {"stats", required_argument, NULL, OPT_STATS},
    {"fields", required_argument, NULL, OPT_FIELDS},
    {"time-format", required_argument, NULL, OPT_TIME_FORMAT},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    FK_REPLAY_LONGOPTS,
    FK_ZEEK_LONGOPTS,
    {NULL, 0, NULL, 0}};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROG " [OPTION]... [-r] FILE...\n"
            "Replay capture files (pcap, pcapng; - for standard input) through the flow\n"
            "tracker in packet time and write the flow events. Several files are merged\n"
            "in timestamp order.\n\n"
            "  -r FILE                 read FILE (as tcpdump -r; repeatable, with the\n"
            "                          operands after)\n"
            "  -o, --output FILE       write events to FILE (default: standard output)\n"
            "      --format FMT        csv (default), jsonl, zeek (a Zeek conn.log) or\n"
            "                          zeek-json (the conn.log as Zeek's JSON logs)\n"
            "      --fields LIST       write only these columns, in this order (a,b,c)\n"
            "      --time-format F     epoch (default) or iso: ts and flow_start as\n"
            "                          ISO 8601 UTC with nanoseconds (csv, jsonl)\n"
            "      --events WHICH      all (default) or lifecycle (no per-packet events)\n"
            "      --speed X           replay in real time scaled by X (1 = original pace)\n"
            "      --stats FILE        write the run summary as JSON to FILE\n"
            "  -q, --quiet             no progress line, no summary\n"
            FK_REPLAY_HELP
            FK_ZEEK_HELP
            "  -h, --help              show this help\n"
            "      --version           show the version\n\n"
            "Exit status: 0 on success, 1 when an input broke after output was written,\n"
            "2 for usage errors and files that cannot be opened.\n");
}

typedef struct out_ctx {
    fc_writer *w;
    fk_asyncw *async; /* the writer's thread, or NULL to write inline */
    fk_zeek_tsv *tsv; /* --format zeek: the conn.log instead of w */
    const fc_replay *rp; /* for the conn.log's #open stamp */
    int lifecycle;    /* --events lifecycle: packet events are not written */
    int failed;
    int err;          /* errno of the first failed conn.log write (fk_zeek_tsv
                         runs on this thread); the event writer keeps its own
                         (fc_writer_errno) */
} out_ctx;

static int on_event(void *ctx, const fc_event *ev)
{
    out_ctx *o = ctx;
    if (o->lifecycle && ev->type == FC_EV_PACKET)
        return 0; /* dropped here, not copied to the writer's thread */
    int rc = o->tsv     ? fk_zeek_tsv_event(o->tsv, ev, fc_replay_stats_get(o->rp)->first_ts)
             : o->async ? fk_asyncw_push(o->async, ev)
                        : fc_writer_event(o->w, ev);
    if (rc != FC_OK) {
        if (!o->failed && o->tsv)
            o->err = errno; /* fk_zeek_tsv hands back this thread's errno */
        o->failed = 1;
        return 1;
    }
    return 0;
}

typedef struct tick_ctx {
    fk_progress prog;
    const fc_replay *rp;
} tick_ctx;

static void on_tick(void *ctx, const fc_replay_stats *st, const fc_tracker *t)
{
    tick_ctx *tc = ctx;
    (void)t; /* NULL with Zeek's table: ask the replay */
    fk_progress_update(&tc->prog, st, fc_replay_live(tc->rp));
}

static fc_replay *volatile current;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
    if (current)
        fc_replay_interrupt(current);
}

/* The end of a run: one line for what went wrong, if anything, and the
 * exit status. A reader that went away (EPIPE: `| head`) is not an
 * error, as for grep or tcpdump: the run simply ends, quietly. */
static int end_status(const char *outpath, int write_failed, int werr, int rc,
                      const fc_source *src, int *broken_pipe)
{
    *broken_pipe = 0;
    if (write_failed && werr == EPIPE) {
        *broken_pipe = 1;
        return 0;
    }
    if (write_failed) {
        fprintf(stderr, PROG ": %s: write error: %s\n", outpath ? outpath : "standard output",
                strerror(werr ? werr : EIO));
        return 1;
    }
    if (rc == FC_EINTR) {
        fprintf(stderr, PROG ": interrupted\n");
        return 1;
    }
    if (rc != FC_OK) {
        fprintf(stderr, PROG ": %s\n",
                fc_source_errmsg(src)[0] ? fc_source_errmsg(src) : fc_strerror(rc));
        /* a link type met later in the file (a pcapng interface) is
         * refused as one met at the start is: not damage, exit 2 */
        return rc == FC_EUNSUPP ? 2 : 1;
    }
    return 0;
}

/* inputs: room for argc paths (those of -r, then the operands) */
static int run(int argc, char **argv, const char **inputs)
{
    size_t ninputs = 0;
    fk_replay_cli cli;
    const char *outpath = NULL, *statspath = NULL, *fields = NULL;
    int time_iso = 0;
    int fmt = FC_FMT_CSV, quiet = 0, c;
    unsigned wflags = 0;
    char err[FC_SOURCE_ERRBUF];

    fk_zeek_cli zc;

    fk_replay_cli_init(&cli);
    fk_zeek_cli_init(&zc);
    while ((c = getopt_long(argc, argv, "o:f:qr:h", longopts, NULL)) != -1) {
        int r = fk_replay_cli_opt(&cli, PROG, c, optarg);
        if (r == 0)
            r = fk_zeek_cli_opt(&zc, PROG, c, optarg);
        if (r < 0)
            return 2;
        if (r > 0)
            continue;
        switch (c) {
        case 'o':
            outpath = optarg;
            break;
        case 'r':
            inputs[ninputs++] = optarg;
            break;
        case OPT_FORMAT:
            if (fk_zeek_cli_format(&zc, optarg))
                break;
            if ((fmt = fc_format_parse(optarg)) < 0) {
                fprintf(stderr, PROG ": --format: '%s' is not csv, jsonl, zeek or zeek-json\n",
                        optarg);
                return 2;
            }
            break;
        case OPT_EVENTS:
            if (strcmp(optarg, "lifecycle") == 0)
                wflags |= FC_WRITER_LIFECYCLE;
            else if (strcmp(optarg, "all") != 0) {
                fprintf(stderr, PROG ": --events: '%s' is not all or lifecycle\n", optarg);
                return 2;
            }
            break;
        case FK_OPT_SPEED:
            if (fk_parse_speed(optarg, &cli.ro.speed_num, &cli.ro.speed_den) != 0) {
                fprintf(stderr, PROG ": --speed: '%s' is not a positive number\n", optarg);
                return 2;
            }
            break;
        case OPT_STATS:
            statspath = optarg;
            break;
        case OPT_FIELDS:
            fields = optarg;
            break;
        case OPT_TIME_FORMAT:
            if (strcmp(optarg, "iso") == 0)
                time_iso = 1;
            else if (strcmp(optarg, "epoch") == 0)
                time_iso = 0;
            else {
                fprintf(stderr, PROG ": --time-format: '%s' is not epoch or iso\n", optarg);
                return 2;
            }
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case OPT_VERSION:
            printf(PROG " (flowkit) " FC_VERSION "\n");
            return 0;
        default:
            fprintf(stderr, "Try '" PROG " --help' for more information.\n");
            return 2;
        }
    }
    while (optind < argc)
        inputs[ninputs++] = argv[optind++];
    if (!ninputs) {
        fprintf(stderr, PROG ": no capture file given (use - for standard input)\n");
        fprintf(stderr, "Try '" PROG " --help' for more information.\n");
        return 2;
    }

    if (fk_zeek_cli_check(&zc, &cli, PROG) != 0)
        return 2;
    const fc_writer_ext *zext = fk_zeek_configure(&zc, &cli.ro);
    if (fields || time_iso) { /* checked before any file is opened */
        int bad;
        if (fk_zeek_cli_table_mode(&zc)) {
            bad = fk_zeek_cli_columns(&zc, fields, time_iso, fmt, err, sizeof err) != 0;
        } else {
            fc_writer *cw = fc_writer_new(-1, (fc_format)fmt, 0, zext);
            bad = !cw || fc_writer_columns(cw, fields, time_iso, err, sizeof err) != FC_OK;
            if (!cw)
                snprintf(err, sizeof err, "%s", fc_strerror(FC_ENOMEM));
            fc_writer_close(cw);
        }
        if (bad) {
            fprintf(stderr, PROG ": %s%s\n", strncmp(err, "unknown", 7) ? "" : "--fields: ",
                    err);
            return 2;
        }
    }
    /* nothing is opened for writing before this: an input is never lost */
    if (fk_refuse_input_as_output(PROG, "output", outpath, (char *const *)inputs, (int)ninputs) !=
            0 ||
        (statspath && fk_refuse_input_as_output(PROG, "--stats file", statspath,
                                                (char *const *)inputs, (int)ninputs) != 0))
        return 2;

    fc_source *src = fc_source_open(inputs, ninputs, cli.filter, err);
    if (!src) {
        fprintf(stderr, PROG ": %s\n", err);
        return 2;
    }
    for (size_t i = 0; i < fc_source_nwarnings(src); i++)
        fprintf(stderr, PROG ": warning: %s\n", fc_source_warning(src, i));
    int fd = STDOUT_FILENO;
    if (outpath && strcmp(outpath, "-") != 0) {
        fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            fprintf(stderr, PROG ": %s: %s\n", outpath, strerror(errno));
            fc_source_close(src);
            return 2;
        }
    }
    FILE *stats = NULL;
    if (statspath && !(stats = fopen(statspath, "w"))) {
        fprintf(stderr, PROG ": %s: %s\n", statspath, strerror(errno));
        fc_source_close(src);
        return 2;
    }
    if (fk_zeek_cli_table_mode(&zc) && cli.ro.cfg.shard_n > 1) {
        fprintf(stderr, PROG ": --shard applies to the seed tracker, not to --zeek\n");
        if (stats)
            fclose(stats);
        fc_source_close(src);
        return 2;
    }
    tick_ctx tc;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    /* The engine (Zeek's table with --zeek, else the seed tracker) is the
     * only difference between the paths: signals, progress, summary,
     * --stats, pacing, filter, --from/--to and look-ahead are the same. */
    if (fk_zeek_cli_table_mode(&zc))
        wflags |= FC_WRITER_LIFECYCLE; /* Zeek logs ended connections only */
    out_ctx oc = {NULL, NULL, NULL, NULL, (wflags & FC_WRITER_LIFECYCLE) != 0, 0, 0};
    int sink_ok;
    if (zc.tsv || zc.json)
        sink_ok = (oc.tsv = fk_zeek_tsv_open(fd, &zc)) != NULL;
    else
        sink_ok = (oc.w = fc_writer_new(fd, (fc_format)fmt, wflags, zext)) != NULL;
    if (oc.w && (fields || time_iso)) {
        int crc = fc_writer_columns(oc.w, fields, time_iso, err, sizeof err);
        if (crc != FC_OK) {
            fprintf(stderr, PROG ": %s\n", fc_strerror(crc)); /* names checked above */
            fc_writer_close(oc.w);
            if (fd != STDOUT_FILENO)
                close(fd);
            if (stats)
                fclose(stats);
            fc_source_close(src);
            fk_zeek_cli_free(&zc);
            return 2;
        }
    }
    /* format rows on a second core; inline if no thread can be had, or
     * when the Zeek columns need the event's user state */
    if (oc.w && !zext)
        oc.async = fk_asyncw_start(oc.w);
    fc_replay *rp = sink_ok ? fc_replay_new(&cli.ro, on_event, &oc, err, sizeof err) : NULL;
    if (!rp) {
        fprintf(stderr, PROG ": %s\n", sink_ok ? err : fc_strerror(FC_ENOMEM));
        fk_asyncw_finish(oc.async);
        fc_writer_close(oc.w);
        fk_zeek_tsv_close(oc.tsv, 0, 0);
        if (fd != STDOUT_FILENO)
            close(fd);
        fc_source_close(src);
        return 2;
    }
    oc.rp = rp;
    if (fk_zeek_attach(&zc, rp) != FC_OK) {
        fprintf(stderr, PROG ": %s\n", fc_strerror(FC_ENOMEM));
        fc_replay_free(rp);
        fk_asyncw_finish(oc.async);
        fc_writer_close(oc.w);
        fk_zeek_tsv_close(oc.tsv, 0, 0);
        if (fd != STDOUT_FILENO)
            close(fd);
        if (stats)
            fclose(stats);
        fc_source_close(src);
        return 2;
    }
    fk_progress_init(&tc.prog, src, quiet);
    tc.rp = rp;
    if (tc.prog.on)
        fc_replay_set_tick_fn(rp, on_tick, &tc);
    current = rp;
    if (stop) /* a signal before `current` was set still counts */
        fc_replay_interrupt(rp);

    int rc = fc_replay_run(rp, src), status = 0, werr = oc.err;
    fk_progress_done(&tc.prog);
    if (fk_asyncw_finish(oc.async) != FC_OK)
        oc.failed = 1;
    /* the cause as the writer saved it, on whichever thread wrote: the
     * writing thread's errno is not this one's */
    if (oc.w && !werr)
        werr = fc_writer_errno(oc.w);
    const fc_replay_stats *st = fc_replay_stats_get(rp);
    int wrc = oc.tsv ? fk_zeek_tsv_close(oc.tsv, st->first_ts, st->last_ts) : fc_writer_close(oc.w);
    if (wrc != FC_OK && !werr)
        werr = errno;
    if (fd != STDOUT_FILENO && close(fd) != 0) {
        wrc = FC_EIO;
        if (!werr)
            werr = errno;
    }
    int piped;
    status = end_status(outpath, oc.failed || wrc != FC_OK, werr, rc, src, &piped);
    if (status == 0 && fk_zeek_service_error(&zc) != FC_OK) {
        fprintf(stderr, PROG ": service detection: %s: the service of some connections is missing\n",
                fc_strerror(fk_zeek_service_error(&zc)));
        status = 1;
    }
    if ((!quiet && !piped) || stats)
        fk_summary(PROG, fc_replay_stats_get(rp), fk_elapsed_ns(&tc.prog.start),
                   quiet || piped ? NULL : stderr, stats);
    if (stats && fclose(stats) != 0) {
        fprintf(stderr, PROG ": %s: %s\n", statspath, strerror(errno));
        status = status ? status : 1;
    }
    current = NULL;
    fc_replay_free(rp);
    fk_zeek_cli_free(&zc);
    fc_source_close(src);
    return status;
}

int main(int argc, char **argv)
{
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    if (!inputs) {
        fprintf(stderr, PROG ": %s\n", fc_strerror(FC_ENOMEM));
        return 2;
    }
    int rc = run(argc, argv, inputs);
    free(inputs);
    return rc;
}
