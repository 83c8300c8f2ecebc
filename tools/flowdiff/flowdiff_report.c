/* flowdiff_report.c - the three report formats: text (optionally in
 * colour), one JSON document, and JUnit XML. Results arrive sorted. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "flowdiff_report.h"

typedef unsigned long long ull;

static const char *c_on(int color, const char *code)
{
    return color ? code : "";
}

#define RED "\033[31m"
#define GREEN "\033[32m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

static void text_value(FILE *f, const char *v, size_t n)
{
    if (n == 0)
        fputs("(empty)", f);
    else
        fprintf(f, "%.*s", (int)n, v);
}

/* "#4 1700000000.000100000 packet side=resp len=54" */
static void text_event(FILE *f, const fd_event *e, ull index)
{
    size_t n;
    const char *v = fd_ev_val(e, FD_F_TS, &n);

    fprintf(f, "#%llu %.*s %s", index, (int)n, v, fd_event_names[e->type]);
    for (int id = FD_F_SIDE; id < e->nf; id++) {
        if (id == FD_F_START || id == FD_F_FMT)
            continue;
        v = fd_ev_val(e, id, &n);
        if (n)
            fprintf(f, " %s=%.*s", fd_field_name(id), (int)n, v);
    }
}

static void text_detail(FILE *f, const fd_result *r, int color)
{
    const fd_detail *d = r->detail;

    fprintf(f, "  first difference at event %llu of the flow", (ull)r->index);
    if (d->exp && d->act)
        fprintf(f, " (expected line %llu, actual line %llu)", (ull)d->exp->line,
                (ull)d->act->line);
    fputc('\n', f);
    for (int i = 0; i < d->nctx; i++) {
        fputs("      ", f);
        text_event(f, d->ctx[i], (ull)(r->index - (ull)d->nctx + (ull)i));
        fputc('\n', f);
    }
    fprintf(f, "  %s- expected ", c_on(color, RED));
    if (d->exp) {
        text_event(f, d->exp, (ull)r->index);
        fprintf(f, " (line %llu)", (ull)d->exp->line);
    } else {
        fprintf(f, "#%llu (no such event: the flow has %llu events)",
                (ull)r->index, (ull)r->nev[0]);
    }
    fprintf(f, "%s\n  %s+ actual   ", c_on(color, RESET), c_on(color, GREEN));
    if (d->act) {
        text_event(f, d->act, (ull)r->index);
        fprintf(f, " (line %llu)", (ull)d->act->line);
    } else {
        fprintf(f, "#%llu (no such event: the flow has %llu events)",
                (ull)r->index, (ull)r->nev[1]);
    }
    fprintf(f, "%s\n", c_on(color, RESET));
    for (int id = 1; d->exp && d->act && id < FD_MAXF; id++) {
        size_t na, nb;
        const char *va, *vb;
        if (!(d->diffmask & (UINT64_C(1) << id)))
            continue;
        va = fd_ev_val(d->exp, id, &na);
        vb = fd_ev_val(d->act, id, &nb);
        fprintf(f, "      field %s: expected ", fd_field_name(id));
        text_value(f, va, na);
        fputs(", actual ", f);
        text_value(f, vb, nb);
        fputc('\n', f);
    }
}

/* One flow's difference as text; also the body of a JUnit failure. */
static void text_result(FILE *f, const fd_result *r, int color)
{
    switch (r->status) {
    case FD_CHANGED:
        fprintf(f, "%schanged flow %s start %s%s\n", c_on(color, BOLD), r->key,
                r->start_txt, c_on(color, RESET));
        if (r->detail)
            text_detail(f, r, color);
        else
            fprintf(f, "  %s\n", r->summary);
        break;
    case FD_ONLY_EXP:
    case FD_ONLY_ACT:
        fprintf(f, "%sonly in %s: %s start %s (%llu events)%s\n",
                c_on(color, r->status == FD_ONLY_EXP ? RED : GREEN),
                r->status == FD_ONLY_EXP ? "expected" : "actual", r->key,
                r->start_txt, (ull)r->nev[r->status == FD_ONLY_EXP ? 0 : 1],
                c_on(color, RESET));
        break;
    default:
        break;
    }
}

static void text_order_ev(FILE *f, const char *side, const fd_order_ev *e)
{
    if (e->type < 0)
        fprintf(f, "  %s: no more events\n", side);
    else
        fprintf(f, "  %s: %s of %s (line %llu, seq %llu)\n", side,
                fd_event_names[e->type], e->key, (ull)e->line, (ull)e->seq);
}

static void text_order(FILE *f, const fd_summary *s)
{
    fprintf(f, "event order differs at position %llu:\n", (ull)s->order_pos);
    text_order_ev(f, "expected", &s->order_ev[0]);
    text_order_ev(f, "actual  ", &s->order_ev[1]);
}

static void report_text(FILE *f, int color, const fd_summary *s)
{
    uint64_t hidden = 0;

    for (size_t i = 0; i < s->nres; i++) {
        const fd_result *r = &s->res[i];
        if (r->status == FD_CHANGED && !r->detail)
            hidden++;
        else
            text_result(f, r, color);
    }
    if (hidden)
        fprintf(f, "(%llu more changed flows not detailed; see --max-report)\n",
                (ull)hidden);
    if (s->order_differs)
        text_order(f, s);
    fprintf(f,
            "flows compared: %llu, identical: %llu, changed: %llu, "
            "only in expected: %llu, only in actual: %llu; events compared: %llu\n",
            (ull)s->flows, (ull)s->identical, (ull)s->changed, (ull)s->only_exp,
            (ull)s->only_act, (ull)s->events_compared);
}

/* ---- JSON ---- */

static void json_str(FILE *f, const char *v, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_cstr(FILE *f, const char *v)
{
    json_str(f, v, strlen(v));
}

static void json_event(FILE *f, const fd_event *e)
{
    if (!e) {
        fputs("null", f);
        return;
    }
    fprintf(f, "{\"line\":%llu", (ull)e->line);
    for (int id = 0; id < e->nf; id++) {
        size_t n;
        const char *v = fd_ev_val(e, id, &n);
        if (!n)
            continue;
        fputc(',', f);
        json_cstr(f, fd_field_name(id));
        fputc(':', f);
        json_str(f, v, n);
    }
    fputc('}', f);
}

static void json_result(FILE *f, const fd_result *r)
{
    static const char *const kind[] = {"identical", "changed",
                                       "only_in_expected", "only_in_actual"};
    const fd_detail *d = r->detail;

    fprintf(f, "{\"kind\":\"%s\",\"flow\":{\"proto\":", kind[r->status]);
    json_cstr(f, r->proto);
    fputs(",\"orig_h\":", f);
    json_cstr(f, r->orig_h);
    fprintf(f, ",\"orig_p\":%lu,\"resp_h\":", r->orig_p);
    json_cstr(f, r->resp_h);
    fprintf(f, ",\"resp_p\":%lu,\"flow_start\":\"%s\"}", r->resp_p, r->start_txt);
    fprintf(f, ",\"events_expected\":%llu,\"events_actual\":%llu",
            (ull)r->nev[0], (ull)r->nev[1]);
    if (r->status == FD_CHANGED) {
        fprintf(f, ",\"event_index\":%llu,\"summary\":", (ull)r->index);
        json_cstr(f, r->summary ? r->summary : "");
    }
    if (d) {
        fputs(",\"fields\":[", f);
        for (int id = 1, first = 1; d->exp && d->act && id < FD_MAXF; id++) {
            size_t na, nb;
            const char *va, *vb;
            if (!(d->diffmask & (UINT64_C(1) << id)))
                continue;
            va = fd_ev_val(d->exp, id, &na);
            vb = fd_ev_val(d->act, id, &nb);
            fprintf(f, "%s{\"field\":", first ? "" : ",");
            json_cstr(f, fd_field_name(id));
            fputs(",\"expected\":", f);
            json_str(f, va, na);
            fputs(",\"actual\":", f);
            json_str(f, vb, nb);
            fputc('}', f);
            first = 0;
        }
        fputs("],\"context\":[", f);
        for (int i = 0; i < d->nctx; i++) {
            if (i)
                fputc(',', f);
            json_event(f, d->ctx[i]);
        }
        fputs("],\"expected_event\":", f);
        json_event(f, d->exp);
        fputs(",\"actual_event\":", f);
        json_event(f, d->act);
    }
    fputc('}', f);
}

static void json_order_ev(FILE *f, const fd_order_ev *e)
{
    if (e->type < 0) {
        fputs("null", f);
        return;
    }
    fprintf(f, "{\"line\":%llu,\"seq\":%llu,\"event\":\"%s\",\"flow\":",
            (ull)e->line, (ull)e->seq, fd_event_names[e->type]);
    json_cstr(f, e->key);
    fputc('}', f);
}

static void report_json(FILE *f, const fd_summary *s, const char *en,
                        const char *an)
{
    int equal = !s->changed && !s->only_exp && !s->only_act && !s->order_differs;
    size_t shown = 0, hidden = 0;

    fputs("{\"expected\":", f);
    json_cstr(f, en);
    fputs(",\"actual\":", f);
    json_cstr(f, an);
    fprintf(f, ",\"equivalent\":%s,\"counts\":{\"flows_compared\":%llu,"
               "\"identical\":%llu,\"changed\":%llu,\"only_in_expected\":%llu,"
               "\"only_in_actual\":%llu,\"events_compared\":%llu,"
               "\"events_expected\":%llu,\"events_actual\":%llu},"
               "\"differences\":[",
            equal ? "true" : "false", (ull)s->flows, (ull)s->identical,
            (ull)s->changed, (ull)s->only_exp, (ull)s->only_act,
            (ull)s->events_compared, (ull)s->events[0], (ull)s->events[1]);
    for (size_t i = 0; i < s->nres; i++) {
        const fd_result *r = &s->res[i];
        if (r->status == FD_SAME)
            continue;
        if (r->status == FD_CHANGED && !r->detail) {
            hidden++;
            continue;
        }
        fputs(shown++ ? ",\n" : "\n", f);
        json_result(f, r);
    }
    fprintf(f, "],\"changed_not_detailed\":%llu,\"order\":", (ull)hidden);
    if (s->order_differs) {
        fprintf(f, "{\"position\":%llu,\"expected\":", (ull)s->order_pos);
        json_order_ev(f, &s->order_ev[0]);
        fputs(",\"actual\":", f);
        json_order_ev(f, &s->order_ev[1]);
        fputc('}', f);
    } else {
        fputs("null", f);
    }
    fputs("}\n", f);
}

/* ---- JUnit ---- */

static void xml_str(FILE *f, const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c < 0x20 && c != '\n' && c != '\t')
            fputc('?', f);   /* not allowed in XML 1.0 */
        else
            fputc(c, f);
    }
}

static void xml_cstr(FILE *f, const char *v)
{
    xml_str(f, v, strlen(v));
}

static void junit_failure(FILE *f, const char *msg, void (*body)(FILE *, const void *),
                          const void *arg)
{
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);

    fputs("    <failure message=\"", f);
    xml_cstr(f, msg);
    fputs("\">", f);
    if (m) {
        body(m, arg);
        fclose(m);
        xml_str(f, text, n);
    }
    free(text);
    fputs("</failure>\n", f);
}

static void body_result(FILE *m, const void *arg)
{
    text_result(m, arg, 0);
}

static void body_order(FILE *m, const void *arg)
{
    text_order(m, arg);
}

static void report_junit(FILE *f, const fd_summary *s)
{
    uint64_t failures = s->changed + s->only_exp + s->only_act + !!s->order_differs;

    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<testsuite name=\"flowdiff\" tests=\"%llu\" failures=\"%llu\" "
               "errors=\"0\">\n",
            (ull)(s->nres + (s->order_differs ? 1 : 0)), (ull)failures);
    for (size_t i = 0; i < s->nres; i++) {
        const fd_result *r = &s->res[i];
        fputs("  <testcase classname=\"flowdiff\" name=\"", f);
        xml_cstr(f, r->key);
        fprintf(f, " start %s\"", r->start_txt);
        if (r->status == FD_SAME) {
            fputs("/>\n", f);
            continue;
        }
        fputs(">\n", f);
        junit_failure(f, r->summary ? r->summary : "differs", body_result, r);
        fputs("  </testcase>\n", f);
    }
    if (s->order_differs) {
        fputs("  <testcase classname=\"flowdiff\" name=\"event order\">\n", f);
        junit_failure(f, "event order differs", body_order, s);
        fputs("  </testcase>\n", f);
    }
    fputs("</testsuite>\n", f);
}

void fd_report(FILE *f, int format, int color, const fd_summary *s,
               const char *exp_name, const char *act_name)
{
    if (format == FD_REP_JSON)
        report_json(f, s, exp_name, act_name);
    else if (format == FD_REP_JUNIT)
        report_junit(f, s);
    else
        report_text(f, color, s);
}
