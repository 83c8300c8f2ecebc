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

#endif
