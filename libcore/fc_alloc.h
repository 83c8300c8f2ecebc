/* fc_alloc.h - the only allocator libflowcore uses.
 *
 * Every allocation in libcore goes through these so tests can fail the
 * Nth call (fc_alloc_fail_at) and check that each error path is clean. */
#ifndef FC_ALLOC_H
#define FC_ALLOC_H

#include <stddef.h>

/* Same contracts as malloc/calloc/realloc/free; NULL on failure (or
 * when the fault hook says so). fc_free(NULL) is a no-op. */
void *fc_malloc(size_t n);
void *fc_calloc(size_t nmemb, size_t size);
void *fc_realloc(void *p, size_t n);
void fc_free(void *p);
/* As fc_calloc, but the block starts on a cache line and no other
 * allocation shares its last line: for state one thread writes for every
 * packet while another thread reads or writes state of its own nearby
 * (a line both use would move between the two cores each time). Freed
 * with fc_free. */
void *fc_calloc_lines(size_t nmemb, size_t size);

/* Test hook: make the Nth allocation from now on the calling thread fail
 * (1 = the next one), and every one after it while `sticky` is set.
 * n = 0 disables. Other threads' allocations are not counted. */
void fc_alloc_fail_at(unsigned long n, int sticky);
/* Allocation calls the calling thread made (successful or not). */
unsigned long fc_alloc_count(void);

#endif
