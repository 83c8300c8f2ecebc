/* flowdiff_input.h - opening and reading an input (flowdiff_read.c): an
 * event file, a Zeek conn.log, or a capture replayed through flowreplay
 * (flowdiff_spawn.c). */
#ifndef FLOWDIFF_INPUT_H
#define FLOWDIFF_INPUT_H

#include "flowdiff_event.h"

/* Options passed through to flowreplay when an input is a capture. */
typedef struct fd_replay {
    const char *argv[32];
    int argc;
    int connlog;    /* compared with a Zeek conn.log: replay with
                       --format zeek (Zeek's table) and read its conn.log */
} fd_replay;

/* Where an event's row is in its file, to read it again later. */
typedef struct fd_rowref {
    uint64_t off, len, line, seq;
} fd_rowref;

/* Reader (flowdiff_read.c). Errors are printed as
 * "flowdiff: FILE:LINE:COL: what" and returned as -1. */
typedef struct fd_reader fd_reader;
fd_reader *fd_reader_open(const char *path, const fd_replay *rp);
int fd_reader_next(fd_reader *r, fd_event *ev); /* 1 event, 0 EOF, -1 error */
const char *fd_reader_name(const fd_reader *r);
uint64_t fd_reader_fields(const fd_reader *r);  /* bitmask of columns seen */
int fd_reader_fmt(const fd_reader *r);          /* -1 before the first event */
void fd_reader_close(fd_reader *r);
/* For a reader read ahead: its message is kept from now on, and
 * released (printed if print, else dropped) when the caller reaches
 * the failure, or never does. */
void fd_reader_hold(fd_reader *r);
void fd_reader_release(fd_reader *r, int print);
/* 1 if every row has the header's columns (CSV), so reading it never
 * adds to the field registry; 0 for JSONL. */
int fd_reader_fixed_fields(const fd_reader *r);
/* 1 if rows can be read again by offset (a regular file opened by
 * name), else 0. */
int fd_reader_seekable(const fd_reader *r);
/* Reads and parses the row at again into ev, as it was the first time.
 * 0, or -1 after printing why (the file changed, I/O error, memory). */
int fd_reader_reread(fd_reader *r, const fd_rowref *at, fd_event *ev);
/* Starting flowreplay (flowdiff_spawn.c). Returns a read fd for its
 * stdout and sets *pid, or -1 after printing why. */
int fd_spawn_replay(const char *capture, const fd_replay *rp, int *pid);
int fd_spawn_wait(int pid, const char *capture); /* 0 ok, -1 printed */

#endif
