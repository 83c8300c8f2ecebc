/* flowstore_import.c - one capture, one transaction.
 *
 * Order of work for a capture: open it as a capture (no lock held yet,
 * so a bad file costs other writers nothing), take the write lock, look
 * for a duplicate, insert the captures row, replay with every ended flow
 * inserted as it ends (on the storing thread), build the indexes while
 * another thread hashes the file, make sure it was no duplicate after
 * all, fill in the capture's totals and digest, commit. A file is looked
 * up by SHA-256 before the replay only when a capture of its size is
 * stored (the only kind it can duplicate) or with --replace; otherwise
 * its hashing waits for a core left free. Any failure or signal before
 * COMMIT rolls the whole capture back; SQLite's journal does the same
 * after a crash.
 *
 * Every flow gets its Zeek fields. Seed mode: each flow's fc_zeek_rec is
 * fed exactly as flowreplay --zeek-fields feeds the record in its user
 * state, by one of two threads. Most flows keep their record in the
 * tracker's user state, fed by the replay's packet hook; when the flow
 * ends, a copy goes with the ended event to the storing thread. The
 * others (ZEEK_SHARE) get a slot number instead: the hook queues each of
 * their packets (decoded headers and bytes) and the storing thread keeps
 * the record of each slot. That balances the two threads, the replay
 * being the longer one otherwise. The storing thread derives the columns
 * from the record either way (Community ID, history). Service detection
 * (nDPI) runs on the replay thread for every flow, so that a capture sets
 * nDPI up once; a slot flow's service goes with its ended event. --zeek: Zeek's
 * connection table (fc_zeek_table) replaces the seed replay, and each
 * record it logs is stored as an ended flow, as flowreplay --zeek
 * writes it. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "fc_error.h"
#include "flowcore.h"
#include "flowstore_backend.h"
#include "flowstore_db.h"
#include "flowstore_import.h"
#include "flowstore_pipe.h"
#include "flowstore_rows.h"
#include "flowstore_set.h"
#include "flowstore_sha256.h"

#define MAX_INDEXES 32
/* Of every ZEEK_OF new flows, ZEEK_SHARE have their Zeek record kept by
 * the storing thread. With all records on the replay thread, it took
 * about 0.5 s of CPU per 100k flowgen flows (0.2 s of it tracking), the
 * storing thread 0.3 s; 2 in 5 even them out (1M flows: about 5% less
 * time end to end, as much CPU time). */
#define ZEEK_SHARE 2
#define ZEEK_OF 5

/* The tracker's user state in seed mode. */
typedef struct fs_flow {
    uint32_t slot;    /* the storing thread keeps the record: its slot,
                         from 1; 0: `rec` is the flow's record */
    fc_zeek_rec rec;
} fs_flow;

struct fs_importer {
    sqlite3 *db;
    const fs_backend *be; /* another database than SQLite, or NULL */
    fs_import_opts o;
    fs_rows *rows;
    sqlite3_stmt *find, *find_other, *same_size, *add, *totals;
};

/* One line on stderr, after the program's name (flowstore, or the tool
 * that imports with this code: fs_import_opts.prog). */
static void say(const fs_importer *im, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", im->o.prog ? im->o.prog : "flowstore");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

/* Per-capture state seen by the event callback. */
typedef struct capture {
    fs_importer *im;
    int64_t id;
    int64_t flows;   /* ended flows stored so far */
    int64_t seq;     /* events stored so far */
    int zfailed;     /* a push failed (in a callback that cannot say so) */
    /* Zeek records kept by the storing thread (slots). The replay thread
     * numbers those flows (from 1; freed slots are reused); the storing
     * thread keeps the record of each slot. */
    uint32_t *free_slots;  /* replay thread: freed slots */
    uint32_t nfree, free_cap, next_slot, nnew;
    fc_zeek_rec *recs;     /* storing thread: recs[slot - 1] */
    uint32_t nrecs;
    /* service detection (--no-service: NULL), on the replay thread for
     * every flow, slot flows included (their state rides in fs_flow and
     * goes with the ended event): one nDPI set-up per capture, not one
     * per thread, as that set-up (~80M instructions) outweighed the
     * detection itself below some 5k flows */
    fc_service *svc;
    int dberr;       /* SQLite code that stopped the replay, 0 if none */
    fs_pipe *pipe;   /* to the storing thread */
    fk_progress prog;
    /* indexes on flows dropped for a bulk load: names, CREATE statements */
    char *index_name[MAX_INDEXES], *index_sql[MAX_INDEXES];
    int nindex;
    /* the read error that ended a damaged capture kept up to it ("" when
     * the capture was read whole) */
    char damage[FC_SOURCE_ERRBUF];
} capture;

/* The same run: same bytes, same settings (rows stored before schema 4
 * have no settings: the options as given stand in). */
static const char find_sql[] =
    "SELECT id FROM captures WHERE sha256 = ?1"
    " AND (settings = ?2 OR (settings IS NULL AND options = ?3)) ORDER BY id LIMIT 1";
/* Another run of the same file (other settings): not the capture being
 * stored, whose row is there already (with its digest, when known
 * before the replay, as a set's is). */
static const char find_other_sql[] =
    "SELECT id FROM captures WHERE sha256 = ?1 AND id <> ?2 ORDER BY id LIMIT 1";
static const char same_size_sql[] = "SELECT 1 FROM captures WHERE size = ?1 LIMIT 1";
/* sha256 of the capture row until the digest is known (never committed) */
static const char pending_sha[] = "pending";
static const char add_sql[] =
    "INSERT INTO captures (id, path, size, sha256, linktype, packets, flows, imported_at,"
    " tool_version, options, settings)"
    " VALUES (?1, ?2, ?3, ?4, 0, 0, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),"
    " 'flowstore " FC_VERSION "', ?5, ?6)";
static const char totals_sql[] =
    "UPDATE captures SET linktype = ?2, first_ns = ?3, last_ns = ?4, packets = ?5, flows = ?6,"
    " sha256 = ?7, size = ?8, status = ?9, error = ?10, kind = ?11 WHERE id = ?1";

fs_importer *fs_importer_new(sqlite3 *db, const fs_import_opts *o, char *err, size_t cap)
{
    fs_importer *im = calloc(1, sizeof *im);
    if (!im) {
        snprintf(err, cap, "%s", fc_strerror(FC_ENOMEM));
        return NULL;
    }
    im->db = db;
    im->o = *o;
    if (!(im->rows = fs_rows_new(db)) ||
        sqlite3_prepare_v2(db, find_sql, -1, &im->find, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, find_other_sql, -1, &im->find_other, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, same_size_sql, -1, &im->same_size, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, add_sql, -1, &im->add, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, totals_sql, -1, &im->totals, NULL) != SQLITE_OK) {
        snprintf(err, cap, "%s", sqlite3_errmsg(db));
        fs_importer_free(im);
        return NULL;
    }
    return im;
}

fs_importer *fs_importer_new_backend(const fs_backend *be, const fs_import_opts *o, char *err,
                                     size_t cap)
{
    fs_importer *im = calloc(1, sizeof *im);
    if (!im) {
        snprintf(err, cap, "%s", fc_strerror(FC_ENOMEM));
        return NULL;
    }
    im->be = be;
    im->o = *o;
    return im;
}

/* Where the importer writes: SQLite through its own statements, or the
 * backend (flowstore_backend.h). */
#define BE(im, call) ((im)->be->ops->call)
static int row_flow(fs_importer *im, int64_t cid, int64_t no, const fc_event *ev,
                    const fs_zeek *z)
{
    return im->be ? BE(im, flow)(im->be->ctx, cid, no, ev, z) : fs_rows_flow(im->rows, cid, no, ev, z);
}

static int row_event(fs_importer *im, int64_t cid, int64_t seq, const fc_event *ev)
{
    return im->be ? BE(im, event)(im->be->ctx, cid, seq, ev) : fs_rows_event(im->rows, cid, seq, ev);
}

static int rows_flush(fs_importer *im)
{
    return im->be ? BE(im, flush)(im->be->ctx) : fs_rows_flush(im->rows);
}

static void rows_discard(fs_importer *im)
{
    if (im->be)
        BE(im, discard)(im->be->ctx);
    else
        fs_rows_discard(im->rows);
}

static int db_begin(fs_importer *im)
{
    return im->be ? BE(im, begin)(im->be->ctx) : fs_db_begin(im->db);
}

static int db_commit(fs_importer *im)
{
    return im->be ? BE(im, commit)(im->be->ctx) : fs_db_exec(im->db, "COMMIT");
}

static void db_rollback(fs_importer *im)
{
    if (im->be)
        BE(im, rollback)(im->be->ctx);
    else
        fs_db_rollback(im->db);
}

void fs_importer_free(fs_importer *im)
{
    if (!im)
        return;
    fs_rows_free(im->rows);
    sqlite3_finalize(im->find);
    sqlite3_finalize(im->find_other);
    sqlite3_finalize(im->same_size);
    sqlite3_finalize(im->add);
    sqlite3_finalize(im->totals);
    free(im);
}

/* On the storing thread: the record of `slot`, growing the array as
 * needed. NULL when out of memory. */
static fc_zeek_rec *rec_of(capture *c, uint32_t slot)
{
    if (slot > c->nrecs) {
        uint32_t n = c->nrecs ? c->nrecs : 1024;
        while (n < slot)
            n *= 2;
        fc_zeek_rec *r = realloc(c->recs, (size_t)n * sizeof *r);
        if (!r)
            return NULL;
        c->recs = r;
        c->nrecs = n;
    }
    return &c->recs[slot - 1];
}

/* On the storing thread: one item. A packet goes into its flow's Zeek
 * record; an event into the tables (an ended flow with the Zeek fields
 * of its record). seq, flows, dberr and recs belong to this thread until
 * the pipe is finished. */
static int store_item(void *ctx, const fs_item *it, const uint8_t *data)
{
    capture *c = ctx;
    int rc = SQLITE_OK;
    const fc_zeek_opts *zo = &c->im->o.zeek->zo;
    if (it->kind == FS_ITEM_PACKET) {
        fc_zeek_rec *r = rec_of(c, it->slot);
        if (!r) {
            c->dberr = SQLITE_NOMEM;
            return SQLITE_NOMEM;
        }
        if (it->is_new)
            fc_zeek_rec_begin(r, zo, &it->u.p.d, it->u.p.ts);
        fc_zeek_rec_packet(r, zo, &it->u.p.d, data + it->u.p.off, it->u.p.caplen, it->u.p.ts);
        return SQLITE_OK;
    }
    const fc_event *ev = &it->u.e.ev;
    if (c->im->o.events)
        rc = row_event(c->im, c->id, ++c->seq, ev);
    if (rc == SQLITE_OK && ev->type == FC_EV_ENDED) {
        fs_zeek z;
        const fc_zeek_rec *r = NULL;
        if (it->slot && it->slot <= c->nrecs) {
            c->recs[it->slot - 1].svc = it->u.e.svc;
            r = &c->recs[it->slot - 1];
        } else if (it->has_rec)
            r = &it->u.e.rec;
        if (r)
            fs_zeek_take(&z, r, zo->cid_seed);
        rc = row_flow(c->im, c->id, ++c->flows, ev, r ? &z : NULL);
    }
    if (rc != SQLITE_OK)
        c->dberr = rc;
    return rc;
}

/* On the replay thread: every packet of a seed flow, into its Zeek
 * record (`user`, an fs_flow) or queued for the storing thread. */
static void on_packet(void *ctx, void *user, const fc_key *key, fc_orient init_orient,
                      const fc_decoded *d, const fc_packet *pkt, fc_side side, int is_new)
{
    capture *c = ctx;
    fs_flow *f = user;
    const fc_zeek_opts *zo = &c->im->o.zeek->zo;
    size_t off;
    (void)key, (void)init_orient, (void)side;
    if (is_new) {
        f->slot = 0;
        if (c->nnew++ % ZEEK_OF < ZEEK_SHARE)
            f->slot = c->nfree ? c->free_slots[--c->nfree] : ++c->next_slot;
    }
    if (!f->slot) {
        if (is_new)
            fc_zeek_rec_begin(&f->rec, zo, d, pkt->ts);
        fc_zeek_rec_packet(&f->rec, zo, d, pkt->data, pkt->caplen, pkt->ts);
        fc_zeek_rec_service(&f->rec, c->svc, zo, d, pkt->data, pkt->caplen, pkt->ts);
        return;
    }
    /* a slot flow: its record is the storing thread's, its service state
     * (all that fc_zeek_rec_service reads or writes of f->rec) stays here */
    if (is_new)
        memset(&f->rec.svc, 0, sizeof f->rec.svc);
    fc_zeek_rec_service(&f->rec, c->svc, zo, d, pkt->data, pkt->caplen, pkt->ts);
    if (c->zfailed)
        return;
    uint8_t *buf = fs_pipe_data(c->pipe, pkt->caplen, &off);
    if (!buf) { /* larger than any capture allows */
        c->zfailed = 1;
        return;
    }
    memcpy(buf, pkt->data, pkt->caplen);
    fs_item *it = fs_pipe_item(c->pipe);
    it->kind = FS_ITEM_PACKET;
    it->is_new = (uint8_t)is_new;
    it->slot = f->slot;
    it->u.p.d = *d;
    it->u.p.ts = pkt->ts;
    it->u.p.off = off;
    it->u.p.caplen = pkt->caplen;
    if (fs_pipe_commit(c->pipe) != 0)
        c->zfailed = 1;
}

/* On the replay thread: passes on what is to be stored. */
static int on_event(void *ctx, const fc_event *ev)
{
    capture *c = ctx;
    if (c->zfailed)
        return 1;
    if (ev->type != FC_EV_ENDED && !c->im->o.events)
        return 0;
    const fs_flow *f = ev->type == FC_EV_ENDED ? ev->user : NULL;
    if (f && f->slot) { /* queued after the slot's last packet: free to reuse */
        if (c->nfree == c->free_cap) {
            uint32_t n = c->free_cap ? 2 * c->free_cap : 1024;
            uint32_t *fs = realloc(c->free_slots, n * sizeof *fs);
            if (!fs)
                return 1; /* out of memory: stops the replay */
            c->free_slots = fs;
            c->free_cap = n;
        }
        c->free_slots[c->nfree++] = f->slot;
    }
    fs_item *it = fs_pipe_item(c->pipe);
    it->kind = FS_ITEM_EVENT;
    it->u.e.ev = *ev;
    it->u.e.ev.user = NULL;
    it->slot = f ? f->slot : 0;
    it->has_rec = f && !f->slot;
    if (f && f->slot)
        it->u.e.svc = f->rec.svc;
    if (it->has_rec) /* the user state is reused once the event returns */
        memcpy(&it->u.e.rec, &f->rec, sizeof it->u.e.rec);
    return fs_pipe_commit(c->pipe) != 0; /* non-zero stops the replay */
}

static void on_tick(void *ctx, const fc_replay_stats *st, const fc_tracker *t)
{
    capture *c = ctx;
    fk_progress_update(&c->prog, st, t ? fc_tracker_count(t) : 0); /* no tracker: --zeek */
}

/* Id of the capture with this digest and this run's settings: > 0, 0
 * when none, < 0 on error. */
static int64_t find_capture(fs_importer *im, const char *sha)
{
    if (im->be)
        return BE(im, find_capture)(im->be->ctx, sha, im->o.settings, im->o.cli->given,
                                    im->o.cli->given_len);
    sqlite3_stmt *st = im->find;
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, im->o.settings, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, im->o.cli->given, (int)im->o.cli->given_len, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    return id;
}

/* Id of a capture of the same file stored with any settings (the first),
 * 0 when none, < 0 on error. */
static int64_t find_other_run(fs_importer *im, const char *sha, int64_t self)
{
    if (im->be)
        return BE(im, find_other)(im->be->ctx, sha, self);
    sqlite3_stmt *st = im->find_other;
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, self);
    int rc = sqlite3_step(st);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    return id;
}

/* Is a capture of `size` bytes stored? 1 yes, 0 no, < 0 on error. A file
 * can only be a duplicate of a capture of its own size. */
static int size_stored(fs_importer *im, uint64_t size)
{
    if (im->be)
        return BE(im, hash_first)(im->be->ctx, size);
    sqlite3_stmt *st = im->same_size;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int delete_capture(fs_importer *im, int64_t id)
{
    if (im->be)
        return BE(im, delete_capture)(im->be->ctx, id);
    char sql[256];
    snprintf(sql, sizeof sql,
             "DELETE FROM events WHERE capture_id = %" PRId64 ";"
             " DELETE FROM flows WHERE capture_id = %" PRId64 ";"
             " DELETE FROM capture_files WHERE capture_id = %" PRId64 ";"
             " DELETE FROM captures WHERE id = %" PRId64,
             id, id, id, id);
    return fs_db_exec(im->db, sql);
}

static int add_capture(fs_importer *im, capture *c, int64_t reuse_id, const char *path,
                       uint64_t size, const char *sha)
{
    if (im->be)
        return BE(im, add_capture)(im->be->ctx, reuse_id, path, size, sha, im->o.settings,
                                   im->o.cli->given, im->o.cli->given_len, &c->id);
    sqlite3_stmt *st = im->add;
    if (reuse_id > 0)
        sqlite3_bind_int64(st, 1, reuse_id);
    else
        sqlite3_bind_null(st, 1);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
    sqlite3_bind_text(st, 4, sha, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, im->o.cli->given, (int)im->o.cli->given_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, im->o.settings, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return rc;
    c->id = sqlite3_last_insert_rowid(im->db);
    return SQLITE_OK;
}

/* Bytes of capture per flow below which a capture is taken as larger
 * than what is stored (flowgen writes about 1 KB per flow; real traffic
 * more, which only makes the estimate smaller and the choice safer). */
#define BYTES_PER_FLOW_GUESS 2048

/* Building the indexes on flows once after a bulk load is faster than
 * updating them row by row when the rows already stored are fewer than
 * those coming (measured on 200,000 flows into an empty table: about
 * 2.0 s against 2.5 s wall, the row-by-row updates making the storing
 * thread slower than the replay). Otherwise the indexes stay and are updated.
 * max(id) stands in for the row count: it costs one b-tree descent and
 * never undercounts. */
static int drop_indexes(fs_importer *im, capture *c, uint64_t size)
{
    if (im->be)
        return 0; /* the backend's indexes stay */
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(im->db, "SELECT coalesce(max(id), 0) FROM flows", -1, &st,
                                NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    int64_t stored = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : INT64_MAX;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return rc;
    if ((uint64_t)stored >= size / BYTES_PER_FLOW_GUESS && stored > 0)
        return SQLITE_OK;
    rc = sqlite3_prepare_v2(im->db,
                            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                            " AND tbl_name = 'flows' AND sql IS NOT NULL ORDER BY name",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && c->nindex < MAX_INDEXES) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *sql = (const char *)sqlite3_column_text(st, 1);
        char *nm = name ? strdup(name) : NULL, *sq = sql ? strdup(sql) : NULL;
        if (!nm || !sq) {
            free(nm);
            free(sq);
            rc = SQLITE_NOMEM;
            break;
        }
        /* freed by free_indexes(), which import() runs on every path; the
         * analyzer loses the capture between the two */
        c->index_name[c->nindex] = nm; // NOLINT(clang-analyzer-unix.Malloc)
        c->index_sql[c->nindex] = sq;  // NOLINT(clang-analyzer-unix.Malloc)
        c->nindex++; // NOLINT(clang-analyzer-unix.Malloc)
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return rc;
    rc = SQLITE_OK;
    for (int i = 0; i < c->nindex && rc == SQLITE_OK; i++) {
        char *sql = sqlite3_mprintf("DROP INDEX \"%w\"", c->index_name[i]);
        rc = sql ? fs_db_exec(im->db, sql) : SQLITE_NOMEM;
        sqlite3_free(sql);
    }
    return rc;
}

/* SQLite sorts each index's keys in runs as large as the page cache, kept
 * in temporary files. Runs of a few MiB fit the CPU caches and are merged
 * quickly; one large run sorted in memory is cache-hostile: at 1M flows
 * the five indexes took 4.2 s with the 64 MiB import cache (and in-memory
 * temporary files), 2.1 s with 2 MiB runs in temporary files. */
static int rebuild_indexes(fs_importer *im, capture *c)
{
    int rc = c->nindex ? fs_db_exec(im->db, "PRAGMA cache_size=-" FS_SORT_CACHE_KIB)
                       : SQLITE_OK;
    for (int i = 0; i < c->nindex && rc == SQLITE_OK; i++)
        rc = fs_db_exec(im->db, c->index_sql[i]);
    if (c->nindex) {
        int rc2 = fs_db_exec(im->db, "PRAGMA cache_size=-" FS_CACHE_KIB);
        if (rc == SQLITE_OK)
            rc = rc2;
    }
    return rc;
}

static void free_indexes(capture *c)
{
    for (int i = 0; i < c->nindex; i++) {
        free(c->index_name[i]);
        free(c->index_sql[i]);
    }
    c->nindex = 0;
}

/* The capture's totals: those of its file, or of all the files of a set
 * (link type of the first, time range over all). */
static int store_totals(fs_importer *im, capture *c, const fc_source *src, const char *sha,
                        uint64_t size, int is_set)
{
    fs_totals t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < fc_source_nfiles(src); i++) {
        const fc_source_file *f = fc_source_file_info(src, i);
        if (!f->packets)
            continue;
        if (!t.packets || f->first_ts < t.first_ns)
            t.first_ns = f->first_ts;
        if (!t.packets || f->last_ts > t.last_ns)
            t.last_ns = f->last_ts;
        t.packets += f->packets;
    }
    t.linktype = fc_source_file_info(src, 0)->linktype;
    t.has_range = t.packets > 0;
    t.size = size;
    t.flows = c->flows;
    t.sha = sha;
    t.error = c->damage[0] ? c->damage : NULL;
    t.is_set = is_set;
    if (im->be)
        return BE(im, store_totals)(im->be->ctx, c->id, &t);
    sqlite3_stmt *st = im->totals;
    sqlite3_bind_int64(st, 1, c->id);
    sqlite3_bind_int(st, 2, t.linktype);
    if (t.has_range) {
        sqlite3_bind_int64(st, 3, t.first_ns);
        sqlite3_bind_int64(st, 4, t.last_ns);
    } else {
        sqlite3_bind_null(st, 3);
        sqlite3_bind_null(st, 4);
    }
    sqlite3_bind_int64(st, 5, (sqlite3_int64)t.packets);
    sqlite3_bind_int64(st, 6, t.flows);
    sqlite3_bind_text(st, 7, sha, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)size);
    sqlite3_bind_text(st, 9, t.error ? "truncated" : "complete", -1, SQLITE_STATIC);
    if (t.error)
        sqlite3_bind_text(st, 10, t.error, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 10);
    sqlite3_bind_text(st, 11, is_set ? "set" : "file", -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int store_files(fs_importer *im, capture *c, const fs_set *set, const fc_source *src)
{
    if (im->be)
        return BE(im, store_files)(im->be->ctx, c->id, set, src);
    return fs_set_store_files(im->db, c->id, set, src);
}

void fs_add_stats(fc_replay_stats *t, const fc_replay_stats *s)
{
    if (s->packets && (!t->packets || s->first_ts < t->first_ts))
        t->first_ts = s->first_ts;
    if (s->packets && (!t->packets || s->last_ts > t->last_ts))
        t->last_ts = s->last_ts;
    t->packets += s->packets;
    t->matched += s->matched;
    t->unmatched += s->unmatched;
    t->backwards += s->backwards;
    t->tunneled += s->tunneled;
    t->flows_created += s->flows_created;
    for (int i = 0; i < FC_END_COUNT; i++)
        t->ended[i] += s->ended[i];
}

static void say_db_error(fs_importer *im, const char *path)
{
    say(im, "%s: not stored: database error: %s\n", path,
        im->be ? BE(im, errmsg)(im->be->ctx) : sqlite3_errmsg(im->db));
}

/* --zeek: each record Zeek logs arrives from the replay as an ended
 * event (libcore's Zeek engine: Zeek's orientation, IP bytes for the byte
 * counters, the reason from the timer that ended it, `user` = the
 * record) and is stored as flowreplay --zeek writes it. */
static int on_zeek_event(void *ctx, const fc_event *ev)
{
    capture *c = ctx;
    if (c->zfailed)
        return 1;
    fs_item *it = fs_pipe_item(c->pipe);
    it->kind = FS_ITEM_EVENT;
    it->slot = 0;
    it->u.e.ev = *ev;
    it->u.e.ev.user = NULL;
    it->has_rec = 1;
    memcpy(&it->u.e.rec, ev->user, sizeof it->u.e.rec);
    if (fs_pipe_commit(c->pipe) != 0) {
        c->zfailed = 1;
        return 1;
    }
    return 0;
}

/* Did the replay stop because the capture is damaged (a truncated or
 * corrupt record), as opposed to memory, storing or a signal? The source
 * names the file and packet then. */
static int damaged(const fc_source *src, int rc)
{
    return (rc == FC_EIO || rc == FC_EFORMAT) && fc_source_errmsg(src)[0];
}

/* Replays `src` into the open transaction. Returns FS_STORED when every
 * flow is in, else the failure (reported). */
static fs_result replay_into(fs_importer *im, capture *c, fc_source *src, const char *path,
                             fc_replay_stats *total)
{
    char err[256];
    int table = fk_zeek_cli_table_mode(im->o.zeek), rc;
    fc_replay *rp = NULL;
    rows_discard(im); /* left by a capture that failed */
    fc_replay_opts ro = im->o.cli->ro;
    if (table) { /* the engine: Zeek's connection table */
        ro.zeek = &im->o.zeek->zo;
        rp = fc_replay_new(&ro, on_zeek_event, c, err, sizeof err);
    } else {
        ro.user_size = sizeof(fs_flow);
        ro.user_init = NULL;
        ro.user_ctx = NULL;
        rp = fc_replay_new(&ro, on_event, c, err, sizeof err);
        if (rp && im->o.zeek->zo.service && !(c->svc = fc_service_new())) {
            fc_replay_free(rp);
            rp = NULL;
            snprintf(err, sizeof err, "%s", fc_strerror(FC_ENOMEM));
        }
    }
    if (rp && !(c->pipe = fs_pipe_start(store_item, c)))
        snprintf(err, sizeof err, "cannot start the storing thread");
    if (!rp || !c->pipe) {
        say(im, "%s: not stored: %s\n", path, err);
        fc_replay_free(rp);
        fc_service_free(c->svc);
        c->svc = NULL;
        return FS_FAILED;
    }
    fk_progress_init(&c->prog, src, im->o.quiet);
    if (!table)
        fc_tracker_set_packet_fn(fc_replay_tracker(rp), on_packet, c);
    if (c->prog.on)
        fc_replay_set_tick_fn(rp, on_tick, c);
    *im->o.current = rp;
    /* a signal that came before `current` was set must still count */
    rc = *im->o.stop ? FC_EINTR : fc_replay_run(rp, src);
    *im->o.current = NULL;
    fs_pipe_finish(c->pipe); /* c->dberr is set if storing failed */
    c->pipe = NULL;
    if (!c->dberr)
        c->dberr = rows_flush(im);
    fk_progress_done(&c->prog);
    fs_add_stats(total, fc_replay_stats_get(rp));
    fc_replay_free(rp);
    if (fc_service_error(c->svc) != FC_OK)
        c->zfailed = 1; /* services missing: not stored, as any failed push */
    fc_service_free(c->svc);
    c->svc = NULL;

    if (c->dberr) {
        say_db_error(im, path);
        return FS_FAILED;
    }
    if (c->zfailed && rc == FC_OK) {
        say(im, "%s: not stored: %s\n", path, fc_strerror(FC_ENOMEM));
        return FS_FAILED;
    }
    if (rc == FC_EINTR || *im->o.stop)
        return FS_INTERRUPTED;
    if (damaged(src, rc) && !im->o.strict) {
        /* kept up to the damage: the same line as flowreplay's */
        snprintf(c->damage, sizeof c->damage, "%s", fc_source_errmsg(src));
        say(im, "%s\n", c->damage);
        return FS_STORED;
    }
    if (rc != FC_OK) {
        const char *m = fc_source_errmsg(src);
        /* the source message already names the file */
        if (m[0])
            say(im, "%s (capture not stored)\n", m);
        else
            say(im, "%s: not stored: %s\n", path, fc_strerror(rc));
        return FS_FAILED;
    }
    return FS_STORED;
}

/* Hashes the file at `path`: FS_STORED when done, else the failure
 * (reported). */
static fs_result hash_file(fs_importer *im, const char *path, fs_sha256_job *job,
                           char sha[FS_SHA256_HEXLEN], uint64_t *size)
{
    int rc = job ? fs_sha256_wait(job, sha, size) : fs_sha256_file(path, im->o.stop, sha, size);
    if (rc == 0)
        return FS_STORED;
    if (errno == EINTR && *im->o.stop)
        return FS_INTERRUPTED; /* said by the caller */
    say(im, "%s: %s\n", path, strerror(errno));
    return FS_FAILED;
}

static fs_result already_stored(fs_importer *im, const char *path, int64_t old)
{
    db_rollback(im);
    if (!im->o.quiet)
        say(im,
            "%s: already stored as capture %" PRId64
            " (same SHA-256, same settings); nothing done (--replace to store it again)\n",
            path, old);
    return FS_SKIPPED;
}

/* A set's files stored alone with the same settings would have their
 * flows twice in the database: refused, or with --replace those lone
 * captures are dropped (the set's rows replace them). SQLITE_OK to go
 * on; SQLITE_CONSTRAINT when refused (said); else the SQLite error. */
static int check_members(fs_importer *im, const fs_set *set, const char *label)
{
    for (size_t i = 0; i < set->n; i++) {
        int64_t lone = find_capture(im, set->m[i].sha);
        if (lone < 0)
            return SQLITE_ERROR;
        if (!lone)
            continue;
        if (!im->o.replace) {
            say(im,
                "%s: already stored alone as capture %" PRId64
                "; set %s not stored (--replace drops the lone capture for the set)\n",
                set->m[i].path, lone, label);
            return SQLITE_CONSTRAINT;
        }
        int rc = delete_capture(im, lone);
        if (rc != SQLITE_OK)
            return rc;
        if (!im->o.quiet)
            say(im, "%s: capture %" PRId64 " (the file alone) dropped for the set\n",
                set->m[i].path, lone);
    }
    return SQLITE_OK;
}

/* Inside the write transaction: everything from the duplicate check to
 * COMMIT. Rolls back itself on every path that does not commit. `sha`
 * is the file's digest, or "" when not computed yet: then, unless a
 * capture of the same size is stored (a possible duplicate, looked up
 * by digest first) or --replace needs the capture it replaces, the file
 * is hashed on a thread of its own while the indexes are built (the
 * size is the file's as found by stat until then). */
static fs_result store(fs_importer *im, capture *c, fc_source *src, const char *path,
                       uint64_t size, char *sha, const fs_set *set, fc_replay_stats *total)
{
    fs_result res = FS_FAILED;
    int64_t old = 0;
    int rc;
    if (!sha[0]) {
        int same = im->o.replace ? 1 : size_stored(im, size);
        if (same < 0)
            goto dberr;
        if (same && (res = hash_file(im, path, NULL, sha, &size)) != FS_STORED)
            goto rollback;
    }
    if (sha[0]) {
        if ((old = find_capture(im, sha)) < 0)
            goto dberr;
        if (old > 0 && !im->o.replace)
            return already_stored(im, path, old);
        if (im->o.verbose)
            say(im, "%s: sha256 %s\n", path, sha);
    }
    if (set && (rc = check_members(im, set, path)) != SQLITE_OK) {
        if (rc == SQLITE_CONSTRAINT) {
            db_rollback(im);
            return FS_FAILED;
        }
        goto dberr;
    }
    if ((old > 0 && (rc = delete_capture(im, old)) != SQLITE_OK) ||
        (rc = add_capture(im, c, old, path, size, sha[0] ? sha : pending_sha)) != SQLITE_OK ||
        (rc = drop_indexes(im, c, size)) != SQLITE_OK)
        goto dberr;
    if (im->o.verbose)
        say(im, "%s: storing as capture %" PRId64 "\n", path, c->id);
    struct timespec t0; /* -v's phase times */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    res = replay_into(im, c, src, path, total);
    if (res != FS_STORED)
        goto rollback;
    int64_t ns_replay = fk_elapsed_ns(&t0);
    if (!sha[0]) {
        /* the index build keeps one core busy: hash on the other */
        fs_sha256_job *job = fs_sha256_start(path, im->o.stop);
        rc = rebuild_indexes(im, c);
        if ((res = hash_file(im, path, job, sha, &size)) != FS_STORED)
            goto rollback;
        if (rc != SQLITE_OK)
            goto dberr;
        /* changed since stat: may be a duplicate after all */
        if ((old = find_capture(im, sha)) < 0)
            goto dberr;
        if (old > 0)
            return already_stored(im, path, old);
        if (im->o.verbose)
            say(im, "%s: sha256 %s\n", path, sha);
    } else if ((rc = rebuild_indexes(im, c)) != SQLITE_OK) {
        goto dberr;
    }
    int64_t other = old > 0 ? 0 : find_other_run(im, sha, c->id);
    if (other < 0 || (rc = store_totals(im, c, src, sha, size, set != NULL)) != SQLITE_OK ||
        (set && (rc = store_files(im, c, set, src)) != SQLITE_OK))
        goto dberr;
    if (*im->o.stop) {
        res = FS_INTERRUPTED;
        goto rollback;
    }
    int64_t ns_commit = fk_elapsed_ns(&t0);
    if ((rc = db_commit(im)) != SQLITE_OK)
        goto dberr;
    if (im->o.verbose)
        say(im, "%s: replay and insert %.2f s, indexes %.2f s, commit %.2f s\n",
            path, ns_replay / 1e9, (ns_commit - ns_replay) / 1e9,
            (fk_elapsed_ns(&t0) - ns_commit) / 1e9);
    if (!im->o.quiet) {
        say(im, "%s: %s capture %" PRId64 ", %" PRId64 " flows%s", path,
            old > 0 ? "replaced" : "stored as", c->id, c->flows,
            c->damage[0] ? " read before the damage (status truncated)" : "");
        if (other > 0)
            fprintf(stderr, "; another run of capture %" PRId64 " (same file, other settings)",
                    other);
        fputc('\n', stderr);
    }
    return c->damage[0] ? FS_TRUNCATED : FS_STORED;
dberr:
    say_db_error(im, path);
    res = FS_FAILED;
rollback:
    db_rollback(im);
    if (res == FS_INTERRUPTED)
        say(im, "%s: interrupted; capture not stored\n", path);
    return res;
}

static fs_result import(fs_importer *im, const char *const *paths, size_t n, const char *path,
                        uint64_t size, char *sha, const fs_set *set, fc_replay_stats *total,
                        uint64_t *flows);

/* Can the file at `path` be stored? A pipe, a process substitution
 * (<(zcat f.gz)), a socket or a device can be read once only, and
 * flowstore reads a capture twice: for its SHA-256 and for the replay.
 * A directory or a missing file is left to the capture reader, which
 * says so. 1 yes, 0 no (said on one line). */
static int stream_ok(const fs_importer *im, const char *path, const struct stat *st)
{
    if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode))
        return 1;
    say(im,
        "%s: %s, not a file: a capture is read twice (its SHA-256, then the"
        " replay); save it to a file first\n",
        path, S_ISFIFO(st->st_mode) ? "a pipe (or process substitution)"
              : S_ISSOCK(st->st_mode) ? "a socket" : "a device");
    return 0;
}

fs_result fs_import_file(fs_importer *im, const char *path, fc_replay_stats *total,
                         uint64_t *flows)
{
    char sha[FS_SHA256_HEXLEN];
    uint64_t size;

    *flows = 0;
    if (strcmp(path, "-") == 0) {
        say(im, "-: standard input cannot be stored: its SHA-256 must be"
            " known before the import; save it to a file first\n");
        return FS_FAILED;
    }
    /* A regular file is hashed later (store()). */
    struct stat st;
    sha[0] = '\0';
    if (stat(path, &st) != 0) {
        say(im, "%s: %s\n", path, strerror(errno));
        return FS_FAILED;
    }
    if (!stream_ok(im, path, &st))
        return FS_FAILED;
    size = (uint64_t)st.st_size;
    return import(im, &path, 1, path, size, sha, NULL, total, flows);
}

/* Opens the files as one source and stores it in one transaction. */
static fs_result import(fs_importer *im, const char *const *paths, size_t n, const char *path,
                        uint64_t size, char *sha, const fs_set *set, fc_replay_stats *total,
                        uint64_t *flows)
{
    char err[FC_SOURCE_ERRBUF];
    capture c;
    fc_source *src = fc_source_open(paths, n, im->o.cli->filter, err);
    if (!src) {
        say(im, "%s (capture not stored)\n", err);
        return FS_FAILED;
    }
    memset(&c, 0, sizeof c);
    c.im = im;
    fs_result res;
    int rc = db_begin(im);
    if (rc != SQLITE_OK) {
        if (*im->o.stop) {
            say(im, "%s: interrupted; capture not stored\n", path);
            res = FS_INTERRUPTED;
        } else {
            say_db_error(im, path);
            res = FS_FAILED;
        }
    } else {
        res = store(im, &c, src, path, size, sha, set, total);
    }
    free_indexes(&c);
    free(c.free_slots);
    free(c.recs);
    fc_source_close(src);
    if (res == FS_STORED || res == FS_TRUNCATED)
        *flows = (uint64_t)c.flows;
    return res;
}

fs_result fs_import_set(fs_importer *im, const char *const *paths, size_t n,
                        fc_replay_stats *total, uint64_t *flows)
{
    fs_set set;
    size_t bad = 0;
    *flows = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(paths[i], "-") == 0) {
            say(im, "-: standard input cannot be part of a set: each file's"
                " SHA-256 is recorded; save it to a file first\n");
            return FS_FAILED;
        }
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0 && !stream_ok(im, paths[i], &st))
            return FS_FAILED;
    }
    /* every file is hashed first: the set is known by its files' digests */
    if (fs_set_hash(&set, paths, n, im->o.stop, &bad) != 0) {
        fs_result r = FS_FAILED;
        if (errno == EINTR && *im->o.stop) {
            say(im, "%s: interrupted; set not stored\n", paths[bad]);
            r = FS_INTERRUPTED;
        } else {
            say(im, "%s: %s (set not stored)\n", paths[bad], strerror(errno));
        }
        fs_set_free(&set);
        return r;
    }
    fs_result res = import(im, paths, n, set.label, set.size, set.sha, &set, total, flows);
    fs_set_free(&set);
    return res;
}
