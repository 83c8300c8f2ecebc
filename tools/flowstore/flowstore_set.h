/* flowstore_set.h - capture sets (flowstore --merge): several files
 * replayed as one merged stream and stored as one capture. The set's
 * identity is the SHA-256 of its files' digests in the order given (the
 * order breaks timestamp ties in the merge); each file gets a row of
 * its own in capture_files, pointing at the set's captures row. */
#ifndef FLOWSTORE_SET_H
#define FLOWSTORE_SET_H

#include <signal.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include "fc_source.h"
#include "flowstore_sha256.h"

typedef struct fs_member {
    const char *path;             /* as given; borrowed */
    char sha[FS_SHA256_HEXLEN];
    uint64_t size;
} fs_member;

typedef struct fs_set {
    size_t n;
    fs_member *m;
    char sha[FS_SHA256_HEXLEN];   /* the set's digest */
    uint64_t size;                /* bytes of all files */
    char label[512];              /* "FIRST .. LAST (N files)", its path */
} fs_set;

/* Hashes every file and derives the set's digest. Returns 0, or -1 with
 * errno set and *bad the index of the file that failed (EINTR when
 * *stop was set). Free with fs_set_free, also after a failure. */
int fs_set_hash(fs_set *s, const char *const *paths, size_t n,
                const volatile sig_atomic_t *stop, size_t *bad);
void fs_set_free(fs_set *s);

/* Inserts one capture_files row per file of the set stored as capture
 * `id`, with the facts the replay gathered (time range, packets, link
 * type). Returns the SQLite code. */
int fs_set_store_files(sqlite3 *db, int64_t id, const fs_set *s, const fc_source *src);

#endif
