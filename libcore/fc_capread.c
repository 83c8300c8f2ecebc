/* fc_capread.c - pcap and pcapng records walked in place.
 *
 * The facts about the formats (magics, the version 2.3 length swap, the
 * snap length libpcap assumes for each link type, the LINKTYPE_ to DLT_
 * numbering) follow libpcap 1.10's behaviour so that the records, their
 * lengths and times are the ones flowkit read through libpcap before;
 * tests/reader-equivalence checks that on every capture we hold. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "fc_alloc.h"
#include "fc_capin.h"
#include "fc_capread.h"
#include "fc_error.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_MAGIC_KUZ 0xa1b2cd34u /* Alexey Kuznetzov's patched libpcap */
#define NG_SHB 0x0a0d0d0au
#define NG_IDB 1u
#define NG_PB 2u
#define NG_SPB 3u
#define NG_EPB 6u
#define NG_BOM 0x1a2b3c4du
#define MAX_SNAPLEN 262144u
/* libpcap's ceiling for a pcapng block with the largest snap length */
#define NG_MAX_BLOCK (((uint32_t)1 << 27) + 4096u)

#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define LIKELY(x) (x)
#endif

enum { FMT_PCAP, FMT_PCAPNG };

typedef struct iface {
    int dlt;
    uint32_t snap;      /* adjusted as libpcap does */
    uint64_t res;       /* time units per second */
    int pow2, exp;      /* res = 2^exp or 10^exp */
    int64_t offset;     /* if_tsoffset, seconds */
} iface;

struct fc_capread {
    const char *path;
    fc_capin in;
    uint64_t size;
    int fmt;
    int swapped;
    int failed;         /* the status that ended the read, or 0 */
    int fast;           /* plain pcap, native order, usual header: next_pcap_fast */
    uint64_t recno;     /* records returned */
    char err[FC_SOURCE_ERRBUF];
    /* pcap */
    size_t hdrsize;
    int dlt;
    uint32_t snap, maxsnap;
    int nsec;
    int64_t frac_ns;    /* nanoseconds per unit of the time fraction */
    int lenswap;        /* 0 never, 1 always, 2 when caplen > len */
    /* pcapng */
    iface *ifs;
    size_t nif, capif;
    int first_dlt;      /* -1 until the first interface */
    /* suspension */
    int suspended;
    int restart;        /* resume from the start (a stream) */
    uint64_t rec_off;   /* while suspended: where the record last returned starts */
    const uint8_t *rec_at; /* that record in the window */
    int (*retire)(void *, void *); /* fc_capread_set_retire */
    void *retire_ctx;
};

static inline uint32_t rd32(const fc_capread *r, const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return r->swapped ? __builtin_bswap32(v) : v;
}

static inline uint16_t rd16(const fc_capread *r, const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return r->swapped ? __builtin_bswap16(v) : v;
}

/* libpcap's LINKTYPE_ -> DLT_ mapping on Linux: the upper six bits carry
 * the FCS length and flags, and five values below the matching range
 * differ. */
static int to_dlt(uint32_t lt)
{
    lt &= 0x03ffffffu;
    switch (lt) {
    case 100: return 11; /* ATM RFC 1483 */
    case 101: return 12; /* raw IP */
    case 102: return 15; /* SLIP BSD/OS */
    case 103: return 16; /* PPP BSD/OS */
    case 106: return 19; /* ATM CLIP */
    default: return (int)lt;
    }
}

static uint32_t max_snap(int dlt)
{
    switch (dlt) {
    case 231: return 128u * 1024 * 1024; /* D-Bus */
    case 279: return 8u * 1024 * 1024;   /* EBHSCR */
    case 249: return 1024u * 1024;       /* USBPcap */
    default: return MAX_SNAPLEN;
    }
}

static uint32_t adjust_snap(int dlt, uint32_t snap)
{
    return snap == 0 || snap > max_snap(dlt) ? max_snap(dlt) : snap;
}

static int fail(fc_capread *r, int rc, const char *what)
{
    int n = snprintf(r->err, sizeof r->err, "%s: packet %llu: %s", r->path,
                     (unsigned long long)r->recno + 1, what);
    if (n < 0)
        r->err[0] = '\0';
    r->failed = rc;
    r->fast = 0;
    return rc;
}

/* The fast path applies to the file as opened (or resumed). */
static void set_fast(fc_capread *r)
{
    r->fast = r->fmt == FMT_PCAP && !r->swapped && r->lenswap == 0 && r->hdrsize == 16 &&
              !r->failed && !r->suspended;
}

/* A short window at a place where a whole piece was needed. */
static int short_read(fc_capread *r, int rc, const char *piece, size_t need)
{
    char m[160];
    if (rc != FC_DONE)
        return fail(r, rc, fc_capin_errmsg(&r->in));
    snprintf(m, sizeof m, "truncated %s: %zu of %zu bytes", piece,
             (size_t)(r->in.lim - r->in.cur), need);
    return fail(r, FC_EFORMAT, m);
}

/* ---- pcap ---- */

static int open_pcap(fc_capread *r, uint32_t magic, char *err)
{
    const uint8_t *h;
    if (fc_capin_need(&r->in, 24) != FC_OK) {
        snprintf(err, FC_SOURCE_ERRBUF, "%s: truncated pcap file header", r->path);
        return FC_EFORMAT;
    }
    h = r->in.cur;
    uint16_t vmaj = rd16(r, h + 4), vmin = rd16(r, h + 6);
    if (vmaj < 2) {
        snprintf(err, FC_SOURCE_ERRBUF, "%s: archaic pcap savefile format", r->path);
        return FC_EFORMAT;
    }
    if (!((vmaj == 2 && vmin <= 4) || (vmaj == 543 && vmin == 0))) {
        snprintf(err, FC_SOURCE_ERRBUF, "%s: unsupported pcap savefile version %u.%u", r->path,
                 vmaj, vmin);
        return FC_EFORMAT;
    }
    r->fmt = FMT_PCAP;
    r->dlt = to_dlt(rd32(r, h + 20));
    r->maxsnap = max_snap(r->dlt);
    r->snap = adjust_snap(r->dlt, rd32(r, h + 16));
    r->nsec = magic == PCAP_MAGIC_NS;
    r->frac_ns = r->nsec ? 1 : 1000;
    r->lenswap = vmaj == 543 || vmin < 3 ? 1 : vmin == 3 ? 2 : 0;
    r->hdrsize = 16;
    if (magic == PCAP_MAGIC_KUZ) {
        r->hdrsize = 24; /* ifindex, protocol, packet type after the usual fields */
        if (r->dlt == 1)
            r->snap = r->snap <= 0x7fffffffu - 14 ? r->snap + 14 : 0x7fffffffu;
    }
    r->in.cur += 24;
    return FC_OK;
}

static int next_pcap(fc_capread *r, fc_rec *rec)
{
    fc_capin *in = &r->in;
    int rc = fc_capin_need(in, r->hdrsize);
    if (rc != FC_OK) {
        if (rc == FC_DONE && in->lim == in->cur)
            return FC_DONE;
        return short_read(r, rc, "record header", r->hdrsize);
    }
    const uint8_t *h = in->cur;
    uint32_t sec = rd32(r, h), frac = rd32(r, h + 4);
    uint32_t cap = rd32(r, h + 8), len = rd32(r, h + 12);
    if (r->lenswap == 1 || (r->lenswap == 2 && cap > len)) {
        uint32_t t = cap;
        cap = len;
        len = t;
    }
    if (cap > r->maxsnap) {
        char m[96];
        snprintf(m, sizeof m, "captured length %u over the maximum of %u", cap, r->maxsnap);
        return fail(r, FC_EFORMAT, m);
    }
    size_t whole = r->hdrsize + cap;
    rc = fc_capin_need(in, whole);
    if (rc != FC_OK)
        return short_read(r, rc, "record", whole);
    h = in->cur;
    r->rec_at = h;
    in->cur += whole;
    rec->data = h + r->hdrsize;
    /* libpcap cuts a record longer than the snap length to it */
    rec->caplen = cap > r->snap ? r->snap : cap;
    rec->wirelen = len;
    /* seconds are unsigned (to 2106); the fraction is read as libpcap
     * reads it, signed */
    rec->ts = (int64_t)sec * FC_NSEC_PER_SEC + (int64_t)(int32_t)frac * r->frac_ns;
    rec->linktype = r->dlt;
    rec->pktno = ++r->recno;
    return FC_OK;
}

static int next_slow(fc_capread *r, fc_rec *rec);

/* next_pcap for the common file (native byte order, version 2.4, the
 * usual 16-byte record header): a whole record at hand and within the
 * snap length (so within the maximum too) is the record next_pcap would
 * return, in fewer steps; anything else goes the long way. */
static inline int next_pcap_fast(fc_capread *r, fc_rec *rec)
{
    fc_capin *in = &r->in;
    const uint8_t *h = in->cur;
    if (LIKELY(in->lim - h >= 16)) {
        uint32_t w[4];
        memcpy(w, h, 16);
        if (LIKELY(w[2] <= r->snap && (size_t)(in->lim - h) - 16 >= w[2])) {
            r->rec_at = h;
            in->cur = h + 16 + w[2];
            rec->data = h + 16;
            rec->caplen = w[2];
            rec->wirelen = w[3];
            rec->ts = (int64_t)w[0] * FC_NSEC_PER_SEC + (int64_t)(int32_t)w[1] * r->frac_ns;
            rec->linktype = r->dlt;
            rec->pktno = ++r->recno;
            return FC_OK;
        }
    }
    return next_slow(r, rec);
}

/* ---- pcapng ---- */

/* Reads the options of an IDB at [p, end) into f. */
static int idb_options(fc_capread *r, const uint8_t *p, const uint8_t *end, iface *f)
{
    while (end - p >= 4) {
        uint16_t code = rd16(r, p), olen = rd16(r, p + 2);
        size_t padded = ((size_t)olen + 3) & ~(size_t)3;
        p += 4;
        if (code == 0)
            break;
        if (padded > (size_t)(end - p))
            return fail(r, FC_EFORMAT, "interface option longer than its block");
        if (code == 9) { /* if_tsresol */
            if (olen != 1)
                return fail(r, FC_EFORMAT, "if_tsresol option not 1 byte long");
            unsigned v = p[0] & 0x7f;
            if (p[0] & 0x80) {
                if (v > 63)
                    return fail(r, FC_EFORMAT, "if_tsresol 2^N with N over 63");
                f->pow2 = 1;
                f->exp = (int)v;
                f->res = (uint64_t)1 << v;
            } else {
                if (v > 19)
                    return fail(r, FC_EFORMAT, "if_tsresol 10^N with N over 19");
                f->pow2 = 0;
                f->exp = (int)v;
                f->res = 1;
                for (unsigned i = 0; i < v; i++)
                    f->res *= 10;
            }
        } else if (code == 14) { /* if_tsoffset */
            if (olen != 8)
                return fail(r, FC_EFORMAT, "if_tsoffset option not 8 bytes long");
            uint64_t v;
            memcpy(&v, p, 8);
            if (r->swapped)
                v = __builtin_bswap64(v);
            f->offset = (int64_t)v;
        }
        p += padded;
    }
    return FC_OK;
}

static int add_iface(fc_capread *r, const uint8_t *b, uint32_t blen)
{
    iface f = {0};
    if (blen < 20)
        return fail(r, FC_EFORMAT, "interface description block too short");
    f.dlt = to_dlt(rd16(r, b + 8));
    f.snap = adjust_snap(f.dlt, rd32(r, b + 12));
    f.res = 1000000;
    f.exp = 6;
    if (idb_options(r, b + 16, b + blen - 4, &f) != FC_OK)
        return r->failed;
    if (r->nif == r->capif) {
        size_t nc = r->capif ? r->capif * 2 : 4;
        iface *n = fc_realloc(r->ifs, nc * sizeof *n);
        if (!n)
            return fail(r, FC_ENOMEM, fc_strerror(FC_ENOMEM));
        r->ifs = n;
        r->capif = nc;
    }
    r->ifs[r->nif++] = f;
    if (r->first_dlt < 0)
        r->first_dlt = f.dlt;
    return FC_OK;
}

/* Nanoseconds of a packet's time in units of interface f. */
static int ng_time(fc_capread *r, const iface *f, uint64_t t, fc_ts *out)
{
    uint64_t sec = t / f->res, frac = t % f->res, ns;
    if (f->pow2)
        ns = (uint64_t)(((unsigned __int128)frac * 1000000000u) >> f->exp);
    else if (f->exp <= 9) {
        ns = frac;
        for (int i = f->exp; i < 9; i++)
            ns *= 10;
    } else {
        ns = frac;
        for (int i = 9; i < f->exp; i++)
            ns /= 10;
    }
    sec += (uint64_t)f->offset; /* wraps as libpcap's does; negative is out of range */
    int64_t s = (int64_t)sec;
    if (s < 0 || s > (INT64_MAX - (int64_t)ns) / FC_NSEC_PER_SEC)
        return fail(r, FC_EFORMAT, "timestamp out of range");
    *out = s * FC_NSEC_PER_SEC + (int64_t)ns;
    return FC_OK;
}

/* Reads a section header at in->cur (type already seen): byte order,
 * version. Leaves the block to the caller. */
static int shb(fc_capread *r, const uint8_t *b, uint32_t blen)
{
    if (blen < 28)
        return fail(r, FC_EFORMAT, "section header block too short");
    uint16_t vmaj = rd16(r, b + 12);
    if (vmaj != 1) {
        char m[64];
        snprintf(m, sizeof m, "unsupported pcapng version %u", vmaj);
        return fail(r, FC_EFORMAT, m);
    }
    r->nif = 0; /* each section describes its own interfaces */
    return FC_OK;
}

/* The next block: *b and *blen, the window moved past it. */
static int ng_block(fc_capread *r, const uint8_t **bp, uint32_t *blenp, uint32_t *typep)
{
    fc_capin *in = &r->in;
    int rc = fc_capin_need(in, 12);
    if (rc == FC_DONE && in->lim == in->cur)
        return FC_DONE;
    /* 8 bytes are enough to see a too-short block's length, except in a
     * section header, whose byte order comes after them */
    if (rc != FC_OK && !(rc == FC_DONE && in->lim - in->cur >= 8 && rd32(r, in->cur) != NG_SHB))
        return short_read(r, rc, "block header", 12);
    const uint8_t *b = in->cur;
    uint32_t type = rd32(r, b);
    if (type == NG_SHB) {
        uint32_t bom;
        memcpy(&bom, b + 8, 4);
        if (bom == NG_BOM)
            r->swapped = 0;
        else if (bom == __builtin_bswap32(NG_BOM))
            r->swapped = 1;
        else
            return fail(r, FC_EFORMAT, "section header with a bad byte-order magic");
    }
    uint32_t blen = rd32(r, b + 4);
    if (blen < 12 || blen % 4 != 0 || blen > NG_MAX_BLOCK) {
        char m[80];
        snprintf(m, sizeof m, "block length %u invalid", blen);
        return fail(r, FC_EFORMAT, m);
    }
    rc = fc_capin_need(in, blen);
    if (rc != FC_OK)
        return short_read(r, rc, "block", blen);
    b = in->cur;
    uint32_t tail = rd32(r, b + blen - 4);
    if (tail != blen) {
        char m[96];
        snprintf(m, sizeof m, "block length %u in its header, %u in its trailer", blen, tail);
        return fail(r, FC_EFORMAT, m);
    }
    r->rec_at = b;
    in->cur += blen;
    *bp = b;
    *blenp = blen;
    *typep = type;
    return FC_OK;
}

static int next_ng(fc_capread *r, fc_rec *rec)
{
    for (;;) {
        const uint8_t *b;
        uint32_t blen, type;
        int rc = ng_block(r, &b, &blen, &type);
        if (rc != FC_OK)
            return rc;
        uint32_t ifid, cap, len;
        uint64_t t;
        const uint8_t *data;
        switch (type) {
        case NG_SHB:
            if (shb(r, b, blen) != FC_OK)
                return r->failed;
            continue;
        case NG_IDB:
            if (add_iface(r, b, blen) != FC_OK)
                return r->failed;
            continue;
        case NG_EPB:
            if (blen < 32)
                return fail(r, FC_EFORMAT, "enhanced packet block too short");
            ifid = rd32(r, b + 8);
            t = (uint64_t)rd32(r, b + 12) << 32 | rd32(r, b + 16);
            cap = rd32(r, b + 20);
            len = rd32(r, b + 24);
            data = b + 28;
            if (cap > blen - 32)
                return fail(r, FC_EFORMAT, "captured length longer than its block");
            break;
        case NG_PB:
            if (blen < 32)
                return fail(r, FC_EFORMAT, "packet block too short");
            ifid = rd16(r, b + 8);
            t = (uint64_t)rd32(r, b + 12) << 32 | rd32(r, b + 16);
            cap = rd32(r, b + 20);
            len = rd32(r, b + 24);
            data = b + 28;
            if (cap > blen - 32)
                return fail(r, FC_EFORMAT, "captured length longer than its block");
            break;
        case NG_SPB:
            if (blen < 16)
                return fail(r, FC_EFORMAT, "simple packet block too short");
            ifid = 0;
            t = 0; /* no time stamp: the interface's offset alone */
            len = rd32(r, b + 8);
            data = b + 12;
            cap = 0;
            break;
        default:
            continue; /* name resolution, statistics, secrets, custom, ... */
        }
        if (ifid >= r->nif) {
            char m[96];
            snprintf(m, sizeof m, "packet on interface %u, which has no description block", ifid);
            return fail(r, FC_EFORMAT, m);
        }
        const iface *f = &r->ifs[ifid];
        if (type == NG_SPB) {
            cap = len < f->snap ? len : f->snap;
            if (cap > blen - 16)
                return fail(r, FC_EFORMAT, "captured length longer than its block");
        }
        if (cap > max_snap(f->dlt)) {
            char m[96];
            snprintf(m, sizeof m, "captured length %u over the maximum of %u", cap,
                     max_snap(f->dlt));
            return fail(r, FC_EFORMAT, m);
        }
        if (ng_time(r, f, t, &rec->ts) != FC_OK)
            return r->failed;
        rec->data = data;
        rec->caplen = cap;
        rec->wirelen = len;
        rec->linktype = f->dlt;
        rec->pktno = ++r->recno;
        return FC_OK;
    }
}

/* ---- opening ---- */

/* Reads the header: the format, and for pcapng the first interface. */
static int read_header(fc_capread *r, char *err)
{
    fc_capin *in = &r->in;
    int rc = fc_capin_need(in, 4);
    if (rc != FC_OK) {
        if (rc == FC_DONE)
            snprintf(err, FC_SOURCE_ERRBUF, "%s: %s", r->path,
                     in->lim == in->cur ? "empty file, not a capture" : "not a capture file (too short)");
        else
            snprintf(err, FC_SOURCE_ERRBUF, "%s: %s", r->path, fc_capin_errmsg(in));
        return rc == FC_DONE ? FC_EFORMAT : rc;
    }
    uint32_t m;
    memcpy(&m, in->cur, 4);
    r->swapped = 0;
    if (m == PCAP_MAGIC_US || m == PCAP_MAGIC_NS || m == PCAP_MAGIC_KUZ)
        return open_pcap(r, m, err);
    m = __builtin_bswap32(m);
    if (m == PCAP_MAGIC_US || m == PCAP_MAGIC_NS || m == PCAP_MAGIC_KUZ) {
        r->swapped = 1;
        return open_pcap(r, m, err);
    }
    if (m != NG_SHB) {
        snprintf(err, FC_SOURCE_ERRBUF, "%s: unknown file format (not pcap or pcapng)", r->path);
        return FC_EFORMAT;
    }
    r->fmt = FMT_PCAPNG;
    r->first_dlt = -1;
    /* blocks up to the first interface: its link type is the file's */
    while (r->first_dlt < 0) {
        const uint8_t *b;
        uint32_t blen, type;
        uint64_t at = fc_capin_tell(in);
        rc = ng_block(r, &b, &blen, &type);
        if (rc == FC_DONE) {
            snprintf(err, FC_SOURCE_ERRBUF, "%s: pcapng file without an interface description block",
                     r->path);
            return FC_EFORMAT;
        }
        if (rc == FC_OK && at == 0 && type != NG_SHB)
            rc = fail(r, FC_EFORMAT, "not a section header block");
        if (rc == FC_OK && type == NG_SHB)
            rc = shb(r, b, blen);
        else if (rc == FC_OK && type == NG_IDB)
            rc = add_iface(r, b, blen);
        else if (rc == FC_OK && (type == NG_EPB || type == NG_SPB || type == NG_PB))
            rc = fail(r, FC_EFORMAT, "packet block before any interface description block");
        if (rc != FC_OK) {
            /* at open: "PATH: what", without a packet number */
            const char *w = strstr(r->err, ": packet 1: ");
            if (w)
                snprintf(err, FC_SOURCE_ERRBUF, "%s: %.400s", r->path, w + 12);
            else
                snprintf(err, FC_SOURCE_ERRBUF, "%.500s", r->err);
            return rc;
        }
    }
    return FC_OK;
}

fc_capread *fc_capread_open(const char *path, char *err, int *rcp)
{
    char ie[FC_CAPIN_ERRBUF];
    struct stat st;
    fc_capread *r = fc_calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, FC_SOURCE_ERRBUF, "%s: %s", path, fc_strerror(FC_ENOMEM));
        *rcp = FC_ENOMEM;
        return NULL;
    }
    r->path = path;
    int rc = fc_capin_open(&r->in, path, ie);
    if (rc != FC_OK) {
        snprintf(err, FC_SOURCE_ERRBUF, "%s: %s", path, ie);
        fc_free(r);
        *rcp = rc;
        return NULL;
    }
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        r->size = (uint64_t)st.st_size;
    rc = read_header(r, err);
    if (rc != FC_OK) {
        fc_capread_close(r);
        *rcp = rc;
        return NULL;
    }
    r->failed = 0;
    set_fast(r);
    *rcp = FC_OK;
    return r;
}

/* Every case but the fast one, kept out of line so that the fast one
 * needs no stack frame. */
static __attribute__((noinline)) int next_slow(fc_capread *r, fc_rec *rec)
{
    if (r->failed)
        return r->failed;
    if (r->suspended)
        return fail(r, FC_EINVAL, "read while suspended");
    return r->fmt == FMT_PCAP ? next_pcap(r, rec) : next_ng(r, rec);
}

int fc_capread_next(fc_capread *r, fc_rec *rec)
{
    if (LIKELY(r->fast))
        return next_pcap_fast(r, rec);
    return next_slow(r, rec);
}

const char *fc_capread_errmsg(const fc_capread *r)
{
    return r->err;
}

int fc_capread_linktype(const fc_capread *r)
{
    return r->fmt == FMT_PCAP ? r->dlt : r->first_dlt;
}

uint64_t fc_capread_size(const fc_capread *r)
{
    return r->size;
}

uint64_t fc_capread_file_pos(const fc_capread *r)
{
    return r->suspended ? r->rec_off : fc_capin_file_pos(&r->in);
}

int fc_capread_compression(const fc_capread *r)
{
    return r->suspended ? FC_CAPIN_PLAIN : fc_capin_kind(&r->in);
}

int fc_capread_suspend(fc_capread *r)
{
    return fc_capread_suspend_keep(r, NULL);
}

void fc_capread_set_retire(fc_capread *r, int (*retire)(void *ctx, void *buf), void *ctx)
{
    r->retire = retire;
    r->retire_ctx = ctx;
    if (!r->suspended && r->in.impl)
        fc_capin_set_retire(&r->in, retire, ctx);
}

int fc_capread_stable(const fc_capread *r)
{
    return !r->suspended && r->in.impl && r->retire;
}

int fc_capread_suspend_keep(fc_capread *r, void **kept)
{
    if (kept)
        *kept = NULL;
    if (r->suspended)
        return FC_OK;
    if (fc_capin_seekable(&r->in) && r->recno > 0)
        r->restart = 0;
    else if (r->recno <= 1 && strcmp(r->path, "-") != 0)
        r->restart = 1; /* a stream at its first record: read it again from the start */
    else
        return FC_EINVAL;
    if (r->rec_at) /* else no record was read since the last resume: rec_off holds */
        r->rec_off = fc_capin_offset_of(&r->in, r->rec_at);
    if (kept)
        *kept = fc_capin_close_keep(&r->in);
    else
        fc_capin_close(&r->in);
    r->rec_at = NULL;
    r->suspended = 1;
    r->fast = 0;
    return FC_OK;
}

int fc_capread_resume(fc_capread *r)
{
    char ie[FC_CAPIN_ERRBUF], err[FC_SOURCE_ERRBUF];
    if (!r->suspended)
        return FC_OK;
    r->suspended = 0;
    int rc = fc_capin_open(&r->in, r->path, ie);
    if (rc == FC_OK && r->retire)
        fc_capin_set_retire(&r->in, r->retire, r->retire_ctx);
    if (rc != FC_OK) {
        int n = snprintf(r->err, sizeof r->err, "%s: %s", r->path, ie);
        if (n < 0)
            r->err[0] = '\0';
        r->failed = rc;
        return rc;
    }
    if (r->restart || !fc_capin_seekable(&r->in)) {
        /* from the top: the header again, then the same first record */
        r->nif = 0;
        r->recno = 0;
        rc = read_header(r, err);
        if (rc != FC_OK) {
            snprintf(r->err, sizeof r->err, "%s", err);
            r->failed = rc;
            return rc;
        }
        set_fast(r);
        return FC_OK;
    }
    rc = fc_capin_seek(&r->in, r->rec_off);
    if (rc != FC_OK) {
        int n = snprintf(r->err, sizeof r->err, "%s: %s", r->path, fc_capin_errmsg(&r->in));
        if (n < 0)
            r->err[0] = '\0';
        r->failed = rc;
        return rc;
    }
    r->recno--;
    set_fast(r);
    return FC_OK;
}

int fc_capread_suspended(const fc_capread *r)
{
    return r->suspended;
}

void fc_capread_close(fc_capread *r)
{
    fc_capread_close_keep(r, NULL);
}

void fc_capread_close_keep(fc_capread *r, void **kept)
{
    if (kept)
        *kept = NULL;
    if (!r)
        return;
    if (kept)
        *kept = fc_capin_close_keep(&r->in);
    else
        fc_capin_close(&r->in);
    fc_free(r->ifs);
    fc_free(r);
}
