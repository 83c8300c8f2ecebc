/* flowdiff_fields.c - the column registry and event value storage.
 * Known columns come from docs/format-csv.md; extra columns named by an
 * input are added on first sight so both files share one id space. */
#include <stdlib.h>
#include <string.h>
#include "flowdiff.h"

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

void fd_ev_reset(fd_event *e)
{
    e->used = 0;
    e->nf = nfields;
    memset(e->len, 0, sizeof e->len);
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
    if (id >= e->nf)
        e->nf = id + 1;
    return 0;
}
