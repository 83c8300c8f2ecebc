/* fc_tunnel.h - locating the frame a tunnel packet carries (internal to
 * libflowcore).
 *
 * A module of its own because two engines use it: the replay driver
 * (fc_replay.c, --tunnels on the seed tracker) and the Zeek table
 * (fc_zeek_table.c). It only finds where the inner frame starts and its
 * link type; decoding and tracking it stay with the caller. */
#ifndef FC_TUNNEL_H
#define FC_TUNNEL_H

#include <stddef.h>
#include <stdint.h>

/* Where an encapsulated frame starts and how to decode it. */
typedef struct fc__inner {
    size_t off;     /* from the start of the tunnel payload */
    int linktype;   /* FC_LINK_EN10MB, FC_LINK_RAW or FC_LINK_IEEE802_11 */
} fc__inner;

/* Ethernet frame with shims fc_decode does not know: 0 and *ip_off at
 * the IP header, or -1. */
int fc__tunnel_l2_fallback(const uint8_t *f, size_t caplen, size_t *ip_off);

/* GRE payload p[0..n): 0 with *in filled, -1 if not decapsulated. */
int fc__tunnel_gre(const uint8_t *p, size_t n, fc__inner *in);

/* UDP payload p[0..n) (wire: declared payload length) on the given
 * ports: VXLAN, Geneve, GRE (port 4754), Teredo, AYIYA, GTP-U. 0 with
 * *in, or -1. */
int fc__tunnel_udp(uint16_t sport, uint16_t dport, const uint8_t *p, size_t n,
                        size_t wire, fc__inner *in);

/* The FC_SVC_* code of the tunnel fc__tunnel_udp tries on these
 * ports (the same choice it makes). */
int fc__tunnel_udp_service(uint16_t sport, uint16_t dport);

#endif
