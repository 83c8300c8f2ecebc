/* flowstore - replays captures as flowreplay does and stores one row per
 * ended flow in SQLite, each capture in its own transaction. Every flow
 * row carries the Zeek-compatible fields as well (as flowreplay
 * --zeek-fields computes them); with --zeek the flows are those of Zeek's
 * connection table (as flowreplay --zeek). */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fc_error.h"
#include "fk_cli.h"
#include "fk_paths.h"
#include "fk_zeek_cli.h"
#include "flowcore.h"
#include "flowstore_db.h"
#include "flowstore_import.h"
#include "flowstore_settings.h"
#include "flowstore_jobs.h"
#include "flowstore_pg.h"
#include "flowstore_sha256.h"

#define PROG "flowstore"

enum { OPT_EVENTS = 2000, OPT_REPLACE, OPT_STRICT, OPT_MERGE, OPT_STATS, OPT_SHA256, OPT_VERSION };

static const struct option longopts[] = {
    {"database", required_argument, NULL, 'd'},
    {"jobs", required_argument, NULL, 'j'},
    {"events", no_argument, NULL, OPT_EVENTS},
    {"replace", no_argument, NULL, OPT_REPLACE},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"merge", no_argument, NULL, OPT_MERGE},
    {"stats", required_argument, NULL, OPT_STATS},
    {"sha256", no_argument, NULL, OPT_SHA256},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    FK_REPLAY_LONGOPTS,
    FK_ZEEK_LONGOPTS,
    {NULL, 0, NULL, 0}};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROG " [-d DB] [OPTION]... [-r] FILE...\n"
            "Replay capture files (pcap, pcapng) through the flow tracker as flowreplay\n"
            "does and store one row per ended flow in the SQLite database DB. Each file\n"
            "is replayed on its own and stored in its own transaction; a damaged file\n"
            "is stored up to the damage (status truncated); a file stored before (same\n"
            "SHA-256) is skipped.\n\n"
            "  -d, --database DB       the database (default flows.db), created if missing;\n"
            "                          a postgresql:// URI or a libpq connection string\n"
            "                          (host=... dbname=...) names a PostgreSQL database\n"
            "  -j, --jobs N            store N files at once (N processes, default 1)\n"
            "  -r FILE                 store FILE (as tcpdump -r; repeatable, with the\n"
            "                          operands after)\n"
            "      --events            also store the full event sequence (table events)\n"
            "      --replace           store again a capture stored before, replacing it\n"
            "      --merge             store the FILEs as one capture set: one merged stream\n"
            "                          (a capture rotated into pieces), as flowreplay\n"
            "                          replays several files\n"
            "      --strict            store a damaged capture not at all (by default what\n"
            "                          was read before the damage is stored)\n"
            "      --stats FILE        write the run summary as JSON to FILE\n"
            "      --sha256            print the SHA-256 of each FILE as flowstore records\n"
            "                          it (sha256sum format) and exit\n"
            "  -q, --quiet             no progress line, no summary, no per-file lines\n"
            "  -v, --verbose           say when each capture's replay starts, and time its phases\n"
            FK_REPLAY_HELP
            "Zeek fields (stored for every flow; see flowstore(1)):\n"
            "      --zeek              store the flows of Zeek's connection table\n"
            "                          (Zeek's boundaries and timeouts) instead of the\n"
            "                          seed tracker's\n"
            "      --zeek-bare         as zeek -b (fewer likely server ports, no DNS/NTP\n"
            "                          direction flips)\n"
            "      --ignore-checksums  as zeek -C: accept bad checksums\n"
            "      --likely-server-ports LIST  replace Zeek's set (80,53/udp,6660-6669)\n"
            "      --no-zeek-tunnels   with --zeek, do not decapsulate tunnels\n"
            "      --no-service        leave the service column NULL (no nDPI)\n"
            "  -h, --help              show this help\n"
            "      --version           show the version\n\n"
            "Exit status: 0 when every file was stored whole (or had been before), 1 when\n"
            "a file was damaged or failed, the database failed or the run was\n"
            "interrupted, 2 for usage errors.\n");
}

static volatile sig_atomic_t stop;
static fc_replay *volatile current;

/* Async-signal-safe: sets flags only; the import rolls back. */
static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
    if (current)
        fc_replay_interrupt(current);
}

static int print_digests(char **paths, int n)
{
    int status = 0;
    for (int i = 0; i < n; i++) {
        char hex[FS_SHA256_HEXLEN];
        uint64_t size;
        if (fs_sha256_file(paths[i], &stop, hex, &size) != 0) {
            fprintf(stderr, PROG ": %s: %s\n", paths[i], strerror(errno));
            status = 1;
            continue;
        }
        printf("%s  %s\n", hex, paths[i]);
    }
    return status;
}

typedef fs_tally tally;

/* What store_all and the -j workers need. */
typedef struct store_ctx {
    const char *dbpath;
    const fs_import_opts *io;
    char **paths;
    int n;
    int merge;  /* --merge: the n files are one set, stored once */
} store_ctx;

/* Stores every file (next NULL) or those `next` hands out. Returns the
 * exit status, or < 0 when the database could not be used at all (said
 * on stderr): -2 when PostgreSQL could not be reached, else -1. */
static int store_all(void *ctxp, fs_next *next, fc_replay_stats *total, tally *t)
{
    const store_ctx *sc = ctxp;
    const char *dbpath = sc->dbpath;
    char **paths = sc->paths;
    int n = sc->n;
    char err[FS_ERRBUF];
    sqlite3 *db = NULL;
    fs_pg *pg = NULL;
    fs_importer *im;
    if (fs_pg_is_target(dbpath)) {
        int unreachable;
        if (!(pg = fs_pg_open(dbpath, &stop, &unreachable, err, sizeof err))) {
            fprintf(stderr, PROG ": %s\n", err);
            return unreachable ? -2 : -1;
        }
        im = fs_importer_new_backend(fs_pg_backend(pg), sc->io, err, sizeof err);
    } else {
        if (!(db = fs_db_open(dbpath, &stop, err, sizeof err))) {
            fprintf(stderr, PROG ": %s\n", err);
            return -1;
        }
        im = fs_importer_new(db, sc->io, err, sizeof err);
    }
    if (!im) {
        fprintf(stderr, PROG ": %s: %s\n", pg ? "PostgreSQL" : dbpath, err);
        fs_db_close(db);
        fs_pg_close(pg);
        return -1;
    }
    int status = 0;
    for (int k = 0; !stop; k++) {
        int i = sc->merge ? (k == 0 ? 0 : -1) : next ? fs_next_file(next) : k < n ? k : -1;
        if (i < 0)
            break;
        uint64_t flows;
        fs_result r = sc->merge ? fs_import_set(im, (const char *const *)paths, (size_t)n, total, &flows)
                            : fs_import_file(im, paths[i], total, &flows);
        switch (r) {
        case FS_STORED:
            t->stored++;
            t->flows += flows;
            break;
        case FS_SKIPPED:
            t->skipped++;
            break;
        case FS_TRUNCATED: /* stored, but the capture is damaged: exit 1 */
            t->stored++;
            t->truncated++;
            t->flows += flows;
            status = 1;
            break;
        case FS_INTERRUPTED:
        case FS_FAILED:
            t->failed++;
            status = 1;
            break;
        }
    }
    if (stop)
        status = 1;
    fs_importer_free(im);
    fs_db_close(db);
    fs_pg_close(pg);
    return status;
}

/* Appends a Zeek option to the replay options recorded with each
 * capture (captures.options), as fk_replay_cli_opt does for its own. */
static void remember(fk_replay_cli *cli, const char *name, const char *arg)
{
    size_t left = sizeof cli->given - cli->given_len;
    int k = snprintf(cli->given + cli->given_len, left, "%s%s%s%s", cli->given_len ? " " : "",
                     name, arg ? " " : "", arg ? arg : "");
    if (k > 0 && (size_t)k < left)
        cli->given_len += (size_t)k;
}

static const char *zeek_opt_name(int opt)
{
    for (const struct option *o = longopts; o->name; o++)
        if (o->val == opt && o->flag == NULL)
            return o->name;
    return "?";
}

/* inputs: room for argc paths (those of -r, then the operands) */
static int run(int argc, char **argv, char **inputs)
{
    int ninputs = 0;
    fk_replay_cli cli;
    fk_zeek_cli zc;
    fs_import_opts io;
    const char *dbpath = "flows.db", *statspath = NULL, *lsp = NULL;
    char settings[1024];
    int digests = 0, merge = 0, jobs = 1, c;

    fk_replay_cli_init(&cli);
    fk_zeek_cli_init(&zc);
    memset(&io, 0, sizeof io);
    io.cli = &cli;
    io.zeek = &zc;
    io.stop = &stop;
    io.current = &current;
    while ((c = getopt_long(argc, argv, "d:f:j:qvr:h", longopts, NULL)) != -1) {
        int r = fk_replay_cli_opt(&cli, PROG, c, optarg);
        if (r == 0 && c != FK_OPT_ZEEK_FIELDS && (r = fk_zeek_cli_opt(&zc, PROG, c, optarg)) > 0) {
            char name[40];
            snprintf(name, sizeof name, "--%s", zeek_opt_name(c));
            remember(&cli, name, c == FK_OPT_LSP ? optarg : NULL);
            if (c == FK_OPT_LSP)
                lsp = optarg;
        }
        if (r < 0)
            return 2;
        if (r > 0 || c == FK_OPT_ZEEK_FIELDS) /* --zeek-fields: always on here */
            continue;
        switch (c) {
        case 'd':
            dbpath = optarg;
            break;
        case 'r':
            inputs[ninputs++] = optarg;
            break;
        case 'j': {
            uint64_t v;
            if (fk_parse_u64(optarg, &v) != 0 || v < 1 || v > 256) {
                fprintf(stderr, PROG ": --jobs: '%s' is not a number from 1 to 256\n", optarg);
                return 2;
            }
            jobs = (int)v;
            break;
        }
        case OPT_EVENTS:
            io.events = 1;
            break;
        case OPT_REPLACE:
            io.replace = 1;
            break;
        case OPT_STRICT:
            io.strict = 1;
            break;
        case OPT_MERGE:
            merge = 1;
            break;
        case OPT_STATS:
            statspath = optarg;
            break;
        case OPT_SHA256:
            digests = 1;
            break;
        case 'q':
            io.quiet = 1;
            break;
        case 'v':
            io.verbose = 1;
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
        fprintf(stderr, PROG ": no capture file given\n");
        fprintf(stderr, "Try '" PROG " --help' for more information.\n");
        return 2;
    }
    if (digests)
        return print_digests(inputs, ninputs);
    if (!*dbpath) {
        fprintf(stderr, PROG ": --database: empty path\n");
        return 2;
    }
    if (fk_zeek_cli_check(&zc, &cli, PROG) != 0)
        return 2;
    if (fk_zeek_cli_table_mode(&zc) && FK_GIVEN(&cli, FK_OPT_NO_FLUSH)) {
        fprintf(stderr, PROG ": --no-flush does not apply with --zeek (a stored capture "
                             "ends every connection)\n");
        return 2;
    }
    /* the database and the summary never replace a capture being stored */
    if (fk_refuse_input_as_output(PROG, "database", dbpath, inputs, ninputs) != 0 ||
        (statspath &&
         fk_refuse_input_as_output(PROG, "--stats file", statspath, inputs, ninputs) != 0))
        return 2;

    /* The Zeek fields are always computed. Seed mode: each flow's Zeek
     * record is the tracker's user state (set up by flowstore_import.c).
     * --zeek replaces the tracker. */
    if (fk_zeek_cli_table_mode(&zc) && cli.ro.cfg.shard_n > 1) {
        fprintf(stderr, PROG ": --shard applies to the seed tracker, not to --zeek\n");
        return 2;
    }
    if (fk_zeek_cli_table_mode(&zc)) {
        if (zc.zo.tunnels == 2)
            zc.zo.tunnels = 1;
    } else {
        /* the replay decapsulates; the Zeek records then see inner frames
         * as packets of their own flows */
        if (zc.zo.tunnels == 1)
            cli.ro.tunnels = 1;
        zc.zo.tunnels = 0;
    }

    if (fs_settings_key(&cli, &zc, lsp, settings, sizeof settings) != 0) {
        fprintf(stderr, PROG ": --filter or --likely-server-ports: too long\n");
        return 2;
    }
    io.settings = settings;

    FILE *stats = NULL;
    if (statspath && !(stats = fopen(statspath, "w"))) {
        fprintf(stderr, PROG ": %s: %s\n", statspath, strerror(errno));
        return 2;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);

    struct timespec start;
    fc_replay_stats total;
    tally t = {0, 0, 0, 0, 0};
    memset(&total, 0, sizeof total);
    clock_gettime(CLOCK_MONOTONIC, &start);
    store_ctx sc = {dbpath, &io, inputs, ninputs, merge};
    int status;
    if (jobs > 1 && sc.n > 1 && !merge) {
        /* opened (created, migrated, judged) once here, so a database
         * that cannot be used is said once */
        char err[FS_ERRBUF];
        status = 0;
        if (fs_pg_is_target(dbpath)) {
            int unreachable;
            fs_pg *pg = fs_pg_open(dbpath, &stop, &unreachable, err, sizeof err);
            if (!pg) {
                fprintf(stderr, PROG ": %s\n", err);
                status = unreachable ? -2 : -1;
            }
            fs_pg_close(pg);
        } else {
            sqlite3 *db = fs_db_open(dbpath, &stop, err, sizeof err);
            if (!db) {
                fprintf(stderr, PROG ": %s\n", err);
                status = -1;
            }
            fs_db_close(db);
        }
        if (status == 0)
            status = fs_jobs_run(jobs < sc.n ? jobs : sc.n, sc.n, store_all, &sc, &stop,
                                 &total, &t);
    } else {
        status = store_all(&sc, NULL, &total, &t);
    }
    int64_t el = fk_elapsed_ns(&start);
    if (status < 0) {
        if (stats)
            fclose(stats);
        return status == -2 ? 2 : 1;
    }
    if (stop)
        fprintf(stderr, PROG ": interrupted\n");
    if (!io.quiet || stats)
        fk_summary(PROG, &total, el, io.quiet ? NULL : stderr, stats);
    if (!io.quiet) {
        fprintf(stderr,
                PROG ": %u captures stored (%" PRIu64 " flows), %u already stored, %u failed",
                t.stored, t.flows, t.skipped, t.failed);
        if (t.truncated)
            fprintf(stderr, "; %u damaged, stored up to the damage", t.truncated);
        fputc('\n', stderr);
    }
    if (stats && fclose(stats) != 0) {
        fprintf(stderr, PROG ": %s: %s\n", statspath, strerror(errno));
        status = status ? status : 1;
    }
    return status;
}

int main(int argc, char **argv)
{
    char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    if (!inputs) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    int rc = run(argc, argv, inputs);
    free(inputs);
    return rc;
}
