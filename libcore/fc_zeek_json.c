/* fc_zeek_json.c - conn.log columns by name (--fields) for the TSV
 * writer, and Zeek's JSON log format.
 *
 * JSON follows Zeek's ASCII writer with use_json: field names as in the
 * TSV header, time and interval as JSON numbers of seconds (Zeek's
 * default JSON::TS_EPOCH) with at most 6 decimals and no trailing zeros,
 * port and count as integers, unset fields ("-") left out. */
#include <stdio.h>
#include <string.h>
#include "fc_error.h"
#include "fc_zeek.h"
#include "fc_zeek_int.h"

static const char *const names[FC_ZEEK_NCOLS] = {
    "ts",           "uid",        "id.orig_h",  "id.orig_p",     "id.resp_h",
    "id.resp_p",    "proto",      "service",    "duration",      "orig_bytes",
    "resp_bytes",   "conn_state", "local_orig", "local_resp",    "missed_bytes",
    "history",      "orig_pkts",  "orig_ip_bytes", "resp_pkts",  "resp_ip_bytes",
    "tunnel_parents", "community_id"};
static const char *const types[FC_ZEEK_NCOLS] = {
    "time",   "string", "addr",   "port",   "addr",  "port",  "enum",  "string",
    "interval", "count", "count", "string", "bool",  "bool",  "count", "string",
    "count",  "count",  "count",  "count",  "set[string]", "string"};

const char *fc_zeek_col_name(int i)
{
    return i >= 0 && i < FC_ZEEK_NCOLS ? names[i] : NULL;
}

const char *fc_zeek_col_type(int i)
{
    return i >= 0 && i < FC_ZEEK_NCOLS ? types[i] : NULL;
}

int fc_zeek_cols_parse(const char *list, fc_zeek_cols *c, char *err, size_t cap)
{
    const char *p = list;
    memset(c, 0, sizeof *c);
    for (;;) {
        size_t len = strcspn(p, ","), i;
        for (i = 0; i < FC_ZEEK_NCOLS; i++)
            if (strlen(names[i]) == len && !memcmp(names[i], p, len))
                break;
        if (i == FC_ZEEK_NCOLS || c->n == FC_ZEEK_NCOLS) {
            size_t k = (size_t)snprintf(err, cap, "unknown field '%.*s'; valid: ", (int)len, p);
            for (int j = 0; j < FC_ZEEK_NCOLS && k < cap; j++)
                k += (size_t)snprintf(err + k, cap - k, "%s%s", j ? "," : "", names[j]);
            return FC_EFORMAT;
        }
        c->col[c->n++] = (uint8_t)i;
        p += len;
        if (!*p)
            return 0;
        p++;
    }
}

static int ncols(const fc_zeek_cols *c)
{
    return c && c->n ? c->n : FC_ZEEK_NCOLS;
}

static int col_at(const fc_zeek_cols *c, int i)
{
    return c && c->n ? c->col[i] : i;
}

int fc_zeek_tsv_header_cols(FILE *f, fc_ts open_ts, const fc_zeek_cols *c)
{
    char date[32];
    if (!c || !c->n)
        return fc_zeek_tsv_header(f, open_ts);
    fc__zeek_fmt_date(date, sizeof date, open_ts);
    if (fprintf(f,
                "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
                "#unset_field\t-\n#path\tconn\n#open\t%s\n#fields",
                date) < 0)
        return FC_EIO;
    for (int i = 0; i < c->n; i++)
        if (fprintf(f, "\t%s", names[c->col[i]]) < 0)
            return FC_EIO;
    if (fputs("\n#types", f) < 0)
        return FC_EIO;
    for (int i = 0; i < c->n; i++)
        if (fprintf(f, "\t%s", types[c->col[i]]) < 0)
            return FC_EIO;
    return fputc('\n', f) < 0 ? FC_EIO : 0;
}

int fc_zeek_tsv_row_cols(FILE *f, const fc_zeek_rec *r, uint16_t cid_seed,
                         const fc_zeek_cols *c)
{
    fc__zeek_row_t row;
    if (!c || !c->n)
        return fc_zeek_tsv_row(f, r, cid_seed);
    fc__zeek_row(r, cid_seed, &row);
    for (int i = 0; i < c->n; i++)
        if (fprintf(f, "%s%s", i ? "\t" : "", row.v[c->col[i]]) < 0)
            return FC_EIO;
    return fputc('\n', f) < 0 ? FC_EIO : 0;
}

/* "12.500000" -> "12.5", "3.000000" -> "3.0": rapidjson's way with 6
 * decimal places, which Zeek's JSON writer uses. */
static void trim_zeros(char *s)
{
    char *dot = strchr(s, '.');
    if (!dot)
        return;
    size_t n = strlen(s);
    while (n > (size_t)(dot - s) + 2 && s[n - 1] == '0')
        s[--n] = '\0';
}

size_t fc_zeek_json_secs(fc_ts t, char *buf, size_t cap)
{
    char tmp[40];
    if (!cap)
        return 0;
    fc__zeek_fmt_secs(tmp, sizeof tmp, t);
    trim_zeros(tmp);
    return (size_t)snprintf(buf, cap, "%s", tmp);
}

static int json_str(FILE *f, const char *s)
{
    if (fputc('"', f) < 0)
        return -1;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        int rc = ch == '"' || ch == '\\' ? fprintf(f, "\\%c", ch)
                 : ch < 0x20              ? fprintf(f, "\\u%04x", ch)
                                          : fputc(ch, f);
        if (rc < 0)
            return -1;
    }
    return fputc('"', f) < 0 ? -1 : 0;
}

int fc_zeek_json_row(FILE *f, const fc_zeek_rec *r, uint16_t cid_seed, const fc_zeek_cols *c)
{
    fc__zeek_row_t row;
    char num[40];
    int first = 1;
    fc__zeek_row(r, cid_seed, &row);
    if (fputc('{', f) < 0)
        return FC_EIO;
    for (int i = 0, n = ncols(c); i < n; i++) {
        int k = col_at(c, i);
        const char *v = row.v[k], *t = types[k];
        if (!strcmp(v, "-"))
            continue; /* unset: Zeek's JSON leaves it out */
        if ((!first && fputc(',', f) < 0) || json_str(f, names[k]) != 0 || fputc(':', f) < 0)
            return FC_EIO;
        first = 0;
        if (!strcmp(t, "time") || !strcmp(t, "interval")) {
            snprintf(num, sizeof num, "%s", v);
            trim_zeros(num);
            if (fputs(num, f) < 0)
                return FC_EIO;
        } else if (!strcmp(t, "port") || !strcmp(t, "count")) {
            if (fputs(v, f) < 0)
                return FC_EIO;
        } else if (!strcmp(t, "set[string]")) {
            /* a set: an array of its comma-separated members */
            if (fputc('[', f) < 0)
                return FC_EIO;
            for (const char *p = v; *p;) {
                size_t l = strcspn(p, ",");
                snprintf(num, sizeof num, "%.*s", (int)l, p);
                if ((p != v && fputc(',', f) < 0) || json_str(f, num) != 0)
                    return FC_EIO;
                p += l + (p[l] == ',');
            }
            if (fputc(']', f) < 0)
                return FC_EIO;
        } else if (json_str(f, v) != 0) {
            return FC_EIO;
        }
    }
    return fputs("}\n", f) < 0 ? FC_EIO : 0;
}
