/* flowdiff_event.h - one event as read from an input, and the field
 * registry that names its columns (flowdiff_fields.c). What every part
 * of flowdiff shares; the reader fills events, the aligner compares
 * them. */
#ifndef FLOWDIFF_EVENT_H
#define FLOWDIFF_EVENT_H

#include <stddef.h>
#include <stdint.h>
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

#endif
