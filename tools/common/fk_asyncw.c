/* fk_asyncw.c - single-producer, single-consumer queue of event batches. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "fc_error.h"
#include "fk_asyncw.h"

#define BATCH 2048  /* events per hand-over: amortizes the locking and the wake-ups */
#define NBATCH 4    /* batches in flight */

typedef struct batch {
    fc_event ev[BATCH];
    int n;
} batch;

struct fk_asyncw {
    fc_writer *w;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    batch b[NBATCH];
    unsigned head, tail; /* batches filled: [tail, head); producer fills b[head % NBATCH] */
    int done;            /* producer finished */
    int rc;              /* FC_OK, or the first failed write's FC_E*; its
                            cause stays in the writer (fc_writer_errno) */
};

static void *consume(void *arg)
{
    fk_asyncw *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (a->tail == a->head && !a->done)
            pthread_cond_wait(&a->cv, &a->mu);
        if (a->tail == a->head && a->done)
            break;
        batch *b = &a->b[a->tail % NBATCH];
        pthread_mutex_unlock(&a->mu);
        int rc = fc_writer_events(a->w, b->ev, (size_t)b->n);
        pthread_mutex_lock(&a->mu);
        if (rc != FC_OK && a->rc == FC_OK)
            a->rc = rc;
        a->tail++;
        pthread_cond_broadcast(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

fk_asyncw *fk_asyncw_start(fc_writer *w)
{
    fk_asyncw *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->w = w;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    if (pthread_create(&a->thread, NULL, consume, a) != 0) {
        pthread_mutex_destroy(&a->mu);
        pthread_cond_destroy(&a->cv);
        free(a);
        return NULL;
    }
    return a;
}

/* Hands the batch being filled to the consumer; waits for a free one. */
static int hand_over(fk_asyncw *a)
{
    pthread_mutex_lock(&a->mu);
    a->head++;
    pthread_cond_broadcast(&a->cv);
    while (a->head - a->tail >= NBATCH)
        pthread_cond_wait(&a->cv, &a->mu);
    int rc = a->rc;
    pthread_mutex_unlock(&a->mu);
    a->b[a->head % NBATCH].n = 0;
    return rc;
}

int fk_asyncw_push(fk_asyncw *a, const fc_event *ev)
{
    batch *b = &a->b[a->head % NBATCH];
    fc_event *e = &b->ev[b->n];
    if (ev->type == FC_EV_ENDED) {
        *e = *ev;
        e->user = NULL;
    } else {
        /* rows of other events read nothing past stats.started: the
         * copy is half the size */
        memcpy(e, ev, offsetof(fc_event, stats) + sizeof ev->stats.started);
    }
    if (++b->n == BATCH)
        return hand_over(a);
    return FC_OK;
}

int fk_asyncw_finish(fk_asyncw *a)
{
    if (!a)
        return FC_OK;
    pthread_mutex_lock(&a->mu);
    if (a->b[a->head % NBATCH].n > 0)
        a->head++;
    a->done = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    int rc = a->rc;
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a);
    return rc;
}
