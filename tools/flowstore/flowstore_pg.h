/* flowstore_pg.h - flowstore's PostgreSQL backend (libpq): opening and
 * checking a database, its schema and migrations, and the importer's
 * backend (flowstore_backend.h): binary COPY into day partitions of
 * flows, one transaction per capture, captures claimed by digest. */
#ifndef FLOWSTORE_PG_H
#define FLOWSTORE_PG_H

#include <signal.h>
#include <stdio.h>
#include "flowstore_backend.h"

/* Does `db` (the -d argument) name a PostgreSQL database: a URI
 * starting "postgresql:" or "postgres:", or a libpq connection string
 * of keyword=value pairs ("host=... dbname=...")? Anything else is the
 * path of an SQLite file. */
int fs_pg_is_target(const char *db);

typedef struct fs_pg fs_pg;

/* Connects, judges the database (refusing someone else's tables and a
 * newer schema), creates or migrates the schema. `stop` (may be NULL)
 * is polled while waiting on the server. NULL with one line in err
 * (cap bytes) on failure; *unreachable is 1 then when no connection
 * could be made (bad connection string, server down, authentication,
 * no such database), 0 when the database was refused. */
fs_pg *fs_pg_open(const char *conninfo, const volatile sig_atomic_t *stop, int *unreachable,
                  char *err, size_t cap);
void fs_pg_close(fs_pg *pg);

/* The importer's backend on this connection (borrowed from pg). */
const fs_backend *fs_pg_backend(fs_pg *pg);

/* Runs `sql` (one or more statements) on the database and prints the
 * rows of the last one to `out` as psql -A does: a header line, then
 * one line per row, fields separated by `sep`, NULL as `null`. For
 * tools that query a flowstore database (flowquery). 0 ok, else -1 with
 * one line in err. */
int fs_pg_query_print(const char *conninfo, const char *sql, FILE *out, const char *sep,
                      const char *null, char *err, size_t cap);

/* The kind of a result column, as SQLite would type its values. */
typedef enum {
    FS_PG_TEXT,      /* anything else: its text */
    FS_PG_INT,       /* int2, int4, int8, oid */
    FS_PG_REAL,      /* float4, float8 */
    FS_PG_NUMERIC,   /* numeric: an integer without a fraction, else real */
    FS_PG_BOOL       /* 't' or 'f' */
} fs_pg_kind;

/* What fs_pg_query_each hands its caller. `columns` starts each result
 * (statement) of the query, with n 0 for a statement without rows; the
 * rows of the last one are the answer. `row` gets one row's values,
 * NULL for SQL NULL. A non-zero return from either stops the query. */
typedef struct fs_pg_rows {
    int (*columns)(void *ctx, int n, const char *const *names, const fs_pg_kind *kinds);
    int (*row)(void *ctx, int n, const char *const *values);
    void *ctx;
} fs_pg_rows;

/* Outcomes of fs_pg_query_each besides 0. */
#define FS_PG_EDB (-1)      /* the database cannot be used (connection, not flowkit's) */
#define FS_PG_EQUERY (-2)   /* the query failed while it ran */
#define FS_PG_ESQL (-3)     /* the query is not valid SQL here (SQLSTATE class 42) */

/* Runs `sql` (one or more statements) on a flowstore database in
 * PostgreSQL, in a read-only transaction (the database is an input,
 * never written), handing rows over one at a time (each result is held
 * whole by libpq, as psql holds it). At most `limit` rows of a result
 * (0: no limit) are handed over. Refuses a database
 * without flowstore's schema. 0, or an FS_PG_E* with one line in err
 * (empty when a callback stopped the query: its caller knows why). */
int fs_pg_query_each(const char *conninfo, const char *sql, uint64_t limit,
                     const fs_pg_rows *cb, char *err, size_t cap);

#endif
