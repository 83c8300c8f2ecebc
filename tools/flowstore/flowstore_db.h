/* flowstore_db.h - opening a flowstore database: identity checks, the
 * connection settings for bulk import, the schema and its migrations,
 * and write transactions that wait their turn among several writers. */
#ifndef FLOWSTORE_DB_H
#define FLOWSTORE_DB_H

#include <signal.h>
#include <stddef.h>
#include <sqlite3.h>

/* Schema version this flowstore writes (PRAGMA user_version). */
#define FS_SCHEMA_VERSION 7
/* PRAGMA application_id of a flowstore database: "fkst". */
#define FS_APPLICATION_ID 0x666b7374

#define FS_ERRBUF 512

/* Page cache of an importing connection, and while it builds indexes
 * (KiB, as text for PRAGMA cache_size=-N; see rebuild_indexes()). */
#define FS_CACHE_KIB "65536"
#define FS_SORT_CACHE_KIB "2048"

/* Opens the database at `path`, creating it when missing, refusing a
 * file that is not SQLite, a database of another program and a newer
 * schema; migrates an older one. `stop` (may be NULL) is polled while
 * waiting for other writers: when it becomes set, waits give up.
 * Returns the connection, or NULL with "PATH: reason" in err (cap bytes,
 * FS_ERRBUF is enough). Close with fs_db_close. */
sqlite3 *fs_db_open(const char *path, const volatile sig_atomic_t *stop, char *err,
                    size_t cap);

/* Closes the connection (NULL is ok); the last one out checkpoints the
 * write-ahead log. */
void fs_db_close(sqlite3 *db);

/* BEGIN IMMEDIATE: takes the write lock, waiting for other writers
 * (busy handler, then retries). Returns SQLITE_OK or the error. */
int fs_db_begin(sqlite3 *db);

/* Runs `sql` (several statements allowed). Returns the SQLite code. */
int fs_db_exec(sqlite3 *db, const char *sql);

/* ROLLBACK if a transaction is open; keeps the connection's error
 * message of the failure that led here. */
void fs_db_rollback(sqlite3 *db);

#endif
