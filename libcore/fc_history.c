/* fc_history.c - appends the seed's history letters, capped at 16. */
#include "fc_decode.h"
#include "fc_history.h"

static void put(fc_history *h, char upper, fc_side side)
{
    if (h->len < FC_HISTORY_MAX)
        h->c[h->len++] = side == FC_SIDE_INITIATOR ? upper : (char)(upper + ('a' - 'A'));
}

void fc_history_push(fc_history *h, uint8_t flags, fc_side side, int has_payload)
{
    if (flags & FC_TH_SYN)
        put(h, 'S', side);
    if (flags & FC_TH_FIN)
        put(h, 'F', side);
    if (flags & FC_TH_RST)
        put(h, 'R', side);
    if (has_payload)
        put(h, 'D', side);
}
