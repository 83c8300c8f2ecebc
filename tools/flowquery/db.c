/* db.c - the database flowquery asks: a temporary one that flowstore's
 * importer fills from the captures given, or a stored one, read-only. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "flowstore_db.h"
#include "fq.h"

/* From the generated tools/flowstore_sql.c (in libflowstore). */
extern const char fs_schema_sql[];
extern const char fs_views_sql[];

sqlite3 *fq_db_temp(char *err, size_t cap)
{
    sqlite3 *db = NULL;
    char sql[96];

    /* as fs_db_open: no memory statistics, so no global mutex */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    /* "": SQLite's private temporary database. Not fs_db_open: that one
     * wants WAL (for several writers), which a temporary database has no
     * use for and cannot have. */
    int rc = sqlite3_open_v2("", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                         SQLITE_OPEN_NOMUTEX, NULL);
    snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d",
             FS_APPLICATION_ID, FS_SCHEMA_VERSION);
    if (rc == SQLITE_OK)
        rc = fs_db_exec(db, "PRAGMA page_size=16384; PRAGMA cache_size=-" FS_CACHE_KIB);
    if (rc == SQLITE_OK)
        rc = fs_db_exec(db, fs_schema_sql);
    if (rc == SQLITE_OK)
        rc = fs_db_exec(db, fs_views_sql);
    if (rc == SQLITE_OK)
        rc = fs_db_exec(db, sql);
    if (rc != SQLITE_OK) {
        snprintf(err, cap, "temporary database: %s", db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

sqlite3 *fq_db_stored(const char *path, char *err, size_t cap)
{
    struct stat st;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;

    if (stat(path, &st) != 0) {
        snprintf(err, cap, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, cap, "%s: is a directory, not a database", path);
        return NULL;
    }
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "SELECT (SELECT application_id FROM pragma_application_id)",
                                -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
        if (id == FS_APPLICATION_ID)
            return db;
        snprintf(err, cap, "%s: not a flowkit database (made by flowstore or flowquery)", path);
        sqlite3_close(db);
        return NULL;
    }
    snprintf(err, cap, "%s: %s", path,
             rc == SQLITE_NOTADB ? "not a database" : db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_finalize(q);
    sqlite3_close(db);
    return NULL;
}

int fq_db_fill(sqlite3 *db, const fs_import_opts *io, char **paths, int n, fq_failed *failed)
{
    char err[FS_ERRBUF];
    fs_importer *im = fs_importer_new(db, io, err, sizeof err);

    failed->n = 0;
    failed->paths = NULL;
    if (!im) {
        fprintf(stderr, FQ_PROG ": temporary database: %s\n", err);
        return -1;
    }
    if (!(failed->paths = calloc((size_t)n + 1, sizeof *failed->paths))) {
        fprintf(stderr, FQ_PROG ": out of memory\n");
        fs_importer_free(im);
        return -1;
    }
    fc_replay_stats total;
    int damaged = 0;
    memset(&total, 0, sizeof total);
    for (int i = 0; i < n && !*io->stop; i++) {
        uint64_t flows;
        fs_result r = fs_import_file(im, paths[i], &total, &flows);
        if (r == FS_FAILED || r == FS_INTERRUPTED)
            failed->paths[failed->n++] = paths[i];
        /* a damaged capture is stored up to the damage (its rows are
         * answered, the captures table says so) but still makes the
         * exit status 1, as in flowstore */
        damaged += r == FS_TRUNCATED;
    }
    fs_importer_free(im);
    return failed->n > 0 || damaged > 0 || *io->stop;
}
