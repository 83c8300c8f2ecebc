/* flowdiff_fields.c - the column registry and event value storage.
 * Known columns come from docs/format-csv.md; extra columns named by an
 * input are added on first sight so both files share one id space. */
#include <stdlib.h>
#include <string.h>
#include "flowdiff_event.h"

const char *const fd_event_names[5] = {
    "started", "packet", "established", "state_change", "ended"
};

static const struct {
    const char *name;
    int type;
} known[FD_F_KNOWN] = {
    {"seq", FD_T_INT},        {"ts", FD_T_TS},
    {"event", FD_T_TEXT},     {"proto", FD_T_TEXT},
    {"orig_h", FD_T_TEXT},    {"orig_p", FD_T_INT},
    {"resp_h", FD_T_TEXT},    {"resp_p", FD_T_INT},
    {"side", FD_T_TEXT},      {"len", FD_T_INT},
    {"from_state", FD_T_TEXT}, {"to_state", FD_T_TEXT},
    {"reason", FD_T_TEXT},    {"orig_pkts", FD_T_INT},
    {"resp_pkts", FD_T_INT},  {"orig_bytes", FD_T_INT},
    {"resp_bytes", FD_T_INT}, {"history", FD_T_TEXT},
    {"flow_start", FD_T_TS},  {"fmt", FD_T_INT},
};

static char *extra[FD_MAXF];
static int nfields = FD_F_KNOWN;

int fd_field_count(void)
{
    return nfields;
}

const char *fd_field_name(int id)
{
    if (id < FD_F_KNOWN)
        return known[id].name;
    return id < nfields ? extra[id] : "?";
}

int fd_field_type(int id)
{
    return id < FD_F_KNOWN ? known[id].type : FD_T_TEXT;
}

int fd_field_lookup(const char *name, size_t len)
{
    for (int i = 0; i < nfields; i++) {
        const char *n = fd_field_name(i);
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return i;
    }
    return -1;
}

int fd_field_intern(const char *name, size_t len)
{
    int id = fd_field_lookup(name, len);
    char *copy;

    if (id >= 0)
        return id;
    if (nfields >= FD_MAXF)
        return -1;
    copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, name, len);
    copy[len] = '\0';
    extra[nfields] = copy;
    return nfields++;
}

/* Only ids below nf are ever read, so only those need clearing. */
void fd_ev_reset(fd_event *e)
{
    e->used = 0;
    e->plain = 0;
    e->nf = nfields;
    memset(e->len, 0, (size_t)nfields * sizeof e->len[0]);
}

int fd_ev_reserve(fd_event *e, size_t n)
{
    char *nd;

    if (n <= e->cap)
        return 0;
    /* Room for a longer row and the key too: rows of a file differ by
     * a few bytes, and events are reused for all of them. */
    if (n > UINT32_MAX - 64)
        return -1;
    n += 64;
    nd = realloc(e->data, n);
    if (!nd)
        return -1;
    e->data = nd;
    e->cap = (uint32_t)n;
    return 0;
}

int fd_ev_set(fd_event *e, int id, const char *s, size_t len)
{
    if (len > UINT32_MAX - e->used)
        return -1;
    if (e->used + len > e->cap) {
        uint32_t ncap = e->cap ? e->cap : 256;
        char *nd;
        while (ncap < e->used + len)
            ncap = ncap > UINT32_MAX / 2 ? (uint32_t)(e->used + len) : ncap * 2;
        nd = realloc(e->data, ncap);
        if (!nd)
            return -1;
        e->data = nd;
        e->cap = ncap;
    }
    if (len) /* an empty value may come before any storage exists */
        memcpy(e->data + e->used, s, len);
    e->off[id] = e->used;
    e->len[id] = (uint32_t)len;
    e->used += (uint32_t)len;
    if (id >= e->nf) { /* a key first named in this row */
        memset(e->len + e->nf, 0, (size_t)(id - e->nf) * sizeof e->len[0]);
        e->nf = id + 1;
    }
    return 0;
}

/* Eight bytes per multiply, the words read little-endian so the hash,
 * and with it the order flows are swept in at the end, is the same on
 * every machine. p[n..n+8) must be readable and zero. */
static uint32_t hash_bytes(const char *p, size_t n)
{
    const uint64_t k = UINT64_C(0x9e3779b97f4a7c15);
    uint64_t h = n * k, w;

    for (size_t i = 0; i < n; i += 8) {
        memcpy(&w, p + i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = __builtin_bswap64(w);
#endif
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    return (uint32_t)(h ^ h >> 32);
}

int fd_ev_key(fd_event *e)
{
    static const int kf[5] = {FD_F_PROTO, FD_F_ORIG_H, FD_F_ORIG_P,
                              FD_F_RESP_H, FD_F_RESP_P};
    size_t need = 5 + 8, n; /* separators, zeros the hash reads */
    char *k;

    for (int i = 0; i < 5; i++)
        need += e->len[kf[i]];
    if (fd_ev_reserve(e, (size_t)e->used + need) != 0)
        return -1;
    k = e->data + e->used;
    if (e->plain) {
        /* The five columns are adjacent in the row: one copy, then the
         * commas between them become bars. */
        n = e->off[FD_F_RESP_P] + e->len[FD_F_RESP_P] - e->off[FD_F_PROTO];
        memcpy(k, e->data + e->off[FD_F_PROTO], n);
        for (int i = 0; i < 4; i++)
            k[e->off[kf[i + 1]] - 1 - e->off[FD_F_PROTO]] = '|';
        k[n++] = '|';
    } else {
        n = 0;
        for (int i = 0; i < 5; i++) {
            memcpy(k + n, e->data + e->off[kf[i]], e->len[kf[i]]);
            n += e->len[kf[i]];
            k[n++] = '|';
        }
    }
    memset(k + n, 0, 8);
    e->klen = (uint32_t)n;
    e->hash = hash_bytes(k, n);
    return 0;
}
