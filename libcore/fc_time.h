/* fc_time.h - packet time as integer nanoseconds; never a float.
 *
 * fc_ts counts nanoseconds since the Unix epoch (int64: good until 2262).
 * Durations use the same unit. */
#ifndef FC_TIME_H
#define FC_TIME_H

#include <stddef.h>
#include <stdint.h>
#include "fc_export.h"

typedef int64_t fc_ts;

#define FC_NSEC_PER_SEC INT64_C(1000000000)
#define FC_SEC(s) ((fc_ts)(s) * FC_NSEC_PER_SEC)

static inline fc_ts fc_ts_make(int64_t sec, int64_t nsec)
{
    return sec * FC_NSEC_PER_SEC + nsec;
}

/* Writes "SECONDS.NNNNNNNNN" (negative values get a leading '-') into
 * buf, NUL-terminated. Returns the length written, or 0 if cap < 32. */
FC_API size_t fc_ts_format(fc_ts t, char *buf, size_t cap);

/* Parses "SECONDS[.FRACTION]" (up to 9 fraction digits) exactly.
 * Returns 0 and sets *out, or FC_EFORMAT on anything else. */
FC_API int fc_ts_parse(const char *s, size_t len, fc_ts *out);

/* Parses a duration: a non-negative decimal number with an optional unit
 * ns, us, ms, s (default), m, h, e.g. "300", "1.5s", "250ms". Exact
 * integer arithmetic; fractions finer than 1 ns are refused.
 * Returns 0 and sets *out, or FC_EFORMAT with nothing set. */
FC_API int fc_duration_parse(const char *s, fc_ts *out);

#endif
