/* flowdiff_csv.c - CSV event files through libcsv, fed one line at a time
 * so every row knows its line number; the raw row text is kept to turn a
 * field index back into a column for messages. */
#include <stdlib.h>
#include <string.h>
#include "flowdiff_read.h"

/* Keep spaces: libcsv would trim them from unquoted fields otherwise. */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

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
    size_t i = 0, lim = r->rtused;
    int f = 0, inq = 0;

    while (lim > 0 && (r->rt[lim - 1] == '\n' || r->rt[lim - 1] == '\r'))
        lim--;
    *line = r->rowline;
    *col = 1;
    for (; f < idx && i < lim; i++) {
        char c = r->rt[i];
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
    for (int j = 0; j < r->ncols; j++)
        if (fd_ev_set(ev, r->colid[j], r->row + r->foff[j], r->flen[j]) != 0)
            return fd__rd_err(r, r->rowline, 1, "out of memory");
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
            if (r->rtused > 0)
                return fd__rd_err(r, r->rowline, 1,
                                  "row cut short: quoted field not closed at end of file");
            if (!r->header_done)
                return fd__rd_err(r, 1, 1, "empty file (no header row)");
            return 0;
        }
        if (!nl)
            return fd__rd_err(r, r->lineno, n + 1,
                              "last row has no newline (file truncated?)");
        if (r->rtused == 0) {
            if (n == 1 || (n == 2 && p[0] == '\r'))
                return fd__rd_err(r, r->lineno, 1, "empty line");
            if (p[0] == '{')
                return fd__rd_err(r, r->lineno, 1,
                                  "JSON object in a CSV file (a file must not mix formats)");
            r->rowline = r->lineno;
        }
        if (fd__append(&r->rt, &r->rtused, &r->rtcap, p, n) != 0)
            return fd__rd_err(r, r->lineno, 1, "out of memory");
        k = csv_parse(&r->csv, p, n, on_field, on_row, r);
        if (r->oom)
            return fd__rd_err(r, r->lineno, 1, "out of memory");
        if (k < n)
            return fd__rd_err(r, r->lineno, k + 1, "malformed CSV: %s",
                              csv_strerror(csv_error(&r->csv)));
        if (!r->row_ready)
            continue;
        rc = r->header_done ? row(r, ev) : header(r);
        r->row_ready = 0;
        r->nrowf = 0;
        r->rowused = 0;
        r->rtused = 0;
        if (rc < 0)
            return -1;
        if (r->header_done && rc == 1)
            return 1;
    }
}
