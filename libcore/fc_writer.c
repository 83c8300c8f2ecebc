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

static void put_u64(row *r, uint64_t v)
{
    char t[24];
    int i = 24;
    do {
        t[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put_mem(r, t + i, (size_t)(24 - i));
}

static void put_ts(row *r, fc_ts ts)
{
    char t[32];
    put_mem(r, t, fc_ts_format(ts, t, sizeof t));
}

static void put_addr(row *r, int family, const uint8_t *a)
{
    char t[FC_ADDRSTRLEN];
    if (family == FC_AF_INET) {
        for (int i = 0; i < 4; i++) {
            if (i)
                put_ch(r, '.');
            put_u64(r, a[i]);
        }
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

/* One event as column values; NULL = empty/omitted. Numbers are written
 * into num[] storage. */
typedef struct fields {
    const char *text[NCOLS];
    int is_num[NCOLS];
    uint64_t num[NCOLS];
    int is_ts[NCOLS];
    fc_ts ts[NCOLS];
    int is_addr[NCOLS];
    const uint8_t *addr[NCOLS];
} fields;

enum {
    C_SEQ, C_TS, C_EVENT, C_PROTO, C_OH, C_OP, C_RH, C_RP, C_SIDE, C_LEN, C_FROM, C_TO,
    C_REASON, C_OPK, C_RPK, C_OBY, C_RBY, C_HIST, C_START, C_FMT
};

static void set_num(fields *f, int c, uint64_t v)
{
    f->is_num[c] = 1;
    f->num[c] = v;
}

static void set_ts(fields *f, int c, fc_ts v)
{
    f->is_ts[c] = 1;
    f->ts[c] = v;
}

static void build_fields(fc_writer *w, const fc_event *ev, fields *f, char *hist,
                         char *proto_buf)
{
    const uint8_t *oh, *rh;
    uint16_t op, rp;

    memset(f, 0, sizeof *f);
    fc_event_endpoints(ev, &oh, &op, &rh, &rp);
    set_num(f, C_SEQ, w->seq);
    set_ts(f, C_TS, ev->ts);
    f->text[C_EVENT] = fc_event_type_name(ev->type);
    f->text[C_PROTO] = fc_proto_name(ev->key.proto, proto_buf, 8);
    f->is_addr[C_OH] = 1;
    f->addr[C_OH] = oh;
    set_num(f, C_OP, op);
    f->is_addr[C_RH] = 1;
    f->addr[C_RH] = rh;
    set_num(f, C_RP, rp);
    switch (ev->type) {
    case FC_EV_STARTED:
        f->text[C_SIDE] = "orig";
        break;
    case FC_EV_PACKET:
        f->text[C_SIDE] = ev->side == FC_SIDE_INITIATOR ? "orig" : "resp";
        set_num(f, C_LEN, ev->len);
        break;
    case FC_EV_ESTABLISHED:
    case FC_EV_STATE_CHANGE:
        f->text[C_FROM] = fc_state_name(ev->from);
        f->text[C_TO] = fc_state_name(ev->to);
        break;
    case FC_EV_ENDED:
        f->text[C_REASON] = fc_end_reason_name(ev->reason);
        set_num(f, C_OPK, ev->stats.packets[FC_SIDE_INITIATOR]);
        set_num(f, C_RPK, ev->stats.packets[FC_SIDE_RESPONDER]);
        set_num(f, C_OBY, ev->stats.bytes[FC_SIDE_INITIATOR]);
        set_num(f, C_RBY, ev->stats.bytes[FC_SIDE_RESPONDER]);
        fc_history_str(&ev->history, hist);
        f->text[C_HIST] = hist;
        break;
    default:
        break;
    }
    set_ts(f, C_START, ev->stats.started);
    set_num(f, C_FMT, FC_EVENT_FORMAT_VERSION);
}

static void put_value(row *r, const fields *f, int c, int family, int json)
{
    if (f->is_num[c]) {
        put_u64(r, f->num[c]);
    } else if (f->is_ts[c]) {
        if (json)
            put_ch(r, '"');
        put_ts(r, f->ts[c]);
        if (json)
            put_ch(r, '"');
    } else if (f->is_addr[c]) {
        if (json)
            put_ch(r, '"');
        put_addr(r, family, f->addr[c]);
        if (json)
            put_ch(r, '"');
    } else if (f->text[c]) {
        if (json)
            put_json_text(r, f->text[c]);
        else
            put_csv_text(r, f->text[c]);
    }
}

static int present(const fields *f, int c)
{
    return f->is_num[c] || f->is_ts[c] || f->is_addr[c] || (f->text[c] && *f->text[c]);
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
    char rowbuf[ROW_MAX], hist[FC_HISTORY_MAX + 1], proto[8];
    const char *extv[EXT_MAX];
    row r = {rowbuf, 0, sizeof rowbuf - 1}; /* room for the final newline */
    fields f;
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
    build_fields(w, ev, &f, hist, proto);
    if (w->ext.ncols) {
        memset(extv, 0, sizeof extv);
        w->ext.fill(w->ext.ctx, ev, extv, w->scratch, sizeof w->scratch);
    }
    if (json)
        put_ch(&r, '{');
    int first = 1;
    for (size_t c = 0; c < NCOLS; c++) {
        if (json) {
            if (!present(&f, (int)c))
                continue;
            if (!first)
                put_ch(&r, ',');
            put_ch(&r, '"');
            put_str(&r, columns[c]);
            put_str(&r, "\":");
        } else if (c) {
            put_ch(&r, ',');
        }
        first = 0;
        put_value(&r, &f, (int)c, ev->key.family, json);
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
