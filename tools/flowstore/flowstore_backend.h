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
#include "flowstore_set.h"

/* A capture's totals, written when its replay is done. */
typedef struct fs_totals {
    int linktype;               /* of its (first) file */
    int has_range;              /* packets were read: first_ns/last_ns set */
    int64_t first_ns, last_ns;
    uint64_t packets, size;
    int64_t flows;
    const char *sha;
    const char *error;          /* the damage that ended it, or NULL */
    int is_set;                 /* kind 'set' (--merge), else 'file' */
} fs_totals;

typedef struct fs_backend_ops {
    int (*begin)(void *b);
    int (*commit)(void *b);
    void (*rollback)(void *b);          /* only if a transaction is open */
    /* Whether the file's digest must be known before its capture row is
     * written (1), as when a capture of its size may be stored. */
    int (*hash_first)(void *b, uint64_t size);
    /* Id of the capture with digest `sha` stored with these canonical
     * settings (or, stored before settings were kept, with these replay
     * options as given): > 0, 0 none, < 0 error. May wait for another
     * loader of the same capture to finish. */
    int64_t (*find_capture)(void *b, const char *sha, const char *settings,
                            const char *options, size_t options_len);
    /* Id of a capture of the same digest with any settings (the first),
     * other than `self`: > 0, 0 none, < 0 error. */
    int64_t (*find_other)(void *b, const char *sha, int64_t self);
    int (*delete_capture)(void *b, int64_t id);   /* with its rows and files */
    int (*add_capture)(void *b, int64_t reuse_id, const char *path, uint64_t size,
                       const char *sha, const char *settings, const char *options,
                       size_t options_len, int64_t *id);
    int (*store_totals)(void *b, int64_t id, const fs_totals *t);
    /* The capture_files rows of a set stored as capture `id`. */
    int (*store_files)(void *b, int64_t id, const fs_set *set, const fc_source *src);
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
