/* fuzz_memfile.c - hands a fuzz input to code that only opens paths. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz_common.h"

int fz_memfile(const uint8_t *data, size_t size, char *path, size_t cap)
{
    /* memfd: no disk traffic and no name to clean up after a crash */
    int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
    size_t off = 0;

    if (fd < 0)
        return -1;
    while (off < size) {
        ssize_t k = write(fd, data + off, size - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)k;
    }
    if ((size_t)snprintf(path, cap, "/proc/self/fd/%d", fd) >= cap) {
        close(fd);
        return -1;
    }
    return fd;
}
