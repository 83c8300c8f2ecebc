/* out.c - a query's rows as an aligned table (for people), TSV, CSV
 * (RFC 4180), JSON (an array of objects, one a line) or Zeek's JSON log
 * style (zjson.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fq.h"

int fq_format_parse(const char *s)
{
    static const char *const names[] = {"table", "tsv", "csv", "json", "zeek-json"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* Display width of UTF-8 text: its code points. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    putc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', out);
        putc(*s, out);
    }
    putc('"', out);
}

/* TSV cannot quote: tabs, newlines and backslashes are escaped as \t
 * \n \r \\ (as Zeek's logs and PostgreSQL's COPY do). */
static void tsv_field(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\t': fputs("\\t", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\\': fputs("\\\\", out); break;
        default: putc(*s, out);
        }
    }
}

/* Text that reads as a decimal number ("40.0", "-3"), as printf() in a
 * query makes: aligned to the right like numbers. */
static int decimal(const char *s)
{
    int digits = 0, dot = 0;
    if (*s == '-')
        s++;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (*s == '.' && !dot)
            dot = 1;
        else
            return 0;
    }
    return digits > 0;
}

/* The table is written once every row is known (column widths). */
typedef struct table {
    int ncol;
    char **cell; /* rows * ncol, NULL for SQL NULL */
    size_t rows, cap;
    int *numeric; /* per column: every non-NULL value a number */
} table;

static int table_add(table *t, sqlite3_stmt *st)
{
    if (t->rows == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 64;
        char **c = realloc(t->cell, nc * (size_t)t->ncol * sizeof *c);
        if (!c)
            return -1;
        t->cell = c;
        t->cap = nc;
    }
    char **row = t->cell + t->rows * (size_t)t->ncol;
    for (int i = 0; i < t->ncol; i++) {
        int ty = sqlite3_column_type(st, i);
        const char *v = (const char *)sqlite3_column_text(st, i);
        row[i] = NULL;
        if (ty == SQLITE_NULL || !v)
            continue;
        if (!(row[i] = strdup(v))) {
            for (int k = 0; k < i; k++)
                free(row[k]);
            return -1;
        }
        if (ty != SQLITE_INTEGER && ty != SQLITE_FLOAT && !decimal(v))
            t->numeric[i] = 0;
    }
    t->rows++;
    return 0;
}

static void table_write(const table *t, sqlite3_stmt *st, FILE *out)
{
    size_t *w = calloc((size_t)t->ncol, sizeof *w);
    if (!w)
        return;
    for (int i = 0; i < t->ncol; i++) {
        w[i] = width(sqlite3_column_name(st, i));
        for (size_t r = 0; r < t->rows; r++) {
            const char *c = t->cell[r * (size_t)t->ncol + i];
            size_t cw = c ? width(c) : 1;
            if (cw > w[i])
                w[i] = cw;
        }
    }
    for (int i = 0; i < t->ncol; i++) {
        const char *h = sqlite3_column_name(st, i);
        int pad = (int)(w[i] - width(h));
        if (!t->numeric[i] && i + 1 == t->ncol)
            pad = 0; /* no trailing blanks */
        fprintf(out, "%s%*s%s", t->numeric[i] ? "" : h, pad, "", t->numeric[i] ? h : "");
        fputs(i + 1 < t->ncol ? "  " : "\n", out);
    }
    for (int i = 0; i < t->ncol; i++) {
        for (size_t k = 0; k < w[i]; k++)
            putc('-', out);
        fputs(i + 1 < t->ncol ? "  " : "\n", out);
    }
    for (size_t r = 0; r < t->rows; r++) {
        for (int i = 0; i < t->ncol; i++) {
            const char *c = t->cell[r * (size_t)t->ncol + i];
            if (!c)
                c = "-"; /* NULL: Zeek's unset field */
            int pad = (int)(w[i] - width(c));
            int last = i + 1 == t->ncol;
            if (t->numeric[i])
                fprintf(out, "%*s%s", pad, "", c);
            else
                fprintf(out, "%s%*s", c, last ? 0 : pad, "");
            fputs(last ? "\n" : "  ", out);
        }
    }
    free(w);
}

static void table_free(table *t)
{
    for (size_t k = 0; k < t->rows * (size_t)t->ncol; k++)
        free(t->cell[k]);
    free(t->cell);
    free(t->numeric);
}

static void header(sqlite3_stmt *st, fq_format f, FILE *out)
{
    int n = sqlite3_column_count(st);
    if (f == FQ_FMT_JSON) {
        fputs("[", out);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (i)
            putc(f == FQ_FMT_CSV ? ',' : '\t', out);
        if (f == FQ_FMT_CSV)
            csv_field(out, sqlite3_column_name(st, i));
        else
            tsv_field(out, sqlite3_column_name(st, i));
    }
    putc('\n', out);
}

static void row(sqlite3_stmt *st, fq_format f, uint64_t k, FILE *out)
{
    int n = sqlite3_column_count(st);
    if (f == FQ_FMT_ZEEK_JSON) {
        fq_zeek_json_row(st, out);
        return;
    }
    if (f == FQ_FMT_JSON)
        fputs(k ? ",\n{" : "\n{", out);
    for (int i = 0; i < n; i++) {
        int ty = sqlite3_column_type(st, i);
        const char *v = (const char *)sqlite3_column_text(st, i);
        if (f == FQ_FMT_JSON) {
            if (i)
                putc(',', out);
            fq_json_string(out, sqlite3_column_name(st, i));
            putc(':', out);
            if (ty == SQLITE_NULL || !v)
                fputs("null", out);
            else if ((ty == SQLITE_INTEGER || ty == SQLITE_FLOAT) && fq_json_number(v))
                fputs(v, out);
            else
                fq_json_string(out, v);
            continue;
        }
        if (i)
            putc(f == FQ_FMT_CSV ? ',' : '\t', out);
        if (ty != SQLITE_NULL && v) {
            if (f == FQ_FMT_CSV)
                csv_field(out, v);
            else
                tsv_field(out, v);
        }
    }
    fputs(f == FQ_FMT_JSON ? "}" : "\n", out);
}

int fq_run(sqlite3 *db, const char *sql, fq_format f, uint64_t limit, FILE *out, char *err,
           size_t cap)
{
    const char *tail = sql;
    sqlite3_stmt *st = NULL;
    int rc = SQLITE_OK;

    /* every statement but the last runs for its effect; the last one's
     * rows are shown (a query file may set things up first) */
    for (;;) {
        sqlite3_stmt *next = NULL;
        rc = sqlite3_prepare_v2(db, tail, -1, &next, &tail);
        if (rc != SQLITE_OK) {
            snprintf(err, cap, "%s", sqlite3_errmsg(db));
            sqlite3_finalize(st);
            return -1;
        }
        if (!next) /* only whitespace or comments were left */
            break;
        if (st) {
            while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                ;
            if (rc != SQLITE_DONE) {
                snprintf(err, cap, "%s", sqlite3_errmsg(db));
                sqlite3_finalize(st);
                sqlite3_finalize(next);
                return -1;
            }
            sqlite3_finalize(st);
        }
        st = next;
    }
    if (!st) {
        snprintf(err, cap, "no SQL statement in the query");
        return -1;
    }
    table t;
    memset(&t, 0, sizeof t);
    t.ncol = sqlite3_column_count(st);
    if (f == FQ_FMT_TABLE && t.ncol > 0) {
        if (!(t.numeric = malloc((size_t)t.ncol * sizeof *t.numeric))) {
            sqlite3_finalize(st);
            snprintf(err, cap, "out of memory");
            return -1;
        }
        for (int i = 0; i < t.ncol; i++)
            t.numeric[i] = 1;
    }
    uint64_t k = 0;
    int oom = 0;
    if (f != FQ_FMT_TABLE && f != FQ_FMT_ZEEK_JSON && t.ncol > 0)
        header(st, f, out); /* Zeek's JSON logs have none */
    while ((limit == 0 || k < limit) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (f == FQ_FMT_TABLE) {
            if (table_add(&t, st) != 0) {
                oom = 1;
                break;
            }
        } else {
            row(st, f, k, out);
        }
        k++;
    }
    if (limit && k == limit)
        rc = SQLITE_DONE; /* -n: the rows after are not wanted */
    int ok = !oom && rc == SQLITE_DONE;
    if (ok && f == FQ_FMT_TABLE && t.ncol > 0)
        table_write(&t, st, out);
    if (ok && f == FQ_FMT_JSON && t.ncol > 0)
        fputs(k ? "\n]\n" : "]\n", out);
    if (!ok)
        snprintf(err, cap, "%s", oom ? "out of memory" : sqlite3_errmsg(db));
    table_free(&t);
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}
