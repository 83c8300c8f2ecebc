/* fc_timefmt.c - ISO 8601 UTC text of packet times (--time-format iso,
 * flowquery's tables). No locale and no time zone are read. */
#include <stdio.h>
#include <time.h>
#include "fc_timefmt.h"

size_t fc_ts_format_iso(fc_ts t, char *buf, size_t cap)
{
    struct tm tm;
    if (cap < 40)
        return 0;
    /* floor division: -1 ns is 1969-12-31T23:59:59.999999999Z */
    int64_t sec = t / FC_NSEC_PER_SEC, ns = t % FC_NSEC_PER_SEC;
    if (ns < 0) {
        ns += FC_NSEC_PER_SEC;
        sec--;
    }
    time_t s = (time_t)sec;
    if (!gmtime_r(&s, &tm))
        return 0;
    int n = snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%09dZ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)ns);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
