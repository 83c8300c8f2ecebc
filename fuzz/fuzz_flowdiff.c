/* fuzz_flowdiff.c - flowdiff's event-file readers (CSV through libcsv,
 * JSON Lines by hand) on arbitrary bytes.
 *
 * The readers only take a path (fd_reader_open), so the input goes
 * through an in-memory file; CSV or JSONL is chosen by the reader from
 * the first non-blank byte, as for a user's file. Inputs that start with
 * a capture magic would make the reader spawn flowreplay: the capture
 * path is covered by fuzz_pcap, so fd_spawn_replay is stubbed here to
 * fail and such inputs end early. Every event read is checked against
 * what the reader promises (validated seq, known event type). */
#include <string.h>
#include <unistd.h>
#include "flowdiff.h"
#include "fuzz_common.h"

/* Stubs for flowdiff_spawn.c: no child processes inside a fuzzer. */
int fd_spawn_replay(const char *capture, const fd_replay *rp, int *pid)
{
    (void)capture;
    (void)rp;
    *pid = -1;
    return -1;
}

int fd_spawn_wait(int pid, const char *capture)
{
    (void)pid;
    (void)capture;
    return -1;
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
    fd_replay rp;
    uint64_t last = 0;

    memset(&rp, 0, sizeof rp);
    int fd = fz_memfile(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    fd_reader *r = fd_reader_open(path, &rp);
    if (r) {
        fd_event *ev = calloc(1, sizeof *ev);
        int rc = 0;
        while (ev && (rc = fd_reader_next(r, ev)) == 1) {
            FZ_CHECK(ev->type >= 0 && ev->type < 5);
            FZ_CHECK(ev->seq == last + 1);
            FZ_CHECK(ev->nf <= FD_MAXF);
            for (int i = 0; i < ev->nf; i++)
                FZ_CHECK(ev->len[i] == 0 || ev->off[i] + ev->len[i] <= ev->used);
            last = ev->seq;
        }
        FZ_CHECK(rc == 0 || rc == -1 || !ev);
        if (ev) {
            free(ev->data);
            free(ev);
        }
        fd_reader_close(r);
    }
    close(fd);
    return 0;
}
