/* fk_cli.c - shared option parsing, progress line and summary. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fc_event.h"
#include "fk_cli.h"

void fk_replay_cli_init(fk_replay_cli *c)
{
    memset(c, 0, sizeof *c);
    fc_replay_opts_default(&c->ro);
}

int fk_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int fk_parse_speed(const char *s, uint64_t *num, uint64_t *den)
{
    uint64_t n = 0, d = 1;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        if (n > UINT64_MAX / 100)
            return -1;
        n = n * 10 + (uint64_t)(*s - '0');
    }
    if (*s == '.') {
        s++;
        for (; *s >= '0' && *s <= '9'; s++, digits++) {
            if (d >= UINT64_C(1000000000))
                return -1;
            n = n * 10 + (uint64_t)(*s - '0');
            d *= 10;
        }
    }
    if (*s || !digits || n == 0)
        return -1;
    *num = n;
    *den = d;
    return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), after Howard
 * Hinnant's civil-days derivation (eras of 400 years). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* n digits at s as a number; -1 when one is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int fk_parse_time(const char *s, fc_ts *out)
{
    static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t len = strlen(s);
    if (len < 10 || s[4] != '-') /* not a date: epoch seconds */
        return fc_ts_parse(s, len, out);
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), h = 0, mi = 0, se = 0;
    if (y < 1970 || y > 2261 || s[7] != '-' || mo < 1 || mo > 12 || d < 1 ||
        d > mdays[mo - 1] || (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))))
        return -1;
    const char *p = s + 10;
    int64_t frac = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        h = digits(p + 1, 2);
        if (h < 0 || h > 23 || p[3] != ':' || (mi = digits(p + 4, 2)) < 0 || mi > 59)
            return -1;
        p += 6;
        if (*p == ':') {
            if ((se = digits(p + 1, 2)) < 0 || se > 59)
                return -1;
            p += 3;
            if (*p == '.') {
                int n = 0;
                for (p++; *p >= '0' && *p <= '9'; p++, n++) {
                    if (n == 9)
                        return -1; /* finer than a nanosecond */
                    frac = frac * 10 + (*p - '0');
                }
                if (!n)
                    return -1;
                for (; n < 9; n++)
                    frac *= 10;
            }
        }
    }
    if (*p == 'Z' || *p == 'z')
        p++;
    if (*p)
        return -1; /* offsets other than Z are refused: UTC only */
    int64_t sec = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
    *out = fc_ts_make(sec, frac);
    return 0;
}

static void remember(fk_replay_cli *c, const char *name, const char *arg)
{
    int k = snprintf(c->given + c->given_len, sizeof c->given - c->given_len, "%s%s%s%s",
                     c->given_len ? " " : "", name, arg ? " " : "", arg ? arg : "");
    if (k > 0 && (size_t)k < sizeof c->given - c->given_len)
        c->given_len += (size_t)k;
}

int fk_replay_cli_opt(fk_replay_cli *c, const char *prog, int opt, const char *arg)
{
    fc_ts d;
    uint64_t n;
    const char *name;
    fc_ts *slot = NULL;

    if (opt >= FK_OPT_MAX_FLOWS && opt <= FK_OPT_SPEED)
        c->given_opts |= 1u << (opt - FK_OPT_MAX_FLOWS);
    switch (opt) {
    case 'f':
        c->filter = arg;
        remember(c, "-f", arg);
        return 1;
    case FK_OPT_NO_FLUSH:
        c->ro.flush_eof = 0;
        remember(c, "--no-flush", NULL);
        return 1;
    case FK_OPT_FROM:
    case FK_OPT_TO: {
        fc_ts t;
        name = opt == FK_OPT_FROM ? "--from" : "--to";
        if (fk_parse_time(arg, &t) != 0) {
            fprintf(stderr,
                    "%s: %s: '%s' is not a time (epoch seconds like 1700000000.5, or UTC"
                    " like 2023-11-14T22:13:20Z)\n",
                    prog, name, arg);
            return -1;
        }
        if (opt == FK_OPT_FROM)
            c->ro.has_from = 1, c->ro.from = t;
        else
            c->ro.has_to = 1, c->ro.to = t;
        if (c->ro.has_from && c->ro.has_to && c->ro.to <= c->ro.from) {
            fprintf(stderr, "%s: --to must be later than --from\n", prog);
            return -1;
        }
        remember(c, name, arg);
        return 1;
    }
    case FK_OPT_SHARD: {
        uint64_t k, nn;
        const char *slash = strchr(arg, '/');
        char kbuf[24];
        size_t kl = slash ? (size_t)(slash - arg) : 0;
        if (slash && kl < sizeof kbuf) {
            memcpy(kbuf, arg, kl);
            kbuf[kl] = '\0';
        }
        if (!slash || kl >= sizeof kbuf || fk_parse_u64(kbuf, &k) != 0 ||
            fk_parse_u64(slash + 1, &nn) != 0 || nn < 1 || nn > 65536 || k >= nn) {
            fprintf(stderr, "%s: --shard: '%s' is not K/N with 0 <= K < N <= 65536\n", prog,
                    arg);
            return -1;
        }
        c->ro.cfg.shard_k = (uint32_t)k;
        c->ro.cfg.shard_n = (uint32_t)nn;
        remember(c, "--shard", arg);
        return 1;
    }
    case FK_OPT_MAX_FLOWS:
        if (fk_parse_u64(arg, &n) != 0 || n == 0 || n > UINT32_MAX - 2) {
            fprintf(stderr, "%s: --max-flows: '%s' is not a number of flows (1..%u)\n", prog,
                    arg, UINT32_MAX - 2);
            return -1;
        }
        c->ro.cfg.max_flows = (size_t)n;
        remember(c, "--max-flows", arg);
        return 1;
    case FK_OPT_TCP_TIMEOUT:
        slot = &c->ro.cfg.idle_timeout_tcp, name = "--tcp-timeout";
        break;
    case FK_OPT_UDP_TIMEOUT:
        slot = &c->ro.cfg.idle_timeout_udp, name = "--udp-timeout";
        break;
    case FK_OPT_OTHER_TIMEOUT:
        slot = &c->ro.cfg.idle_timeout_other, name = "--other-timeout";
        break;
    case FK_OPT_SWEEP_INTERVAL:
        slot = &c->ro.cfg.sweep_interval, name = "--sweep-interval";
        break;
    default:
        return 0;
    }
    if (fc_duration_parse(arg, &d) != 0 ||
        (opt == FK_OPT_SWEEP_INTERVAL && d <= 0)) {
        fprintf(stderr, "%s: %s: '%s' is not a duration (like 300, 1.5s, 250ms)\n", prog,
                name, arg);
        return -1;
    }
    *slot = d;
    remember(c, name, arg);
    return 1;
}

int64_t fk_elapsed_ns(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return ((int64_t)now.tv_sec - start->tv_sec) * 1000000000 + (now.tv_nsec - start->tv_nsec);
}

void fk_progress_init(fk_progress *p, const fc_source *src, int quiet)
{
    memset(p, 0, sizeof *p);
    p->src = src;
    p->on = !quiet && isatty(STDERR_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
    p->next_check = 4096;
}

void fk_progress_update(fk_progress *p, const fc_replay_stats *st, size_t live)
{
    if (!p->on || st->packets < p->next_check)
        return;
    p->next_check = st->packets + 4096;
    if (fk_elapsed_ns(&p->last) < 250000000)
        return;
    clock_gettime(CLOCK_MONOTONIC, &p->last);
    int64_t el = fk_elapsed_ns(&p->start);
    uint64_t rd = fc_source_bytes_read(p->src), tot = fc_source_bytes_total(p->src);
    uint64_t pps = el > 0 ? (uint64_t)((__int128)st->packets * 1000000000 / el) : 0;
    char eta[32] = "?";
    if (tot && rd && rd <= tot) {
        int64_t left = (int64_t)((__int128)el * (int64_t)(tot - rd) / (int64_t)rd / 1000000000);
        snprintf(eta, sizeof eta, "%" PRId64 "s", left);
    }
    if (tot)
        fprintf(stderr, "\r%" PRIu64 "/%" PRIu64 " MB  %" PRIu64 " pkt/s  %zu live flows  ETA %s   ",
                rd >> 20, tot >> 20, pps, live, eta);
    else
        fprintf(stderr, "\r%" PRIu64 " MB  %" PRIu64 " pkt/s  %zu live flows   ", rd >> 20, pps,
                live);
    p->drawn = 1;
}

void fk_progress_done(fk_progress *p)
{
    if (p->on && p->drawn)
        fprintf(stderr, "\r%*s\r", 72, "");
}

void fk_summary(const char *prog, const fc_replay_stats *st, int64_t el, FILE *human,
                FILE *json)
{
    uint64_t pps = el > 0 ? (uint64_t)((__int128)st->packets * 1000000000 / el) : 0;
    uint64_t ended = 0;
    for (int r = 1; r < FC_END_COUNT; r++)
        ended += st->ended[r];
    if (human) {
        fprintf(human,
                "%s: %" PRIu64 " packets (%" PRIu64 " matched, %" PRIu64 " unmatched), %" PRIu64
                " flows, %" PRIu64 " ended (fin %" PRIu64 ", rst %" PRIu64 ", idle_timeout %" PRIu64
                ", evicted %" PRIu64 ", eof %" PRIu64 ")\n",
                prog, st->packets, st->matched, st->unmatched, st->flows_created, ended,
                st->ended[FC_END_FIN], st->ended[FC_END_RST], st->ended[FC_END_IDLE_TIMEOUT],
                st->ended[FC_END_EVICTED], st->ended[FC_END_EOF]);
        if (st->outside)
            fprintf(human, "%s: %" PRIu64 " packets outside --from/--to, not tracked\n", prog,
                    st->outside);
        if (st->backwards)
            fprintf(human, "%s: %" PRIu64 " packets had a timestamp earlier than the one before\n",
                    prog, st->backwards);
        fprintf(human, "%s: %" PRId64 ".%03d s, %" PRIu64 " packets/s\n", prog, el / 1000000000,
                (int)(el % 1000000000 / 1000000), pps);
        if (st->late_count)
            fprintf(human,
                    "%s: pacing lateness: mean %" PRId64 " us, p99 %" PRId64 " us, max %" PRId64
                    " us\n",
                    prog, st->late_sum_ns / (int64_t)st->late_count / 1000,
                    st->late_p99_ns / 1000, st->late_max_ns / 1000);
    }
    if (json) {
        fprintf(json,
                "{\"packets_read\":%" PRIu64 ",\"packets_matched\":%" PRIu64
                ",\"packets_unmatched\":%" PRIu64 ",\"flows_created\":%" PRIu64
                ",\"flows_ended\":{\"fin\":%" PRIu64 ",\"rst\":%" PRIu64 ",\"idle_timeout\":%" PRIu64
                ",\"evicted\":%" PRIu64 ",\"eof\":%" PRIu64 "},\"backwards_timestamps\":%" PRIu64
                ",\"elapsed_ns\":%" PRId64 ",\"packets_per_second\":%" PRIu64,
                st->packets, st->matched, st->unmatched, st->flows_created, st->ended[FC_END_FIN],
                st->ended[FC_END_RST], st->ended[FC_END_IDLE_TIMEOUT], st->ended[FC_END_EVICTED],
                st->ended[FC_END_EOF], st->backwards, el, pps);
        if (st->outside)
            fprintf(json, ",\"packets_outside_window\":%" PRIu64, st->outside);
        if (st->late_count)
            fprintf(json, ",\"pacing\":{\"packets\":%" PRIu64 ",\"late_mean_ns\":%" PRId64
                          ",\"late_p99_ns\":%" PRId64 ",\"late_max_ns\":%" PRId64 "}",
                    st->late_count, st->late_sum_ns / (int64_t)st->late_count, st->late_p99_ns,
                    st->late_max_ns);
        fprintf(json, "}\n");
    }
}
