/* fuzz_flowstore.c - flowstore's import of one capture (hash, replay,
 * rows, events) into a database, on arbitrary bytes.
 *
 * The database is a file in a private temp directory (on /dev/shm when
 * there is one: flowstore insists on WAL mode, which ":memory:" cannot
 * have), reused across inputs and started afresh every REOPEN inputs to
 * bound its size. The promise checked is the one the
 * tool makes: a capture is stored whole or not at all, so after any
 * result but FS_STORED the row counts are what they were before, and no
 * transaction is ever left open. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "fk_cli.h"
#include "fk_zeek_cli.h"
#include "flowstore_db.h"
#include "flowstore_import.h"
#include "fuzz_common.h"

#define REOPEN 2048

static sqlite3 *db;
static fs_importer *im;
static fk_replay_cli cli;
static fk_zeek_cli zc;
static fs_import_opts io;
static volatile sig_atomic_t stop;
static fc_replay *volatile current;
static unsigned uses;
static char dir[64], dbpath[96];

/* Removes the database and its WAL companions. */
static void remove_db(void)
{
    static const char *const sfx[3] = {"", "-wal", "-shm"};
    char p[128];

    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", dbpath, sfx[i]);
        unlink(p);
    }
}

static void cleanup(void)
{
    if (dir[0]) {
        remove_db();
        rmdir(dir);
    }
}

static void close_db(void)
{
    fs_importer_free(im);
    fs_db_close(db);
    im = NULL;
    db = NULL;
    remove_db();
}

static int open_db(void)
{
    char err[FS_ERRBUF];

    if (!(db = fs_db_open(dbpath, &stop, err, sizeof err))) {
        fprintf(stderr, "fuzz_flowstore: %s\n", err);
        return -1;
    }
    if (!(im = fs_importer_new(db, &io, err, sizeof err))) {
        fprintf(stderr, "fuzz_flowstore: %s\n", err);
        close_db();
        return -1;
    }
    uses = 0;
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "%s/fuzz-flowstore-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(dir)) {
        perror("fuzz_flowstore: mkdtemp");
        exit(1);
    }
    snprintf(dbpath, sizeof dbpath, "%s/fuzz.db", dir);
    atexit(cleanup);
    fk_replay_cli_init(&cli);
    cli.ro.cfg.max_flows = 8;
    cli.ro.cfg.hash_seed = 0x5eed;
    /* as flowstore's main sets up seed mode (the importer sizes the
     * per-flow state itself) */
    fk_zeek_cli_init(&zc);
    zc.zo.tunnels = 0;
    /* no nDPI set-up per input (fuzz_zeek covers service detection) */
    zc.zo.service = 0;
    memset(&io, 0, sizeof io);
    io.cli = &cli;
    io.zeek = &zc;
    io.events = 1;
    io.replace = 1;
    io.settings = "fuzz"; /* one run per input: replaced each time */
    io.quiet = 1;
    io.stop = &stop;
    io.current = &current;
    return 0;
}

static long long count_rows(const char *table)
{
    char sql[128];
    sqlite3_stmt *st;
    long long n = -1;

    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const tables[3] = {"captures", "flows", "events"};
    char path[64];
    long long before[3];
    fc_replay_stats total;
    uint64_t flows = 0;

    if (!db && open_db() != 0)
        return 0;
    int fd = fz_memfile(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    for (int i = 0; i < 3; i++)
        before[i] = count_rows(tables[i]);
    memset(&total, 0, sizeof total);
    fs_result res = fs_import_file(im, path, &total, &flows);
    FZ_CHECK(res == FS_STORED || res == FS_TRUNCATED || res == FS_SKIPPED || res == FS_FAILED);
    FZ_CHECK(sqlite3_get_autocommit(db)); /* no transaction left open */
    if (res == FS_TRUNCATED) {
        /* a damaged capture is kept up to the damage, and says so */
        FZ_CHECK(count_rows("captures WHERE status = 'truncated' AND error IS NOT NULL") >= 1);
    } else if (res != FS_STORED) {
        FZ_CHECK(flows == 0);
        for (int i = 0; i < 3; i++)
            FZ_CHECK(count_rows(tables[i]) == before[i]);
    }
    close(fd);
    if (++uses >= REOPEN)
        close_db();
    return 0;
}
