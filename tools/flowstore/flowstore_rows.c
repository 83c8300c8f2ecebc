/* flowstore_rows.c - one flow or event per row. Flows are inserted
 * FS_ROWS_BATCH at a time by one multi-row INSERT, which costs SQLite
 * less per row than a statement each (one statement start and end, one
 * cursor, for the batch). Text is bound as SQLITE_STATIC from buffers in
 * the handle: each statement is stepped before they are written again. */
#include <stdlib.h>
#include <string.h>
#include "flowstore_rows.h"

#define FS_ROWS_BATCH 32
#define FLOW_COLS 33

/* A flow waiting for its batch, with the text of its columns. */
typedef struct pending {
    int64_t capture_id, flow_no;
    fc_event ev;
    fs_zeek z;          /* z.set 0: no Zeek fields */
    char orig_h[FC_ADDRSTRLEN], resp_h[FC_ADDRSTRLEN];
    char zorig_h[FC_ADDRSTRLEN], zresp_h[FC_ADDRSTRLEN];
    char proto[8];
    char hist[FC_HISTORY_MAX + 1];
} pending;

struct fs_rows {
    sqlite3_stmt *flow, *flows, *event; /* one flow, a batch, one event */
    int n;                              /* flows pending */
    pending p[FS_ROWS_BATCH];
    /* for events */
    char orig_h[FC_ADDRSTRLEN], resp_h[FC_ADDRSTRLEN];
    char proto[8];
    char hist[FC_HISTORY_MAX + 1];
};

/* The flows INSERT up to its VALUES; parameters are anonymous, bound
 * in column order (row k's column j, from 1, is k * FLOW_COLS + j).
 * Columns 18..31 are the Zeek fields (schema version 2), 32 the uid
 * (version 6), 33 the service (version 7). */
static const char flow_insert[] =
    "INSERT INTO flows (capture_id, flow_no, proto, orig_h, orig_p, resp_h, resp_p,"
    " start_ns, end_ns, duration_ns, orig_pkts, resp_pkts, orig_bytes, resp_bytes,"
    " state, reason, history, zeek_history, conn_state, orig_ip_bytes, resp_ip_bytes,"
    " orig_payload_bytes, resp_payload_bytes, missed_bytes, community_id, zeek_orig_h,"
    " zeek_orig_p, zeek_resp_h, zeek_resp_p, zeek_orig_pkts, zeek_resp_pkts, uid, service)"
    " VALUES ";
#define ZEEK_COL0 18
#define ZEEK_COLN 16

static const char event_sql[] =
    "INSERT INTO events (capture_id, seq, ts_ns, event, proto, orig_h, orig_p, resp_h,"
    " resp_p, side, len, from_state, to_state, reason, orig_pkts, resp_pkts, orig_bytes,"
    " resp_bytes, history, flow_start_ns)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
    " ?18, ?19, ?20)";

/* flow_insert for `rows` rows; sqlite3_free it. NULL when out of memory. */
static char *flow_sql(int rows)
{
    sqlite3_str *q = sqlite3_str_new(NULL);
    sqlite3_str_appendall(q, flow_insert);
    for (int k = 0; k < rows; k++) {
        sqlite3_str_appendall(q, k ? ", (?" : "(?");
        for (int j = 1; j < FLOW_COLS; j++)
            sqlite3_str_appendall(q, ", ?");
        sqlite3_str_appendchar(q, 1, ')');
    }
    return sqlite3_str_finish(q);
}

/* Prepares flow_sql(rows) into *st. */
static int prepare_flows(sqlite3 *db, int rows, sqlite3_stmt **st)
{
    char *sql = flow_sql(rows);
    if (!sql)
        return SQLITE_NOMEM;
    /* PERSISTENT: the statements live for the whole run. */
    int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    sqlite3_free(sql);
    return rc;
}

fs_rows *fs_rows_new(sqlite3 *db)
{
    fs_rows *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (prepare_flows(db, 1, &r->flow) != SQLITE_OK ||
        prepare_flows(db, FS_ROWS_BATCH, &r->flows) != SQLITE_OK ||
        sqlite3_prepare_v3(db, event_sql, -1, SQLITE_PREPARE_PERSISTENT, &r->event, NULL) !=
            SQLITE_OK) {
        fs_rows_free(r);
        return NULL;
    }
    return r;
}

void fs_rows_free(fs_rows *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->flow);
    sqlite3_finalize(r->flows);
    sqlite3_finalize(r->event);
    free(r);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* fc_addr_format's text; IPv4 by hand, as snprintf cost more than the
 * rest of a row's binding. Returns buf (FC_ADDRSTRLEN bytes). */
static const char *addr_text(int family, const uint8_t *a, char *buf)
{
    if (family == FC_AF_INET6)
        return fc_addr_format(family, a, buf, FC_ADDRSTRLEN);
    char *p = buf;
    for (int i = 0; i < 4; i++) {
        unsigned v = a[i];
        if (v >= 100)
            *p++ = (char)('0' + v / 100);
        if (v >= 10)
            *p++ = (char)('0' + v / 10 % 10);
        *p++ = (char)('0' + v % 10);
        *p++ = '.';
    }
    p[-1] = '\0';
    return buf;
}

/* Binds the endpoints (initiator orientation) at columns i..i+4:
 * proto, orig_h, orig_p, resp_h, resp_p, their text written to proto
 * (8 bytes), oh and rh (FC_ADDRSTRLEN). */
static void bind_key(sqlite3_stmt *st, int i, const fc_event *ev, char *proto, char *oh_text,
                     char *rh_text)
{
    const uint8_t *oh, *rh;
    uint16_t op, rp;
    fc_event_endpoints(ev, &oh, &op, &rh, &rp);
    bind_text(st, i, fc_proto_name(ev->key.proto, proto, 8));
    bind_text(st, i + 1, addr_text(ev->key.family, oh, oh_text));
    sqlite3_bind_int(st, i + 2, op);
    bind_text(st, i + 3, addr_text(ev->key.family, rh, rh_text));
    sqlite3_bind_int(st, i + 4, rp);
}

/* Counters are uint64 in the tracker; SQLite integers are signed 64-bit,
 * which no real packet or byte count reaches. */
static void bind_u64(sqlite3_stmt *st, int i, uint64_t v)
{
    sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

static int step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void fs_zeek_take(fs_zeek *z, const fc_zeek_rec *r, uint16_t cid_seed)
{
    z->set = 1;
    z->family = r->family;
    z->has_bytes = r->last > r->start; /* Zeek's rule: bytes only when duration > 0 */
    z->pad = 0;
    z->orig_p = r->orig_p;
    z->resp_p = r->resp_p;
    memcpy(z->orig_h, r->orig_h, sizeof z->orig_h);
    memcpy(z->resp_h, r->resp_h, sizeof z->resp_h);
    z->conn_state = fc_zeek_conn_state(r);
    z->orig_pkts = r->ep[0].pkts;
    z->resp_pkts = r->ep[1].pkts;
    z->orig_ip = r->ep[0].ip_bytes;
    z->resp_ip = r->ep[1].ip_bytes;
    z->orig_pay = z->has_bytes ? fc_zeek_payload_bytes(r, 0) : 0;
    z->resp_pay = z->has_bytes ? fc_zeek_payload_bytes(r, 1) : 0;
    z->missed = r->missed;
    fc_zeek_history(r, z->history, sizeof z->history);
    fc_zeek_community_id(r, cid_seed, z->cid, sizeof z->cid);
    fc_zeek_uid(r, z->uid);
    fc_service_format(&r->svc, z->service, sizeof z->service);
}

/* Binds the Zeek columns from i on; all NULL without a record. An empty
 * Zeek history (Zeek's "-") is NULL as well. */
static void bind_zeek(pending *p, sqlite3_stmt *st, int i)
{
    const fs_zeek *z = &p->z;
    if (!z->set) {
        for (int k = 0; k < ZEEK_COLN; k++)
            sqlite3_bind_null(st, i + k);
        return;
    }
    if (z->history[0])
        bind_text(st, i, z->history);
    else
        sqlite3_bind_null(st, i);
    bind_text(st, i + 1, z->conn_state);
    bind_u64(st, i + 2, z->orig_ip);
    bind_u64(st, i + 3, z->resp_ip);
    if (z->has_bytes) {
        bind_u64(st, i + 4, z->orig_pay);
        bind_u64(st, i + 5, z->resp_pay);
    } else {
        sqlite3_bind_null(st, i + 4);
        sqlite3_bind_null(st, i + 5);
    }
    bind_u64(st, i + 6, z->missed);
    bind_text(st, i + 7, z->cid);
    bind_text(st, i + 8, addr_text(z->family, z->orig_h, p->zorig_h));
    sqlite3_bind_int(st, i + 9, z->orig_p);
    bind_text(st, i + 10, addr_text(z->family, z->resp_h, p->zresp_h));
    sqlite3_bind_int(st, i + 11, z->resp_p);
    bind_u64(st, i + 12, z->orig_pkts);
    bind_u64(st, i + 13, z->resp_pkts);
    bind_text(st, i + 14, z->uid);
    if (z->service[0])
        bind_text(st, i + 15, z->service);
    else
        sqlite3_bind_null(st, i + 15);
}

/* Binds flow p as the row whose first parameter is i + 1. */
static void bind_flow(pending *p, sqlite3_stmt *st, int i)
{
    const fc_event *ev = &p->ev;
    const fc_flow_stats *s = &ev->stats;

    sqlite3_bind_int64(st, i + 1, p->capture_id);
    sqlite3_bind_int64(st, i + 2, p->flow_no);
    bind_key(st, i + 3, ev, p->proto, p->orig_h, p->resp_h);
    sqlite3_bind_int64(st, i + 8, s->started);
    sqlite3_bind_int64(st, i + 9, s->last_seen);
    sqlite3_bind_int64(st, i + 10, s->last_seen - s->started);
    bind_u64(st, i + 11, s->packets[FC_SIDE_INITIATOR]);
    bind_u64(st, i + 12, s->packets[FC_SIDE_RESPONDER]);
    bind_u64(st, i + 13, s->bytes[FC_SIDE_INITIATOR]);
    bind_u64(st, i + 14, s->bytes[FC_SIDE_RESPONDER]);
    bind_text(st, i + 15, fc_state_name(ev->state));
    bind_text(st, i + 16, fc_end_reason_name(ev->reason));
    fc_history_str(&ev->history, p->hist);
    bind_text(st, i + 17, p->hist);
    bind_zeek(p, st, i + ZEEK_COL0);
}

int fs_rows_flow(fs_rows *r, int64_t capture_id, int64_t flow_no, const fc_event *ev,
                 const fs_zeek *z)
{
    pending *p = &r->p[r->n++];
    p->capture_id = capture_id;
    p->flow_no = flow_no;
    p->ev = *ev;
    p->ev.user = NULL;
    if (z && z->set)
        p->z = *z;
    else
        p->z.set = 0;
    if (r->n < FS_ROWS_BATCH)
        return SQLITE_OK;
    r->n = 0;
    for (int k = 0; k < FS_ROWS_BATCH; k++)
        bind_flow(&r->p[k], r->flows, k * FLOW_COLS);
    return step(r->flows);
}

int fs_rows_flush(fs_rows *r)
{
    int rc = SQLITE_OK;
    for (int k = 0; k < r->n && rc == SQLITE_OK; k++) {
        bind_flow(&r->p[k], r->flow, 0);
        rc = step(r->flow);
    }
    r->n = 0;
    return rc;
}

void fs_rows_discard(fs_rows *r)
{
    r->n = 0;
}

int fs_rows_event(fs_rows *r, int64_t capture_id, int64_t seq, const fc_event *ev)
{
    sqlite3_stmt *st = r->event;

    /* Columns 10..19 depend on the event type; NULL unless set below. */
    for (int i = 10; i <= 19; i++)
        sqlite3_bind_null(st, i);
    sqlite3_bind_int64(st, 1, capture_id);
    sqlite3_bind_int64(st, 2, seq);
    sqlite3_bind_int64(st, 3, ev->ts);
    bind_text(st, 4, fc_event_type_name(ev->type));
    bind_key(st, 5, ev, r->proto, r->orig_h, r->resp_h);
    switch (ev->type) {
    case FC_EV_STARTED:
        bind_text(st, 10, "orig");
        break;
    case FC_EV_PACKET:
        bind_text(st, 10, ev->side == FC_SIDE_INITIATOR ? "orig" : "resp");
        sqlite3_bind_int64(st, 11, ev->len);
        break;
    case FC_EV_ESTABLISHED:
    case FC_EV_STATE_CHANGE:
        bind_text(st, 12, fc_state_name(ev->from));
        bind_text(st, 13, fc_state_name(ev->to));
        break;
    case FC_EV_ENDED:
        bind_text(st, 14, fc_end_reason_name(ev->reason));
        bind_u64(st, 15, ev->stats.packets[FC_SIDE_INITIATOR]);
        bind_u64(st, 16, ev->stats.packets[FC_SIDE_RESPONDER]);
        bind_u64(st, 17, ev->stats.bytes[FC_SIDE_INITIATOR]);
        bind_u64(st, 18, ev->stats.bytes[FC_SIDE_RESPONDER]);
        fc_history_str(&ev->history, r->hist);
        bind_text(st, 19, r->hist);
        break;
    default:
        break;
    }
    sqlite3_bind_int64(st, 20, ev->stats.started);
    return step(st);
}
