/* fc_alloc.c - allocator wrappers with a countdown fault hook.
 *
 * The hook's counters are per thread: a test failing the Nth allocation
 * counts only its own thread's calls, and two threads allocating at once
 * (two trackers, a tracker and a writer) never race on them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fc_alloc.h"

static _Thread_local unsigned long alloc_calls;
static _Thread_local unsigned long fail_at; /* absolute call number that fails, 0 = off */
static _Thread_local int fail_sticky;

static int should_fail(void)
{
    alloc_calls++;
    if (fail_at == 0)
        return 0;
    if (alloc_calls == fail_at)
        return 1;
    return fail_sticky && alloc_calls > fail_at;
}

void *fc_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *fc_calloc(size_t nmemb, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(nmemb ? nmemb : 1, size ? size : 1);
}

#define LINE 64

void *fc_calloc_lines(size_t nmemb, size_t size)
{
    if (should_fail())
        return NULL;
    if (size && nmemb > (SIZE_MAX - LINE) / size)
        return NULL;
    size_t n = nmemb * size;
    n = n ? (n + LINE - 1) / LINE * LINE : LINE;
    void *p;
    if (posix_memalign(&p, LINE, n) != 0)
        return NULL;
    return memset(p, 0, n);
}

void *fc_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void fc_free(void *p)
{
    free(p);
}

void fc_alloc_fail_at(unsigned long n, int sticky)
{
    fail_at = n ? alloc_calls + n : 0;
    fail_sticky = sticky;
}

unsigned long fc_alloc_count(void)
{
    return alloc_calls;
}
