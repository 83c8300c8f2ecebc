/* fc_writer.c - event rows, assembled whole, written in large blocks. */
#include <csv.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "fc_alloc.h"
#include "fc_error.h"
#include "fc_writer.h"

#define WBUF_SIZE (256 * 1024)
#define ROW_MAX 4096 /* a row never gets longer (ext values are capped) */
#define EXT_MAX 32

struct fc_writer {
    int fd;
    fc_format fmt;
    unsigned flags;
    int header_done;
    int failed;
    uint64_t seq;
    fc_writer_ext ext;
    size_t len;
    char buf[WBUF_SIZE];
    char scratch[ROW_MAX];
};

static const char *const columns[] = {
    "seq", "ts", "event", "proto", "orig_h", "orig_p", "resp_h", "resp_p", "side", "len",
    "from_state", "to_state", "reason", "orig_pkts", "resp_pkts", "orig_bytes",
    "resp_bytes", "history", "flow_start", "fmt"};
#define NCOLS (sizeof columns / sizeof columns[0])

int fc_format_parse(const char *s)
{
    if (strcmp(s, "csv") == 0)
        return FC_FMT_CSV;
    if (strcmp(s, "jsonl") == 0)
        return FC_FMT_JSONL;
    return -1;
}

fc_writer *fc_writer_new(int fd, fc_format fmt, unsigned flags, const fc_writer_ext *ext)
{
    fc_writer *w = fc_malloc(sizeof *w);
    if (!w)
        return NULL;
    memset(w, 0, offsetof(fc_writer, buf));
    w->fd = fd;
    w->fmt = fmt;
    w->flags = flags;
    if (ext) {
        w->ext = *ext;
        if (w->ext.ncols > EXT_MAX)
            w->ext.ncols = EXT_MAX;
    }
    return w;
}

static int write_all(fc_writer *w, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            w->failed = 1;
            return FC_EIO;
        }
        p += k;
        n -= (size_t)k;
    }
    return FC_OK;
}

int fc_writer_flush(fc_writer *w)
{
    if (w->failed)
        return FC_EIO;
    if (w->len && write_all(w, w->buf, w->len) != FC_OK)
        return FC_EIO;
    w->len = 0;
    return FC_OK;
}

/* ---- row assembly into a bounded scratch row ---- */

typedef struct row {
    char *p;
    size_t n, cap;
} row;

static inline void put_mem(row *r, const char *s, size_t n)
{
    if (r->n + n > r->cap)
        n = r->cap - r->n;
    memcpy(r->p + r->n, s, n);
    r->n += n;
}

static inline void put_str(row *r, const char *s)
{
    put_mem(r, s, strlen(s));
}

static inline void put_ch(row *r, char c)
{
    if (r->n < r->cap)
        r->p[r->n++] = c;
}

static const char digits2[] = "00010203040506070809101112131415161718192021222324"
                              "25262728293031323334353637383940414243444546474849"
                              "50515253545556575859606162636465666768697071727374"
                              "75767778798081828384858687888990919293949596979899";

/* Decimal digits of v, right-aligned ending at `end`; returns the start. */
static char *fmt_u64(char *end, uint64_t v)
{
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100) * 2;
        v /= 100;
        *--end = digits2[d + 1];
        *--end = digits2[d];
    }
    if (v >= 10) {
        *--end = digits2[v * 2 + 1];
        *--end = digits2[v * 2];
    } else {
        *--end = (char)('0' + v);
    }
    return end;
}

static void put_u64(row *r, uint64_t v)
{
    char t[24];
    char *b = fmt_u64(t + sizeof t, v);
    put_mem(r, b, (size_t)(t + sizeof t - b));
}

/* SECONDS.NNNNNNNNN, as fc_ts_format but without its copies. */
static void put_ts(row *r, fc_ts ts)
{
    char t[40];
    char *end = t + sizeof t, *p;
    uint64_t u;
    if (ts < 0) {
        put_mem(r, t, fc_ts_format(ts, t, sizeof t));
        return;
    }
    u = (uint64_t)ts;
    p = fmt_u64(end, u % 1000000000u + 1000000000u); /* 10 digits, a leading 1 */
    *p = '.';
    p = fmt_u64(p, u / 1000000000u);
    put_mem(r, p, (size_t)(end - p));
}

static void put_addr(row *r, int family, const uint8_t *a)
{
    char t[FC_ADDRSTRLEN];
    if (family == FC_AF_INET) {
        char t[16], *p = t;
        for (int i = 0; i < 4; i++) {
            unsigned v = a[i];
            if (v >= 100) {
                *p++ = (char)('0' + v / 100);
                v %= 100;
                *p++ = digits2[v * 2];
                *p++ = digits2[v * 2 + 1];
            } else if (v >= 10) {
                *p++ = digits2[v * 2];
                *p++ = digits2[v * 2 + 1];
            } else {
                *p++ = (char)('0' + v);
            }
            *p++ = '.';
        }
        put_mem(r, t, (size_t)(p - t - 1));
        return;
    }
    put_str(r, fc_addr_format(family, a, t, sizeof t));
}

/* CSV text field: quoted through libcsv only when it must be. */
static void put_csv_text(row *r, const char *s)
{
    size_t n = strlen(s);
    if (strpbrk(s, ",\"\r\n") == NULL) {
        put_mem(r, s, n);
        return;
    }
    if (r->cap - r->n < 2 * n + 3)
        return; /* cannot fit even quoted: leave the field empty */
    r->n += csv_write(r->p + r->n, r->cap - r->n, s, n);
}

static void put_json_text(row *r, const char *s)
{
    put_ch(r, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            put_ch(r, '\\');
            put_ch(r, (char)c);
        } else if (c < 0x20) {
            static const char hex[] = "0123456789abcdef";
            put_str(r, "\\u00");
            put_ch(r, hex[c >> 4]);
            put_ch(r, hex[c & 15]);
        } else {
            put_ch(r, (char)c);
        }
    }
    put_ch(r, '"');
}

/* Column writers: CSV writes every column, empty ones as nothing between
 * commas; JSON writes only present fields, as "name":value. */
typedef struct out {
    row *r;
    int json;
    int n; /* columns written so far */
} out;

static void col_key(out *o, const char *name)
{
    if (o->json) {
        if (o->n)
            put_ch(o->r, ',');
        put_ch(o->r, '"');
        put_str(o->r, name);
        put_str(o->r, "\":");
    } else if (o->n) {
        put_ch(o->r, ',');
    }
    o->n++;
}

static void col_none(out *o)
{
    if (!o->json) {
        if (o->n)
            put_ch(o->r, ',');
        o->n++;
    }
}

static void col_u64(out *o, const char *name, uint64_t v)
{
    col_key(o, name);
    put_u64(o->r, v);
}

static void col_ts(out *o, const char *name, fc_ts v)
{
    col_key(o, name);
    if (o->json)
        put_ch(o->r, '"');
    put_ts(o->r, v);
    if (o->json)
        put_ch(o->r, '"');
}

/* A known-safe word (names of events, states, protocols, history). */
static void col_word(out *o, const char *name, const char *v)
{
    if (!v || !*v) {
        col_none(o);
        return;
    }
    col_key(o, name);
    if (o->json)
        put_ch(o->r, '"');
    put_str(o->r, v);
    if (o->json)
        put_ch(o->r, '"');
}

static void col_addr(out *o, const char *name, int family, const uint8_t *a)
{
    col_key(o, name);
    if (o->json)
        put_ch(o->r, '"');
    put_addr(o->r, family, a);
    if (o->json)
        put_ch(o->r, '"');
}

static void event_columns(fc_writer *w, const fc_event *ev, out *o)
{
    const uint8_t *oh, *rh;
    uint16_t op, rp;
    char proto[8], hist[FC_HISTORY_MAX + 1];
    int i;

    fc_event_endpoints(ev, &oh, &op, &rh, &rp);
    col_u64(o, "seq", w->seq);
    col_ts(o, "ts", ev->ts);
    col_word(o, "event", fc_event_type_name(ev->type));
    col_word(o, "proto", fc_proto_name(ev->key.proto, proto, sizeof proto));
    col_addr(o, "orig_h", ev->key.family, oh);
    col_u64(o, "orig_p", op);
    col_addr(o, "resp_h", ev->key.family, rh);
    col_u64(o, "resp_p", rp);
    switch (ev->type) {
    case FC_EV_STARTED:
    case FC_EV_PACKET:
        col_word(o, "side", ev->side == FC_SIDE_INITIATOR ? "orig" : "resp");
        if (ev->type == FC_EV_PACKET)
            col_u64(o, "len", ev->len);
        else
            col_none(o);
        for (i = 0; i < 8; i++)
            col_none(o);
        break;
    case FC_EV_ESTABLISHED:
    case FC_EV_STATE_CHANGE:
        col_none(o);
        col_none(o);
        col_word(o, "from_state", fc_state_name(ev->from));
        col_word(o, "to_state", fc_state_name(ev->to));
        for (i = 0; i < 6; i++)
            col_none(o);
        break;
    case FC_EV_ENDED:
        for (i = 0; i < 4; i++)
            col_none(o);
        col_word(o, "reason", fc_end_reason_name(ev->reason));
        col_u64(o, "orig_pkts", ev->stats.packets[FC_SIDE_INITIATOR]);
        col_u64(o, "resp_pkts", ev->stats.packets[FC_SIDE_RESPONDER]);
        col_u64(o, "orig_bytes", ev->stats.bytes[FC_SIDE_INITIATOR]);
        col_u64(o, "resp_bytes", ev->stats.bytes[FC_SIDE_RESPONDER]);
        fc_history_str(&ev->history, hist);
        col_word(o, "history", hist);
        break;
    default:
        for (i = 0; i < 10; i++)
            col_none(o);
        break;
    }
    col_ts(o, "flow_start", ev->stats.started);
    col_u64(o, "fmt", FC_EVENT_FORMAT_VERSION);
}

static void header_row(fc_writer *w, row *r)
{
    for (size_t c = 0; c < NCOLS; c++) {
        if (c)
            put_ch(r, ',');
        put_str(r, columns[c]);
    }
    for (size_t c = 0; c < w->ext.ncols; c++) {
        put_ch(r, ',');
        put_csv_text(r, w->ext.names[c]);
    }
    put_ch(r, '\n');
}

static int append_row(fc_writer *w, const char *p, size_t n)
{
    if (w->len + n > WBUF_SIZE && fc_writer_flush(w) != FC_OK)
        return FC_EIO;
    memcpy(w->buf + w->len, p, n);
    w->len += n;
    return FC_OK;
}

int fc_writer_event(fc_writer *w, const fc_event *ev)
{
    char rowbuf[ROW_MAX];
    const char *extv[EXT_MAX];
    row r = {rowbuf, 0, sizeof rowbuf - 1}; /* room for the final newline */
    int json = w->fmt == FC_FMT_JSONL;

    if (w->failed)
        return FC_EIO;
    if ((w->flags & FC_WRITER_LIFECYCLE) && ev->type == FC_EV_PACKET)
        return FC_OK;
    if (!json && !w->header_done) {
        header_row(w, &r);
        w->header_done = 1;
    }
    w->seq++;
    if (json)
        put_ch(&r, '{');
    out o = {&r, json, 0};
    event_columns(w, ev, &o);
    if (w->ext.ncols) {
        memset(extv, 0, sizeof extv);
        w->ext.fill(w->ext.ctx, ev, extv, w->scratch, sizeof w->scratch);
    }
    for (size_t c = 0; c < w->ext.ncols; c++) {
        const char *v = extv[c];
        if (json) {
            if (!v || !*v)
                continue;
            put_ch(&r, ',');
            put_json_text(&r, w->ext.names[c]);
            put_ch(&r, ':');
            if (w->ext.json_num && w->ext.json_num[c])
                put_str(&r, v);
            else
                put_json_text(&r, v);
        } else {
            put_ch(&r, ',');
            if (v)
                put_csv_text(&r, v);
        }
    }
    if (json)
        put_ch(&r, '}');
    r.p[r.n++] = '\n';
    return append_row(w, r.p, r.n);
}

uint64_t fc_writer_count(const fc_writer *w)
{
    return w->seq;
}

int fc_writer_close(fc_writer *w)
{
    int rc = FC_OK;
    if (!w)
        return FC_OK;
    if (w->fmt == FC_FMT_CSV && !w->header_done && !w->failed) {
        char rowbuf[ROW_MAX];
        row r = {rowbuf, 0, sizeof rowbuf};
        header_row(w, &r);
        rc = append_row(w, r.p, r.n);
    }
    if (rc == FC_OK)
        rc = fc_writer_flush(w);
    fc_free(w);
    return rc;
}
