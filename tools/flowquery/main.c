/* flowquery - answers in one command: replays captures into a temporary
 * flowstore database (or opens a stored one) and runs a named query of
 * sql/queries/ or SQL text, or writes an HTML report of the flows. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fk_cli.h"
#include "fk_zeek_cli.h"
#include "flowcore.h"
#include "flowstore_pg.h"
#include "fq.h"

#define PROG FQ_PROG

enum { OPT_FORMAT = 2000, OPT_LIST, OPT_HTML, OPT_VERSION };

static const struct option longopts[] = {
    {"database", required_argument, NULL, 'd'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"rows", required_argument, NULL, 'n'},
    {"list", no_argument, NULL, OPT_LIST},
    {"html", required_argument, NULL, OPT_HTML},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    FK_REPLAY_LONGOPTS,
    FK_ZEEK_LONGOPTS,
    {NULL, 0, NULL, 0}};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROG " [OPTION]... QUERY [-r] FILE...\n"
            "       " PROG " [OPTION]... -d DB QUERY\n"
            "       " PROG " --html REPORT.html [OPTION]... FILE... | -d DB\n"
            "       " PROG " --list\n"
            "Replay capture files into a temporary flow database (as flowstore stores\n"
            "them; in memory, or a temporary file when large) or open a stored one, and\n"
            "run QUERY: the name of a query (" PROG " --list names them) or SQL text\n"
            "over the tables captures and flows and the view conn.\n\n"
            "  -d, --database DB       query the flowstore database DB (read-only): an\n"
            "                          SQLite file, or PostgreSQL (postgresql://... or\n"
            "                          host=... dbname=...) with sql/queries/pg's queries\n"
            "  -r FILE                 read FILE (as tcpdump -r; repeatable)\n"
            "      --format FMT        table, tsv, csv, json or zeek-json (Zeek's JSON\n"
            "                          logs: an object a line, NULL left out, conn.log\n"
            "                          fields typed as Zeek's); default: table on a\n"
            "                          terminal, tsv (with a header line) otherwise\n"
            "  -n, --rows N            at most N rows (default: all)\n"
            "      --list              name the queries, with what each answers\n"
            "      --html FILE         write a self-contained HTML report of the flows\n"
            "                          to FILE instead of running a query\n"
            "  -v, --verbose           flowstore's line for each capture stored\n"
            FK_REPLAY_HELP
            "Zeek fields (see flowstore(1)):\n"
            "      --zeek, --zeek-bare, --ignore-checksums, --likely-server-ports LIST,\n"
            "      --no-zeek-tunnels   as for flowstore\n"
            "  -h, --help              show this help\n"
            "      --version           show the version\n\n"
            "Queries are looked for in $FLOWKIT_SQLDIR, then the installed directory,\n"
            "then the source tree. Exit status: 0 success, 1 when a capture could not\n"
            "be read (the others are still queried) or the query failed, 2 for usage\n"
            "errors.\n");
}

static volatile sig_atomic_t stop;
static fc_replay *volatile current;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
    if (current)
        fc_replay_interrupt(current);
}

/* True when `out` names the same file as `in` (an existing one). */
static int same_file(const char *out, const char *in)
{
    struct stat a, b;
    return stat(out, &a) == 0 && stat(in, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

typedef struct args {
    const char *db, *html, *query;
    int format, list, verbose;
    uint64_t rows;
    char **files;
    int nfiles;
} args;

/* The report goes to a temporary file renamed over `path` when whole,
 * so a failed run leaves no half page (nor destroys an earlier one). */
static int write_report(sqlite3 *db, const args *a, const fq_failed *failed)
{
    char tmp[4096], err[FQ_ERRBUF], title[1024];
    size_t tl = 0;
    title[0] = '\0';
    if (a->db)
        snprintf(title, sizeof title, "%s", a->db);
    for (int i = 0; i < a->nfiles && tl + 4 < sizeof title; i++) {
        const char *base = strrchr(a->files[i], '/');
        int k = snprintf(title + tl, sizeof title - tl, "%s%s", i ? ", " : "",
                         base ? base + 1 : a->files[i]);
        if (k < 0 || (size_t)k >= sizeof title - tl)
            break;
        tl += (size_t)k;
    }
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", a->html, (long)getpid()) >= sizeof tmp) {
        fprintf(stderr, PROG ": %s: path too long\n", a->html);
        return 1;
    }
    FILE *out = fopen(tmp, "w");
    if (!out) {
        fprintf(stderr, PROG ": %s: %s\n", tmp, strerror(errno));
        return 1;
    }
    int rc = fq_html(db, title, failed, out, err, sizeof err);
    int werr = ferror(out);
    if (fclose(out) != 0)
        werr = 1;
    if (rc != 0 || werr || rename(tmp, a->html) != 0) {
        if (rc != 0)
            fprintf(stderr, PROG ": report: %s\n", err);
        else
            fprintf(stderr, PROG ": %s: %s\n", werr ? tmp : a->html, strerror(errno));
        unlink(tmp);
        return 1;
    }
    return 0;
}

/* -d with a PostgreSQL database: the query runs there, its answer is
 * shown as SQLite's would be (fq_db_pg). Frees sql. */
static int run_pg(const args *a, char *sql)
{
    char err[FQ_ERRBUF], *select = NULL;
    const char *what = fq_is_sql(a->query) ? "query" : a->query;
    int why, status = 0;
    sqlite3 *db = fq_db_pg(a->db, sql, a->rows, &select, &why, err, sizeof err);
    free(sql);
    if (!db) {
        if (why == FS_PG_EDB)
            fprintf(stderr, PROG ": %s\n", err);
        else
            fprintf(stderr, PROG ": %s: %s\n", what, err);
        return why == FS_PG_EQUERY ? 1 : 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (select && fq_run(db, select, (fq_format)a->format, 0, stdout, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s: %s\n", what, err);
        status = 1;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, PROG ": standard output: write error: %s\n", strerror(errno));
        status = 1;
    }
    free(select);
    sqlite3_close(db);
    return status;
}

static int run(int argc, char **argv, char **inputs)
{
    fk_replay_cli cli;
    fk_zeek_cli zc;
    args a;
    char err[FQ_ERRBUF];
    int c, nin = 0;

    memset(&a, 0, sizeof a);
    a.format = -1;
    fk_replay_cli_init(&cli);
    fk_zeek_cli_init(&zc);
    while ((c = getopt_long(argc, argv, "d:n:r:f:vh", longopts, NULL)) != -1) {
        int r = fk_replay_cli_opt(&cli, PROG, c, optarg);
        if (r == 0 && c != FK_OPT_ZEEK_FIELDS)
            r = fk_zeek_cli_opt(&zc, PROG, c, optarg);
        if (r < 0)
            return 2;
        if (r > 0 || c == FK_OPT_ZEEK_FIELDS) /* always on, as in flowstore */
            continue;
        switch (c) {
        case 'd':
            a.db = optarg;
            break;
        case 'r':
            inputs[nin++] = optarg;
            break;
        case 'n':
            if (fk_parse_u64(optarg, &a.rows) != 0 || a.rows == 0) {
                fprintf(stderr, PROG ": -n: '%s' is not a number of rows (1 or more)\n", optarg);
                return 2;
            }
            break;
        case OPT_FORMAT:
            if ((a.format = fq_format_parse(optarg)) < 0) {
                fprintf(stderr, PROG ": --format: '%s' is not table, tsv, csv, json or zeek-json\n",
                        optarg);
                return 2;
            }
            break;
        case OPT_LIST:
            a.list = 1;
            break;
        case OPT_HTML:
            a.html = optarg;
            break;
        case 'v':
            a.verbose = 1;
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
    if (a.list) {
        if (fq_named_list(stdout, err, sizeof err) != 0) {
            fprintf(stderr, PROG ": %s\n", err);
            return 1;
        }
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if (!a.html) {
        if (optind >= argc) {
            fprintf(stderr, PROG ": no query given (" PROG " --list names them)\n");
            fprintf(stderr, "Try '" PROG " --help' for more information.\n");
            return 2;
        }
        a.query = argv[optind++];
    }
    while (optind < argc)
        inputs[nin++] = argv[optind++];
    a.files = inputs;
    a.nfiles = nin;
    if (a.db && nin) {
        fprintf(stderr, PROG ": give either -d DB or capture files, not both (to add"
                        " captures to DB: flowstore -d DB FILE...)\n");
        return 2;
    }
    if (!a.db && !nin) {
        fprintf(stderr, PROG ": no capture file given (or -d DB)\n");
        fprintf(stderr, "Try '" PROG " --help' for more information.\n");
        return 2;
    }
    for (int i = 0; a.html && i < nin; i++)
        if (strcmp(inputs[i], "-") != 0 && same_file(a.html, inputs[i])) {
            fprintf(stderr, PROG ": --html %s: that is an input; not overwritten\n", a.html);
            return 2;
        }
    if (a.html && a.db && same_file(a.html, a.db)) {
        fprintf(stderr, PROG ": --html %s: that is the database; not overwritten\n", a.html);
        return 2;
    }
    int pg = a.db && fs_pg_is_target(a.db);
    if (pg && a.html) {
        fprintf(stderr, PROG ": --html: not with a PostgreSQL database yet (the report's"
                        " queries are SQLite's); run its named queries with -d, or --html"
                        " on the capture files\n");
        return 2;
    }
    char *sql = NULL;
    if (a.query) {
        sql = fq_is_sql(a.query) ? strdup(a.query)
              : pg               ? fq_named_load_pg(a.query, err, sizeof err)
                                 : fq_named_load(a.query, err, sizeof err);
        if (!sql) {
            fprintf(stderr, PROG ": %s\n", a.query && fq_is_sql(a.query) ? "out of memory" : err);
            return 2;
        }
    }
    if (a.format < 0)
        a.format = isatty(STDOUT_FILENO) ? FQ_FMT_TABLE : FQ_FMT_TSV;
    if (pg)
        return run_pg(&a, sql);

    sqlite3 *db = a.db ? fq_db_stored(a.db, err, sizeof err) : fq_db_temp(err, sizeof err);
    if (!db) {
        fprintf(stderr, PROG ": %s\n", err);
        free(sql);
        return a.db ? 2 : 1;
    }
    /* a query that cannot even be prepared fails before any replay */
    sqlite3_stmt *probe = NULL;
    if (sql && sqlite3_prepare_v2(db, sql, -1, &probe, NULL) != SQLITE_OK) {
        fprintf(stderr, PROG ": %s: %s\n", fq_is_sql(a.query) ? "query" : a.query,
                sqlite3_errmsg(db));
        sqlite3_close(db);
        free(sql);
        return 2;
    }
    sqlite3_finalize(probe);

    int status = 0;
    fq_failed failed = {NULL, 0};
    if (nin) {
        /* as flowstore's main: Zeek fields always, the replay decapsulates
         * in seed mode, the table does with --zeek */
        if (fk_zeek_cli_table_mode(&zc)) {
            if (zc.zo.tunnels == 2)
                zc.zo.tunnels = 1;
        } else {
            if (zc.zo.tunnels == 1)
                cli.ro.tunnels = 1;
            zc.zo.tunnels = 0;
        }
        fs_import_opts io;
        memset(&io, 0, sizeof io);
        io.cli = &cli;
        io.zeek = &zc;
        io.stop = &stop;
        io.current = &current;
        io.quiet = !a.verbose;
        io.prog = PROG; /* the importer's messages name flowquery */
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        int fr = fq_db_fill(db, &io, inputs, nin, &failed);
        if (fr < 0 || stop) {
            if (stop)
                fprintf(stderr, PROG ": interrupted\n");
            free(failed.paths);
            sqlite3_close(db);
            free(sql);
            return 1;
        }
        status = fr;
    }
    signal(SIGPIPE, SIG_IGN);
    if (a.html) {
        if (write_report(db, &a, &failed) != 0)
            status = 1;
    } else if (fq_run(db, sql, (fq_format)a.format, a.rows, stdout, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s: %s\n", fq_is_sql(a.query) ? "query" : a.query, err);
        status = 1;
    }
    if (!a.html && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, PROG ": standard output: write error: %s\n", strerror(errno));
        status = 1;
    }
    free(failed.paths);
    sqlite3_close(db);
    free(sql);
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
