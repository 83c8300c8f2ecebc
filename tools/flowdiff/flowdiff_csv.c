/* flowdiff_csv.c - CSV event files, fed one line at a time so every row
 * knows its line number; the raw row text is kept to turn a field index
 * back into a column for messages. Rows with quotes (or CR, or a quoted
 * newline) go through libcsv; plain rows are split on commas directly,
 * which gives the same fields at a fraction of the cost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "flowdiff_csv.h"
#include "flowdiff_values.h"

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

/* Records field nrowf of the current row at off, len in fbase. */
static inline void add_field(fd_reader *r, size_t off, size_t len)
{
    if (r->nrowf >= FD_MAXCOLS) {
        r->toomany = 1;
        return;
    }
    r->foff[r->nrowf] = (uint32_t)off;
    r->flen[r->nrowf] = (uint32_t)len;
    r->nrowf++;
}

/* libcsv's field callback: the unquoted text goes to r->row. */
static void on_field(void *s, size_t len, void *data)
{
    fd_reader *r = data;

    add_field(r, r->rowused, len);
    if (len && !r->toomany &&
        fd__append(&r->row, &r->rowused, &r->rowcap, s, len) != 0)
        r->oom = 1;
}

#define ONES UINT64_C(0x0101010101010101)
#define LOW7 (ONES * 0x7f)

/* The top bit of each byte of w that is a comma, and no other bit: a
 * byte is zero after the xor exactly when neither its low seven bits
 * (added to 0x7f, which carries into bit 7 and never further) nor its
 * top bit are set. */
static inline uint64_t comma_bits(uint64_t w)
{
    uint64_t x = w ^ (ONES * ',');

    return ~(((x & LOW7) + LOW7) | x | LOW7);
}

/* Splits p[0..n) (a row without quotes or CR, newline excluded) at its
 * commas, eight bytes per step: the text between commas is the field.
 * Field starts are found first, lengths follow from them. */
static void split_plain(fd_reader *r, const char *p, size_t n)
{
    uint32_t *off = r->foff, *len = r->flen;
    size_t i = 0;
    int k = 1, j;

    off[0] = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w, m;
        if (k > FD_MAXCOLS - 8) /* this word could pass the limit */
            break;
        memcpy(&w, p + i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = __builtin_bswap64(w); /* byte k of the text in bits 8k.. */
#endif
        for (m = comma_bits(w); m; m &= m - 1)
            off[k++] = (uint32_t)(i + (size_t)(__builtin_ctzll(m) >> 3) + 1);
    }
    for (; i < n; i++) {
        if (p[i] != ',')
            continue;
        if (k == FD_MAXCOLS) {
            r->nrowf = FD_MAXCOLS;
            r->toomany = 1;
            return;
        }
        off[k++] = (uint32_t)(i + 1);
    }
    for (j = 0; j + 1 < k; j++)
        len[j] = off[j + 1] - off[j] - 1;
    len[j] = (uint32_t)n - off[j];
    r->nrowf = k;
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
    if (r->nrowf < 3 || r->flen[0] != 3 || memcmp(r->fbase + r->foff[0], "seq", 3) ||
        r->flen[1] != 2 || memcmp(r->fbase + r->foff[1], "ts", 2) ||
        r->flen[2] != 5 || memcmp(r->fbase + r->foff[2], "event", 5))
        return fd__rd_err(r, r->rowline, 1,
                          "missing header row (expected a line starting with seq,ts,event)");
    for (int j = 0; j < r->nrowf; j++) {
        int id = fd_field_intern(r->fbase + r->foff[j], r->flen[j]);
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
    r->inorder = 1;
    for (int j = 0; j < r->ncols; j++)
        r->inorder &= r->colid[j] == j;
    r->header_done = 1;
    return 0;
}

static int row(fd_reader *r, fd_event *ev, int plain)
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
    if (r->fused > UINT32_MAX)
        return fd__rd_err(r, r->rowline, 1, "row too long");
    if (fd_ev_reserve(ev, r->fused) != 0)
        return fd__rd_err(r, r->rowline, 1, "out of memory");
    if (r->fused)
        memcpy(ev->data, r->fbase, r->fused);
    ev->used = (uint32_t)r->fused;
    ev->plain = plain && r->inorder;
    if (r->inorder) {
        memcpy(ev->off, r->foff, (size_t)r->ncols * sizeof ev->off[0]);
        memcpy(ev->len, r->flen, (size_t)r->ncols * sizeof ev->len[0]);
    } else {
        for (int j = 0; j < r->ncols; j++) {
            ev->off[r->colid[j]] = r->foff[j];
            ev->len[r->colid[j]] = r->flen[j];
        }
    }
    ev->line = r->rowline;
    ev->foff = r->rowoff;
    ev->rawlen = r->rowend - r->rowoff;
    return fd__rd_validate(r, ev, csv_loc);
}

int fd__csv_next(fd_reader *r, fd_event *ev)
{
    const char *p;
    size_t n, k;
    int nl, rc, plain;

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
            r->rowoff = r->boff + (uint64_t)(p - r->buf);
            r->in_row = 1;
        }
        /* Single-line rows are read in place; only a row that goes on
         * (a quoted newline) is copied, for the messages. */
        plain = r->nrowf == 0 && !r->rtused && !memchr(p, '"', n) &&
                !memchr(p, '\r', n);
        if (plain) {
            /* A whole row without quotes or CR (what flowreplay writes):
             * its fields are exactly the text between commas, as libcsv
             * would give them, and stay in the line buffer. */
            split_plain(r, p, n - 1);
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
        r->rowend = r->boff + (uint64_t)(p + n - r->buf);
        /* The fields' text: the line itself, or libcsv's unquoted copy. */
        r->fbase = plain ? p : r->row;
        r->fused = plain ? n - 1 : r->rowused;
        rc = r->header_done ? row(r, ev, plain) : header(r);
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
