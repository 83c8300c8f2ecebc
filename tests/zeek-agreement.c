/* zeek-agreement - how often our Zeek-compatible records agree with
 * Zeek's own conn.log over the real captures of Zeek's test suite
 * (shared/zeek-conn/train).
 *
 * Each capture is replayed through fc_zeek_table with the options of its
 * zeek_cmd (-C: ignore checksums, -b: bare mode); flows are matched to
 * the reference rows by 5-tuple (several rows on one tuple: in order of
 * time), rows without a 5-tuple (single-row zeek-cut subsets) to our
 * busiest flow. Per field, agreement = matching rows / rows that have the
 * field (an unmatched row disagrees on all its fields).
 *
 * Usage: zeek-agreement [-v] [--strict-bare] [--ratchet F] [--write-ratchet F]
 * Exit 0; 1 if a field falls below its ratchet; 77 if shared/ is absent. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fc_error.h"
#include "fc_source.h"
#include "fc_zeek.h"

#define MAXCOL 24
#define MAXROWS 4096
#define LINE 4096

enum { F_HIST, F_STATE, F_PKTS, F_IPB, F_BYTES, F_DUR, F_MISSED, F_SERVICE, F_COUNT };
static const char *const fname[F_COUNT] = {"history",       "conn_state",    "packets",
                                           "ip_bytes",      "payload_bytes", "duration",
                                           "missed_bytes",  "service"};

/* One of our records, formatted. */
typedef struct ours {
    fc_zeek_fields z;
    fc_ts start;
    uint64_t pkts;
    int used;
    int svc_used; /* matched to a row of <case>.service.tsv */
} ours;

typedef struct run {
    ours *o;
    size_t n, cap;
} run;

static uint64_t agree[F_COUNT], total[F_COUNT];
static int verbose, strict_bare;
static unsigned long unmatched, extra;

static void on_rec(void *ctx, const fc_zeek_rec *r)
{
    run *ru = ctx;
    if (ru->n == ru->cap) {
        size_t nc = ru->cap ? ru->cap * 2 : 256;
        ours *p = realloc(ru->o, nc * sizeof *p);
        if (!p) {
            perror("zeek-agreement");
            exit(2);
        }
        ru->o = p;
        ru->cap = nc;
    }
    ours *o = &ru->o[ru->n++];
    fc_zeek_format(r, 0, &o->z);
    o->start = r->start;
    o->pkts = r->ep[0].pkts + r->ep[1].pkts;
    o->used = 0;
    o->svc_used = 0;
}

static int by_start(const void *a, const void *b)
{
    const ours *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Replays one capture; returns 0, or -1 if it could not be read. */
static int replay(const char *path, const fc_zeek_opts *zo, run *ru, char *err)
{
    const char *paths[1] = {path};
    fc_source *src = fc_source_open(paths, 1, NULL, err);
    fc_rec rec;
    if (!src)
        return -1;
    fc_zeek_table *t = fc_zeek_table_new(zo, 0, on_rec, ru);
    if (!t) {
        fc_source_close(src);
        snprintf(err, FC_SOURCE_ERRBUF, "out of memory");
        return -1;
    }
    while (fc_source_next(src, &rec) == FC_OK)
        fc_zeek_table_packet(t, rec.linktype, rec.data, rec.caplen, rec.wirelen, rec.ts);
    fc_zeek_table_finish(t);
    fc_zeek_table_free(t);
    fc_source_close(src);
    if (ru->n)
        qsort(ru->o, ru->n, sizeof *ru->o, by_start);
    return 0;
}

static int split(char *line, char **f)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < MAXCOL;) {
        f[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

/* Reference columns (conn.tsv layout, README). */
enum { C_TS, C_OH, C_OP, C_RH, C_RP, C_PROTO, C_DUR, C_OB, C_RB, C_STATE, C_MISSED,
       C_HIST, C_OPK, C_OIB, C_RPK, C_RIB, C_N };

static int absent(const char *missing, const char *col)
{
    size_t n = strlen(col);
    for (const char *p = missing; (p = strstr(p, col)); p += n)
        if ((p == missing || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

static int dur_equal(const char *a, const char *b)
{
    if (!strcmp(a, b))
        return 1;
    if (!strcmp(a, "-") || !strcmp(b, "-"))
        return 0;
    double x = strtod(a, NULL), y = strtod(b, NULL);
    return x - y < 2e-6 && y - x < 2e-6;
}

static void field(int f, int ok, const char *cs, char **ref, const ours *o, const char *what,
                  const char *mine)
{
    total[f]++;
    agree[f] += ok;
    if (!ok && verbose)
        printf("  %-14s %s %s:%s > %s:%s %s: zeek %s, ours %s\n", fname[f], cs, ref[C_OH],
               ref[C_OP], ref[C_RH], ref[C_RP], ref[C_PROTO], what, o ? mine : "(no flow)");
}

static void compare(const char *cs, char **ref, const char *missing, const ours *o)
{
    static const char *const cols[] = {"ts", "id.orig_h", "id.orig_p", "id.resp_h",
                                       "id.resp_p", "proto", "duration", "orig_bytes",
                                       "resp_bytes", "conn_state", "missed_bytes", "history",
                                       "orig_pkts", "orig_ip_bytes", "resp_pkts",
                                       "resp_ip_bytes"};
    char a[128], b[128];
#define HAS(c) (!absent(missing, cols[c]))
    if (HAS(C_HIST))
        field(F_HIST, o && !strcmp(ref[C_HIST], o->z.history), cs, ref, o, ref[C_HIST],
              o ? o->z.history : "");
    if (HAS(C_STATE))
        field(F_STATE, o && !strcmp(ref[C_STATE], o->z.conn_state), cs, ref, o,
              ref[C_STATE], o ? o->z.conn_state : "");
    if (HAS(C_OPK) && HAS(C_RPK)) {
        snprintf(a, sizeof a, "%s/%s", ref[C_OPK], ref[C_RPK]);
        snprintf(b, sizeof b, "%s/%s", o ? o->z.orig_pkts : "", o ? o->z.resp_pkts : "");
        field(F_PKTS, o && !strcmp(a, b), cs, ref, o, a, b);
    }
    if (HAS(C_OIB) && HAS(C_RIB)) {
        snprintf(a, sizeof a, "%s/%s", ref[C_OIB], ref[C_RIB]);
        snprintf(b, sizeof b, "%s/%s", o ? o->z.orig_ip_bytes : "",
                 o ? o->z.resp_ip_bytes : "");
        field(F_IPB, o && !strcmp(a, b), cs, ref, o, a, b);
    }
    if (HAS(C_OB) && HAS(C_RB)) {
        snprintf(a, sizeof a, "%s/%s", ref[C_OB], ref[C_RB]);
        snprintf(b, sizeof b, "%s/%s", o ? o->z.orig_bytes : "", o ? o->z.resp_bytes : "");
        field(F_BYTES, o && !strcmp(a, b), cs, ref, o, a, b);
    }
    if (HAS(C_DUR))
        field(F_DUR, o && dur_equal(ref[C_DUR], o->z.duration), cs, ref, o, ref[C_DUR],
              o ? o->z.duration : "");
    if (HAS(C_MISSED))
        field(F_MISSED, o && !strcmp(ref[C_MISSED], o->z.missed), cs, ref, o, ref[C_MISSED],
              o ? o->z.missed : "");
#undef HAS
}

/* How many of the row's fields this flow agrees on (to pick among
 * several flows on one tuple: the reference ts is masked). */
static int fit(char **ref, const ours *o)
{
    const fc_zeek_fields *z = &o->z;
    const char *mine[] = {z->duration, z->orig_bytes, z->resp_bytes, z->conn_state,
                          z->missed,   z->history,    z->orig_pkts,  z->orig_ip_bytes,
                          z->resp_pkts, z->resp_ip_bytes};
    int n = 0;
    for (int c = C_DUR; c < C_N; c++)
        n += !strcmp(ref[c], mine[c - C_DUR]);
    return n;
}

/* The unused flow on the reference row's tuple (an exact orientation
 * first) that fits it best. */
static ours *match(run *ru, char **ref, const char *missing)
{
    if (absent(missing, "id.orig_h")) {
        ours *best = NULL;
        for (size_t i = 0; i < ru->n; i++)
            if (!ru->o[i].used && (!best || ru->o[i].pkts > best->pkts))
                best = &ru->o[i];
        return best;
    }
    int anyproto = absent(missing, "proto");
    for (int rev = 0; rev < 2; rev++) {
        ours *best = NULL;
        int bf = -1;
        for (size_t i = 0; i < ru->n; i++) {
            ours *o = &ru->o[i];
            const fc_zeek_fields *z = &o->z;
            if (o->used || (!anyproto && strcmp(z->proto, ref[C_PROTO])))
                continue;
            const char *oh = rev ? z->resp_h : z->orig_h, *op = rev ? z->resp_p : z->orig_p;
            const char *rh = rev ? z->orig_h : z->resp_h, *rp = rev ? z->orig_p : z->resp_p;
            if (!strcmp(oh, ref[C_OH]) && !strcmp(op, ref[C_OP]) && !strcmp(rh, ref[C_RH]) &&
                !strcmp(rp, ref[C_RP]) && fit(ref, o) > bf) {
                best = o;
                bf = fit(ref, o);
            }
        }
        if (best)
            return best;
    }
    return NULL;
}

/* -C and -b in a zeek command line, also combined ("-Cr", "-bCr").
 * The btest scripts run with -b load the analyzers they test (and with
 * them their likely_server_ports), so -b maps to the default set unless
 * --strict-bare asks for plain "zeek -b" (docs/zeek-compat.md). */
static void zeek_flags(const char *cmd, fc_zeek_opts *zo)
{
    char buf[LINE];
    snprintf(buf, sizeof buf, "%s", cmd);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        if (tok[0] != '-' || tok[1] == '-')
            continue;
        for (char *c = tok + 1; *c; c++) {
            if (*c == 'C')
                zo->ignore_checksums = 1;
            else if (*c == 'b')
                zo->bare = (uint8_t)strict_bare;
        }
    }
}

/* <case>.service.tsv: id.orig_h id.orig_p id.resp_h id.resp_p proto
 * service, matched to our flows by tuple (either orientation, the first
 * unmatched flow in start order); a row without a tuple (a zeek-cut
 * subset of one row) to our busiest flow. Zeek lists several services
 * in the order its analyzers confirmed them: compared as written. */
static void services(const char *dir, const char *cs, run *ru)
{
    char path[2 * LINE + 64], line[LINE];
    char *ref[MAXCOL];
    snprintf(path, sizeof path, "%s/%s.service.tsv", dir, cs);
    FILE *f = fopen(path, "r");
    if (!f)
        return; /* 2 of the cases have none */
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        if (first) {
            first = 0;
            continue;
        }
        if (split(line, ref) < 6)
            continue;
        ours *best = NULL;
        if (!strcmp(ref[0], "-")) {
            for (size_t i = 0; i < ru->n; i++)
                if (!ru->o[i].svc_used && (!best || ru->o[i].pkts > best->pkts))
                    best = &ru->o[i];
        } else {
            for (int rev = 0; rev < 2 && !best; rev++)
                for (size_t i = 0; i < ru->n && !best; i++) {
                    ours *o = &ru->o[i];
                    const fc_zeek_fields *z = &o->z;
                    const char *oh = rev ? z->resp_h : z->orig_h, *op = rev ? z->resp_p : z->orig_p;
                    const char *rh = rev ? z->orig_h : z->resp_h, *rp = rev ? z->orig_p : z->resp_p;
                    if (!o->svc_used && (!strcmp(ref[4], "-") || !strcmp(z->proto, ref[4])) && !strcmp(oh, ref[0]) &&
                        !strcmp(op, ref[1]) && !strcmp(rh, ref[2]) && !strcmp(rp, ref[3]))
                        best = o;
                }
        }
        if (best)
            best->svc_used = 1;
        total[F_SERVICE]++;
        int ok = best && !strcmp(ref[5], best->z.service);
        agree[F_SERVICE] += ok;
        if (!ok && verbose)
            printf("  %-14s %s %s:%s > %s:%s %s: zeek %s, ours %s\n", "service", cs, ref[0],
                   ref[1], ref[2], ref[3], ref[4], ref[5], best ? best->z.service : "(no flow)");
    }
    fclose(f);
}

static void one_case(const char *dir, const char *cs, const char *cmd, const char *missing)
{
    char path[2 * LINE + 64], line[LINE], err[FC_SOURCE_ERRBUF];
    char *ref[MAXCOL];
    fc_zeek_opts zo;
    run ru = {NULL, 0, 0};
    fc_zeek_opts_default(&zo);
    zeek_flags(cmd, &zo);
    snprintf(path, sizeof path, "%s/%s.pcap", dir, cs);
    if (replay(path, &zo, &ru, err) != 0 && verbose)
        printf("  (%s: %s)\n", cs, err);
    snprintf(path, sizeof path, "%s/%s.conn.tsv", dir, cs);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "zeek-agreement: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        if (first) { /* header */
            first = 0;
            continue;
        }
        if (split(line, ref) < C_N)
            continue;
        ours *o = match(&ru, ref, missing);
        if (o)
            o->used = 1;
        else
            unmatched++;
        compare(cs, ref, missing, o);
    }
    fclose(f);
    for (size_t i = 0; i < ru.n; i++) {
        if (ru.o[i].used)
            continue;
        extra++;
        if (verbose)
            printf("  extra          %s %s:%s > %s:%s %s %s %s\n", cs, ru.o[i].z.orig_h,
                   ru.o[i].z.orig_p, ru.o[i].z.resp_h, ru.o[i].z.resp_p, ru.o[i].z.proto,
                   ru.o[i].z.history, ru.o[i].z.conn_state);
    }
    services(dir, cs, &ru);
    free(ru.o);
}

/* Ratchet file: "field percent" lines; '#' comments. Returns failures. */
static int check_ratchet(const char *path, const double *pct)
{
    char line[256], name[64];
    double min;
    int bad = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "zeek-agreement: %s: %s\n", path, strerror(errno));
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || sscanf(line, "%63s %lf", name, &min) != 2)
            continue;
        int i;
        for (i = 0; i < F_COUNT && strcmp(fname[i], name); i++)
            ;
        if (i == F_COUNT) {
            fprintf(stderr, "zeek-agreement: %s: unknown field %s\n", path, name);
            bad++;
        } else if (pct[i] + 1e-9 < min) {
            printf("FAIL %s: %.2f%% < ratchet %.2f%%\n", name, pct[i], min);
            bad++;
        }
    }
    fclose(f);
    return bad;
}

int main(int argc, char **argv)
{
    const char *ratchet = NULL, *write_ratchet = NULL;
    char dir[LINE], line[LINE + 32];
    char *col[MAXCOL];
    struct stat sb;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v"))
            verbose = 1;
        else if (!strcmp(argv[i], "--strict-bare"))
            strict_bare = 1;
        else if (!strcmp(argv[i], "--ratchet") && i + 1 < argc)
            ratchet = argv[++i];
        else if (!strcmp(argv[i], "--write-ratchet") && i + 1 < argc)
            write_ratchet = argv[++i];
        else {
            fprintf(stderr, "usage: zeek-agreement [-v] [--strict-bare] [--ratchet F] "
                            "[--write-ratchet F]\n");
            return 2;
        }
    }
    const char *sh = getenv("FLOWKIT_SHARED"), *top = getenv("top_srcdir");
    if (sh && *sh)
        snprintf(dir, sizeof dir, "%s/zeek-conn", sh);
    else
        snprintf(dir, sizeof dir, "%s/../shared/zeek-conn", top ? top : ".");
    if (stat(dir, &sb) != 0) {
        printf("SKIP: %s not found (set FLOWKIT_SHARED)\n", dir);
        return 77;
    }
    snprintf(line, sizeof line, "%s/index-train.tsv", dir);
    FILE *idx = fopen(line, "r");
    if (!idx) {
        fprintf(stderr, "zeek-agreement: %s: %s\n", line, strerror(errno));
        return 2;
    }
    char tdir[LINE + 8];
    snprintf(tdir, sizeof tdir, "%s/train", dir);
    int first = 1, cases = 0;
    while (fgets(line, sizeof line, idx)) {
        if (first) {
            first = 0;
            continue;
        }
        /* case split trace sha256 rows linktype ignore_checksums zeek_cmd
         * file_format missing_columns ... */
        if (split(line, col) < 10)
            continue;
        one_case(tdir, col[0], col[7], col[9]);
        cases++;
    }
    fclose(idx);

    double pct[F_COUNT];
    printf("zeek agreement over %d captures (%lu reference rows unmatched, %lu extra flows):\n",
           cases, unmatched, extra);
    for (int i = 0; i < F_COUNT; i++) {
        pct[i] = total[i] ? 100.0 * (double)agree[i] / (double)total[i] : 100.0;
        printf("  %-14s %4llu / %4llu  %6.2f%%\n", fname[i], (unsigned long long)agree[i],
               (unsigned long long)total[i], pct[i]);
    }
    if (write_ratchet) {
        FILE *w = fopen(write_ratchet, "w");
        if (!w)
            return 2;
        fprintf(w, "# zeek-agreement ratchet: minimum %% of reference rows that agree.\n"
                   "# Raise after an improvement (make check fails below these).\n");
        for (int i = 0; i < F_COUNT; i++)
            fprintf(w, "%s %.2f\n", fname[i], (double)(long)(pct[i] * 100) / 100);
        fclose(w);
    }
    return ratchet && check_ratchet(ratchet, pct) ? 1 : 0;
}
