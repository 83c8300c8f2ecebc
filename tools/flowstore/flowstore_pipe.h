/* flowstore_pipe.h - hands the flows to store (with --events, every
 * event) and some flows' packets to a second thread that stores them.
 *
 * Inserting rows costs about as much as tracking the packets that made
 * them, so the replay queues items into a bounded ring of batches and one
 * storing thread runs the callback on them, in queue order: tracking and
 * SQLite run on two cores at once. The per-packet Zeek work is shared
 * between the two (flowstore_import.c): a flow's Zeek record is kept
 * either by the replay, and then travels as a copy with the flow's ended
 * event, or by the storing thread, which then gets each of the flow's
 * packets (decoded headers and bytes). The callback's state (and the
 * SQLite connection it uses) belongs to the storing thread until
 * fs_pipe_finish returns. */
#ifndef FLOWSTORE_PIPE_H
#define FLOWSTORE_PIPE_H

#include "fc_decode.h"
#include "fc_event.h"
#include "fc_zeek.h"

enum { FS_ITEM_EVENT = 0, FS_ITEM_PACKET };

typedef struct fs_item {
    uint8_t kind;             /* FS_ITEM_* */
    uint8_t is_new;           /* PACKET: the flow's first packet */
    uint8_t has_rec;          /* EVENT: u.e.rec is the flow's Zeek record */
    uint32_t slot;            /* Zeek record kept by the storing thread,
                                 from 1; 0: none */
    union {
        struct {
            fc_event ev;      /* `user` is not kept */
            fc_zeek_rec rec;
            fc_service_state svc; /* a slot flow's service, found on the
                                     replay thread */
        } e;
        struct {
            fc_decoded d;
            fc_ts ts;
            size_t off, caplen; /* the frame's bytes in the batch */
        } p;
    } u;
} fs_item;

/* Stores one item; `data` holds the frame of a PACKET item. Returns 0 or
 * an error code (the first one stops the storing: later items are
 * dropped and pushes report it). */
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
