/* fc_key.h - the bidirectional five-tuple flow key.
 *
 * Endpoints are put in canonical order (a < b by address bytes, then
 * port) so both directions of a conversation give the same key; the
 * packet's orientation says whether its (src, dst) was (a, b) or (b, a).
 * All padding is zero so keys compare and hash as plain bytes. */
#ifndef FC_KEY_H
#define FC_KEY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "fc_export.h"

enum { FC_AF_INET = 4, FC_AF_INET6 = 6 };

enum {
    FC_PROTO_ICMP = 1,
    FC_PROTO_TCP = 6,
    FC_PROTO_UDP = 17,
    FC_PROTO_ICMPV6 = 58,
    FC_PROTO_SCTP = 132
};

typedef enum { FC_FORWARD = 0, FC_REVERSE = 1 } fc_orient;

typedef struct fc_key {
    uint8_t a[16];   /* IPv4 uses the first 4 bytes, rest zero */
    uint8_t b[16];
    uint16_t port_a; /* host byte order; 0 for protocols without ports */
    uint16_t port_b;
    uint8_t proto;   /* IP protocol number */
    uint8_t family;  /* FC_AF_INET or FC_AF_INET6 */
    uint8_t pad[2];  /* always zero */
} fc_key;

/* Builds the canonical key for a packet src -> dst and returns the
 * packet's orientation. family is FC_AF_INET (4 address bytes read) or
 * FC_AF_INET6 (16). */
FC_API fc_orient fc_key_make(fc_key *k, int family, const uint8_t *src,
                             uint16_t sport, const uint8_t *dst, uint16_t dport,
                             uint8_t proto);

static inline int fc_key_equal(const fc_key *x, const fc_key *y)
{
    return memcmp(x, y, sizeof *x) == 0;
}

/* Seeded hash of a key (keyed against hash flooding). */
FC_API uint64_t fc_key_hash(const fc_key *k, uint64_t seed);

/* A hash of the key that is the same in every run and on every machine
 * (unlike fc_key_hash, seeded per run), for splitting flows among
 * processes: 64-bit FNV-1a over family, protocol, address a, port a
 * (big-endian), address b, port b (big-endian); 4 address bytes for
 * IPv4, 16 for IPv6. */
FC_API uint64_t fc_key_shard_hash(const fc_key *k);

/* True if either endpoint uses `port`. */
static inline int fc_key_either_port(const fc_key *k, uint16_t port)
{
    return k->port_a == port || k->port_b == port;
}

/* Writes endpoint a (which = 0) or b (which = 1) address in standard
 * notation (dotted quad, RFC 5952 IPv6) into buf. Returns buf. */
#define FC_ADDRSTRLEN 46
FC_API char *fc_addr_format(int family, const uint8_t *addr, char *buf, size_t cap);

/* Name of an IP protocol for output: "tcp", "udp", "icmp", "icmp6",
 * "sctp", or the decimal number written into buf (cap >= 4). */
FC_API const char *fc_proto_name(uint8_t proto, char *buf, size_t cap);

#endif
