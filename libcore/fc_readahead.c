/* fc_readahead.c - a producer thread filling blocks of records.
 *
 * NBLOCK blocks go round: the producer fills block k (records, and the
 * bytes of those that are not stable) while the consumer reads block
 * k-1, and waits only when all blocks are full. One lock round trip per
 * block, not per record. Work deferred while block k is being filled
 * runs once the consumer has released block k. */
#include <pthread.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "fc_alloc.h"
#include "fc_error.h"
#include "fc_readahead.h"

#define NBLOCK 4
#define BLOCK_RECS 1024
#define BLOCK_BYTES ((size_t)256 << 10) /* over 1,024 records of 250 bytes */
#define PREP_LOCAL 512 /* prep output up to this size is made on the stack */
_Static_assert(sizeof(fc_rec) % 8 == 0, "records are copied 8 bytes at a time");

typedef struct block {
    _Alignas(64) fc_rec rec[BLOCK_RECS]; /* blocks share no cache line */
    size_t n;
    int end;           /* FC_OK, or the status that follows these records */
    uint8_t *bytes;    /* the records' data, back to back */
    size_t cap, used;
    uint8_t *prep;     /* prep's output for each record (prep_size each) */
} block;

typedef struct later {
    void (*fn)(void *);
    void *arg;
    uint64_t blk;       /* runs once the consumer has released this block */
} later;

/* the padding is the point: each thread's fields on lines of their own */
struct fc_readahead { // NOLINT(clang-analyzer-optin.performance.Padding)
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;  /* a block filled, a block released, or stop */
    uint64_t filled;    /* blocks published so far */
    uint64_t released;  /* blocks the consumer is done with */
    int stop;
    fc_readahead_fn next;
    void *ctx;
    fc_readahead_prep_fn prep; /* or NULL */
    const void *prep_ctx;
    size_t prep_size;
    /* The consumer's own, on cache lines of their own (the struct is
     * allocated with fc_calloc_lines): it writes pos for every record,
     * and a line it shared with what the producer reads for every record
     * would move between the two cores each time. */
    _Alignas(64) block *cur; /* the block being read, or NULL */
    size_t pos;
    int over;           /* the stream ended with `end` */
    int end;
    /* the producer's own */
    _Alignas(64) uint64_t filling; /* the block being filled */
    later *dq;          /* deferred work, in block order: [dhead, dn) */
    size_t dhead, dn, dcap;
    block blk[NBLOCK];
};

int fc_readahead_defer_room(fc_readahead *ra)
{
    if (ra->dn < ra->dcap)
        return FC_OK;
    if (ra->dhead) { /* the front has run: move the rest down */
        memmove(ra->dq, ra->dq + ra->dhead, (ra->dn - ra->dhead) * sizeof *ra->dq);
        ra->dn -= ra->dhead;
        ra->dhead = 0;
        return FC_OK;
    }
    size_t nc = ra->dcap ? ra->dcap * 2 : 16;
    later *n = fc_realloc(ra->dq, nc * sizeof *n);
    if (!n)
        return FC_ENOMEM;
    ra->dq = n;
    ra->dcap = nc;
    return FC_OK;
}

void fc_readahead_defer(fc_readahead *ra, void (*fn)(void *), void *arg)
{
    ra->dq[ra->dn++] = (later){fn, arg, ra->filling};
}

/* Runs the deferred work whose blocks the consumer has released (all of
 * it when `all`). */
static void run_deferred(fc_readahead *ra, uint64_t released, int all)
{
    while (ra->dhead < ra->dn && (all || ra->dq[ra->dhead].blk < released)) {
        later l = ra->dq[ra->dhead++];
        l.fn(l.arg);
    }
    if (ra->dhead == ra->dn)
        ra->dhead = ra->dn = 0;
}

/* Waits until block k's slot is free; 0 when told to stop. Then runs
 * what the consumer's progress allows. */
static int wait_free(fc_readahead *ra, uint64_t k)
{
    pthread_mutex_lock(&ra->mu);
    while (!ra->stop && k - ra->released >= NBLOCK)
        pthread_cond_wait(&ra->cv, &ra->mu);
    int go = !ra->stop;
    uint64_t released = ra->released;
    pthread_mutex_unlock(&ra->mu);
    if (go && ra->dhead < ra->dn)
        run_deferred(ra, released, 0);
    return go;
}

/* Copies into a block without reading the block's lines first: they
 * were last read by the consumer, on the other core, and fetching each
 * back before writing it costs a round trip between the cores per line
 * (and every later load on this thread that must wait for the store
 * queue waits for those). Streaming stores write around the cache; the
 * block is published after a fence. n and both addresses are multiples
 * of 8. */
static inline void put_apart(void *dst, const void *src, size_t n)
{
#if defined(__SSE2__) && defined(__x86_64__)
    long long *d = dst;
    for (size_t i = 0; i < n / 8; i++) {
        long long v; /* read as bytes: src is any type */
        memcpy(&v, (const char *)src + i * 8, sizeof v);
        _mm_stream_si64(d + i, v);
    }
#else
    memcpy(dst, src, n);
#endif
}

/* Runs prep for rec into slot i of b. */
static void run_prep(fc_readahead *ra, block *b, size_t i, const fc_rec *rec)
{
    uint8_t *out = b->prep + i * ra->prep_size;
    if (ra->prep_size > PREP_LOCAL) {
        ra->prep(ra->prep_ctx, rec, out);
        return;
    }
    _Alignas(64) uint8_t tmp[PREP_LOCAL];
    ra->prep(ra->prep_ctx, rec, tmp);
    put_apart(out, tmp, ra->prep_size);
}

static void *produce(void *arg)
{
    fc_readahead *ra = arg;
    fc_readahead_fn next = ra->next;
    void *ctx = ra->ctx;
    fc_readahead_prep_fn prep = ra->prep;
    fc_rec r;
    int have = 0; /* r was read but did not fit the block before */

    for (uint64_t k = 0;; k++) {
        if (!wait_free(ra, k))
            return NULL;
        block *b = &ra->blk[k % NBLOCK];
        b->n = b->used = 0;
        b->end = FC_OK;
        ra->filling = k;
        while (b->n < BLOCK_RECS) {
            if (!have) {
                int stable;
                int rc = next(ctx, ra, &r, &stable);
                if (rc != FC_OK) {
                    b->end = rc;
                    break;
                }
                if (stable) { /* handed over where it lies */
                    if (prep)
                        run_prep(ra, b, b->n, &r);
                    put_apart(&b->rec[b->n++], &r, sizeof r);
                    continue;
                }
                have = 1; /* copied below, here or into the next block */
            }
            if (r.caplen > b->cap - b->used) {
                if (b->n)
                    break; /* r opens the next block */
                uint8_t *nb = fc_realloc(b->bytes, r.caplen); /* a huge record */
                if (!nb) {
                    b->end = FC_ENOMEM;
                    break;
                }
                b->bytes = nb;
                b->cap = r.caplen;
            }
            if (r.caplen)
                memcpy(b->bytes + b->used, r.data, r.caplen);
            r.data = b->bytes + b->used;
            put_apart(&b->rec[b->n], &r, sizeof r);
            if (prep)
                run_prep(ra, b, b->n, &r);
            b->used += r.caplen;
            b->n++;
            have = 0;
        }
#if defined(__SSE2__)
        __asm__ __volatile__("sfence" ::: "memory"); /* the streamed prep output before the block is published */
#endif
        pthread_mutex_lock(&ra->mu);
        ra->filled = k + 1;
        pthread_cond_broadcast(&ra->cv);
        pthread_mutex_unlock(&ra->mu);
        if (b->end != FC_OK)
            return NULL;
    }
}

fc_readahead *fc_readahead_start(fc_readahead_fn next, void *ctx)
{
    return fc_readahead_start_prep(next, ctx, NULL, NULL, 0);
}

fc_readahead *fc_readahead_start_prep(fc_readahead_fn next, void *ctx, fc_readahead_prep_fn prep,
                                      const void *prep_ctx, size_t size)
{
    fc_readahead *ra = fc_calloc_lines(1, sizeof *ra);
    if (!ra)
        return NULL;
    ra->next = next;
    ra->ctx = ctx;
    ra->prep = prep;
    ra->prep_ctx = prep_ctx;
    ra->prep_size = (size + 7) / 8 * 8; /* the stride: whole 8-byte stores */
    for (int i = 0; i < NBLOCK; i++) {
        ra->blk[i].bytes = fc_malloc(BLOCK_BYTES);
        ra->blk[i].cap = BLOCK_BYTES;
        if (!ra->blk[i].bytes)
            goto fail;
        /* on lines of its own: the producer writes a block's while the
         * consumer reads the block before */
        if (prep && !(ra->blk[i].prep = fc_calloc_lines(BLOCK_RECS, ra->prep_size)))
            goto fail;
    }
    if (pthread_mutex_init(&ra->mu, NULL) != 0)
        goto fail;
    if (pthread_cond_init(&ra->cv, NULL) != 0) {
        pthread_mutex_destroy(&ra->mu);
        goto fail;
    }
    if (pthread_create(&ra->thread, NULL, produce, ra) != 0) {
        pthread_cond_destroy(&ra->cv);
        pthread_mutex_destroy(&ra->mu);
        goto fail;
    }
    return ra;
fail:
    for (int i = 0; i < NBLOCK; i++) {
        fc_free(ra->blk[i].bytes);
        fc_free(ra->blk[i].prep);
    }
    fc_free(ra);
    return NULL;
}

const void *fc_readahead_prep(const fc_readahead *ra)
{
    if (!ra->prep || !ra->cur || ra->pos == 0)
        return NULL;
    return ra->cur->prep + (ra->pos - 1) * ra->prep_size;
}

int fc_readahead_next(fc_readahead *ra, fc_rec *rec)
{
    for (;;) {
        if (ra->cur && ra->pos < ra->cur->n) {
            *rec = ra->cur->rec[ra->pos++];
            return FC_OK;
        }
        if (ra->over)
            return ra->end;
        pthread_mutex_lock(&ra->mu);
        if (ra->cur) { /* its last record was handed out by the call before */
            int end = ra->cur->end;
            ra->cur = NULL;
            ra->released++;
            pthread_cond_broadcast(&ra->cv);
            if (end != FC_OK) {
                pthread_mutex_unlock(&ra->mu);
                ra->over = 1;
                ra->end = end;
                return end;
            }
        }
        while (ra->filled == ra->released)
            pthread_cond_wait(&ra->cv, &ra->mu);
        ra->cur = &ra->blk[ra->released % NBLOCK];
        ra->pos = 0;
        pthread_mutex_unlock(&ra->mu);
    }
}

void fc_readahead_stop(fc_readahead *ra)
{
    if (!ra)
        return;
    pthread_mutex_lock(&ra->mu);
    ra->stop = 1;
    pthread_cond_broadcast(&ra->cv);
    pthread_mutex_unlock(&ra->mu);
    pthread_join(ra->thread, NULL);
    run_deferred(ra, 0, 1);
    fc_free(ra->dq);
    pthread_cond_destroy(&ra->cv);
    pthread_mutex_destroy(&ra->mu);
    for (int i = 0; i < NBLOCK; i++) {
        fc_free(ra->blk[i].bytes);
        fc_free(ra->blk[i].prep);
    }
    fc_free(ra);
}
