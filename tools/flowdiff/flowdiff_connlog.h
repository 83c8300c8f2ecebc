/* flowdiff_connlog.h - Zeek conn.log input (the TSV of Zeek's ASCII
 * writer, as flowreplay --format zeek writes it, or Zeek's JSON logs):
 * rewritten as flowreplay event rows so the reader and the aligner treat
 * it like any event file. Each connection becomes one "ended" event:
 * ts and flow_start are its ts; proto and the id.* columns the key;
 * orig_pkts, resp_pkts, orig_bytes, resp_bytes and history go in the
 * columns of those names; every other column (uid, service, duration,
 * conn_state, missed_bytes, IP bytes, community_id, ...) is an extra
 * column of its conn.log name. Unset values ("-", null, absent) and
 * empty ones ("(empty)", []) are empty; sets are comma-joined, booleans
 * T or F as in the TSV. */
#ifndef FLOWDIFF_CONNLOG_H
#define FLOWDIFF_CONNLOG_H

#include <stddef.h>

/* Does this start of a file look like a conn.log? */
int fd_connlog_detect(const char *buf, size_t n);

/* Reads the rest of in_fd after the `n` bytes already read into `head`,
 * and writes the event rows to a temporary file. Returns a read fd at
 * its start, or -1 after printing "flowdiff: NAME:LINE: what". */
int fd_connlog_convert(const char *head, size_t n, int in_fd, const char *name);

#endif
