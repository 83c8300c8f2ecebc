/* fuzz_capread.h - the body shared by the capture reader's fuzz targets
 * (fuzz_rdpcap.c, fuzz_rdpcapng.c, fuzz_rdzip.c), each of which defines
 * FZ_SHAPE to bend its input toward one format before reading it.
 *
 * The input is read twice: from a memory file (a regular file: its
 * reader can save a position and reopen there) and through standard
 * input made a pipe; both are walked in place in the reader's buffer.
 * Both walks must give the same records with the same bytes and end
 * with the same status; lengths stay within what the reader promises. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "fc_capread.h"
#include "fc_error.h"
#include "fuzz_common.h"

/* Rewrites the first bytes of the input (a copy, n bytes) toward one
 * format; returns the length to read. */
static size_t FZ_SHAPE(uint8_t *b, size_t n);

typedef struct walk {
    uint64_t n;        /* records */
    uint64_t sum;      /* of ts, lengths, link types and bytes */
    int end;           /* status that ended the walk, or FC_OK at open failure */
} walk;

static void read_all(const char *path, walk *w)
{
    char err[FC_SOURCE_ERRBUF];
    int rc;
    memset(w, 0, sizeof *w);
    fc_capread *r = fc_capread_open(path, err, &rc);
    if (!r) {
        FZ_CHECK(rc != FC_OK && err[0] != '\0');
        w->end = FC_OK;
        return;
    }
    fc_rec rec;
    while ((rc = fc_capread_next(r, &rec)) == FC_OK) {
        FZ_CHECK(rec.caplen <= (128u << 20));
        FZ_CHECK(rec.pktno == w->n + 1);
        w->n++;
        uint64_t h = (uint64_t)rec.ts * 31 + rec.caplen * 7 + rec.wirelen + (unsigned)rec.linktype;
        for (uint32_t i = 0; i < rec.caplen; i++)
            h = h * 131 + rec.data[i];
        w->sum = w->sum * 1000003 + h;
    }
    FZ_CHECK(rc == FC_DONE || rc == FC_EFORMAT || rc == FC_EIO || rc == FC_ENOMEM);
    if (rc != FC_DONE)
        FZ_CHECK(fc_capread_errmsg(r)[0] != '\0');
    FZ_CHECK(fc_capread_next(r, &rec) == rc); /* the end repeats */
    w->end = rc;
    fc_capread_close(r);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    uint8_t *b = malloc(size + 16);
    if (!b)
        return 0;
    memcpy(b, data, size);
    size_t n = FZ_SHAPE(b, size);
    int fd = fz_memfile(b, n, path, sizeof path);
    if (fd < 0) {
        free(b);
        return 0;
    }
    walk mapped, streamed;
    read_all(path, &mapped);
    close(fd);

    /* the same bytes through a pipe on standard input */
    int p[2], saved = dup(STDIN_FILENO);
    if (saved >= 0 && pipe(p) == 0) {
        int cap = fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
        if (cap >= 0 && (size_t)cap >= n && write(p[1], b, n) == (ssize_t)n) {
            close(p[1]);
            dup2(p[0], STDIN_FILENO);
            read_all("-", &streamed);
            dup2(saved, STDIN_FILENO);
            /* a stream is read in pieces, a mapped file whole: same records */
            FZ_CHECK(streamed.n == mapped.n && streamed.sum == mapped.sum);
            FZ_CHECK(streamed.end == mapped.end);
        } else {
            close(p[1]);
        }
        close(p[0]);
    }
    if (saved >= 0)
        close(saved);
    free(b);
    return 0;
}
