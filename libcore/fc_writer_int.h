/* fc_writer_int.h - the column-selecting path of fc_writer (not
 * installed): --fields and --time-format iso. The fast path formats a
 * whole CSV row as always; this path splits it and writes the chosen
 * columns, in CSV or JSON Lines, with ISO times when asked. Only runs
 * when one of those options is given, so the default rows stay the fast
 * path's, byte for byte. */
#ifndef FC_WRITER_INT_H
#define FC_WRITER_INT_H

#include <stddef.h>
#include "fc_event.h"
#include "fc_writer.h"

typedef struct fc__wsel fc__wsel;

/* list: "a,b,c" of core (names[0..ncore)) and extension columns, or NULL
 * for all; iso: ts and flow_start as ISO 8601. NULL with err filled
 * ("unknown field 'x'; valid: ...") or on allocation failure (err
 * empty). */
fc__wsel *fc__wsel_new(const char *const *names, size_t ncore, const fc_writer_ext *ext,
                       const char *list, int iso, char *err, size_t cap);
void fc__wsel_free(fc__wsel *s);

/* The CSV header of the chosen columns at p (no newline); returns the end. */
char *fc__wsel_header(const fc__wsel *s, char *p);

/* One row: `row` is the full CSV row of ev (without newline, NUL at
 * row[len]); writes the chosen columns at p (CSV, or a JSON object
 * without its closing brace) and returns the end. */
char *fc__wsel_row(fc__wsel *s, const fc_event *ev, char *row, size_t len, char *p, int json);

#endif
