/* fc_zeek_tsv.c - Zeek's conn.log field formatting and its TSV file
 * (the ASCII writer's layout, readable by zeek-cut).
 *
 * Determinism: #open/#close come from capture times, the uid from the
 * connection (fc_zeek_uid.c); nothing reads the wall clock. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "fc_error.h"
#include "fc_key.h"
#include "fc_zeek.h"
#include "fc_zeek_int.h"

static void fmt_u64(char *buf, size_t cap, uint64_t v)
{
    snprintf(buf, cap, "%" PRIu64, v);
}

/* Seconds with 6 decimals, as Zeek prints time and interval. Rounded to
 * the microsecond like Zeek's %.6f of a double. */
static void fmt_secs(char *buf, size_t cap, fc_ts t)
{
    int neg = t < 0;
    uint64_t a = neg ? (uint64_t)(-(t + 1)) + 1 : (uint64_t)t;
    uint64_t us = (a + 500) / 1000;
    snprintf(buf, cap, "%s%" PRIu64 ".%06" PRIu64, neg ? "-" : "", us / 1000000, us % 1000000);
}

void fc__zeek_fmt_secs(char *buf, size_t cap, fc_ts t)
{
    fmt_secs(buf, cap, t);
}

void fc_zeek_format(const fc_zeek_rec *r, uint16_t cid_seed, fc_zeek_fields *out)
{
    fc_addr_format(r->family, r->orig_h, out->orig_h, sizeof out->orig_h);
    fc_addr_format(r->family, r->resp_h, out->resp_h, sizeof out->resp_h);
    snprintf(out->orig_p, sizeof out->orig_p, "%u", (unsigned)r->orig_p);
    snprintf(out->resp_p, sizeof out->resp_p, "%u", (unsigned)r->resp_p);
    out->proto = fc_zeek_proto_name(r->proto);
    out->conn_state = fc_zeek_conn_state(r);
    /* §2 logging rule: duration and byte counts only when duration > 0 */
    fc_ts dur = r->last - r->start;
    if (dur > 0) {
        fmt_secs(out->duration, sizeof out->duration, dur);
        fmt_u64(out->orig_bytes, sizeof out->orig_bytes, fc_zeek_payload_bytes(r, 0));
        fmt_u64(out->resp_bytes, sizeof out->resp_bytes, fc_zeek_payload_bytes(r, 1));
    } else {
        snprintf(out->duration, sizeof out->duration, "-");
        snprintf(out->orig_bytes, sizeof out->orig_bytes, "-");
        snprintf(out->resp_bytes, sizeof out->resp_bytes, "-");
    }
    fmt_u64(out->missed, sizeof out->missed, r->missed);
    fc_zeek_history(r, out->history, sizeof out->history);
    if (!out->history[0])
        snprintf(out->history, sizeof out->history, "-");
    fmt_u64(out->orig_pkts, sizeof out->orig_pkts, r->ep[0].pkts);
    fmt_u64(out->orig_ip_bytes, sizeof out->orig_ip_bytes, r->ep[0].ip_bytes);
    fmt_u64(out->resp_pkts, sizeof out->resp_pkts, r->ep[1].pkts);
    fmt_u64(out->resp_ip_bytes, sizeof out->resp_ip_bytes, r->ep[1].ip_bytes);
    fc_zeek_community_id(r, cid_seed, out->community_id, sizeof out->community_id);
    if (!fc_service_format(&r->svc, out->service, sizeof out->service))
        snprintf(out->service, sizeof out->service, "-");
}

static void fmt_date(char *buf, size_t cap, fc_ts t)
{
    time_t s = (time_t)(t / FC_NSEC_PER_SEC);
    struct tm tm;
    if (!gmtime_r(&s, &tm) || !strftime(buf, cap, "%Y-%m-%d-%H-%M-%S", &tm))
        snprintf(buf, cap, "1970-01-01-00-00-00");
}

int fc_zeek_tsv_header(FILE *f, fc_ts open_ts)
{
    char date[32];
    fmt_date(date, sizeof date, open_ts);
    return fprintf(f,
                   "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
                   "#unset_field\t-\n#path\tconn\n#open\t%s\n"
                   "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
                   "service\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\t"
                   "local_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\t"
                   "resp_ip_bytes\ttunnel_parents\tcommunity_id\n"
                   "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\t"
                   "count\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\t"
                   "count\tset[string]\tstring\n",
                   date) < 0
               ? FC_EIO
               : 0;
}

int fc_zeek_tsv_row(FILE *f, const fc_zeek_rec *r, uint16_t cid_seed)
{
    fc_zeek_fields z;
    char ts[32], uid[FC_ZEEK_UID_LEN];
    fc_zeek_format(r, cid_seed, &z);
    fmt_secs(ts, sizeof ts, r->start);
    fc_zeek_uid(r, uid);
    return fprintf(f,
                   "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t-\t-\t%s\t%s\t%s\t%s\t%s\t"
                   "%s\t-\t%s\n",
                   ts, uid, z.orig_h, z.orig_p, z.resp_h, z.resp_p, z.proto, z.service, z.duration,
                   z.orig_bytes, z.resp_bytes, z.conn_state, z.missed, z.history, z.orig_pkts,
                   z.orig_ip_bytes, z.resp_pkts, z.resp_ip_bytes, z.community_id) < 0
               ? FC_EIO
               : 0;
}

void fc__zeek_row(const fc_zeek_rec *r, uint16_t cid_seed, fc__zeek_row_t *row)
{
    fc_zeek_format(r, cid_seed, &row->z);
    fmt_secs(row->ts, sizeof row->ts, r->start);
    fc_zeek_uid(r, row->uid); /* the one uid, as fc_zeek_tsv_row */
    const fc_zeek_fields *z = &row->z;
    const char *v[FC_ZEEK_NCOLS] = {
        row->ts,      row->uid,         z->orig_h,    z->orig_p,        z->resp_h,
        z->resp_p,    z->proto,         z->service,   z->duration,      z->orig_bytes,
        z->resp_bytes, z->conn_state,   "-",          "-",              z->missed,
        z->history,   z->orig_pkts,     z->orig_ip_bytes, z->resp_pkts, z->resp_ip_bytes,
        "-",          z->community_id};
    memcpy(row->v, v, sizeof v);
}

void fc__zeek_fmt_date(char *buf, size_t cap, fc_ts t)
{
    fmt_date(buf, cap, t);
}

int fc_zeek_tsv_footer(FILE *f, fc_ts close_ts)
{
    char date[32];
    fmt_date(date, sizeof date, close_ts);
    return fprintf(f, "#close\t%s\n", date) < 0 ? FC_EIO : 0;
}
