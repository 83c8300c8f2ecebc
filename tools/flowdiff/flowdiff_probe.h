/* flowdiff_probe.h - what an input file was made with, read from its
 * first rows before any capture is replayed: its kind (flowreplay events
 * or a Zeek conn.log), whether it has the Zeek columns, and its event
 * selection. flowdiff replays a capture compared with it the same way,
 * and refuses two inputs made differently with one line. */
#ifndef FLOWDIFF_PROBE_H
#define FLOWDIFF_PROBE_H

enum { FD_PK_UNKNOWN, FD_PK_CAPTURE, FD_PK_EVENTS, FD_PK_CONNLOG };
enum { FD_SEL_UNKNOWN, FD_SEL_ALL, FD_SEL_LIFECYCLE };

typedef struct fd_probe {
    int kind;       /* FD_PK_* (UNKNOWN: standard input, unreadable) */
    int zeek;       /* events with the Zeek columns (--zeek-fields) */
    int sel;        /* FD_SEL_*: packet events seen, or rows without */
} fd_probe;

/* Looks at the start of the file at `path` ("-" is not looked at). */
void fd_probe_file(const char *path, fd_probe *p);

#endif
