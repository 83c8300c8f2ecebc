/* flowstore_rows.h - turning tracker events into rows of the flows and
 * events tables through prepared statements (reused for every row, so a
 * bulk import parses no SQL per row; flows go in by batches).
 *
 * Each flow row also carries the flow's Zeek-compatible fields (history,
 * conn_state, IP and payload bytes, missed bytes, Community ID and Zeek's
 * originator), taken from a copy of the flow's fc_zeek_rec into a small
 * fs_zeek (fs_zeek_take) on the storing thread. */
#ifndef FLOWSTORE_ROWS_H
#define FLOWSTORE_ROWS_H

#include <stdint.h>
#include <sqlite3.h>
#include "fc_event.h"
#include "fc_zeek.h"

typedef struct fs_zeek {
    uint8_t set;           /* 0: no record, the Zeek columns are NULL */
    uint8_t family;        /* FC_AF_INET or FC_AF_INET6 */
    uint8_t has_bytes;     /* duration > 0: Zeek logs payload bytes */
    uint8_t pad;
    uint16_t orig_p, resp_p; /* Zeek's (ICMP: type and counterpart/code) */
    uint8_t orig_h[16], resp_h[16];
    const char *conn_state;  /* static string */
    uint64_t orig_pkts, resp_pkts, orig_ip, resp_ip, orig_pay, resp_pay, missed;
    char history[FC_ZEEK_HIST_MAX + 1];
    char cid[40];           /* Community ID v1 */
    char uid[FC_ZEEK_UID_LEN]; /* fc_zeek_uid: as in flowreplay's conn.log */
    char service[32];       /* "" when none */
} fs_zeek;

/* Copies what the Zeek columns need out of r. */
void fs_zeek_take(fs_zeek *z, const fc_zeek_rec *r, uint16_t cid_seed);

typedef struct fs_rows fs_rows;

/* Prepares the inserts on `db` (borrowed). Returns NULL when out of
 * memory or when preparing failed (message in sqlite3_errmsg(db)). */
fs_rows *fs_rows_new(sqlite3 *db);
/* Finalizes the statements. NULL is ok. */
void fs_rows_free(fs_rows *r);

/* Inserts the flow that `ev` (an FC_EV_ENDED event) ended, as flow
 * number `flow_no` of capture `capture_id`, with the Zeek fields `z`
 * (NULL or unset: NULL columns); ev and z are copied. Flows are inserted
 * in batches: the last ones wait for fs_rows_flush. Returns SQLITE_OK or
 * the error of the batch. */
int fs_rows_flow(fs_rows *r, int64_t capture_id, int64_t flow_no, const fc_event *ev,
                 const fs_zeek *z);

/* Inserts the flows still waiting. Returns SQLITE_OK or the error. */
int fs_rows_flush(fs_rows *r);

/* Forgets the flows still waiting (their capture is rolled back). */
void fs_rows_discard(fs_rows *r);

/* Inserts any event as row `seq` of the capture's event sequence.
 * Returns SQLITE_OK or the error. */
int fs_rows_event(fs_rows *r, int64_t capture_id, int64_t seq, const fc_event *ev);

#endif
