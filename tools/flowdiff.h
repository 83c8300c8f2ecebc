/* flowdiff.h - shared types of the flowdiff tool: events as read from a
 * file, the field registry, reader, aligner and report entry points. */
#ifndef FLOWDIFF_H
#define FLOWDIFF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "fc_time.h"

#define FD_VERSION "0.1.0"
#define FD_FMT_KNOWN 1   /* the event format version this tool reads */
#define FD_MAXF 64       /* known columns plus extras; bitmasks are uint64 */

/* Known columns, in CSV order. Extra columns get ids FD_F_KNOWN.. */
enum {
    FD_F_SEQ, FD_F_TS, FD_F_EVENT, FD_F_PROTO, FD_F_ORIG_H, FD_F_ORIG_P,
    FD_F_RESP_H, FD_F_RESP_P, FD_F_SIDE, FD_F_LEN, FD_F_FROM, FD_F_TO,
    FD_F_REASON, FD_F_ORIG_PKTS, FD_F_RESP_PKTS, FD_F_ORIG_BYTES,
    FD_F_RESP_BYTES, FD_F_HISTORY, FD_F_START, FD_F_FMT, FD_F_KNOWN
};

enum { FD_T_TEXT, FD_T_INT, FD_T_TS };

/* One event. Field values live in data (not NUL-terminated); a field id
 * >= nf, or with len 0, is empty. Events come from and return to the
 * aligner's pool; the reader only fills them. */
typedef struct fd_event {
    struct fd_event *next;
    fc_ts ts, start;
    uint64_t seq;
    uint64_t line;
    int type;           /* index into fd_event_names */
    int plain;          /* data is the CSV row, commas and all, whose
                         * column j is field id j */
    int nf;
    uint32_t used, cap;
    char *data;         /* the header fits one cache line; the field
                         * table after it is read only up to nf */
    uint32_t klen, hash; /* the flow key, at data + used (not counted
                          * in used), and its hash */
    uint64_t foff, rawlen; /* the row's bytes in the file, newline
                            * included, for fd_reader_reread */
    uint32_t off[FD_MAXF];
    uint32_t len[FD_MAXF];
} fd_event;

extern const char *const fd_event_names[5];
#define FD_EV_ENDED 4

/* Field registry (flowdiff_fields.c): known names first, extras are
 * added as files name them. */
int fd_field_count(void);
const char *fd_field_name(int id);
int fd_field_type(int id);
int fd_field_lookup(const char *name, size_t len);      /* -1 if none */
int fd_field_intern(const char *name, size_t len);      /* -1 if full */

static inline const char *fd_ev_val(const fd_event *e, int id, size_t *len)
{
    if (id >= e->nf) {
        *len = 0;
        return "";
    }
    *len = e->len[id];
    return e->data + e->off[id];
}
int fd_ev_set(fd_event *e, int id, const char *s, size_t len); /* -1 OOM */
void fd_ev_reset(fd_event *e);
/* Makes data hold at least n bytes, keeping them. 0, or -1 OOM. */
int fd_ev_reserve(fd_event *e, size_t n);
/* Appends the flow key "proto|orig_h|orig_p|resp_h|resp_p|" after the
 * values and sets klen and hash. 0, or -1 out of memory. */
int fd_ev_key(fd_event *e);

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

/* Options of the comparison. */
typedef struct fd_opts {
    int strict_order;
    fc_ts tol;
    uint64_t ignore;    /* bitmask of field ids */
    size_t max_report;
    int keep_all;       /* junit: keep a record of every flow */
} fd_opts;

enum { FD_SAME, FD_CHANGED, FD_ONLY_EXP, FD_ONLY_ACT };

/* First difference of a changed flow, kept for the report. */
typedef struct fd_detail {
    fd_event *ctx[3];
    int nctx;
    fd_event *exp, *act;    /* NULL: that side has no such event */
    uint64_t diffmask;
} fd_detail;

typedef struct fd_result {
    int status;
    fc_ts start;
    char start_txt[32];
    char *proto, *orig_h, *resp_h;  /* one allocation, owned */
    char *key;                      /* "tcp 1.2.3.4:1 -> 5.6.7.8:2" */
    unsigned long orig_p, resp_p;
    uint64_t nev[2];
    uint64_t index;                 /* event number of the difference */
    char *summary;                  /* one line, owned */
    fd_detail *detail;              /* NULL if not kept */
} fd_result;

typedef struct fd_order_ev {
    uint64_t line, seq;
    int type;
    char key[120];
} fd_order_ev;

typedef struct fd_summary {
    uint64_t flows, identical, changed, only_exp, only_act;
    uint64_t events_compared, events[2];
    int order_differs;
    uint64_t order_pos;
    fd_order_ev order_ev[2];        /* type -1: no event at that position */
    fd_result *res;                 /* sorted by start, then key */
    size_t nres;
    size_t detailed;                /* changed flows with details */
} fd_summary;

/* Strict order (flowdiff_order.c): events of both inputs by position. */
typedef struct fd_oent {
    uint64_t fid;
    fd_order_ev ev;
} fd_oent;

typedef struct fd_order {
    int on;                 /* still checking: no difference seen yet */
    fd_oent *oq[2];         /* positions one side has and the other not yet */
    size_t oh[2], n[2], ocap;
    uint64_t opos;
    fd_summary *sum;        /* gets the first difference */
} fd_order;
/* Adds side s's next event, of flow fid. 0, or -1 out of memory. */
int fd__order_push(fd_order *o, int s, uint64_t fid, const fd_event *ev);
/* At the end of both inputs: a side with events left differs. */
void fd__order_finish(fd_order *o);
void fd__order_free(fd_order *o);
/* "proto orig_h:orig_p -> resp_h:resp_p", IPv6 hosts in brackets. */
void fd__key_text(char *buf, size_t cap, const char *proto, size_t pn,
                  const char *oh, size_t ohn, const char *op, size_t opn,
                  const char *rh, size_t rhn, const char *rp, size_t rpn);

/* Aligner (flowdiff_align.c). Returns 0, or -1 on error (printed). */
int fd_compare(fd_reader *exp, fd_reader *act, const fd_opts *o,
               fd_summary *out);
void fd_summary_free(fd_summary *s);
void fd_event_free(fd_event *e);
int fd_field_equal(const fd_event *a, const fd_event *b, int id, fc_ts tol);

/* Reports (flowdiff_report.c). */
enum { FD_REP_TEXT, FD_REP_JSON, FD_REP_JUNIT };
void fd_report(FILE *f, int format, int color, const fd_summary *s,
               const char *exp_name, const char *act_name);

#endif
