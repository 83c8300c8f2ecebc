/* fc_event.c - output names of event types and end reasons. */
#include <string.h>
#include "fc_event.h"

static const char *const type_names[FC_EV_COUNT] = {
    "started", "packet", "established", "state_change", "ended"};
static const char *const reason_names[FC_END_COUNT] = {
    "", "fin", "rst", "idle_timeout", "evicted", "eof"};

const char *fc_event_type_name(fc_event_type t)
{
    return (unsigned)t < FC_EV_COUNT ? type_names[t] : "?";
}

const char *fc_end_reason_name(fc_end_reason r)
{
    return (unsigned)r < FC_END_COUNT ? reason_names[r] : "?";
}

static int lookup(const char *const *names, int n, const char *s, size_t len)
{
    for (int i = 0; i < n; i++)
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
            return i;
    return -1;
}

int fc_event_type_parse(const char *s, size_t len)
{
    return lookup(type_names, FC_EV_COUNT, s, len);
}

int fc_end_reason_parse(const char *s, size_t len)
{
    return len == 0 ? -1 : lookup(reason_names, FC_END_COUNT, s, len);
}
