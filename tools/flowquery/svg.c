/* svg.c - the report's charts as inline SVG: horizontal bars for
 * rankings, columns for time series. Every mark is a <rect class="mark">
 * with a <title> (the browser's tooltip), so a test can count them. */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include "fq.h"

void fq_html_text(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: putc(*s, out);
        }
    }
}

void fq_human_bytes(double v, char *buf, size_t cap)
{
    static const char *const unit[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    int u = 0;
    while (v >= 1000 && u < 5) {
        v /= 1000;
        u++;
    }
    if (u == 0)
        snprintf(buf, cap, "%.0f B", v);
    else
        snprintf(buf, cap, "%.*f %s", v < 10 ? 2 : v < 100 ? 1 : 0, v, unit[u]);
}

/* A value as the chart's unit wants it. */
static void value_text(double v, const char *unit, char *buf, size_t cap)
{
    if (strcmp(unit, "bytes") == 0)
        fq_human_bytes(v, buf, cap);
    else if (v == 1 && unit[0] && unit[strlen(unit) - 1] == 's')
        snprintf(buf, cap, "1 %.*s", (int)strlen(unit) - 1, unit); /* "1 flow" */
    else
        snprintf(buf, cap, "%.0f %s", v, unit);
}

static double max_of(const fq_bars *b)
{
    double m = 0;
    for (int i = 0; i < b->n; i++)
        if (b->values[i] > m)
            m = b->values[i];
    return m;
}

/* data-marks: the marks drawn (one per non-zero value), for tests */
static void open_figure(FILE *out, const char *id, const fq_bars *b)
{
    int marks = 0;
    for (int i = 0; i < b->n; i++)
        marks += b->values[i] > 0;
    fprintf(out, "<figure class=\"chart\" data-chart=\"%s\" data-marks=\"%d\">\n<figcaption>", id,
            marks);
    fq_html_text(out, b->title);
    fputs("</figcaption>\n", out);
}

#define BAR_H 18
#define PLOT_W 420

/* Room for the longest label, at about 7 px a character (12 px sans). */
static int label_width(const fq_bars *b)
{
    size_t m = 0;
    for (int i = 0; i < b->n; i++)
        if (strlen(b->labels[i]) > m)
            m = strlen(b->labels[i]);
    int w = (int)m * 7 + 12;
    return w < 80 ? 80 : w > 460 ? 460 : w;
}

void fq_svg_hbars(FILE *out, const char *id, const fq_bars *b)
{
    open_figure(out, id, b);
    if (b->n == 0) {
        fputs("<p class=\"none\">nothing to show</p>\n</figure>\n", out);
        return;
    }
    double m = max_of(b);
    int label_w = label_width(b);
    int h = b->n * (BAR_H + 4) + 4, w = label_w + PLOT_W + 110;
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" role=\"img\">\n",
            w, h, w, h);
    for (int i = 0; i < b->n; i++) {
        char vt[64];
        int y = 4 + i * (BAR_H + 4);
        double bw = m > 0 ? b->values[i] / m * PLOT_W : 0;
        if (bw < 1 && b->values[i] > 0)
            bw = 1; /* a non-zero value stays visible */
        value_text(b->values[i], b->unit, vt, sizeof vt);
        fprintf(out, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 6,
                y + BAR_H - 5);
        fq_html_text(out, b->labels[i]);
        fputs("</text>", out);
        if (bw > 0) {
            fprintf(out,
                "<rect class=\"mark\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\">"
                "<title>",
                label_w, y, bw, BAR_H);
            fq_html_text(out, b->labels[i]);
            fprintf(out, ": %s</title></rect>", vt);
        }
        fprintf(out, "<text class=\"value\" x=\"%.1f\" y=\"%d\">%s</text>\n",
                label_w + bw + 4, y + BAR_H - 5, vt);
    }
    fputs("</svg>\n</figure>\n", out);
}

/* UTC time of ns, with milliseconds when `ms`. */
static void utc(int64_t ns, int ms, char *buf, size_t cap)
{
    time_t tt = (time_t)(ns / 1000000000);
    struct tm tm;
    char s[32];
    if (!gmtime_r(&tt, &tm) || !strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(s, sizeof s, "%" PRId64, ns / 1000000000);
    if (ms)
        snprintf(buf, cap, "%s.%03d", s, (int)(ns % 1000000000 / 1000000));
    else
        snprintf(buf, cap, "%s", s);
}

/* "250 ms", "5 s", "15 min", "2 h", "1 days" */
static void width_text(int64_t ns, char *buf, size_t cap)
{
    if (ns < 1000000000)
        snprintf(buf, cap, "%" PRId64 " ms", ns / 1000000);
    else if (ns < INT64_C(60000000000) || ns % INT64_C(60000000000))
        snprintf(buf, cap, "%" PRId64 " s", ns / 1000000000);
    else if (ns < INT64_C(3600000000000) || ns % INT64_C(3600000000000))
        snprintf(buf, cap, "%" PRId64 " min", ns / INT64_C(60000000000));
    else if (ns < INT64_C(86400000000000))
        snprintf(buf, cap, "%" PRId64 " h", ns / INT64_C(3600000000000));
    else
        snprintf(buf, cap, "%" PRId64 " days", ns / INT64_C(86400000000000));
}

#define TL_W 720
#define TL_H 140

void fq_svg_timeline(FILE *out, const char *id, const fq_bars *b, int64_t t0, int64_t width)
{
    open_figure(out, id, b);
    if (b->n == 0) {
        fputs("<p class=\"none\">nothing to show</p>\n</figure>\n", out);
        return;
    }
    double m = max_of(b), cw = (double)TL_W / b->n;
    char top[64], first[40], last[40], wt[32];
    int ms = width < 1000000000;
    value_text(m, b->unit, top, sizeof top);
    utc(t0, ms, first, sizeof first);
    utc(t0 + (int64_t)b->n * width, ms, last, sizeof last);
    width_text(width, wt, sizeof wt);
    int w = TL_W + 120, h = TL_H + 40;
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" role=\"img\">\n"
            "<line class=\"axis\" x1=\"110\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
            "<line class=\"axis\" x1=\"110\" y1=\"10\" x2=\"110\" y2=\"%d\"/>\n"
            "<text class=\"label\" x=\"104\" y=\"18\" text-anchor=\"end\">%s</text>"
            "<text class=\"label\" x=\"104\" y=\"%d\" text-anchor=\"end\">0</text>\n"
            "<text class=\"label\" x=\"110\" y=\"%d\">%s UTC</text>"
            "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s, %s per"
            " column</text>\n",
            w, h, w, h, TL_H + 10, 110 + TL_W, TL_H + 10, TL_H + 10, top, TL_H + 10, TL_H + 30,
            first, 110 + TL_W, TL_H + 30, last, wt);
    for (int i = 0; i < b->n; i++) {
        if (b->values[i] <= 0)
            continue;
        double bh = m > 0 ? b->values[i] / m * TL_H : 0;
        if (bh < 1)
            bh = 1;
        char vt[64], at[40];
        value_text(b->values[i], b->unit, vt, sizeof vt);
        utc(t0 + (int64_t)i * width, ms, at, sizeof at);
        fprintf(out,
                "<rect class=\"mark\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\">"
                "<title>%s: %s</title></rect>\n",
                110 + i * cw, TL_H + 10 - bh, cw > 2 ? cw - 1 : cw, bh, at, vt);
    }
    fputs("</svg>\n</figure>\n", out);
}
