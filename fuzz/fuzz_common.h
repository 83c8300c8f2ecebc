/* fuzz_common.h - what every fuzz target defines, and small helpers
 * they share (header-only so each target stays one file plus this). */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant the code under test promised and broke: abort so the
 * fuzzer saves the input (a plain return would hide a logic bug). */
#define FZ_CHECK(cond)                                                       \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,       \
                    __LINE__, #cond);                                        \
            abort();                                                         \
        }                                                                    \
    } while (0)

/* Writes the input to an anonymous in-memory file and returns its fd
 * (path "/proc/self/fd/N" in *path), or -1. Readers under test take
 * paths, not buffers. The caller closes the fd. */
int fz_memfile(const uint8_t *data, size_t size, char *path, size_t cap);

#endif
