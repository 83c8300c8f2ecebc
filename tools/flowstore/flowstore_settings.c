/* flowstore_settings.c - the canonical settings string of a run.
 *
 * Only what changes the stored rows goes in: in seed mode the tracker's
 * timeouts, limit, sweep period, end-of-input flush, tunnel setting and
 * shard; with --zeek, Zeek's connection table ignores those, so they are
 * left out. The filter, the packet window (--from/--to), service
 * detection and the Zeek options count in both modes (every row has the
 * Zeek fields). Times are integer nanoseconds, so "300" and "5m" give
 * the same string. --events, --quiet and the like only add or show
 * things and are not part of it. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include "flowstore_settings.h"

/* Appends to buf at *n; -1 (and *n past cap) when it does not fit. */
static int add(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
    va_list ap;
    if (*n >= cap)
        return -1;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *n, cap - *n, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= cap - *n) {
        *n = cap;
        return -1;
    }
    *n += (size_t)k;
    return 0;
}

int fs_settings_key(const fk_replay_cli *cli, const fk_zeek_cli *zc, const char *lsp,
                    char *buf, size_t cap)
{
    const fc_tracker_config *t = &cli->ro.cfg;
    const fc_replay_opts *ro = &cli->ro;
    size_t n = 0;
    int rc;
    if (fk_zeek_cli_table_mode(zc))
        rc = add(buf, cap, &n, "zeek tunnels=%d", zc->zo.tunnels ? 1 : 0);
    else
        rc = add(buf, cap, &n,
                 "seed tcp=%" PRId64 " udp=%" PRId64 " other=%" PRId64
                 " max_flows=%zu sweep=%" PRId64 " flush=%d tunnels=%d",
                 (int64_t)t->idle_timeout_tcp, (int64_t)t->idle_timeout_udp,
                 (int64_t)t->idle_timeout_other, t->max_flows ? t->max_flows : 1,
                 (int64_t)t->sweep_interval, cli->ro.flush_eof ? 1 : 0,
                 cli->ro.tunnels ? 1 : 0);
    /* The shard, the window and service detection are written only when
     * not the default: a run without them keeps the string stored by
     * the flowstore that did not know them. */
    if (rc == 0 && !fk_zeek_cli_table_mode(zc) && t->shard_n > 1)
        rc = add(buf, cap, &n, " shard=%u/%u", (unsigned)t->shard_k, (unsigned)t->shard_n);
    if (rc == 0 && ro->has_from)
        rc = add(buf, cap, &n, " from=%" PRId64, (int64_t)ro->from);
    if (rc == 0 && ro->has_to)
        rc = add(buf, cap, &n, " to=%" PRId64, (int64_t)ro->to);
    if (rc == 0 && !zc->zo.service)
        rc = add(buf, cap, &n, " service=0");
    /* the filter and the server-port list last: free text */
    if (rc == 0)
        rc = add(buf, cap, &n, " C=%d b=%d cid_seed=%u lsp=%s filter=%s",
                 zc->zo.ignore_checksums ? 1 : 0, zc->zo.bare ? 1 : 0,
                 (unsigned)zc->zo.cid_seed, lsp ? lsp : "", cli->filter ? cli->filter : "");
    return rc;
}
