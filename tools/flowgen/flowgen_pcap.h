/* flowgen_pcap.h - writes classic pcap files, always little-endian.
 *
 * Every header field is written byte by byte, so the file is the same on
 * any host. Records go through one large buffer (millions of packets per
 * run). Write errors are sticky: after the first failure every call is a
 * no-op and fg_writer_failed() is true; the message names the file. */
#ifndef FLOWGEN_PCAP_H
#define FLOWGEN_PCAP_H

#include <stddef.h>
#include <stdint.h>

enum {
    FG_LINKTYPE_EN10MB = 1, /* Ethernet */
    FG_LINKTYPE_RAW = 101   /* bare IPv4/IPv6 */
};

typedef struct fg_writer fg_writer;

/* Opens `path` ("-" = stdout) and writes the file header: magic
 * 0xa1b23c4d (nanoseconds) if nsec, else 0xa1b2c3d4 (microseconds).
 * `path` is copied. Returns NULL with a one-line message in errbuf on
 * failure. Free with fg_writer_close(). */
fg_writer *fg_writer_open(const char *path, int nsec, uint32_t linktype,
                          uint32_t snaplen, char *errbuf, size_t errlen);

/* Like fg_writer_open, but writes `nfiles` files named BASE.0000,
 * BASE.0001, ... (at most 10000), each holding `every` records in turn,
 * as a capture rotated by packet count would be; files left without
 * records at the end get the file header alone, so exactly `nfiles`
 * files exist after a successful close. */
fg_writer *fg_writer_open_split(const char *base, uint32_t nfiles,
                                uint64_t every, int nsec, uint32_t linktype,
                                uint32_t snaplen, char *errbuf,
                                size_t errlen);

/* Appends one record stamped ts_ns (nanoseconds since the epoch); the
 * frame is cut to the snaplen, its original length kept. The frame is
 * copied; the caller keeps ownership. Returns 0, or -1 once failed. */
int fg_writer_put(fg_writer *w, uint64_t ts_ns, const uint8_t *frame,
                  size_t len);

/* Sticky failure flag and its message ("FILE: reason"). */
int fg_writer_failed(const fg_writer *w);
const char *fg_writer_errmsg(const fg_writer *w);

/* Records written so far. */
uint64_t fg_writer_count(const fg_writer *w);

/* Flushes, closes (stdout is flushed, not closed) and frees. Returns 0,
 * or -1 with a message in errbuf if anything failed along the way.
 * NULL is a no-op returning 0. */
int fg_writer_close(fg_writer *w, char *errbuf, size_t errlen);

#endif
