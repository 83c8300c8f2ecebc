/* flowstore_sha256.h - SHA-256 (FIPS 180-4) of byte strings and files;
 * flowstore records it to recognise a capture it has stored before. */
#ifndef FLOWSTORE_SHA256_H
#define FLOWSTORE_SHA256_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define FS_SHA256_LEN 32
#define FS_SHA256_HEXLEN 65 /* 64 hex digits and the NUL */

typedef struct fs_sha256 {
    uint32_t h[8];
    uint64_t total;   /* bytes hashed so far */
    uint8_t buf[64];  /* partial block */
    size_t nbuf;
} fs_sha256;

void fs_sha256_init(fs_sha256 *s);
void fs_sha256_update(fs_sha256 *s, const void *data, size_t len);
/* Writes the digest; the state must be initialised again before reuse. */
void fs_sha256_final(fs_sha256 *s, uint8_t out[FS_SHA256_LEN]);
/* Lower-case hex of a digest, NUL-terminated. */
void fs_sha256_hex(const uint8_t d[FS_SHA256_LEN], char out[FS_SHA256_HEXLEN]);

/* Hashes the file at `path` into hex and sets *size to its length.
 * Polls *stop (may be NULL) between reads and gives up when it is set.
 * Returns 0; -1 with errno set (EINTR when stopped). */
int fs_sha256_file(const char *path, const volatile sig_atomic_t *stop,
                   char hex[FS_SHA256_HEXLEN], uint64_t *size);

/* fs_sha256_file on a thread of its own (flowstore_sha256_job.c), so a
 * file can be hashed while the caller does other work. */
typedef struct fs_sha256_job fs_sha256_job;

/* Starts hashing `path` (copied). NULL when no thread could be started
 * (errno set); the caller can then call fs_sha256_file itself. */
fs_sha256_job *fs_sha256_start(const char *path, const volatile sig_atomic_t *stop);

/* Waits for the job and frees it. Returns as fs_sha256_file, with errno
 * set on failure. */
int fs_sha256_wait(fs_sha256_job *j, char hex[FS_SHA256_HEXLEN], uint64_t *size);

/* Internal to flowstore_sha256*.c: the SHA-NI block function and
 * whether the CPU has it (setting FLOWSTORE_SHA256_PORTABLE in the
 * environment forces the portable code, so tests can check both). */
int fs__sha256_ni_available(void);
void fs__sha256_compress_ni(uint32_t h[8], const uint8_t *p, size_t n, const uint32_t k[64]);

#endif
