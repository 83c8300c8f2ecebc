/* test_decode.c - Check tests for fc_decode(): one suite per area (link
 * types, encapsulations, IPv4, IPv6, transport, fragments, robustness).
 * Frames come from fc_testframes; hostile inputs are copied into
 * exactly-sized heap buffers so ASan flags any read past caplen. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fc_decode.h"
#include "fc_decode_int.h"
#include "fc_error.h"
#include "fc_key.h"
#include "fc_testframes.h"

static const uint8_t A4[4] = {10, 0, 0, 1};
static const uint8_t B4[4] = {10, 0, 0, 2};
static const uint8_t A6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                               0,    0,    0,    0,    0, 0, 0, 1};
static const uint8_t B6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                               0,    0,    0,    0,    0, 0, 0, 2};

/* Decodes a copy of the frame in an exactly-sized heap block. */
static int decode_exact(int lt, const uint8_t *f, size_t n, unsigned flags,
                        fc_decoded *d)
{
    uint8_t *copy = malloc(n ? n : 1);
    int rc;
    ck_assert_ptr_nonnull(copy);
    if (n)
        memcpy(copy, f, n);
    rc = fc_decode(lt, n ? copy : NULL, n, flags, d);
    free(copy);
    return rc;
}

/* Invariants every FC_OK result must satisfy. */
static void check_consistent(const fc_decoded *d, size_t caplen)
{
    ck_assert(d->family == FC_AF_INET || d->family == FC_AF_INET6);
    ck_assert_uint_le(d->l3_off, d->l4_off);
    ck_assert_uint_le(d->l4_off, d->payload_off);
    ck_assert_uint_le(d->payload_off + d->payload_len, caplen);
    ck_assert_uint_le(d->payload_len, d->payload_wire);
    if (!d->has_l4 || (d->proto != FC_PROTO_TCP &&
                       d->proto != FC_PROTO_UDP &&
                       d->proto != FC_PROTO_SCTP)) {
        ck_assert_uint_eq(d->sport, 0);
        ck_assert_uint_eq(d->dport, 0);
    }
    if (d->frag == FC_FRAG_LATER)
        ck_assert_uint_eq(d->has_l4, 0);
    if (d->family == FC_AF_INET) {
        static const uint8_t zero[12];
        ck_assert_mem_eq(d->src + 4, zero, 12);
        ck_assert_mem_eq(d->dst + 4, zero, 12);
    }
}

/* Bare IPv4/UDP datagram (no link header) with payload "hello". */
static size_t ip4_udp(uint8_t *buf)
{
    uint8_t l4[64];
    tf_ip4_spec s;
    size_t n = tf_udp(l4, 1234, 53, "hello", 5);
    memset(&s, 0, sizeof(s));
    memcpy(s.src, A4, 4);
    memcpy(s.dst, B4, 4);
    s.proto = FC_PROTO_UDP;
    return tf_ip4(buf, &s, l4, n);
}

static size_t ip6_tcp(uint8_t *buf)
{
    uint8_t l4[64];
    size_t n = tf_tcp(l4, 40000, 443, 7, 9, FC_TH_SYN, 1000, "abc", 3);
    return tf_ip6(buf, A6, B6, FC_PROTO_TCP, NULL, 0, FC_PROTO_TCP, l4, n);
}

static void expect_ip4_udp(const fc_decoded *d, size_t l3_off)
{
    ck_assert_uint_eq(d->family, FC_AF_INET);
    ck_assert_uint_eq(d->proto, FC_PROTO_UDP);
    ck_assert_uint_eq(d->l3_off, l3_off);
    ck_assert_uint_eq(d->l4_off, l3_off + 20);
    ck_assert_uint_eq(d->payload_off, l3_off + 28);
    ck_assert_uint_eq(d->payload_len, 5);
    ck_assert_uint_eq(d->sport, 1234);
    ck_assert_uint_eq(d->dport, 53);
    ck_assert_mem_eq(d->src, A4, 4);
    ck_assert_mem_eq(d->dst, B4, 4);
    ck_assert_uint_eq(d->has_l4, 1);
}

static void expect_ip6_tcp(const fc_decoded *d, size_t l3_off)
{
    ck_assert_uint_eq(d->family, FC_AF_INET6);
    ck_assert_uint_eq(d->proto, FC_PROTO_TCP);
    ck_assert_uint_eq(d->l3_off, l3_off);
    ck_assert_uint_eq(d->l4_off, l3_off + 40);
    ck_assert_uint_eq(d->payload_off, l3_off + 60);
    ck_assert_uint_eq(d->payload_len, 3);
    ck_assert_uint_eq(d->sport, 40000);
    ck_assert_uint_eq(d->dport, 443);
    ck_assert_mem_eq(d->src, A6, 16);
    ck_assert_mem_eq(d->dst, B6, 16);
}

/* ================================================================ link */

START_TEST(link_ether_ipv4_udp)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_ipv4_udp(f, A4, B4, 1234, 53, "hello", 5);
    ck_assert_uint_eq(n, 14 + 20 + 8 + 5);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 14);
    ck_assert_uint_eq(d.ttl, 64);
    ck_assert_uint_eq(d.ip_len, 33);
    ck_assert_uint_eq(d.payload_wire, 5);
    ck_assert_uint_eq(d.frag, FC_FRAG_NONE);
    ck_assert_mem_eq(f + d.payload_off, "hello", 5);
    check_consistent(&d, n);
}
END_TEST

START_TEST(link_ether_nonip)
{
    uint8_t f[TF_BUFSZ], l3[64];
    fc_decoded d;
    size_t n;
    memset(l3, 0, sizeof(l3));
    n = tf_eth(f, NULL, NULL, 0x0806, l3, 28); /* ARP */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EUNSUPP);
    n = tf_eth(f, NULL, NULL, 46, l3, 46); /* 802.3 length field */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EUNSUPP);
    n = tf_eth(f, NULL, NULL, 0x8863, l3, 20); /* PPPoE discovery */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EUNSUPP);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 13, 0, &d), FC_ETRUNC);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 0, 0, &d), FC_ETRUNC);
}
END_TEST

START_TEST(link_null_both_orders)
{
    static const uint32_t v6af[] = {24, 28, 30};
    uint8_t f[TF_BUFSZ], l3[TF_BUFSZ];
    fc_decoded d;
    size_t n, l3n = ip4_udp(l3), i;
    int swap;
    for (swap = 0; swap < 2; swap++) {
        n = tf_null(f, 2, swap, l3, l3n);
        ck_assert_int_eq(decode_exact(FC_LINK_NULL, f, n, 0, &d), FC_OK);
        expect_ip4_udp(&d, 4);
    }
    l3n = ip6_tcp(l3);
    for (i = 0; i < 3; i++) {
        for (swap = 0; swap < 2; swap++) {
            n = tf_null(f, v6af[i], swap, l3, l3n);
            ck_assert_int_eq(decode_exact(FC_LINK_NULL, f, n, 0, &d), FC_OK);
            expect_ip6_tcp(&d, 4);
        }
    }
    n = tf_null(f, 7, 0, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_NULL, f, n, 0, &d), FC_EUNSUPP);
    ck_assert_int_eq(decode_exact(FC_LINK_NULL, f, 3, 0, &d), FC_ETRUNC);
}
END_TEST

START_TEST(link_loop_network_order)
{
    uint8_t f[TF_BUFSZ], l3[TF_BUFSZ];
    fc_decoded d;
    size_t n, l3n = ip4_udp(l3);
    n = tf_loop(f, 2, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_LOOP, f, n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 4);
    l3n = ip6_tcp(l3);
    n = tf_loop(f, 24, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_LOOP, f, n, 0, &d), FC_OK);
    expect_ip6_tcp(&d, 4);
    /* LOOP is defined as network order: a little-endian AF is not IPv4 */
    f[0] = 2;
    f[1] = f[2] = f[3] = 0;
    ck_assert_int_eq(decode_exact(FC_LINK_LOOP, f, n, 0, &d), FC_EUNSUPP);
}
END_TEST

/* radiotap (len bytes) + 802.11 data header + LLC/SNAP + l3 */
static size_t wifi_frame(uint8_t *f, int radiotap, uint8_t fc0, uint8_t fc1,
                         const uint8_t *l3, size_t l3n)
{
    size_t n = 0, hl = 24;
    if (radiotap) {
        static const uint8_t rt[12] = {0, 0, 12, 0, 0x02, 0, 0, 0, 0x10, 0, 0, 0};
        memcpy(f, rt, sizeof rt);
        n = sizeof rt;
    }
    if ((fc1 & 3) == 3)
        hl += 6;
    if (fc0 & 0x80)
        hl += 2;
    memset(f + n, 0x11, hl);
    f[n] = fc0;
    f[n + 1] = fc1;
    n += hl;
    static const uint8_t snap[8] = {0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00};
    memcpy(f + n, snap, 8);
    if (l3[0] >> 4 == 6) {
        f[n + 6] = 0x86;
        f[n + 7] = 0xdd;
    }
    n += 8;
    memcpy(f + n, l3, l3n);
    return n + l3n;
}

START_TEST(link_ieee802_11_and_radiotap)
{
    uint8_t f[TF_BUFSZ], l3[TF_BUFSZ];
    fc_decoded d;
    size_t l3n = ip4_udp(l3), n;
    /* plain data frame, to the AP */
    n = wifi_frame(f, 0, 0x08, 0x01, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_IEEE802_11, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.l3_off, 24 + 8);
    ck_assert_uint_eq(d.proto, FC_PROTO_UDP);
    check_consistent(&d, n);
    /* radiotap + QoS data, four addresses */
    n = wifi_frame(f, 1, 0x88, 0x03, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_RADIOTAP, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.l3_off, 12 + 24 + 6 + 2 + 8);
    check_consistent(&d, n);
    /* IPv6 inside */
    l3n = ip6_tcp(l3);
    n = wifi_frame(f, 1, 0x08, 0x02, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_RADIOTAP, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.family, FC_AF_INET6);
    /* management, null-data and protected frames carry nothing for us */
    n = wifi_frame(f, 1, 0x80, 0x00, l3, l3n); /* beacon */
    ck_assert_int_eq(decode_exact(FC_LINK_RADIOTAP, f, n, 0, &d), FC_EUNSUPP);
    n = wifi_frame(f, 1, 0x48, 0x01, l3, l3n); /* null function */
    ck_assert_int_eq(decode_exact(FC_LINK_RADIOTAP, f, n, 0, &d), FC_EUNSUPP);
    n = wifi_frame(f, 1, 0x08, 0x41, l3, l3n); /* protected */
    ck_assert_int_eq(decode_exact(FC_LINK_RADIOTAP, f, n, 0, &d), FC_EUNSUPP);
    /* a radiotap length past the frame, or below its own header */
    n = wifi_frame(f, 1, 0x08, 0x01, l3, l3n);
    f[2] = 0xff;
    f[3] = 0x7f;
    ck_assert_int_eq(decode_exact(FC_LINK_RADIOTAP, f, n, 0, &d), FC_ETRUNC);
    f[2] = 4;
    f[3] = 0;
    ck_assert_int_eq(decode_exact(FC_LINK_RADIOTAP, f, n, 0, &d), FC_EFORMAT);
    ck_assert_str_eq(fc_linktype_name(FC_LINK_RADIOTAP), "IEEE802_11_RADIOTAP");
}
END_TEST

START_TEST(link_sll_v1_v2)
{
    uint8_t f[TF_BUFSZ], l3[TF_BUFSZ];
    fc_decoded d;
    size_t n, l3n = ip4_udp(l3);
    n = tf_sll(f, 0x0800, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_LINUX_SLL, f, n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 16);
    n = tf_sll2(f, 0x0800, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_LINUX_SLL2, f, n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 20);
    l3n = ip6_tcp(l3);
    n = tf_sll(f, 0x86dd, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_LINUX_SLL, f, n, 0, &d), FC_OK);
    expect_ip6_tcp(&d, 16);
    n = tf_sll2(f, 0x86dd, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_LINUX_SLL2, f, n, 0, &d), FC_OK);
    expect_ip6_tcp(&d, 20);
    /* Linux pseudo-protocol (LINUX_SLL_P_802_2) carries no IP */
    n = tf_sll(f, 0x0004, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_LINUX_SLL, f, n, 0, &d),
                     FC_EUNSUPP);
    ck_assert_int_eq(decode_exact(FC_LINK_LINUX_SLL2, f, 19, 0, &d),
                     FC_ETRUNC);
}
END_TEST

START_TEST(link_raw_guess)
{
    static const int lts[] = {FC_LINK_RAW_DLT, FC_LINK_RAW_DLT14,
                              FC_LINK_RAW};
    uint8_t v4[TF_BUFSZ], v6[TF_BUFSZ];
    fc_decoded d;
    size_t n4 = ip4_udp(v4), n6 = ip6_tcp(v6), i;
    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(decode_exact(lts[i], v4, n4, 0, &d), FC_OK);
        expect_ip4_udp(&d, 0);
        ck_assert_int_eq(decode_exact(lts[i], v6, n6, 0, &d), FC_OK);
        expect_ip6_tcp(&d, 0);
        ck_assert_int_eq(decode_exact(lts[i], v4, 0, 0, &d), FC_ETRUNC);
    }
    v4[0] = 0x55; /* version 5 is not IP we know */
    ck_assert_int_eq(decode_exact(FC_LINK_RAW, v4, n4, 0, &d), FC_EUNSUPP);
}
END_TEST

START_TEST(link_ipv4_ipv6_fixed)
{
    uint8_t v4[TF_BUFSZ], v6[TF_BUFSZ];
    fc_decoded d;
    size_t n4 = ip4_udp(v4), n6 = ip6_tcp(v6);
    ck_assert_int_eq(decode_exact(FC_LINK_IPV4, v4, n4, 0, &d), FC_OK);
    expect_ip4_udp(&d, 0);
    ck_assert_int_eq(decode_exact(FC_LINK_IPV6, v6, n6, 0, &d), FC_OK);
    expect_ip6_tcp(&d, 0);
    /* the link type promises a version: a mismatch is malformed */
    ck_assert_int_eq(decode_exact(FC_LINK_IPV4, v6, n6, 0, &d), FC_EFORMAT);
    ck_assert_int_eq(decode_exact(FC_LINK_IPV6, v4, n4, 0, &d), FC_EFORMAT);
}
END_TEST

START_TEST(link_names_and_unknown)
{
    uint8_t v4[TF_BUFSZ];
    fc_decoded d;
    size_t n4 = ip4_udp(v4);
    ck_assert_str_eq(fc_linktype_name(FC_LINK_EN10MB), "EN10MB");
    ck_assert_str_eq(fc_linktype_name(FC_LINK_LINUX_SLL2), "LINUX_SLL2");
    ck_assert_str_eq(fc_linktype_name(FC_LINK_RAW), "RAW");
    ck_assert_ptr_null(fc_linktype_name(147));
    ck_assert_int_eq(fc_decode_linktype_supported(FC_LINK_NULL), 1);
    ck_assert_int_eq(fc_decode_linktype_supported(FC_LINK_IPV6), 1);
    ck_assert_int_eq(fc_decode_linktype_supported(147), 0); /* USER0 */
    ck_assert_int_eq(fc_decode_linktype_supported(-1), 0);
    ck_assert_int_eq(decode_exact(147, v4, n4, 0, &d), FC_EUNSUPP);
    ck_assert_int_eq(fc_decode(FC_LINK_RAW, v4, n4, 0, NULL), FC_EINVAL);
    ck_assert_int_eq(fc_decode(FC_LINK_RAW, NULL, 5, 0, &d), FC_EINVAL);
}
END_TEST

/* ------------------------------------------- link types from issue 13 */

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Puts the link header of type `lt` in front of the IP datagram l3[0..n)
 * (IPv4 when v4) into f. Returns the frame length; *hdr is where the IP
 * header starts. The headers are laid out as the link-type documentation
 * (tcpdump.org linktypes, tcpdump's printers) describes them. */
static size_t link_frame(int lt, int v4, const uint8_t *l3, size_t n, uint8_t *f, size_t *hdr)
{
    size_t h = 0, tail = 0;
    memset(f, 0, 256);
    switch (lt) {
    case FC_LINK_SLIP:
        f[1] = 0x40; /* TYPE_IP */
        h = 16;
        break;
    case FC_LINK_PPP:
    case FC_LINK_PPP_HDLC:
        f[0] = 0xff, f[1] = 0x03, f[2] = 0x00, f[3] = v4 ? 0x21 : 0x57;
        h = 4;
        break;
    case FC_LINK_PPP_ETHER:
        f[0] = 0x11, f[3] = 0x01, f[4] = (uint8_t)((n + 2) >> 8), f[5] = (uint8_t)(n + 2);
        f[6] = 0x00, f[7] = v4 ? 0x21 : 0x57;
        h = 8;
        break;
    case FC_LINK_C_HDLC:
        f[0] = 0x0f, f[2] = v4 ? 0x08 : 0x86, f[3] = v4 ? 0x00 : 0xdd;
        h = 4;
        break;
    case FC_LINK_FRELAY:
        f[0] = 0x18, f[1] = 0x41, f[2] = 0x03, f[3] = v4 ? 0xcc : 0x8e; /* DLCI 100 */
        h = 4;
        break;
    case FC_LINK_FDDI: /* LLC/SNAP follows the MAC header, as on ATM */
        f[0] = 0x50;
        h = 13;
        /* fall through */
    case FC_LINK_ATM_RFC1483:
    case FC_LINK_ATM_RFC1483_DLT:
    case FC_LINK_ATM_CLIP:
    case FC_LINK_ATM_CLIP_DLT:
        f[h] = 0xaa, f[h + 1] = 0xaa, f[h + 2] = 0x03;
        f[h + 6] = v4 ? 0x08 : 0x86, f[h + 7] = v4 ? 0x00 : 0xdd;
        h += 8;
        break;
    case FC_LINK_ARCNET_LINUX:
        f[0] = 0x01, f[1] = 0x02, f[4] = v4 ? 0xd4 : 0xc4;
        h = 8;
        break;
    case FC_LINK_JUNIPER_ETHER:
        f[0] = 'M', f[1] = 'G', f[2] = 'C', f[3] = 0x81; /* extensions, inbound */
        f[5] = 4;                                        /* 4 bytes of TLVs */
        f[6] = 1, f[7] = 2, f[8] = 0xab, f[9] = 0xcd;
        f[22] = v4 ? 0x08 : 0x86, f[23] = v4 ? 0x00 : 0xdd;
        h = 24;
        break;
    case FC_LINK_PPI:
        f[2] = 8, f[4] = FC_LINK_EN10MB; /* 8-byte header, then Ethernet */
        f[20] = v4 ? 0x08 : 0x86, f[21] = v4 ? 0x00 : 0xdd;
        h = 22;
        break;
    case FC_LINK_PFLOG:
        f[0] = 61, f[1] = v4 ? 2 : 24; /* OpenBSD's header, padded to 64 */
        memcpy(f + 4, "em0", 3);
        h = 64;
        break;
    case FC_LINK_ENC:
        put_le32(f, v4 ? 2 : 24); /* host order, here little-endian */
        put_le32(f + 4, 0x1234), put_le32(f + 8, 0x400);
        h = 12;
        break;
    case FC_LINK_NFLOG:
        f[0] = v4 ? 2 : 10; /* AF_INET / AF_INET6, version 0, resource 0 */
        f[4] = 8, f[6] = 1; /* NFULA_PACKET_HDR, 4 bytes of value */
        f[12] = (uint8_t)(n + 4), f[13] = (uint8_t)((n + 4) >> 8), f[14] = 9;
        h = 16;
        tail = (4 - n % 4) % 4; /* TLV padding, not part of the packet */
        break;
    case FC_LINK_IPNET:
        f[0] = 2, f[1] = v4 ? 2 : 26;
        h = 24;
        break;
    case FC_LINK_IPOIB:
        f[40] = v4 ? 0x08 : 0x86, f[41] = v4 ? 0x00 : 0xdd;
        h = 44;
        break;
    case FC_LINK_PKTAP:
    case FC_LINK_PKTAP_DLT:
        put_le32(f, 108), put_le32(f + 4, 1), put_le32(f + 8, FC_LINK_EN10MB);
        memcpy(f + 12, "en0", 3);
        f[120] = v4 ? 0x08 : 0x86, f[121] = v4 ? 0x00 : 0xdd;
        h = 122;
        break;
    case FC_LINK_DSA_BRCM:
    case FC_LINK_DSA_DSA:
        f[12] = 0x20, f[15] = 0x03;
        f[16] = v4 ? 0x08 : 0x86, f[17] = v4 ? 0x00 : 0xdd;
        h = 18;
        break;
    case FC_LINK_DSA_BRCM_PREPEND:
        f[0] = 0x20, f[3] = 0x03;
        f[16] = v4 ? 0x08 : 0x86, f[17] = v4 ? 0x00 : 0xdd;
        h = 18;
        break;
    case FC_LINK_DSA_EDSA:
        f[12] = 0xda, f[13] = 0xda, f[16] = 0xc0;
        f[20] = v4 ? 0x08 : 0x86, f[21] = v4 ? 0x00 : 0xdd;
        h = 22;
        break;
    default:
        ck_abort_msg("no builder for link type %d", lt);
    }
    ck_assert_uint_le(h + n + tail, 256);
    memcpy(f + h, l3, n);
    memset(f + h + n, 0xee, tail);
    *hdr = h;
    return h + n + tail;
}

static const int new_links[] = {
    FC_LINK_SLIP,        FC_LINK_PPP,           FC_LINK_PPP_HDLC,     FC_LINK_PPP_ETHER,
    FC_LINK_C_HDLC,      FC_LINK_FRELAY,        FC_LINK_FDDI,         FC_LINK_ATM_RFC1483,
    FC_LINK_ATM_RFC1483_DLT, FC_LINK_ATM_CLIP,  FC_LINK_ATM_CLIP_DLT, FC_LINK_ARCNET_LINUX,
    FC_LINK_JUNIPER_ETHER, FC_LINK_PPI,         FC_LINK_PFLOG,        FC_LINK_ENC,
    FC_LINK_NFLOG,       FC_LINK_IPNET,         FC_LINK_IPOIB,        FC_LINK_PKTAP,
    FC_LINK_PKTAP_DLT,   FC_LINK_DSA_BRCM,      FC_LINK_DSA_BRCM_PREPEND, FC_LINK_DSA_DSA,
    FC_LINK_DSA_EDSA};
#define N_NEW_LINKS (sizeof(new_links) / sizeof(new_links[0]))

/* Each new link type: IPv4/UDP and IPv6/TCP decode at the right offset;
 * every shorter capture is FC_ETRUNC until the UDP header is whole, then
 * FC_OK with the captured part of the payload. */
START_TEST(link_new_types_valid_and_truncated)
{
    uint8_t l3[TF_BUFSZ], f[256];
    fc_decoded d;
    size_t hdr, n, l3n, cut, i;
    for (i = 0; i < N_NEW_LINKS; i++) {
        int lt = new_links[i];
        ck_assert_msg(fc_decode_linktype_supported(lt), "link type %d", lt);
        ck_assert_ptr_nonnull(fc_linktype_name(lt));
        l3n = ip6_tcp(l3);
        n = link_frame(lt, 0, l3, l3n, f, &hdr);
        ck_assert_msg(decode_exact(lt, f, n, 0, &d) == FC_OK, "link type %d v6", lt);
        expect_ip6_tcp(&d, hdr);
        check_consistent(&d, n);
        l3n = ip4_udp(l3);
        n = link_frame(lt, 1, l3, l3n, f, &hdr);
        ck_assert_msg(decode_exact(lt, f, n, 0, &d) == FC_OK, "link type %d v4", lt);
        expect_ip4_udp(&d, hdr);
        check_consistent(&d, n);
        for (cut = 0; cut < n; cut++) {
            int rc = decode_exact(lt, f, cut, 0, &d);
            if (cut < hdr + 28) {
                ck_assert_msg(rc == FC_ETRUNC, "link type %d cut %zu: rc %d", lt, cut, rc);
            } else {
                ck_assert_msg(rc == FC_OK, "link type %d cut %zu: rc %d", lt, cut, rc);
                check_consistent(&d, cut);
                size_t end = cut < hdr + l3n ? cut : hdr + l3n;
                ck_assert_uint_eq(d.payload_len, end - hdr - 28);
            }
        }
    }
}
END_TEST

/* Variants within one link type: PPP without FF 03 and with a one-byte
 * protocol, Cisco framing on PPP_HDLC, MPLS on PPP, Frame Relay with a
 * pad byte, SNAP and Cisco encapsulations, bare IP on CLIP, RFC 1051
 * ARCNET, Juniper without L2, big-endian NFLOG TLVs, both NULL byte
 * orders on enc. */
START_TEST(link_new_types_variants)
{
    uint8_t l3[TF_BUFSZ], f[256];
    fc_decoded d;
    size_t l3n = ip4_udp(l3);
#define FRAME(...)                                                     \
    do {                                                               \
        const uint8_t h_[] = {__VA_ARGS__};                     \
        memcpy(f, h_, sizeof h_);                                      \
        memcpy(f + sizeof h_, l3, l3n);                                \
        hl = sizeof h_;                                                \
    } while (0)
    size_t hl;
    FRAME(0x21); /* PPP, compressed protocol field */
    ck_assert_int_eq(decode_exact(FC_LINK_PPP, f, hl + l3n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 1);
    FRAME(0x00, 0x21);
    ck_assert_int_eq(decode_exact(FC_LINK_PPP, f, hl + l3n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 2);
    FRAME(0xff, 0x03, 0x02, 0x81, 0x00, 0x01, 0x01, 0x40); /* MPLS, one label */
    ck_assert_int_eq(decode_exact(FC_LINK_PPP, f, hl + l3n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 8);
    FRAME(0xff, 0x05, 0x00, 0x21); /* FF is only ever followed by 03 */
    ck_assert_int_eq(decode_exact(FC_LINK_PPP, f, hl + l3n, 0, &d), FC_EFORMAT);
    FRAME(0xff, 0x03, 0xc0, 0x21); /* LCP */
    ck_assert_int_eq(decode_exact(FC_LINK_PPP, f, hl + l3n, 0, &d), FC_EUNSUPP);
    FRAME(0x8f, 0x00, 0x08, 0x00); /* Cisco PPP in HDLC framing */
    ck_assert_int_eq(decode_exact(FC_LINK_PPP_HDLC, f, hl + l3n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 4);
    FRAME(0x0f, 0x00, 0x80, 0x35); /* Cisco HDLC carrying SLARP */
    ck_assert_int_eq(decode_exact(FC_LINK_C_HDLC, f, hl + l3n, 0, &d), FC_EUNSUPP);
    FRAME(0x18, 0x41, 0x03, 0x00, 0xcc); /* Frame Relay, pad before NLPID */
    ck_assert_int_eq(decode_exact(FC_LINK_FRELAY, f, hl + l3n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 5);
    FRAME(0x18, 0x40, 0x00, 0x41, 0x03, 0x00, 0x80, 0, 0, 0, 0x08, 0x00); /* 3-byte address, SNAP */
    ck_assert_int_eq(decode_exact(FC_LINK_FRELAY, f, hl + l3n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 12);
    FRAME(0x18, 0x41, 0x08, 0x00); /* Cisco encapsulation */
    ck_assert_int_eq(decode_exact(FC_LINK_FRELAY, f, hl + l3n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 4);
    FRAME(0x18, 0x41, 0x03, 0x08); /* Q.933 signalling */
    ck_assert_int_eq(decode_exact(FC_LINK_FRELAY, f, hl + l3n, 0, &d), FC_EUNSUPP);
    FRAME(0x18, 0x40, 0x40, 0x40, 0x40, 0x41, 0x03, 0xcc); /* 6-byte address */
    ck_assert_int_eq(decode_exact(FC_LINK_FRELAY, f, hl + l3n, 0, &d), FC_EFORMAT);
    FRAME(0x19, 0x41, 0x03, 0xcc); /* EA set on the first byte */
    ck_assert_int_eq(decode_exact(FC_LINK_FRELAY, f, hl + l3n, 0, &d), FC_EFORMAT);
    FRAME(0x40); /* FDDI frame control of a MAC frame: the header, no LLC */
    ck_assert_int_eq(decode_exact(FC_LINK_FDDI, f, 13 + 8 + l3n, 0, &d), FC_EUNSUPP);
    memcpy(f, l3, l3n); /* CLIP without LLC: bare IP */
    ck_assert_int_eq(decode_exact(FC_LINK_ATM_CLIP, f, l3n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 0);
    ck_assert_int_eq(decode_exact(FC_LINK_ATM_CLIP_DLT, f, l3n, 0, &d), FC_OK);
    ck_assert_int_eq(decode_exact(FC_LINK_ATM_RFC1483, f, l3n, 0, &d), FC_EUNSUPP);
    FRAME(0xaa, 0xaa, 0x03, 0x00, 0x80, 0xc2, 0x00, 0x07); /* bridged Ethernet */
    ck_assert_int_eq(decode_exact(FC_LINK_ATM_RFC1483, f, hl + l3n, 0, &d), FC_EUNSUPP);
    FRAME(0x01, 0x02, 0x00, 0x00, 0xf0); /* ARCNET RFC 1051 IP */
    ck_assert_int_eq(decode_exact(FC_LINK_ARCNET_LINUX, f, hl + l3n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 5);
    FRAME(0x01, 0x02, 0x00, 0x00, 0xd5, 0, 0, 0); /* ARCNET ARP */
    ck_assert_int_eq(decode_exact(FC_LINK_ARCNET_LINUX, f, hl + l3n, 0, &d), FC_EUNSUPP);
    FRAME('M', 'G', 'C', 0x02, 0, 0, 0, 2); /* Juniper, no L2 header */
    ck_assert_int_eq(decode_exact(FC_LINK_JUNIPER_ETHER, f, hl + l3n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 8);
    FRAME('M', 'G', 'D', 0x00);
    ck_assert_int_eq(decode_exact(FC_LINK_JUNIPER_ETHER, f, hl + l3n, 0, &d), FC_EFORMAT);
    /* NFLOG written on a big-endian host: TLV fields in network order */
    FRAME(2, 0, 0, 0, 0, 8, 0, 1, 1, 2, 3, 4, 0, (uint8_t)(l3n + 4), 0, 9);
    ck_assert_int_eq(decode_exact(FC_LINK_NFLOG, f, hl + l3n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 16);
    FRAME(7, 0, 0, 0, 0x20, 0, 9, 0); /* NFLOG of another family */
    ck_assert_int_eq(decode_exact(FC_LINK_NFLOG, f, hl + l3n, 0, &d), FC_EUNSUPP);
    FRAME(0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0); /* enc, big-endian AF */
    ck_assert_int_eq(decode_exact(FC_LINK_ENC, f, hl + l3n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 12);
    FRAME(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0); /* enc, AF_UNSPEC */
    ck_assert_int_eq(decode_exact(FC_LINK_ENC, f, hl + l3n, 0, &d), FC_EUNSUPP);
    /* DSA tags carrying ARP */
    FRAME(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xda, 0xda, 0, 0, 0xc0, 0, 0, 0, 0x08, 0x06);
    ck_assert_int_eq(decode_exact(FC_LINK_DSA_EDSA, f, hl + l3n, 0, &d), FC_EUNSUPP);
#undef FRAME
}
END_TEST

/* Lengths inside the link headers that point past the capture, below
 * their own minimum, or nest headers: an error, never a read past the
 * frame (the frames sit in exactly-sized blocks under ASan). */
START_TEST(link_new_types_hostile_lengths)
{
    uint8_t l3[TF_BUFSZ], f[256];
    fc_decoded d;
    size_t hdr, n, l3n = ip4_udp(l3);
    static const uint16_t ppi_len[] = {0, 7, 0xffff};
    static const uint32_t pktap_len[] = {0, 107, 0x7fffffff, 0xffffffff};
    static const uint16_t nflog_len[] = {0, 3, 0xffff};
    size_t i;
    for (i = 0; i < 3; i++) {
        n = link_frame(FC_LINK_PPI, 1, l3, l3n, f, &hdr);
        f[2] = (uint8_t)ppi_len[i], f[3] = (uint8_t)(ppi_len[i] >> 8);
        ck_assert_int_eq(decode_exact(FC_LINK_PPI, f, n, 0, &d), i < 2 ? FC_EFORMAT : FC_ETRUNC);
    }
    n = link_frame(FC_LINK_PPI, 1, l3, l3n, f, &hdr);
    f[1] = 0, f[0] = 1; /* version 1 does not exist */
    ck_assert_int_eq(decode_exact(FC_LINK_PPI, f, n, 0, &d), FC_EFORMAT);
    n = link_frame(FC_LINK_PPI, 1, l3, l3n, f, &hdr);
    put_le32(f + 4, FC_LINK_PPI); /* PPI in PPI */
    ck_assert_int_eq(decode_exact(FC_LINK_PPI, f, n, 0, &d), FC_EFORMAT);
    put_le32(f + 4, 0x10001); /* not a link type */
    ck_assert_int_eq(decode_exact(FC_LINK_PPI, f, n, 0, &d), FC_EFORMAT);
    put_le32(f + 4, 147); /* a link type we do not decode */
    ck_assert_int_eq(decode_exact(FC_LINK_PPI, f, n, 0, &d), FC_EUNSUPP);
    for (i = 0; i < 4; i++) {
        n = link_frame(FC_LINK_PKTAP, 1, l3, l3n, f, &hdr);
        put_le32(f, pktap_len[i]);
        ck_assert_int_eq(decode_exact(FC_LINK_PKTAP, f, n, 0, &d), i < 2 ? FC_EFORMAT : FC_ETRUNC);
    }
    n = link_frame(FC_LINK_PKTAP, 1, l3, l3n, f, &hdr);
    put_le32(f + 8, FC_LINK_PKTAP); /* PKTAP in PKTAP */
    ck_assert_int_eq(decode_exact(FC_LINK_PKTAP, f, n, 0, &d), FC_EFORMAT);
    put_le32(f + 8, FC_LINK_EN10MB);
    put_le32(f + 4, 0); /* a record without a packet */
    ck_assert_int_eq(decode_exact(FC_LINK_PKTAP_DLT, f, n, 0, &d), FC_EUNSUPP);
    for (i = 0; i < 3; i++) { /* the first TLV's length, little-endian */
        n = link_frame(FC_LINK_NFLOG, 1, l3, l3n, f, &hdr);
        f[4] = (uint8_t)nflog_len[i], f[5] = (uint8_t)(nflog_len[i] >> 8);
        ck_assert_int_eq(decode_exact(FC_LINK_NFLOG, f, n, 0, &d), i < 2 ? FC_EFORMAT : FC_ETRUNC);
    }
    n = link_frame(FC_LINK_NFLOG, 1, l3, l3n, f, &hdr);
    f[12] = 0xff, f[13] = 0xff; /* the packet TLV claims more than was captured */
    ck_assert_int_eq(decode_exact(FC_LINK_NFLOG, f, n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 16);
    f[14] = 10; /* no packet TLV at all: the TLVs run off the end */
    ck_assert_int_eq(decode_exact(FC_LINK_NFLOG, f, n, 0, &d), FC_ETRUNC);
    n = link_frame(FC_LINK_NFLOG, 1, l3, l3n, f, &hdr);
    f[1] = 1; /* version 1 */
    ck_assert_int_eq(decode_exact(FC_LINK_NFLOG, f, n, 0, &d), FC_EFORMAT);
    n = link_frame(FC_LINK_PFLOG, 1, l3, l3n, f, &hdr);
    f[0] = 44; /* an IP datagram right there, but a header too short */
    memcpy(f + 44, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_PFLOG, f, 44 + l3n, 0, &d), FC_EFORMAT);
    f[0] = 255;
    ck_assert_int_eq(decode_exact(FC_LINK_PFLOG, f, 200, 0, &d), FC_ETRUNC);
    f[0] = 61, f[1] = 7; /* an address family without IP */
    ck_assert_int_eq(decode_exact(FC_LINK_PFLOG, f, n, 0, &d), FC_EUNSUPP);
    n = link_frame(FC_LINK_JUNIPER_ETHER, 1, l3, l3n, f, &hdr);
    f[4] = 0xff, f[5] = 0xff; /* extensions longer than the frame */
    ck_assert_int_eq(decode_exact(FC_LINK_JUNIPER_ETHER, f, n, 0, &d), FC_ETRUNC);
    n = link_frame(FC_LINK_IPNET, 1, l3, l3n, f, &hdr);
    f[1] = 3;
    ck_assert_int_eq(decode_exact(FC_LINK_IPNET, f, n, 0, &d), FC_EUNSUPP);
    n = link_frame(FC_LINK_PPP_ETHER, 1, l3, l3n, f, &hdr);
    f[0] = 0x12; /* PPPoE version 1, type 2 */
    ck_assert_int_eq(decode_exact(FC_LINK_PPP_ETHER, f, n, 0, &d), FC_EUNSUPP);
}
END_TEST

/* Links whose numbers libpcap and the file format spell differently
 * share one name. */
START_TEST(link_new_types_names)
{
    ck_assert_str_eq(fc_linktype_name(FC_LINK_ATM_RFC1483), "ATM_RFC1483");
    ck_assert_str_eq(fc_linktype_name(FC_LINK_ATM_RFC1483_DLT), "ATM_RFC1483");
    ck_assert_str_eq(fc_linktype_name(FC_LINK_ATM_CLIP_DLT), "ATM_CLIP");
    ck_assert_str_eq(fc_linktype_name(FC_LINK_PKTAP_DLT), "PKTAP");
    ck_assert_str_eq(fc_linktype_name(FC_LINK_PPP), "PPP");
    ck_assert_str_eq(fc_linktype_name(FC_LINK_DSA_EDSA), "DSA_TAG_EDSA");
    /* 283 is IEEE 802.15.4 TAP between the DSA types: no IP, refused */
    ck_assert_ptr_null(fc_linktype_name(283));
    ck_assert_int_eq(fc_decode_linktype_supported(283), 0);
    ck_assert_int_eq(fc_decode_linktype_supported(123), 0); /* SUNATM */
}
END_TEST

/* ======================================================== encapsulation */

START_TEST(encap_vlan_single)
{
    static const uint16_t tp[] = {0x8100}, vid[] = {42};
    uint8_t f[TF_BUFSZ], l3[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_eth_vlan(f, tp, vid, 1, 0x0800, l3, ip4_udp(l3));
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 18);
}
END_TEST

START_TEST(encap_vlan_qinq)
{
    static const uint16_t tp[] = {0x88a8, 0x8100}, vid[] = {100, 200};
    static const uint16_t tp9[] = {0x9100, 0x8100};
    uint8_t f[TF_BUFSZ], l3[TF_BUFSZ];
    fc_decoded d;
    size_t l3n = ip6_tcp(l3);
    size_t n = tf_eth_vlan(f, tp, vid, 2, 0x86dd, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    expect_ip6_tcp(&d, 22);
    n = tf_eth_vlan(f, tp9, vid, 2, 0x86dd, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    expect_ip6_tcp(&d, 22);
    /* cut inside the inner tag */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 20, 0, &d), FC_ETRUNC);
}
END_TEST

START_TEST(encap_vlan_deep_and_bounded)
{
    uint16_t tp[40], vid[40];
    uint8_t f[TF_BUFSZ], l3[TF_BUFSZ];
    fc_decoded d;
    size_t l3n = ip4_udp(l3), n, i;
    for (i = 0; i < 40; i++) {
        tp[i] = 0x8100;
        vid[i] = (uint16_t)i;
    }
    n = tf_eth_vlan(f, tp, vid, 8, 0x0800, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 14 + 32);
    /* an absurd stack is refused instead of walked */
    n = tf_eth_vlan(f, tp, vid, 40, 0x0800, l3, l3n);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EFORMAT);
}
END_TEST

START_TEST(encap_mpls)
{
    static const uint32_t one[] = {16}, three[] = {100, 200, 300};
    uint8_t f[TF_BUFSZ], l3[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_eth_mpls(f, one, 1, l3, ip4_udp(l3));
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 18);
    n = tf_eth_mpls(f, three, 3, l3, ip6_tcp(l3));
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    expect_ip6_tcp(&d, 26);
    /* multicast MPLS ethertype */
    f[12] = 0x88;
    f[13] = 0x48;
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    expect_ip6_tcp(&d, 26);
    /* stack cut before bottom-of-stack / before the IP byte */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 24, 0, &d), FC_ETRUNC);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 26, 0, &d), FC_ETRUNC);
    /* pseudowire control word (nibble 0): not IP */
    f[26] = 0x00;
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EUNSUPP);
}
END_TEST

START_TEST(encap_mpls_no_bottom)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = 14 + 4 * 20, i;
    memset(f, 0, n);
    f[12] = 0x88;
    f[13] = 0x47;
    for (i = 14; i < n; i += 4)
        f[i] = 0x01; /* label bits only, S never set */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EFORMAT);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 14 + 4 * 5, 0, &d),
                     FC_ETRUNC);
}
END_TEST

START_TEST(encap_vlan_then_mpls)
{
    static const uint16_t tp[] = {0x8100}, vid[] = {7};
    static const uint32_t lab[] = {1000};
    uint8_t f[TF_BUFSZ], m[TF_BUFSZ], l3[TF_BUFSZ];
    fc_decoded d;
    size_t mn = tf_eth_mpls(m, lab, 1, l3, ip4_udp(l3));
    /* reuse the MPLS bytes after the Ethernet header as the VLAN payload */
    size_t n = tf_eth_vlan(f, tp, vid, 1, 0x8847, m + 14, mn - 14);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 22);
}
END_TEST

START_TEST(encap_pppoe)
{
    uint8_t f[TF_BUFSZ], l3[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_eth_pppoe(f, 0x0021, l3, ip4_udp(l3));
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    expect_ip4_udp(&d, 22);
    n = tf_eth_pppoe(f, 0x0057, l3, ip6_tcp(l3));
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    expect_ip6_tcp(&d, 22);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 21, 0, &d), FC_ETRUNC);
    n = tf_eth_pppoe(f, 0xc021, l3, 20); /* LCP */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EUNSUPP);
    n = tf_eth_pppoe(f, 0x0021, l3, ip4_udp(l3));
    f[14] = 0x22; /* unknown PPPoE version */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EUNSUPP);
}
END_TEST

/* ================================================================ IPv4 */

static size_t eth_ip4(uint8_t *f, const tf_ip4_spec *s, const uint8_t *l4,
                      size_t l4n)
{
    uint8_t l3[TF_BUFSZ];
    size_t n = tf_ip4(l3, s, l4, l4n);
    return tf_eth(f, NULL, NULL, 0x0800, l3, n);
}

static void spec4(tf_ip4_spec *s, uint8_t proto)
{
    memset(s, 0, sizeof(*s));
    memcpy(s->src, A4, 4);
    memcpy(s->dst, B4, 4);
    s->proto = proto;
}

START_TEST(ip4_options)
{
    static const uint8_t ra[8] = {0x94, 4, 0, 0, 1, 1, 1, 0}; /* RA, NOPs */
    uint8_t f[TF_BUFSZ], l4[64];
    tf_ip4_spec s;
    fc_decoded d;
    size_t n;
    spec4(&s, FC_PROTO_UDP);
    s.opts = ra;
    s.optlen = sizeof(ra);
    n = eth_ip4(f, &s, l4, tf_udp(l4, 1234, 53, "hello", 5));
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, FC_DECODE_CHECKSUMS,
                                  &d),
                     FC_OK);
    ck_assert_uint_eq(d.l4_off, 14 + 28);
    ck_assert_uint_eq(d.payload_off, 14 + 36);
    ck_assert_uint_eq(d.sport, 1234);
    ck_assert_uint_eq(d.payload_len, 5);
    ck_assert_uint_eq(d.ip_csum_bad, 0);
    /* options cut by the capture */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 14 + 24, 0, &d),
                     FC_ETRUNC);
}
END_TEST

START_TEST(ip4_bad_header_values)
{
    uint8_t f[TF_BUFSZ], l4[64];
    tf_ip4_spec s;
    fc_decoded d;
    size_t n, l4n = tf_udp(l4, 1, 2, NULL, 0);
    spec4(&s, FC_PROTO_UDP);
    s.ihl_override = 4;
    n = eth_ip4(f, &s, l4, l4n);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EFORMAT);
    spec4(&s, FC_PROTO_UDP);
    s.total_len = 16; /* shorter than the header itself */
    n = eth_ip4(f, &s, l4, l4n);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EFORMAT);
    spec4(&s, FC_PROTO_UDP);
    n = eth_ip4(f, &s, l4, l4n);
    f[14] = 0x65; /* ethertype says IPv4, version says 6 */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EFORMAT);
    /* the version is judged from the first byte alone */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 15, 0, &d), FC_EFORMAT);
    f[14] = 0x45;
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 14 + 19, 0, &d),
                     FC_ETRUNC);
}
END_TEST

START_TEST(ip4_total_length_clipping)
{
    uint8_t f[TF_BUFSZ], l4[64];
    tf_ip4_spec s;
    fc_decoded d;
    size_t n;
    spec4(&s, FC_PROTO_TCP);
    n = eth_ip4(f, &s, l4, tf_tcp(l4, 1, 2, 0, 0, FC_TH_ACK, 0, "xy", 2));
    /* Ethernet padding after the datagram is not payload */
    memset(f + n, 0xee, 8);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n + 8, 0, &d), FC_OK);
    ck_assert_uint_eq(d.payload_len, 2);
    ck_assert_uint_eq(d.payload_wire, 2);
    ck_assert_uint_eq(d.ip_len, 42);
    /* snaplen cut: captured payload shorter than declared */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n - 1, 0, &d), FC_OK);
    ck_assert_uint_eq(d.payload_len, 1);
    ck_assert_uint_eq(d.payload_wire, 2);
    check_consistent(&d, n - 1);
}
END_TEST

START_TEST(ip4_checksum_flag)
{
    uint8_t f[TF_BUFSZ], l4[64];
    tf_ip4_spec s;
    fc_decoded d;
    size_t n, l4n = tf_udp(l4, 1, 2, "z", 1);
    spec4(&s, FC_PROTO_UDP);
    n = eth_ip4(f, &s, l4, l4n);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, FC_DECODE_CHECKSUMS,
                                  &d),
                     FC_OK);
    ck_assert_uint_eq(d.ip_csum_bad, 0);
    s.bad_csum = 1;
    n = eth_ip4(f, &s, l4, l4n);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.ip_csum_bad, 0); /* not checked without the flag */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, FC_DECODE_CHECKSUMS,
                                  &d),
                     FC_OK);
    ck_assert_uint_eq(d.ip_csum_bad, 1);
    ck_assert_uint_eq(d.has_l4, 1); /* still decoded */
}
END_TEST

START_TEST(ip4_other_protocols)
{
    static const uint8_t protos[] = {47, 50, 89};
    uint8_t f[TF_BUFSZ], body[16];
    fc_decoded d;
    size_t n, i;
    memset(body, 0xab, sizeof(body));
    for (i = 0; i < sizeof(protos); i++) {
        n = tf_ipv4_proto(f, A4, B4, protos[i], body, sizeof(body));
        ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
        ck_assert_uint_eq(d.proto, protos[i]);
        ck_assert_uint_eq(d.has_l4, 0);
        ck_assert_uint_eq(d.sport, 0);
        ck_assert_uint_eq(d.dport, 0);
        ck_assert_uint_eq(d.l4_off, 34);
        ck_assert_uint_eq(d.payload_off, 34);
        ck_assert_uint_eq(d.payload_len, 16);
        check_consistent(&d, n);
    }
}
END_TEST

/* ================================================================ IPv6 */

static size_t eth_ip6_ext(uint8_t *f, uint8_t first, const uint8_t *ext,
                          size_t extn, uint8_t l4p, const uint8_t *l4,
                          size_t l4n)
{
    uint8_t l3[TF_BUFSZ];
    size_t n = tf_ip6(l3, A6, B6, first, ext, extn, l4p, l4, l4n);
    return tf_eth(f, NULL, NULL, 0x86dd, l3, n);
}

static void check_ext_one(uint8_t type, uint8_t len8)
{
    uint8_t f[TF_BUFSZ], ext[256], l4[64];
    fc_decoded d;
    size_t en = tf_ip6_ext(ext, type, FC_PROTO_UDP, len8);
    size_t n = eth_ip6_ext(f, type, ext, en, FC_PROTO_UDP, l4,
                           tf_udp(l4, 5000, 53, "q", 1));
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.proto, FC_PROTO_UDP);
    ck_assert_uint_eq(d.l4_off, 14 + 40 + en);
    ck_assert_uint_eq(d.sport, 5000);
    ck_assert_uint_eq(d.dport, 53);
    ck_assert_uint_eq(d.payload_len, 1);
    ck_assert_uint_eq(d.payload_wire, 1);
    ck_assert_uint_eq(d.ip_len, 40 + en + 9);
    /* header cut by the capture */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 14 + 40 + en - 1, 0,
                                  &d),
                     FC_ETRUNC);
}

START_TEST(ip6_hop_by_hop)
{
    check_ext_one(0, 0);
}
END_TEST

START_TEST(ip6_routing)
{
    check_ext_one(43, 2);
}
END_TEST

START_TEST(ip6_dest_opts)
{
    check_ext_one(60, 1);
}
END_TEST

START_TEST(ip6_ext_chain)
{
    uint8_t f[TF_BUFSZ], ext[256], l4[64];
    fc_decoded d;
    size_t en = 0, n;
    en += tf_ip6_ext(ext + en, 0, 60, 0);
    en += tf_ip6_ext(ext + en, 60, 43, 0);
    en += tf_ip6_ext(ext + en, 43, FC_PROTO_TCP, 1);
    n = eth_ip6_ext(f, 0, ext, en, FC_PROTO_TCP, l4,
                    tf_tcp(l4, 1, 2, 3, 4, FC_TH_SYN, 5, NULL, 0));
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.proto, FC_PROTO_TCP);
    ck_assert_uint_eq(d.l4_off, 14 + 40 + 32);
    ck_assert_uint_eq(d.tcp_flags, FC_TH_SYN);
    ck_assert_uint_eq(d.seq, 3);
}
END_TEST

START_TEST(ip6_ext_chain_bounded)
{
    uint8_t f[TF_BUFSZ], ext[512];
    fc_decoded d;
    size_t en = 0, n, i;
    for (i = 0; i < 40; i++)
        en += tf_ip6_ext(ext + en, 60, 60, 0);
    n = eth_ip6_ext(f, 60, ext, en, 60, NULL, 0);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EFORMAT);
}
END_TEST

START_TEST(ip6_no_next_header)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = eth_ip6_ext(f, 59, NULL, 0, 59, NULL, 0);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.proto, 59);
    ck_assert_uint_eq(d.has_l4, 0);
    ck_assert_uint_eq(d.payload_len, 0);
    ck_assert_uint_eq(d.ttl, 64);
}
END_TEST

START_TEST(ip6_payload_length_clipping)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_ipv6_udp(f, A6, B6, 7, 8, "four", 4);
    memset(f + n, 0, 6);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n + 6, 0, &d), FC_OK);
    ck_assert_uint_eq(d.payload_len, 4);
    ck_assert_uint_eq(d.ip_len, 52);
    f[14] = 0x45; /* ethertype IPv6, version 4 */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EFORMAT);
}
END_TEST

/* =========================================================== transport */

START_TEST(l4_tcp_ipv4_fields)
{
    static const uint8_t smac[6] = {2, 0, 0, 0, 0, 1}, dmac[6] = {2, 0, 0, 0,
                                                                  0, 2};
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_ipv4_tcp(f, smac, dmac, A4, B4, 1234, 80, 1000, 2000,
                           FC_TH_SYN | FC_TH_ACK | FC_TH_ECE, "GET", 3);
    ck_assert_mem_eq(f, dmac, 6);
    ck_assert_mem_eq(f + 6, smac, 6);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.proto, FC_PROTO_TCP);
    ck_assert_uint_eq(d.has_l4, 1);
    ck_assert_uint_eq(d.sport, 1234);
    ck_assert_uint_eq(d.dport, 80);
    ck_assert_uint_eq(d.seq, 1000);
    ck_assert_uint_eq(d.ack, 2000);
    ck_assert_uint_eq(d.tcp_flags, FC_TH_SYN | FC_TH_ACK | FC_TH_ECE);
    ck_assert_uint_eq(d.win, 65535);
    ck_assert_uint_eq(d.payload_off, 54);
    ck_assert_uint_eq(d.payload_len, 3);
    ck_assert_mem_eq(f + 54, "GET", 3);
}
END_TEST

START_TEST(l4_tcp_options_and_bad_offset)
{
    static const uint8_t opts[12] = {2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7};
    uint8_t f[TF_BUFSZ], l4[128];
    tf_ip4_spec s;
    fc_decoded d;
    size_t n, l4n;
    spec4(&s, FC_PROTO_TCP);
    l4n = tf_tcp_opts(l4, 9, 10, 1, 0, FC_TH_SYN, 1024, opts, sizeof(opts),
                      "p", 1);
    n = eth_ip4(f, &s, l4, l4n);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.payload_off, 34 + 32);
    ck_assert_uint_eq(d.payload_len, 1);
    ck_assert_uint_eq(d.payload_wire, 1);
    /* options cut: transport header incomplete */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 34 + 30, 0, &d),
                     FC_ETRUNC);
    ck_assert_uint_eq(d.sport, 0);
    /* data offset below 5 words */
    l4[12] = 0x40;
    n = eth_ip4(f, &s, l4, l4n);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_EFORMAT);
}
END_TEST

/* FC_DECODE_TCP_CUT: options cut by the snaplen or the IP length still
 * give the key (Zeek makes the connection, then rejects the packet);
 * fewer than 20 bytes stay FC_ETRUNC, and without the flag nothing
 * changes. */
START_TEST(l4_tcp_options_cut_flag)
{
    static const uint8_t opts[12] = {2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7};
    uint8_t f[TF_BUFSZ], l4[128];
    tf_ip4_spec s;
    fc_decoded d;
    size_t n, l4n;
    spec4(&s, FC_PROTO_TCP);
    l4n = tf_tcp_opts(l4, 9, 10, 1, 0, FC_TH_SYN | FC_TH_ACK, 1024, opts,
                      sizeof(opts), "p", 1);
    n = eth_ip4(f, &s, l4, l4n);
    /* cut by the snaplen */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 34 + 30, FC_DECODE_TCP_CUT,
                                  &d), FC_OK);
    check_consistent(&d, 34 + 30);
    ck_assert_uint_eq(d.tcp_cut, 1);
    ck_assert_uint_eq(d.has_l4, 1);
    ck_assert_uint_eq(d.sport, 9);
    ck_assert_uint_eq(d.dport, 10);
    ck_assert_uint_eq(d.seq, 1);
    ck_assert_uint_eq(d.tcp_flags, FC_TH_SYN | FC_TH_ACK);
    ck_assert_uint_eq(d.win, 1024);
    ck_assert_uint_eq(d.payload_off, 34 + 30);
    ck_assert_uint_eq(d.payload_len, 0);
    ck_assert_uint_eq(d.payload_wire, 1);
    ck_assert_uint_eq(d.ip_len, 20 + 33);
    ck_assert_int_eq(fc__decode_general(FC_LINK_EN10MB, f, 34 + 30,
                                        FC_DECODE_TCP_CUT, &d), FC_OK);
    ck_assert_uint_eq(d.tcp_cut, 1);
    /* the whole header: the flag changes nothing */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, FC_DECODE_TCP_CUT, &d),
                     FC_OK);
    ck_assert_uint_eq(d.tcp_cut, 0);
    ck_assert_uint_eq(d.payload_off, 34 + 32);
    ck_assert_uint_eq(d.payload_len, 1);
    /* the fixed header itself cut */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 34 + 19, FC_DECODE_TCP_CUT,
                                  &d), FC_ETRUNC);
    /* with the IP checksum flag too */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 34 + 21,
                                  FC_DECODE_TCP_CUT | FC_DECODE_CHECKSUMS, &d),
                     FC_OK);
    ck_assert_uint_eq(d.tcp_cut, 1);
    ck_assert_uint_eq(d.ip_csum_bad, 0);
    /* cut by the IP total length (24 transport bytes declared) */
    s.total_len = 20 + 24;
    n = eth_ip4(f, &s, l4, l4n);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_ETRUNC);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, FC_DECODE_TCP_CUT, &d),
                     FC_OK);
    check_consistent(&d, n);
    ck_assert_uint_eq(d.tcp_cut, 1);
    ck_assert_uint_eq(d.payload_off, 34 + 24);
    ck_assert_uint_eq(d.payload_wire, 0);
}
END_TEST

START_TEST(l4_tcp_options_cut_ipv6)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_ipv6_tcp(f, A6, B6, 40000, 443, 7, 9, FC_TH_SYN, "abc", 3);
    f[14 + 40 + 12] = 0x60; /* 24-byte header, 23 bytes there */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_ETRUNC);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, FC_DECODE_TCP_CUT, &d),
                     FC_OK);
    check_consistent(&d, n);
    ck_assert_uint_eq(d.tcp_cut, 1);
    ck_assert_uint_eq(d.sport, 40000);
    ck_assert_uint_eq(d.payload_len, 0);
}
END_TEST

START_TEST(l4_tcp_truncated_header)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_ipv4_tcp(f, NULL, NULL, A4, B4, 1, 2, 3, 4, FC_TH_ACK, NULL,
                           0);
    ck_assert_uint_eq(n, 54);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 53, 0, &d), FC_ETRUNC);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 36, 0, &d), FC_ETRUNC);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 54, 0, &d), FC_OK);
}
END_TEST

START_TEST(l4_tcp_ipv6)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_ipv6_tcp(f, A6, B6, 40000, 443, 7, 9, FC_TH_SYN, "abc", 3);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.seq, 7);
    ck_assert_uint_eq(d.ack, 9);
    ck_assert_uint_eq(d.payload_off, 74);
    ck_assert_uint_eq(d.payload_len, 3);
    ck_assert_uint_eq(d.ip_len, 63);
}
END_TEST

START_TEST(l4_udp_length_field)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_ipv4_udp(f, A4, B4, 1, 2, "abcdef", 6);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.payload_len, 6);
    f[38] = 0;
    f[39] = 10; /* UDP says 2 payload bytes, IP says 6 */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.payload_len, 2);
    ck_assert_uint_eq(d.payload_wire, 2);
    f[39] = 3; /* nonsense UDP length: fall back to IP's */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.payload_len, 6);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 41, 0, &d), FC_ETRUNC);
}
END_TEST

START_TEST(l4_udp_ipv6)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_ipv6_udp(f, A6, B6, 546, 547, "dhcp", 4);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.family, FC_AF_INET6);
    ck_assert_uint_eq(d.proto, FC_PROTO_UDP);
    ck_assert_uint_eq(d.sport, 546);
    ck_assert_uint_eq(d.dport, 547);
    ck_assert_uint_eq(d.payload_off, 62);
    ck_assert_uint_eq(d.payload_len, 4);
}
END_TEST

START_TEST(l4_sctp)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_ipv4_sctp(f, A4, B4, 2905, 2905, 0xdeadbeef, "chnk", 4);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.proto, FC_PROTO_SCTP);
    ck_assert_uint_eq(d.has_l4, 1);
    ck_assert_uint_eq(d.sport, 2905);
    ck_assert_uint_eq(d.dport, 2905);
    ck_assert_uint_eq(d.payload_off, 46);
    ck_assert_uint_eq(d.payload_len, 4);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 45, 0, &d), FC_ETRUNC);
}
END_TEST

START_TEST(l4_icmp)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_ipv4_icmp(f, A4, B4, 8, 0, "ping", 4);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.proto, FC_PROTO_ICMP);
    ck_assert_uint_eq(d.has_l4, 1);
    ck_assert_uint_eq(d.icmp_type, 8);
    ck_assert_uint_eq(d.icmp_code, 0);
    ck_assert_uint_eq(d.sport, 0);
    ck_assert_uint_eq(d.dport, 0);
    ck_assert_uint_eq(d.payload_len, 4);
    n = tf_ipv4_icmp(f, A4, B4, 3, 3, NULL, 0);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.icmp_type, 3);
    ck_assert_uint_eq(d.icmp_code, 3);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n - 1, 0, &d),
                     FC_ETRUNC);
}
END_TEST

START_TEST(l4_icmpv6)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_ipv6_icmp(f, A6, B6, 135, 0, NULL, 0);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.proto, FC_PROTO_ICMPV6);
    ck_assert_uint_eq(d.icmp_type, 135);
    ck_assert_uint_eq(d.icmp_code, 0);
    ck_assert_uint_eq(d.sport, 0);
    ck_assert_uint_eq(d.has_l4, 1);
    ck_assert_uint_eq(d.ttl, 64);
}
END_TEST

/* =========================================================== fragments */

START_TEST(frag_ip4_first)
{
    uint8_t f[TF_BUFSZ], l4[TF_BUFSZ], body[100];
    tf_ip4_spec s;
    fc_decoded d;
    size_t n;
    memset(body, 'x', sizeof(body));
    spec4(&s, FC_PROTO_UDP);
    s.id = 0xbeef;
    s.more_frags = 1;
    /* first fragment carries the UDP header but only part of the data */
    n = eth_ip4(f, &s, l4, tf_udp(l4, 1111, 2222, body, 48));
    f[38] = 0;
    f[39] = 108; /* UDP length covers the whole datagram */
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.frag, FC_FRAG_FIRST);
    ck_assert_uint_eq(d.frag_more, 1);
    ck_assert_uint_eq(d.frag_off, 0);
    ck_assert_uint_eq(d.frag_id, 0xbeef);
    ck_assert_uint_eq(d.has_l4, 1);
    ck_assert_uint_eq(d.sport, 1111);
    ck_assert_uint_eq(d.dport, 2222);
    ck_assert_uint_eq(d.payload_len, 48);
    check_consistent(&d, n);
}
END_TEST

START_TEST(frag_ip4_later)
{
    uint8_t f[TF_BUFSZ], body[64];
    tf_ip4_spec s;
    fc_decoded d;
    size_t n;
    int more;
    memset(body, 'y', sizeof(body));
    for (more = 0; more < 2; more++) {
        spec4(&s, FC_PROTO_TCP);
        s.id = 77;
        s.frag_off = 1480;
        s.more_frags = (uint8_t)more;
        n = eth_ip4(f, &s, body, sizeof(body));
        ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
        ck_assert_uint_eq(d.frag, FC_FRAG_LATER);
        ck_assert_uint_eq(d.frag_off, 1480);
        ck_assert_uint_eq(d.frag_more, (unsigned)more);
        ck_assert_uint_eq(d.frag_id, 77);
        ck_assert_uint_eq(d.proto, FC_PROTO_TCP);
        ck_assert_uint_eq(d.has_l4, 0);
        ck_assert_uint_eq(d.sport, 0);
        ck_assert_uint_eq(d.dport, 0);
        ck_assert_uint_eq(d.payload_off, 34);
        ck_assert_uint_eq(d.payload_len, 64);
        ck_assert_uint_eq(d.payload_wire, 64);
    }
    /* a later fragment shorter than a TCP header is still fine */
    n = eth_ip4(f, &s, body, 8);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.payload_len, 8);
}
END_TEST

START_TEST(frag_ip4_df_is_not_fragment)
{
    uint8_t f[TF_BUFSZ], l4[64];
    tf_ip4_spec s;
    fc_decoded d;
    size_t n;
    spec4(&s, FC_PROTO_UDP);
    s.dont_frag = 1;
    s.id = 5;
    n = eth_ip4(f, &s, l4, tf_udp(l4, 1, 2, NULL, 0));
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.frag, FC_FRAG_NONE);
    ck_assert_uint_eq(d.frag_more, 0);
    ck_assert_uint_eq(d.has_l4, 1);
}
END_TEST

START_TEST(frag_ip6_first_and_later)
{
    uint8_t f[TF_BUFSZ], ext[64], l4[64], body[32];
    fc_decoded d;
    size_t en, n;
    en = tf_ip6_frag(ext, FC_PROTO_TCP, 0, 1, 0x01020304);
    n = eth_ip6_ext(f, 44, ext, en, FC_PROTO_TCP, l4,
                    tf_tcp(l4, 80, 8080, 1, 2, FC_TH_ACK, 0, "data", 4));
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.frag, FC_FRAG_FIRST);
    ck_assert_uint_eq(d.frag_id, 0x01020304);
    ck_assert_uint_eq(d.frag_more, 1);
    ck_assert_uint_eq(d.proto, FC_PROTO_TCP);
    ck_assert_uint_eq(d.has_l4, 1);
    ck_assert_uint_eq(d.sport, 80);
    ck_assert_uint_eq(d.l4_off, 14 + 48);

    memset(body, 'z', sizeof(body));
    en = tf_ip6_frag(ext, FC_PROTO_TCP, 1448, 0, 0x01020304);
    n = eth_ip6_ext(f, 44, ext, en, 253, body, sizeof(body));
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.frag, FC_FRAG_LATER);
    ck_assert_uint_eq(d.frag_off, 1448);
    ck_assert_uint_eq(d.frag_more, 0);
    ck_assert_uint_eq(d.proto, FC_PROTO_TCP);
    ck_assert_uint_eq(d.has_l4, 0);
    ck_assert_uint_eq(d.sport, 0);
    ck_assert_uint_eq(d.payload_off, 14 + 48);
    ck_assert_uint_eq(d.payload_len, 32);
    check_consistent(&d, n);
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, 14 + 47, 0, &d),
                     FC_ETRUNC);
}
END_TEST

START_TEST(frag_ip6_after_hop_by_hop_atomic)
{
    uint8_t f[TF_BUFSZ], ext[64], l4[64];
    fc_decoded d;
    size_t en = 0, n;
    en += tf_ip6_ext(ext, 0, 44, 0);
    en += tf_ip6_frag(ext + en, FC_PROTO_UDP, 0, 0, 9); /* atomic */
    n = eth_ip6_ext(f, 0, ext, en, FC_PROTO_UDP, l4,
                    tf_udp(l4, 3, 4, NULL, 0));
    ck_assert_int_eq(decode_exact(FC_LINK_EN10MB, f, n, 0, &d), FC_OK);
    ck_assert_uint_eq(d.frag, FC_FRAG_NONE);
    ck_assert_uint_eq(d.frag_id, 9);
    ck_assert_uint_eq(d.has_l4, 1);
    ck_assert_uint_eq(d.dport, 4);
    ck_assert_uint_eq(d.l4_off, 14 + 56);
}
END_TEST

/* ========================================================== robustness */

/* Every prefix of an Ethernet TCP/IPv6 frame: headers incomplete ->
 * FC_ETRUNC, otherwise OK with the payload clipped to what was caught. */
START_TEST(robust_truncate_ipv6_tcp)
{
    uint8_t f[TF_BUFSZ];
    fc_decoded d;
    size_t n = tf_ipv6_tcp(f, A6, B6, 1, 2, 3, 4, FC_TH_PSH | FC_TH_ACK,
                           "0123456789", 10);
    size_t cut;
    int rc;
    ck_assert_uint_eq(n, 84);
    for (cut = 0; cut < n; cut++) {
        rc = decode_exact(FC_LINK_EN10MB, f, cut, 0, &d);
        if (cut < 74) {
            ck_assert_int_eq(rc, FC_ETRUNC);
        } else {
            ck_assert_int_eq(rc, FC_OK);
            check_consistent(&d, cut);
            ck_assert_uint_eq(d.payload_len, cut - 74);
            ck_assert_uint_eq(d.payload_wire, 10);
            ck_assert_uint_eq(d.tcp_flags, FC_TH_PSH | FC_TH_ACK);
        }
    }
}
END_TEST

/* Builds a small zoo of valid frames for the mutation tests. */
struct sample {
    int lt;
    size_t n;
    uint8_t f[256];
};

static size_t build_samples(struct sample *s, size_t cap)
{
    static const uint16_t tp[] = {0x88a8, 0x8100}, vid[] = {1, 2};
    static const uint32_t lab[] = {17, 18};
    uint8_t l3[TF_BUFSZ], f[TF_BUFSZ], ext[64], l4[64];
    size_t k = 0, l3n, en;
#define ADD(LT, N)                                   \
    do {                                             \
        ck_assert_uint_lt(k, cap);                   \
        s[k].lt = (LT);                              \
        s[k].n = (N);                                \
        ck_assert_uint_le(s[k].n, sizeof(s[k].f));   \
        memcpy(s[k].f, f, s[k].n);                   \
        k++;                                         \
    } while (0)
    ADD(FC_LINK_EN10MB, tf_ipv4_udp(f, A4, B4, 1, 2, "abc", 3));
    ADD(FC_LINK_EN10MB, tf_ipv6_tcp(f, A6, B6, 1, 2, 3, 4, 2, "x", 1));
    ADD(FC_LINK_EN10MB, tf_ipv4_icmp(f, A4, B4, 0, 0, "pong", 4));
    ADD(FC_LINK_EN10MB, tf_ipv6_icmp(f, A6, B6, 128, 0, "p", 1));
    ADD(FC_LINK_EN10MB, tf_ipv4_sctp(f, A4, B4, 5, 6, 7, NULL, 0));
    l3n = ip4_udp(l3);
    ADD(FC_LINK_EN10MB, tf_eth_vlan(f, tp, vid, 2, 0x0800, l3, l3n));
    ADD(FC_LINK_EN10MB, tf_eth_mpls(f, lab, 2, l3, l3n));
    ADD(FC_LINK_EN10MB, tf_eth_pppoe(f, 0x0021, l3, l3n));
    ADD(FC_LINK_LINUX_SLL, tf_sll(f, 0x0800, l3, l3n));
    ADD(FC_LINK_NULL, tf_null(f, 2, 0, l3, l3n));
    l3n = ip6_tcp(l3);
    ADD(FC_LINK_LINUX_SLL2, tf_sll2(f, 0x86dd, l3, l3n));
    ADD(FC_LINK_LOOP, tf_loop(f, 28, l3, l3n));
    memcpy(f, l3, l3n);
    ADD(FC_LINK_RAW, l3n);
    en = tf_ip6_ext(ext, 0, 44, 0);
    en += tf_ip6_frag(ext + en, 17, 0, 1, 5);
    ADD(FC_LINK_EN10MB,
        eth_ip6_ext(f, 0, ext, en, 17, l4, tf_udp(l4, 9, 9, "u", 1)));
#undef ADD
    return k;
}

START_TEST(robust_truncate_all_samples)
{
    struct sample s[16];
    fc_decoded d;
    size_t k = build_samples(s, 16), i, cut;
    int rc;
    for (i = 0; i < k; i++) {
        ck_assert_int_eq(decode_exact(s[i].lt, s[i].f, s[i].n, 0, &d), FC_OK);
        for (cut = 0; cut <= s[i].n; cut++) {
            rc = decode_exact(s[i].lt, s[i].f, cut, 0, &d);
            ck_assert(rc == FC_OK || rc == FC_ETRUNC);
            if (rc == FC_OK)
                check_consistent(&d, cut);
        }
    }
}
END_TEST

static uint64_t rng_next(uint64_t *st)
{
    /* xorshift64*: deterministic across platforms */
    uint64_t x = *st;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *st = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3ULL;
}

/* Folds a result into a digest so two runs can be compared. */
static uint64_t digest(uint64_t h, int rc, const fc_decoded *d)
{
    h = mix(h, (uint64_t)(int64_t)rc);
    if (rc != FC_OK)
        return h;
    h = mix(h, d->family);
    h = mix(h, d->proto);
    h = mix(h, d->has_l4);
    h = mix(h, (uint64_t)d->sport << 16 | d->dport);
    h = mix(h, d->l4_off);
    h = mix(h, d->payload_off);
    h = mix(h, d->payload_len);
    h = mix(h, d->frag);
    return h;
}

static const int all_links[] = {
    FC_LINK_NULL, FC_LINK_EN10MB, FC_LINK_RAW_DLT, FC_LINK_RAW_DLT14,
    FC_LINK_RAW, FC_LINK_LOOP, FC_LINK_LINUX_SLL, FC_LINK_IPV4,
    FC_LINK_IPV6, FC_LINK_LINUX_SLL2, FC_LINK_IEEE802_11, FC_LINK_RADIOTAP,
    FC_LINK_SLIP, FC_LINK_PPP, FC_LINK_PPP_HDLC, FC_LINK_PPP_ETHER, FC_LINK_C_HDLC,
    FC_LINK_FRELAY, FC_LINK_FDDI, FC_LINK_ATM_RFC1483, FC_LINK_ATM_CLIP,
    FC_LINK_ARCNET_LINUX, FC_LINK_JUNIPER_ETHER, FC_LINK_PPI, FC_LINK_PFLOG,
    FC_LINK_ENC, FC_LINK_NFLOG, FC_LINK_IPNET, FC_LINK_IPOIB, FC_LINK_PKTAP,
    FC_LINK_DSA_BRCM, FC_LINK_DSA_BRCM_PREPEND, FC_LINK_DSA_EDSA};
#define N_LINKS (sizeof(all_links) / sizeof(all_links[0]))

/* Random bytes (half of them mutations of valid frames, to get past the
 * link layer) fed as every link type. Returns a digest of all results. */
static uint64_t fuzz_run(uint64_t seed, unsigned iters, unsigned *n_ok)
{
    struct sample s[16];
    size_t k = build_samples(s, 16);
    uint64_t st = seed, h = 1469598103934665603ULL;
    uint8_t buf[256];
    fc_decoded d;
    unsigned it, j;
    size_t len, li;
    int rc;
    *n_ok = 0;
    for (it = 0; it < iters; it++) {
        len = (size_t)(rng_next(&st) % 201);
        if (it & 1) {
            const struct sample *sm = &s[rng_next(&st) % k];
            unsigned flips = 1 + (unsigned)(rng_next(&st) % 4);
            len = len < sm->n ? len : sm->n;
            memcpy(buf, sm->f, sm->n);
            for (j = 0; j < flips && len > 0; j++)
                buf[rng_next(&st) % len] = (uint8_t)rng_next(&st);
        } else {
            for (j = 0; j < len; j++)
                buf[j] = (uint8_t)rng_next(&st);
        }
        for (li = 0; li < N_LINKS; li++) {
            rc = decode_exact(all_links[li], buf, len, FC_DECODE_CHECKSUMS,
                              &d);
            ck_assert(rc == FC_OK || rc == FC_ETRUNC || rc == FC_EUNSUPP ||
                      rc == FC_EFORMAT);
            if (rc == FC_OK) {
                check_consistent(&d, len);
                ++*n_ok;
            }
            h = digest(h, rc, &d);
        }
    }
    return h;
}

START_TEST(robust_random_bytes)
{
    unsigned ok1, ok2;
    uint64_t h1 = fuzz_run(0x5eed1234abcdULL, 20000, &ok1);
    uint64_t h2 = fuzz_run(0x5eed1234abcdULL, 20000, &ok2);
    ck_assert_uint_eq(h1, h2);
    ck_assert_uint_eq(ok1, ok2);
    /* the mutated half must reach deep decoding, or the test is blind */
    ck_assert_uint_gt(ok1, 1000);
}
END_TEST

/* ================================================================ main */

/* fc_decode's fast path for plain Ethernet/IPv4/TCP|UDP must give exactly
 * what the general decoder gives, for valid frames and for every damage
 * near the fields it reads. */
START_TEST(fast_path_matches_general_decoder)
{
    uint64_t seed = 99;
    uint8_t f[TF_BUFSZ];
    const uint8_t s4[4] = {10, 1, 2, 3}, d4[4] = {192, 168, 7, 9};
    static const uint8_t opts[4] = {1, 1, 1, 0};
    char pl[300];
    memset(pl, 'p', sizeof pl);
    long fast = 0;
    for (int it = 0; it < 200000; it++) {
        uint64_t r = rng_next(&seed);
        size_t plen = (size_t)(r % 200), n;
        switch ((r >> 8) % 4) {
        case 0:
            n = tf_ipv4_tcp(f, NULL, NULL, s4, d4, (uint16_t)(r >> 16), 443, (uint32_t)r,
                            (uint32_t)(r >> 32), (uint8_t)(r >> 40), pl, plen);
            break;
        case 1:
            n = tf_ipv4_udp(f, s4, d4, (uint16_t)(r >> 16), 53, pl, plen);
            break;
        case 2: { /* TCP with options */
            uint8_t l4[TF_BUFSZ], ip[TF_BUFSZ];
            size_t n4 = tf_tcp_opts(l4, 1, 2, 3, 4, 0x18, 100, opts, sizeof opts, pl, plen);
            tf_ip4_spec sp = {.src = {1, 2, 3, 4}, .dst = {5, 6, 7, 8}, .proto = 6};
            size_t ni = tf_ip4(ip, &sp, l4, n4);
            n = tf_eth(f, NULL, NULL, 0x0800, ip, ni);
            break;
        }
        default:
            n = tf_ipv4_icmp(f, s4, d4, 8, 0, pl, plen);
            break;
        }
        /* damage: padding, a byte in the headers, a shorter capture */
        if ((r >> 50) & 1) {
            memset(f + n, 0, 20);
            n += (size_t)((r >> 44) % 20);
        }
        if ((r >> 51) & 1)
            f[12 + (r >> 52) % 50] = (uint8_t)(r >> 56);
        if ((r >> 58) & 1)
            n = (size_t)((r >> 20) % (n + 1));
        fc_decoded a, b;
        int ra = fc_decode(FC_LINK_EN10MB, f, n, 0, &a);
        int rb = fc__decode_general(FC_LINK_EN10MB, f, n, 0, &b);
        ck_assert_msg(ra == rb, "iteration %d: rc %d vs %d", it, ra, rb);
        if (ra == FC_OK) {
            ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "iteration %d: fields differ", it);
            fast += a.has_l4 && (a.proto == 6 || a.proto == 17) && a.frag == FC_FRAG_NONE;
        }
    }
    ck_assert_int_gt(fast, 50000); /* the fast path really ran */
}
END_TEST

static Suite *mk_suite(const char *name, TCase *tc)
{
    Suite *s = suite_create(name);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    TCase *tl = tcase_create("link"), *te = tcase_create("encap");
    TCase *t4 = tcase_create("ipv4"), *t6 = tcase_create("ipv6");
    TCase *tt = tcase_create("transport"), *tf = tcase_create("frag");
    TCase *tr = tcase_create("robust");
    SRunner *sr;
    int failed;

    tcase_add_test(tl, link_ether_ipv4_udp);
    tcase_add_test(tl, link_ether_nonip);
    tcase_add_test(tl, link_null_both_orders);
    tcase_add_test(tl, link_loop_network_order);
    tcase_add_test(tl, link_sll_v1_v2);
    tcase_add_test(tl, link_ieee802_11_and_radiotap);
    tcase_add_test(tl, link_raw_guess);
    tcase_add_test(tl, link_ipv4_ipv6_fixed);
    tcase_add_test(tl, link_names_and_unknown);
    tcase_add_test(tl, link_new_types_valid_and_truncated);
    tcase_add_test(tl, link_new_types_variants);
    tcase_add_test(tl, link_new_types_hostile_lengths);
    tcase_add_test(tl, link_new_types_names);

    tcase_add_test(te, encap_vlan_single);
    tcase_add_test(te, encap_vlan_qinq);
    tcase_add_test(te, encap_vlan_deep_and_bounded);
    tcase_add_test(te, encap_mpls);
    tcase_add_test(te, encap_mpls_no_bottom);
    tcase_add_test(te, encap_vlan_then_mpls);
    tcase_add_test(te, encap_pppoe);

    tcase_add_test(t4, ip4_options);
    tcase_add_test(t4, ip4_bad_header_values);
    tcase_add_test(t4, ip4_total_length_clipping);
    tcase_add_test(t4, ip4_checksum_flag);
    tcase_add_test(t4, ip4_other_protocols);

    tcase_add_test(t6, ip6_hop_by_hop);
    tcase_add_test(t6, ip6_routing);
    tcase_add_test(t6, ip6_dest_opts);
    tcase_add_test(t6, ip6_ext_chain);
    tcase_add_test(t6, ip6_ext_chain_bounded);
    tcase_add_test(t6, ip6_no_next_header);
    tcase_add_test(t6, ip6_payload_length_clipping);

    tcase_add_test(tt, l4_tcp_ipv4_fields);
    tcase_add_test(tt, l4_tcp_options_and_bad_offset);
    tcase_add_test(tt, l4_tcp_options_cut_flag);
    tcase_add_test(tt, l4_tcp_options_cut_ipv6);
    tcase_add_test(tt, l4_tcp_truncated_header);
    tcase_add_test(tt, l4_tcp_ipv6);
    tcase_add_test(tt, l4_udp_length_field);
    tcase_add_test(tt, l4_udp_ipv6);
    tcase_add_test(tt, l4_sctp);
    tcase_add_test(tt, l4_icmp);
    tcase_add_test(tt, l4_icmpv6);

    tcase_add_test(tf, frag_ip4_first);
    tcase_add_test(tf, frag_ip4_later);
    tcase_add_test(tf, frag_ip4_df_is_not_fragment);
    tcase_add_test(tf, frag_ip6_first_and_later);
    tcase_add_test(tf, frag_ip6_after_hop_by_hop_atomic);

    tcase_add_test(tr, robust_truncate_ipv6_tcp);
    tcase_add_test(tr, robust_truncate_all_samples);
    tcase_add_test(tr, robust_random_bytes);
    tcase_add_test(tr, fast_path_matches_general_decoder);
    tcase_set_timeout(tr, 120); /* sanitizer builds are slow */

    sr = srunner_create(mk_suite("decode-link", tl));
    srunner_add_suite(sr, mk_suite("decode-encap", te));
    srunner_add_suite(sr, mk_suite("decode-ipv4", t4));
    srunner_add_suite(sr, mk_suite("decode-ipv6", t6));
    srunner_add_suite(sr, mk_suite("decode-transport", tt));
    srunner_add_suite(sr, mk_suite("decode-frag", tf));
    srunner_add_suite(sr, mk_suite("decode-robust", tr));
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
