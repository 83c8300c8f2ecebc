/* flowstore_db.c - opening, checking and migrating a flowstore database.
 *
 * Several flowstore processes may write one database at once: it runs in
 * WAL mode (readers never wait, writers take turns), every write
 * transaction starts with BEGIN IMMEDIATE so a writer waits at its start
 * instead of failing halfway, and the busy handler waits long, since one
 * capture's import holds the write lock for as long as its replay. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fk_cli.h"
#include "flowstore_db.h"

/* From the generated tools/flowstore/flowstore_sql.c (tools/flowstore/sql2c.sh). */
extern const char fs_schema_sql[];
extern const char fs_views_sql[];

/* Migration steps: step `to` brings a database at version to-1 to
 * version `to`. A new database is created whole from sql/schema.sql (the
 * latest version), so each step must leave an older database with the
 * same tables and columns as that file (columns added by ALTER TABLE go
 * last, so sql/schema.sql lists them last too). The views are recreated
 * after the steps.
 *   2: the Zeek columns of flows; rows stored before keep NULL there.
 *   3: captures.status and captures.error (damaged captures kept); the
 *      captures stored before were read whole: 'complete'.
 *   4: captures.settings and identity (sha256, settings) instead of
 *      sha256 alone: the table is built again without its UNIQUE
 *      constraint (SQLite cannot drop one), rows and ids kept, settings
 *      NULL (matched by their options as given instead). Foreign keys are
 *      never enforced on flowstore's connections, so dropping the old
 *      table leaves flows and events alone.
 *   5: capture sets: captures.kind ('file' for those stored before) and
 *      the table capture_files.
 *   6: flows.uid (the conn.log uid); rows stored before keep NULL and
 *      the conn view makes theirs as before.
 *   7: flows.service, Zeek's service column (NULL before, and where no
 *      service was found or flowstore ran with --no-service). */
typedef struct fs_step {
    int to;
    const char *sql;
} fs_step;

static const fs_step steps[] = {
    {2, "ALTER TABLE flows ADD COLUMN zeek_history TEXT;"
        " ALTER TABLE flows ADD COLUMN conn_state TEXT;"
        " ALTER TABLE flows ADD COLUMN orig_ip_bytes INTEGER;"
        " ALTER TABLE flows ADD COLUMN resp_ip_bytes INTEGER;"
        " ALTER TABLE flows ADD COLUMN orig_payload_bytes INTEGER;"
        " ALTER TABLE flows ADD COLUMN resp_payload_bytes INTEGER;"
        " ALTER TABLE flows ADD COLUMN missed_bytes INTEGER;"
        " ALTER TABLE flows ADD COLUMN community_id TEXT;"
        " ALTER TABLE flows ADD COLUMN zeek_orig_h TEXT;"
        " ALTER TABLE flows ADD COLUMN zeek_orig_p INTEGER;"
        " ALTER TABLE flows ADD COLUMN zeek_resp_h TEXT;"
        " ALTER TABLE flows ADD COLUMN zeek_resp_p INTEGER;"
        " ALTER TABLE flows ADD COLUMN zeek_orig_pkts INTEGER;"
        " ALTER TABLE flows ADD COLUMN zeek_resp_pkts INTEGER;"},
    {3, "ALTER TABLE captures ADD COLUMN status TEXT NOT NULL DEFAULT 'complete';"
        " ALTER TABLE captures ADD COLUMN error TEXT;"},
    {4, "CREATE TABLE captures_v4 ("
        " id INTEGER PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL,"
        " sha256 TEXT NOT NULL, linktype INTEGER NOT NULL, first_ns INTEGER,"
        " last_ns INTEGER, packets INTEGER NOT NULL, flows INTEGER NOT NULL,"
        " imported_at TEXT NOT NULL, tool_version TEXT NOT NULL, options TEXT NOT NULL,"
        " status TEXT NOT NULL DEFAULT 'complete', error TEXT, settings TEXT);"
        " INSERT INTO captures_v4 SELECT id, path, size, sha256, linktype, first_ns, last_ns,"
        " packets, flows, imported_at, tool_version, options, status, error, NULL"
        " FROM captures;"
        " DROP TABLE captures;"
        " ALTER TABLE captures_v4 RENAME TO captures;"
        " CREATE UNIQUE INDEX captures_identity ON captures (sha256, settings);"},
    {5, "ALTER TABLE captures ADD COLUMN kind TEXT NOT NULL DEFAULT 'file';"
        " CREATE TABLE capture_files ("
        " capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,"
        " file_no INTEGER NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL,"
        " sha256 TEXT NOT NULL, linktype INTEGER NOT NULL, first_ns INTEGER,"
        " last_ns INTEGER, packets INTEGER NOT NULL, PRIMARY KEY (capture_id, file_no));"
        " CREATE INDEX capture_files_sha256 ON capture_files (sha256);"},
    {6, "ALTER TABLE flows ADD COLUMN uid TEXT;"},
    {7, "ALTER TABLE flows ADD COLUMN service TEXT;"},
    {0, NULL} /* end */
};

/* Writers wait at most this long for the write lock. */
#define BUSY_WAIT_MS (10 * 60 * 1000)
#define BUSY_SLEEP_MS 5
/* One database per process: what the busy handler polls to give up. */
static const volatile sig_atomic_t *busy_stop;

static int on_busy(void *ctx, int count)
{
    (void)ctx;
    if ((busy_stop && *busy_stop) || count >= BUSY_WAIT_MS / BUSY_SLEEP_MS)
        return 0;
    sqlite3_sleep(BUSY_SLEEP_MS);
    return 1;
}

int fs_db_exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int is_busy(int rc)
{
    return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

int fs_db_begin(sqlite3 *db)
{
    int rc;
    /* The busy handler is not called in every busy case (WAL recovery
     * by another process, for one), so retry here as well. */
    for (int i = 0; i < 1000; i++) {
        rc = fs_db_exec(db, "BEGIN IMMEDIATE");
        if (!is_busy(rc) || (busy_stop && *busy_stop))
            return rc;
        sqlite3_sleep(BUSY_SLEEP_MS * 2);
    }
    return rc;
}

void fs_db_rollback(sqlite3 *db)
{
    if (db && !sqlite3_get_autocommit(db))
        fs_db_exec(db, "ROLLBACK");
}

/* "PATH: what[ (strerror)]" from the connection's last error. */
static void db_error(sqlite3 *db, const char *path, const char *what, char *err, size_t cap)
{
    int sys = db ? sqlite3_system_errno(db) : 0;
    if (!what)
        what = db ? sqlite3_errmsg(db) : "out of memory";
    if (sys)
        snprintf(err, cap, "%s: %s (%s)", path, what, strerror(sys));
    else
        snprintf(err, cap, "%s: %s", path, what);
}

/* After a failure to open or write the database: is its directory the
 * cause? SQLite says "unable to open database file (No such file or
 * directory)" both for a missing directory and for a new database in a
 * directory it may not write, and "attempt to write a readonly database"
 * when the file is writable but its directory is not (WAL mode needs the
 * -wal and -shm files beside it). 1 with "PATH: why" in err, else 0. */
static int dir_problem(const char *path, char *err, size_t cap)
{
    char dir[4096];
    struct stat st;
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (stat(dir, &st) != 0) {
        int e = errno;
        snprintf(err, cap, "%s: cannot create the database: directory %s: %s", path, dir,
                 strerror(e));
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, cap, "%s: cannot create the database: %s is not a directory", path, dir);
        return 1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        int e = errno;
        if (access(path, F_OK) == 0)
            snprintf(err, cap,
                     "%s: cannot write the database: directory %s is not writable (%s), and"
                     " the database's -wal and -shm files must be made there",
                     path, dir, strerror(e));
        else
            snprintf(err, cap, "%s: cannot create the database: directory %s is not writable (%s)",
                     path, dir, strerror(e));
        return 1;
    }
    return 0;
}

typedef struct ident {
    int64_t app_id, version, objects;
} ident;

/* Reads what says whose database this is. Fails with SQLITE_NOTADB on a
 * file that is not SQLite, without writing to it. */
static int identify(sqlite3 *db, ident *id)
{
    sqlite3_stmt *st;
    memset(id, 0, sizeof *id);
    int rc = sqlite3_prepare_v2(db,
                                "SELECT (SELECT application_id FROM pragma_application_id),"
                                " (SELECT user_version FROM pragma_user_version),"
                                " (SELECT count(*) FROM sqlite_master)",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        id->app_id = sqlite3_column_int64(st, 0);
        id->version = sqlite3_column_int64(st, 1);
        id->objects = sqlite3_column_int64(st, 2);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* 0 when flowstore may use (or create) the database, else -1 with why. */
static int judge(const ident *id, const char *path, char *err, size_t cap)
{
    if (id->app_id == FS_APPLICATION_ID) {
        if (id->version > FS_SCHEMA_VERSION) {
            snprintf(err, cap,
                     "%s: database schema version %" PRId64
                     " is newer than this flowstore supports (%d); use a newer flowstore",
                     path, id->version, FS_SCHEMA_VERSION);
            return -1;
        }
        if (id->version < 1 && id->objects > 0) {
            snprintf(err, cap, "%s: flowkit database without a schema version", path);
            return -1;
        }
        return 0;
    }
    if (id->objects > 0) {
        snprintf(err, cap, "%s: not a flowkit database (has tables but no flowkit schema)",
                 path);
        return -1;
    }
    if (id->app_id != 0 || id->version != 0) {
        snprintf(err, cap,
                 "%s: not a flowkit database (application_id %" PRId64 ", user_version %" PRId64
                 ")",
                 path, id->app_id, id->version);
        return -1;
    }
    return 0; /* empty: ours to create */
}

static int set_wal(sqlite3 *db)
{
    int rc = SQLITE_BUSY;
    /* Switching an empty database to WAL needs a moment alone with it;
     * concurrent first imports retry. */
    for (int i = 0; i < 1000 && rc != SQLITE_OK; i++) {
        sqlite3_stmt *st;
        rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
        if (rc != SQLITE_OK)
            return rc;
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const unsigned char *mode = sqlite3_column_text(st, 0);
            rc = mode && strcmp((const char *)mode, "wal") == 0 ? SQLITE_OK : SQLITE_BUSY;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_OK) {
            if (!is_busy(rc) || (busy_stop && *busy_stop))
                return rc;
            sqlite3_sleep(BUSY_SLEEP_MS * 2);
        }
    }
    return rc;
}

static int set_version(sqlite3 *db, int v)
{
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d",
             FS_APPLICATION_ID, v);
    return fs_db_exec(db, sql);
}

/* Creates or migrates the schema inside one write transaction, judging
 * the database again once the lock is held (another flowstore may have
 * created it meanwhile). */
static int migrate(sqlite3 *db, const char *path, char *err, size_t cap)
{
    ident id;
    int rc = fs_db_begin(db);
    if (rc == SQLITE_OK)
        rc = identify(db, &id);
    if (rc != SQLITE_OK)
        goto fail;
    if (judge(&id, path, err, cap) != 0) {
        fs_db_rollback(db);
        return -1;
    }
    if (id.version == FS_SCHEMA_VERSION) {
        fs_db_rollback(db); /* nothing written */
        return 0;
    }
    if (id.version == 0) {
        rc = fs_db_exec(db, fs_schema_sql);
    } else {
        for (const fs_step *s = steps; s->sql && rc == SQLITE_OK; s++)
            if (s->to > id.version && s->to <= FS_SCHEMA_VERSION)
                rc = fs_db_exec(db, s->sql);
    }
    if (rc == SQLITE_OK)
        rc = fs_db_exec(db, fs_views_sql);
    if (rc == SQLITE_OK)
        rc = set_version(db, FS_SCHEMA_VERSION);
    if (rc == SQLITE_OK)
        rc = fs_db_exec(db, "COMMIT");
    if (rc == SQLITE_OK)
        return 0;
fail:
    db_error(db, path, NULL, err, cap);
    fs_db_rollback(db);
    return -1;
}

/* Connection settings for bulk import. FLOWSTORE_MAX_PAGE_COUNT caps the
 * database size so tests can run out of space without filling a disk. */
static int tune(sqlite3 *db)
{
    int rc = fs_db_exec(db, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-" FS_CACHE_KIB);
    const char *cap = getenv("FLOWSTORE_MAX_PAGE_COUNT");
    uint64_t n;
    if (rc == SQLITE_OK && cap && *cap && fk_parse_u64(cap, &n) == 0) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA max_page_count=%" PRIu64, n);
        rc = fs_db_exec(db, sql);
    }
    return rc;
}

sqlite3 *fs_db_open(const char *path, const volatile sig_atomic_t *stop, char *err,
                    size_t cap)
{
    sqlite3 *db = NULL;
    ident id;
    int rc;

    busy_stop = stop;
    /* Before SQLite initialises (later calls fail harmlessly): without
     * memory statistics, SQLite's allocations take no global mutex. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    /* NOMUTEX: one thread at a time uses the connection (the storing
     * thread between fs_pipe_start and fs_pipe_finish, which order the
     * hand-overs), so every bind and step need not lock it. */
    rc = sqlite3_open_v2(path, &db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        if (!dir_problem(path, err, cap))
            db_error(db, path, NULL, err, cap);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_handler(db, on_busy, NULL);
    if (sqlite3_db_readonly(db, "main") == 1) {
        snprintf(err, cap, "%s: database is read-only", path);
        goto out;
    }
    /* Judge first: nothing is written to a file that is not ours. */
    if ((rc = identify(db, &id)) != SQLITE_OK) {
        db_error(db, path, NULL, err, cap);
        goto out;
    }
    if (judge(&id, path, err, cap) != 0)
        goto out;
    /* A new database gets 16 KiB pages: a quarter of the pages to write
     * to the log and copy back, for the same rows (a bulk load of 1M
     * flows and its indexes took 6% to 27% less CPU time than with 4 KiB
     * pages, mostly system time). The first write (switching to WAL)
     * fixes the size; an existing database keeps its own. */
    if (id.objects == 0 && (rc = fs_db_exec(db, "PRAGMA page_size=16384")) != SQLITE_OK) {
        db_error(db, path, NULL, err, cap);
        goto out;
    }
    if ((rc = set_wal(db)) != SQLITE_OK || (rc = tune(db)) != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_BUSY || !dir_problem(path, err, cap))
            db_error(db, path,
                     rc == SQLITE_BUSY ? "cannot switch to WAL mode: database busy" : NULL, err,
                     cap);
        goto out;
    }
    if (migrate(db, path, err, cap) == 0)
        return db;
out:
    rc = sqlite3_errcode(db) & 0xff;
    if (rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN || rc == SQLITE_IOERR)
        dir_problem(path, err, cap); /* a better reason, if the directory is it */
    sqlite3_close(db);
    return NULL;
}

void fs_db_close(sqlite3 *db)
{
    sqlite3_close(db);
}
