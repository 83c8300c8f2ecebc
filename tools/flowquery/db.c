/* db.c - the database flowquery asks: a temporary one that flowstore's
 * importer fills from the captures given, or a stored one, read-only
 * (an SQLite file, or a PostgreSQL database whose answer is copied into
 * a temporary SQLite table to be shown). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "flowstore_db.h"
#include "flowstore_pg.h"
#include "fq.h"

/* From the generated tools/flowstore/flowstore_sql.c (in libflowstore). */
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

/* ------------------------------------------------ -d postgresql://... */

/* The answer of a PostgreSQL query is copied into a table of a private
 * SQLite database, its values typed as SQLite types them (integers,
 * reals, text), and shown from there by fq_run: one writer for every
 * format, so both backends print a value alike. */
typedef struct stage {
    sqlite3 *db;
    sqlite3_stmt *ins;
    fs_pg_kind *kinds;
    int ncol;
    char *select;   /* SELECT c1 AS "name", ... FROM answer */
    char err[FQ_ERRBUF];
} stage;

static int stage_fail(stage *s, const char *what)
{
    snprintf(s->err, sizeof s->err, "%s", what ? what : sqlite3_errmsg(s->db));
    return -1;
}

/* Appends text to a malloc'd string (*p NULL to start). -1 out of memory. */
static int append(char **p, size_t *len, const char *a, size_t n)
{
    char *q = realloc(*p, *len + n + 1);
    if (!q)
        return -1;
    memcpy(q + *len, a, n);
    *len += n;
    q[*len] = '\0';
    *p = q;
    return 0;
}

/* A name as a quoted SQL identifier ("a""b"). */
static int append_ident(char **p, size_t *len, const char *name)
{
    if (append(p, len, "\"", 1) != 0)
        return -1;
    for (const char *c = name; *c; c++)
        if (append(p, len, c, 1) != 0 || (*c == '"' && append(p, len, "\"", 1) != 0))
            return -1;
    return append(p, len, "\"", 1);
}

/* A new result: the table made again with its columns. Columns are c1,
 * c2, ... (a query may name two alike); the SELECT gives the names. */
static int stage_columns(void *ctx, int n, const char *const *names, const fs_pg_kind *kinds)
{
    stage *s = ctx;
    char num[32];
    char *create = NULL, *ins = NULL;
    size_t cl = 0, il = 0, sl = 0;
    sqlite3_finalize(s->ins);
    s->ins = NULL;
    free(s->select);
    s->select = NULL;
    free(s->kinds);
    s->kinds = NULL;
    s->ncol = n;
    if (fs_db_exec(s->db, "DROP TABLE IF EXISTS answer") != SQLITE_OK)
        return stage_fail(s, NULL);
    if (n == 0)
        return 0; /* no rows to show, as SQLite's fq_run for such a statement */
    if (!(s->kinds = malloc((size_t)n * sizeof *s->kinds)))
        return stage_fail(s, "out of memory");
    memcpy(s->kinds, kinds, (size_t)n * sizeof *kinds);
    int bad = append(&create, &cl, "CREATE TABLE answer (", 21) ||
              append(&ins, &il, "INSERT INTO answer VALUES (", 27) ||
              append(&s->select, &sl, "SELECT ", 7);
    for (int i = 0; i < n && !bad; i++) {
        int k = snprintf(num, sizeof num, "%sc%d", i ? ", " : "", i + 1);
        bad = append(&create, &cl, num, (size_t)k) || append(&ins, &il, i ? ", ?" : "?", i ? 3 : 1) ||
              append(&s->select, &sl, num, (size_t)k) ||
              append(&s->select, &sl, " AS ", 4) || append_ident(&s->select, &sl, names[i]);
    }
    bad = bad || append(&create, &cl, ")", 1) || append(&ins, &il, ")", 1) ||
          append(&s->select, &sl, " FROM answer ORDER BY rowid", 27);
    int rc = bad ? stage_fail(s, "out of memory") : 0;
    if (rc == 0 && (fs_db_exec(s->db, create) != SQLITE_OK ||
                    sqlite3_prepare_v2(s->db, ins, -1, &s->ins, NULL) != SQLITE_OK))
        rc = stage_fail(s, NULL);
    free(create);
    free(ins);
    return rc;
}

/* A numeric value that is a whole number in int64's range. */
static int whole(const char *v, sqlite3_int64 *out)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end)
        return 0;
    *out = x;
    return 1;
}

static int stage_row(void *ctx, int n, const char *const *v)
{
    stage *s = ctx;
    sqlite3_int64 i64;
    for (int i = 0; i < n && i < s->ncol; i++) {
        if (!v[i]) {
            sqlite3_bind_null(s->ins, i + 1);
            continue;
        }
        fs_pg_kind k = s->kinds[i];
        if ((k == FS_PG_INT || k == FS_PG_NUMERIC) && whole(v[i], &i64))
            sqlite3_bind_int64(s->ins, i + 1, i64);
        else if (k == FS_PG_REAL || k == FS_PG_NUMERIC) /* numeric with a fraction: real */
            sqlite3_bind_double(s->ins, i + 1, strtod(v[i], NULL));
        else if (k == FS_PG_BOOL)
            sqlite3_bind_int(s->ins, i + 1, v[i][0] == 't');
        else /* text, and an integer past int64 (cannot be) as its digits */
            sqlite3_bind_text(s->ins, i + 1, v[i], -1, SQLITE_TRANSIENT);
    }
    int rc = sqlite3_step(s->ins);
    sqlite3_reset(s->ins);
    return rc == SQLITE_DONE ? 0 : stage_fail(s, NULL);
}

sqlite3 *fq_db_pg(const char *conninfo, const char *sql, uint64_t limit, char **select,
                  int *why, char *err, size_t cap)
{
    stage s;
    memset(&s, 0, sizeof s);
    *select = NULL;
    *why = FS_PG_EQUERY;
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (sqlite3_open_v2("", &s.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                       SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, cap, "temporary database: %s", s.db ? sqlite3_errmsg(s.db) : "out of memory");
        sqlite3_close(s.db);
        return NULL;
    }
    /* one transaction for every row rather than one per INSERT; never
     * committed, the database goes when it is closed */
    if (fs_db_exec(s.db, "BEGIN") != SQLITE_OK) {
        snprintf(err, cap, "temporary database: %s", sqlite3_errmsg(s.db));
        sqlite3_close(s.db);
        return NULL;
    }
    fs_pg_rows cb = {stage_columns, stage_row, &s};
    int rc = fs_pg_query_each(conninfo, sql, limit, &cb, err, cap);
    if (rc == FS_PG_EQUERY && !err[0])
        snprintf(err, cap, "temporary database: %s", s.err);
    sqlite3_finalize(s.ins);
    free(s.kinds);
    if (rc != 0) {
        *why = rc;
        free(s.select);
        sqlite3_close(s.db);
        return NULL;
    }
    *select = s.select;
    *why = 0;
    return s.db;
}
