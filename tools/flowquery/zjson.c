/* zjson.c - a query's rows in Zeek's JSON log style (--format zeek-json),
 * the conventions of flowreplay's writer (libcore/fc_zeek_json.c): one
 * object a line, NULL (Zeek's unset "-") left out, and a column named as
 * a conn.log field typed as Zeek types it:
 *   time      epoch seconds with up to 6 decimals; the conn view's ts is
 *             ISO 8601 text, read back into nanoseconds first
 *   interval  seconds, the same way (duration is a REAL of seconds)
 *   count, port  integers
 *   bool      true/false (1/0 or Zeek's T/F)
 *   set[string]  an array of the comma-separated members
 *   string, addr, enum  strings, even when SQLite holds a number; proto
 *             as Zeek's transport_proto (icmp6 is icmp, sctp and others
 *             unknown_transport)
 * so that `select * from conn` gives the records flowreplay --zeek
 * --format zeek-json writes. Other columns keep SQLite's type: INTEGER
 * and REAL as JSON numbers, anything else as a string. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fk_cli.h"
#include "flowcore.h"
#include "fq.h"

/* Zeek's type of a column by its name, NULL when it is no conn.log
 * field. */
static const char *zeek_type(const char *name)
{
    for (int i = 0; fc_zeek_col_name(i); i++)
        if (strcmp(fc_zeek_col_name(i), name) == 0)
            return fc_zeek_col_type(i);
    return NULL;
}

/* Zeek's transport_proto enum has tcp, udp, icmp (ICMPv6 too) and
 * unknown_transport; the view keeps the seed's names (icmp6, sctp, or
 * the protocol number). */
static const char *transport_proto(const char *v)
{
    if (!strcmp(v, "tcp") || !strcmp(v, "udp") || !strcmp(v, "icmp"))
        return v;
    return !strcmp(v, "icmp6") ? "icmp" : "unknown_transport";
}

/* Seconds for a time or interval column: ISO 8601 text (the conn view's
 * ts), or a number of seconds (REAL or INTEGER, as duration is). 0 when
 * written, -1 when the value is neither (then it goes out as it is). */
static int secs(sqlite3_stmt *st, int i, int ty, const char *v, FILE *out)
{
    fc_ts t;
    char buf[40];
    if (ty == SQLITE_TEXT) {
        if (fk_parse_time(v, &t) != 0)
            return -1;
    } else if (ty == SQLITE_INTEGER) {
        t = (fc_ts)sqlite3_column_int64(st, i) * 1000000000;
    } else if (ty == SQLITE_FLOAT) {
        /* duration_ns / 1e9 times 1e9 is duration_ns again (to far below
         * half a nanosecond for any duration under days), so the rounding
         * to the microsecond is the writer's own */
        double d = sqlite3_column_double(st, i) * 1e9;
        if (!isfinite(d) || fabs(d) > 9e18)
            return -1;
        t = (fc_ts)llround(d);
    } else {
        return -1;
    }
    fc_zeek_json_secs(t, buf, sizeof buf);
    fputs(buf, out);
    return 0;
}

/* A set: the members of Zeek's comma-separated TSV form. */
static void set(const char *v, FILE *out)
{
    putc('[', out);
    for (const char *p = v; *p;) {
        size_t l = strcspn(p, ",");
        char *m = strndup(p, l);
        if (p != v)
            putc(',', out);
        fq_json_string(out, m ? m : "");
        free(m);
        p += l + (p[l] == ',');
    }
    putc(']', out);
}

void fq_zeek_json_row(sqlite3_stmt *st, FILE *out)
{
    int n = sqlite3_column_count(st), first = 1;
    putc('{', out);
    for (int i = 0; i < n; i++) {
        int ty = sqlite3_column_type(st, i);
        const char *v = (const char *)sqlite3_column_text(st, i);
        if (ty == SQLITE_NULL || !v)
            continue; /* unset: left out */
        const char *name = sqlite3_column_name(st, i);
        const char *zt = zeek_type(name);
        /* Zeek logs a connection's duration (and its byte counts, which
         * the conn view already leaves NULL) only when it is above 0 */
        if (!strcmp(name, "duration") && (ty == SQLITE_INTEGER || ty == SQLITE_FLOAT) &&
            sqlite3_column_double(st, i) == 0)
            continue;
        if (!first)
            putc(',', out);
        first = 0;
        fq_json_string(out, name);
        putc(':', out);
        if (zt && (!strcmp(zt, "time") || !strcmp(zt, "interval"))) {
            if (secs(st, i, ty, v, out) == 0)
                continue;
        } else if (zt && (!strcmp(zt, "count") || !strcmp(zt, "port"))) {
            if (ty == SQLITE_INTEGER) {
                fputs(v, out);
                continue;
            }
        } else if (zt && !strcmp(zt, "bool")) {
            if (!strcmp(v, "1") || !strcmp(v, "T") || !strcmp(v, "0") || !strcmp(v, "F")) {
                fputs(*v == '1' || *v == 'T' ? "true" : "false", out);
                continue;
            }
        } else if (zt && !strcmp(zt, "set[string]")) {
            set(v, out);
            continue;
        } else if (zt) { /* string, addr, enum */
            if (!strcmp(name, "proto"))
                v = transport_proto(v);
            fq_json_string(out, v);
            continue;
        }
        /* not a Zeek field, or a value its type cannot take: SQLite's */
        if ((ty == SQLITE_INTEGER || ty == SQLITE_FLOAT) && fq_json_number(v))
            fputs(v, out);
        else
            fq_json_string(out, v);
    }
    fputs("}\n", out);
}
