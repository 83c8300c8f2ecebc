/* fc_source.c - libpcap readers behind one merged, time-ordered stream. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "fc_alloc.h"
#include "fc_decode.h"
#include "fc_error.h"
#include "fc_readahead.h"
#include "fc_source.h"

typedef struct reader {
    pcap_t *p;
    fc_source_file info;
    const uint8_t *data;  /* pending record, valid until the next read */
    struct pcap_pkthdr hdr;
    fc_ts ts;             /* hdr's time in nanoseconds */
    int pending;          /* 1 when data/hdr hold the next record */
    int done;
} reader;

struct fc_source {
    reader *r;            /* the readers' side: read by the producer thread */
    size_t n;
    unsigned last;        /* reader whose record was handed out last */
    int handed;           /* a record was handed out and must be replaced */
    int failed;
    char err[FC_SOURCE_ERRBUF];
    fc_source_file *seen; /* per file, as far as records were delivered */
    fc_readahead *ra;     /* regular files are read on a thread */
    int started;          /* the first record was asked for */
};

/* "PATH: MSG", cut to the buffer (a long path may shorten the message). */
static void set_err(char *buf, const char *path, const char *msg)
{
    int n = snprintf(buf, FC_SOURCE_ERRBUF, "%s: %s", path, msg);
    if (n < 0)
        buf[0] = '\0';
}

static int open_one(reader *r, const char *path, const char *filter, char *err)
{
    char pe[PCAP_ERRBUF_SIZE] = "";
    struct stat st;

    memset(r, 0, sizeof *r);
    r->info.path = path;
    if (strcmp(path, "-") != 0) {
        if (stat(path, &st) != 0) {
            set_err(err, path, strerror(errno));
            return FC_EIO;
        }
        if (S_ISDIR(st.st_mode)) {
            set_err(err, path, "is a directory, not a capture file");
            return FC_EIO;
        }
        r->info.size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
        if (S_ISREG(st.st_mode) && st.st_size == 0) {
            set_err(err, path, "empty file, not a capture");
            return FC_EFORMAT;
        }
    }
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        set_err(err, path, strerror(errno));
        return FC_EIO;
    }
    /* libpcap reads through stdio, two calls per record: a 1 MiB buffer
     * instead of the default 4 KiB makes 250 times fewer read(2) calls */
    setvbuf(f, NULL, _IOFBF, (size_t)1 << 20);
    r->p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, pe);
    if (!r->p) {
        if (f != stdin)
            fclose(f);
        /* libpcap's messages already describe the problem; keep them. */
        set_err(err, path, pe[0] ? pe : "cannot open capture");
        return FC_EFORMAT;
    }
    r->info.linktype = pcap_datalink(r->p);
    if (!fc_decode_linktype_supported(r->info.linktype)) {
        char msg[160];
        const char *name = pcap_datalink_val_to_name(r->info.linktype);
        snprintf(msg, sizeof msg, "unsupported link type %d (%s)", r->info.linktype,
                 name ? name : "unknown");
        set_err(err, path, msg);
        return FC_EUNSUPP;
    }
    if (filter && *filter) {
        struct bpf_program prog;
        if (pcap_compile(r->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            char msg[PCAP_ERRBUF_SIZE + 32];
            snprintf(msg, sizeof msg, "bad filter: %s", pcap_geterr(r->p));
            set_err(err, path, msg);
            return FC_EINVAL;
        }
        int rc = pcap_setfilter(r->p, &prog);
        pcap_freecode(&prog);
        if (rc != 0) {
            set_err(err, path, pcap_geterr(r->p));
            return FC_EINVAL;
        }
    }
    return FC_OK;
}

static void close_readers(reader *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].p)
            pcap_close(r[i].p);
}

fc_source *fc_source_open(const char *const *paths, size_t npaths, const char *filter,
                          char *errbuf)
{
    fc_source *s;
    size_t stdin_uses = 0;

    errbuf[0] = '\0';
    if (npaths == 0) {
        snprintf(errbuf, FC_SOURCE_ERRBUF, "no capture file given");
        return NULL;
    }
    for (size_t i = 0; i < npaths; i++)
        stdin_uses += strcmp(paths[i], "-") == 0;
    if (stdin_uses > 1) {
        snprintf(errbuf, FC_SOURCE_ERRBUF, "-: standard input given more than once");
        return NULL;
    }
    s = fc_calloc(1, sizeof *s);
    if (!s || !(s->r = fc_calloc(npaths, sizeof *s->r)) ||
        !(s->seen = fc_calloc(npaths, sizeof *s->seen))) {
        if (s)
            fc_free(s->r);
        fc_free(s);
        snprintf(errbuf, FC_SOURCE_ERRBUF, "%s", fc_strerror(FC_ENOMEM));
        return NULL;
    }
    for (size_t i = 0; i < npaths; i++) {
        if (open_one(&s->r[i], paths[i], filter, errbuf) != FC_OK) {
            close_readers(s->r, i + 1);
            fc_free(s->r);
            fc_free(s->seen);
            fc_free(s);
            return NULL;
        }
        s->seen[i] = s->r[i].info;
    }
    s->n = npaths;
    return s;
}

/* Reads the next record of reader i into its pending slot. Returns FC_OK
 * (pending or done set) or an error with s->err filled. */
static int fill(fc_source *s, reader *r)
{
    const u_char *data;
    struct pcap_pkthdr *h;

    for (;;) {
        int rc = pcap_next_ex(r->p, &h, &data);
        if (rc == 1) {
            /* int64 nanoseconds end in 2262; pcapng can say more */
            if (h->ts.tv_sec < 0 || (uint64_t)h->ts.tv_sec > (uint64_t)(INT64_MAX / FC_NSEC_PER_SEC - 1)) {
                int n = snprintf(s->err, sizeof s->err, "%s: packet %llu: timestamp out of range",
                                 r->info.path, (unsigned long long)r->info.packets + 1);
                if (n < 0)
                    s->err[0] = '\0';
                s->failed = 1;
                r->done = 1;
                r->pending = 0;
                return FC_EFORMAT;
            }
            r->info.packets++;
            r->hdr = *h;
            r->data = data;
            r->pending = 1;
            r->ts = fc_ts_make(h->ts.tv_sec, h->ts.tv_usec); /* usec field holds ns */
            return FC_OK;
        }
        if (rc == PCAP_ERROR_BREAK) { /* end of file */
            r->done = 1;
            r->pending = 0;
            return FC_OK;
        }
        if (rc == 0)
            continue; /* not for offline reads; be safe */
        int n = snprintf(s->err, sizeof s->err, "%s: packet %llu: %s", r->info.path,
                         (unsigned long long)r->info.packets + 1, pcap_geterr(r->p));
        if (n < 0)
            s->err[0] = '\0';
        s->failed = 1;
        r->done = 1;
        r->pending = 0;
        return FC_EFORMAT;
    }
}

/* The merged stream itself (on the producer thread when there is one). */
static int next_direct(void *ctx, fc_rec *rec)
{
    fc_source *s = ctx;
    reader *best = NULL;
    fc_ts best_ts = 0;

    if (s->failed)
        return FC_EFORMAT;
    if (s->handed) {
        s->handed = 0;
        if (fill(s, &s->r[s->last]) != FC_OK)
            return FC_EFORMAT;
    }
    for (size_t i = 0; i < s->n; i++) {
        reader *r = &s->r[i];
        if (!r->pending && !r->done && fill(s, r) != FC_OK)
            return FC_EFORMAT;
        if (!r->pending)
            continue;
        if (!best || r->ts < best_ts) { /* strict: ties keep file order */
            best = r;
            best_ts = r->ts;
        }
    }
    if (!best)
        return FC_DONE;
    rec->data = best->data;
    rec->caplen = best->hdr.caplen;
    rec->wirelen = best->hdr.len;
    rec->ts = best_ts;
    rec->linktype = best->info.linktype;
    rec->file = (unsigned)(best - s->r);
    rec->pktno = best->info.packets;
    best->pending = 0;
    s->last = rec->file;
    s->handed = 1;
    return FC_OK;
}

/* Reading ahead on a thread needs a second core's worth of work to win
 * and must never block on input that may not come: regular files only. */
static int read_ahead_pays(const fc_source *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->r[i].info.size == 0)
            return 0;
    return 1;
}

int fc_source_next(fc_source *s, fc_rec *rec)
{
    if (!s->started) {
        s->started = 1;
        if (read_ahead_pays(s))
            s->ra = fc_readahead_start(next_direct, s); /* NULL: read directly */
    }
    int rc = s->ra ? fc_readahead_next(s->ra, rec) : next_direct(s, rec);
    if (rc == FC_OK) {
        fc_source_file *f = &s->seen[rec->file];
        f->packets = rec->pktno;
        if (rec->pktno == 1)
            f->first_ts = rec->ts;
        f->last_ts = rec->ts;
    }
    return rc;
}

const char *fc_source_errmsg(const fc_source *s)
{
    return s->err;
}

size_t fc_source_nfiles(const fc_source *s)
{
    return s->n;
}

const fc_source_file *fc_source_file_info(const fc_source *s, size_t i)
{
    return i < s->n ? &s->seen[i] : NULL;
}

uint64_t fc_source_bytes_read(const fc_source *s)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < s->n; i++) {
        FILE *f = s->r[i].p ? pcap_file(s->r[i].p) : NULL;
        long off = f ? ftell(f) : -1;
        if (off > 0)
            sum += (uint64_t)off;
    }
    return sum;
}

uint64_t fc_source_bytes_total(const fc_source *s)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->r[i].info.size == 0)
            return 0;
        sum += s->r[i].info.size;
    }
    return sum;
}

void fc_source_close(fc_source *s)
{
    if (!s)
        return;
    fc_readahead_stop(s->ra);
    close_readers(s->r, s->n);
    fc_free(s->r);
    fc_free(s->seen);
    fc_free(s);
}
