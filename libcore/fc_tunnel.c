/* fc_tunnel.c - what Zeek decodes and the seed decoder does not:
 * extra Ethernet shims (FabricPath, 802.1ah PBB, VN-Tag) and tunnel
 * payloads (VXLAN, Geneve, Teredo, AYIYA, GTP-U, GRE incl. ERSPAN, PPTP
 * and Aruba's 802.11 tunnels, GRE in UDP, IP-in-IP). Each function only
 * locates the inner frame; the caller decodes it with fc_decode. Everything reads through explicit
 * length checks: the input is hostile. */
#include <string.h>
#include "fc_decode.h"
#include "fc_service.h"
#include "fc_tunnel.h"

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

int fc__tunnel_l2_fallback(const uint8_t *f, size_t caplen, size_t *ip_off)
{
    size_t off = 12;
    for (int n = 0; n < 16; n++) {
        if (off + 2 > caplen)
            return -1;
        uint16_t type = be16(f + off);
        off += 2;
        switch (type) {
        case 0x0800:
        case 0x86dd:
            *ip_off = off;
            return 0;
        case 0x8100:
        case 0x88a8:
        case 0x9100:
            off += 2;
            break;
        case 0x8903: /* Cisco FabricPath: FTag/TTL, then the inner MACs */
            off += 2 + 12;
            break;
        case 0x88e7: /* 802.1ah I-TAG, then customer MACs */
            off += 4 + 12;
            break;
        case 0x8926: /* VN-Tag */
            off += 4;
            break;
        default:
            return -1;
        }
    }
    return -1;
}

/* PPP protocol field (after optional address/control bytes). */
static int ppp_inner(const uint8_t *p, size_t n, fc__inner *in)
{
    size_t off = 0;
    uint16_t proto;
    if (n >= 2 && p[0] == 0xff && p[1] == 0x03)
        off = 2;
    if (off + 1 > n)
        return -1;
    if (p[off] & 1) { /* compressed one-byte protocol */
        proto = p[off];
        off += 1;
    } else {
        if (off + 2 > n)
            return -1;
        proto = be16(p + off);
        off += 2;
    }
    if (proto != 0x21 && proto != 0x57)
        return -1;
    in->off = off;
    in->linktype = FC_LINK_RAW;
    return 0;
}

static int by_ethertype(uint16_t type, size_t off, fc__inner *in)
{
    in->off = off;
    if (type == 0x0800 || type == 0x86dd)
        in->linktype = FC_LINK_RAW;
    else if (type == 0x6558)
        in->linktype = FC_LINK_EN10MB;
    else
        return -1;
    return 0;
}

/* Protocol types Aruba access points put on the 802.11 frames they
 * tunnel to their controller. Zeek's test, kept as it is (it accepts
 * any type with bits 0x8200 set and a zero low nibble), so that the
 * same packets are decapsulated. */
static int aruba_type(uint16_t t)
{
    if ((t & 0x0f) != 0)
        return 0;
    return (t & 0x8200) == 0x8200 || ((t & 0x8300) == 0x8300 && t <= 0x8370) || t == 0x9000;
}

int fc__tunnel_gre(const uint8_t *p, size_t n, fc__inner *in)
{
    if (n < 4)
        return -1;
    uint16_t fl = be16(p), type = be16(p + 2);
    int ver = fl & 7;
    size_t off = 4;
    if (fl & 0x8000)
        off += 4; /* checksum + reserved */
    if (fl & 0x2000)
        off += 4; /* key */
    if (fl & 0x1000)
        off += 4; /* sequence */
    if (ver == 1 && (fl & 0x0080))
        off += 4; /* PPTP acknowledgment */
    if (off > n)
        return -1;
    if (type == 0x880b) {
        if (ppp_inner(p + off, n - off, in) != 0)
            return -1;
        in->off += off;
        return 0;
    }
    if (type == 0x88be) { /* ERSPAN type II has a header iff sequenced */
        in->off = off + ((fl & 0x1000) ? 8 : 0);
        in->linktype = FC_LINK_EN10MB;
        return in->off <= n ? 0 : -1;
    }
    if (ver == 0 && aruba_type(type)) { /* an 802.11 frame follows */
        in->off = off;
        in->linktype = FC_LINK_IEEE802_11;
        return off < n ? 0 : -1;
    }
    if (type == 0x22eb) { /* ERSPAN type III, optional 8-byte subheader */
        if (off + 12 > n)
            return -1;
        in->off = off + 12 + ((p[off + 11] & 1) ? 8 : 0);
        in->linktype = FC_LINK_EN10MB;
        return in->off <= n ? 0 : -1;
    }
    return by_ethertype(type, off, in);
}

/* Teredo: optional authentication and origin-indication headers, then
 * a plausible IPv6 packet (Zeek checks the same before decapsulating). */
static int teredo(const uint8_t *p, size_t n, size_t wire, fc__inner *in)
{
    size_t off = 0;
    if (n >= 4 && p[0] == 0 && p[1] == 1) {
        size_t idl = p[2], aul = p[3];
        off = 4 + idl + aul + 8 + 1;
    }
    if (off + 2 <= n && p[off] == 0 && p[off + 1] == 0)
        off += 8;
    if (off + 40 > n || (p[off] >> 4) != 6)
        return -1;
    if (40u + be16(p + off + 4) != wire - off)
        return -1;
    if (p[off + 6] == 59 && be16(p + off + 4) == 0)
        return -1; /* a bubble: keeps NAT state, carries no flow */
    in->off = off;
    in->linktype = FC_LINK_RAW;
    return 0;
}

static int ayiya(const uint8_t *p, size_t n, fc__inner *in)
{
    if (n < 8)
        return -1;
    size_t idlen = (size_t)1 << (p[0] >> 4), siglen = (size_t)(p[1] >> 4) * 4;
    int opcode = p[2] & 0x0f, next = p[3];
    if (opcode != 1 || (next != 4 && next != 41))
        return -1;
    in->off = 8 + idlen + siglen;
    in->linktype = FC_LINK_RAW;
    return in->off < n ? 0 : -1;
}

static int gtpu(const uint8_t *p, size_t n, fc__inner *in)
{
    if (n < 8 || (p[0] >> 5) != 1 || !(p[0] & 0x10) || p[1] != 0xff)
        return -1;
    size_t off = 8;
    if (p[0] & 0x07) {
        if (n < 12)
            return -1;
        uint8_t next = p[11];
        off = 12;
        while (next) { /* extension headers: length in 4-byte units */
            if (off >= n || p[off] == 0)
                return -1;
            size_t len = (size_t)p[off] * 4;
            if (off + len > n)
                return -1;
            next = p[off + len - 1];
            off += len;
        }
    }
    if (off >= n || ((p[off] >> 4) != 4 && (p[off] >> 4) != 6))
        return -1;
    in->off = off;
    in->linktype = FC_LINK_RAW;
    return 0;
}

static int geneve(const uint8_t *p, size_t n, fc__inner *in)
{
    if (n < 8 || (p[0] >> 6) != 0)
        return -1;
    size_t off = 8 + (size_t)(p[0] & 0x3f) * 4;
    if (off > n)
        return -1;
    return by_ethertype(be16(p + 2), off, in);
}

static int vxlan(const uint8_t *p, size_t n, fc__inner *in)
{
    if (n < 8 + 14 || !(p[0] & 0x08))
        return -1;
    in->off = 8;
    in->linktype = FC_LINK_EN10MB;
    return 0;
}

int fc__tunnel_udp(uint16_t sport, uint16_t dport, const uint8_t *p, size_t n,
                        size_t wire, fc__inner *in)
{
    if (dport == 4789)
        return vxlan(p, n, in);
    if (dport == 6081)
        return geneve(p, n, in);
    /* GRE in UDP (RFC 8086): Zeek hands the responder port's payload to
     * its GRE analyzer; 4754 is a likely server port, so unless the other
     * port is one too it is the responder, whichever side sent this */
    if (dport == 4754 || sport == 4754)
        return fc__tunnel_gre(p, n, in);
    if (sport == 3544 || dport == 3544)
        return teredo(p, n, wire, in);
    if (sport == 5072 || dport == 5072)
        return ayiya(p, n, in);
    if (sport == 2152 || dport == 2152)
        return gtpu(p, n, in);
    /* Zeek also detects Teredo on any port by its content */
    return teredo(p, n, wire, in);
}

int fc__tunnel_udp_service(uint16_t sport, uint16_t dport)
{
    if (dport == 4789)
        return FC_SVC_VXLAN;
    if (dport == 6081)
        return FC_SVC_GENEVE;
    if (sport == 3544 || dport == 3544)
        return FC_SVC_TEREDO;
    if (sport == 5072 || dport == 5072)
        return FC_SVC_AYIYA;
    if (sport == 2152 || dport == 2152)
        return FC_SVC_GTPV1;
    return FC_SVC_TEREDO;
}
