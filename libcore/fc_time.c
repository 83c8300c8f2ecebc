/* fc_time.c - formatting and parsing of integer-nanosecond times. */
#include <string.h>
#include "fc_error.h"
#include "fc_time.h"

size_t fc_ts_format(fc_ts t, char *buf, size_t cap)
{
    char tmp[32];
    size_t n = 0, i;
    uint64_t u, sec, nsec;
    int neg = t < 0;

    if (cap < 32)
        return 0;
    u = neg ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    sec = u / 1000000000u;
    nsec = u % 1000000000u;
    for (i = 0; i < 9; i++) {
        tmp[n++] = (char)('0' + nsec % 10);
        nsec /= 10;
    }
    tmp[n++] = '.';
    do {
        tmp[n++] = (char)('0' + sec % 10);
        sec /= 10;
    } while (sec);
    if (neg)
        tmp[n++] = '-';
    for (i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

int fc_ts_parse(const char *s, size_t len, fc_ts *out)
{
    size_t i = 0;
    int neg = 0, digits = 0, frac_digits = 0;
    int64_t sec = 0, nsec = 0;

    if (len > 0 && s[0] == '-') {
        neg = 1;
        i++;
    }
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
        if (sec > (INT64_MAX / FC_NSEC_PER_SEC - 1) / 10)
            return FC_EFORMAT;
        sec = sec * 10 + (s[i] - '0');
    }
    if (digits == 0)
        return FC_EFORMAT;
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            if (++frac_digits > 9)
                return FC_EFORMAT;
            nsec = nsec * 10 + (s[i] - '0');
        }
        if (frac_digits == 0)
            return FC_EFORMAT;
        for (int k = frac_digits; k < 9; k++)
            nsec *= 10;
    }
    if (i != len)
        return FC_EFORMAT;
    *out = neg ? -(sec * FC_NSEC_PER_SEC + nsec) : sec * FC_NSEC_PER_SEC + nsec;
    return 0;
}

int fc_duration_parse(const char *s, fc_ts *out)
{
    static const struct {
        const char *name;
        int64_t ns;
        int scale_digits; /* log10(ns): fraction digits allowed */
    } units[] = {
        {"ns", 1, 0},
        {"us", 1000, 3},
        {"ms", 1000000, 6},
        {"s", 1000000000, 9},
        {"m", INT64_C(60000000000), 9},
        {"h", INT64_C(3600000000000), 9},
    };
    const char *p = s;
    int64_t whole = 0, frac = 0, frac_scale = 1, unit = FC_NSEC_PER_SEC;
    int digits = 0, frac_digits = 0, max_frac = 9;
    size_t u;

    if (!s)
        return FC_EFORMAT;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (whole > INT64_MAX / 10 - 10)
            return FC_EFORMAT;
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++) {
            if (++frac_digits > 12)
                return FC_EFORMAT;
            frac = frac * 10 + (*p - '0');
            frac_scale *= 10;
        }
        if (frac_digits == 0)
            return FC_EFORMAT;
    }
    if (digits == 0 && frac_digits == 0)
        return FC_EFORMAT;
    if (*p) {
        for (u = 0; u < sizeof units / sizeof units[0]; u++)
            if (strcmp(p, units[u].name) == 0)
                break;
        if (u == sizeof units / sizeof units[0])
            return FC_EFORMAT;
        unit = units[u].ns;
        max_frac = units[u].scale_digits;
    }
    if (frac_digits > max_frac) {
        /* Accept trailing zeros beyond nanosecond resolution only. */
        while (frac_digits > max_frac) {
            if (frac % 10)
                return FC_EFORMAT;
            frac /= 10;
            frac_scale /= 10;
            frac_digits--;
        }
    }
    if (whole > INT64_MAX / unit - 1)
        return FC_EFORMAT;
    /* unit is a multiple of frac_scale here, so this is exact. */
    *out = whole * unit + frac * (unit / frac_scale);
    return 0;
}
