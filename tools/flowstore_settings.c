/* flowstore_settings.c - the canonical settings string of a run.
 *
 * Only what changes the stored rows goes in: in seed mode the tracker's
 * timeouts, limit, sweep period, end-of-input flush and tunnel setting;
 * with --zeek, Zeek's connection table ignores those, so they are left
 * out. The filter and the Zeek options count in both modes (every row
 * has the Zeek fields). Times are integer nanoseconds, so "300" and
 * "5m" give the same string. --events, --quiet and the like only add or
 * show things and are not part of it. */
#include <inttypes.h>
#include <stdio.h>
#include "flowstore_settings.h"

int fs_settings_key(const fk_replay_cli *cli, const fk_zeek_cli *zc, const char *lsp,
                    char *buf, size_t cap)
{
    const fc_tracker_config *t = &cli->ro.cfg;
    int n;
    if (fk_zeek_cli_table_mode(zc))
        n = snprintf(buf, cap, "zeek tunnels=%d", zc->zo.tunnels ? 1 : 0);
    else
        n = snprintf(buf, cap,
                     "seed tcp=%" PRId64 " udp=%" PRId64 " other=%" PRId64
                     " max_flows=%zu sweep=%" PRId64 " flush=%d tunnels=%d",
                     (int64_t)t->idle_timeout_tcp, (int64_t)t->idle_timeout_udp,
                     (int64_t)t->idle_timeout_other, t->max_flows ? t->max_flows : 1,
                     (int64_t)t->sweep_interval, cli->ro.flush_eof ? 1 : 0,
                     cli->ro.tunnels ? 1 : 0);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    /* the filter and the server-port list last: free text */
    int k = snprintf(buf + n, cap - (size_t)n, " C=%d b=%d cid_seed=%u lsp=%s filter=%s",
                     zc->zo.ignore_checksums ? 1 : 0, zc->zo.bare ? 1 : 0,
                     (unsigned)zc->zo.cid_seed, lsp ? lsp : "", cli->filter ? cli->filter : "");
    return k < 0 || (size_t)k >= cap - (size_t)n ? -1 : 0;
}
