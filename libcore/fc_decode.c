/* fc_decode.c - link layer -> IP -> transport decoding of one frame.
 *
 * Each layer reads through an fc_cursor, so a short capture becomes
 * FC_ETRUNC instead of an out-of-bounds read. Loops over stacked headers
 * (VLAN tags, MPLS labels, IPv6 extension headers) are bounded so hostile
 * input cannot spin. No allocation, no global mutable state. */
#include "fc_decode.h"
#include "fc_decode_int.h"

#include <string.h>

#include "fc_cursor.h"
#include "fc_error.h"
#include "fc_key.h"

/* What the link layer says follows it. */
enum { DEC_IP4 = 4, DEC_IP6 = 6, DEC_GUESS = 0 };

/* Caps on stacked headers: far above anything real, small enough that a
 * crafted frame cannot make us loop long. */
#define DEC_MAX_SHIMS 16  /* VLAN tags + MPLS labels + PPPoE per frame */
#define DEC_MAX_EXTHDR 16 /* IPv6 extension headers */

enum {
    ETH_IPV4 = 0x0800,
    ETH_IPV6 = 0x86dd,
    ETH_VLAN = 0x8100,
    ETH_QINQ = 0x88a8,
    ETH_QINQ_OLD = 0x9100,
    ETH_MPLS_UC = 0x8847,
    ETH_MPLS_MC = 0x8848,
    ETH_PPPOE_SESS = 0x8864,
    ETH_MIN_TYPE = 0x0600 /* below: 802.3 length field, not a type */
};

enum { PPP_IPV4 = 0x0021, PPP_IPV6 = 0x0057, PPP_MPLS_UC = 0x0281, PPP_MPLS_MC = 0x0283 };

enum {
    IP6_HOPOPTS = 0,
    IP6_ROUTING = 43,
    IP6_FRAGMENT = 44,
    IP6_DSTOPTS = 60
};

/* ------------------------------------------------------------ link */

/* Version nibble of the next byte, for MPLS and raw links where nothing
 * names the IP version. */
static int dec_guess_ip(const fc_cursor *c, int *l3)
{
    uint8_t b;
    if (!fc_cur_peek_u8(c, 0, &b))
        return FC_ETRUNC;
    switch (b >> 4) {
    case 4: *l3 = DEC_IP4; return FC_OK;
    case 6: *l3 = DEC_IP6; return FC_OK;
    default: return FC_EUNSUPP;
    }
}

/* MPLS label stack: skip entries up to bottom-of-stack, then guess. */
static int dec_mpls(fc_cursor *c, unsigned *shims, int *l3)
{
    uint32_t e;
    do {
        if (++*shims > DEC_MAX_SHIMS)
            return FC_EFORMAT;
        if (!fc_cur_be32(c, &e))
            return FC_ETRUNC;
    } while (!(e & 0x100));
    return dec_guess_ip(c, l3);
}

/* PPPoE session header (ver/type, code, session, length) + PPP proto. */
static int dec_pppoe(fc_cursor *c, int *l3)
{
    uint8_t vt;
    uint16_t proto;
    if (!fc_cur_u8(c, &vt) || !fc_cur_skip(c, 5) || !fc_cur_be16(c, &proto))
        return FC_ETRUNC;
    if (vt != 0x11)
        return FC_EUNSUPP; /* only PPPoE version 1, type 1 is defined */
    if (proto == PPP_IPV4)
        *l3 = DEC_IP4;
    else if (proto == PPP_IPV6)
        *l3 = DEC_IP6;
    else
        return FC_EUNSUPP;
    return FC_OK;
}

/* Follows an ethertype through VLAN/MPLS/PPPoE shims to IP. */
static int dec_ethertype(fc_cursor *c, uint16_t type, int *l3)
{
    unsigned shims = 0;
    for (;;) {
        switch (type) {
        case ETH_IPV4: *l3 = DEC_IP4; return FC_OK;
        case ETH_IPV6: *l3 = DEC_IP6; return FC_OK;
        case ETH_VLAN:
        case ETH_QINQ:
        case ETH_QINQ_OLD:
            if (++shims > DEC_MAX_SHIMS)
                return FC_EFORMAT;
            if (!fc_cur_skip(c, 2) || !fc_cur_be16(c, &type))
                return FC_ETRUNC;
            break;
        case ETH_MPLS_UC:
        case ETH_MPLS_MC:
            return dec_mpls(c, &shims, l3);
        case ETH_PPPOE_SESS:
            return dec_pppoe(c, l3);
        default:
            return FC_EUNSUPP;
        }
    }
}

static int dec_ether(fc_cursor *c, int *l3)
{
    uint16_t type;
    if (!fc_cur_skip(c, 12) || !fc_cur_be16(c, &type))
        return FC_ETRUNC;
    if (type < ETH_MIN_TYPE)
        return FC_EUNSUPP; /* 802.3 length + LLC: no IP we handle */
    return dec_ethertype(c, type, l3);
}

/* BSD AF values that mean IPv6 differ per OS (24 NetBSD/OpenBSD,
 * 28 FreeBSD, 30 Darwin). */
static int dec_af(uint32_t af, int *l3)
{
    if (af == 2) {
        *l3 = DEC_IP4;
        return 1;
    }
    if (af == 24 || af == 28 || af == 30) {
        *l3 = DEC_IP6;
        return 1;
    }
    return 0;
}

/* NULL stores the AF in the writer's byte order, which we cannot know:
 * try big-endian, then little-endian. LOOP is always big-endian. */
static int dec_null_loop(fc_cursor *c, int loop, int *l3)
{
    uint8_t b[4];
    uint32_t be, le;
    if (!fc_cur_bytes(c, b, 4))
        return FC_ETRUNC;
    be = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
         b[3];
    le = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 |
         b[0];
    if (dec_af(be, l3) || (!loop && dec_af(le, l3)))
        return FC_OK;
    return FC_EUNSUPP;
}

/* IEEE 802.11 data frame (after any radiotap header), then LLC/SNAP.
 * Management, control and protected (encrypted) frames carry no IP we
 * can read: unsupported, like ARP on Ethernet. */
static int dec_wifi(fc_cursor *c, int *l3)
{
    const uint8_t *h = c->p;
    size_t hl = 24;
    if (!fc_cur_has(c, 24))
        return FC_ETRUNC;
    uint8_t fc0 = h[0], fc1 = h[1];
    if (((fc0 >> 2) & 3) != 2 || (fc0 >> 4) & 0x4) /* not data, or no payload */
        return FC_EUNSUPP;
    if (fc1 & 0x40) /* protected */
        return FC_EUNSUPP;
    if ((fc1 & 3) == 3)
        hl += 6; /* four addresses (WDS) */
    if (fc0 & 0x80) {
        hl += 2; /* QoS control */
        if (fc1 & 0x80)
            hl += 4; /* HT control */
    }
    if (!fc_cur_skip(c, hl))
        return FC_ETRUNC;
    /* LLC/SNAP: AA AA 03, OUI 00 00 00, then an ethertype */
    h = c->p;
    if (!fc_cur_skip(c, 8))
        return FC_ETRUNC;
    if (h[0] != 0xaa || h[1] != 0xaa || h[2] != 0x03 || h[3] || h[4] || h[5])
        return FC_EUNSUPP;
    return dec_ethertype(c, fc_ld16(h + 6), l3);
}

/* Radiotap: version 0, its own length (little-endian) covers the header. */
static int dec_radiotap(fc_cursor *c, int *l3)
{
    if (!fc_cur_has(c, 8))
        return FC_ETRUNC;
    if (c->p[0] != 0)
        return FC_EFORMAT;
    size_t len = (size_t)c->p[2] | (size_t)c->p[3] << 8;
    if (len < 8)
        return FC_EFORMAT;
    if (!fc_cur_skip(c, len))
        return FC_ETRUNC;
    return dec_wifi(c, l3);
}

/* 802.2 LLC with a SNAP header (AA AA 03, OUI, type). OUI 00-00-00 and
 * 00-00-F8 (Cisco's 802.1H) carry an ethertype; others are unsupported. */
static int dec_llc_snap(fc_cursor *c, int *l3)
{
    const uint8_t *h = c->p;
    if (!fc_cur_skip(c, 8))
        return FC_ETRUNC;
    if (h[0] != 0xaa || h[1] != 0xaa || h[2] != 0x03 || h[3] || h[4] ||
        (h[5] != 0 && h[5] != 0xf8))
        return FC_EUNSUPP;
    return dec_ethertype(c, fc_ld16(h + 6), l3);
}

/* PPP protocol numbers that carry what we decode. */
static int dec_ppp_proto(fc_cursor *c, uint16_t proto, int *l3)
{
    unsigned shims = 0;
    switch (proto) {
    case PPP_IPV4: *l3 = DEC_IP4; return FC_OK;
    case PPP_IPV6: *l3 = DEC_IP6; return FC_OK;
    case PPP_MPLS_UC:
    case PPP_MPLS_MC: return dec_mpls(c, &shims, l3);
    default: return FC_EUNSUPP;
    }
}

/* PPP (RFC 1661): optional address/control bytes FF 03 (RFC 1662
 * framing), then a protocol field that is one byte when its low bit is
 * set (protocol-field compression) and two bytes otherwise. */
static int dec_ppp(fc_cursor *c, int *l3)
{
    uint8_t b0, b1;
    uint16_t proto;
    if (!fc_cur_peek_u8(c, 0, &b0))
        return FC_ETRUNC;
    if (b0 == 0xff) {
        if (!fc_cur_peek_u8(c, 1, &b1))
            return FC_ETRUNC;
        if (b1 != 0x03)
            return FC_EFORMAT; /* address FF is only ever followed by UI */
        fc_cur_skip(c, 2);
        if (!fc_cur_peek_u8(c, 0, &b0))
            return FC_ETRUNC;
    }
    if (b0 & 1) {
        fc_cur_skip(c, 1);
        proto = b0;
    } else if (!fc_cur_be16(c, &proto)) {
        return FC_ETRUNC;
    }
    return dec_ppp_proto(c, proto, l3);
}

/* Cisco HDLC: address (0x0F unicast, 0x8F broadcast), control, then an
 * ethertype. */
static int dec_chdlc(fc_cursor *c, int *l3)
{
    uint16_t type;
    if (!fc_cur_skip(c, 2) || !fc_cur_be16(c, &type))
        return FC_ETRUNC;
    return dec_ethertype(c, type, l3);
}

/* LINKTYPE_PPP_HDLC: PPP in HDLC-like framing, or Cisco PPP with HDLC
 * framing, told apart by the first (address) byte. */
static int dec_ppp_hdlc(fc_cursor *c, int *l3)
{
    uint8_t b0;
    if (!fc_cur_peek_u8(c, 0, &b0))
        return FC_ETRUNC;
    if (b0 == 0x0f || b0 == 0x8f)
        return dec_chdlc(c, l3);
    return dec_ppp(c, l3);
}

/* Frame Relay: a Q.922 address of 2 to 4 bytes (the low bit of its last
 * byte is set), then either the RFC 2427 UI control byte with an NLPID
 * (optionally after one pad byte) or, Cisco's way, an ethertype. */
static int dec_frelay(fc_cursor *c, int *l3)
{
    uint8_t b, nlpid;
    size_t n = 0;
    uint16_t type;
    do {
        if (++n > 4)
            return FC_EFORMAT;
        if (!fc_cur_u8(c, &b))
            return FC_ETRUNC;
        if (n == 1 && (b & 1))
            return FC_EFORMAT; /* a one-byte address does not exist */
    } while (!(b & 1));
    if (!fc_cur_peek_u8(c, 0, &b))
        return FC_ETRUNC;
    if (b != 0x03) {
        if (!fc_cur_be16(c, &type))
            return FC_ETRUNC;
        return type < ETH_MIN_TYPE ? FC_EUNSUPP : dec_ethertype(c, type, l3);
    }
    if (!fc_cur_skip(c, 1) || !fc_cur_u8(c, &nlpid))
        return FC_ETRUNC;
    if (nlpid == 0x00 && !fc_cur_u8(c, &nlpid)) /* pad byte */
        return FC_ETRUNC;
    switch (nlpid) {
    case 0xcc: *l3 = DEC_IP4; return FC_OK;
    case 0x8e: *l3 = DEC_IP6; return FC_OK;
    case 0x80: { /* SNAP: OUI, then an ethertype when the OUI is 0 */
        const uint8_t *h = c->p;
        if (!fc_cur_skip(c, 5))
            return FC_ETRUNC;
        if (h[0] || h[1] || h[2])
            return FC_EUNSUPP;
        return dec_ethertype(c, fc_ld16(h + 3), l3);
    }
    default: return FC_EUNSUPP; /* Q.933, CLNP, ES-IS, IS-IS, ... */
    }
}

/* FDDI: frame control, destination and source; LLC frames (frame
 * control 0x5X) carry LLC/SNAP. */
static int dec_fddi(fc_cursor *c, int *l3)
{
    uint8_t fcb;
    if (!fc_cur_u8(c, &fcb) || !fc_cur_skip(c, 12))
        return FC_ETRUNC;
    if ((fcb & 0xf0) != 0x50)
        return FC_EUNSUPP; /* SMT, MAC and token frames */
    return dec_llc_snap(c, l3);
}

/* Linux Classical IP over ATM: LLC/SNAP when it starts like one, else a
 * bare IP datagram. */
static int dec_atm_clip(fc_cursor *c, int *l3)
{
    uint8_t b;
    if (!fc_cur_peek_u8(c, 0, &b))
        return FC_ETRUNC;
    return b == 0xaa ? dec_llc_snap(c, l3) : dec_guess_ip(c, l3);
}

/* ARCNET with the Linux header: source, destination, a 2-byte offset and
 * the protocol ID; RFC 1201 protocols add a split flag and a 2-byte
 * sequence number (Linux has already reassembled the fragments). */
static int dec_arcnet_linux(fc_cursor *c, int *l3)
{
    uint8_t type;
    if (!fc_cur_skip(c, 4) || !fc_cur_u8(c, &type))
        return FC_ETRUNC;
    switch (type) {
    case 0xf0: /* RFC 1051 IP: nothing more */
        *l3 = DEC_IP4;
        return FC_OK;
    case 0xd4: /* RFC 1201 IP */
        *l3 = DEC_IP4;
        break;
    case 0xc4: /* RFC 1201 IPv6 */
        *l3 = DEC_IP6;
        break;
    default: return FC_EUNSUPP; /* ARP, AppleTalk, IPX, BACnet, ... */
    }
    return fc_cur_skip(c, 3) ? FC_OK : FC_ETRUNC;
}

/* Juniper's "MGC" cookie: magic, flags, optional TLV extensions with
 * their 2-byte length; with the no-L2 flag a 4-byte word precedes a bare
 * IP datagram, otherwise an Ethernet frame follows. */
static int dec_juniper_ether(fc_cursor *c, int *l3)
{
    uint8_t m[4];
    uint16_t extlen;
    if (!fc_cur_bytes(c, m, 4))
        return FC_ETRUNC;
    if (m[0] != 'M' || m[1] != 'G' || m[2] != 'C')
        return FC_EFORMAT;
    if (m[3] & 0x80) {
        if (!fc_cur_be16(c, &extlen) || !fc_cur_skip(c, extlen))
            return FC_ETRUNC;
    }
    if (m[3] & 0x02) {
        if (!fc_cur_skip(c, 4))
            return FC_ETRUNC;
        return dec_guess_ip(c, l3);
    }
    return dec_ether(c, l3);
}

static uint32_t dec_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* OpenBSD pflog: the first byte is the header length before padding to
 * a 4-byte boundary, the second the address family. */
static int dec_pflog(fc_cursor *c, int *l3)
{
    uint8_t len, af;
    if (!fc_cur_peek_u8(c, 0, &len) || !fc_cur_peek_u8(c, 1, &af))
        return FC_ETRUNC;
    if (len < 45) /* shorter than the oldest pfloghdr */
        return FC_EFORMAT;
    if (!fc_cur_skip(c, ((size_t)len + 3) & ~(size_t)3))
        return FC_ETRUNC;
    return dec_af(af, l3) ? FC_OK : FC_EUNSUPP;
}

/* Linux NFLOG: family, version, resource id, then TLVs (length includes
 * the 4-byte TLV header; each padded to 4 bytes). Type 9 holds the
 * packet. TLV fields are in the capturing host's byte order; libpcap
 * swaps them to ours, a raw reader does not: the type, always below 256,
 * tells which order a TLV is in. */
static int dec_nflog(fc_cursor *c, int *l3)
{
    uint8_t fam, ver;
    if (!fc_cur_u8(c, &fam) || !fc_cur_u8(c, &ver) || !fc_cur_skip(c, 2))
        return FC_ETRUNC;
    if (ver != 0)
        return FC_EFORMAT;
    for (;;) {
        const uint8_t *t = c->p;
        size_t len, type;
        if (!fc_cur_has(c, 4))
            return FC_ETRUNC;
        if (t[2] != 0 && (t[3] & 0x3f) == 0) { /* little-endian type */
            len = (size_t)t[0] | (size_t)t[1] << 8;
            type = (size_t)t[2] | (size_t)(t[3] & 0x3f) << 8;
        } else {
            len = (size_t)t[0] << 8 | t[1];
            type = (size_t)(t[2] & 0x3f) << 8 | t[3];
        }
        if (len < 4)
            return FC_EFORMAT; /* would not advance */
        if (type == 9) {
            fc_cur_skip(c, 4);
            fc_cur_clip(c, len - 4); /* the value, not the padding after it */
            break;
        }
        if (!fc_cur_skip(c, (len + 3) & ~(size_t)3))
            return FC_ETRUNC;
    }
    if (fam == 2)
        *l3 = DEC_IP4;
    else if (fam == 10)
        *l3 = DEC_IP6;
    else
        return FC_EUNSUPP;
    return FC_OK;
}

/* Solaris ipnet: version, family (2 IPv4, 26 IPv6), then 22 bytes of
 * lengths, interface and zone ids. */
static int dec_ipnet(fc_cursor *c, int *l3)
{
    uint8_t fam;
    if (!fc_cur_peek_u8(c, 1, &fam) || !fc_cur_skip(c, 24))
        return FC_ETRUNC;
    if (fam == 2)
        *l3 = DEC_IP4;
    else if (fam == 26)
        *l3 = DEC_IP6;
    else
        return FC_EUNSUPP;
    return FC_OK;
}

/* Marvell/Broadcom switch tags: `pre` bytes before the MAC addresses,
 * `mid` bytes between them and the ethertype. */
static int dec_tagged_ether(fc_cursor *c, size_t pre, size_t mid, int *l3)
{
    uint16_t type;
    if (!fc_cur_skip(c, pre + 12 + mid) || !fc_cur_be16(c, &type))
        return FC_ETRUNC;
    if (type < ETH_MIN_TYPE)
        return FC_EUNSUPP;
    return dec_ethertype(c, type, l3);
}

static int dec_link(int linktype, fc_cursor *c, int *l3, int nested);

/* Headers that name the link type of what follows them (PPI, PKTAP).
 * One level only: a header of this kind inside another is refused. */
static int dec_link_inner(uint32_t dlt, fc_cursor *c, int *l3, int nested)
{
    if (nested || dlt > 0xffff)
        return FC_EFORMAT;
    return dec_link((int)dlt, c, l3, 1);
}

/* PPI: version 0, flags, little-endian header length and DLT. */
static int dec_ppi(fc_cursor *c, int *l3, int nested)
{
    const uint8_t *h = c->p;
    if (!fc_cur_has(c, 8))
        return FC_ETRUNC;
    if (h[0] != 0)
        return FC_EFORMAT;
    size_t len = (size_t)h[2] | (size_t)h[3] << 8;
    if (len < 8)
        return FC_EFORMAT;
    if (!fc_cur_skip(c, len))
        return FC_ETRUNC;
    return dec_link_inner(dec_le32(h + 4), c, l3, nested);
}

/* Apple PKTAP: little-endian header length, record type (1: a packet)
 * and DLT, then process and interface details to the header's end. */
static int dec_pktap(fc_cursor *c, int *l3, int nested)
{
    const uint8_t *h = c->p;
    if (!fc_cur_has(c, 12))
        return FC_ETRUNC;
    size_t len = dec_le32(h);
    if (len < 108) /* the smallest header Apple has written */
        return FC_EFORMAT;
    if (dec_le32(h + 4) != 1)
        return FC_EUNSUPP;
    if (!fc_cur_skip(c, len))
        return FC_ETRUNC;
    return dec_link_inner(dec_le32(h + 8), c, l3, nested);
}

static int dec_link(int linktype, fc_cursor *c, int *l3, int nested)
{
    uint16_t proto;
    switch (linktype) {
    case FC_LINK_EN10MB:
        return dec_ether(c, l3);
    case FC_LINK_NULL:
        return dec_null_loop(c, 0, l3);
    case FC_LINK_LOOP:
        return dec_null_loop(c, 1, l3);
    case FC_LINK_ENC:
        /* address family as in NULL, then SPI and flags */
        if (!fc_cur_has(c, 12))
            return FC_ETRUNC;
        {
            int rc = dec_null_loop(c, 0, l3);
            fc_cur_skip(c, 8);
            return rc;
        }
    case FC_LINK_RAW_DLT:
    case FC_LINK_RAW_DLT14:
    case FC_LINK_RAW:
        return dec_guess_ip(c, l3);
    case FC_LINK_IEEE802_11:
        return dec_wifi(c, l3);
    case FC_LINK_RADIOTAP:
        return dec_radiotap(c, l3);
    case FC_LINK_IPV4:
        *l3 = DEC_IP4;
        return FC_OK;
    case FC_LINK_IPV6:
        *l3 = DEC_IP6;
        return FC_OK;
    case FC_LINK_SLIP:
        /* direction, packet type and the CSLIP header slot: the datagram
         * behind them is uncompressed */
        if (!fc_cur_skip(c, 16))
            return FC_ETRUNC;
        return dec_guess_ip(c, l3);
    case FC_LINK_PPP:
        return dec_ppp(c, l3);
    case FC_LINK_PPP_HDLC:
        return dec_ppp_hdlc(c, l3);
    case FC_LINK_PPP_ETHER:
        return dec_pppoe(c, l3);
    case FC_LINK_C_HDLC:
        return dec_chdlc(c, l3);
    case FC_LINK_FRELAY:
        return dec_frelay(c, l3);
    case FC_LINK_FDDI:
        return dec_fddi(c, l3);
    case FC_LINK_ATM_RFC1483:
    case FC_LINK_ATM_RFC1483_DLT:
        return dec_llc_snap(c, l3);
    case FC_LINK_ATM_CLIP:
    case FC_LINK_ATM_CLIP_DLT:
        return dec_atm_clip(c, l3);
    case FC_LINK_ARCNET_LINUX:
        return dec_arcnet_linux(c, l3);
    case FC_LINK_JUNIPER_ETHER:
        return dec_juniper_ether(c, l3);
    case FC_LINK_PPI:
        return dec_ppi(c, l3, nested);
    case FC_LINK_PKTAP:
    case FC_LINK_PKTAP_DLT:
        return dec_pktap(c, l3, nested);
    case FC_LINK_PFLOG:
        return dec_pflog(c, l3);
    case FC_LINK_NFLOG:
        return dec_nflog(c, l3);
    case FC_LINK_IPNET:
        return dec_ipnet(c, l3);
    case FC_LINK_IPOIB:
        /* 40 bytes of addresses, then an ethertype and 2 reserved bytes */
        if (!fc_cur_skip(c, 40) || !fc_cur_be16(c, &proto) || !fc_cur_skip(c, 2))
            return FC_ETRUNC;
        if (proto < ETH_MIN_TYPE)
            return FC_EUNSUPP;
        return dec_ethertype(c, proto, l3);
    case FC_LINK_DSA_BRCM:
        return dec_tagged_ether(c, 0, 4, l3);
    case FC_LINK_DSA_BRCM_PREPEND:
        return dec_tagged_ether(c, 4, 0, l3);
    case FC_LINK_DSA_DSA:
        return dec_tagged_ether(c, 0, 4, l3);
    case FC_LINK_DSA_EDSA:
        return dec_tagged_ether(c, 0, 8, l3);
    case FC_LINK_LINUX_SLL:
        /* type, ARPHRD, addr len, 8 addr bytes, then the protocol */
        if (!fc_cur_skip(c, 14) || !fc_cur_be16(c, &proto))
            return FC_ETRUNC;
        break;
    case FC_LINK_LINUX_SLL2:
        /* protocol first, then 18 bytes of ifindex/ARPHRD/type/addr */
        if (!fc_cur_be16(c, &proto) || !fc_cur_skip(c, 18))
            return FC_ETRUNC;
        break;
    default:
        return FC_EUNSUPP;
    }
    /* SLL protocol values below 0x0600 are Linux pseudo-protocols */
    if (proto < ETH_MIN_TYPE)
        return FC_EUNSUPP;
    return dec_ethertype(c, proto, l3);
}

/* ------------------------------------------------------- transport */

/* `c` covers exactly the captured transport bytes, already clipped to the
 * IP-declared length; `wire` is that declared length. */
static size_t dec_sub(size_t a, size_t b)
{
    return a > b ? a - b : 0;
}

static int dec_tcp(fc_cursor *c, fc_decoded *out, uint32_t wire, unsigned flags)
{
    const uint8_t *h = c->p;
    size_t hl;
    if (!fc_cur_has(c, 20))
        return FC_ETRUNC;
    out->sport = fc_ld16(h);
    out->dport = fc_ld16(h + 2);
    out->seq = fc_ld32(h + 4);
    out->ack = fc_ld32(h + 8);
    out->tcp_flags = h[13];
    out->win = fc_ld16(h + 14);
    hl = (size_t)(h[12] >> 4) * 4;
    if (hl < 20)
        return FC_EFORMAT;
    if (!fc_cur_skip(c, hl)) {
        if (!(flags & FC_DECODE_TCP_CUT))
            return FC_ETRUNC; /* options cut short */
        /* the key is known; the caller decides what the packet is worth */
        out->tcp_cut = 1;
        fc_cur_skip(c, fc_cur_left(c));
        out->payload_off = out->l4_off + (size_t)(c->p - h);
        out->payload_wire = (uint32_t)dec_sub(wire, hl);
        return FC_OK;
    }
    out->payload_off = out->l4_off + hl;
    out->payload_wire = (uint32_t)dec_sub(wire, hl);
    return FC_OK;
}

static int dec_udp(fc_cursor *c, fc_decoded *out, uint32_t wire)
{
    const uint8_t *h = c->p;
    uint16_t ulen;
    if (!fc_cur_skip(c, 8))
        return FC_ETRUNC;
    out->sport = fc_ld16(h);
    out->dport = fc_ld16(h + 2);
    ulen = fc_ld16(h + 4);
    out->payload_off = out->l4_off + 8;
    out->payload_wire = (uint32_t)dec_sub(wire, 8);
    /* trust the UDP length only when it is consistent with IP's (it is 0
     * in IPv6 jumbograms) */
    if (ulen >= 8 && ulen <= wire) {
        out->payload_wire = (uint32_t)ulen - 8;
        fc_cur_clip(c, out->payload_wire);
    }
    return FC_OK;
}

static int dec_sctp(fc_cursor *c, fc_decoded *out, uint32_t wire)
{
    /* ports, verification tag, CRC32c */
    if (!fc_cur_be16(c, &out->sport) || !fc_cur_be16(c, &out->dport) ||
        !fc_cur_skip(c, 8))
        return FC_ETRUNC;
    out->payload_off = out->l4_off + 12;
    out->payload_wire = (uint32_t)dec_sub(wire, 12);
    return FC_OK;
}

static int dec_icmp(fc_cursor *c, fc_decoded *out, uint32_t wire)
{
    /* type, code, checksum, 4 bytes of message-specific header */
    if (!fc_cur_u8(c, &out->icmp_type) || !fc_cur_u8(c, &out->icmp_code) ||
        !fc_cur_skip(c, 6))
        return FC_ETRUNC;
    out->payload_off = out->l4_off + 8;
    out->payload_wire = (uint32_t)dec_sub(wire, 8);
    return FC_OK;
}

static int dec_l4(fc_cursor *c, const uint8_t *frame, fc_decoded *out,
                  uint32_t wire, unsigned flags)
{
    int rc;
    out->l4_off = (size_t)(c->p - frame);
    out->payload_off = out->l4_off;
    out->payload_wire = wire;
    if (out->frag == FC_FRAG_LATER) {
        /* fragment data, not a transport header */
        out->payload_len = fc_cur_left(c);
        return FC_OK;
    }
    switch (out->proto) {
    case FC_PROTO_TCP: rc = dec_tcp(c, out, wire, flags); break;
    case FC_PROTO_UDP: rc = dec_udp(c, out, wire); break;
    case FC_PROTO_SCTP: rc = dec_sctp(c, out, wire); break;
    case FC_PROTO_ICMP:
    case FC_PROTO_ICMPV6: rc = dec_icmp(c, out, wire); break;
    default:
        out->payload_len = fc_cur_left(c);
        return FC_OK;
    }
    if (rc != FC_OK) {
        out->sport = out->dport = 0;
        return rc;
    }
    out->has_l4 = 1;
    out->payload_len = fc_cur_left(c);
    return FC_OK;
}

/* -------------------------------------------------------------- IP */

static int dec_ip4_csum_bad(const uint8_t *hdr, size_t hl)
{
    uint32_t sum = 0;
    size_t i;
    for (i = 0; i + 1 < hl; i += 2)
        sum += (uint32_t)hdr[i] << 8 | hdr[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum != 0xffff;
}

static int dec_ip4(fc_cursor *c, const uint8_t *frame, unsigned flags,
                   fc_decoded *out)
{
    const uint8_t *hdr = c->p;
    uint8_t vihl, proto;
    uint16_t tot, id, ff;
    size_t hl;
    /* version first: a wrong one is malformed whatever the length */
    if (!fc_cur_peek_u8(c, 0, &vihl))
        return FC_ETRUNC;
    if (vihl >> 4 != 4)
        return FC_EFORMAT;
    if (!fc_cur_has(c, 20))
        return FC_ETRUNC;
    tot = fc_ld16(hdr + 2);
    id = fc_ld16(hdr + 4);
    ff = fc_ld16(hdr + 6);
    out->ttl = hdr[8];
    proto = hdr[9];
    memcpy(out->src, hdr + 12, 4);
    memcpy(out->dst, hdr + 16, 4);
    hl = (size_t)(vihl & 0x0f) * 4;
    if (hl < 20 || tot < hl)
        return FC_EFORMAT;
    if (!fc_cur_skip(c, hl))
        return FC_ETRUNC; /* options cut short */
    out->family = FC_AF_INET;
    out->proto = proto;
    out->ip_len = tot;
    if ((flags & FC_DECODE_CHECKSUMS) && dec_ip4_csum_bad(hdr, hl))
        out->ip_csum_bad = 1;
    out->frag_id = id;
    out->frag_off = (uint32_t)(ff & 0x1fff) * 8;
    out->frag_more = (ff & 0x2000) != 0;
    if (out->frag_off > 0)
        out->frag = FC_FRAG_LATER;
    else if (out->frag_more)
        out->frag = FC_FRAG_FIRST;
    /* drop Ethernet padding past the declared datagram */
    fc_cur_clip(c, tot - hl);
    return dec_l4(c, frame, out, (uint32_t)(tot - hl), flags);
}

/* Walks hop-by-hop/routing/destination/fragment headers. On return
 * out->proto is the first header we do not walk. `*wire` shrinks by the
 * bytes consumed. */
static int dec_ip6_ext(fc_cursor *c, fc_decoded *out, uint32_t *wire)
{
    unsigned n;
    uint8_t nh = out->proto, len8;
    uint16_t offlg;
    size_t sz;
    for (n = 0; n < DEC_MAX_EXTHDR; n++) {
        switch (nh) {
        case IP6_HOPOPTS:
        case IP6_ROUTING:
        case IP6_DSTOPTS:
            if (!fc_cur_peek_u8(c, 1, &len8))
                return FC_ETRUNC;
            sz = 8 * ((size_t)len8 + 1);
            if (!fc_cur_u8(c, &nh) || !fc_cur_skip(c, sz - 1))
                return FC_ETRUNC;
            break;
        case IP6_FRAGMENT:
            sz = 8;
            if (!fc_cur_u8(c, &nh) || !fc_cur_skip(c, 1) ||
                !fc_cur_be16(c, &offlg) || !fc_cur_be32(c, &out->frag_id))
                return FC_ETRUNC;
            out->frag_off = offlg & 0xfff8;
            out->frag_more = offlg & 1;
            if (out->frag_off > 0)
                out->frag = FC_FRAG_LATER;
            else if (out->frag_more)
                out->frag = FC_FRAG_FIRST;
            break;
        default:
            out->proto = nh;
            return FC_OK;
        }
        *wire = (uint32_t)dec_sub(*wire, sz);
        out->proto = nh;
        if (out->frag == FC_FRAG_LATER)
            return FC_OK; /* the rest of the chain is in fragment 0 */
    }
    return FC_EFORMAT;
}

static int dec_ip6(fc_cursor *c, const uint8_t *frame, unsigned flags, fc_decoded *out)
{
    uint8_t vb;
    uint16_t plen;
    uint32_t wire;
    int rc;
    if (!fc_cur_peek_u8(c, 0, &vb))
        return FC_ETRUNC;
    if (vb >> 4 != 6)
        return FC_EFORMAT;
    if (!fc_cur_has(c, 40))
        return FC_ETRUNC;
    if (!fc_cur_u8(c, &vb) || !fc_cur_skip(c, 3) || !fc_cur_be16(c, &plen) ||
        !fc_cur_u8(c, &out->proto) || !fc_cur_u8(c, &out->ttl) ||
        !fc_cur_bytes(c, out->src, 16) || !fc_cur_bytes(c, out->dst, 16))
        return FC_ETRUNC;
    out->family = FC_AF_INET6;
    out->ip_len = 40u + plen;
    if (plen > 0) {
        fc_cur_clip(c, plen);
        wire = plen;
    } else {
        /* jumbogram (RFC 2675): the real length lives in a hop-by-hop
         * option; use what was captured */
        wire = (uint32_t)fc_cur_left(c);
    }
    rc = dec_ip6_ext(c, out, &wire);
    if (rc != FC_OK)
        return rc;
    return dec_l4(c, frame, out, wire, flags);
}

/* ------------------------------------------------------------- API */

/* The general decoder: every link type and encapsulation. */
int fc__decode_general(int linktype, const uint8_t *frame, size_t caplen,
                       unsigned flags, fc_decoded *out)
{
    static const uint8_t empty[1];
    fc_cursor c;
    int l3 = DEC_GUESS, rc;
    if (out == NULL || (frame == NULL && caplen > 0))
        return FC_EINVAL;
    if (frame == NULL)
        frame = empty; /* keep pointer arithmetic defined */
    memset(out, 0, sizeof(*out));
    fc_cur_init(&c, frame, caplen);
    rc = dec_link(linktype, &c, &l3, 0);
    if (rc != FC_OK)
        return rc;
    out->l3_off = (size_t)(c.p - frame);
    if (l3 == DEC_IP4)
        return dec_ip4(&c, frame, flags, out);
    return dec_ip6(&c, frame, flags, out);
}

/* The common case in one pass: Ethernet II, IPv4 without options, not a
 * fragment, a whole TCP or UDP header within the captured and declared
 * lengths. Returns 0 when it decoded the frame exactly as the general
 * decoder would (tests compare the two), -1 to leave it to that one. */
static int dec_fast_ip4(const uint8_t *f, size_t caplen, fc_decoded *out)
{
    if (caplen < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00 || f[14] != 0x45)
        return -1;
    const uint8_t *ip = f + 14, *l4 = f + 34;
    uint16_t tot = fc_ld16(ip + 2), ff = fc_ld16(ip + 6);
    uint8_t proto = ip[9];
    if ((ff & 0x3fff) != 0 || tot < 20 + 8 || (proto != FC_PROTO_TCP && proto != FC_PROTO_UDP))
        return -1;
    size_t wire = (size_t)tot - 20, cap = caplen - 34;
    if (cap > wire)
        cap = wire; /* Ethernet padding past the datagram */
    size_t hl = 8;
    if (proto == FC_PROTO_TCP) {
        if (cap < 20)
            return -1;
        hl = (size_t)(l4[12] >> 4) * 4;
        if (hl < 20 || hl > cap)
            return -1;
    }
    memset(out, 0, sizeof(*out));
    out->family = FC_AF_INET;
    out->proto = proto;
    out->has_l4 = 1;
    memcpy(out->src, ip + 12, 4);
    memcpy(out->dst, ip + 16, 4);
    out->sport = fc_ld16(l4);
    out->dport = fc_ld16(l4 + 2);
    out->ttl = ip[8];
    out->frag_id = fc_ld16(ip + 4);
    out->l3_off = 14;
    out->ip_len = tot;
    out->l4_off = 34;
    out->payload_off = 34 + hl;
    out->payload_wire = (uint32_t)(wire - hl);
    out->payload_len = cap - hl;
    if (proto == FC_PROTO_TCP) {
        out->seq = fc_ld32(l4 + 4);
        out->ack = fc_ld32(l4 + 8);
        out->tcp_flags = l4[13];
        out->win = fc_ld16(l4 + 14);
    } else {
        uint16_t ulen = fc_ld16(l4 + 4);
        if (ulen >= 8 && ulen <= wire) {
            out->payload_wire = (uint32_t)ulen - 8;
            if (out->payload_len > out->payload_wire)
                out->payload_len = out->payload_wire;
        }
    }
    return 0;
}

int fc_decode(int linktype, const uint8_t *frame, size_t caplen,
              unsigned flags, fc_decoded *out)
{
    if (linktype == FC_LINK_EN10MB && !(flags & FC_DECODE_CHECKSUMS) && frame && out &&
        dec_fast_ip4(frame, caplen, out) == 0)
        return FC_OK;
    return fc__decode_general(linktype, frame, caplen, flags, out);
}

int fc_decode_linktype_supported(int linktype)
{
    return fc_linktype_name(linktype) != NULL;
}

const char *fc_linktype_name(int linktype)
{
    switch (linktype) {
    case FC_LINK_NULL: return "NULL";
    case FC_LINK_EN10MB: return "EN10MB";
    case FC_LINK_RAW_DLT:
    case FC_LINK_RAW_DLT14:
    case FC_LINK_RAW: return "RAW";
    case FC_LINK_LOOP: return "LOOP";
    case FC_LINK_LINUX_SLL: return "LINUX_SLL";
    case FC_LINK_IPV4: return "IPV4";
    case FC_LINK_IPV6: return "IPV6";
    case FC_LINK_LINUX_SLL2: return "LINUX_SLL2";
    case FC_LINK_IEEE802_11: return "IEEE802_11";
    case FC_LINK_RADIOTAP: return "IEEE802_11_RADIOTAP";
    case FC_LINK_SLIP: return "SLIP";
    case FC_LINK_PPP: return "PPP";
    case FC_LINK_FDDI: return "FDDI";
    case FC_LINK_ATM_RFC1483_DLT:
    case FC_LINK_ATM_RFC1483: return "ATM_RFC1483";
    case FC_LINK_ATM_CLIP_DLT:
    case FC_LINK_ATM_CLIP: return "ATM_CLIP";
    case FC_LINK_PPP_HDLC: return "PPP_HDLC";
    case FC_LINK_PPP_ETHER: return "PPP_ETHER";
    case FC_LINK_C_HDLC: return "C_HDLC";
    case FC_LINK_FRELAY: return "FRELAY";
    case FC_LINK_ENC: return "ENC";
    case FC_LINK_PFLOG: return "PFLOG";
    case FC_LINK_ARCNET_LINUX: return "ARCNET_LINUX";
    case FC_LINK_PKTAP_DLT:
    case FC_LINK_PKTAP: return "PKTAP";
    case FC_LINK_JUNIPER_ETHER: return "JUNIPER_ETHER";
    case FC_LINK_PPI: return "PPI";
    case FC_LINK_IPNET: return "IPNET";
    case FC_LINK_NFLOG: return "NFLOG";
    case FC_LINK_IPOIB: return "IPOIB";
    case FC_LINK_DSA_BRCM: return "DSA_TAG_BRCM";
    case FC_LINK_DSA_BRCM_PREPEND: return "DSA_TAG_BRCM_PREPEND";
    case FC_LINK_DSA_DSA: return "DSA_TAG_DSA";
    case FC_LINK_DSA_EDSA: return "DSA_TAG_EDSA";
    default: return NULL;
    }
}
