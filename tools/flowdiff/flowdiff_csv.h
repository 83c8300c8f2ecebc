/* flowdiff_csv.h - the CSV parser of flowdiff's reader (internal). */
#ifndef FLOWDIFF_CSV_H
#define FLOWDIFF_CSV_H

#include "flowdiff_lines.h"

int fd__csv_init(fd_reader *r);
/* The next row as an event: 1, 0 at the end, -1 printed. */
int fd__csv_next(fd_reader *r, fd_event *ev);
void fd__csv_free(fd_reader *r);

#endif
