/* fk_zeek_cli.h - the Zeek-compatible options of the replaying tools.
 *
 *   --zeek                  Zeek's flow boundaries and timeouts (the Zeek
 *                           connection table instead of the seed tracker);
 *                           ended events only, with the Zeek columns
 *   --zeek-fields           seed flows, with the Zeek columns on ended events
 *   --zeek-bare             as zeek -b (likely_server_ports: tunnel ports
 *                           only; no DNS/NTP direction flips)
 *   --ignore-checksums      as zeek -C
 *   --likely-server-ports L replace Zeek's likely_server_ports, e.g.
 *                           "80,443,53/udp,6660-6669/tcp"
 *   --zeek-tunnels          also track the inner flows of tunnels in seed
 *                           mode (always on with --zeek);
 *                           --no-zeek-tunnels turns it off
 *   --format zeek           a Zeek conn.log (TSV); implies --zeek
 *
 * Use: fk_zeek_cli_init; offer FK_ZEEK_LONGOPTS/FK_ZEEK_HELP; pass every
 * option to fk_zeek_cli_opt (and "--format zeek" to fk_zeek_cli_format);
 * then either fk_zeek_run (when fk_zeek_cli_table_mode) or, for seed
 * mode, fk_zeek_configure before fc_replay_new and fk_zeek_attach after. */
#ifndef FK_ZEEK_CLI_H
#define FK_ZEEK_CLI_H

#include <getopt.h>
#include <signal.h>
#include "fc_replay.h"
#include "fc_source.h"
#include "fc_writer.h"
#include "fc_zeek.h"
#include "fk_cli.h"

enum {
    FK_OPT_ZEEK = 3000,
    FK_OPT_ZEEK_FIELDS,
    FK_OPT_ZEEK_BARE,
    FK_OPT_IGNORE_CSUM,
    FK_OPT_LSP,
    FK_OPT_ZEEK_TUNNELS,
    FK_OPT_NO_ZEEK_TUNNELS
};

#define FK_ZEEK_LONGOPTS                                                  \
    {"zeek", no_argument, NULL, FK_OPT_ZEEK},                             \
    {"zeek-fields", no_argument, NULL, FK_OPT_ZEEK_FIELDS},               \
    {"zeek-bare", no_argument, NULL, FK_OPT_ZEEK_BARE},                   \
    {"ignore-checksums", no_argument, NULL, FK_OPT_IGNORE_CSUM},          \
    {"likely-server-ports", required_argument, NULL, FK_OPT_LSP},         \
    {"zeek-tunnels", no_argument, NULL, FK_OPT_ZEEK_TUNNELS},             \
    {"no-zeek-tunnels", no_argument, NULL, FK_OPT_NO_ZEEK_TUNNELS}

#define FK_ZEEK_HELP                                                                  \
    "      --zeek              Zeek-compatible flows (Zeek's connection table,\n"     \
    "                          boundaries and timeouts): ended events with the\n"     \
    "                          Zeek columns; with --format zeek a conn.log\n"         \
    "      --zeek-fields       keep the seed's flows, add the Zeek columns\n"         \
    "      --zeek-bare         as zeek -b (fewer likely server ports, no DNS/NTP\n"   \
    "                          direction flips)\n"                                    \
    "      --ignore-checksums  as zeek -C: accept bad checksums\n"                    \
    "      --likely-server-ports LIST  replace Zeek's set (80,53/udp,6660-6669)\n"    \
    "      --zeek-tunnels      also track the flows inside tunnels (VXLAN, Geneve,\n"   \
    "                          GRE, GTP-U, Teredo, AYIYA, IP-in-IP); on with --zeek\n" \
    "      --no-zeek-tunnels   with --zeek, follow the outer flows only\n"

typedef struct fk_zeek_cli {
    int table;        /* --zeek or --format zeek */
    int fields;       /* Zeek columns on seed events */
    int tsv;          /* --format zeek */
    fc_zeek_opts zo;
    fc_writer_ext ext;
    fc_zeek_portset ports; /* --likely-server-ports; zo.ports points here */
} fk_zeek_cli;

void fk_zeek_cli_init(fk_zeek_cli *z);

/* Handles one option. 1 if it was a Zeek option (and valid), 0 if not,
 * -1 after printing "PROG: ..." on stderr. */
int fk_zeek_cli_opt(fk_zeek_cli *z, const char *prog, int opt, const char *arg);

/* For --format: returns 1 and selects the conn.log output if fmt is
 * "zeek", else 0 (the tool parses csv/jsonl itself). */
int fk_zeek_cli_format(fk_zeek_cli *z, const char *fmt);

/* True when the tool must call fk_zeek_run instead of its seed replay. */
static inline int fk_zeek_cli_table_mode(const fk_zeek_cli *z)
{
    return z->table;
}

/* Seed mode: when Zeek columns are wanted, sets ro's per-flow user state
 * to a fc_zeek_rec and returns the writer extension to pass to
 * fc_writer_new (pointer into z, valid while z is); NULL otherwise. */
const fc_writer_ext *fk_zeek_configure(fk_zeek_cli *z, fc_replay_opts *ro);

/* Seed mode, after fc_replay_new: installs the packet hook that keeps the
 * record (no-op when no Zeek columns are wanted). */
void fk_zeek_attach(fk_zeek_cli *z, fc_replay *rp);

/* Zeek mode's look-ahead: frames are copied into a ring and fed to the
 * table FK_ZRING_AHEAD frames after they are read; their connection is
 * looked up in two prefetching steps meanwhile (fc_zeek_table_hint).
 * With many live connections the lookup otherwise waits on two cache
 * misses. Start from a zeroed ring. */
#define FK_ZRING_AHEAD 16
#define FK_ZRING_STEP 8 /* the second step, frames before feeding */

typedef struct fk_zslot {
    fc_rec rec;
    uint8_t *buf; /* rec.data points here */
    size_t cap;
    fc_zeek_hint h;
} fk_zslot;

typedef struct fk_zring {
    fk_zslot s[FK_ZRING_AHEAD];
    unsigned head, n; /* queued: s[head], ... n of them */
} fk_zring;

/* Queues a copy of rec (the ring must not be full) and prefetches for it
 * and for the frame halfway along. Returns 0, or -1 out of memory. */
int fk_zring_put(fk_zring *q, fc_zeek_table *t, const fc_rec *rec);
/* Feeds the oldest queued frame (there must be one); returns
 * fc_zeek_table_packet's result. */
int fk_zring_feed(fk_zring *q, fc_zeek_table *t);
void fk_zring_free(fk_zring *q);

/* Seed options with a meaning in Zeek mode are carried over (the idle
 * timeouts become Zeek's inactivity timeouts: --tcp-timeout its
 * tcp_inactivity_timeout, --udp-timeout its udp_inactivity_timeout,
 * --other-timeout its icmp_inactivity_timeout); those without one
 * (--max-flows, --sweep-interval) are refused. Call after parsing, with
 * the shared options. Returns 0, or -1 after printing one line
 * "PROG: OPTION does not apply with --zeek ..." on stderr. */
int fk_zeek_cli_check(fk_zeek_cli *z, const fk_replay_cli *c, const char *prog);

/* Zeek mode's run settings and what it reports. */
typedef void (*fk_zeek_tick_fn)(void *ctx, const fc_replay_stats *st, size_t live);
typedef struct fk_zeek_run_opts {
    int fmt;          /* FC_FMT_CSV/JSONL (ignored for --format zeek) */
    int flush_eof;    /* end the live connections at the end (not --no-flush) */
    const volatile sig_atomic_t *interrupted; /* polled per packet; may be NULL */
    fk_zeek_tick_fn tick; /* after each packet, for progress; may be NULL */
    void *tick_ctx;
} fk_zeek_run_opts;

/* Zeek mode: replays src through the Zeek connection table and writes to
 * fd (not closed): a conn.log for --format zeek, else ended events in
 * o->fmt with the Zeek columns. The run's figures go to *st (packets,
 * matched, flows created and ended by reason, clock range). Whatever
 * ends the run (an interruption, a broken input), the connections still
 * live are logged (unless flush_eof is 0) and the conn.log gets its
 * #close line, so the output is whole. Returns FC_OK, or FC_EIO (write
 * failed, errno as the first failed write left it, fc_source_errmsg
 * empty), FC_EFORMAT/FC_EIO from the source (message in
 * fc_source_errmsg), FC_ENOMEM, FC_EINVAL when interrupted. */
int fk_zeek_run(fk_zeek_cli *z, fc_source *src, int fd, const fk_zeek_run_opts *o,
                fc_replay_stats *st);

#endif
