/* fc_readahead.c - a producer thread filling blocks of records.
 *
 * NBLOCK blocks go round: the producer fills block k (records, and the
 * bytes of those that are not stable) while the consumer reads block
 * k-1, and waits only when all blocks are full. One lock round trip per
 * block, not per record. Work deferred while block k is being filled
 * runs once the consumer has released block k. */
#include <pthread.h>
#include <string.h>
#include "fc_alloc.h"
#include "fc_error.h"
#include "fc_readahead.h"

#define NBLOCK 4
#define BLOCK_RECS 1024
#define BLOCK_BYTES ((size_t)256 << 10) /* over 1,024 records of 250 bytes */

typedef struct block {
    fc_rec rec[BLOCK_RECS];
    size_t n;
    int end;           /* FC_OK, or the status that follows these records */
    uint8_t *bytes;    /* the records' data, back to back */
    size_t cap, used;
} block;

typedef struct later {
    void (*fn)(void *);
    void *arg;
    uint64_t blk;       /* runs once the consumer has released this block */
} later;

struct fc_readahead {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;  /* a block filled, a block released, or stop */
    uint64_t filled;    /* blocks published so far */
    uint64_t released;  /* blocks the consumer is done with */
    int stop;
    fc_readahead_fn next;
    void *ctx;
    block *cur;         /* consumer: the block being read, or NULL */
    size_t pos;
    int over;           /* consumer: the stream ended with `end` */
    int end;
    /* producer's own */
    uint64_t filling;   /* the block being filled */
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

static void *produce(void *arg)
{
    fc_readahead *ra = arg;
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
                int rc = ra->next(ra->ctx, ra, &r, &stable);
                if (rc != FC_OK) {
                    b->end = rc;
                    break;
                }
                if (stable) { /* handed over where it lies */
                    b->rec[b->n++] = r;
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
            b->rec[b->n] = r;
            b->rec[b->n].data = b->bytes + b->used;
            b->used += r.caplen;
            b->n++;
            have = 0;
        }
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
    fc_readahead *ra = fc_calloc(1, sizeof *ra);
    if (!ra)
        return NULL;
    ra->next = next;
    ra->ctx = ctx;
    for (int i = 0; i < NBLOCK; i++) {
        ra->blk[i].bytes = fc_malloc(BLOCK_BYTES);
        ra->blk[i].cap = BLOCK_BYTES;
        if (!ra->blk[i].bytes)
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
    for (int i = 0; i < NBLOCK; i++)
        fc_free(ra->blk[i].bytes);
    fc_free(ra);
    return NULL;
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
    for (int i = 0; i < NBLOCK; i++)
        fc_free(ra->blk[i].bytes);
    fc_free(ra);
}
