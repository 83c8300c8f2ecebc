/* html.c - the report: one self-contained page (inline CSS and SVG, no
 * script, font or image from anywhere else) on the flows of a database:
 * totals, flows, packets and bytes over time, top talkers and
 * conversations, conn_state, protocols, services and ports, and the
 * captures read with their time ranges and damage. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "flowcore.h"
#include "fq.h"

#define TOP 10
#define BUCKETS 60 /* columns of the time charts, at most */

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fff}"
    "h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;"
    "border-bottom:1px solid #d8dce4;padding-bottom:4px}"
    ".sub{color:#5a6272;margin:0 0 12px}"
    ".totals{display:flex;gap:28px;flex-wrap:wrap;margin:12px 0}"
    ".totals div{min-width:110px}.totals b{display:block;font-size:20px}"
    "figure{margin:8px 0 16px}figcaption{font-weight:600;margin-bottom:4px}"
    ".row{display:flex;flex-wrap:wrap;gap:24px}"
    "svg text{font:12px system-ui,sans-serif;fill:#1d2330}"
    "svg .mark{fill:#3b6fb6}svg .axis{stroke:#8a93a3;stroke-width:1}"
    "svg .value{fill:#5a6272}"
    "table{border-collapse:collapse;font-size:13px}"
    "th,td{padding:3px 10px;border-bottom:1px solid #e4e7ed;text-align:left}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".bad{color:#a3261b;font-weight:600}.none{color:#8a93a3}";

typedef struct q1 {
    sqlite3 *db;
    char *err;
    size_t cap;
    int failed;
} q1;

/* Prepares sql; on error remembers the message and returns NULL. */
static sqlite3_stmt *prep(q1 *q, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (q->failed)
        return NULL;
    if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(q->err, q->cap, "%s", sqlite3_errmsg(q->db));
        q->failed = 1;
        return NULL;
    }
    return st;
}

static int done(q1 *q, sqlite3_stmt *st, int rc)
{
    if (rc != SQLITE_DONE && rc != SQLITE_ROW && !q->failed) {
        snprintf(q->err, q->cap, "%s", sqlite3_errmsg(q->db));
        q->failed = 1;
    }
    sqlite3_finalize(st);
    return q->failed ? -1 : 0;
}

static int has_column(q1 *q, const char *table, const char *col)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT 1 FROM pragma_table_info('%s') WHERE name = '%s'", table,
             col);
    sqlite3_stmt *st = prep(q, sql);
    if (!st)
        return 0;
    int rc = sqlite3_step(st), yes = rc == SQLITE_ROW;
    done(q, st, rc);
    return yes;
}

static void bars_free(fq_bars *b)
{
    for (int i = 0; i < b->n; i++)
        free(b->labels[i]);
    free(b->labels);
    free(b->values);
    memset(b, 0, sizeof *b);
}

/* Rows of (label, value), at most `max`, into b. */
static int load_bars(q1 *q, const char *sql, int max, fq_bars *b)
{
    sqlite3_stmt *st = prep(q, sql);
    int rc = SQLITE_DONE;
    b->n = 0;
    b->labels = calloc((size_t)max, sizeof *b->labels);
    b->values = calloc((size_t)max, sizeof *b->values);
    if (!st || !b->labels || !b->values) {
        if (!q->failed)
            snprintf(q->err, q->cap, "out of memory"), q->failed = 1;
        sqlite3_finalize(st);
        return -1;
    }
    while (b->n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *l = (const char *)sqlite3_column_text(st, 0);
        if (!(b->labels[b->n] = strdup(l ? l : "-"))) {
            snprintf(q->err, q->cap, "out of memory");
            q->failed = 1;
            break;
        }
        b->values[b->n++] = sqlite3_column_double(st, 1);
    }
    return done(q, st, rc);
}

static void chart(q1 *q, FILE *out, const char *id, const char *title, const char *unit,
                  const char *sql, int max)
{
    fq_bars b = {title, unit, 0, NULL, NULL};
    if (load_bars(q, sql, max, &b) == 0)
        fq_svg_hbars(out, id, &b);
    bars_free(&b);
}

static void utc_ns(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        snprintf(buf, cap, "-");
        return;
    }
    int64_t ns = sqlite3_column_int64(st, col);
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    char s[32];
    if (!gmtime_r(&t, &tm) || !strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(s, sizeof s, "%" PRId64, ns / 1000000000);
    snprintf(buf, cap, "%s.%03d", s, (int)(ns % 1000000000 / 1000000));
}

#define MS INT64_C(1000000)
#define SEC INT64_C(1000000000)

/* A column width that people read (10 ms .. 500 ms, 1, 2, 5, 10, 15, 30
 * s, 1 .. 30 min, 1 .. 12 h, days): the first giving < BUCKETS columns
 * over span (ns). */
static int64_t nice_width(int64_t span)
{
    static const int64_t w[] = {10 * MS,   20 * MS,    50 * MS,    100 * MS,   200 * MS,
                                500 * MS,  SEC,        2 * SEC,    5 * SEC,    10 * SEC,
                                15 * SEC,  30 * SEC,   60 * SEC,   120 * SEC,  300 * SEC,
                                600 * SEC, 900 * SEC,  1800 * SEC, 3600 * SEC, 7200 * SEC,
                                10800 * SEC, 21600 * SEC, 43200 * SEC, 86400 * SEC};
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        if (span / w[i] < BUCKETS)
            return w[i];
    return (span / BUCKETS / (86400 * SEC) + 1) * 86400 * SEC;
}

static void timelines(q1 *q, FILE *out, int64_t t0, int64_t t1)
{
    int64_t width = nice_width(t1 - t0);
    t0 -= t0 % width; /* columns start on round times */
    int n = (int)((t1 - t0) / width) + 1;
    fq_bars f = {"Flows started", "flows", n, NULL, calloc((size_t)n, sizeof(double))};
    fq_bars p = {"Packets (of the flows started)", "packets", n, NULL,
                 calloc((size_t)n, sizeof(double))};
    fq_bars y = {"Bytes (of the flows started)", "bytes", n, NULL,
                 calloc((size_t)n, sizeof(double))};
    char sql[320];
    snprintf(sql, sizeof sql,
             "SELECT (start_ns - %" PRId64 ") / %" PRId64
             " AS b, count(*), sum(orig_pkts + resp_pkts), sum(orig_bytes + resp_bytes)"
             " FROM flows GROUP BY b ORDER BY b",
             t0, width);
    sqlite3_stmt *st = f.values && p.values && y.values ? prep(q, sql) : NULL;
    int rc = SQLITE_DONE;
    while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t b = sqlite3_column_int64(st, 0);
        if (b < 0 || b >= n)
            continue;
        f.values[b] = sqlite3_column_double(st, 1);
        p.values[b] = sqlite3_column_double(st, 2);
        y.values[b] = sqlite3_column_double(st, 3);
    }
    if (st && done(q, st, rc) == 0) {
        fputs("<h2>Over time</h2>\n<p class=\"sub\">Each flow counts in the column of its first"
              " packet, with all its packets and bytes.</p>\n", out);
        fq_svg_timeline(out, "flows-over-time", &f, t0, width);
        fq_svg_timeline(out, "packets-over-time", &p, t0, width);
        fq_svg_timeline(out, "bytes-over-time", &y, t0, width);
    } else if (!q->failed) {
        snprintf(q->err, q->cap, "out of memory");
        q->failed = 1;
    }
    free(f.values);
    free(p.values);
    free(y.values);
}

static void conversations(q1 *q, FILE *out)
{
    sqlite3_stmt *st = prep(
        q, "SELECT proto, orig_h, orig_p, resp_h, resp_p, sum(orig_pkts), sum(orig_bytes),"
           " sum(resp_pkts), sum(resp_bytes), sum(orig_bytes + resp_bytes) AS bytes,"
           " (max(end_ns) - min(start_ns)) / 1e9, count(*)"
           " FROM flows GROUP BY proto, orig_h, orig_p, resp_h, resp_p"
           " ORDER BY bytes DESC, orig_h, orig_p, resp_h, resp_p LIMIT 10");
    if (!st)
        return;
    fputs("<figure class=\"table\" data-table=\"conversations\"><figcaption>Top conversations"
          " by bytes (A starts, B answers)</figcaption>\n<table><tr><th>proto</th><th>A</th>"
          "<th>B</th><th>packets A&#8594;B</th><th>bytes A&#8594;B</th><th>packets"
          " B&#8594;A</th><th>bytes B&#8594;A</th><th>duration s</th><th>flows</th></tr>\n",
          out);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char ab[32], ba[32];
        fq_human_bytes(sqlite3_column_double(st, 6), ab, sizeof ab);
        fq_human_bytes(sqlite3_column_double(st, 8), ba, sizeof ba);
        fputs("<tr><td>", out);
        fq_html_text(out, (const char *)sqlite3_column_text(st, 0));
        fputs("</td><td>", out);
        fq_html_text(out, (const char *)sqlite3_column_text(st, 1));
        fprintf(out, ":%d</td><td>", sqlite3_column_int(st, 2));
        fq_html_text(out, (const char *)sqlite3_column_text(st, 3));
        fprintf(out,
                ":%d</td><td class=\"n\">%" PRId64 "</td><td class=\"n\">%s</td><td class=\"n\">"
                "%" PRId64 "</td><td class=\"n\">%s</td><td class=\"n\">%.3f</td>"
                "<td class=\"n\">%d</td></tr>\n",
                sqlite3_column_int(st, 4), (int64_t)sqlite3_column_int64(st, 5), ab,
                (int64_t)sqlite3_column_int64(st, 7), ba, sqlite3_column_double(st, 10),
                sqlite3_column_int(st, 11));
    }
    fputs("</table></figure>\n", out);
    done(q, st, rc);
}

static void captures(q1 *q, FILE *out, const fq_failed *failed)
{
    /* a damage column, when the database has one (captures.status) */
    int status = has_column(q, "captures", "status");
    sqlite3_stmt *st = prep(q, status ? "SELECT path, linktype, packets, flows, first_ns,"
                                        " last_ns, status FROM captures ORDER BY id"
                                      : "SELECT path, linktype, packets, flows, first_ns,"
                                        " last_ns, NULL FROM captures ORDER BY id");
    if (!st)
        return;
    fputs("<h2>Captures read</h2>\n<table data-table=\"captures\"><tr><th>file</th>"
          "<th>link type</th><th>packets</th><th>flows</th><th>first packet (UTC)</th>"
          "<th>last packet (UTC)</th><th>state</th></tr>\n",
          out);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char a[48], b[48];
        const char *s = (const char *)sqlite3_column_text(st, 6);
        utc_ns(st, 4, a, sizeof a);
        utc_ns(st, 5, b, sizeof b);
        int64_t pk = sqlite3_column_int64(st, 2);
        int bad = (s && strcmp(s, "complete") != 0) || pk == 0;
        fputs("<tr><td>", out);
        fq_html_text(out, (const char *)sqlite3_column_text(st, 0));
        fprintf(out,
                "</td><td class=\"n\">%d</td><td class=\"n\">%" PRId64 "</td><td class=\"n\">"
                "%" PRId64 "</td><td>%s</td><td>%s</td><td%s>",
                sqlite3_column_int(st, 1), pk, (int64_t)sqlite3_column_int64(st, 3), a, b,
                bad ? " class=\"bad\"" : "");
        fq_html_text(out, pk == 0 ? "no packets" : s && strcmp(s, "complete") != 0 ? s : "read whole");
        fputs("</td></tr>\n", out);
    }
    for (int i = 0; failed && i < failed->n; i++) {
        fputs("<tr><td>", out);
        fq_html_text(out, failed->paths[i]);
        fputs("</td><td></td><td></td><td></td><td>-</td><td>-</td><td class=\"bad\">damaged or"
              " unreadable: not stored (flowquery's standard error says why)</td></tr>\n",
              out);
    }
    fputs("</table>\n", out);
    done(q, st, rc);
}

int fq_html(sqlite3 *db, const char *sources, const fq_failed *failed, FILE *out, char *err,
            size_t cap)
{
    q1 q = {db, err, cap, 0};
    sqlite3_stmt *st = prep(&q, "SELECT count(*), sum(orig_pkts + resp_pkts),"
                                " sum(orig_bytes + resp_bytes), min(start_ns),"
                                " max(end_ns), count(DISTINCT orig_h),"
                                " (SELECT count(*) FROM captures) FROM flows");
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return done(&q, st, rc), -1;
    int64_t flows = sqlite3_column_int64(st, 0), pkts = sqlite3_column_int64(st, 1);
    double bytes = sqlite3_column_double(st, 2);
    int64_t t0 = sqlite3_column_int64(st, 3), t1 = sqlite3_column_int64(st, 4);
    int64_t hosts = sqlite3_column_int64(st, 5), ncap = sqlite3_column_int64(st, 6);
    sqlite3_finalize(st);

    char hb[32], span[80];
    fq_human_bytes(bytes, hb, sizeof hb);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width\">\n<title>Flows: ",
          out);
    fq_html_text(out, sources);
    fprintf(out, "</title>\n<style>%s</style></head>\n<body>\n<h1>Flows of ", css);
    fq_html_text(out, sources);
    fprintf(out, "</h1>\n<p class=\"sub\">flowquery (flowkit) %s. Flows as flowstore stores"
                 " them; A is the side that started each flow.</p>\n", FC_VERSION);
    int64_t sp = flows ? (t1 - t0) / SEC : 0;
    if (flows && t1 - t0 < 10 * SEC)
        snprintf(span, sizeof span, "%.3f s", (double)(t1 - t0) / SEC);
    else if (sp < 120)
        snprintf(span, sizeof span, "%" PRId64 " s", sp);
    else if (sp < 7200)
        snprintf(span, sizeof span, "%.1f min", sp / 60.0);
    else if (sp < 172800)
        snprintf(span, sizeof span, "%.1f h", sp / 3600.0);
    else
        snprintf(span, sizeof span, "%.1f days", sp / 86400.0);
    fprintf(out,
            "<div class=\"totals\"><div><b>%" PRId64 "</b>flows</div><div><b>%" PRId64
            "</b>packets</div><div><b>%s</b>bytes</div><div><b>%" PRId64
            "</b>hosts starting flows</div><div><b>%s</b>time span</div><div><b>%" PRId64
            "</b>captures</div></div>\n",
            flows, pkts, hb, hosts, span, ncap + (failed ? failed->n : 0));
    if (flows)
        timelines(&q, out, t0, t1);
    fputs("<h2>Who talked</h2>\n<div class=\"row\">\n", out);
    chart(&q, out, "talkers-bytes", "Top talkers by bytes (flows they started, both ways)",
          "bytes",
          "SELECT orig_h, sum(orig_bytes + resp_bytes) AS v FROM flows GROUP BY orig_h"
          " ORDER BY v DESC, orig_h LIMIT 10", TOP);
    chart(&q, out, "talkers-flows", "Top talkers by flows started", "flows",
          "SELECT orig_h, count(*) AS v FROM flows GROUP BY orig_h ORDER BY v DESC, orig_h"
          " LIMIT 10", TOP);
    fputs("</div>\n", out);
    chart(&q, out, "conversations-bytes", "Top conversations by bytes", "bytes",
          "SELECT proto || ' ' || orig_h || ':' || orig_p || ' - ' || resp_h || ':' || resp_p,"
          " sum(orig_bytes + resp_bytes) AS v FROM flows"
          " GROUP BY proto, orig_h, orig_p, resp_h, resp_p"
          " ORDER BY v DESC, orig_h, orig_p, resp_h, resp_p LIMIT 10", TOP);
    conversations(&q, out);
    fputs("<h2>How it went</h2>\n<div class=\"row\">\n", out);
    chart(&q, out, "conn-state", "Connection states (Zeek's conn_state)", "flows",
          "SELECT coalesce(conn_state, '-'), count(*) AS v FROM conn GROUP BY 1"
          " ORDER BY v DESC, 1", 16);
    chart(&q, out, "protocols", "Protocols", "flows",
          "SELECT proto, count(*) AS v FROM flows GROUP BY proto ORDER BY v DESC, proto", 16);
    if (has_column(&q, "flows", "service"))
        chart(&q, out, "services", "Services", "flows",
              "SELECT coalesce(nullif(service, ''), '-'), count(*) AS v FROM flows GROUP BY 1"
              " ORDER BY v DESC, 1 LIMIT 15", 15);
    fputs("</div>\n<div class=\"row\">\n", out);
    chart(&q, out, "ports", "Responder ports by flows", "flows",
          "SELECT resp_p || '/' || proto, count(*) AS v FROM flows"
          " WHERE proto IN ('tcp', 'udp', 'sctp') GROUP BY proto, resp_p"
          " ORDER BY v DESC, resp_p, proto LIMIT 15", 15);
    chart(&q, out, "ports-bytes", "Responder ports by bytes", "bytes",
          "SELECT resp_p || '/' || proto, sum(orig_bytes + resp_bytes) AS v FROM flows"
          " WHERE proto IN ('tcp', 'udp', 'sctp') GROUP BY proto, resp_p"
          " ORDER BY v DESC, resp_p, proto LIMIT 15", 15);
    fputs("</div>\n", out);
    captures(&q, out, failed);
    fputs("</body></html>\n", out);
    return q.failed ? -1 : 0;
}
