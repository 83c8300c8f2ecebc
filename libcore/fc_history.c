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

/* ---- packed form ---- */

static const char letters[8] = {'S', 'F', 'R', 'D', 's', 'f', 'r', 'd'};

static uint64_t put_bits(uint64_t bits, unsigned code)
{
    unsigned len = (unsigned)(bits >> 48);
    if (len >= FC_HISTORY_MAX)
        return bits;
    bits |= (uint64_t)code << (3 * len);
    return (bits & ((UINT64_C(1) << 48) - 1)) | (uint64_t)(len + 1) << 48;
}

uint64_t fc_history_bits_push(uint64_t bits, uint8_t flags, fc_side side, int has_payload)
{
    unsigned r = side == FC_SIDE_INITIATOR ? 0 : 4;
    if (flags & FC_TH_SYN)
        bits = put_bits(bits, r + 0);
    if (flags & FC_TH_FIN)
        bits = put_bits(bits, r + 1);
    if (flags & FC_TH_RST)
        bits = put_bits(bits, r + 2);
    if (has_payload)
        bits = put_bits(bits, r + 3);
    return bits;
}

void fc_history_bits_unpack(uint64_t bits, fc_history *h)
{
    unsigned len = (unsigned)(bits >> 48) & 31;
    if (len > FC_HISTORY_MAX)
        len = FC_HISTORY_MAX;
    memset(h, 0, sizeof *h);
    for (unsigned k = 0; k < len; k++)
        h->c[k] = letters[(bits >> (3 * k)) & 7];
    h->len = (uint8_t)len;
}
