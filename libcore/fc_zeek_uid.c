/* fc_zeek_uid.c - the uid of a connection: one derivation for every
 * output that names connections (flowreplay's conn.log, flowstore's
 * flows.uid and conn view), so that the same connection has the same
 * uid in each.
 *
 * Zeek draws its uids at random; here they must be reproducible (runs,
 * machines, database backends) and computable by a writer that sees one
 * connection at a time, so the uid is a digest of what identifies the
 * connection within its capture: its key in Zeek's orientation
 * (addresses, ports; ICMP type and code), the protocol, and its first
 * packet's time to the nanosecond. Within one capture two connections
 * share all of these only when one ends and another with the same key
 * starts at the very same nanosecond. The same connection seen in two
 * captures (overlapping sensors, a piece and the whole) gets the same
 * uid, which is what lets the two be matched.
 *
 * Bytes hashed (SHA-1), in this order: "fkuid1", family (4 or 6), IP
 * protocol, originator address (4 or 16 bytes), responder address,
 * originator port, responder port (16-bit big-endian each), start time
 * (signed nanoseconds since the epoch, 64-bit big-endian). The uid is
 * "C" and 17 base-62 digits (Zeek's shape): 9 from the first 8 bytes of
 * the digest, 8 from the next 8, least significant digit first. */
#include <string.h>
#include "fc_key.h"
#include "fc_zeek.h"

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

void fc_zeek_uid(const fc_zeek_rec *r, char out[FC_ZEEK_UID_LEN])
{
    static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    uint8_t in[6 + 2 + 32 + 4 + 8], dig[20];
    size_t alen = r->family == FC_AF_INET6 ? 16 : 4, n = 0;
    uint64_t start = (uint64_t)r->start;
    static const uint8_t tag[6] = {'f', 'k', 'u', 'i', 'd', '1'};
    memcpy(in, tag, sizeof tag);
    n = sizeof tag;
    in[n++] = r->family;
    in[n++] = r->proto;
    memcpy(in + n, r->orig_h, alen);
    n += alen;
    memcpy(in + n, r->resp_h, alen);
    n += alen;
    in[n++] = (uint8_t)(r->orig_p >> 8);
    in[n++] = (uint8_t)r->orig_p;
    in[n++] = (uint8_t)(r->resp_p >> 8);
    in[n++] = (uint8_t)r->resp_p;
    for (int i = 7; i >= 0; i--)
        in[n++] = (uint8_t)(start >> (8 * i));
    fc_zeek_sha1(in, n, dig);
    uint64_t w[2] = {be64(dig), be64(dig + 8)};
    out[0] = 'C';
    for (int i = 0; i < 17; i++) {
        uint64_t *x = &w[i < 9 ? 0 : 1];
        out[1 + i] = b62[*x % 62];
        *x /= 62;
    }
    out[18] = '\0';
}
