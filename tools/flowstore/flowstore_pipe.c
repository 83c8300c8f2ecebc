/* flowstore_pipe.c - a ring of item batches between the replay thread
 * (producer) and the storing thread (consumer). The producer fills the
 * batch after the queued ones without the lock; a batch changes hands
 * under the mutex only when its items or its data area are full, so the
 * lock is taken once per batch. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include "flowstore_pipe.h"

/* Items are about 820 bytes (an event and a Zeek record), of which a
 * packet item fills 150: 256 to a batch. */
#define BATCH 256   /* items per batch */
#define NBATCH 8    /* batches in the ring */

typedef struct batch {
    size_t n, used;             /* items; bytes of data */
    int err;                    /* a submit's result, kept for commit */
    fs_item it[BATCH];
    uint8_t data[FS_PIPE_MAX_DATA]; /* the packet items' frames */
} batch;

struct fs_pipe {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t can_put, can_take;
    batch *ring;           /* NBATCH batches */
    unsigned head, count;  /* queued batches: head .. head + count - 1 */
    unsigned fill;         /* the producer's batch, outside the queued ones */
    int done;              /* producer finished */
    int err;               /* first callback error */
    fs_pipe_fn fn;
    void *ctx;
};

static void *consume(void *arg)
{
    fs_pipe *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->count == 0 && !p->done)
            pthread_cond_wait(&p->can_take, &p->mu);
        if (p->count == 0)
            break;
        batch *b = &p->ring[p->head];
        int err = p->err;
        pthread_mutex_unlock(&p->mu);
        /* the batch stays counted while stored, so nobody refills it */
        for (size_t i = 0; i < b->n && !err; i++)
            err = p->fn(p->ctx, &b->it[i], b->data);
        pthread_mutex_lock(&p->mu);
        if (err && !p->err)
            p->err = err;
        p->head = (p->head + 1) % NBATCH;
        p->count--;
        pthread_cond_signal(&p->can_put);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

fs_pipe *fs_pipe_start(fs_pipe_fn fn, void *ctx)
{
    fs_pipe *p = calloc(1, sizeof *p);
    if (!p || !(p->ring = malloc(NBATCH * sizeof *p->ring))) {
        free(p);
        return NULL;
    }
    p->fn = fn;
    p->ctx = ctx;
    p->ring[0].n = p->ring[0].used = 0;
    p->ring[0].err = 0;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->can_put, NULL);
    pthread_cond_init(&p->can_take, NULL);
    /* signals go to the replay thread, which knows how to stop */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&p->thread, NULL, consume, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->can_put);
        pthread_cond_destroy(&p->can_take);
        free(p->ring);
        free(p);
        return NULL;
    }
    return p;
}

/* Queues the producer's batch and waits for a free one. Returns the
 * callback's error so far. */
static int submit(fs_pipe *p)
{
    pthread_mutex_lock(&p->mu);
    p->count++;
    pthread_cond_signal(&p->can_take);
    while (p->count == NBATCH)
        pthread_cond_wait(&p->can_put, &p->mu);
    p->fill = (p->head + p->count) % NBATCH;
    p->ring[p->fill].n = p->ring[p->fill].used = 0;
    p->ring[p->fill].err = 0;
    int err = p->err;
    pthread_mutex_unlock(&p->mu);
    return err;
}

fs_item *fs_pipe_item(fs_pipe *p)
{
    batch *b = &p->ring[p->fill];
    return &b->it[b->n];
}

uint8_t *fs_pipe_data(fs_pipe *p, size_t len, size_t *off)
{
    batch *b = &p->ring[p->fill];
    if (len > FS_PIPE_MAX_DATA)
        return NULL;
    if (b->used + len > FS_PIPE_MAX_DATA) {
        int err = submit(p); /* a fresh batch, empty */
        b = &p->ring[p->fill];
        b->err = err;
    }
    *off = b->used;
    b->used += len;
    return b->data + *off;
}

int fs_pipe_commit(fs_pipe *p)
{
    batch *b = &p->ring[p->fill];
    int err = b->err;
    b->err = 0;
    if (++b->n < BATCH)
        return err;
    return submit(p);
}

int fs_pipe_finish(fs_pipe *p)
{
    if (!p)
        return 0;
    if (p->ring[p->fill].n)
        submit(p);
    pthread_mutex_lock(&p->mu);
    p->done = 1;
    pthread_cond_signal(&p->can_take);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    int err = p->err;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->can_put);
    pthread_cond_destroy(&p->can_take);
    free(p->ring);
    free(p);
    return err;
}
