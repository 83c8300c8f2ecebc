/* reader-equiv.c - flowkit's capture reader against libpcap's, file by
 * file: the same records (time in nanoseconds, captured and wire length,
 * link type, bytes) wherever libpcap reads the file.
 *
 * Usage: reader-equiv FILE...   Prints one line per file that differs
 * and a summary; exit 1 when any file differs. A file libpcap cannot
 * open is skipped (counted); where libpcap stops with an error, the
 * records before must agree. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include "fc_capread.h"
#include "fc_error.h"

/* 1 when the file is a pcap (not pcapng): its seconds are unsigned
 * 32-bit, which libpcap hands out sign-extended. */
static int is_pcap(pcap_t *p)
{
    return pcap_major_version(p) == 2;
}

static int compare(const char *path, int *skipped)
{
    char pe[PCAP_ERRBUF_SIZE], err[FC_SOURCE_ERRBUF];
    int rc;
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, pe);
    if (!p) {
        *skipped = 1;
        return 0;
    }
    fc_capread *r = fc_capread_open(path, err, &rc);
    if (!r) {
        printf("DIFF %s: libpcap opens it, ours: %s\n", path, err);
        pcap_close(p);
        return 1;
    }
    int bad = 0, pcapfmt = is_pcap(p);
    unsigned long long n = 0;
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *d;
        fc_rec rec;
        int lrc = pcap_next_ex(p, &h, &d);
        if (lrc != 1) {
            if (lrc == PCAP_ERROR_BREAK && fc_capread_next(r, &rec) != FC_DONE) {
                printf("DIFF %s: libpcap ends after %llu records, ours goes on\n", path, n);
                bad = 1;
            }
            break; /* an error in libpcap: what came before agreed */
        }
        n++;
        rc = fc_capread_next(r, &rec);
        if (rc == FC_EFORMAT && strstr(fc_capread_errmsg(r), "timestamp out of range") &&
            (h->ts.tv_sec < 0 ? !pcapfmt : h->ts.tv_sec > INT64_MAX / 1000000000 - 1))
            break; /* past 2262 (or before 1970 in pcapng): refused, as before */
        if (rc != FC_OK) {
            printf("DIFF %s: record %llu: ours: %s\n", path, n,
                   rc == FC_DONE ? "ended" : fc_capread_errmsg(r));
            bad = 1;
            break;
        }
        int64_t sec = h->ts.tv_sec;
        if (pcapfmt && sec < 0)
            sec += INT64_C(1) << 32;
        int64_t ts = sec * 1000000000 + h->ts.tv_usec;
        if (ts != rec.ts || h->caplen != rec.caplen || h->len != rec.wirelen ||
            pcap_datalink(p) != rec.linktype || memcmp(d, rec.data, h->caplen) != 0) {
            printf("DIFF %s: record %llu: libpcap ts %lld cap %u len %u lt %d, ours ts %lld cap "
                   "%u len %u lt %d%s\n",
                   path, n, (long long)ts, h->caplen, h->len, pcap_datalink(p), (long long)rec.ts,
                   rec.caplen, rec.wirelen, rec.linktype,
                   h->caplen == rec.caplen && memcmp(d, rec.data, h->caplen) ? " (bytes)" : "");
            bad = 1;
            break;
        }
    }
    fc_capread_close(r);
    pcap_close(p);
    return bad;
}

int main(int argc, char **argv)
{
    int files = 0, skipped = 0, diff = 0;
    for (int i = 1; i < argc; i++) {
        int sk = 0;
        diff += compare(argv[i], &sk);
        skipped += sk;
        files++;
    }
    printf("reader-equiv: %d files, %d not readable by libpcap, %d differ\n", files, skipped, diff);
    return diff ? 1 : 0;
}
