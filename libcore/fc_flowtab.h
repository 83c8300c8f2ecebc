/* fc_flowtab.h - storage for live flows (internal to libflowcore).
 *
 * Flows live in one array (the pool) addressed by 32-bit indices, so
 * growing the pool never invalidates links. Three intrusive lists thread
 * through it:
 *   - hash chains from a power-of-two bucket array (seeded hash);
 *   - the recency list (most recently used at the head): eviction takes
 *     the tail, iteration walks from the head;
 *   - one list per timeout class (TCP, UDP, other), sorted by the whole
 *     second of the flow's last packet, oldest at the head. A
 *     packet within the same second leaves its flow in place (no
 *     neighbour writes on the hot path); a sweep walks from the head only
 *     while that second allows an expiry. So a sweep costs O(flows that
 *     expire + flows last seen in the boundary second), not O(live flows).
 * The pool and buckets grow by doubling up to max_flows and never shrink
 * while the table lives: no allocation per packet in steady state. */
#ifndef FC_FLOWTAB_H
#define FC_FLOWTAB_H

#include <stddef.h>
#include <stdint.h>
#include "fc_event.h"
#include "fc_history.h"
#include "fc_key.h"

#define FC_NIL UINT32_MAX

enum { FC_CLASS_TCP = 0, FC_CLASS_UDP, FC_CLASS_OTHER, FC_CLASS_COUNT };

typedef struct fc_flow {
    fc_key key;
    fc_flow_stats stats;
    /* 64 bits: the history (fc_history.h's packed form) and the small
     * fields, so the entry is 120 bytes. The timeout-class list orders
     * flows by the second of stats.last_seen. */
    uint64_t history : FC_HISTORY_BITS;
    uint64_t state : 4;    /* fc_state */
    uint64_t orient : 1;   /* fc_orient of the initiator's packets */
    uint64_t cls : 2;      /* FC_CLASS_* */
    uint64_t fin_sent : 2; /* bit per fc_side: that side sent a FIN */
    uint32_t touch;        /* recency stamp: larger = used more recently;
                              renumbered before it would wrap */
    uint32_t hnext;        /* hash chain, or free list when unused */
    uint32_t rprev, rnext; /* recency list */
    uint32_t cprev, cnext; /* timeout-class list */
} fc_flow;

typedef struct fc_list {
    uint32_t head, tail;
} fc_list;

typedef struct fc_flowtab {
    fc_flow *pool;
    uint32_t *bucket;
    unsigned char *user; /* user_size bytes per pool slot, or NULL */
    size_t user_size;
    uint32_t cap;        /* pool slots allocated */
    uint32_t used;       /* pool slots ever handed out (high water) */
    uint32_t count;      /* live flows */
    uint32_t free_head;  /* recycled slots */
    uint32_t nbucket;    /* power of two */
    uint64_t seed;
    uint32_t next_touch;
    uint32_t touch_max;  /* renumber stamps past this (UINT32_MAX - 1;
                            tests lower it) */
    fc_list recency;
    fc_list cls[FC_CLASS_COUNT];
    fc_ts sec_lo;        /* start of the whole second of a recent touch
                            (0 at first): stamps inside that second
                            compare seconds without a division */
} fc_flowtab;

/* Allocates the pool (initial slots) and buckets. Returns FC_OK or
 * FC_ENOMEM. */
int fc__flowtab_init(fc_flowtab *ft, size_t initial, size_t user_size, uint64_t seed);
void fc__flowtab_destroy(fc_flowtab *ft);

static inline fc_flow *fc__flow(const fc_flowtab *ft, uint32_t i)
{
    return &ft->pool[i];
}

static inline void *fc__flow_user(const fc_flowtab *ft, uint32_t i)
{
    return ft->user ? ft->user + (size_t)i * ft->user_size : NULL;
}

/* Prefetches every cache line of entry i (120 bytes span two or three). */
static inline void fc__flowtab_prefetch_entry(const fc_flowtab *ft, uint32_t i)
{
    const char *e = (const char *)&ft->pool[i];
    __builtin_prefetch(e);
    __builtin_prefetch(e + 64);
    __builtin_prefetch(e + sizeof(fc_flow) - 1);
}

/* Index of the live flow with this key (hash = fc_key_hash(key, seed)),
 * or FC_NIL. */
uint32_t fc__flowtab_find(const fc_flowtab *ft, const fc_key *key, uint64_t hash);

/* Adds a flow at the head of the recency and class lists. The caller has
 * checked the key is absent and made room under max_flows. `limit` caps
 * pool growth. Returns the index, or FC_NIL when growing failed. The new
 * flow is zeroed except key, class, touch, stats.started/last_seen. */
uint32_t fc__flowtab_insert(fc_flowtab *ft, const fc_key *key, uint64_t hash, int cls,
                            fc_ts ts, size_t limit);

/* Unlinks a flow and recycles its slot. */
void fc__flowtab_remove(fc_flowtab *ft, uint32_t i);

/* Marks a flow used by a packet at ts: head of the recency list; moved in
 * its class list only when ts falls in another second. Sets
 * stats.last_seen. */
void fc__flowtab_touch(fc_flowtab *ft, uint32_t i, fc_ts ts);

/* Start of the second of the flow's last packet (a lower bound of
 * last_seen, within one second of it). */
fc_ts fc__flowtab_qts(const fc_flow *f);


/* Prefetches the list neighbours that touching f at ts would write. */
void fc__flowtab_prefetch_links(const fc_flowtab *ft, const fc_flow *f, fc_ts ts);

/* Prefetches, after an eviction, what the next evictions will read and
 * write (the least recent flows' entries, buckets, chains, neighbours). */
void fc__flowtab_prefetch_victim(const fc_flowtab *ft);

size_t fc__flowtab_memory(const fc_flowtab *ft);

#endif
