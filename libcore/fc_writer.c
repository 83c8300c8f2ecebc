/* fc_writer.c - event rows, formatted straight into a large output buffer
 * and written out only at row boundaries.
 *
 * Core columns have a known maximum width, so a row is formatted with one
 * space check up front and no per-character checks; only extension
 * values (bounded to EXT_VAL_MAX each) are measured. */
#include <csv.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "fc_alloc.h"
#include "fc_error.h"
#include "fc_writer.h"

#define WBUF_SIZE (512 * 1024)
#define CORE_ROW_MAX 512  /* 20 core columns: far wider than ever needed */
#define EXT_MAX 32
#define EXT_VAL_MAX 256   /* longer extension values are cut */
#define ROW_MAX (CORE_ROW_MAX + EXT_MAX * (2 * EXT_VAL_MAX + 48))
#define KEY_TEXT_MAX 200  /* JSON: 5 names, 2 IPv6 addresses, 2 ports */

typedef struct ts_cache {
    fc_ts ts;
    uint8_t len; /* 0: empty */
    char text[32];
    int64_t sec; /* the seconds part of the last non-negative time */
    uint8_t slen;/* its digits, 0: none yet */
} ts_cache;

/* The text of the 5 key columns of the last row (proto .. resp_p):
 * consecutive rows are often events of one flow. */
typedef struct key_cache {
    fc_key key;
    uint8_t orient;
    uint8_t len; /* 0: empty */
    char text[KEY_TEXT_MAX];
} key_cache;

struct fc_writer {
    int fd;
    fc_format fmt;
    unsigned flags;
    int header_done;
    int failed;
    uint64_t seq;
    fc_writer_ext ext;
    size_t len;
    ts_cache ts_ev, ts_start; /* last texts of the ts and flow_start columns */
    key_cache kc;
    /* names padded to 16 bytes, so a column copies them in one move */
    char ev_name[FC_EV_COUNT][16], st_name[FC_STATE_COUNT][16], rs_name[FC_END_COUNT][16];
    uint8_t ev_len[FC_EV_COUNT], st_len[FC_STATE_COUNT], rs_len[FC_END_COUNT];
    char scratch[EXT_MAX * (EXT_VAL_MAX + 1)];
    char buf[WBUF_SIZE];
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

static uint8_t pad_name(char dst[16], const char *name)
{
    size_t n = strnlen(name, 16);
    memset(dst, 0, 16);
    memcpy(dst, name, n);
    return (uint8_t)n;
}

fc_writer *fc_writer_new(int fd, fc_format fmt, unsigned flags, const fc_writer_ext *ext)
{
    fc_writer *w = fc_malloc(sizeof *w);
    if (!w)
        return NULL;
    memset(w, 0, offsetof(fc_writer, scratch));
    for (int i = 0; i < FC_EV_COUNT; i++)
        w->ev_len[i] = pad_name(w->ev_name[i], fc_event_type_name((fc_event_type)i));
    for (int i = 0; i < FC_STATE_COUNT; i++)
        w->st_len[i] = pad_name(w->st_name[i], fc_state_name((fc_state)i));
    for (int i = 0; i < FC_END_COUNT; i++)
        w->rs_len[i] = pad_name(w->rs_name[i], fc_end_reason_name((fc_end_reason)i));
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

/* ---- unchecked formatting: the caller reserved ROW_MAX bytes ---- */

static const char digits2[] = "00010203040506070809101112131415161718192021222324"
                              "25262728293031323334353637383940414243444546474849"
                              "50515253545556575859606162636465666768697071727374"
                              "75767778798081828384858687888990919293949596979899";

static inline char *put_lit(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

static inline char *put_str(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static const uint64_t dec_pow10[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
    10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};

/* Writes exactly n digits of v (zero-padded), two at a time. */
static inline char *put_digits(char *p, uint64_t v, int n)
{
    char *e = p + n;
    while (e - p >= 2) {
        unsigned d = (unsigned)(v % 100) * 2;
        v /= 100;
        *--e = digits2[d + 1];
        *--e = digits2[d];
    }
    if (e > p)
        *--e = (char)('0' + v % 10);
    return p + n;
}

static char *put_u64(char *p, uint64_t v)
{
    if (v < 10) {
        *p = (char)('0' + v);
        return p + 1;
    }
    /* digits from the bit length: floor(bits * log10(2)), then one more
     * if v reaches the next power of ten */
    int bits = 64 - __builtin_clzll(v);
    int n = (bits * 1233) >> 12;
    n += n < 20 && v >= dec_pow10[n];
    return put_digits(p, v, n);
}

/* SECONDS.NNNNNNNNN. Consecutive events often share a time (the events
 * of one packet, flow_start of one flow), so the last text is reused. */
static char *put_ts(char *p, fc_ts ts, ts_cache *c)
{
    if (c->len && c->ts == ts)
        return put_lit(p, c->text, c->len);
    char *s = p;
    if (ts < 0) {
        p += fc_ts_format(ts, p, 32);
    } else {
        uint64_t u = (uint64_t)ts;
        int64_t sec = (int64_t)(u / 1000000000u);
        if (c->slen && c->sec == sec) {
            /* same second as last time: its digits are at the start of
             * the last text */
            p = put_lit(p, c->text, c->slen);
        } else {
            p = put_u64(p, (uint64_t)sec);
            c->sec = sec;
            c->slen = (uint8_t)(p - s);
        }
        *p++ = '.';
        p = put_digits(p, u % 1000000000u, 9);
    }
    if (ts < 0)
        c->slen = 0;
    c->ts = ts;
    c->len = (uint8_t)(p - s);
    memcpy(c->text, s, c->len);
    return p;
}

static char *put_addr(char *p, int family, const uint8_t *a)
{
    if (family != FC_AF_INET) {
        char t[FC_ADDRSTRLEN];
        return put_str(p, fc_addr_format(family, a, t, sizeof t));
    }
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
    return p - 1;
}

/* ---- columns: CSV writes each one (empty = nothing between commas);
 * JSON writes only present ones as "name":value ---- */

typedef struct out {
    char *p;
    int json;
    int n; /* columns written so far */
} out;

static inline void col_key(out *o, const char *name)
{
    if (o->json) {
        if (o->n)
            *o->p++ = ',';
        *o->p++ = '"';
        o->p = put_str(o->p, name);
        *o->p++ = '"';
        *o->p++ = ':';
    } else if (o->n) {
        *o->p++ = ',';
    }
    o->n++;
}

static inline void col_none(out *o, int count)
{
    if (o->json)
        return;
    for (int i = 0; i < count; i++)
        *o->p++ = ',';
    o->n += count;
}

static void col_u64(out *o, const char *name, uint64_t v)
{
    col_key(o, name);
    o->p = put_u64(o->p, v);
}

static void col_ts(out *o, const char *name, fc_ts v, ts_cache *c)
{
    col_key(o, name);
    if (o->json)
        *o->p++ = '"';
    o->p = put_ts(o->p, v, c);
    if (o->json)
        *o->p++ = '"';
}

/* A word that never needs quoting (event, state, protocol names, history). */
static void col_word(out *o, const char *name, const char *v)
{
    if (!*v) {
        col_none(o, 1);
        return;
    }
    col_key(o, name);
    if (o->json)
        *o->p++ = '"';
    o->p = put_str(o->p, v);
    if (o->json)
        *o->p++ = '"';
}

/* A word from a 16-byte padded table entry (or a history), len > 0. */
static void col_name(out *o, const char *name, const char v[16], size_t len)
{
    if (!len) {
        col_none(o, 1);
        return;
    }
    col_key(o, name);
    if (o->json)
        *o->p++ = '"';
    memcpy(o->p, v, 16);
    o->p += len;
    if (o->json)
        *o->p++ = '"';
}

static void col_addr(out *o, const char *name, int family, const uint8_t *a)
{
    col_key(o, name);
    if (o->json)
        *o->p++ = '"';
    o->p = put_addr(o->p, family, a);
    if (o->json)
        *o->p++ = '"';
}

static void event_columns(fc_writer *w, const fc_event *ev, out *o)
{
    const uint8_t *oh, *rh;
    uint16_t op, rp;
    char proto[8];

    col_u64(o, "seq", w->seq);
    col_ts(o, "ts", ev->ts, &w->ts_ev);
    if ((unsigned)ev->type < FC_EV_COUNT)
        col_name(o, "event", w->ev_name[ev->type], w->ev_len[ev->type]);
    else
        col_word(o, "event", fc_event_type_name(ev->type));
    key_cache *kc = &w->kc;
    if (kc->len && kc->orient == (uint8_t)ev->init_orient && fc_key_equal(&kc->key, &ev->key)) {
        o->p = put_lit(o->p, kc->text, kc->len);
        o->n += 5;
    } else {
        char *k0 = o->p;
        fc_event_endpoints(ev, &oh, &op, &rh, &rp);
        col_word(o, "proto", fc_proto_name(ev->key.proto, proto, sizeof proto));
        col_addr(o, "orig_h", ev->key.family, oh);
        col_u64(o, "orig_p", op);
        col_addr(o, "resp_h", ev->key.family, rh);
        col_u64(o, "resp_p", rp);
        size_t n = (size_t)(o->p - k0);
        kc->len = 0;
        if (n <= KEY_TEXT_MAX) {
            memcpy(kc->text, k0, n);
            kc->len = (uint8_t)n;
            kc->key = ev->key;
            kc->orient = (uint8_t)ev->init_orient;
        }
    }
    switch (ev->type) {
    case FC_EV_STARTED:
    case FC_EV_PACKET:
        col_word(o, "side", ev->side == FC_SIDE_INITIATOR ? "orig" : "resp");
        if (ev->type == FC_EV_PACKET)
            col_u64(o, "len", ev->len);
        else
            col_none(o, 1);
        col_none(o, 8);
        break;
    case FC_EV_ESTABLISHED:
    case FC_EV_STATE_CHANGE:
        col_none(o, 2);
        if ((unsigned)ev->from < FC_STATE_COUNT && (unsigned)ev->to < FC_STATE_COUNT) {
            col_name(o, "from_state", w->st_name[ev->from], w->st_len[ev->from]);
            col_name(o, "to_state", w->st_name[ev->to], w->st_len[ev->to]);
        } else {
            col_word(o, "from_state", fc_state_name(ev->from));
            col_word(o, "to_state", fc_state_name(ev->to));
        }
        col_none(o, 6);
        break;
    case FC_EV_ENDED:
        col_none(o, 4);
        if ((unsigned)ev->reason < FC_END_COUNT)
            col_name(o, "reason", w->rs_name[ev->reason], w->rs_len[ev->reason]);
        else
            col_word(o, "reason", fc_end_reason_name(ev->reason));
        col_u64(o, "orig_pkts", ev->stats.packets[FC_SIDE_INITIATOR]);
        col_u64(o, "resp_pkts", ev->stats.packets[FC_SIDE_RESPONDER]);
        col_u64(o, "orig_bytes", ev->stats.bytes[FC_SIDE_INITIATOR]);
        col_u64(o, "resp_bytes", ev->stats.bytes[FC_SIDE_RESPONDER]);
        col_name(o, "history", ev->history.c,
                 ev->history.len < FC_HISTORY_MAX ? ev->history.len : FC_HISTORY_MAX);
        break;
    default:
        col_none(o, 10);
        break;
    }
    col_ts(o, "flow_start", ev->stats.started, &w->ts_start);
    col_u64(o, "fmt", FC_EVENT_FORMAT_VERSION);
}

/* ---- extension values: measured, cut, quoted when needed ---- */

static char *put_csv_text(char *p, const char *s)
{
    size_t n = strnlen(s, EXT_VAL_MAX);
    if (strcspn(s, ",\"\r\n") >= n)
        return put_lit(p, s, n);
    /* libcsv quotes the field (and doubles quotes): at most 2n + 2 */
    return p + csv_write(p, 2 * n + 2, s, n);
}

static char *put_json_text(char *p, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const char *end = s + strnlen(s, EXT_VAL_MAX);
    *p++ = '"';
    for (; s < end; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c < 0x20) {
            p = put_lit(p, "\\u00", 4);
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        } else {
            *p++ = (char)c;
        }
    }
    *p++ = '"';
    return p;
}

static char *ext_columns(fc_writer *w, const fc_event *ev, char *p, int json)
{
    const char *v[EXT_MAX];
    memset(v, 0, sizeof v);
    w->ext.fill(w->ext.ctx, ev, v, w->scratch, sizeof w->scratch);
    for (size_t c = 0; c < w->ext.ncols; c++) {
        if (!json) {
            *p++ = ',';
            if (v[c])
                p = put_csv_text(p, v[c]);
            continue;
        }
        if (!v[c] || !*v[c])
            continue;
        *p++ = ',';
        p = put_json_text(p, w->ext.names[c]);
        *p++ = ':';
        if (w->ext.json_num && w->ext.json_num[c])
            p = put_lit(p, v[c], strnlen(v[c], EXT_VAL_MAX));
        else
            p = put_json_text(p, v[c]);
    }
    return p;
}

/* Makes room for one row; FC_OK or FC_EIO. */
static int reserve(fc_writer *w)
{
    if (w->failed)
        return FC_EIO;
    if (WBUF_SIZE - w->len < ROW_MAX)
        return fc_writer_flush(w);
    return FC_OK;
}

static int header_row(fc_writer *w)
{
    if (reserve(w) != FC_OK)
        return FC_EIO;
    char *p = w->buf + w->len;
    for (size_t c = 0; c < NCOLS; c++) {
        if (c)
            *p++ = ',';
        p = put_str(p, columns[c]);
    }
    for (size_t c = 0; c < w->ext.ncols; c++) {
        *p++ = ',';
        p = put_csv_text(p, w->ext.names[c]);
    }
    *p++ = '\n';
    w->len = (size_t)(p - w->buf);
    w->header_done = 1;
    return FC_OK;
}

int fc_writer_event(fc_writer *w, const fc_event *ev)
{
    int json = w->fmt == FC_FMT_JSONL;

    if ((w->flags & FC_WRITER_LIFECYCLE) && ev->type == FC_EV_PACKET)
        return w->failed ? FC_EIO : FC_OK;
    if (!json && !w->header_done && header_row(w) != FC_OK)
        return FC_EIO;
    if (reserve(w) != FC_OK)
        return FC_EIO;
    w->seq++;
    out o = {w->buf + w->len, json, 0};
    if (json)
        *o.p++ = '{';
    event_columns(w, ev, &o);
    if (w->ext.ncols)
        o.p = ext_columns(w, ev, o.p, json);
    if (json)
        *o.p++ = '}';
    *o.p++ = '\n';
    w->len = (size_t)(o.p - w->buf);
    return FC_OK;
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
    if (w->fmt == FC_FMT_CSV && !w->header_done && !w->failed)
        rc = header_row(w);
    if (rc == FC_OK)
        rc = fc_writer_flush(w);
    fc_free(w);
    return rc;
}
