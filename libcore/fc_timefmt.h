/* fc_timefmt.h - packet times as people read them. */
#ifndef FC_TIMEFMT_H
#define FC_TIMEFMT_H

#include <stddef.h>
#include "fc_export.h"
#include "fc_time.h"

/* Writes t as ISO 8601 UTC with its nanoseconds,
 * "2025-01-01T00:00:00.123456789Z", into buf, NUL-terminated (times
 * before 1970 too). Returns the length, or 0 if cap < 40. */
FC_API size_t fc_ts_format_iso(fc_ts t, char *buf, size_t cap);

#endif
