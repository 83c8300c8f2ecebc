/* flowstore_rows.h - turning tracker events into rows of the flows and
 * events tables through prepared statements (one per table, reused for
 * every row, so a bulk import parses no SQL per row). */
#ifndef FLOWSTORE_ROWS_H
#define FLOWSTORE_ROWS_H

#include <stdint.h>
#include <sqlite3.h>
#include "fc_event.h"

typedef struct fs_rows fs_rows;

/* Prepares the inserts on `db` (borrowed). Returns NULL when out of
 * memory or when preparing failed (message in sqlite3_errmsg(db)). */
fs_rows *fs_rows_new(sqlite3 *db);
/* Finalizes the statements. NULL is ok. */
void fs_rows_free(fs_rows *r);

/* Inserts the flow that `ev` (an FC_EV_ENDED event) ended, as flow
 * number `flow_no` of capture `capture_id`. Returns SQLITE_OK or the
 * error. */
int fs_rows_flow(fs_rows *r, int64_t capture_id, int64_t flow_no, const fc_event *ev);

/* Inserts any event as row `seq` of the capture's event sequence.
 * Returns SQLITE_OK or the error. */
int fs_rows_event(fs_rows *r, int64_t capture_id, int64_t seq, const fc_event *ev);

#endif
