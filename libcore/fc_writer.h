/* fc_writer.h - event files: CSV (through libcsv) and JSON Lines, format
 * version 1 (docs/format-csv.md, docs/format-jsonl.md).
 *
 * Rows are assembled whole in the writer's buffer and the buffer is only
 * handed to write(2) at row boundaries, so an error or an interruption
 * the program sees never leaves half a row. A SIGKILL in the middle of a
 * large write(2) can still cut the file anywhere: the last row then lacks
 * its newline, and readers (flowdiff) reject it as truncated rather than
 * misread it. Output depends only on the events given. */
#ifndef FC_WRITER_H
#define FC_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "fc_event.h"
#include "fc_export.h"

#define FC_EVENT_FORMAT_VERSION 1

typedef enum { FC_FMT_CSV = 0, FC_FMT_JSONL } fc_format;

/* Parses "csv" / "jsonl"; -1 if unknown. */
FC_API int fc_format_parse(const char *s);

typedef struct fc_writer fc_writer;

enum {
    FC_WRITER_LIFECYCLE = 1 /* drop per-packet events */
};

/* Extra columns after the standard ones (e.g. Zeek-compatible fields).
 * `names` lists them; `fill` writes the values for one event: for each
 * column, a string (NULL or "" = empty / omitted). `json_num[i]` says
 * column i is written as a JSON number. */
typedef struct fc_writer_ext {
    size_t ncols;
    const char *const *names;
    const unsigned char *json_num;
    void (*fill)(void *ctx, const fc_event *ev, const char **vals, char *scratch,
                 size_t scratch_cap);
    void *ctx;
} fc_writer_ext;

/* Writes to file descriptor fd (not closed by the writer). ext may be NULL;
 * it is copied. Returns NULL on allocation failure. The CSV header row is
 * written with the first event (or at close when there is none). */
FC_API fc_writer *fc_writer_new(int fd, fc_format fmt, unsigned flags, const fc_writer_ext *ext);

/* Chooses the columns written (--fields): list "a,b,c" names core and
 * extension columns in the order wanted (NULL: all); time_iso writes ts
 * and flow_start as ISO 8601 UTC with nanoseconds (--time-format iso).
 * Call before the first event. Returns FC_OK; FC_EINVAL with err set to
 * one line naming the unknown field and listing the valid ones; or
 * FC_ENOMEM. Without this call rows are written as always. */
FC_API int fc_writer_columns(fc_writer *w, const char *list, int time_iso, char *err, size_t cap);

/* Appends one event (numbered from 1 in the order written). Returns FC_OK,
 * or FC_EIO when writing failed (the cause: fc_writer_errno; later calls
 * fail too). */
FC_API int fc_writer_event(fc_writer *w, const fc_event *ev);

/* Appends ev[0..n-1] as fc_writer_event() would, one after the other,
 * and stops at the first failure. FC_OK or FC_EIO. */
FC_API int fc_writer_events(fc_writer *w, const fc_event *ev, size_t n);

/* Writes out buffered rows. FC_OK or FC_EIO. */
FC_API int fc_writer_flush(fc_writer *w);

/* Events written so far (the last seq). */
FC_API uint64_t fc_writer_count(const fc_writer *w);

/* Why writing failed: the errno value of the first failed write(2),
 * saved in the writer when it failed; 0 while nothing failed. A program
 * that writes on another thread reads it after joining that thread, and
 * makes its message from it (errno itself is per thread). */
FC_API int fc_writer_errno(const fc_writer *w);

/* Flushes and frees. Returns FC_OK or FC_EIO. NULL is ok. */
FC_API int fc_writer_close(fc_writer *w);

#endif
