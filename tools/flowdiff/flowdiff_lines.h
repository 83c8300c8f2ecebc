/* flowdiff_lines.h - a reader's state and its line buffer, shared by the
 * opener (flowdiff_read.c), the two parsers (flowdiff_csv.c,
 * flowdiff_jsonl.c) and the value checks (flowdiff_values.c). Not for
 * the aligner or the reports. */
#ifndef FLOWDIFF_LINES_H
#define FLOWDIFF_LINES_H

#include <csv.h>
#include "flowdiff_input.h"

#define FD_MAXCOLS 256

enum { FD_KIND_CSV, FD_KIND_JSONL };

struct fd_reader {
    char *name;             /* for messages */
    char *capture;          /* set when the input is replayed */
    char tmp[64];           /* temp copy of a capture read from stdin */
    int fd, pid;
    char *buf;
    size_t cap, pos, end;
    uint64_t boff;          /* file offset of buf[0] */
    int eof, seekable;
    uint64_t lineno;        /* number of the line last returned */
    int kind;
    uint64_t seen;          /* bitmask of field ids the file has */
    int fmt;
    uint64_t last_seq;
    int hold;               /* keep messages instead of printing them */
    char *held;             /* the first one kept, "flowdiff: ...\n" */
    int lost;               /* one could not be kept (out of memory) */

    /* CSV */
    struct csv_parser csv;
    int csv_ready, header_done, ncols;
    int colid[FD_MAXCOLS];
    int idcol[FD_MAXF];
    char *row;
    size_t rowused, rowcap;
    uint32_t foff[FD_MAXCOLS], flen[FD_MAXCOLS]; /* fields in fbase */
    const char *fbase;      /* the line (plain rows) or row (libcsv) */
    size_t fused;
    int inorder;            /* header has the known columns in order */
    int nrowf, toomany, row_ready, oom;
    char *rt;               /* raw text of a row spanning lines */
    size_t rtused, rtcap;
    const char *rtp;        /* raw text of the current row */
    size_t rtn;
    int in_row;
    uint64_t rowline;
    uint64_t rowoff, rowend; /* file offsets of the row's raw text */

    /* JSONL */
    uint32_t jcol[FD_MAXF];
    char *sb;               /* decoded string scratch */
    size_t sbused, sbcap;
};

/* Prints "flowdiff: NAME:LINE:COL: ..." and returns -1. */
int fd__rd_err(fd_reader *r, uint64_t line, uint64_t col, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));
/* Reads more input after the unread bytes. 1 got some, 0 EOF, -1 error
 * (printed). */
int fd__rd_fill(fd_reader *r);
/* Next line with its newline: 1 (nl says if it ended in '\n'), 0 EOF,
 * -1 error. The bytes stay valid until the next call. */
int fd__rd_line(fd_reader *r, const char **p, size_t *n, int *nl);
int fd__append(char **buf, size_t *used, size_t *cap, const char *s, size_t n);

#endif
