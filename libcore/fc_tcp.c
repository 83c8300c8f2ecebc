/* fc_tcp.c - TCP state machine: one small rule per state, as in the seed
 * (flowscope tcp_state::transition), with the FIN_WAIT fix. */
#include <string.h>
#include "fc_decode.h"
#include "fc_tcp.h"

static const char *const state_names[FC_STATE_COUNT] = {
#define FC__STATE_NAME(name, str) str,
    FC_STATE_MAP(FC__STATE_NAME)
#undef FC__STATE_NAME
};

const char *fc_state_name(fc_state s)
{
    return (unsigned)s < FC_STATE_COUNT ? state_names[s] : "?";
}

int fc_state_parse(const char *s, size_t len)
{
    for (int i = 0; i < FC_STATE_COUNT; i++)
        if (strlen(state_names[i]) == len && memcmp(state_names[i], s, len) == 0)
            return i;
    return -1;
}

fc_state fc_tcp_next(fc_state cur, uint8_t flags, fc_side side, int fin_from_side_already)
{
    int syn = flags & FC_TH_SYN, ack = flags & FC_TH_ACK, fin = flags & FC_TH_FIN;

    if (flags & FC_TH_RST)
        return FC_STATE_RESET;
    switch (cur) {
    case FC_STATE_ACTIVE:
        return syn && side == FC_SIDE_INITIATOR ? FC_STATE_SYN_SENT : cur;
    case FC_STATE_SYN_SENT:
        return syn && ack && side == FC_SIDE_RESPONDER ? FC_STATE_SYN_RECEIVED : cur;
    case FC_STATE_SYN_RECEIVED:
        return ack && side == FC_SIDE_INITIATOR ? FC_STATE_ESTABLISHED : cur;
    case FC_STATE_ESTABLISHED:
        return fin ? FC_STATE_FIN_WAIT : cur;
    case FC_STATE_FIN_WAIT:
        /* FIX: a retransmitted FIN from the side that closed first must
         * not advance the close. */
        return fin && !fin_from_side_already ? FC_STATE_CLOSING : cur;
    case FC_STATE_CLOSING:
        return ack ? FC_STATE_CLOSED : cur;
    default:
        return cur;
    }
}
