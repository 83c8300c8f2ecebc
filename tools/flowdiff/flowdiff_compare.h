/* flowdiff_compare.h - aligning two inputs flow by flow
 * (flowdiff_align.c) and checking their global order (flowdiff_order.c):
 * the options and the results the report is made from. */
#ifndef FLOWDIFF_COMPARE_H
#define FLOWDIFF_COMPARE_H

#include "flowdiff_input.h"

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

#endif
