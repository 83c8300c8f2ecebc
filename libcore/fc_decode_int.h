/* fc_decode_int.h - decoder internals shared with the tests (not
 * installed). */
#ifndef FC_DECODE_INT_H
#define FC_DECODE_INT_H

#include "fc_decode.h"

/* The general decoder, without the fast path for plain Ethernet/IPv4/
 * TCP|UDP frames that fc_decode() tries first; same contract. Tests check
 * that both give the same result. */
int fc__decode_general(int linktype, const uint8_t *frame, size_t caplen, unsigned flags,
                       fc_decoded *out);

#endif
