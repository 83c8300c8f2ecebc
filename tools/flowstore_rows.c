/* flowstore_rows.c - one flow or event per row. Text is bound as
 * SQLITE_STATIC from buffers in the handle (or in the fs_zeek passed
 * in): each row is stepped before the buffers are written again. */
#include <stdlib.h>
#include <string.h>
#include "flowstore_rows.h"

struct fs_rows {
    sqlite3_stmt *flow, *event;
    char orig_h[FC_ADDRSTRLEN], resp_h[FC_ADDRSTRLEN];
    char zorig_h[FC_ADDRSTRLEN], zresp_h[FC_ADDRSTRLEN];
    char proto[8];
    char hist[FC_HISTORY_MAX + 1];
};

/* Columns 18..31 are the Zeek fields (schema version 2). */
static const char flow_sql[] =
    "INSERT INTO flows (capture_id, flow_no, proto, orig_h, orig_p, resp_h, resp_p,"
    " start_ns, end_ns, duration_ns, orig_pkts, resp_pkts, orig_bytes, resp_bytes,"
    " state, reason, history, zeek_history, conn_state, orig_ip_bytes, resp_ip_bytes,"
    " orig_payload_bytes, resp_payload_bytes, missed_bytes, community_id, zeek_orig_h,"
    " zeek_orig_p, zeek_resp_h, zeek_resp_p, zeek_orig_pkts, zeek_resp_pkts)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
    " ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)";
#define ZEEK_COL0 18
#define ZEEK_COLN 14

static const char event_sql[] =
    "INSERT INTO events (capture_id, seq, ts_ns, event, proto, orig_h, orig_p, resp_h,"
    " resp_p, side, len, from_state, to_state, reason, orig_pkts, resp_pkts, orig_bytes,"
    " resp_bytes, history, flow_start_ns)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
    " ?18, ?19, ?20)";

fs_rows *fs_rows_new(sqlite3 *db)
{
    fs_rows *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    /* PERSISTENT: these statements live for the whole run. */
    if (sqlite3_prepare_v3(db, flow_sql, -1, SQLITE_PREPARE_PERSISTENT, &r->flow, NULL) !=
            SQLITE_OK ||
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
    sqlite3_finalize(r->event);
    free(r);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Binds the endpoints (initiator orientation) at columns i..i+4:
 * proto, orig_h, orig_p, resp_h, resp_p. */
static void bind_key(fs_rows *r, sqlite3_stmt *st, int i, const fc_event *ev)
{
    const uint8_t *oh, *rh;
    uint16_t op, rp;
    fc_event_endpoints(ev, &oh, &op, &rh, &rp);
    bind_text(st, i, fc_proto_name(ev->key.proto, r->proto, sizeof r->proto));
    bind_text(st, i + 1, fc_addr_format(ev->key.family, oh, r->orig_h, sizeof r->orig_h));
    sqlite3_bind_int(st, i + 2, op);
    bind_text(st, i + 3, fc_addr_format(ev->key.family, rh, r->resp_h, sizeof r->resp_h));
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
}

/* Binds the Zeek columns from i on; all NULL without a record. An empty
 * Zeek history (Zeek's "-") is NULL as well. */
static void bind_zeek(fs_rows *r, sqlite3_stmt *st, int i, const fs_zeek *z)
{
    if (!z || !z->set) {
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
    bind_text(st, i + 8, fc_addr_format(z->family, z->orig_h, r->zorig_h, sizeof r->zorig_h));
    sqlite3_bind_int(st, i + 9, z->orig_p);
    bind_text(st, i + 10, fc_addr_format(z->family, z->resp_h, r->zresp_h, sizeof r->zresp_h));
    sqlite3_bind_int(st, i + 11, z->resp_p);
    bind_u64(st, i + 12, z->orig_pkts);
    bind_u64(st, i + 13, z->resp_pkts);
}

int fs_rows_flow(fs_rows *r, int64_t capture_id, int64_t flow_no, const fc_event *ev,
                 const fs_zeek *z)
{
    sqlite3_stmt *st = r->flow;
    const fc_flow_stats *s = &ev->stats;

    sqlite3_bind_int64(st, 1, capture_id);
    sqlite3_bind_int64(st, 2, flow_no);
    bind_key(r, st, 3, ev);
    sqlite3_bind_int64(st, 8, s->started);
    sqlite3_bind_int64(st, 9, s->last_seen);
    sqlite3_bind_int64(st, 10, s->last_seen - s->started);
    bind_u64(st, 11, s->packets[FC_SIDE_INITIATOR]);
    bind_u64(st, 12, s->packets[FC_SIDE_RESPONDER]);
    bind_u64(st, 13, s->bytes[FC_SIDE_INITIATOR]);
    bind_u64(st, 14, s->bytes[FC_SIDE_RESPONDER]);
    bind_text(st, 15, fc_state_name(ev->state));
    bind_text(st, 16, fc_end_reason_name(ev->reason));
    fc_history_str(&ev->history, r->hist);
    bind_text(st, 17, r->hist);
    bind_zeek(r, st, ZEEK_COL0, z);
    return step(st);
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
    bind_key(r, st, 5, ev);
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
