/* flowstore_pipe.h - hands events to a second thread that stores them.
 *
 * Inserting rows costs more than tracking the packets that made them, so
 * the replay pushes copies of its events into a bounded queue and one
 * storing thread runs the callback on them, in push order: tracking and
 * SQLite run on two cores at once. The callback's state (and the SQLite
 * connection it uses) belongs to the storing thread until
 * fs_pipe_finish returns. */
#ifndef FLOWSTORE_PIPE_H
#define FLOWSTORE_PIPE_H

#include "fc_event.h"

/* Stores one event; returns 0 or an error code (the first one stops the
 * storing: later events are dropped and pushes report it). */
typedef int (*fs_pipe_fn)(void *ctx, const fc_event *ev);

typedef struct fs_pipe fs_pipe;

/* Starts the thread. NULL on failure (out of memory, no thread). */
fs_pipe *fs_pipe_start(fs_pipe_fn fn, void *ctx);

/* Queues a copy of ev (its `user` pointer is not kept); blocks while the
 * queue is full. Returns 0, or the callback's error once it has failed
 * (noticed a batch later at most). */
int fs_pipe_push(fs_pipe *p, const fc_event *ev);

/* Stores what is queued, stops the thread, frees everything. Returns 0
 * or the callback's first error. NULL is ok (returns 0). */
int fs_pipe_finish(fs_pipe *p);

#endif
