/* fc_readahead.h - records read on a thread of their own, handed over in
 * blocks (internal to libflowcore).
 *
 * libpcap's read loop costs about a third of a replay's reading thread.
 * With a second core, a producer thread runs it (and the merge of several
 * files) into a few blocks of copied records while the replay tracks the
 * records of the block before. The order of records, their bytes and the
 * status that ends the stream are exactly those of the producer. */
#ifndef FC_READAHEAD_H
#define FC_READAHEAD_H

#include "fc_source.h"

typedef struct fc_readahead fc_readahead;

/* Produces the next record: FC_OK with *rec filled (its data valid until
 * the next call), anything else ends the stream with that status. Runs on
 * the producer thread. */
typedef int (*fc_readahead_fn)(void *ctx, fc_rec *rec);

/* Starts the producer thread. NULL when memory or a thread cannot be had
 * (the caller then reads directly; nothing was consumed). */
fc_readahead *fc_readahead_start(fc_readahead_fn next, void *ctx);

/* The next record, in the producer's order: FC_OK with *rec filled (data
 * valid until the next call), or the status that ended the stream, again
 * on every later call. */
int fc_readahead_next(fc_readahead *ra, fc_rec *rec);

/* Stops the producer (it finishes the record it is reading) and frees
 * everything. NULL is ok. */
void fc_readahead_stop(fc_readahead *ra);

#endif
