/* flowdiff_jsonl.h - the JSON Lines parser of flowdiff's reader
 * (internal). */
#ifndef FLOWDIFF_JSONL_H
#define FLOWDIFF_JSONL_H

#include "flowdiff_lines.h"

/* The next line as an event: 1, 0 at the end, -1 printed. */
int fd__jsonl_next(fd_reader *r, fd_event *ev);

#endif
