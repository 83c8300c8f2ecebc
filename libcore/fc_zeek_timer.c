/* fc_zeek_timer.c - binary min-heap for the Zeek table's timers. Sifts
 * move a hole instead of swapping, so each level costs one copy. */
#include "fc_zeek_timer.h"
#include "fc_alloc.h"
#include "fc_error.h"

/* Strict order: deadline, then id (ids are unique among live entries,
 * so pops are deterministic whatever the push order). */
static int before(const fc__zeek_timer *a, const fc__zeek_timer *b)
{
    return a->key < b->key || (a->key == b->key && a->id < b->id);
}

static void sift_down(fc__zeek_timer *v, size_t n, size_t i)
{
    fc__zeek_timer x = v[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(&v[c + 1], &v[c]))
            c++;
        if (!before(&v[c], &x))
            break;
        v[i] = v[c];
        i = c;
    }
    v[i] = x;
}

int fc__zeek_timers_reserve(fc__zeek_timers *h, size_t cap)
{
    if (cap <= h->cap)
        return FC_OK;
    fc__zeek_timer *v = fc_realloc(h->v, cap * sizeof *v);
    if (!v)
        return FC_ENOMEM;
    h->v = v;
    h->cap = cap;
    return FC_OK;
}

void fc__zeek_timers_free(fc__zeek_timers *h)
{
    fc_free(h->v);
    h->v = NULL;
    h->len = h->cap = 0;
}

void fc__zeek_timers_push(fc__zeek_timers *h, fc_ts key, uint64_t id, uint32_t slot)
{
    fc__zeek_timer x = {key, id, slot};
    size_t i = h->len++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(&x, &h->v[p]))
            break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = x;
}

void fc__zeek_timers_pop(fc__zeek_timers *h)
{
    if (--h->len > 0) {
        h->v[0] = h->v[h->len];
        sift_down(h->v, h->len, 0);
    }
}

void fc__zeek_timers_heapify(fc__zeek_timers *h)
{
    for (size_t i = h->len / 2; i-- > 0;)
        sift_down(h->v, h->len, i);
}
