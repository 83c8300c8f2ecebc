/* fq.h - flowquery's parts: the database (a temporary one filled from
 * captures by flowstore's import code, or a stored one), named queries,
 * result output and the HTML report. Internal to the tool. */
#ifndef FQ_H
#define FQ_H

#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>
#include "flowstore_import.h"

#define FQ_PROG "flowquery"
#define FQ_ERRBUF 512

/* ------------------------------------------------------------ db.c */

/* A private temporary database with flowstore's schema and views: its
 * pages live in SQLite's page cache and go to a temporary file (in
 * $SQLITE_TMPDIR or $TMPDIR, deleted on close) only past the cache size
 * flowstore's importer sets (64 MiB). NULL with a message in err. */
sqlite3 *fq_db_temp(char *err, size_t cap);

/* Opens a stored flowstore database read-only (it is an input: never
 * written). Refuses a missing file and a database that is not
 * flowstore's. NULL with "PATH: reason" in err. */
sqlite3 *fq_db_stored(const char *path, char *err, size_t cap);

/* Runs sql on the flowstore database in PostgreSQL named by conninfo
 * (read-only) and copies the rows of its last statement, at most
 * `limit` (0: all), into a private temporary SQLite database, typed as
 * SQLite types values. *select gets the SELECT (malloc'd; NULL when the
 * last statement has no columns) that fq_run shows them with, under
 * the names PostgreSQL gave. NULL on failure, with one line in err and
 * *why: FS_PG_EDB (the database cannot be used), FS_PG_ESQL (not valid
 * SQL there) or FS_PG_EQUERY (the query failed). */
sqlite3 *fq_db_pg(const char *conninfo, const char *sql, uint64_t limit, char **select,
                  int *why, char *err, size_t cap);

/* Captures that could not be stored (flowstore's import said why on
 * stderr); the report lists them. */
typedef struct fq_failed {
    const char **paths; /* borrowed from argv */
    int n;
} fq_failed;

/* Stores every capture in db with flowstore's importer. Returns 0 when
 * all were stored, 1 when some failed (listed in *failed, whose paths
 * array the caller frees), -1 when the importer could not start (said
 * on stderr). */
int fq_db_fill(sqlite3 *db, const fs_import_opts *io, char **paths, int n, fq_failed *failed);

/* --------------------------------------------------------- named.c */

/* True when q reads as SQL text rather than a query name (it has a
 * space, a semicolon or a newline: names never do). */
int fq_is_sql(const char *q);

/* The text of the named query NAME (NAME.sql in the first directory of
 * the search path that has it; a path to a .sql file is read as is).
 * Returns a malloc'd string (caller frees) or NULL with err set. */
char *fq_named_load(const char *name, char *err, size_t cap);

/* The same for a PostgreSQL database: NAME's variant in the pg/
 * subdirectory of the search directory, else NAME itself. */
char *fq_named_load_pg(const char *name, char *err, size_t cap);

/* Writes "NAME  description" for each named query of the first search
 * directory that has any, sorted by name. Returns 0, or -1 with err
 * when no directory has queries. */
int fq_named_list(FILE *out, char *err, size_t cap);

/* ----------------------------------------------------------- out.c */

typedef enum { FQ_FMT_TABLE, FQ_FMT_TSV, FQ_FMT_CSV, FQ_FMT_JSON, FQ_FMT_ZEEK_JSON } fq_format;

/* "table", "tsv", "csv", "json", "zeek-json" -> the format; -1 when
 * unknown. */
int fq_format_parse(const char *s);

/* Runs sql (one statement, or several: the last one's rows are shown)
 * on db and writes at most `limit` rows (0: all) in format f. Returns 0,
 * or -1 with the SQLite message (or the write error) in err. */
int fq_run(sqlite3 *db, const char *sql, fq_format f, uint64_t limit, FILE *out, char *err,
           size_t cap);

/* ----------------------------------------------------------- json.c */

/* A JSON string of s (escaped). */
void fq_json_string(FILE *out, const char *s);
/* Whether s, a number as SQLite writes it, is a valid JSON number (not
 * Inf or NaN). */
int fq_json_number(const char *s);

/* --------------------------------------------------------- zjson.c */

/* The current row of st as a line of Zeek's JSON log (zjson.c says how
 * columns are typed). */
void fq_zeek_json_row(sqlite3_stmt *st, FILE *out);

/* ---------------------------------------------------------- html.c */

/* Writes the report page for db. `sources` names what was read (the
 * capture files or the database) for the title. Returns 0, or -1 with
 * err set (a query failed). Write errors show in ferror(out). */
int fq_html(sqlite3 *db, const char *sources, const fq_failed *failed, FILE *out, char *err,
            size_t cap);

/* ----------------------------------------------------------- svg.c */

/* One series of a chart: a label and one value per bucket or bar. */
typedef struct fq_bars {
    const char *title;      /* chart heading */
    const char *unit;       /* of the values: "flows", "bytes", ... */
    int n;
    char **labels;          /* n labels */
    double *values;         /* n values, >= 0 */
} fq_bars;

/* Horizontal bar chart: one labelled bar per value (in the given
 * order). `id` names the chart for tests (data-chart attribute). */
void fq_svg_hbars(FILE *out, const char *id, const fq_bars *b);

/* Column chart over time: n buckets of `width_ns` from t0_ns (epoch
 * nanoseconds), the times of the first and last bucket on the axis. */
void fq_svg_timeline(FILE *out, const char *id, const fq_bars *b, int64_t t0_ns,
                     int64_t width_ns);

/* Text for HTML: escapes & < > " '. */
void fq_html_text(FILE *out, const char *s);

/* "1.5 MB", "999 B": a byte count for people. */
void fq_human_bytes(double v, char *buf, size_t cap);

#endif
