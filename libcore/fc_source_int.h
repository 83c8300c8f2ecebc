/* fc_source_int.h - what the replay driver asks of a source beyond the
 * public API (internal to libflowcore).
 *
 * A source that reads ahead on a thread can do a record's first steps
 * of tracking there too (decode, key, hash): the driver gives it a
 * function of the record alone, and finds the result beside the record.
 * The function reads only its context, which the source copies, so the
 * thread never touches state the tracker changes. */
#ifndef FC_SOURCE_INT_H
#define FC_SOURCE_INT_H

#include <stddef.h>
#include "fc_readahead.h"
#include "fc_source.h"

/* Before the first fc_source_next: run prep(ctx copy, rec, out) on the
 * reading thread for every record, writing out_size bytes. ctx_size
 * bytes of ctx are copied. FC_OK; FC_EINVAL once records were read (or
 * prep was set before); FC_ENOMEM. Without a reading thread it is never
 * run, and fc__source_prep says so. */
int fc__source_set_prep(fc_source *s, fc_readahead_prep_fn prep, const void *ctx, size_t ctx_size,
                        size_t out_size);

/* The context given to fc__source_set_prep (the source's copy), or NULL:
 * a caller checks it is its own before trusting fc__source_prep. */
const void *fc__source_prep_ctx(const fc_source *s);

/* prep's output for the record the last fc_source_next returned, valid
 * as long as the record; NULL when prep did not run for it. */
const void *fc__source_prep(const fc_source *s);

#endif
