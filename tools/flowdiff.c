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

enum {
    OPT_ORDER = 256, OPT_IGNORE, OPT_TOL, OPT_MAXREP, OPT_FORMAT, OPT_COLOR,
    OPT_MAXFLOWS, OPT_TCPTO, OPT_UDPTO, OPT_OTHERTO, OPT_SWEEP, OPT_NOFLUSH,
    OPT_EVENTS
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
          "  --sweep-interval D, -f EXPR, --no-flush, --events lifecycle\n"
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

static int parse_ignore(const char *list, uint64_t *mask)
{
    const char *p = list;

    while (*p) {
        size_t n = strcspn(p, ",");
        int id = fd_field_lookup(p, n);
        if (n == 0 || id < 0 || id >= FD_F_KNOWN) {
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
    char *end;
    fc_ts d;
    unsigned long long u;

    while ((c = getopt_long(argc, argv, "f:hV", lopts, NULL)) != -1) {
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
            add_replay(&rp, "--events", optarg);
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
    if (argc - optind != 2)
        return usage_error("expected two files, EXPECTED and ACTUAL");
    if (strcmp(argv[optind], "-") == 0 && strcmp(argv[optind + 1], "-") == 0)
        return usage_error("only one input can be stdin");
    /* the report never replaces a file being compared (`> a.csv`) */
    if (fk_refuse_input_as_output("flowdiff", "output", NULL, argv + optind, 2) != 0)
        return 2;
    color = format == FD_REP_TEXT ? color_wanted(color_when) : 0;
    o.keep_all = format == FD_REP_JUNIT;
    /* A replay child that dies must not kill us: see EPIPE instead. */
    signal(SIGPIPE, SIG_IGN);

    rd[0] = fd_reader_open(argv[optind], &rp);
    if (rd[0])
        rd[1] = fd_reader_open(argv[optind + 1], &rp);
    if (rd[0] && rd[1] && fd_compare(rd[0], rd[1], &o, &sum) == 0) {
        fd_report(stdout, format, color, &sum, argv[optind], argv[optind + 1]);
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
