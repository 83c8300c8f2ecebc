/* fc_history.h - the seed's per-flow history string (S F R D, 16 max).
 *
 * Per TCP packet: S if SYN, F if FIN, R if RST, D if payload; upper case
 * for the initiator, lower for the responder; letters past 16 are dropped. */
#ifndef FC_HISTORY_H
#define FC_HISTORY_H

#include <stdint.h>
#include <string.h>
#include "fc_export.h"
#include "fc_tcp.h"

#define FC_HISTORY_MAX 16

typedef struct fc_history {
    char c[FC_HISTORY_MAX]; /* not NUL-terminated; len tells */
    uint8_t len;
} fc_history;

FC_API void fc_history_push(fc_history *h, uint8_t tcp_flags, fc_side side, int has_payload);

/* The same history packed into 53 bits, as live flows keep it (a flow
 * entry has no room for 17 bytes): letter k in bits 3k..3k+2 (0-3 = S F R
 * D of the initiator, 4-7 of the responder), the length in bits 48-52. */
#define FC_HISTORY_BITS 53
FC_API uint64_t fc_history_bits_push(uint64_t bits, uint8_t tcp_flags, fc_side side,
                                     int has_payload);
FC_API void fc_history_bits_unpack(uint64_t bits, fc_history *h);

/* Copies the string into buf (cap >= FC_HISTORY_MAX + 1), NUL-terminated. */
static inline void fc_history_str(const fc_history *h, char *buf)
{
    memcpy(buf, h->c, h->len);
    buf[h->len] = '\0';
}

#endif
