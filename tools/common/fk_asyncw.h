/* fk_asyncw.h - an event writer on its own thread.
 *
 * Formatting rows costs about as much as tracking the packets that made
 * them, so flowreplay hands events to a second thread through a bounded
 * queue: tracking and formatting run on two cores at once. Events are
 * copied in and written in exactly the order they were pushed, so the
 * output is the same bytes as with the writer called directly. */
#ifndef FK_ASYNCW_H
#define FK_ASYNCW_H

#include "fc_event.h"
#include "fc_writer.h"

typedef struct fk_asyncw fk_asyncw;

/* Starts the thread. The writer stays owned by the caller but must not be
 * used by it until fk_asyncw_finish() returns. NULL on failure. */
fk_asyncw *fk_asyncw_start(fc_writer *w);

/* Queues a copy of ev (blocks while the queue is full). Returns FC_OK, or
 * FC_EIO once the writer has failed (later pushes fail too). The event's
 * `user` pointer is not copied (the writer's extension, if any, must not
 * need it: use the synchronous writer then). */
int fk_asyncw_push(fk_asyncw *a, const fc_event *ev);

/* Drains the queue, stops the thread, frees the queue. Returns FC_OK or
 * FC_EIO if any write failed; why is saved in the writer, which is the
 * caller's again: fc_writer_errno(w). errno is not touched (it belongs
 * to the thread that wrote). NULL is ok. */
int fk_asyncw_finish(fk_asyncw *a);

#endif
