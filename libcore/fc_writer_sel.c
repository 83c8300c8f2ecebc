/* fc_writer_sel.c - chosen columns and ISO times for fc_writer (see
 * fc_writer_int.h). Values are taken from the fast path's CSV text, so
 * a column reads the same whichever columns are chosen. */
#include <stdio.h>
#include <string.h>
#include "fc_alloc.h"
#include "fc_timefmt.h"
#include "fc_writer_int.h"

#define SEL_MAX 64

/* Core columns written as JSON numbers (docs/format-jsonl.md). */
static const char *const core_num[] = {"seq",       "orig_p",    "resp_p",     "len",
                                       "orig_pkts", "resp_pkts", "orig_bytes", "resp_bytes",
                                       "fmt"};

struct fc__wsel {
    size_t n;             /* chosen columns */
    size_t total;         /* columns in a full row */
    int col[SEL_MAX];     /* index into the full row */
    const char *name[SEL_MAX];
    unsigned char num[SEL_MAX];
    int iso;
    int ts_col, start_col; /* columns holding times (-1: none) */
    const char *field[SEL_MAX + 8]; /* per row: start of each full-row field */
    size_t flen[SEL_MAX + 8];
};

static int is_core_num(const char *n)
{
    for (size_t i = 0; i < sizeof core_num / sizeof core_num[0]; i++)
        if (!strcmp(core_num[i], n))
            return 1;
    return 0;
}

/* err: "unknown field 'x'; valid: a,b,..." (cut to cap). */
static void unknown(const char *const *names, size_t ncore, const fc_writer_ext *ext,
                    const char *bad, size_t blen, char *err, size_t cap)
{
    size_t k = (size_t)snprintf(err, cap, "unknown field '%.*s'; valid: ", (int)blen, bad);
    size_t next = ncore + (ext ? ext->ncols : 0);
    for (size_t i = 0; i < next && k < cap; i++) {
        const char *n = i < ncore ? names[i] : ext->names[i - ncore];
        k += (size_t)snprintf(err + k, cap - k, "%s%s", i ? "," : "", n);
    }
}

fc__wsel *fc__wsel_new(const char *const *names, size_t ncore, const fc_writer_ext *ext,
                       const char *list, int iso, char *err, size_t cap)
{
    size_t next = ext ? ext->ncols : 0, total = ncore + next;
    if (cap)
        err[0] = '\0';
    if (total > SEL_MAX)
        total = SEL_MAX;
    fc__wsel *s = fc_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->iso = iso;
    s->total = total;
    s->ts_col = s->start_col = -1;
    for (size_t i = 0; i < total; i++) {
        const char *n = i < ncore ? names[i] : ext->names[i - ncore];
        if (!strcmp(n, "ts"))
            s->ts_col = (int)i;
        else if (!strcmp(n, "flow_start"))
            s->start_col = (int)i;
    }
    const char *p = list;
    for (;;) {
        size_t len = 0;
        int found = -1;
        if (list) {
            len = strcspn(p, ",");
            for (size_t i = 0; i < total && found < 0; i++) {
                const char *n = i < ncore ? names[i] : ext->names[i - ncore];
                if (strlen(n) == len && !memcmp(n, p, len))
                    found = (int)i;
            }
            if (found < 0 || s->n == SEL_MAX) {
                unknown(names, ncore, ext, p, len, err, cap);
                fc_free(s);
                return NULL;
            }
        } else {
            if (s->n == total)
                break;
            found = (int)s->n;
        }
        /* found >= ncore only when ext has columns (total counts them) */
        const char *n = (size_t)found < ncore ? names[found]
                        : ext                 ? ext->names[found - ncore]
                                              : "";
        s->col[s->n] = found;
        s->name[s->n] = n;
        s->num[s->n] = (size_t)found < ncore
                           ? (unsigned char)is_core_num(n)
                           : (unsigned char)(ext && ext->json_num && ext->json_num[found - ncore]);
        s->n++;
        if (list) {
            p += len;
            if (!*p)
                break;
            p++;
        }
    }
    return s;
}

void fc__wsel_free(fc__wsel *s)
{
    fc_free(s);
}

char *fc__wsel_header(const fc__wsel *s, char *p)
{
    for (size_t i = 0; i < s->n; i++) {
        size_t l = strlen(s->name[i]);
        if (i)
            *p++ = ',';
        memcpy(p, s->name[i], l);
        p += l;
    }
    return p;
}

/* Splits a CSV row into its fields (quoted fields keep their quotes). */
static void split(fc__wsel *s, const char *row, size_t len)
{
    size_t f = 0, i = 0;
    while (f < s->total) {
        size_t st = i;
        int q = 0;
        while (i < len && (q || row[i] != ',')) {
            if (row[i] == '"')
                q = !q;
            i++;
        }
        s->field[f] = row + st;
        s->flen[f] = i - st;
        f++;
        if (i >= len)
            break;
        i++; /* the comma */
    }
    for (; f < s->total; f++) {
        s->field[f] = row + len;
        s->flen[f] = 0;
    }
}

/* A CSV field's text as JSON: quotes removed, "" made ", escaped. */
static char *json_text(char *p, const char *v, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    int quoted = n >= 2 && v[0] == '"';
    if (quoted) {
        v++;
        n -= 2;
    }
    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (quoted && c == '"' && i + 1 < n && v[i + 1] == '"')
            i++;
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c < 0x20) {
            *p++ = '\\';
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        } else {
            *p++ = (char)c;
        }
    }
    *p++ = '"';
    return p;
}

char *fc__wsel_row(fc__wsel *s, const fc_event *ev, char *row, size_t len, char *p, int json)
{
    char iso[2][48];
    split(s, row, len);
    if (s->iso) {
        /* the same times the fast path wrote, as ISO text */
        if (s->ts_col >= 0) {
            s->flen[s->ts_col] = fc_ts_format_iso(ev->ts, iso[0], sizeof iso[0]);
            s->field[s->ts_col] = iso[0];
        }
        if (s->start_col >= 0) {
            s->flen[s->start_col] = fc_ts_format_iso(ev->stats.started, iso[1], sizeof iso[1]);
            s->field[s->start_col] = iso[1];
        }
    }
    int first = 1;
    for (size_t i = 0; i < s->n; i++) {
        const char *v = s->field[s->col[i]];
        size_t n = s->flen[s->col[i]];
        if (!json) {
            if (i)
                *p++ = ',';
            memcpy(p, v, n);
            p += n;
            continue;
        }
        if (!n)
            continue; /* empty: left out, as the fast path does */
        *p++ = first ? '{' : ',';
        first = 0;
        p = json_text(p, s->name[i], strlen(s->name[i]));
        *p++ = ':';
        if (s->num[i]) {
            memcpy(p, v, n);
            p += n;
        } else {
            p = json_text(p, v, n);
        }
    }
    if (json && first)
        *p++ = '{';
    return p;
}
