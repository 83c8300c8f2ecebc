/* flowdiff_values.c - the checks of an event's values that both parsers
 * (flowdiff_csv.c, flowdiff_jsonl.c) make once a row is split: numbers,
 * times, the event type, sequence and format version across rows. */
#include <stdint.h>
#include <string.h>
#include "flowdiff_values.h"

/* Strict unsigned decimal: digits only, no sign, no overflow. */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    unsigned d;

    if (n == 0 || n > 20)
        return -1;
    /* 19 digits always fit; only a 20th can overflow. */
    for (size_t i = 0; i + 1 < n; i++) {
        d = (unsigned)(s[i] - '0');
        if (d > 9)
            return -1;
        v = v * 10 + d;
    }
    d = (unsigned)(s[n - 1] - '0');
    if (d > 9 || v > (UINT64_MAX - d) / 10)
        return -1;
    *out = v * 10 + d;
    return 0;
}

#define ONES UINT64_C(0x0101010101010101)

/* The eight ASCII digits at s as a number, or -1 if one is not a digit.
 * All eight at once: a byte is a digit when its high nibble is 3 and
 * stays 3 after adding 6; then pairs, quads and the octet are combined
 * by multiplying, each step's sums too small to carry into the next
 * lane. */
static int64_t eight_digits(const char *s)
{
    uint64_t w;

    memcpy(&w, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w); /* the first digit in the low byte */
#endif
    if ((w & (ONES * 0xf0)) != ONES * 0x30 ||
        ((w + ONES * 6) & (ONES * 0xf0)) != ONES * 0x30)
        return -1;
    w &= ONES * 0x0f;
    w = (w * 10 + (w >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
    w = (w * 100 + (w >> 16)) & UINT64_C(0x0000ffff0000ffff);
    w = (w * 10000 + (w >> 32)) & UINT64_C(0xffffffff);
    return (int64_t)w;
}

/* A timestamp as flowreplay writes it, "SECONDS.NNNNNNNNN" with 8 to 10
 * digits of seconds below 9e9, parsed eight digits at a time; any other
 * spelling goes to fc_ts_parse, which gives the same value for this
 * one. */
static int parse_ts(const char *s, size_t n, fc_ts *out)
{
    int64_t sec = 0, lo, frac;
    size_t k = n - 10; /* digits of seconds */

    if (n < 18 || n > 20 || s[k] != '.')
        return fc_ts_parse(s, n, out);
    for (size_t i = 0; i < k - 8; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9)
            return fc_ts_parse(s, n, out);
        sec = sec * 10 + d;
    }
    lo = eight_digits(s + k - 8);
    frac = eight_digits(s + k + 1);
    if (lo < 0 || frac < 0 || (unsigned)(s[n - 1] - '0') > 9)
        return fc_ts_parse(s, n, out);
    sec = sec * 100000000 + lo;
    if (sec >= INT64_C(9000000000))
        return fc_ts_parse(s, n, out);
    *out = sec * FC_NSEC_PER_SEC + frac * 10 + (s[n - 1] - '0');
    return 0;
}

/* The event type named by v[0..n), or -1; the names differ in length. */
static int event_type(const char *v, size_t n)
{
    static const signed char by_len[13] = {
        -1, -1, -1, -1, -1, 4, 1, 0, -1, -1, -1, 2, 3
    };
    int t = n < sizeof by_len ? by_len[n] : -1;

    return t >= 0 && memcmp(v, fd_event_names[t], n) == 0 ? t : -1;
}

static int bad(fd_reader *r, fd__loc_fn *loc, int id, const char *what,
               const fd_event *ev)
{
    uint64_t line, col;
    size_t n;
    const char *v = fd_ev_val(ev, id, &n);

    loc(r, id, &line, &col);
    return fd__rd_err(r, line, col, "%s in column %s: '%.*s'", what,
                      fd_field_name(id), (int)(n > 60 ? 60 : n), v);
}

int fd__rd_validate(fd_reader *r, fd_event *ev, fd__loc_fn *loc)
{
    static const int must[] = {FD_F_PROTO, FD_F_ORIG_H, FD_F_RESP_H};
    static const int ints[] = {FD_F_LEN, FD_F_ORIG_PKTS, FD_F_RESP_PKTS,
                               FD_F_ORIG_BYTES, FD_F_RESP_BYTES};
    const char *v;
    size_t n;
    uint64_t u;
    int i;

    v = fd_ev_val(ev, FD_F_SEQ, &n);
    if (parse_u64(v, n, &ev->seq) != 0)
        return bad(r, loc, FD_F_SEQ, "bad number", ev);
    if (ev->seq != r->last_seq + 1)
        return bad(r, loc, FD_F_SEQ, r->last_seq ? "seq does not follow the previous row"
                                                 : "seq does not start at 1", ev);
    v = fd_ev_val(ev, FD_F_TS, &n);
    if (parse_ts(v, n, &ev->ts) != 0)
        return bad(r, loc, FD_F_TS, "bad timestamp", ev);
    v = fd_ev_val(ev, FD_F_EVENT, &n);
    if ((ev->type = event_type(v, n)) < 0)
        return bad(r, loc, FD_F_EVENT, "unknown event name", ev);
    for (i = 0; i < 3; i++)
        if (ev->len[must[i]] == 0)
            return bad(r, loc, must[i], "empty value", ev);
    v = fd_ev_val(ev, FD_F_ORIG_P, &n);
    if (parse_u64(v, n, &u) != 0 || u > 65535)
        return bad(r, loc, FD_F_ORIG_P, "bad port", ev);
    v = fd_ev_val(ev, FD_F_RESP_P, &n);
    if (parse_u64(v, n, &u) != 0 || u > 65535)
        return bad(r, loc, FD_F_RESP_P, "bad port", ev);
    v = fd_ev_val(ev, FD_F_SIDE, &n);
    if (n != 0 && !(n == 4 && (memcmp(v, "orig", 4) == 0 || memcmp(v, "resp", 4) == 0)))
        return bad(r, loc, FD_F_SIDE, "bad side", ev);
    for (i = 0; i < 5; i++) {
        v = fd_ev_val(ev, ints[i], &n);
        if (n != 0 && parse_u64(v, n, &u) != 0)
            return bad(r, loc, ints[i], "bad number", ev);
    }
    v = fd_ev_val(ev, FD_F_START, &n);
    if (parse_ts(v, n, &ev->start) != 0)
        return bad(r, loc, FD_F_START, "bad timestamp", ev);
    v = fd_ev_val(ev, FD_F_FMT, &n);
    if (parse_u64(v, n, &u) != 0 || u > 1000000)
        return bad(r, loc, FD_F_FMT, "bad format version", ev);
    if (r->fmt < 0)
        r->fmt = (int)u;
    else if ((int)u != r->fmt)
        return bad(r, loc, FD_F_FMT, "format version differs from earlier rows", ev);
    r->last_seq = ev->seq;
    return 1;
}
