/* fc_writer.c - event rows, formatted straight into a large output buffer
 * and written out only at row boundaries.
 *
 * Core columns have a known maximum width, so a row is formatted with one
 * space check up front and no per-character checks; only extension
 * values (bounded to EXT_VAL_MAX each) are measured. That room also lets
 * the formatters store whole words (8 digits, a 16-byte name, a 32-byte
 * time) and advance by the length that counts: the bytes past it are
 * overwritten by the next column or lie beyond the row. */
#include <csv.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "fc_alloc.h"
#include "fc_error.h"
#include "fc_writer.h"
#include "fc_writer_int.h"

#define WBUF_SIZE (512 * 1024)
#define CORE_ROW_MAX 1024 /* 20 core columns (under 600 bytes) and the over-stores */
#define EXT_MAX 32
#define EXT_VAL_MAX 256   /* longer extension values are cut */
#define ROW_MAX (CORE_ROW_MAX + EXT_MAX * (2 * EXT_VAL_MAX + 48))
#define KEY_TEXT_MAX 192  /* JSON: 5 names, 2 IPv6 addresses, 2 ports (under 160) */

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

typedef struct ts_cache {
    fc_ts ts;
    uint8_t len;     /* 0: empty */
    uint8_t slen;    /* digits of the seconds at the start of text, 0: none */
    uint64_t sec_ns; /* the start of those seconds */
    char text[32];   /* copied whole */
} ts_cache;

/* The text of the 5 key columns of the last row (proto .. resp_p):
 * consecutive rows are often events of one flow. */
typedef struct key_cache {
    fc_key key;
    uint8_t orient;
    uint8_t len; /* 0: empty */
    char text[KEY_TEXT_MAX + 32]; /* copied 32 bytes at a time */
} key_cache;

/* A word padded to 16 bytes, so a column copies it in one move. */
typedef struct name16 {
    char c[16];
    uint8_t len;
} name16;

/* The zero groups an IPv6 address's text shortens to "::" (RFC 5952:
 * the longest run of two or more, the first on ties); start 8: none
 * (past the last group, so no group index meets it). */
typedef struct zero_run {
    uint8_t start;
    uint8_t len;
} zero_run;

struct fc_writer {
    int fd;
    fc_format fmt;
    unsigned flags;
    int header_done;
    int failed;
    int sys_errno;     /* errno of the first failed write(2), kept here so
                          whichever thread reads the writer next sees it */
    uint64_t seq;
    uint8_t seq_len;
    char seq_text[24]; /* seq in decimal, counted up in place */
    fc_writer_ext ext;
    size_t len;
    ts_cache ts_ev, ts_start; /* last texts of the ts and flow_start columns */
    key_cache kc;
    /* the last entry of each name table is "?", for values out of range */
    name16 ev_name[FC_EV_COUNT + 1], st_name[FC_STATE_COUNT + 1], rs_name[FC_END_COUNT + 1];
    name16 proto[256];
    char octet[256][4]; /* "D.", "DD.", "DDD." */
    uint8_t octet_len[256];
    uint16_t hex2[256];  /* a byte's two hex digits, the high one in the low byte */
    zero_run zrun[256];  /* by the mask of an IPv6 address's zero groups */
    fc__wsel *sel;       /* --fields / --time-format: chosen columns, or NULL */
    char scratch[EXT_MAX * (EXT_VAL_MAX + 1)];
    char buf[WBUF_SIZE];
    char row[ROW_MAX + 64]; /* with sel: the full CSV row, then split */
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

static void pad_name(name16 *dst, const char *name)
{
    size_t n = strnlen(name, 16);
    memset(dst->c, 0, 16);
    memcpy(dst->c, name, n);
    dst->len = (uint8_t)n;
}

static void make_tables(fc_writer *w)
{
    static const char hex[] = "0123456789abcdef";
    char num[8];
    for (int i = 0; i <= FC_EV_COUNT; i++)
        pad_name(&w->ev_name[i], fc_event_type_name((fc_event_type)i));
    for (int i = 0; i <= FC_STATE_COUNT; i++)
        pad_name(&w->st_name[i], fc_state_name((fc_state)i));
    for (int i = 0; i <= FC_END_COUNT; i++)
        pad_name(&w->rs_name[i], fc_end_reason_name((fc_end_reason)i));
    for (int i = 0; i < 256; i++) {
        pad_name(&w->proto[i], fc_proto_name((uint8_t)i, num, sizeof num));
        int n = 0;
        if (i >= 100)
            w->octet[i][n++] = (char)('0' + i / 100);
        if (i >= 10)
            w->octet[i][n++] = (char)('0' + i / 10 % 10);
        w->octet[i][n++] = (char)('0' + i % 10);
        w->octet[i][n++] = '.';
        w->octet_len[i] = (uint8_t)n;
        w->hex2[i] = (uint16_t)(hex[i >> 4] | hex[i & 15] << 8);
        zero_run *z = &w->zrun[i];
        z->start = 8;
        for (int s = 0, run = 0; s < 8; s++) {
            run = (i >> s & 1) ? run + 1 : 0;
            if (run >= 2 && run > z->len) {
                z->start = (uint8_t)(s - run + 1);
                z->len = (uint8_t)run;
            }
        }
    }
}

fc_writer *fc_writer_new(int fd, fc_format fmt, unsigned flags, const fc_writer_ext *ext)
{
    fc_writer *w = fc_malloc(sizeof *w);
    if (!w)
        return NULL;
    memset(w, 0, offsetof(fc_writer, scratch));
    make_tables(w);
    w->seq_text[0] = '0';
    w->seq_len = 1;
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
            if (!w->failed)
                w->sys_errno = errno;
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

/* Stores byte k of x (counted from the low end) at p[k], on any host. */
static inline void store8(char *p, uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    memcpy(p, &x, 8);
}

#define ASCII0 0x3030303030303030ull

/* The 8 decimal digits of v < 10^8, most significant in the low byte, as
 * values 0-9: split in two halves of 4 digits, each half in two of 2,
 * each of those in two digits, all lanes at once. The multiply-shifts
 * divide exactly in these ranges (x * 10486 >> 20 = x / 100 for
 * x < 10^4; x * 103 >> 10 = x / 10 for x < 100). */
static inline uint64_t digits8(uint32_t v)
{
    uint64_t x = (uint64_t)(v / 10000) | (uint64_t)(v % 10000) << 32;
    uint64_t h = (x * 10486 >> 20) & 0x0000007f0000007full;
    x = h | (x - h * 100) << 16;
    h = (x * 103 >> 10) & 0x000f000f000f000full;
    return h | (x - h * 10) << 8;
}

/* v < 10^8 without leading zeros: one 8-byte store, cut at the first
 * non-zero digit. */
static inline char *put_upto8(char *p, uint32_t v)
{
    uint64_t x = digits8(v);
    unsigned skip = (unsigned)__builtin_ctzll(x | 1ull << 56) >> 3;
    store8(p, (x + ASCII0) >> (skip * 8));
    return p + 8 - skip;
}

static char *put_u64_big(char *p, uint64_t v)
{
    uint64_t lo = v % 100000000u;
    v /= 100000000u;
    if (v < 100000000u) {
        p = put_upto8(p, (uint32_t)v);
    } else {
        p = put_upto8(p, (uint32_t)(v / 100000000u));
        store8(p, digits8((uint32_t)(v % 100000000u)) + ASCII0);
        p += 8;
    }
    store8(p, digits8((uint32_t)lo) + ASCII0);
    return p + 8;
}

static inline char *put_u64(char *p, uint64_t v)
{
    if (v < 100000000u)
        return put_upto8(p, (uint32_t)v);
    return put_u64_big(p, v);
}

/* Fills c with the text SECONDS.NNNNNNNNN of ts. Times of one second
 * keep the seconds' digits at the start of the text (and need no
 * division). */
static ALWAYS_INLINE void ts_fill(ts_cache *c, fc_ts ts)
{
    uint64_t u = (uint64_t)ts, ns = u - c->sec_ns;
    c->ts = ts;
    if (ts < 0) {
        c->len = (uint8_t)fc_ts_format(ts, c->text, sizeof c->text);
        c->slen = 0;
        return;
    }
    if (!c->slen || ns >= 1000000000u) {
        uint64_t sec = u / 1000000000u;
        c->sec_ns = sec * 1000000000u;
        ns = u - c->sec_ns;
        c->slen = (uint8_t)(put_u64(c->text, sec) - c->text);
    }
    char *p = c->text + c->slen;
    p[0] = '.';
    p[1] = (char)('0' + (uint32_t)ns / 100000000u);
    store8(p + 2, digits8((uint32_t)ns % 100000000u) + ASCII0);
    c->len = (uint8_t)(c->slen + 10);
}

/* Consecutive events often share a time (the events of one packet,
 * flow_start of one flow), so the last text is reused. */
static ALWAYS_INLINE char *put_ts(char *p, fc_ts ts, ts_cache *c)
{
    if (!c->len || c->ts != ts)
        ts_fill(c, ts);
    memcpy(p, c->text, sizeof c->text);
    return p + c->len;
}

static inline char *put_name(char *p, const name16 *n)
{
    memcpy(p, n->c, 16);
    return p + n->len;
}

static inline char *put_octet(const fc_writer *w, char *p, uint8_t v)
{
    memcpy(p, w->octet[v], 4);
    return p + w->octet_len[v];
}

static inline char *put_ipv4(const fc_writer *w, char *p, const uint8_t *a)
{
    p = put_octet(w, p, a[0]);
    p = put_octet(w, p, a[1]);
    p = put_octet(w, p, a[2]);
    p = put_octet(w, p, a[3]);
    return p - 1; /* the last dot */
}

/* Up to 4 hex digits, no leading zeros: 4 digits from the digit-pair
 * table, shifted so the first significant one comes first. */
static inline char *put_hex16(const fc_writer *w, char *p, const uint8_t *a)
{
    int n = (32 - __builtin_clz((unsigned)a[0] << 8 | a[1] | 1) + 3) >> 2;
    uint64_t x = w->hex2[a[0]] | (uint64_t)w->hex2[a[1]] << 16;
    store8(p, x >> (8 * (4 - n)));
    return p + n;
}

/* The same text as fc_addr_format() (RFC 5952, IPv4-mapped tail), with
 * the same choice of zero run, taken from a table by the groups' zero
 * mask. */
static char *put_ipv6(const fc_writer *w, char *p, const uint8_t *a)
{
    unsigned zero = 0;
    for (int i = 0; i < 8; i++)
        zero |= (unsigned)((a[2 * i] | a[2 * i + 1]) == 0) << i;
    int best = w->zrun[zero].start, best_len = w->zrun[zero].len;
    int mapped = (zero & 0x1f) == 0x1f && a[10] == 0xff && a[11] == 0xff;
    int last = mapped ? 6 : 8;
    for (int i = 0; i < last; i++) {
        if (i == best) {
            p = put_lit(p, "::", 2);
            i += best_len - 1;
            continue;
        }
        if (i > 0 && i != best + best_len)
            *p++ = ':';
        p = put_hex16(w, p, a + 2 * i);
    }
    if (mapped) {
        if (best + best_len != 6)
            *p++ = ':';
        p = put_ipv4(w, p, a + 12);
    }
    return p;
}

static inline char *put_addr(const fc_writer *w, char *p, int family, const uint8_t *a)
{
    if (family != FC_AF_INET6)
        return put_ipv4(w, p, a);
    return put_ipv6(w, p, a);
}

/* Copies n bytes (n <= KEY_TEXT_MAX) in moves of 32, the first 64 bytes
 * always: a CSV key of an IPv4 flow is shorter. */
static inline void copy32s(char *dst, const char *src, size_t n)
{
    memcpy(dst, src, 64);
    for (size_t o = 64; o < n; o += 32)
        memcpy(dst + o, src + o, 32);
}

/* ---- rows: one body for both formats, inlined twice with json a
 * constant, so no column tests the format. CSV writes every column
 * (empty = nothing between commas); JSON writes present ones as
 * "name":value. seq is always first and present, so every later column
 * starts with a comma. ---- */

/* The separator and, in JSON, the column's name: `,` or `,"name":`. */
#define KEY(p, json, name) \
    ((json) ? put_lit(p, ",\"" name "\":", sizeof(name) + 3) : put_lit(p, ",", 1))

static inline char *quote(char *p, int json)
{
    if (json)
        *p++ = '"';
    return p;
}

/* CSV: count empty columns; JSON: nothing. */
static inline char *empties(char *p, int json, size_t count)
{
    if (json)
        return p;
    memset(p, ',', 16);
    return p + count;
}

/* A word column that may be empty (reason, history). */
static ALWAYS_INLINE char *col_name(char *p, int json, const char *kjson, size_t klen,
                                    const name16 *n)
{
    if (!json) {
        *p++ = ',';
        return put_name(p, n);
    }
    if (!n->len)
        return p;
    p = put_lit(p, kjson, klen);
    p = put_name(p, n);
    *p++ = '"';
    return p;
}
#define COL_NAME(p, json, name, n) col_name(p, json, ",\"" name "\":\"", sizeof(name) + 4, n)

static inline unsigned clamp(unsigned v, unsigned count)
{
    return v < count ? v : count;
}

/* proto .. resp_p, from the last row's text when it names the same
 * endpoints. */
static ALWAYS_INLINE char *key_columns(fc_writer *w, const fc_event *ev, char *p, int json)
{
    key_cache *kc = &w->kc;
    if (kc->len && kc->orient == (uint8_t)ev->init_orient && fc_key_equal(&kc->key, &ev->key)) {
        copy32s(p, kc->text, kc->len);
        return p + kc->len;
    }
    const uint8_t *oh, *rh;
    uint16_t op, rp;
    char *k0 = p;
    fc_event_endpoints(ev, &oh, &op, &rh, &rp);
    p = quote(KEY(p, json, "proto"), json);
    p = quote(put_name(p, &w->proto[ev->key.proto]), json);
    p = quote(KEY(p, json, "orig_h"), json);
    p = quote(put_addr(w, p, ev->key.family, oh), json);
    p = put_u64(KEY(p, json, "orig_p"), op);
    p = quote(KEY(p, json, "resp_h"), json);
    p = quote(put_addr(w, p, ev->key.family, rh), json);
    p = put_u64(KEY(p, json, "resp_p"), rp);
    size_t n = (size_t)(p - k0);
    kc->len = 0;
    if (n <= KEY_TEXT_MAX) {
        copy32s(kc->text, k0, n);
        kc->len = (uint8_t)n;
        kc->key = ev->key;
        kc->orient = (uint8_t)ev->init_orient;
    }
    return p;
}

/* side .. history */
static ALWAYS_INLINE char *type_columns(fc_writer *w, const fc_event *ev, char *p, int json)
{
    switch (ev->type) {
    case FC_EV_STARTED:
    case FC_EV_PACKET:
        p = quote(KEY(p, json, "side"), json);
        p = quote(put_lit(p, ev->side == FC_SIDE_INITIATOR ? "orig" : "resp", 4), json);
        if (ev->type == FC_EV_PACKET)
            p = put_u64(KEY(p, json, "len"), ev->len);
        else
            p = empties(p, json, 1);
        return empties(p, json, 8);
    case FC_EV_ESTABLISHED:
    case FC_EV_STATE_CHANGE:
        p = empties(p, json, 2);
        p = COL_NAME(p, json, "from_state", &w->st_name[clamp(ev->from, FC_STATE_COUNT)]);
        p = COL_NAME(p, json, "to_state", &w->st_name[clamp(ev->to, FC_STATE_COUNT)]);
        return empties(p, json, 6);
    case FC_EV_ENDED: {
        name16 h;
        size_t hl = ev->history.len < FC_HISTORY_MAX ? ev->history.len : FC_HISTORY_MAX;
        memcpy(h.c, ev->history.c, 16);
        h.len = (uint8_t)hl;
        p = empties(p, json, 4);
        p = COL_NAME(p, json, "reason", &w->rs_name[clamp(ev->reason, FC_END_COUNT)]);
        p = put_u64(KEY(p, json, "orig_pkts"), ev->stats.packets[FC_SIDE_INITIATOR]);
        p = put_u64(KEY(p, json, "resp_pkts"), ev->stats.packets[FC_SIDE_RESPONDER]);
        p = put_u64(KEY(p, json, "orig_bytes"), ev->stats.bytes[FC_SIDE_INITIATOR]);
        p = put_u64(KEY(p, json, "resp_bytes"), ev->stats.bytes[FC_SIDE_RESPONDER]);
        return COL_NAME(p, json, "history", &h);
    }
    default:
        return empties(p, json, 10);
    }
}

static ALWAYS_INLINE char *event_columns(fc_writer *w, const fc_event *ev, char *p, int json)
{
    if (json)
        p = put_lit(p, "{\"seq\":", 7);
    memcpy(p, w->seq_text, sizeof w->seq_text);
    p += w->seq_len;
    p = quote(KEY(p, json, "ts"), json);
    p = quote(put_ts(p, ev->ts, &w->ts_ev), json);
    p = quote(KEY(p, json, "event"), json);
    p = quote(put_name(p, &w->ev_name[clamp(ev->type, FC_EV_COUNT)]), json);
    p = key_columns(w, ev, p, json);
    p = type_columns(w, ev, p, json);
    /* started rows: flow_start is ts, whose text was just made */
    fc_ts st = ev->stats.started;
    p = quote(KEY(p, json, "flow_start"), json);
    p = quote(put_ts(p, st, st == ev->ts ? &w->ts_ev : &w->ts_start), json);
    return put_u64(KEY(p, json, "fmt"), FC_EVENT_FORMAT_VERSION);
}

/* Adds one to the decimal text of seq. */
static inline void seq_next(fc_writer *w)
{
    int i = w->seq_len - 1;
    while (i >= 0 && w->seq_text[i] == '9')
        w->seq_text[i--] = '0';
    if (i >= 0) {
        w->seq_text[i]++;
    } else { /* 99..9 + 1 */
        w->seq_text[0] = '1';
        w->seq_text[w->seq_len++] = '0';
    }
    w->seq++;
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

int fc_writer_columns(fc_writer *w, const char *list, int time_iso, char *err, size_t cap)
{
    fc__wsel_free(w->sel);
    w->sel = fc__wsel_new(columns, NCOLS, &w->ext, list, time_iso, err, cap);
    if (!w->sel)
        return cap && err[0] ? FC_EINVAL : FC_ENOMEM;
    return FC_OK;
}

static int header_row(fc_writer *w)
{
    if (reserve(w) != FC_OK)
        return FC_EIO;
    char *p = w->buf + w->len;
    if (w->sel) {
        p = fc__wsel_header(w->sel, p);
        *p++ = '\n';
        w->len = (size_t)(p - w->buf);
        w->header_done = 1;
        return FC_OK;
    }
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

static ALWAYS_INLINE int write_event(fc_writer *w, const fc_event *ev)
{
    int json = w->fmt == FC_FMT_JSONL;

    if ((w->flags & FC_WRITER_LIFECYCLE) && ev->type == FC_EV_PACKET)
        return w->failed ? FC_EIO : FC_OK;
    if (!json && !w->header_done && header_row(w) != FC_OK)
        return FC_EIO;
    if (reserve(w) != FC_OK)
        return FC_EIO;
    seq_next(w);
    char *p = w->buf + w->len;
    if (w->sel) {
        char *r = event_columns(w, ev, w->row, 0);
        if (w->ext.ncols)
            r = ext_columns(w, ev, r, 0);
        *r = '\0';
        p = fc__wsel_row(w->sel, ev, w->row, (size_t)(r - w->row), p, json);
        if (json)
            *p++ = '}';
        *p++ = '\n';
        w->len = (size_t)(p - w->buf);
        return FC_OK;
    }
    p = json ? event_columns(w, ev, p, 1) : event_columns(w, ev, p, 0);
    if (w->ext.ncols)
        p = ext_columns(w, ev, p, json);
    if (json)
        *p++ = '}';
    *p++ = '\n';
    w->len = (size_t)(p - w->buf);
    return FC_OK;
}

int fc_writer_events(fc_writer *w, const fc_event *ev, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (write_event(w, &ev[i]) != FC_OK)
            return FC_EIO;
    return FC_OK;
}

int fc_writer_event(fc_writer *w, const fc_event *ev)
{
    return fc_writer_events(w, ev, 1);
}

uint64_t fc_writer_count(const fc_writer *w)
{
    return w->seq;
}

int fc_writer_errno(const fc_writer *w)
{
    return w->failed ? w->sys_errno : 0;
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
    fc__wsel_free(w->sel);
    fc_free(w);
    return rc;
}
