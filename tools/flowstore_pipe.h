/* flowstore_pipe.h - hands events (and, for the Zeek fields, packets) to
 * a second thread that stores them.
 *
 * Inserting rows costs more than tracking the packets that made them, so
 * the replay queues items into a bounded ring of batches and one storing
 * thread runs the callback on them, in queue order: tracking and SQLite
 * run on two cores at once. The Zeek records are kept on the storing
 * thread too (flowstore_import.c): the replay queues each packet's
 * decoded headers and bytes, so the replay thread does no Zeek work.
 * The callback's state (and the SQLite connection it uses) belongs to
 * the storing thread until fs_pipe_finish returns. */
#ifndef FLOWSTORE_PIPE_H
#define FLOWSTORE_PIPE_H

#include "fc_decode.h"
#include "fc_event.h"
#include "flowstore_rows.h"

enum { FS_ITEM_EVENT = 0, FS_ITEM_PACKET };

typedef struct fs_item {
    uint8_t kind;             /* FS_ITEM_* */
    uint8_t is_new;           /* PACKET: the flow's first packet */
    uint32_t slot;            /* Zeek record of the flow, from 1; 0: none */
    union {
        struct {
            fc_event ev;      /* `user` is not kept */
            fs_zeek z;        /* used when slot is 0 (z.set 0: none) */
        } e;
        struct {
            fc_decoded d;
            fc_ts ts;
            size_t off, caplen; /* the frame's bytes in the batch */
        } p;
    } u;
} fs_item;

/* Stores one item; `data` is the frame of a PACKET item. Returns 0 or an
 * error code (the first one stops the storing: later items are dropped
 * and pushes report it). */
typedef int (*fs_pipe_fn)(void *ctx, const fs_item *it, const uint8_t *data);

typedef struct fs_pipe fs_pipe;

/* Starts the thread. NULL on failure (out of memory, no thread). */
fs_pipe *fs_pipe_start(fs_pipe_fn fn, void *ctx);

/* The next item to fill, in place; fs_pipe_commit queues it. */
fs_item *fs_pipe_item(fs_pipe *p);

/* Room for `len` bytes (at most FS_PIPE_MAX_DATA) that travel with the
 * next item; *off is for its u.p.off. Call before fs_pipe_item, as it
 * may queue the current batch (blocking while the ring is full). NULL
 * when len is too large. */
#define FS_PIPE_MAX_DATA (512 * 1024)
uint8_t *fs_pipe_data(fs_pipe *p, size_t len, size_t *off);

/* Queues the filled item; blocks while the ring is full. Returns 0, or
 * the callback's error once it has failed (noticed a batch later at
 * most). */
int fs_pipe_commit(fs_pipe *p);

/* Stores what is queued, stops the thread, frees everything. Returns 0
 * or the callback's first error. NULL is ok (returns 0). */
int fs_pipe_finish(fs_pipe *p);

#endif
