/* fk_cli.h - what the flowkit tools share on the command line: the
 * replay options (timeouts, limits, filter, flush), the progress line
 * and the end-of-run summary. */
#ifndef FK_CLI_H
#define FK_CLI_H

#include <getopt.h>
#include <stdio.h>
#include "fc_replay.h"

/* getopt_long codes for the shared replay options (above any char). */
enum {
    FK_OPT_MAX_FLOWS = 1000,
    FK_OPT_TCP_TIMEOUT,
    FK_OPT_UDP_TIMEOUT,
    FK_OPT_OTHER_TIMEOUT,
    FK_OPT_SWEEP_INTERVAL,
    FK_OPT_NO_FLUSH,
    FK_OPT_SPEED,
    FK_OPT_FROM,
    FK_OPT_TO,
    FK_OPT_SHARD
};

/* Long options every replaying tool accepts, terminated by a zero entry
 * so they can be appended to a tool's own table. */
#define FK_REPLAY_LONGOPTS                                              \
    {"max-flows", required_argument, NULL, FK_OPT_MAX_FLOWS},          \
    {"tcp-timeout", required_argument, NULL, FK_OPT_TCP_TIMEOUT},      \
    {"udp-timeout", required_argument, NULL, FK_OPT_UDP_TIMEOUT},      \
    {"other-timeout", required_argument, NULL, FK_OPT_OTHER_TIMEOUT},  \
    {"sweep-interval", required_argument, NULL, FK_OPT_SWEEP_INTERVAL},\
    {"no-flush", no_argument, NULL, FK_OPT_NO_FLUSH},                  \
    {"from", required_argument, NULL, FK_OPT_FROM},                    \
    {"to", required_argument, NULL, FK_OPT_TO},                        \
    {"filter", required_argument, NULL, 'f'},                         \
    {"shard", required_argument, NULL, FK_OPT_SHARD}

#define FK_REPLAY_HELP                                                              \
    "  -f, --filter EXPR       BPF filter (tcpdump syntax) applied to every file\n"  \
    "      --max-flows N       live flows kept at most; the least recent is\n"       \
    "                          evicted (default 100000)\n"                           \
    "      --tcp-timeout D     idle timeout of TCP flows (default 300s)\n"           \
    "      --udp-timeout D     idle timeout of UDP flows (default 60s)\n"            \
    "      --other-timeout D   idle timeout of other flows (default 30s)\n"          \
    "      --sweep-interval D  idle sweep period in packet time (default 1s)\n"     \
    "      --no-flush          at the end of input, leave live flows out instead\n"  \
    "                          of ending them with reason eof\n"                     \
    "      --from TIME         leave out packets before TIME\n"                      \
    "      --to TIME           leave out packets at or after TIME; flows still\n"    \
    "                          live there end at TIME with reason eof\n"            \
    "      --shard K/N         keep only the flows of shard K of N (0 <= K < N):\n"    \
    "                          those whose five-tuple hashes to K (docs/scale-out.md)\n" \
    "  Durations: 300, 1.5s, 250ms, 90us, 2m, 1h. Times: epoch seconds\n"          \
    "  (1700000000.25) or ISO 8601 UTC (2023-11-14T22:13:20.25Z).\n"

typedef struct fk_replay_cli {
    fc_replay_opts ro;
    const char *filter;
    /* the options as given, for records (flowstore) */
    char given[512];
    size_t given_len;
    /* which shared options were given: bit (code - FK_OPT_MAX_FLOWS) of
     * the FK_OPT_* codes, so a mode can refuse those it does not use */
    unsigned given_opts;
} fk_replay_cli;

#define FK_GIVEN(c, code) (((c)->given_opts >> ((code) - FK_OPT_MAX_FLOWS)) & 1u)

void fk_replay_cli_init(fk_replay_cli *c);

/* Handles one shared option. Returns 1 if it was one (and valid), 0 if
 * not a shared option, -1 after printing "PROG: bad value" on stderr. */
int fk_replay_cli_opt(fk_replay_cli *c, const char *prog, int opt, const char *arg);

/* Parses "--speed X" (a positive decimal) into num/den. 0 ok, -1 bad. */
int fk_parse_speed(const char *s, uint64_t *num, uint64_t *den);

/* Parses a point in time: epoch seconds with an optional fraction
 * ("1700000000.5", up to 9 digits) or ISO 8601 in UTC
 * ("2023-11-14T22:13:20[.fraction][Z]", a space for the T, or a date
 * alone for its midnight). 0 ok, -1 bad. */
int fk_parse_time(const char *s, fc_ts *out);

/* Parses a non-negative integer into *out; 0 ok, -1 bad. */
int fk_parse_u64(const char *s, uint64_t *out);

/* Progress line on stderr: on only when stderr is a terminal and not
 * quiet. Refreshed at most every 250 ms. */
typedef struct fk_progress {
    int on;
    const fc_source *src;
    struct timespec start, last;
    uint64_t next_check;
    int drawn;
} fk_progress;

void fk_progress_init(fk_progress *p, const fc_source *src, int quiet);
void fk_progress_update(fk_progress *p, const fc_replay_stats *st, size_t live);
void fk_progress_done(fk_progress *p);

/* Seconds since start, as integer nanoseconds. */
int64_t fk_elapsed_ns(const struct timespec *start);

/* Writes the run summary: human lines to `human` (may be NULL), JSON to
 * `json` (may be NULL). */
void fk_summary(const char *prog, const fc_replay_stats *st, int64_t elapsed_ns,
                FILE *human, FILE *json);

#endif
