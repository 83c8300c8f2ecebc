/* flowdiff_csv.c - CSV event files, fed one line at a time so every row
 * knows its line number; the raw row text is kept to turn a field index
 * back into a column for messages. Rows with quotes (or CR, or a quoted
 * newline) go through libcsv; plain rows are split on commas directly,
 * which gives the same fields at a fraction of the cost. */
#include <stdlib.h>
#include <string.h>
#include "flowdiff_read.h"

/* Keep spaces: libcsv would trim them from unquoted fields otherwise. */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

/* For lines without blanks: libcsv's default test, never true there,
 * but without the per-byte call (a NULL hook means "space or tab"). */
#define never_space NULL

int fd__csv_init(fd_reader *r)
{
    if (csv_init(&r->csv, CSV_STRICT) != 0) {
        fprintf(stderr, "flowdiff: out of memory\n");
        return -1;
    }
    csv_set_space_func(&r->csv, no_space);
    r->csv_ready = 1;
    for (int i = 0; i < FD_MAXF; i++)
        r->idcol[i] = -1;
    return 0;
}

void fd__csv_free(fd_reader *r)
{
    if (r->csv_ready)
        csv_free(&r->csv);
    free(r->row);
    free(r->rt);
}

static void on_field(void *s, size_t len, void *data)
{
    fd_reader *r = data;

    if (r->nrowf >= FD_MAXCOLS) {
        r->toomany = 1;
        return;
    }
    r->foff[r->nrowf] = (uint32_t)r->rowused;
    r->flen[r->nrowf] = (uint32_t)len;
    r->nrowf++;
    if (len && fd__append(&r->row, &r->rowused, &r->rowcap, s, len) != 0)
        r->oom = 1;
}

static void on_row(int c, void *data)
{
    (void)c;
    ((fd_reader *)data)->row_ready = 1;
}

/* Line and column where field idx of the current row starts (or, past
 * the last field, where the row ends). */
static void field_pos(fd_reader *r, int idx, uint64_t *line, uint64_t *col)
{
    size_t i = 0, lim = r->rtn;
    const char *rt = r->rtp;
    int f = 0, inq = 0;

    while (lim > 0 && (rt[lim - 1] == '\n' || rt[lim - 1] == '\r'))
        lim--;
    *line = r->rowline;
    *col = 1;
    for (; f < idx && i < lim; i++) {
        char c = rt[i];
        if (c == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
        if (inq)
            inq = c != '"';
        else if (c == '"')
            inq = 1;
        else if (c == ',')
            f++;
    }
}

static void csv_loc(fd_reader *r, int id, uint64_t *line, uint64_t *col)
{
    field_pos(r, r->idcol[id] < 0 ? 0 : r->idcol[id], line, col);
}

static int header(fd_reader *r)
{
    uint64_t line, col;

    if (r->toomany)
        return fd__rd_err(r, r->rowline, 1, "too many columns in header");
    if (r->nrowf < 3 || r->flen[0] != 3 || memcmp(r->row + r->foff[0], "seq", 3) ||
        r->flen[1] != 2 || memcmp(r->row + r->foff[1], "ts", 2) ||
        r->flen[2] != 5 || memcmp(r->row + r->foff[2], "event", 5))
        return fd__rd_err(r, r->rowline, 1,
                          "missing header row (expected a line starting with seq,ts,event)");
    for (int j = 0; j < r->nrowf; j++) {
        int id = fd_field_intern(r->row + r->foff[j], r->flen[j]);
        field_pos(r, j, &line, &col);
        if (r->flen[j] == 0)
            return fd__rd_err(r, line, col, "empty column name in header");
        if (id < 0)
            return fd__rd_err(r, line, col, "too many columns in header");
        if (r->idcol[id] >= 0)
            return fd__rd_err(r, line, col, "duplicate column '%s' in header",
                              fd_field_name(id));
        r->idcol[id] = j;
        r->colid[j] = id;
        r->seen |= UINT64_C(1) << id;
    }
    for (int id = 0; id < FD_F_KNOWN; id++)
        if (r->idcol[id] < 0)
            return fd__rd_err(r, r->rowline, 1, "header lacks column '%s'",
                              fd_field_name(id));
    r->ncols = r->nrowf;
    r->header_done = 1;
    return 0;
}

static int row(fd_reader *r, fd_event *ev)
{
    uint64_t line, col;

    if (r->toomany || r->nrowf != r->ncols) {
        int n = r->toomany ? FD_MAXCOLS : r->nrowf;
        field_pos(r, n < r->ncols ? n : r->ncols, &line, &col);
        return fd__rd_err(r, line, col, "row has %s%d fields, header has %d",
                          r->toomany ? "over " : "", n, r->ncols);
    }
    fd_ev_reset(ev);
    /* One copy of the whole row; fields keep their offsets. */
    if (r->rowused > ev->cap) {
        if (r->rowused > UINT32_MAX)
            return fd__rd_err(r, r->rowline, 1, "row too long");
        char *nd = realloc(ev->data, r->rowused);
        if (!nd)
            return fd__rd_err(r, r->rowline, 1, "out of memory");
        ev->data = nd;
        ev->cap = (uint32_t)r->rowused;
    }
    if (r->rowused)
        memcpy(ev->data, r->row, r->rowused);
    ev->used = (uint32_t)r->rowused;
    for (int j = 0; j < r->ncols; j++) {
        int id = r->colid[j];
        ev->off[id] = r->foff[j];
        ev->len[id] = r->flen[j];
        if (id >= ev->nf)
            ev->nf = id + 1;
    }
    ev->line = r->rowline;
    return fd__rd_validate(r, ev, csv_loc);
}

int fd__csv_next(fd_reader *r, fd_event *ev)
{
    const char *p;
    size_t n, k;
    int nl, rc;

    for (;;) {
        rc = fd__rd_line(r, &p, &n, &nl);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            if (r->in_row)
                return fd__rd_err(r, r->rowline, 1,
                                  "row cut short: quoted field not closed at end of file");
            if (!r->header_done)
                return fd__rd_err(r, 1, 1, "empty file (no header row)");
            return 0;
        }
        if (!nl)
            return fd__rd_err(r, r->lineno, n + 1,
                              "last row has no newline (file truncated?)");
        if (!r->in_row) {
            if (n == 1 || (n == 2 && p[0] == '\r'))
                return fd__rd_err(r, r->lineno, 1, "empty line");
            if (p[0] == '{')
                return fd__rd_err(r, r->lineno, 1,
                                  "JSON object in a CSV file (a file must not mix formats)");
            r->rowline = r->lineno;
            r->in_row = 1;
        }
        /* Single-line rows are read in place; only a row that goes on
         * (a quoted newline) is copied, for the messages. */
        if (r->nrowf == 0 && !r->rtused && !memchr(p, '"', n) && !memchr(p, '\r', n)) {
            /* A whole row without quotes or CR (what flowreplay writes):
             * its fields are exactly the text between commas, as libcsv
             * would give them, so split it here without the per-byte
             * state machine. */
            size_t start = 0, end = n - 1; /* the newline is not data */
            for (size_t i = 0; i <= end; i++) {
                if (i == end || p[i] == ',') {
                    on_field((void *)(p + start), i - start, r);
                    start = i + 1;
                }
            }
            r->row_ready = 1;
        } else {
            /* libcsv calls the space hook for every byte; only lines that
             * have a blank need it (to keep blanks instead of trimming). */
            csv_set_space_func(&r->csv, memchr(p, ' ', n) || memchr(p, '\t', n)
                                            ? no_space : never_space);
            k = csv_parse(&r->csv, p, n, on_field, on_row, r);
            if (k < n)
                return fd__rd_err(r, r->lineno, k + 1, "malformed CSV: %s",
                                  csv_strerror(csv_error(&r->csv)));
        }
        if (r->oom)
            return fd__rd_err(r, r->lineno, 1, "out of memory");
        if (r->rtused || !r->row_ready) {
            if (fd__append(&r->rt, &r->rtused, &r->rtcap, p, n) != 0)
                return fd__rd_err(r, r->lineno, 1, "out of memory");
            if (!r->row_ready)
                continue;
            r->rtp = r->rt;
            r->rtn = r->rtused;
        } else {
            r->rtp = p;
            r->rtn = n;
        }
        rc = r->header_done ? row(r, ev) : header(r);
        r->row_ready = 0;
        r->nrowf = 0;
        r->rowused = 0;
        r->rtused = 0;
        r->in_row = 0;
        if (rc < 0)
            return -1;
        if (r->header_done && rc == 1)
            return 1;
    }
}
