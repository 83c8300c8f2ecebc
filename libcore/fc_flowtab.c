/* fc_flowtab.c - pool, hash buckets and intrusive lists of live flows. */
#include <stdint.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif
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

/* Flows are looked up at random: with a large table every lookup would
 * also miss the TLB. Where the kernel leaves transparent huge pages to
 * madvise, ask for them on big arrays (a hint; failure changes nothing). */
static void advise_huge(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t pg = 4096;
    if (n < (size_t)4 << 20)
        return;
    uintptr_t a = ((uintptr_t)p + pg - 1) & ~(pg - 1), e = ((uintptr_t)p + n) & ~(pg - 1);
    if (e > a)
        (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
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
    ft->touch_max = UINT32_MAX - 1;
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
    advise_huge(ft->pool, (size_t)ft->cap * sizeof *ft->pool);
    advise_huge(ft->bucket, (size_t)ft->nbucket * sizeof *ft->bucket);
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
    advise_huge(np, ncap * sizeof *np);
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
        advise_huge(bk, (size_t)nb * sizeof *bk);
        memset(bk, 0xff, (size_t)nb * sizeof *bk);
        /* Rehash in pool order (sequential, unlike the recency list);
         * recycled slots have family 0. */
        for (uint32_t i = 0; i < ft->used; i++) {
            if (ft->pool[i].key.family == 0)
                continue;
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

/* Highest start kept in sec_lo: the second after it still fits in
 * fc_ts, so [sec_lo, sec_lo + 1 s) never wraps. */
#define FC__SEC_LO_MAX (INT64_MAX - 2 * FC_NSEC_PER_SEC)

static inline int in_sec_lo(const fc_flowtab *ft, fc_ts ts)
{
    return (uint64_t)ts - (uint64_t)ft->sec_lo < (uint64_t)FC_NSEC_PER_SEC;
}

/* floor_sec(a) == floor_sec(b). Packets come in time order, so most
 * stamps fall in the second of the latest touch: when either does, the
 * answer needs no division (one inside it and one outside differ),
 * which the touch of every packet would otherwise pay for twice. */
static inline int same_sec(const fc_flowtab *ft, fc_ts a, fc_ts b)
{
    int ia = in_sec_lo(ft, a), ib = in_sec_lo(ft, b);
    if (ia || ib)
        return ia == ib;
    return floor_sec(a) == floor_sec(b);
}

fc_ts fc__flowtab_qts(const fc_flow *f)
{
    int64_t s = floor_sec(f->stats.last_seen);
    if (s < INT64_MIN / FC_NSEC_PER_SEC)
        return INT64_MIN;
    return s * FC_NSEC_PER_SEC;
}

/* Inserts into the class list keeping the second of last_seen
 * non-decreasing from the head.
 * New and re-queued flows are the latest in time, so the walk from the
 * tail is short. */
static void list_insert_c(fc_flowtab *ft, uint32_t i)
{
    fc_flow *f = &ft->pool[i];
    fc_list *l = &ft->cls[f->cls];
    fc_ts ls = f->stats.last_seen;
    uint32_t at = l->tail;
    /* second of x > second of ls, without dividing: x is later and not
     * in the same second */
    while (at != FC_NIL && ft->pool[at].stats.last_seen > ls &&
           !same_sec(ft, ft->pool[at].stats.last_seen, ls))
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

/* Stamps are 32 bits to keep the entry small. Before they would wrap,
 * the live flows are renumbered 1..count in recency order (every ~4G
 * packets; O(live flows) then), so comparing stamps stays exact. */
static uint32_t next_touch(fc_flowtab *ft)
{
    if (ft->next_touch >= ft->touch_max) {
        uint32_t n = 0;
        for (uint32_t i = ft->recency.tail; i != FC_NIL; i = ft->pool[i].rprev)
            ft->pool[i].touch = ++n;
        ft->next_touch = n;
    }
    return ++ft->next_touch;
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
    f->touch = next_touch(ft);
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
    f->key.family = 0; /* a recycled slot: skipped by rehashing */
    f->hnext = ft->free_head;
    ft->free_head = i;
    ft->count--;
}

void fc__flowtab_touch(fc_flowtab *ft, uint32_t i, fc_ts ts)
{
    fc_flow *f = &ft->pool[i];
    f->touch = next_touch(ft);
    if (ft->recency.head != i) {
        list_unlink_r(ft, i);
        list_push_r(ft, i);
    }
    /* The class list orders flows by the second of their last packet; a
     * packet in the same second leaves the flow where it is (no
     * neighbour writes), one in a later second moves it to the newest
     * end (an earlier one, back to its place). */
    if (!in_sec_lo(ft, ts) && ts >= 0 && ts <= FC__SEC_LO_MAX)
        ft->sec_lo = ts - ts % FC_NSEC_PER_SEC;
    int moved = !same_sec(ft, ts, f->stats.last_seen);
    f->stats.last_seen = ts;
    if (moved) {
        list_unlink_c(ft, i);
        list_insert_c(ft, i);
    }
}

void fc__flowtab_prefetch_links(const fc_flowtab *ft, const fc_flow *f, fc_ts ts)
{
    if (f->rprev != FC_NIL) /* the head is not moved */
        __builtin_prefetch(&ft->pool[f->rprev].rnext, 1);
    if (f->rnext != FC_NIL && f->rprev != FC_NIL)
        __builtin_prefetch(&ft->pool[f->rnext].rprev, 1);
    if (!same_sec(ft, ts, f->stats.last_seen)) {
        if (f->cprev != FC_NIL)
            __builtin_prefetch(&ft->pool[f->cprev].cnext, 1);
        if (f->cnext != FC_NIL)
            __builtin_prefetch(&ft->pool[f->cnext].cprev, 1);
    }
}

/* Evictions take flows from the recency tail, whose entries, buckets and
 * chains are cold. Each eviction prepares the next three, one memory
 * round trip each: the next victim's chain up to a second entry and its
 * class neighbours, the one after's bucket, and the third's entry. */
void fc__flowtab_prefetch_victim(const fc_flowtab *ft)
{
    uint32_t v1 = ft->recency.tail;
    if (v1 == FC_NIL)
        return;
    const fc_flow *f1 = &ft->pool[v1];
    uint32_t h = ft->bucket[fc_key_hash(&f1->key, ft->seed) & (ft->nbucket - 1)];
    if (h != v1 && h != FC_NIL)
        __builtin_prefetch(&ft->pool[h].hnext);
    if (f1->cprev != FC_NIL)
        __builtin_prefetch(&ft->pool[f1->cprev].cnext, 1);
    if (f1->cnext != FC_NIL)
        __builtin_prefetch(&ft->pool[f1->cnext].cprev, 1);
    if (f1->rprev == FC_NIL)
        return;
    const fc_flow *f2 = &ft->pool[f1->rprev];
    __builtin_prefetch(&ft->bucket[fc_key_hash(&f2->key, ft->seed) & (ft->nbucket - 1)]);
    if (f2->rprev != FC_NIL)
        fc__flowtab_prefetch_entry(ft, f2->rprev);
}

size_t fc__flowtab_memory(const fc_flowtab *ft)
{
    return (size_t)ft->cap * (sizeof(fc_flow) + ft->user_size) +
           (size_t)ft->nbucket * sizeof(uint32_t);
}
