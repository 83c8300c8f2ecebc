/* flowgen - writes deterministic synthetic pcap captures.
 *
 * Two modes: a seeded bulk workload of interleaved flows (--flows N) for
 * benchmarks, and small named scenarios (--scenario NAME) for fixtures.
 * The same arguments give the same bytes on any host: no clock, no
 * rand(), no locale, little-endian file format written byte by byte.
 * This file parses the command line; the work is in flowgen_*.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowgen_flow.h"
#include "flowgen_opts.h"
#include "flowgen_pcap.h"
#include "flowgen_scen.h"
#include "flowgen_work.h"

#define FLOWGEN_VERSION "0.1.0"
#define EXIT_USAGE 2

enum {
    OPT_FLOWS = 256, OPT_SEED, OPT_PER_FLOW, OPT_CONC, OPT_START, OPT_MIX,
    OPT_IPV6, OPT_RST, OPT_MAXPAY, OPT_SNAPLEN, OPT_LINKTYPE, OPT_USEC,
    OPT_SCENARIO, OPT_LIST, OPT_IDLE, OPT_MINPAY, OPT_SPLIT
};

typedef struct cli {
    fg_opts o;
    const char *out;
    const char *scenario;
    uint32_t snaplen;
    uint32_t split;     /* 0, or files to rotate the capture into */
    int linktype;
    int usec;
    int verbose;
} cli;

static const struct option longopts[] = {
    { "output", required_argument, NULL, 'o' },
    { "flows", required_argument, NULL, OPT_FLOWS },
    { "seed", required_argument, NULL, OPT_SEED },
    { "packets-per-flow", required_argument, NULL, OPT_PER_FLOW },
    { "concurrency", required_argument, NULL, OPT_CONC },
    { "start", required_argument, NULL, OPT_START },
    { "mix", required_argument, NULL, OPT_MIX },
    { "ipv6", required_argument, NULL, OPT_IPV6 },
    { "rst", required_argument, NULL, OPT_RST },
    { "idle", required_argument, NULL, OPT_IDLE },
    { "min-payload", required_argument, NULL, OPT_MINPAY },
    { "max-payload", required_argument, NULL, OPT_MAXPAY },
    { "split", required_argument, NULL, OPT_SPLIT },
    { "snaplen", required_argument, NULL, OPT_SNAPLEN },
    { "linktype", required_argument, NULL, OPT_LINKTYPE },
    { "usec", no_argument, NULL, OPT_USEC },
    { "scenario", required_argument, NULL, OPT_SCENARIO },
    { "list-scenarios", no_argument, NULL, OPT_LIST },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
};

static void usage(FILE *fp)
{
    fputs(
"Usage: flowgen --flows N [--seed S] -o FILE [workload options]\n"
"       flowgen --scenario NAME [--flows N] [--start SECONDS] -o FILE\n"
"       flowgen --list-scenarios | --help | --version\n"
"Write a deterministic synthetic pcap capture (FILE '-' is stdout).\n"
"\n"
"  -o, --output FILE          where to write (required)\n"
"      --flows N              workload flows; size of synflood, collide,\n"
"                             eviction\n"
"      --seed S               random seed (default 1)\n"
"      --packets-per-flow K   packets in each workload flow (default 10)\n"
"      --concurrency C        workload flows open at once (default 10000)\n"
"      --mix tcp=T,udp=U,icmp=I  flow kind weights (default 80,15,5)\n"
"      --ipv6 PCT             percent of IPv6 workload flows (default 10)\n"
"      --rst PCT              percent of TCP flows ended by RST (default 10)\n"
"      --idle PCT             percent of TCP flows never closed (default 0)\n"
"      --min-payload A        data packets carry A..B bytes (default 1)\n"
"      --max-payload B        data packets carry A..B bytes (default 128)\n"
"      --split N              write N files FILE.0000.. of equal packet\n"
"                             counts, as a capture rotated N times\n"
"      --start SECONDS        first timestamp (default 1700000000)\n"
"      --snaplen N            cut stored frames to N bytes (default 65535)\n"
"      --linktype en10mb|raw  link layer (default en10mb)\n"
"      --usec                 microsecond pcap magic (default nanosecond)\n"
"      --scenario NAME        write fixture scenario NAME\n"
"      --list-scenarios       list scenarios, one per line\n"
"  -v, --verbose              report packet count on stderr\n"
"  -h, --help                 show this help\n"
"  -V, --version              show version\n", fp);
}

/* Prints one usage line and returns the usage exit status. */
static int usage_error(const char *what, const char *arg)
{
    if (arg)
        fprintf(stderr, "flowgen: %s: '%s' (try --help)\n", what, arg);
    else
        fprintf(stderr, "flowgen: %s (try --help)\n", what);
    return EXIT_USAGE;
}

/* Decimal unsigned in [min, max]; no sign, no junk. 0 on success. */
static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v;

    if (parse_u64(s, min, max, &v) != 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* "tcp=80,udp=15,icmp=5": any subset, others become 0; sum > 0. */
static int parse_mix(const char *s, uint32_t mix[FG_MIX_N])
{
    static const char *const names[FG_MIX_N] = { "tcp", "udp", "icmp" };
    char buf[128], *save = NULL, *tok;
    uint64_t sum = 0;

    if (strlen(s) >= sizeof buf)
        return -1;
    memcpy(buf, s, strlen(s) + 1);
    memset(mix, 0, FG_MIX_N * sizeof mix[0]);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        int k;

        if (eq == NULL)
            return -1;
        *eq = '\0';
        for (k = 0; k < FG_MIX_N && strcmp(tok, names[k]) != 0; k++)
            ;
        if (k == FG_MIX_N || parse_u32(eq + 1, 0, 1000000, &mix[k]) != 0)
            return -1;
        sum += mix[k];
    }
    return sum > 0 ? 0 : -1;
}

static void defaults(cli *c)
{
    memset(c, 0, sizeof *c);
    c->o.seed = 1;
    c->o.per_flow = 10;
    c->o.concurrency = 10000;
    c->o.start_ns = FG_DEFAULT_START * FG_NS_PER_SEC;
    c->o.mix[FG_MIX_TCP] = 80;
    c->o.mix[FG_MIX_UDP] = 15;
    c->o.mix[FG_MIX_ICMP] = 5;
    c->o.ipv6_pct = 10;
    c->o.rst_pct = 10;
    c->o.min_payload = 1;
    c->o.max_payload = 128;
    c->snaplen = 65535;
    c->linktype = FG_LINKTYPE_EN10MB;
}

/* One option into c. Returns 0, or EXIT_USAGE after printing why. */
static int take_opt(cli *c, int ch, const char *arg)
{
    uint64_t v;

    switch (ch) {
    case 'o': c->out = arg; return 0;
    case 'v': c->verbose = 1; return 0;
    case OPT_USEC: c->usec = 1; return 0;
    case OPT_SCENARIO: c->scenario = arg; return 0;
    case OPT_FLOWS:
        c->o.flows_set = 1;
        if (parse_u64(arg, 1, UINT32_MAX, &c->o.flows) != 0)
            return usage_error("--flows needs 1..4294967295", arg);
        return 0;
    case OPT_SEED:
        if (parse_u64(arg, 0, UINT64_MAX, &c->o.seed) != 0)
            return usage_error("--seed needs an unsigned integer", arg);
        return 0;
    case OPT_PER_FLOW:
        if (parse_u32(arg, 1, 1000000, &c->o.per_flow) != 0)
            return usage_error("--packets-per-flow needs 1..1000000", arg);
        return 0;
    case OPT_CONC:
        if (parse_u32(arg, 1, 10000000, &c->o.concurrency) != 0)
            return usage_error("--concurrency needs 1..10000000", arg);
        return 0;
    case OPT_START:
        /* Leave room below 2^32 s for the capture's own duration. */
        if (parse_u64(arg, 0, 4000000000ULL, &v) != 0)
            return usage_error("--start needs seconds 0..4000000000", arg);
        c->o.start_ns = v * FG_NS_PER_SEC;
        return 0;
    case OPT_MIX:
        if (parse_mix(arg, c->o.mix) != 0)
            return usage_error("--mix needs tcp=N,udp=N,icmp=N with a "
                               "non-zero sum", arg);
        return 0;
    case OPT_IPV6:
        if (parse_u32(arg, 0, 100, &c->o.ipv6_pct) != 0)
            return usage_error("--ipv6 needs a percentage 0..100", arg);
        return 0;
    case OPT_RST:
        if (parse_u32(arg, 0, 100, &c->o.rst_pct) != 0)
            return usage_error("--rst needs a percentage 0..100", arg);
        return 0;
    case OPT_IDLE:
        if (parse_u32(arg, 0, 100, &c->o.idle_pct) != 0)
            return usage_error("--idle needs a percentage 0..100", arg);
        return 0;
    case OPT_MINPAY:
        if (parse_u32(arg, 0, 1400, &c->o.min_payload) != 0)
            return usage_error("--min-payload needs 0..1400", arg);
        return 0;
    case OPT_SPLIT:
        if (parse_u32(arg, 1, 10000, &c->split) != 0)
            return usage_error("--split needs 1..10000 files", arg);
        return 0;
    case OPT_MAXPAY:
        if (parse_u32(arg, 0, 1400, &c->o.max_payload) != 0)
            return usage_error("--max-payload needs 0..1400", arg);
        return 0;
    case OPT_SNAPLEN:
        if (parse_u32(arg, 1, 262144, &c->snaplen) != 0)
            return usage_error("--snaplen needs 1..262144", arg);
        return 0;
    case OPT_LINKTYPE:
        if (strcmp(arg, "en10mb") == 0)
            c->linktype = FG_LINKTYPE_EN10MB;
        else if (strcmp(arg, "raw") == 0)
            c->linktype = FG_LINKTYPE_RAW;
        else
            return usage_error("--linktype needs en10mb or raw", arg);
        return 0;
    default:
        return usage_error("invalid option", NULL);
    }
}

/* Checks the mode and its options; returns 0 or EXIT_USAGE. */
static int check_mode(const cli *c, const fg_scenario **sc)
{
    *sc = NULL;
    if (c->scenario) {
        *sc = fg_scenario_find(c->scenario);
        if (*sc == NULL)
            return usage_error("unknown scenario (see --list-scenarios)",
                               c->scenario);
        if ((*sc)->needs_ethernet && c->linktype != FG_LINKTYPE_EN10MB)
            return usage_error("scenario needs --linktype en10mb",
                               c->scenario);
        if (c->o.flows_set && (*sc)->max_flows == 0)
            return usage_error("--flows does not apply to scenario",
                               c->scenario);
        if (c->o.flows_set && c->o.flows > (*sc)->max_flows)
            return usage_error("--flows too large for scenario",
                               c->scenario);
        if (c->split)
            return usage_error("--split applies to the workload only",
                               c->scenario);
    } else if (!c->o.flows_set) {
        return usage_error("need --flows N or --scenario NAME", NULL);
    } else if (c->o.rst_pct + c->o.idle_pct > 100) {
        return usage_error("--rst and --idle add up to more than 100",
                           NULL);
    } else if (c->o.max_payload && c->o.min_payload > c->o.max_payload) {
        return usage_error("--min-payload is above --max-payload", NULL);
    }
    if (c->out == NULL)
        return usage_error("need -o FILE", NULL);
    if (c->split && strcmp(c->out, "-") == 0)
        return usage_error("--split needs a file name, not '-'", NULL);
    return 0;
}

static int run(const cli *c, const fg_scenario *sc)
{
    char err[700];
    fg_gen *g = calloc(1, sizeof *g);
    uint64_t count;
    int rc = 0;

    if (g == NULL) {
        fputs("flowgen: out of memory\n", stderr);
        return 1;
    }
    if (c->split) {
        /* The workload writes exactly flows * per_flow packets, so every
         * file but the last holds the same count. */
        uint64_t total = c->o.flows * c->o.per_flow;

        g->w = fg_writer_open_split(c->out, c->split,
                                    (total + c->split - 1) / c->split,
                                    !c->usec, (uint32_t)c->linktype,
                                    c->snaplen, err, sizeof err);
    } else {
        g->w = fg_writer_open(c->out, !c->usec, (uint32_t)c->linktype,
                              c->snaplen, err, sizeof err);
    }
    if (g->w == NULL) {
        fprintf(stderr, "flowgen: %s\n", err);
        free(g);
        return 1;
    }
    g->linktype = c->linktype;
    if (sc)
        sc->run(g, &c->o);
    else if (fg_workload(g, &c->o) != 0)
        rc = -1;
    count = fg_writer_count(g->w);
    if (fg_writer_close(g->w, err, sizeof err) != 0) {
        fprintf(stderr, "flowgen: %s\n", err);
        rc = 1;
    } else if (rc != 0) {
        fputs("flowgen: out of memory\n", stderr);
        rc = 1;
    } else if (c->verbose) {
        fprintf(stderr, "flowgen: wrote %llu packets to %s\n",
                (unsigned long long)count, c->out);
    }
    free(g);
    return rc;
}

int main(int argc, char **argv)
{
    const fg_scenario *sc;
    cli c;
    int ch, rc;

    defaults(&c);
    opterr = 0; /* we print our own one-line errors */
    while ((ch = getopt_long(argc, argv, ":o:vhV", longopts, NULL)) != -1) {
        if (ch == 'h') {
            usage(stdout);
            return 0;
        }
        if (ch == 'V') {
            puts("flowgen (flowkit) " FLOWGEN_VERSION);
            return 0;
        }
        if (ch == OPT_LIST) {
            fg_scenario_list(stdout);
            return 0;
        }
        if (ch == ':')
            return usage_error("option needs an argument", argv[optind - 1]);
        if (ch == '?')
            return usage_error("unknown option", argv[optind - 1]);
        if ((rc = take_opt(&c, ch, optarg)) != 0)
            return rc;
    }
    if (optind < argc)
        return usage_error("unexpected argument", argv[optind]);
    if ((rc = check_mode(&c, &sc)) != 0)
        return rc;
    return run(&c, sc);
}
