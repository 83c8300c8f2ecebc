/* fc_flowtab.c - pool, hash buckets and intrusive lists of live flows. */
#include <string.h>
#include "fc_alloc.h"
#include "fc_error.h"
#include "fc_flowtab.h"
#include "fc_time.h"

static uint32_t pow2_at_least(size_t n)
{
    uint32_t p = 16;
    while (p < n && p < (UINT32_C(1) << 31))
        p <<= 1;
    return p;
}

int fc__flowtab_init(fc_flowtab *ft, size_t initial, size_t user_size, uint64_t seed)
{
    memset(ft, 0, sizeof *ft);
    if (initial < 16)
        initial = 16;
    ft->cap = (uint32_t)(initial > (UINT32_MAX - 1) / 2 ? (UINT32_MAX - 1) / 2 : initial);
    ft->nbucket = pow2_at_least(ft->cap);
    ft->user_size = user_size;
    ft->seed = seed;
    ft->free_head = FC_NIL;
    ft->recency.head = ft->recency.tail = FC_NIL;
    for (int c = 0; c < FC_CLASS_COUNT; c++)
        ft->cls[c].head = ft->cls[c].tail = FC_NIL;
    ft->pool = fc_malloc((size_t)ft->cap * sizeof *ft->pool);
    ft->bucket = fc_malloc((size_t)ft->nbucket * sizeof *ft->bucket);
    if (user_size)
        ft->user = fc_malloc((size_t)ft->cap * user_size);
    if (!ft->pool || !ft->bucket || (user_size && !ft->user)) {
        fc__flowtab_destroy(ft);
        return FC_ENOMEM;
    }
    memset(ft->bucket, 0xff, (size_t)ft->nbucket * sizeof *ft->bucket);
    return FC_OK;
}

void fc__flowtab_destroy(fc_flowtab *ft)
{
    fc_free(ft->pool);
    fc_free(ft->bucket);
    fc_free(ft->user);
    ft->pool = NULL;
    ft->bucket = NULL;
    ft->user = NULL;
}

uint32_t fc__flowtab_find(const fc_flowtab *ft, const fc_key *key, uint64_t hash)
{
    uint32_t i = ft->bucket[hash & (ft->nbucket - 1)];
    while (i != FC_NIL) {
        const fc_flow *f = &ft->pool[i];
        if (fc_key_equal(&f->key, key))
            return i;
        i = f->hnext;
    }
    return FC_NIL;
}

/* Doubles the pool (bounded by limit) and, when the load would pass 1,
 * the buckets, rehashing every live flow. */
static int grow(fc_flowtab *ft, size_t limit)
{
    size_t ncap = (size_t)ft->cap * 2;
    if (ncap > limit)
        ncap = limit;
    if (ncap > (size_t)UINT32_MAX - 1)
        ncap = (size_t)UINT32_MAX - 1;
    if (ncap <= ft->cap)
        return FC_ENOMEM;
    fc_flow *np = fc_realloc(ft->pool, ncap * sizeof *np);
    if (!np)
        return FC_ENOMEM;
    ft->pool = np;
    if (ft->user_size) {
        unsigned char *nu = fc_realloc(ft->user, ncap * ft->user_size);
        if (!nu)
            return FC_ENOMEM; /* pool grew but cap unchanged: still consistent */
        ft->user = nu;
    }
    if (ncap > ft->nbucket) {
        uint32_t nb = pow2_at_least(ncap);
        uint32_t *bk = fc_malloc((size_t)nb * sizeof *bk);
        if (!bk)
            return FC_ENOMEM;
        memset(bk, 0xff, (size_t)nb * sizeof *bk);
        /* Rehash by walking the recency list: only live flows. */
        for (uint32_t i = ft->recency.head; i != FC_NIL; i = ft->pool[i].rnext) {
            uint32_t b = (uint32_t)(fc_key_hash(&ft->pool[i].key, ft->seed) & (nb - 1));
            ft->pool[i].hnext = bk[b];
            bk[b] = i;
        }
        fc_free(ft->bucket);
        ft->bucket = bk;
        ft->nbucket = nb;
    }
    ft->cap = (uint32_t)ncap;
    return FC_OK;
}

static void list_unlink_r(fc_flowtab *ft, uint32_t i)
{
    fc_flow *f = &ft->pool[i];
    if (f->rprev != FC_NIL)
        ft->pool[f->rprev].rnext = f->rnext;
    else
        ft->recency.head = f->rnext;
    if (f->rnext != FC_NIL)
        ft->pool[f->rnext].rprev = f->rprev;
    else
        ft->recency.tail = f->rprev;
}

static void list_push_r(fc_flowtab *ft, uint32_t i)
{
    fc_flow *f = &ft->pool[i];
    f->rprev = FC_NIL;
    f->rnext = ft->recency.head;
    if (f->rnext != FC_NIL)
        ft->pool[f->rnext].rprev = i;
    else
        ft->recency.tail = i;
    ft->recency.head = i;
}

static void list_unlink_c(fc_flowtab *ft, uint32_t i)
{
    fc_flow *f = &ft->pool[i];
    fc_list *l = &ft->cls[f->cls];
    if (f->cprev != FC_NIL)
        ft->pool[f->cprev].cnext = f->cnext;
    else
        l->head = f->cnext;
    if (f->cnext != FC_NIL)
        ft->pool[f->cnext].cprev = f->cprev;
    else
        l->tail = f->cprev;
}

static int64_t floor_sec(fc_ts ts)
{
    int64_t q = ts / FC_NSEC_PER_SEC;
    return (ts % FC_NSEC_PER_SEC != 0 && ts < 0) ? q - 1 : q;
}

/* Queue time for ts: whole seconds from qbase, clamped; both clamps round
 * down, so qsec never says later than ts. */
static int32_t qsec_of(fc_flowtab *ft, fc_ts ts)
{
    if (!ft->qbase_set) {
        ft->qbase = floor_sec(ts);
        ft->qbase_set = 1;
    }
    int64_t d = floor_sec(ts) - ft->qbase;
    if (d < INT32_MIN)
        return INT32_MIN;
    return d > INT32_MAX ? INT32_MAX : (int32_t)d;
}

fc_ts fc__flowtab_qts(const fc_flowtab *ft, const fc_flow *f)
{
    int64_t s = ft->qbase + f->qsec;
    if (s > INT64_MAX / FC_NSEC_PER_SEC)
        return INT64_MAX;
    if (s < INT64_MIN / FC_NSEC_PER_SEC)
        return INT64_MIN;
    return s * FC_NSEC_PER_SEC;
}

/* Inserts into the class list keeping qsec non-decreasing from the head.
 * New and re-queued flows are the latest in time, so the walk from the
 * tail is short. */
static void list_insert_c(fc_flowtab *ft, uint32_t i)
{
    fc_flow *f = &ft->pool[i];
    fc_list *l = &ft->cls[f->cls];
    uint32_t at = l->tail;
    while (at != FC_NIL && ft->pool[at].qsec > f->qsec)
        at = ft->pool[at].cprev;
    /* insert after `at` (or at the head when at == NIL) */
    f->cprev = at;
    f->cnext = at == FC_NIL ? l->head : ft->pool[at].cnext;
    if (f->cnext != FC_NIL)
        ft->pool[f->cnext].cprev = i;
    else
        l->tail = i;
    if (at != FC_NIL)
        ft->pool[at].cnext = i;
    else
        l->head = i;
}

uint32_t fc__flowtab_insert(fc_flowtab *ft, const fc_key *key, uint64_t hash, int cls,
                            fc_ts ts, size_t limit)
{
    uint32_t i;
    if (ft->free_head != FC_NIL) {
        i = ft->free_head;
        ft->free_head = ft->pool[i].hnext;
    } else {
        if (ft->used == ft->cap && grow(ft, limit) != FC_OK)
            return FC_NIL;
        i = ft->used++;
    }
    fc_flow *f = &ft->pool[i];
    memset(f, 0, sizeof *f);
    f->key = *key;
    f->cls = (uint8_t)cls;
    f->stats.started = f->stats.last_seen = ts;
    f->qsec = qsec_of(ft, ts);
    f->touch = ++ft->next_touch;
    uint32_t b = (uint32_t)(hash & (ft->nbucket - 1));
    f->hnext = ft->bucket[b];
    ft->bucket[b] = i;
    list_push_r(ft, i);
    list_insert_c(ft, i);
    if (ft->user)
        memset(ft->user + (size_t)i * ft->user_size, 0, ft->user_size);
    ft->count++;
    return i;
}

void fc__flowtab_remove(fc_flowtab *ft, uint32_t i)
{
    fc_flow *f = &ft->pool[i];
    uint32_t b = (uint32_t)(fc_key_hash(&f->key, ft->seed) & (ft->nbucket - 1));
    uint32_t *pp = &ft->bucket[b];
    while (*pp != i && *pp != FC_NIL)
        pp = &ft->pool[*pp].hnext;
    if (*pp == i)
        *pp = f->hnext;
    list_unlink_r(ft, i);
    list_unlink_c(ft, i);
    f->hnext = ft->free_head;
    ft->free_head = i;
    ft->count--;
}

void fc__flowtab_touch(fc_flowtab *ft, uint32_t i, fc_ts ts)
{
    fc_flow *f = &ft->pool[i];
    f->touch = ++ft->next_touch;
    if (ft->recency.head != i) {
        list_unlink_r(ft, i);
        list_push_r(ft, i);
    }
    f->stats.last_seen = ts;
    /* The class list orders flows by the second of their last packet; a
     * packet in the same second leaves the flow where it is (no
     * neighbour writes), one in a later second moves it to the newest
     * end (an earlier one, back to its place). */
    fc_ts q = fc__flowtab_qts(ft, f);
    if (ts < q || ts - q >= FC_NSEC_PER_SEC) {
        list_unlink_c(ft, i);
        f->qsec = qsec_of(ft, ts);
        list_insert_c(ft, i);
    }
}

size_t fc__flowtab_memory(const fc_flowtab *ft)
{
    return (size_t)ft->cap * (sizeof(fc_flow) + ft->user_size) +
           (size_t)ft->nbucket * sizeof(uint32_t);
}
