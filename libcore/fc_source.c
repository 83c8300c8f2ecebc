/* fc_source.c - capture readers behind one merged, time-ordered stream.
 *
 * Every file is opened once at the start (so a missing or foreign file
 * stops everything before a row is written) and its first record is
 * read; then the merge is a heap of files keyed by their next record's
 * time. A file that is not at the top keeps its place but not its
 * descriptor or buffer once more than MAX_OPEN files are held: files
 * whose time ranges do not overlap are thus read one after another, and
 * any number of them costs MAX_OPEN open files at most. */
#include <dirent.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fc_alloc.h"
#include "fc_capin.h"
#include "fc_capread.h"
#include "fc_decode.h"
#include "fc_error.h"
#include "fc_readahead.h"
#include "fc_source.h"
#include "fc_source_int.h"

#define MAX_OPEN 32
#define FILTER_SNAPLEN 262144

typedef struct reader {
    fc_capread *cr;       /* NULL once the file is done */
    fc_source_file info;
    fc_rec rec;           /* pending record when !done */
    int err;              /* pending error: reported when this file comes up */
    int done;
    int lt;               /* link type of the last record checked */
    struct bpf_program *prog; /* filter for lt, or NULL */
    unsigned long long pos; /* file position, for progress (atomic) */
} reader;

typedef struct filt {
    int dlt;
    struct bpf_program prog;
} filt;

struct fc_source {
    reader *r;
    size_t n;
    size_t *heap;         /* indices of files not done, by (key, index) */
    size_t nheap;
    size_t nopen;         /* readers holding a descriptor and buffer */
    int handed;           /* heap[0]'s record was handed out */
    int failed;
    char err[FC_SOURCE_ERRBUF];
    const char *filter;
    filt **filts;         /* each apart: readers hold pointers to them */
    size_t nfilt;
    fc_readahead *pra;    /* the read-ahead, as the producer thread knows it */
    char **owned;         /* paths found in directories */
    size_t nowned;
    char **warn;
    size_t nwarn;
    /* What the consumer reads for every record, on a cache line of its
     * own: under read-ahead the fields above (and the readers) are
     * written by the producer thread for every record, and a line both
     * threads use would move between the two cores each time. The struct,
     * the readers and `seen` are allocated with fc_calloc_lines. */
    _Alignas(64) fc_readahead *ra;
    fc_source_file *seen; /* per file, as far as records were delivered */
    int started;
    /* fc__source_set_prep's, for the read-ahead */
    fc_readahead_prep_fn prep;
    void *prep_ctx;
    size_t prep_size;
};

static void set_err(char *buf, const char *path, const char *msg)
{
    int n = snprintf(buf, FC_SOURCE_ERRBUF, "%s: %s", path, msg);
    if (n < 0)
        buf[0] = '\0';
}

/* ---- the paths: directories expanded ---- */

typedef struct pathlist {
    const char **p;
    size_t n, cap;
} pathlist;

static int push(pathlist *l, const char *p)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        const char **np = fc_realloc(l->p, nc * sizeof *np);
        if (!np)
            return FC_ENOMEM;
        l->p = np;
        l->cap = nc;
    }
    l->p[l->n++] = p;
    return FC_OK;
}

static int own(fc_source *s, char *p)
{
    char **n = fc_realloc(s->owned, (s->nowned + 1) * sizeof *n);
    if (!n) {
        fc_free(p);
        return FC_ENOMEM;
    }
    s->owned = n;
    s->owned[s->nowned++] = p;
    return FC_OK;
}

static int warn(fc_source *s, const char *path, const char *why)
{
    size_t len = strlen(path) + strlen(why) + 3;
    char *w = fc_malloc(len);
    char **n = w ? fc_realloc(s->warn, (s->nwarn + 1) * sizeof *n) : NULL;
    if (!n) {
        fc_free(w);
        return FC_ENOMEM;
    }
    snprintf(w, len, "%s: %s", path, why);
    s->warn = n;
    s->warn[s->nwarn++] = w;
    return FC_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 when the file's first bytes (decompressed) are a capture's magic. */
static int looks_like_capture(const char *path)
{
    char ie[FC_CAPIN_ERRBUF];
    fc_capin in;
    if (fc_capin_open(&in, path, ie) != FC_OK)
        return 0;
    int yes = 0;
    if (fc_capin_need(&in, 4) == FC_OK) {
        uint32_t m;
        memcpy(&m, in.cur, 4);
        uint32_t w = __builtin_bswap32(m);
        yes = m == 0x0a0d0d0au || m == 0xa1b2c3d4u || m == 0xa1b23c4du || m == 0xa1b2cd34u ||
              w == 0xa1b2c3d4u || w == 0xa1b23c4du || w == 0xa1b2cd34u;
    }
    fc_capin_close(&in);
    return yes;
}

/* Adds the captures under directory DIR (recursively) to l, in name
 * order, with a warning for every other file. */
static int walk_dir(fc_source *s, const char *dir, pathlist *l, char *err)
{
    pathlist files = {0};
    pathlist dirs = {0};
    DIR *d = opendir(dir);
    int rc = FC_OK;
    if (!d) {
        set_err(err, dir, strerror(errno));
        return FC_EIO;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *p = fc_malloc(len);
        if (!p || own(s, p) != FC_OK) {
            rc = FC_ENOMEM;
            break;
        }
        snprintf(p, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        struct stat st;
        if (lstat(p, &st) != 0)
            rc = warn(s, p, strerror(errno));
        else if (S_ISDIR(st.st_mode))
            rc = push(&dirs, p);
        else if (S_ISLNK(st.st_mode) && stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            /* a link may lead back up the tree: not followed */
            rc = warn(s, p, "link to a directory, skipped");
        else
            rc = push(&files, p);
        if (rc != FC_OK)
            break;
    }
    closedir(d);
    if (rc == FC_OK) {
        /* files and subdirectories interleaved by name, as `ls` lists them */
        for (size_t i = 0; i < dirs.n && rc == FC_OK; i++)
            rc = push(&files, dirs.p[i]);
        if (files.n)
            qsort(files.p, files.n, sizeof *files.p, by_name);
        for (size_t i = 0; i < files.n && rc == FC_OK; i++) {
            struct stat st;
            if (lstat(files.p[i], &st) == 0 && S_ISDIR(st.st_mode))
                rc = walk_dir(s, files.p[i], l, err);
            else if (stat(files.p[i], &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
                     !looks_like_capture(files.p[i]))
                rc = warn(s, files.p[i], "not a capture file, skipped");
            else
                rc = push(l, files.p[i]);
        }
    }
    fc_free(files.p);
    fc_free(dirs.p);
    if (rc == FC_ENOMEM)
        snprintf(err, FC_SOURCE_ERRBUF, "%s", fc_strerror(FC_ENOMEM));
    return rc;
}

/* ---- filters: one program per link type met ---- */

static struct bpf_program *filter_for(fc_source *s, int dlt, char *msg, size_t msglen)
{
    for (size_t i = 0; i < s->nfilt; i++)
        if (s->filts[i]->dlt == dlt)
            return &s->filts[i]->prog;
    filt **nf = fc_realloc(s->filts, (s->nfilt + 1) * sizeof *nf);
    if (!nf) {
        snprintf(msg, msglen, "%s", fc_strerror(FC_ENOMEM));
        return NULL;
    }
    s->filts = nf;
    filt *f = fc_calloc(1, sizeof *f);
    pcap_t *p = f ? pcap_open_dead(dlt, FILTER_SNAPLEN) : NULL;
    if (!p) {
        fc_free(f);
        snprintf(msg, msglen, "%s", fc_strerror(FC_ENOMEM));
        return NULL;
    }
    if (pcap_compile(p, &f->prog, s->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        snprintf(msg, msglen, "bad filter: %s", pcap_geterr(p));
        pcap_close(p);
        fc_free(f);
        return NULL;
    }
    pcap_close(p);
    f->dlt = dlt;
    s->filts[s->nfilt++] = f;
    return &f->prog;
}

/* A record of a link type not seen before in this file: supported, and
 * its filter compiled. FC_OK or an error with msg filled. */
static int new_linktype(fc_source *s, reader *r, int lt, char *msg, size_t msglen)
{
    if (!fc_decode_linktype_supported(lt)) {
        const char *name = pcap_datalink_val_to_name(lt);
        snprintf(msg, msglen, "unsupported link type %d (%s)", lt, name ? name : "unknown");
        return FC_EUNSUPP;
    }
    r->prog = NULL;
    if (s->filter && *s->filter && !(r->prog = filter_for(s, lt, msg, msglen)))
        return FC_EINVAL;
    r->lt = lt;
    return FC_OK;
}

/* ---- reading ---- */

/* Reads reader r's next record that passes the filter into r->rec; sets
 * done at the end, err (with s->err) on failure. */
static void fill(fc_source *s, reader *r)
{
    for (;;) {
        int rc = fc_capread_next(r->cr, &r->rec);
        if (rc == FC_DONE) {
            r->done = 1;
            return;
        }
        if (rc != FC_OK) {
            r->err = rc;
            snprintf(s->err, sizeof s->err, "%s", fc_capread_errmsg(r->cr));
            return;
        }
        if (r->rec.linktype != r->lt) {
            char m[PCAP_ERRBUF_SIZE + 64];
            rc = new_linktype(s, r, r->rec.linktype, m, sizeof m);
            if (rc != FC_OK) {
                int n = snprintf(s->err, sizeof s->err, "%s: packet %llu: %s", r->info.path,
                                 (unsigned long long)r->rec.pktno, m);
                if (n < 0)
                    s->err[0] = '\0';
                r->err = rc;
                return;
            }
        }
        if (r->prog) {
            struct pcap_pkthdr h;
            memset(&h, 0, sizeof h);
            h.caplen = r->rec.caplen;
            h.len = r->rec.wirelen;
            if (pcap_offline_filter(r->prog, &h, r->rec.data) == 0)
                continue;
        }
        r->info.packets++;
        r->rec.pktno = r->info.packets; /* counted among the records that pass */
        if ((r->info.packets & 255) == 1) /* progress needs no more than this */
            __atomic_store_n(&r->pos, (unsigned long long)fc_capread_file_pos(r->cr),
                             __ATOMIC_RELAXED);
        return;
    }
}

static inline int before(const fc_source *s, size_t a, size_t b)
{
    const reader *ra = &s->r[a], *rb = &s->r[b];
    /* a pending error comes first: it ends the stream */
    fc_ts ka = ra->err ? INT64_MIN : ra->rec.ts, kb = rb->err ? INT64_MIN : rb->rec.ts;
    return ka < kb || (ka == kb && a < b);
}

static void sift_down(fc_source *s, size_t i)
{
    size_t *h = s->heap, n = s->nheap;
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && before(s, h[l], h[m]))
            m = l;
        if (l + 1 < n && before(s, h[l + 1], h[m]))
            m = l + 1;
        if (m == i)
            return;
        size_t t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void sift_up(fc_source *s, size_t i)
{
    size_t *h = s->heap;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(s, h[i], h[p]))
            return;
        size_t t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

/* Under read-ahead, records of a file may still wait in blocks for the
 * consumer: the buffer taken from a reader being closed or
 * suspended is then let go only once the consumer is past them. 1 when
 * that can be arranged (or is not needed), 0 when memory for it cannot
 * be had: the reader then stays as it is (open, a little longer). */
static int can_let_go(fc_readahead *ra, const reader *r)
{
    return !ra || !fc_capread_stable(r->cr) || fc_readahead_defer_room(ra) == FC_OK;
}

static void let_go_later(fc_readahead *ra, void *kept)
{
    if (kept)
        fc_readahead_defer(ra, fc_capin_free_kept, kept);
}

/* Keeps at most MAX_OPEN files open: lets go of the open file (other
 * than `keep`) whose next record comes last. */
static void make_room(fc_source *s, size_t keep, fc_readahead *ra)
{
    while (s->nopen >= MAX_OPEN) {
        size_t victim = s->n;
        for (size_t k = 0; k < s->nheap; k++) {
            size_t i = s->heap[k];
            reader *r = &s->r[i];
            if (i == keep || !r->cr || fc_capread_suspended(r->cr) || r->err)
                continue;
            if (victim == s->n || before(s, victim, i))
                victim = i;
        }
        void *kept = NULL;
        if (victim == s->n || !can_let_go(ra, &s->r[victim]) ||
            fc_capread_suspend_keep(s->r[victim].cr, ra ? &kept : NULL) != FC_OK)
            return; /* nothing can let go (streams past their start): stay over */
        let_go_later(ra, kept);
        s->nopen--;
    }
}

static void finish(fc_source *s, reader *r, fc_readahead *ra)
{
    __atomic_store_n(&r->pos, (unsigned long long)r->info.size, __ATOMIC_RELAXED);
    if (r->cr && !can_let_go(ra, r))
        return; /* closed with the source */
    if (r->cr && !fc_capread_suspended(r->cr))
        s->nopen--;
    void *kept = NULL;
    fc_capread_close_keep(r->cr, ra ? &kept : NULL);
    let_go_later(ra, kept);
    r->cr = NULL;
}

static void pop_top(fc_source *s)
{
    s->heap[0] = s->heap[--s->nheap];
    if (s->nheap)
        sift_down(s, 0);
}

/* A stream's full buffer, retired under read-ahead: freed once the
 * consumer is past the records in it. */
static int retire_buffer(void *ctx, void *buf)
{
    fc_source *s = ctx;
    if (fc_readahead_defer_room(s->pra) != FC_OK)
        return -1;
    fc_readahead_defer(s->pra, fc_capin_free_buffer, buf);
    return 0;
}

static int next_direct(void *ctx, fc_readahead *ra, fc_rec *rec, int *stable)
{
    fc_source *s = ctx;

    if (s->failed)
        return s->failed;
    if (ra && !s->pra) {
        /* on the producer thread from now on: streams (decompressed
         * input) keep their buffers until the consumer is past them,
         * so that their records too are handed over without a copy */
        s->pra = ra;
        for (size_t i = 0; i < s->n; i++)
            if (s->r[i].cr)
                fc_capread_set_retire(s->r[i].cr, retire_buffer, s);
    }
    if (s->handed) {
        s->handed = 0;
        reader *r = &s->r[s->heap[0]];
        fill(s, r);
        if (r->done) {
            finish(s, r, ra);
            pop_top(s);
        } else if (s->nheap > 1) {
            sift_down(s, 0);
        }
    }
    if (!s->nheap)
        return FC_DONE;
    size_t top = s->heap[0];
    reader *r = &s->r[top];
    if (!r->err && fc_capread_suspended(r->cr)) {
        make_room(s, top, ra);
        int rc = fc_capread_resume(r->cr);
        fc_rec again;
        if (rc == FC_OK)
            rc = fc_capread_next(r->cr, &again);
        if (rc == FC_OK) {
            s->nopen++;
            r->rec.data = again.data; /* the same record, read again */
        } else {
            r->err = rc == FC_DONE ? FC_EIO : rc;
            snprintf(s->err, sizeof s->err, "%s", fc_capread_errmsg(r->cr));
        }
    }
    if (r->err) {
        s->failed = r->err;
        return s->failed;
    }
    *rec = r->rec;
    rec->file = (unsigned)top;
    *stable = fc_capread_stable(r->cr);
    s->handed = 1;
    return FC_OK;
}

/* ---- opening ---- */

static void free_source(fc_source *s)
{
    for (size_t i = 0; i < s->n; i++)
        fc_capread_close(s->r[i].cr);
    for (size_t i = 0; i < s->nfilt; i++) {
        pcap_freecode(&s->filts[i]->prog);
        fc_free(s->filts[i]);
    }
    for (size_t i = 0; i < s->nowned; i++)
        fc_free(s->owned[i]);
    for (size_t i = 0; i < s->nwarn; i++)
        fc_free(s->warn[i]);
    fc_free(s->owned);
    fc_free(s->warn);
    fc_free(s->filts);
    fc_free(s->r);
    fc_free(s->heap);
    fc_free(s->seen);
    fc_free(s);
}

static int open_one(fc_source *s, reader *r, const char *path, char *err)
{
    struct stat st;
    int rc;

    r->info.path = path;
    if (strcmp(path, "-") != 0) {
        if (stat(path, &st) != 0) {
            set_err(err, path, strerror(errno));
            return FC_EIO;
        }
        if (S_ISREG(st.st_mode) && st.st_size == 0) {
            set_err(err, path, "empty file, not a capture");
            return FC_EFORMAT;
        }
    }
    if (!(r->cr = fc_capread_open(path, err, &rc)))
        return rc;
    s->nopen++;
    r->info.size = fc_capread_size(r->cr);
    r->info.linktype = fc_capread_linktype(r->cr);
    char m[PCAP_ERRBUF_SIZE + 64];
    rc = new_linktype(s, r, r->info.linktype, m, sizeof m);
    if (rc != FC_OK) {
        set_err(err, path, m);
        return rc;
    }
    fill(s, r); /* the first record gives the file its place in the merge */
    if (r->done) {
        finish(s, r, NULL);
        return FC_OK;
    }
    s->heap[s->nheap++] = (size_t)(r - s->r);
    sift_up(s, s->nheap - 1);
    if (s->nopen > MAX_OPEN && !r->err && fc_capread_suspend(r->cr) == FC_OK)
        s->nopen--;
    return FC_OK;
}

fc_source *fc_source_open(const char *const *paths, size_t npaths, const char *filter,
                          char *errbuf)
{
    fc_source *s;
    size_t stdin_uses = 0;
    pathlist l = {0};

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
    if (!(s = fc_calloc_lines(1, sizeof *s))) {
        snprintf(errbuf, FC_SOURCE_ERRBUF, "%s", fc_strerror(FC_ENOMEM));
        return NULL;
    }
    s->filter = filter;
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        int rc;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t before_n = l.n;
            rc = walk_dir(s, paths[i], &l, errbuf);
            if (rc == FC_OK && l.n == before_n) {
                set_err(errbuf, paths[i], "directory holds no capture files");
                rc = FC_EFORMAT;
            }
        } else {
            rc = push(&l, paths[i]);
            if (rc != FC_OK)
                snprintf(errbuf, FC_SOURCE_ERRBUF, "%s", fc_strerror(FC_ENOMEM));
        }
        if (rc != FC_OK) {
            fc_free(l.p);
            free_source(s);
            return NULL;
        }
    }
    if (!(s->r = fc_calloc_lines(l.n, sizeof *s->r)) ||
        !(s->seen = fc_calloc_lines(l.n, sizeof *s->seen)) ||
        !(s->heap = fc_calloc(l.n, sizeof *s->heap))) {
        snprintf(errbuf, FC_SOURCE_ERRBUF, "%s", fc_strerror(FC_ENOMEM));
        fc_free(l.p);
        free_source(s);
        return NULL;
    }
    s->n = l.n;
    for (size_t i = 0; i < l.n; i++) {
        s->r[i].lt = -1;
        if (open_one(s, &s->r[i], l.p[i], errbuf) != FC_OK) {
            fc_free(l.p);
            free_source(s);
            return NULL;
        }
        s->seen[i] = s->r[i].info;
        s->seen[i].packets = 0;
    }
    fc_free(l.p);
    return s;
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
            s->ra = fc_readahead_start_prep(next_direct, s, s->prep, s->prep_ctx,
                                            s->prep_size); /* NULL: read directly */
    }
    int stable;
    int rc = s->ra ? fc_readahead_next(s->ra, rec) : next_direct(s, NULL, rec, &stable);
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

size_t fc_source_nwarnings(const fc_source *s)
{
    return s->nwarn;
}

const char *fc_source_warning(const fc_source *s, size_t i)
{
    return i < s->nwarn ? s->warn[i] : NULL;
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
    for (size_t i = 0; i < s->n; i++)
        sum += __atomic_load_n(&s->r[i].pos, __ATOMIC_RELAXED);
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
    fc_free(s->prep_ctx);
    free_source(s);
}

int fc__source_set_prep(fc_source *s, fc_readahead_prep_fn prep, const void *ctx, size_t ctx_size,
                        size_t out_size)
{
    if (s->started || s->prep)
        return FC_EINVAL;
    void *c = fc_malloc(ctx_size);
    if (!c)
        return FC_ENOMEM;
    if (ctx_size)
        memcpy(c, ctx, ctx_size);
    s->prep = prep;
    s->prep_ctx = c;
    s->prep_size = out_size;
    return FC_OK;
}

const void *fc__source_prep_ctx(const fc_source *s)
{
    return s->prep ? s->prep_ctx : NULL;
}

const void *fc__source_prep(const fc_source *s)
{
    return s->ra ? fc_readahead_prep(s->ra) : NULL;
}
