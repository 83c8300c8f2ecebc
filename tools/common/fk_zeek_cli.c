/* fk_zeek_cli.c - command-line glue between the replaying tools and the
 * Zeek-compatible records: options, the writer extension (Zeek columns
 * on ended events), the seed-mode packet hook and the Zeek-mode run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fc_decode.h"
#include "fc_error.h"
#include "fc_event.h"
#include "fc_key.h"
#include "fc_tracker.h"
#include "fk_zeek_cli.h"

static const char *const ext_names[] = {
    "zeek_history",   "conn_state",         "orig_ip_bytes",      "resp_ip_bytes",
    "orig_payload_bytes", "resp_payload_bytes", "missed_bytes",   "zeek_orig_pkts",
    "zeek_resp_pkts", "zeek_duration",      "zeek_orig_h",        "zeek_orig_p",
    "zeek_resp_h",    "zeek_resp_p",        "zeek_proto",         "community_id",
    "zeek_service"};
#define EXT_N (sizeof ext_names / sizeof ext_names[0])
static const unsigned char ext_num[EXT_N] = {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0};

void fk_zeek_cli_init(fk_zeek_cli *z)
{
    memset(z, 0, sizeof *z);
    fc_zeek_opts_default(&z->zo);
    z->zo.tunnels = 2; /* "unset": on with --zeek, off in seed mode */
}

void fk_zeek_cli_free(fk_zeek_cli *z)
{
    fc_service_free(z->svc);
    z->svc = NULL;
}

int fk_zeek_cli_opt(fk_zeek_cli *z, const char *prog, int opt, const char *arg)
{
    switch (opt) {
    case FK_OPT_ZEEK:
        z->table = 1;
        return 1;
    case FK_OPT_ZEEK_FIELDS:
        z->fields = 1;
        return 1;
    case FK_OPT_ZEEK_BARE:
        z->zo.bare = 1;
        return 1;
    case FK_OPT_IGNORE_CSUM:
        z->zo.ignore_checksums = 1;
        return 1;
    case FK_OPT_ZEEK_TUNNELS:
        z->zo.tunnels = 1;
        return 1;
    case FK_OPT_NO_ZEEK_TUNNELS:
        z->zo.tunnels = 0;
        return 1;
    case FK_OPT_NO_SERVICE:
        z->zo.service = 0;
        return 1;
    case FK_OPT_LSP:
        if (fc_zeek_portset_parse(&z->ports, arg) != 0) {
            fprintf(stderr, "%s: --likely-server-ports: '%s' is not a list of ports\n", prog,
                    arg);
            return -1;
        }
        z->zo.ports = &z->ports;
        return 1;
    default:
        return 0;
    }
}

int fk_zeek_cli_format(fk_zeek_cli *z, const char *fmt)
{
    if (strcmp(fmt, "zeek") == 0) {
        z->tsv = z->table = 1;
        z->json = 0;
        return 1;
    }
    if (strcmp(fmt, "zeek-json") == 0) {
        z->tsv = 0;
        z->json = z->table = 1;
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------ writer columns */

/* Copies s into the scratch area; returns where it went. */
static const char *put(char **p, char *end, const char *s)
{
    size_t n = strlen(s);
    if (*p + n + 1 > end)
        return "";
    char *at = *p;
    memcpy(at, s, n + 1);
    *p += n + 1;
    return at;
}

static void ext_fill(void *ctx, const fc_event *ev, const char **vals, char *scratch,
                     size_t cap)
{
    fk_zeek_cli *z = ctx;
    fc_zeek_fields f;
    char *p = scratch, *end = scratch + cap;
    if (ev->type != FC_EV_ENDED || !ev->user)
        return;
    fc_zeek_format(ev->user, z->zo.cid_seed, &f);
    const char *v[EXT_N] = {f.history,    f.conn_state, f.orig_ip_bytes, f.resp_ip_bytes,
                            f.orig_bytes, f.resp_bytes, f.missed,        f.orig_pkts,
                            f.resp_pkts,  f.duration,   f.orig_h,        f.orig_p,
                            f.resp_h,     f.resp_p,     f.proto,         f.community_id,
                            f.service};
    for (size_t i = 0; i < EXT_N; i++)
        vals[i] = strcmp(v[i], "-") ? put(&p, end, v[i]) : NULL; /* "-": empty */
}

static void ext_init(fk_zeek_cli *z)
{
    z->ext.ncols = EXT_N;
    z->ext.names = ext_names;
    z->ext.json_num = ext_num;
    z->ext.fill = ext_fill;
    z->ext.ctx = z;
}

int fk_zeek_cli_columns(fk_zeek_cli *z, const char *fields, int time_iso, int fmt, char *err,
                        size_t cap)
{
    if (z->tsv || z->json) {
        if (time_iso) {
            snprintf(err, cap, "--time-format: iso applies to csv and jsonl (conn.log times "
                               "are Zeek's epoch seconds)");
            return -1;
        }
        return fields ? fc_zeek_cols_parse(fields, &z->cols, err, cap) : 0;
    }
    /* a writer made only to check the names: it writes nothing */
    ext_init(z);
    fc_writer *w = fc_writer_new(-1, (fc_format)fmt, 0, &z->ext);
    int rc = w ? fc_writer_columns(w, fields, time_iso, err, cap) : FC_ENOMEM;
    fc_writer_close(w);
    if (rc == FC_ENOMEM)
        snprintf(err, cap, "%s", fc_strerror(rc));
    return rc == FC_OK ? 0 : -1;
}

/* ------------------------------------------------------------ seed mode */

static void on_packet(void *ctx, void *user, const fc_key *key, fc_orient init_orient,
                      const fc_decoded *d, const fc_packet *pkt, fc_side side, int is_new)
{
    fk_zeek_cli *z = ctx;
    (void)key, (void)init_orient, (void)side;
    if (is_new)
        fc_zeek_rec_begin(user, &z->zo, d, pkt->ts);
    fc_zeek_rec_packet(user, &z->zo, d, pkt->data, pkt->caplen, pkt->ts);
    fc_zeek_rec_service(user, z->svc, &z->zo, d, pkt->data, pkt->caplen, pkt->ts);
}

const fc_writer_ext *fk_zeek_configure(fk_zeek_cli *z, fc_replay_opts *ro)
{
    if (z->table) {
        /* the engine is Zeek's table, which decapsulates by itself */
        if (z->zo.tunnels == 2)
            z->zo.tunnels = 1;
        ro->zeek = &z->zo;
        ro->tunnels = 0;
        if (z->tsv || z->json)
            return NULL; /* fk_zeek_tsv writes the rows */
        ext_init(z);
        return &z->ext;
    }
    /* seed mode: the replay decapsulates, the tracker sees inner frames */
    if (z->zo.tunnels == 1)
        ro->tunnels = 1;
    int any = z->fields || z->zo.bare || z->zo.ignore_checksums;
    if (!any || z->table)
        return NULL;
    z->fields = 1;
    if (z->zo.tunnels == 2)
        z->zo.tunnels = 0;
    ro->user_size = sizeof(fc_zeek_rec);
    ro->user_init = NULL;
    ro->user_ctx = NULL;
    ext_init(z);
    return &z->ext;
}

int fk_zeek_attach(fk_zeek_cli *z, fc_replay *rp)
{
    if (z->fields && !z->table) {
        if (z->zo.service && !z->svc && !(z->svc = fc_service_new()))
            return FC_ENOMEM;
        fc_tracker_set_packet_fn(fc_replay_tracker(rp), on_packet, z);
    }
    return FC_OK;
}

int fk_zeek_service_error(const fk_zeek_cli *z)
{
    return fc_service_error(z->svc);
}

/* ------------------------------------------------------------ zeek mode */

/* The conn.log writer: Zeek's records arrive as ENDED events from the
 * replay (libcore's Zeek engine, user = the record), and are written as
 * TSV (header, rows, footer) or as Zeek's JSON (rows only), with the
 * --fields columns. */
struct fk_zeek_tsv {
    FILE *f;
    uint16_t cid_seed;
    int json;          /* --format zeek-json */
    fc_zeek_cols cols; /* --fields (n 0: all) */
    int header, failed;
    int err; /* errno of the first failed write */
};

static void tsv_failed(fk_zeek_tsv *w)
{
    if (!w->failed)
        w->err = errno;
    w->failed = 1;
}

fk_zeek_tsv *fk_zeek_tsv_open(int fd, const fk_zeek_cli *z)
{
    fk_zeek_tsv *w = calloc(1, sizeof *w);
    int fd2 = w ? dup(fd) : -1;
    if (fd2 < 0 || !(w->f = fdopen(fd2, "w"))) {
        if (fd2 >= 0)
            close(fd2);
        free(w);
        return NULL;
    }
    w->cid_seed = z->zo.cid_seed;
    w->json = z->json;
    w->cols = z->cols;
    return w;
}

int fk_zeek_tsv_event(fk_zeek_tsv *w, const fc_event *ev, fc_ts open_ts)
{
    if (w->failed)
        return FC_EIO;
    if (w->json) {
        if (fc_zeek_json_row(w->f, ev->user, w->cid_seed, &w->cols) != 0)
            tsv_failed(w);
        return w->failed ? FC_EIO : FC_OK;
    }
    if (!w->header) {
        w->header = 1;
        if (fc_zeek_tsv_header_cols(w->f, open_ts, &w->cols) != 0)
            tsv_failed(w);
    }
    if (!w->failed && fc_zeek_tsv_row_cols(w->f, ev->user, w->cid_seed, &w->cols) != 0)
        tsv_failed(w);
    return w->failed ? FC_EIO : FC_OK;
}

int fk_zeek_tsv_close(fk_zeek_tsv *w, fc_ts open_ts, fc_ts close_ts)
{
    if (!w)
        return FC_OK;
    if (!w->json) {
        if (!w->header && !w->failed && fc_zeek_tsv_header_cols(w->f, open_ts, &w->cols) != 0)
            tsv_failed(w);
        if (!w->failed && fc_zeek_tsv_footer(w->f, close_ts) != 0)
            tsv_failed(w);
    }
    if (fclose(w->f) != 0)
        tsv_failed(w);
    int rc = w->failed ? FC_EIO : FC_OK, err = w->err;
    free(w);
    if (rc != FC_OK)
        errno = err;
    return rc;
}

int fk_zeek_cli_check(fk_zeek_cli *z, const fk_replay_cli *c, const char *prog)
{
    static const struct {
        int code;
        const char *name, *why;
    } no_equiv[] = {
        {FK_OPT_MAX_FLOWS, "--max-flows", "Zeek keeps every connection"},
        {FK_OPT_SWEEP_INTERVAL, "--sweep-interval",
         "Zeek's timers fire at their own times, not on a sweep"},
    };
    if (!z->table)
        return 0;
    for (size_t i = 0; i < sizeof no_equiv / sizeof no_equiv[0]; i++) {
        if (FK_GIVEN(c, no_equiv[i].code)) {
            fprintf(stderr, "%s: %s does not apply with --zeek (%s)\n", prog, no_equiv[i].name,
                    no_equiv[i].why);
            return -1;
        }
    }
    /* a zero timeout would read as "Zeek's default" in fc_zeek_opts */
    const struct {
        int code;
        const char *name;
        fc_ts v;
        fc_ts *to;
    } map[] = {
        {FK_OPT_TCP_TIMEOUT, "--tcp-timeout", c->ro.cfg.idle_timeout_tcp, &z->zo.tcp_inactivity},
        {FK_OPT_UDP_TIMEOUT, "--udp-timeout", c->ro.cfg.idle_timeout_udp, &z->zo.udp_inactivity},
        {FK_OPT_OTHER_TIMEOUT, "--other-timeout", c->ro.cfg.idle_timeout_other,
         &z->zo.icmp_inactivity},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (!FK_GIVEN(c, map[i].code))
            continue;
        if (map[i].v <= 0) {
            fprintf(stderr, "%s: %s must be above 0 with --zeek (Zeek's inactivity timeout)\n",
                    prog, map[i].name);
            return -1;
        }
        *map[i].to = map[i].v;
    }
    return 0;
}
