/* fk_asyncw.c - single-producer, single-consumer queue of event batches. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif
#include "fc_error.h"
#include "fk_asyncw.h"

#define BATCH 2048  /* events per hand-over: amortizes the locking and the wake-ups */
#define NBATCH 4    /* batches in flight */

typedef struct batch {
    _Alignas(64) fc_event ev[BATCH]; /* batches share no cache line */
    int n;
} batch;

/* padded: the batches start on cache lines of their own */
struct fk_asyncw { // NOLINT(clang-analyzer-optin.performance.Padding)
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
    void *mem;
    if (posix_memalign(&mem, 64, sizeof(fk_asyncw)) != 0) /* for the batches' alignment */
        return NULL;
    fk_asyncw *a = memset(mem, 0, sizeof *a);
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
#if defined(__SSE2__) && defined(__x86_64__)
    __asm__ __volatile__("sfence" ::: "memory"); /* the streamed events before the batch is handed over */
#endif
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

/* Copies an event into a batch without reading the batch's lines first:
 * the writer thread read them last, on the other core, and fetching each
 * back before writing it costs a round trip between the cores per line
 * (and stalls every later load here that waits for the store queue).
 * Streaming stores write around the cache; hand_over's lock orders them
 * before the batch is handed over. n and both addresses are multiples
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

/* rows of events other than ENDED read nothing past stats.started: the
 * copy is half the size */
#define SHORT_EVENT ((offsetof(fc_event, stats) + sizeof(((fc_event *)0)->stats.started) + 7) / 8 * 8)
_Static_assert(sizeof(fc_event) % 8 == 0 && SHORT_EVENT <= sizeof(fc_event),
               "events are copied 8 bytes at a time");

int fk_asyncw_push(fk_asyncw *a, const fc_event *ev)
{
    batch *b = &a->b[a->head % NBATCH];
    fc_event *e = &b->ev[b->n];
    if (ev->type == FC_EV_ENDED) {
        fc_event c = *ev;
        c.user = NULL;
        put_apart(e, &c, sizeof c);
    } else {
        put_apart(e, ev, SHORT_EVENT);
    }
    if (++b->n == BATCH)
        return hand_over(a);
    return FC_OK;
}

int fk_asyncw_finish(fk_asyncw *a)
{
    if (!a)
        return FC_OK;
#if defined(__SSE2__) && defined(__x86_64__)
    __asm__ __volatile__("sfence" ::: "memory");
#endif
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
