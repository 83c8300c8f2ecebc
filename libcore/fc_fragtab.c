/* fc_fragtab.c - bounded first-fragment port memory. */
#include <string.h>
#include "fc_alloc.h"
#include "fc_fragtab.h"

typedef struct frag_slot {
    uint8_t src[16], dst[16];
    uint32_t id;
    uint16_t sport, dport;
    uint8_t family, proto, used, pad;
    fc_ts seen;
} frag_slot;

struct fc_fragtab {
    uint64_t seed;
    frag_slot slot[FC_FRAG_SLOTS];
};

fc_fragtab *fc__fragtab_new(uint64_t seed)
{
    fc_fragtab *ft = fc_calloc(1, sizeof *ft);
    if (ft)
        ft->seed = seed | 1;
    return ft;
}

void fc__fragtab_free(fc_fragtab *ft)
{
    fc_free(ft);
}

static uint32_t slot_of(const fc_fragtab *ft, const fc_decoded *d)
{
    uint64_t h = ft->seed ^ ((uint64_t)d->frag_id << 8) ^ d->proto;
    size_t alen = d->family == 6 ? 16 : 4;
    for (size_t i = 0; i < alen; i++) {
        h ^= (uint64_t)d->src[i] << ((i % 8) * 8);
        h ^= (uint64_t)d->dst[i] << (((i + 3) % 8) * 8);
        if (i % 8 == 7)
            h *= UINT64_C(0x9e3779b97f4a7c15);
    }
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 31;
    return (uint32_t)(h % FC_FRAG_SLOTS);
}

static int same(const frag_slot *s, const fc_decoded *d)
{
    size_t alen = d->family == 6 ? 16 : 4;
    return s->used && s->family == d->family && s->proto == d->proto &&
           s->id == d->frag_id && memcmp(s->src, d->src, alen) == 0 &&
           memcmp(s->dst, d->dst, alen) == 0;
}

void fc__fragtab_put(fc_fragtab *ft, const fc_decoded *d, fc_ts ts)
{
    frag_slot *s = &ft->slot[slot_of(ft, d)];
    memset(s, 0, sizeof *s);
    memcpy(s->src, d->src, 16);
    memcpy(s->dst, d->dst, 16);
    s->id = d->frag_id;
    s->sport = d->sport;
    s->dport = d->dport;
    s->family = d->family;
    s->proto = d->proto;
    s->used = 1;
    s->seen = ts;
}

int fc__fragtab_get(fc_fragtab *ft, fc_decoded *d, fc_ts ts)
{
    frag_slot *s = &ft->slot[slot_of(ft, d)];
    fc_ts age;

    if (!same(s, d))
        return 0;
    age = ts - s->seen;
    if (age > FC_FRAG_TTL || age < -FC_FRAG_TTL) {
        s->used = 0;
        return 0;
    }
    d->sport = s->sport;
    d->dport = s->dport;
    return 1;
}

size_t fc__fragtab_memory(void)
{
    return sizeof(fc_fragtab);
}
