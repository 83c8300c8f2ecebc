/* flowdiff_values.h - the value checks both parsers make (internal to
 * flowdiff's reader). */
#ifndef FLOWDIFF_VALUES_H
#define FLOWDIFF_VALUES_H

#include "flowdiff_lines.h"

/* Checks an event's values; loc(r, id, &line, &col) places errors.
 * 1 valid, -1 printed. */
typedef void fd__loc_fn(fd_reader *r, int id, uint64_t *line, uint64_t *col);
int fd__rd_validate(fd_reader *r, fd_event *ev, fd__loc_fn *loc);

#endif
