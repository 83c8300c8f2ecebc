/* fc_readahead.h - records read on a thread of their own, handed over in
 * blocks (internal to libflowcore).
 *
 * With a second core, a producer thread reads the files (and merges
 * them) into a few blocks of records while the replay tracks the
 * records of the block before. A record is handed over as a pointer into
 * the buffer its file was read into, the producer putting off freeing
 * that buffer until the consumer is past the record; a record whose
 * reader cannot promise that is copied into the block. The order of
 * records, their bytes and the status that ends the stream are exactly
 * those of the producer. */
#ifndef FC_READAHEAD_H
#define FC_READAHEAD_H

#include "fc_source.h"

typedef struct fc_readahead fc_readahead;

/* Produces the next record: FC_OK with *rec filled, anything else ends
 * the stream with that status. Runs on the producer thread, with RA the
 * read-ahead (NULL when the caller reads directly). *stable: 0 when the
 * data is valid only until the next call (it is copied then), 1 when it
 * stays valid until the producer lets it go through fc_readahead_defer. */
typedef int (*fc_readahead_fn)(void *ctx, fc_readahead *ra, fc_rec *rec, int *stable);

/* Starts the producer thread. NULL when memory or a thread cannot be had
 * (the caller then reads directly; nothing was consumed). */
fc_readahead *fc_readahead_start(fc_readahead_fn next, void *ctx);

/* Work done on the producer thread for each record handed over: writes
 * SIZE bytes at out from the record alone (and ctx, which it only
 * reads), so that the consumer finds them beside the record. */
typedef void (*fc_readahead_prep_fn)(const void *ctx, const fc_rec *rec, void *out);

/* fc_readahead_start with prep run on every record (ctx must outlive
 * the read-ahead). */
fc_readahead *fc_readahead_start_prep(fc_readahead_fn next, void *ctx, fc_readahead_prep_fn prep,
                                      const void *prep_ctx, size_t size);

/* What prep wrote for the record the last fc_readahead_next returned
 * (valid as long as the record), or NULL without prep. */
const void *fc_readahead_prep(const fc_readahead *ra);

/* The next record, in the producer's order: FC_OK with *rec filled (data
 * valid until the next call), or the status that ended the stream, again
 * on every later call. */
int fc_readahead_next(fc_readahead *ra, fc_rec *rec);

/* On the producer thread: makes sure the next fc_readahead_defer cannot
 * fail. FC_OK or FC_ENOMEM. */
int fc_readahead_defer_room(fc_readahead *ra);
/* On the producer thread, after fc_readahead_defer_room: calls
 * fn(arg), on the producer thread or at stop, once the consumer is done
 * with every record handed out so far (say, unmaps the file they lie
 * in). */
void fc_readahead_defer(fc_readahead *ra, void (*fn)(void *), void *arg);

/* Stops the producer (it finishes the record it is reading), runs what
 * was deferred and frees everything. NULL is ok. */
void fc_readahead_stop(fc_readahead *ra);

#endif
