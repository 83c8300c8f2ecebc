/* bench_floor.c - the floor: a bare libpcap read loop over a capture, as
 * pcap_dispatch and as pcap_next_ex, each with libpcap's own file stream
 * or (MODE-1m) with a 1 MiB stdio buffer; and beside it (MODE "reader")
 * flowkit's own reader walking the same files (fc_capread: read into its
 * buffer and walked in place, no copy per record, no decode). Several files are read one after another (a rotated
 * capture: no merge, which only a flow tool needs, so the floor stays a
 * floor). Both do the same work per packet, so the comparison is fair:
 * each record goes, as a struct pcap_pkthdr (time in seconds and
 * nanoseconds, captured and wire length) and its bytes, through the same
 * callback called through a pointer, which counts it and reads its last
 * byte so that the data is really read.
 * Prints: MODE packets seconds packets_per_second. */
#include <pcap/pcap.h>
#include "fc_capread.h"
#include "fc_error.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static unsigned long long npk, sum;

static void on_pkt(u_char *u, const struct pcap_pkthdr *h, const u_char *d)
{
    (void)u;
    npk++;
    sum += d[h->caplen ? h->caplen - 1 : 0];
}

/* called through a pointer by both, as pcap_dispatch calls it */
static void (*volatile cb)(u_char *, const struct pcap_pkthdr *, const u_char *) = on_pkt;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* flowkit's reader over one file; 0, or 1 after printing why. */
static int read_own(const char *path)
{
    char e[FC_SOURCE_ERRBUF];
    int rc;
    fc_capread *r = fc_capread_open(path, e, &rc);
    if (!r) {
        fprintf(stderr, "bench_floor: %s\n", e);
        return 1;
    }
    fc_rec rec;
    struct pcap_pkthdr h;
    while ((rc = fc_capread_next(r, &rec)) == FC_OK) {
        /* the header libpcap hands its callback at nanosecond precision */
        h.ts.tv_sec = (time_t)(rec.ts / FC_NSEC_PER_SEC);
        h.ts.tv_usec = (suseconds_t)(rec.ts % FC_NSEC_PER_SEC);
        h.caplen = rec.caplen;
        h.len = rec.wirelen;
        cb(NULL, &h, rec.data);
    }
    if (rc != FC_DONE) {
        fprintf(stderr, "bench_floor: %s\n", fc_capread_errmsg(r));
        fc_capread_close(r);
        return 1;
    }
    fc_capread_close(r);
    return 0;
}

/* libpcap over one file; 0, or 1 after printing why. */
static int read_file(const char *path, int disp, int big)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p;

    if (big) {
        FILE *f = fopen(path, "rb");
        if (!f) {
            perror(path);
            return 1;
        }
        setvbuf(f, NULL, _IOFBF, (size_t)1 << 20);
        p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
        if (!p)
            fclose(f);
    } else {
        p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
    }
    if (!p) {
        fprintf(stderr, "bench_floor: %s\n", err);
        return 1;
    }
    if (disp) {
        while (pcap_dispatch(p, 100000, cb, NULL) > 0)
            ;
    } else {
        struct pcap_pkthdr *h;
        const u_char *d;
        while (pcap_next_ex(p, &h, &d) == 1)
            cb(NULL, h, d);
    }
    pcap_close(p);
    return 0;
}

int main(int argc, char **argv)
{
    const char *m = argc >= 3 ? argv[1] : "";
    int own = strcmp(m, "reader") == 0;
    int disp = strncmp(m, "dispatch", 8) == 0, big = strstr(m, "-1m") != NULL;
    if (strcmp(m, "dispatch") && strcmp(m, "next_ex") && strcmp(m, "dispatch-1m") &&
        strcmp(m, "next_ex-1m") && !own) {
        fprintf(stderr,
                "usage: bench_floor dispatch|next_ex|dispatch-1m|next_ex-1m|reader FILE...\n");
        return 2;
    }
    double t0 = now_s();
    for (int i = 2; i < argc; i++)
        if ((own ? read_own(argv[i]) : read_file(argv[i], disp, big)) != 0)
            return 1;
    double el = now_s() - t0;
    printf("%s %llu %.3f %.0f %llu\n", argv[1], npk, el, npk / el, sum & 1);
    return 0;
}
