/* flowstore_sha256_job.c - a file's SHA-256 computed on a thread of its
 * own: flowstore hashes a capture while it builds the indexes of the
 * capture's rows (one core each), instead of before its replay. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "flowstore_sha256.h"

struct fs_sha256_job {
    pthread_t thread;
    const volatile sig_atomic_t *stop;
    char hex[FS_SHA256_HEXLEN];
    uint64_t size;
    int rc, err;   /* fs_sha256_file's result and errno */
    char path[];
};

static void *run(void *arg)
{
    fs_sha256_job *j = arg;
    j->rc = fs_sha256_file(j->path, j->stop, j->hex, &j->size);
    j->err = j->rc ? errno : 0;
    return NULL;
}

fs_sha256_job *fs_sha256_start(const char *path, const volatile sig_atomic_t *stop)
{
    size_t n = strlen(path) + 1;
    fs_sha256_job *j = malloc(sizeof *j + n);
    if (!j)
        return NULL;
    memcpy(j->path, path, n);
    j->stop = stop;
    /* signals stay with the caller's thread, which knows how to stop */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&j->thread, NULL, run, j);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        free(j);
        errno = rc;
        return NULL;
    }
    return j;
}

int fs_sha256_wait(fs_sha256_job *j, char hex[FS_SHA256_HEXLEN], uint64_t *size)
{
    pthread_join(j->thread, NULL);
    int rc = j->rc, err = j->err;
    if (rc == 0) {
        memcpy(hex, j->hex, FS_SHA256_HEXLEN);
        *size = j->size;
    }
    free(j);
    errno = err;
    return rc;
}
