/* fc_source.h - reading capture files (pcap, pcapng, compressed or not),
 * several merged into one stream in timestamp order.
 *
 * Records are read by flowkit's own reader (fc_capread.h) with
 * nanosecond times; libpcap only compiles and runs `-f` filters. "-" is
 * standard input; a directory stands for every capture under it, in
 * name order. Records are merged like mergecap: earliest timestamp
 * first, ties in the order the files were given. Only the files the
 * merge needs are open (a bounded number however many are given). A
 * damaged file stops the stream with an error naming the file and
 * packet number; what came before stays delivered. Regular files are
 * read on a thread of their own (fc_readahead.h), standard input and
 * pipes directly; the stream is the same either way. */
#ifndef FC_SOURCE_H
#define FC_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include "fc_export.h"
#include "fc_time.h"

typedef struct fc_source fc_source;

typedef struct fc_rec {
    const uint8_t *data; /* valid until the next fc_source_next() */
    uint32_t caplen;
    uint32_t wirelen;
    fc_ts ts;
    int linktype;
    unsigned file;       /* index into the paths given to open */
    uint64_t pktno;      /* 1-based record number within that file */
} fc_rec;

/* Per-file facts, as far as fc_source_next() has handed records out
 * (regular files are read ahead on a thread; what it read ahead and did
 * not hand out is not counted). */
typedef struct fc_source_file {
    const char *path;    /* as given; borrowed from the caller */
    int linktype;
    uint64_t packets;    /* records handed out (those passing the filter) */
    fc_ts first_ts, last_ts; /* of those records; 0 when none */
    uint64_t size;       /* file size in bytes, 0 if unknown (a pipe) */
} fc_source_file;

#define FC_SOURCE_ERRBUF 512

/* Opens every path. `filter` (may be NULL) is a BPF expression compiled
 * for each file's link type. Returns NULL on failure with a one-line
 * message "PATH: reason" in errbuf (FC_SOURCE_ERRBUF bytes); nothing
 * stays open then. The paths must outlive the source; a directory's
 * files are counted in fc_source_nfiles, each with its own path. */
FC_API fc_source *fc_source_open(const char *const *paths, size_t npaths, const char *filter,
                                 char *errbuf);

/* Next record in merged order: FC_OK with *rec filled; FC_DONE at the end
 * of every file; FC_EIO/FC_EFORMAT when a file is damaged (message from
 * fc_source_errmsg, e.g. "x.pcap: packet 7: truncated record"). After an
 * error the stream is over. */
FC_API int fc_source_next(fc_source *src, fc_rec *rec);

FC_API const char *fc_source_errmsg(const fc_source *src);
/* Files skipped in directories (not captures): one line each, "PATH:
 * why", valid until close. */
FC_API size_t fc_source_nwarnings(const fc_source *src);
FC_API const char *fc_source_warning(const fc_source *src, size_t i);
FC_API size_t fc_source_nfiles(const fc_source *src);
FC_API const fc_source_file *fc_source_file_info(const fc_source *src, size_t i);
/* Bytes consumed so far across files (for progress; with read-ahead,
 * up to a few blocks past the records handed out), and their total size
 * (0 when unknown). */
FC_API uint64_t fc_source_bytes_read(const fc_source *src);
FC_API uint64_t fc_source_bytes_total(const fc_source *src);

/* Closes every file. NULL is ok. */
FC_API void fc_source_close(fc_source *src);

#endif
