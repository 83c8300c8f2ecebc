/* flowdiff - compare two flow-event files (or replayed captures) flow by
 * flow. Exit 0 equivalent, 1 different, 2 trouble, like diff(1). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fk_paths.h"
#include "flowdiff.h"
#include "flowdiff_probe.h"

enum {
    OPT_ORDER = 256, OPT_IGNORE, OPT_TOL, OPT_MAXREP, OPT_FORMAT, OPT_COLOR,
    OPT_MAXFLOWS, OPT_TCPTO, OPT_UDPTO, OPT_OTHERTO, OPT_SWEEP, OPT_NOFLUSH,
    OPT_EVENTS, OPT_ZFIELDS, OPT_ZEEK, OPT_ZC, OPT_ZBARE, OPT_ZLSP, OPT_ZTUN, OPT_ZNOTUN,
    OPT_FROM, OPT_TO
};

static void usage(FILE *f)
{
    fputs("Usage: flowdiff [OPTION]... EXPECTED ACTUAL\n"
          "Compare two flowreplay event files (CSV or JSONL; '-' is stdin) flow by\n"
          "flow. A capture file given instead is replayed with flowreplay first.\n"
          "\n"
          "  --order flow|strict     strict: the global interleaving must match too\n"
          "  --ignore FIELD,...      do not compare these columns\n"
          "  --ts-tolerance DURATION treat ts and flow_start within DURATION as equal\n"
          "  --max-report N          detail at most N changed flows (default 10)\n"
          "  --format text|json|junit  report format (default text)\n"
          "  --color[=auto|always|never]  colour the text report (default auto)\n"
          "Passed to flowreplay for capture inputs:\n"
          "  --max-flows N, --tcp-timeout D, --udp-timeout D, --other-timeout D,\n"
          "  --sweep-interval D, -f EXPR, --no-flush, --events all|lifecycle,\n"
          "  --zeek-fields, --zeek, --ignore-checksums, --zeek-bare,\n"
          "  --likely-server-ports LIST, --zeek-tunnels, --no-zeek-tunnels,\n"
          "  --from TIME, --to TIME (a packet time window; see flowreplay(1))\n"
          "  -r FILE                 an input (as tcpdump -r): -r A -r B, or -r A B\n"
          "A capture compared with a file is replayed as that file was made (its\n"
          "Zeek columns, its event selection); options given that contradict the\n"
          "file, or two files made differently, are one line and exit status 2.\n"
          "\n"
          "  -h, --help              show this help\n"
          "  -V, --version           show the version\n"
          "Exit status: 0 equivalent, 1 different, 2 error.\n",
          f);
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("flowdiff: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'flowdiff --help' for more information.\n", stderr);
    return 2;
}

/* The extra columns --ignore knows: those of --zeek-fields output and of
 * a Zeek conn.log (other extras are not known before a file names them,
 * and a misspelt name must not be taken silently). */
static int zeek_column(const char *p, size_t n)
{
    static const char *const names[] = {
        "zeek_history", "conn_state", "orig_ip_bytes", "resp_ip_bytes", "orig_payload_bytes",
        "resp_payload_bytes", "missed_bytes", "zeek_orig_pkts", "zeek_resp_pkts",
        "zeek_duration", "zeek_orig_h", "zeek_orig_p", "zeek_resp_h", "zeek_resp_p",
        "zeek_proto", "community_id", "uid", "service", "duration", "local_orig",
        "local_resp", "tunnel_parents"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && memcmp(names[i], p, n) == 0)
            return fd_field_intern(p, n);
    return -1;
}

static int parse_ignore(const char *list, uint64_t *mask)
{
    const char *p = list;

    while (*p) {
        size_t n = strcspn(p, ",");
        int id = fd_field_lookup(p, n);
        if (id < 0 && n)
            id = zeek_column(p, n);
        if (n == 0 || id < 0) {
            fprintf(stderr, "flowdiff: --ignore: unknown field '%.*s'\n"
                            "Try 'flowdiff --help' for more information.\n",
                    (int)n, p);
            return -1;
        }
        if ((id >= FD_F_PROTO && id <= FD_F_RESP_P) || id == FD_F_START) {
            fprintf(stderr, "flowdiff: --ignore: '%.*s' identifies the flow and "
                            "cannot be ignored\n", (int)n, p);
            return -1;
        }
        *mask |= UINT64_C(1) << id;
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

static int add_replay(fd_replay *rp, const char *opt, const char *val)
{
    if (rp->argc + 2 > (int)(sizeof rp->argv / sizeof rp->argv[0]))
        return -1;
    rp->argv[rp->argc++] = opt;
    if (val)
        rp->argv[rp->argc++] = val;
    return 0;
}

static const char *sel_name(int sel)
{
    return sel == FD_SEL_ALL ? "all" : "lifecycle";
}

/* Two inputs made differently would differ in every flow: said in one
 * line instead (0 when they match). A capture compared with a file is
 * replayed with what the file records: --zeek-fields for its Zeek
 * columns, --events lifecycle when it has no packet events; an option
 * given that contradicts the file is refused. */
static int match_inputs(const char *a, const char *b, fd_replay *rp, const char *events,
                        int zgiven)
{
    fd_probe p[2];
    const char *name[2] = {a, b};
    fd_probe_file(a, &p[0]);
    fd_probe_file(b, &p[1]);
    if ((p[0].kind == FD_PK_CONNLOG && p[1].kind == FD_PK_EVENTS) ||
        (p[0].kind == FD_PK_EVENTS && p[1].kind == FD_PK_CONNLOG)) {
        int z = p[0].kind == FD_PK_CONNLOG ? 0 : 1;
        fprintf(stderr, "flowdiff: %s is a Zeek conn.log, %s a flowreplay event file\n",
                name[z], name[!z]);
        return -1;
    }
    if (p[0].kind == FD_PK_CONNLOG || p[1].kind == FD_PK_CONNLOG) {
        /* a capture compared with it gives its conn.log, from Zeek's table */
        rp->connlog = 1;
        return 0;
    }
    if (p[0].kind == FD_PK_EVENTS && p[1].kind == FD_PK_EVENTS) {
        if (p[0].zeek != p[1].zeek) {
            int z = p[0].zeek ? 0 : 1;
            fprintf(stderr,
                    "flowdiff: %s has the Zeek columns (made with --zeek-fields or --zeek), "
                    "%s has not\n", name[z], name[!z]);
            return -1;
        }
        if (p[0].sel && p[1].sel && p[0].sel != p[1].sel) {
            int l = p[0].sel == FD_SEL_LIFECYCLE ? 0 : 1;
            fprintf(stderr,
                    "flowdiff: %s has no packet events (made with --events lifecycle), "
                    "%s has them\n", name[l], name[!l]);
            return -1;
        }
        return 0;
    }
    for (int s = 0; s < 2; s++) {
        const fd_probe *g = &p[s]; /* the file; the other side a capture */
        if (g->kind != FD_PK_EVENTS || p[!s].kind != FD_PK_CAPTURE)
            continue;
        if (g->zeek && !zgiven) {
            add_replay(rp, "--zeek-fields", NULL);
        } else if (!g->zeek && zgiven) {
            fprintf(stderr, "flowdiff: %s has no Zeek columns; --zeek-fields or --zeek given\n",
                    name[s]);
            return -1;
        }
        if (g->sel && events && strcmp(events, sel_name(g->sel)) != 0) {
            fprintf(stderr, "flowdiff: %s was made with --events %s; --events %s given\n",
                    name[s], sel_name(g->sel), events);
            return -1;
        }
        if (g->sel == FD_SEL_LIFECYCLE && !events)
            add_replay(rp, "--events", "lifecycle");
    }
    return 0;
}

static int color_wanted(const char *when)
{
    if (!when || strcmp(when, "auto") == 0) {
        const char *nc = getenv("NO_COLOR");
        return isatty(STDOUT_FILENO) && !(nc && *nc);
    }
    return strcmp(when, "always") == 0 ? 1 : strcmp(when, "never") == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"order", required_argument, NULL, OPT_ORDER},
        {"ignore", required_argument, NULL, OPT_IGNORE},
        {"ts-tolerance", required_argument, NULL, OPT_TOL},
        {"max-report", required_argument, NULL, OPT_MAXREP},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"color", optional_argument, NULL, OPT_COLOR},
        {"colour", optional_argument, NULL, OPT_COLOR},
        {"max-flows", required_argument, NULL, OPT_MAXFLOWS},
        {"tcp-timeout", required_argument, NULL, OPT_TCPTO},
        {"udp-timeout", required_argument, NULL, OPT_UDPTO},
        {"other-timeout", required_argument, NULL, OPT_OTHERTO},
        {"sweep-interval", required_argument, NULL, OPT_SWEEP},
        {"no-flush", no_argument, NULL, OPT_NOFLUSH},
        {"events", required_argument, NULL, OPT_EVENTS},
        {"zeek-fields", no_argument, NULL, OPT_ZFIELDS},
        {"zeek", no_argument, NULL, OPT_ZEEK},
        {"ignore-checksums", no_argument, NULL, OPT_ZC},
        {"zeek-bare", no_argument, NULL, OPT_ZBARE},
        {"likely-server-ports", required_argument, NULL, OPT_ZLSP},
        {"zeek-tunnels", no_argument, NULL, OPT_ZTUN},
        {"no-zeek-tunnels", no_argument, NULL, OPT_ZNOTUN},
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    fd_opts o = {.max_report = 10};
    fd_replay rp = {.argc = 0};
    fd_summary sum;
    fd_reader *rd[2] = {NULL, NULL};
    const char *color_when = NULL;
    int format = FD_REP_TEXT, c, color, rc = 2;
    const char *events = NULL; /* --events as given */
    int zfields = 0, zeek = 0;
    char *end;
    fc_ts d;
    unsigned long long u;

    const char *in[2];
    int nin = 0;

    while ((c = getopt_long(argc, argv, "f:hVr:", lopts, NULL)) != -1) {
        if (!optarg) /* options without an argument: keep string calls safe */
            optarg = (char *)"";
        switch (c) {
        case OPT_ORDER:
            if (strcmp(optarg, "strict") == 0)
                o.strict_order = 1;
            else if (strcmp(optarg, "flow") == 0)
                o.strict_order = 0;
            else
                return usage_error("--order: expected flow or strict, not '%s'", optarg);
            break;
        case OPT_IGNORE:
            if (parse_ignore(optarg, &o.ignore) != 0)
                return 2;
            break;
        case OPT_TOL:
            if (fc_duration_parse(optarg, &o.tol) != 0)
                return usage_error("--ts-tolerance: bad duration '%s'", optarg);
            break;
        case OPT_MAXREP:
            errno = 0;
            u = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-')
                return usage_error("--max-report: bad number '%s'", optarg);
            o.max_report = (size_t)u;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                format = FD_REP_TEXT;
            else if (strcmp(optarg, "json") == 0)
                format = FD_REP_JSON;
            else if (strcmp(optarg, "junit") == 0)
                format = FD_REP_JUNIT;
            else
                return usage_error("--format: expected text, json or junit, not '%s'",
                                   optarg);
            break;
        case OPT_COLOR:
            color_when = optarg ? optarg : "always";
            if (color_wanted(color_when) < 0)
                return usage_error("--color: expected auto, always or never, not '%s'",
                                   optarg);
            break;
        case OPT_MAXFLOWS:
            errno = 0;
            u = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-')
                return usage_error("--max-flows: bad number '%s'", optarg);
            add_replay(&rp, "--max-flows", optarg);
            break;
        case OPT_TCPTO:
        case OPT_UDPTO:
        case OPT_OTHERTO:
        case OPT_SWEEP:
            if (fc_duration_parse(optarg, &d) != 0)
                return usage_error("bad duration '%s'", optarg);
            add_replay(&rp, c == OPT_TCPTO ? "--tcp-timeout"
                            : c == OPT_UDPTO ? "--udp-timeout"
                            : c == OPT_OTHERTO ? "--other-timeout"
                                               : "--sweep-interval", optarg);
            break;
        case 'f':
            if (add_replay(&rp, "-f", optarg) != 0)
                return usage_error("too many replay options");
            break;
        case OPT_NOFLUSH:
            add_replay(&rp, "--no-flush", NULL);
            break;
        case OPT_EVENTS:
            if (strcmp(optarg, "all") != 0 && strcmp(optarg, "lifecycle") != 0)
                return usage_error("--events: expected all or lifecycle, not '%s'", optarg);
            events = optarg;
            add_replay(&rp, "--events", optarg);
            break;
        case OPT_ZFIELDS:
        case OPT_ZEEK:
            if (c == OPT_ZFIELDS)
                zfields = 1;
            else
                zeek = 1;
            add_replay(&rp, c == OPT_ZFIELDS ? "--zeek-fields" : "--zeek", NULL);
            break;
        case OPT_ZC:
        case OPT_ZBARE:
        case OPT_ZTUN:
        case OPT_ZNOTUN:
            add_replay(&rp, c == OPT_ZC ? "--ignore-checksums" : c == OPT_ZBARE ? "--zeek-bare"
                            : c == OPT_ZTUN ? "--zeek-tunnels" : "--no-zeek-tunnels", NULL);
            break;
        case OPT_ZLSP:
            if (add_replay(&rp, "--likely-server-ports", optarg) != 0)
                return usage_error("too many replay options");
            break;
        case OPT_FROM: /* checked by flowreplay, which says what is wrong */
        case OPT_TO:
            if (add_replay(&rp, c == OPT_FROM ? "--from" : "--to", optarg) != 0)
                return usage_error("too many replay options");
            break;
        case 'r':
            if (nin == 2)
                return usage_error("expected two files, EXPECTED and ACTUAL");
            in[nin++] = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            puts("flowdiff (flowkit) " FD_VERSION);
            return 0;
        default:
            fputs("Try 'flowdiff --help' for more information.\n", stderr);
            return 2;
        }
    }
    if (nin + argc - optind != 2)
        return usage_error("expected two files, EXPECTED and ACTUAL");
    while (nin < 2)
        in[nin++] = argv[optind++];
    if (strcmp(in[0], "-") == 0 && strcmp(in[1], "-") == 0)
        return usage_error("only one input can be stdin");
    /* the report never replaces a file being compared (`> a.csv`) */
    if (fk_refuse_input_as_output("flowdiff", "output", NULL, (char *const *)in, 2) != 0)
        return 2;
    color = format == FD_REP_TEXT ? color_wanted(color_when) : 0;
    o.keep_all = format == FD_REP_JUNIT;
    /* A replay child that dies must not kill us: see EPIPE instead. */
    signal(SIGPIPE, SIG_IGN);

    if (match_inputs(in[0], in[1], &rp, events, zfields || zeek) != 0)
        return 2;
    rd[0] = fd_reader_open(in[0], &rp);
    if (rd[0])
        rd[1] = fd_reader_open(in[1], &rp);
    if (rd[0] && rd[1] && fd_compare(rd[0], rd[1], &o, &sum) == 0) {
        fd_report(stdout, format, color, &sum, in[0], in[1]);
        rc = sum.changed || sum.only_exp || sum.only_act || sum.order_differs;
        fd_summary_free(&sum);
        /* a reader that went away (`| head`) is not an error */
        if ((fflush(stdout) != 0 || ferror(stdout)) && errno != EPIPE) {
            fprintf(stderr, "flowdiff: write error: %s\n", strerror(errno));
            rc = 2;
        }
    }
    fd_reader_close(rd[0]);
    fd_reader_close(rd[1]);
    return rc;
}
