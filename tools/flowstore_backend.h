/* flowstore_backend.h - the seam between the importer (one capture, one
 * transaction: flowstore_import.c) and a database other than SQLite.
 * The importer keeps its own SQLite code; with a backend it calls these
 * instead, at the points where it writes capture records and rows and
 * where it begins, commits or rolls back. Every call returns 0 when it
 * worked, else non-zero with the reason in errmsg(). */
#ifndef FLOWSTORE_BACKEND_H
#define FLOWSTORE_BACKEND_H

#include <stdint.h>
#include "fc_event.h"
#include "fc_source.h"
#include "flowstore_rows.h"

typedef struct fs_backend_ops {
    int (*begin)(void *b);
    int (*commit)(void *b);
    void (*rollback)(void *b);          /* only if a transaction is open */
    /* Whether the file's digest must be known before its capture row is
     * written (1), as when a capture of its size may be stored. */
    int (*hash_first)(void *b, uint64_t size);
    /* Id of the capture with digest `sha` (and, where the backend keys
     * captures by both, these replay options): > 0, 0 none, < 0 error.
     * May wait for another loader of the same capture to finish. */
    int64_t (*find_capture)(void *b, const char *sha, const char *options, size_t options_len);
    int (*delete_capture)(void *b, int64_t id);
    int (*add_capture)(void *b, int64_t reuse_id, const char *path, uint64_t size,
                       const char *sha, const char *options, size_t options_len,
                       int64_t *id);
    int (*store_totals)(void *b, int64_t id, const fc_source_file *f, int64_t flows,
                        const char *sha, uint64_t size);
    /* Rows, on the storing thread between the replay's start and flush:
     * nothing else uses the connection meanwhile. */
    int (*flow)(void *b, int64_t capture_id, int64_t flow_no, const fc_event *ev,
                const fs_zeek *z);
    int (*event)(void *b, int64_t capture_id, int64_t seq, const fc_event *ev);
    int (*flush)(void *b);              /* everything pending is written */
    void (*discard)(void *b);           /* forget pending rows */
    const char *(*errmsg)(void *b);
} fs_backend_ops;

typedef struct fs_backend {
    const fs_backend_ops *ops;
    void *ctx;
} fs_backend;

#endif
