/* flowstore_jobs.h - flowstore -j N: N worker processes, each with its
 * own database connection, take the next capture file from a shared
 * counter until none is left. A capture is still one transaction; the
 * database keeps the workers apart (SQLite: WAL and its write lock,
 * PostgreSQL: row locks and the digest's advisory lock). */
#ifndef FLOWSTORE_JOBS_H
#define FLOWSTORE_JOBS_H

#include <signal.h>
#include <stdint.h>
#include "fc_replay.h"

typedef struct fs_tally {
    unsigned stored, skipped, failed, truncated;
    uint64_t flows;
} fs_tally;

/* Hands out file indexes: the next one, or -1 when none is left. */
typedef struct fs_next fs_next;
int fs_next_file(fs_next *n);

/* What a worker runs: stores the files `next` hands out, adding to
 * *total and *t. Returns an exit status (0, 1; < 0: the database could
 * not be used). `next` NULL: every file in order (no workers). */
typedef int (*fs_work_fn)(void *ctx, fs_next *next, fc_replay_stats *total, fs_tally *t);

/* Runs `jobs` workers over `nfiles` files and adds up their totals.
 * When *stop becomes set (signal), the workers are told to stop
 * (SIGTERM). Returns the worst status of the workers, 1 when one could
 * not be started or died. */
int fs_jobs_run(int jobs, int nfiles, fs_work_fn work, void *ctx,
                const volatile sig_atomic_t *stop, fc_replay_stats *total, fs_tally *t);

#endif
