/* flowstore_import.h - storing one capture file: its own replay (own
 * tracker) inside its own write transaction, so a capture is stored
 * whole or not at all. */
#ifndef FLOWSTORE_IMPORT_H
#define FLOWSTORE_IMPORT_H

#include <signal.h>
#include <sqlite3.h>
#include "fk_cli.h"
#include "fk_zeek_cli.h"

typedef struct fs_import_opts {
    const fk_replay_cli *cli;   /* replay options; `given` is recorded;
                                   ro already set up by fk_zeek_configure */
    fk_zeek_cli *zeek;          /* Zeek options: seed mode (the per-flow
                                   record in the tracker's user state) or
                                   table mode (--zeek: Zeek's own
                                   connection table makes the flows) */
    const char *settings;       /* the canonical settings (with the
                                   SHA-256, a capture's identity) */
    int events;                 /* also store the full event sequence */
    int replace;                /* replace a capture stored before */
    int strict;                 /* a damaged capture is not stored at all
                                   (else what came before the damage is) */
    int quiet;                  /* no progress line, no per-capture lines */
    int verbose;                /* say when each replay starts */
    const char *prog;           /* names the program in messages;
                                   NULL: flowstore */
    /* Set by the signal handler; the importer publishes the running
     * replay in *current so the handler can interrupt it. */
    const volatile sig_atomic_t *stop;
    fc_replay *volatile *current;
} fs_import_opts;

typedef enum {
    FS_STORED = 0,
    FS_SKIPPED,      /* same SHA-256 and settings stored before, no
                        --replace */
    FS_TRUNCATED,    /* damaged: stored up to the damage, status
                        'truncated' (the error was reported) */
    FS_FAILED,       /* bad capture or database error; rolled back */
    FS_INTERRUPTED   /* signal; rolled back */
} fs_result;

typedef struct fs_importer fs_importer;

/* Prepares the statements on `db` (borrowed; must outlive the importer).
 * `o` is copied. NULL with a message in err on failure. */
fs_importer *fs_importer_new(sqlite3 *db, const fs_import_opts *o, char *err, size_t cap);
/* The same on another database than SQLite (flowstore_backend.h;
 * borrowed, must outlive the importer). */
struct fs_backend;
fs_importer *fs_importer_new_backend(const struct fs_backend *be, const fs_import_opts *o,
                                     char *err, size_t cap);
/* Finalizes the statements. NULL is ok. */
void fs_importer_free(fs_importer *im);

/* Stores the capture at `path`. Errors are reported on stderr as one
 * line "flowstore: PATH: reason". The replay's counters are added to
 * *total; *flows gets the flows stored (0 unless FS_STORED or
 * FS_TRUNCATED). */
fs_result fs_import_file(fs_importer *im, const char *path, fc_replay_stats *total,
                         uint64_t *flows);

/* Stores the files at `paths` as one capture set: replayed as one
 * merged stream (as flowreplay replays several files), one captures row
 * (kind 'set') with the flows, one capture_files row per file. A set
 * stored before with the same settings is skipped (FS_SKIPPED); a file
 * of it stored alone with the same settings makes it fail (reported)
 * unless replace is set, which drops that capture. Otherwise as
 * fs_import_file. */
fs_result fs_import_set(fs_importer *im, const char *const *paths, size_t n,
                        fc_replay_stats *total, uint64_t *flows);

/* Adds one replay's counters to a total (time range widened). Shared by
 * the importer and the -j workers' summary. */
void fs_add_stats(fc_replay_stats *t, const fc_replay_stats *s);

#endif
