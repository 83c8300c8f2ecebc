/* fk_zeek_cli.c - command-line glue between the replaying tools and the
 * Zeek-compatible records: options, the writer extension (Zeek columns
 * on ended events), the seed-mode packet hook and the Zeek-mode run. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fc_alloc.h"
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
    "zeek_resp_h",    "zeek_resp_p",        "zeek_proto",         "community_id"};
#define EXT_N (sizeof ext_names / sizeof ext_names[0])
static const unsigned char ext_num[EXT_N] = {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0};

void fk_zeek_cli_init(fk_zeek_cli *z)
{
    memset(z, 0, sizeof *z);
    fc_zeek_opts_default(&z->zo);
    z->zo.tunnels = 2; /* "unset": on with --zeek, off in seed mode */
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
    if (strcmp(fmt, "zeek") != 0)
        return 0;
    z->tsv = z->table = 1;
    return 1;
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
                            f.resp_h,     f.resp_p,     f.proto,         f.community_id};
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

/* ------------------------------------------------------------ seed mode */

static void on_packet(void *ctx, void *user, const fc_key *key, fc_orient init_orient,
                      const fc_decoded *d, const fc_packet *pkt, fc_side side, int is_new)
{
    fk_zeek_cli *z = ctx;
    (void)key, (void)init_orient, (void)side;
    if (is_new)
        fc_zeek_rec_begin(user, &z->zo, d, pkt->ts);
    fc_zeek_rec_packet(user, &z->zo, d, pkt->data, pkt->caplen, pkt->ts);
}

const fc_writer_ext *fk_zeek_configure(fk_zeek_cli *z, fc_replay_opts *ro)
{
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

void fk_zeek_attach(fk_zeek_cli *z, fc_replay *rp)
{
    if (z->fields && !z->table)
        fc_tracker_set_packet_fn(fc_replay_tracker(rp), on_packet, z);
}

/* ------------------------------------------------------------ zeek mode */

typedef struct zrun {
    fk_zeek_cli *z;
    FILE *tsv;
    fc_writer *w;
    int header, failed, at_end;
    int err; /* errno of the first failed write */
    fc_ts clock;
    fc_replay_stats *st;
} zrun;

static void zeek_ended(zrun *zr, const fc_zeek_rec *r);

static void count_fed(fc_replay_stats *st, int matched)
{
    if (matched)
        st->matched++;
    else
        st->unmatched++;
}

static void write_failed(zrun *zr)
{
    if (!zr->failed)
        zr->err = errno;
    zr->failed = 1;
}

/* Why a record is logged at time ts, in the seed's terms. */
static fc_end_reason rec_reason(const zrun *zr, const fc_zeek_rec *r, fc_ts ts)
{
    if (zr->at_end)
        return FC_END_EOF;
    if (r->close_at && ts == r->close_at)
        return (r->ep[0].state == FC_ZEEK_TCP_RESET || r->ep[1].state == FC_ZEEK_TCP_RESET)
                   ? FC_END_RST
                   : FC_END_FIN;
    return FC_END_IDLE_TIMEOUT;
}

/* One Zeek record as an ended event, so CSV/JSONL keep their schema. */
static void rec_event(const zrun *zr, const fc_zeek_rec *r, fc_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->type = FC_EV_ENDED;
    ev->ts = zr->at_end ? zr->clock : fc_zeek_rec_deadline(r);
    ev->init_orient = fc_key_make(&ev->key, r->family, r->orig_h, r->orig_p, r->resp_h,
                                  r->resp_p, r->proto);
    ev->reason = rec_reason(zr, r, ev->ts);
    ev->state = FC_STATE_ACTIVE;
    ev->stats.started = r->start;
    ev->stats.last_seen = r->last;
    for (int i = 0; i < 2; i++) {
        ev->stats.packets[i] = r->ep[i].pkts;
        ev->stats.bytes[i] = r->ep[i].ip_bytes; /* IP bytes: no wire length */
    }
    ev->user = r;
}

static void on_rec(void *ctx, const fc_zeek_rec *r)
{
    zrun *zr = ctx;
    zeek_ended(zr, r);
    if (zr->failed)
        return;
    if (zr->tsv) {
        if (!zr->header) {
            zr->header = 1;
            if (fc_zeek_tsv_header(zr->tsv, zr->st->first_ts) != 0)
                write_failed(zr);
        }
        if (fc_zeek_tsv_row(zr->tsv, r, zr->z->zo.cid_seed) != 0)
            write_failed(zr);
        return;
    }
    fc_event ev;
    rec_event(zr, r, &ev);
    if (fc_writer_event(zr->w, &ev) != FC_OK)
        write_failed(zr);
}

/* ------------------------------------------------------ look-ahead */

int fk_zring_put(fk_zring *q, fc_zeek_table *t, const fc_rec *rec)
{
    fk_zslot *sl = &q->s[(q->head + q->n) % FK_ZRING_AHEAD];
    if (rec->caplen > sl->cap) { /* grows to the largest frame, then stays */
        size_t nc = rec->caplen < 2048 ? 2048 : rec->caplen;
        uint8_t *b = fc_realloc(sl->buf, nc); /* as fc_replay.c's look-ahead */
        if (!b)
            return -1;
        sl->buf = b;
        sl->cap = nc;
    }
    if (rec->caplen)
        memcpy(sl->buf, rec->data, rec->caplen);
    sl->rec = *rec;
    sl->rec.data = sl->buf;
    fc_zeek_table_hint(t, rec->linktype, sl->buf, rec->caplen, &sl->h);
    q->n++;
    if (q->n > FK_ZRING_STEP)
        fc_zeek_table_hint_step(
            t, &q->s[(q->head + q->n - 1 - FK_ZRING_STEP) % FK_ZRING_AHEAD].h);
    return 0;
}

int fk_zring_feed(fk_zring *q, fc_zeek_table *t)
{
    const fc_rec *r = &q->s[q->head].rec;
    int matched = fc_zeek_table_packet(t, r->linktype, r->data, r->caplen, r->wirelen, r->ts);
    q->head = (q->head + 1) % FK_ZRING_AHEAD;
    q->n--;
    return matched;
}

void fk_zring_free(fk_zring *q)
{
    for (int i = 0; i < FK_ZRING_AHEAD; i++)
        fc_free(q->s[i].buf);
    memset(q, 0, sizeof *q);
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

static void zeek_ended(zrun *zr, const fc_zeek_rec *r)
{
    fc_ts ts = zr->at_end ? zr->clock : fc_zeek_rec_deadline(r);
    zr->st->ended[rec_reason(zr, r, ts)]++;
}

int fk_zeek_run(fk_zeek_cli *z, fc_source *src, int fd, const fk_zeek_run_opts *o,
                fc_replay_stats *st)
{
    zrun zr;
    fc_rec rec;
    fk_zring q;
    int rc;
    memset(&zr, 0, sizeof zr);
    memset(st, 0, sizeof *st);
    zr.z = z;
    zr.st = st;
    if (z->zo.tunnels == 2)
        z->zo.tunnels = 1;
    if (z->tsv) {
        int fd2 = dup(fd);
        if (fd2 < 0 || !(zr.tsv = fdopen(fd2, "w"))) {
            if (fd2 >= 0)
                close(fd2);
            return FC_EIO;
        }
    } else {
        ext_init(z);
        if (!(zr.w = fc_writer_new(fd, (fc_format)o->fmt, FC_WRITER_LIFECYCLE, &z->ext)))
            return FC_ENOMEM;
    }
    fc_zeek_table *t = fc_zeek_table_new(&z->zo, 0, on_rec, &zr);
    if (!t) {
        if (zr.tsv)
            fclose(zr.tsv);
        fc_writer_close(zr.w);
        return FC_ENOMEM;
    }
    memset(&q, 0, sizeof q);
    while ((rc = fc_source_next(src, &rec)) == FC_OK && !zr.failed) {
        if (o->interrupted && *o->interrupted) {
            rc = FC_EINVAL;
            break;
        }
        if (!st->packets)
            st->first_ts = zr.clock = rec.ts;
        else if (rec.ts < zr.clock)
            st->backwards++;
        else
            zr.clock = rec.ts;
        st->packets++;
        if (q.n == FK_ZRING_AHEAD)
            count_fed(st, fk_zring_feed(&q, t));
        if (fk_zring_put(&q, t, &rec) != 0) {
            rc = FC_ENOMEM;
            break;
        }
        if (o->tick)
            o->tick(o->tick_ctx, st, fc_zeek_table_count(t));
    }
    if (rc == FC_DONE)
        rc = FC_OK;
    while (q.n) /* every frame read is fed, as without the ring */
        count_fed(st, fk_zring_feed(&q, t));
    fk_zring_free(&q);
    zr.at_end = 1;
    if (o->flush_eof)
        fc_zeek_table_finish(t); /* whole output also after an error */
    st->last_ts = zr.clock;
    st->flows_created = fc_zeek_table_stats_get(t)->conns;
    st->tunneled = fc_zeek_table_stats_get(t)->tunneled;
    fc_zeek_table_free(t);
    if (zr.tsv) {
        if (!zr.header && fc_zeek_tsv_header(zr.tsv, st->first_ts) != 0)
            write_failed(&zr);
        if (fc_zeek_tsv_footer(zr.tsv, zr.clock) != 0 || fclose(zr.tsv) != 0)
            write_failed(&zr);
    } else if (fc_writer_close(zr.w) != FC_OK) {
        write_failed(&zr);
    }
    if (zr.failed) {
        errno = zr.err;
        return FC_EIO;
    }
    return rc;
}
