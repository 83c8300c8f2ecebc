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
 *   --format zeek-json      the conn.log as Zeek's JSON logs; implies --zeek
 *
 * Use: fk_zeek_cli_init; offer FK_ZEEK_LONGOPTS/FK_ZEEK_HELP; pass every
 * option to fk_zeek_cli_opt (and "--format zeek" to fk_zeek_cli_format);
 * then fk_zeek_configure before fc_replay_new (it picks the engine: Zeek's
 * table for --zeek) and fk_zeek_attach after; with --format zeek or
 * zeek-json write through fk_zeek_tsv; fk_zeek_cli_free at the end. */
#ifndef FK_ZEEK_CLI_H
#define FK_ZEEK_CLI_H

#include <getopt.h>
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
    FK_OPT_NO_ZEEK_TUNNELS,
    FK_OPT_NO_SERVICE
};

#define FK_ZEEK_LONGOPTS                                                  \
    {"zeek", no_argument, NULL, FK_OPT_ZEEK},                             \
    {"zeek-fields", no_argument, NULL, FK_OPT_ZEEK_FIELDS},               \
    {"zeek-bare", no_argument, NULL, FK_OPT_ZEEK_BARE},                   \
    {"ignore-checksums", no_argument, NULL, FK_OPT_IGNORE_CSUM},          \
    {"likely-server-ports", required_argument, NULL, FK_OPT_LSP},         \
    {"zeek-tunnels", no_argument, NULL, FK_OPT_ZEEK_TUNNELS},             \
    {"no-zeek-tunnels", no_argument, NULL, FK_OPT_NO_ZEEK_TUNNELS},       \
    {"no-service", no_argument, NULL, FK_OPT_NO_SERVICE}

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
    "      --no-zeek-tunnels   with --zeek, follow the outer flows only\n"              \
    "      --no-service        leave Zeek's service column unset (no nDPI)\n"

typedef struct fk_zeek_cli {
    int table;        /* --zeek or --format zeek */
    int fields;       /* Zeek columns on seed events */
    int tsv;          /* --format zeek */
    fc_zeek_opts zo;
    fc_writer_ext ext;
    fc_service *svc;  /* seed mode: service detection (zo.service) */
    int json;         /* --format zeek-json */
    fc_zeek_cols cols; /* --fields for the conn.log (TSV or JSON) */
    fc_zeek_portset ports; /* --likely-server-ports; zo.ports points here */
} fk_zeek_cli;

void fk_zeek_cli_init(fk_zeek_cli *z);

/* Frees what fk_zeek_attach made. */
void fk_zeek_cli_free(fk_zeek_cli *z);

/* Handles one option. 1 if it was a Zeek option (and valid), 0 if not,
 * -1 after printing "PROG: ..." on stderr. */
int fk_zeek_cli_opt(fk_zeek_cli *z, const char *prog, int opt, const char *arg);

/* For --format: returns 1 and selects the conn.log output if fmt is
 * "zeek" or "zeek-json", else 0 (the tool parses csv/jsonl itself). */
int fk_zeek_cli_format(fk_zeek_cli *z, const char *fmt);

/* --fields LIST (NULL: all) and --time-format iso, checked before any
 * file is opened (call only in table mode, after every option): the
 * names are checked against the output's columns (conn.log's for
 * --format zeek and zeek-json, kept for fk_zeek_tsv_open; else the event
 * columns with the Zeek ones, which the tool then gives its writer with
 * fc_writer_columns). 0, or -1 with err set to one line. */
int fk_zeek_cli_columns(fk_zeek_cli *z, const char *fields, int time_iso, int fmt, char *err,
                        size_t cap);

/* True with --zeek or --format zeek/zeek-json: Zeek's table is the engine. */
static inline int fk_zeek_cli_table_mode(const fk_zeek_cli *z)
{
    return z->table;
}

/* --zeek: makes Zeek's table ro's engine and returns the writer extension
 * with the Zeek columns (NULL for --format zeek or zeek-json: use
 * fk_zeek_tsv). Seed mode: when Zeek columns are wanted, sets ro's
 * per-flow user state to a fc_zeek_rec and returns the extension; NULL
 * otherwise. The extension points into z, valid while z is. */
const fc_writer_ext *fk_zeek_configure(fk_zeek_cli *z, fc_replay_opts *ro);

/* Seed mode, after fc_replay_new: installs the packet hook that keeps the
 * record (no-op when no Zeek columns are wanted). Returns FC_OK or
 * FC_ENOMEM. */
int fk_zeek_attach(fk_zeek_cli *z, fc_replay *rp);

/* After the run, seed mode with --zeek-fields: FC_OK, or FC_ENOMEM when
 * service detection ran out of memory (some connections then lack their
 * service: the Zeek engine stops the run instead, through
 * fc_replay_run's FC_ENOMEM). */
int fk_zeek_service_error(const fk_zeek_cli *z);

/* Seed options with a meaning in Zeek mode are carried over (the idle
 * timeouts become Zeek's inactivity timeouts: --tcp-timeout its
 * tcp_inactivity_timeout, --udp-timeout its udp_inactivity_timeout,
 * --other-timeout its icmp_inactivity_timeout); those without one
 * (--max-flows, --sweep-interval) are refused. Call after parsing, with
 * the shared options. Returns 0, or -1 after printing one line
 * "PROG: OPTION does not apply with --zeek ..." on stderr. */
int fk_zeek_cli_check(fk_zeek_cli *z, const fk_replay_cli *c, const char *prog);

/* --format zeek or zeek-json: the conn.log writer on fd (dup'ed; fd
 * stays the caller's), TSV or Zeek's JSON as z says, with z's --fields
 * columns. Give it the ENDED events of a replay whose engine is Zeek's
 * table (user = the fc_zeek_rec). The header is written before the first
 * row, stamped open_ts (the first packet's time); close writes it if no
 * row came, then the #close line stamped close_ts (the last packet's);
 * Zeek's JSON has neither. open: NULL when out of memory or
 * descriptors. event/close: FC_OK or FC_EIO with errno as the first
 * failed write left it (later events fail at once). close frees; NULL is
 * ok. */
typedef struct fk_zeek_tsv fk_zeek_tsv;
fk_zeek_tsv *fk_zeek_tsv_open(int fd, const fk_zeek_cli *z);
int fk_zeek_tsv_event(fk_zeek_tsv *w, const fc_event *ev, fc_ts open_ts);
int fk_zeek_tsv_close(fk_zeek_tsv *w, fc_ts open_ts, fc_ts close_ts);

#endif
