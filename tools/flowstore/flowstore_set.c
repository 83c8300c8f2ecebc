/* flowstore_set.c - the digests and the capture_files rows of a capture
 * set (flowstore --merge). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "flowstore_set.h"

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

int fs_set_hash(fs_set *s, const char *const *paths, size_t n,
                const volatile sig_atomic_t *stop, size_t *bad)
{
    fs_sha256 h;
    uint8_t d[FS_SHA256_LEN];
    memset(s, 0, sizeof *s);
    if (!(s->m = calloc(n ? n : 1, sizeof *s->m))) {
        *bad = 0;
        errno = ENOMEM;
        return -1;
    }
    s->n = n;
    fs_sha256_init(&h);
    for (size_t i = 0; i < n; i++) {
        s->m[i].path = paths[i];
        if (fs_sha256_file(paths[i], stop, s->m[i].sha, &s->m[i].size) != 0) {
            *bad = i;
            return -1;
        }
        s->size += s->m[i].size;
        /* digests, not bytes: the set is known by what it is made of */
        fs_sha256_update(&h, s->m[i].sha, FS_SHA256_HEXLEN - 1);
        fs_sha256_update(&h, "\n", 1);
    }
    fs_sha256_final(&h, d);
    fs_sha256_hex(d, s->sha);
    if (n == 1)
        snprintf(s->label, sizeof s->label, "%s", paths[0]);
    else
        snprintf(s->label, sizeof s->label, "%s .. %s (%zu files)", paths[0],
                 base(paths[n - 1]), n);
    return 0;
}

void fs_set_free(fs_set *s)
{
    free(s->m);
    s->m = NULL;
    s->n = 0;
}

int fs_set_store_files(sqlite3 *db, int64_t id, const fs_set *s, const fc_source *src)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db,
                                "INSERT INTO capture_files (capture_id, file_no, path, size,"
                                " sha256, linktype, first_ns, last_ns, packets)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    for (size_t i = 0; i < s->n && rc == SQLITE_OK; i++) {
        const fc_source_file *f = fc_source_file_info(src, i);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
        sqlite3_bind_text(st, 3, s->m[i].path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)s->m[i].size);
        sqlite3_bind_text(st, 5, s->m[i].sha, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 6, f->linktype);
        if (f->packets) {
            sqlite3_bind_int64(st, 7, f->first_ts);
            sqlite3_bind_int64(st, 8, f->last_ts);
        } else {
            sqlite3_bind_null(st, 7);
            sqlite3_bind_null(st, 8);
        }
        sqlite3_bind_int64(st, 9, (sqlite3_int64)f->packets);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}
