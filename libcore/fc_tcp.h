/* fc_tcp.h - the seed tracker's TCP state machine (no I/O, no allocation). */
#ifndef FC_TCP_H
#define FC_TCP_H

#include <stdint.h>
#include "fc_export.h"

#define FC_STATE_MAP(X)            \
    X(ACTIVE, "active")            \
    X(SYN_SENT, "syn_sent")        \
    X(SYN_RECEIVED, "syn_received")\
    X(ESTABLISHED, "established")  \
    X(FIN_WAIT, "fin_wait")        \
    X(CLOSING, "closing")          \
    X(CLOSED, "closed")            \
    X(RESET, "reset")              \
    X(ABORTED, "aborted")

typedef enum {
#define FC__STATE_ENUM(name, str) FC_STATE_##name,
    FC_STATE_MAP(FC__STATE_ENUM)
#undef FC__STATE_ENUM
    FC_STATE_COUNT
} fc_state;

typedef enum { FC_SIDE_INITIATOR = 0, FC_SIDE_RESPONDER = 1 } fc_side;

/* Lower-case state name ("syn_sent"); "?" for out-of-range values. */
FC_API const char *fc_state_name(fc_state s);
/* Parses a name from fc_state_name; -1 if unknown. */
FC_API int fc_state_parse(const char *s, size_t len);

static inline int fc_state_terminal(fc_state s)
{
    return s == FC_STATE_CLOSED || s == FC_STATE_RESET || s == FC_STATE_ABORTED;
}

/* Next state for a TCP segment with `flags` sent by `side`.
 * `peer_fin` tells whether the other side has already sent a FIN: a
 * FIN in FIN_WAIT moves to CLOSING only when it comes from the side that
 * has not closed yet (the FIX in docs/tracker-semantics.md). */
FC_API fc_state fc_tcp_next(fc_state cur, uint8_t flags, fc_side side, int fin_from_side_already);

#endif
