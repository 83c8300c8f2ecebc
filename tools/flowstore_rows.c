/* flowstore_rows.c - one flow or event per row. Text is bound as
 * SQLITE_STATIC from buffers in the handle: each row is stepped before
 * the buffers are written again. */
#include <stdlib.h>
#include "flowstore_rows.h"

struct fs_rows {
    sqlite3_stmt *flow, *event;
    char orig_h[FC_ADDRSTRLEN], resp_h[FC_ADDRSTRLEN];
    char proto[8];
    char hist[FC_HISTORY_MAX + 1];
};

static const char flow_sql[] =
    "INSERT INTO flows (capture_id, flow_no, proto, orig_h, orig_p, resp_h, resp_p,"
    " start_ns, end_ns, duration_ns, orig_pkts, resp_pkts, orig_bytes, resp_bytes,"
    " state, reason, history)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";

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

int fs_rows_flow(fs_rows *r, int64_t capture_id, int64_t flow_no, const fc_event *ev)
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
