/* flowstore_jobs.c - worker processes for flowstore -j.
 *
 * Processes rather than threads: the importer, the replay and the
 * signal handling are written for one capture at a time per process
 * (the handler interrupts the one running replay), and each worker needs
 * a database connection of its own anyway. The workers share one page
 * (MAP_SHARED): the next file index, taken with an atomic add, and a
 * slot each for their totals, read by the parent once they exited. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "flowstore_import.h"
#include "flowstore_jobs.h"

struct fs_next {
    int next;   /* atomic */
    int n;
};

typedef struct slot {
    int status;
    int done;
    fc_replay_stats total;
    fs_tally t;
} slot;

int fs_next_file(fs_next *n)
{
    int i = __atomic_fetch_add(&n->next, 1, __ATOMIC_RELAXED);
    return i < n->n ? i : -1;
}

int fs_jobs_run(int jobs, int nfiles, fs_work_fn work, void *ctx,
                const volatile sig_atomic_t *stop, fc_replay_stats *total, fs_tally *t)
{
    size_t size = sizeof(fs_next) + (size_t)jobs * sizeof(slot);
    void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        fprintf(stderr, "flowstore: -j: %s\n", strerror(errno));
        return 1;
    }
    fs_next *next = mem;
    slot *slots = (slot *)(next + 1);
    pid_t *pids = calloc((size_t)jobs, sizeof *pids);
    int status = 0, live = 0;
    next->next = 0;
    next->n = nfiles;
    if (!pids) {
        munmap(mem, size);
        fprintf(stderr, "flowstore: -j: out of memory\n");
        return 1;
    }
    fflush(NULL);
    for (int i = 0; i < jobs; i++) {
        pid_t p = fork();
        if (p < 0) {
            fprintf(stderr, "flowstore: -j: cannot start a worker: %s\n", strerror(errno));
            status = 1;
            break;
        }
        if (p == 0) {
            slot *s = &slots[i];
            memset(&s->total, 0, sizeof s->total);
            memset(&s->t, 0, sizeof s->t);
            s->status = work(ctx, next, &s->total, &s->t);
            s->done = 1;
            fflush(NULL);
            _exit(0);
        }
        pids[i] = p;
        live++;
    }
    int told = 0;
    while (live > 0) {
        int ws;
        /* polled: signal() restarts waitpid, so it would not see stop */
        pid_t p = waitpid(-1, &ws, WNOHANG);
        if (p < 0 && errno != EINTR)
            break;
        if (p <= 0) {
            if (*stop && !told) { /* pass the signal on */
                for (int i = 0; i < jobs; i++)
                    if (pids[i] > 0)
                        kill(pids[i], SIGTERM);
                told = 1;
            }
            usleep(20000);
            continue;
        }
        for (int i = 0; i < jobs; i++) {
            if (pids[i] != p)
                continue;
            pids[i] = 0;
            live--;
            slot *s = &slots[i];
            if (!s->done || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
                fprintf(stderr, "flowstore: -j: worker %d ended abnormally\n", i + 1);
                status = status < 0 ? status : 1;
                continue;
            }
            fs_add_stats(total, &s->total);
            t->stored += s->t.stored;
            t->skipped += s->t.skipped;
            t->failed += s->t.failed;
            t->truncated += s->t.truncated;
            t->flows += s->t.flows;
            if (s->status < 0 || (s->status > status && status >= 0))
                status = s->status;
        }
    }
    free(pids);
    munmap(mem, size);
    return status;
}
