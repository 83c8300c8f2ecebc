/* test_zeek.c - the Zeek-compatible records: the worked examples of
 * shared/docs/zeek-conn-semantics.md §7, checksums, flow boundaries,
 * scaled letters, the DNS session timer, TCP options cut by the snaplen,
 * Community ID against the spec's published vectors, the
 * conn.log TSV, the per-flow record kept through the tracker hook, and
 * the table's timers against a brute-force model. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fc_decode.h"
#include "fc_service.h"
#include "fc_timefmt.h"
#include "fc_testframes.h"
#include "fc_tracker.h"
#include "fc_zeek.h"
#include "fc_zeek_int.h"

static const uint8_t C4[4] = {10, 0, 0, 1}, S4[4] = {10, 0, 0, 2};
enum { SYN = FC_TH_SYN, ACK = FC_TH_ACK, FIN = FC_TH_FIN, RST = FC_TH_RST, PSH = FC_TH_PSH };

/* ---- a table that keeps what it logs ---- */

typedef struct logged {
    fc_zeek_rec r[16];
    int n;
} logged;

static void keep(void *ctx, const fc_zeek_rec *r)
{
    logged *l = ctx;
    ck_assert_int_lt(l->n, 16);
    l->r[l->n++] = *r;
}

static fc_zeek_table *tab;
static logged lg;
static fc_zeek_opts zo;

static void setup(void)
{
    memset(&lg, 0, sizeof lg);
    fc_zeek_opts_default(&zo);
    tab = fc_zeek_table_new(&zo, 0, keep, &lg);
    ck_assert_ptr_nonnull(tab);
}

static void teardown(void)
{
    fc_zeek_table_free(tab);
    tab = NULL;
}

/* Feeds a frame at `ms` milliseconds. */
static void feed(const uint8_t *f, size_t n, int64_t ms)
{
    fc_zeek_table_packet(tab, FC_LINK_EN10MB, f, n, (uint32_t)n, FC_SEC(1000) + ms * 1000000);
}

static void tcp(int from_c, uint16_t cp, uint16_t sp, uint32_t seq, uint32_t ack, uint8_t fl,
                size_t plen, int64_t ms)
{
    uint8_t buf[TF_BUFSZ], pl[1400];
    memset(pl, 'x', sizeof pl);
    size_t n = from_c ? tf_ipv4_tcp(buf, NULL, NULL, C4, S4, cp, sp, seq, ack, fl, pl, plen)
                      : tf_ipv4_tcp(buf, NULL, NULL, S4, C4, sp, cp, seq, ack, fl, pl, plen);
    feed(buf, n, ms);
}

static void udp(int from_c, uint16_t cp, uint16_t sp, const void *pl, size_t plen, int64_t ms)
{
    uint8_t buf[TF_BUFSZ];
    size_t n = from_c ? tf_ipv4_udp(buf, C4, S4, cp, sp, pl, plen)
                      : tf_ipv4_udp(buf, S4, C4, sp, cp, pl, plen);
    feed(buf, n, ms);
}

static const fc_zeek_rec *only(void)
{
    fc_zeek_table_finish(tab);
    ck_assert_int_eq(lg.n, 1);
    return &lg.r[0];
}

static void check_fields(const fc_zeek_rec *r, const char *hist, const char *state,
                         const char *pkts, const char *bytes, const char *dur)
{
    fc_zeek_fields z;
    char p[64], b[64];
    fc_zeek_format(r, 0, &z);
    snprintf(p, sizeof p, "%s/%s", z.orig_pkts, z.resp_pkts);
    snprintf(b, sizeof b, "%s/%s", z.orig_bytes, z.resp_bytes);
    ck_assert_str_eq(z.history, hist);
    ck_assert_str_eq(z.conn_state, state);
    ck_assert_str_eq(p, pkts);
    ck_assert_str_eq(b, bytes);
    if (dur)
        ck_assert_str_eq(z.duration, dur);
}

/* §7.1 */
START_TEST(normal_tcp)
{
    tcp(1, 50000, 80, 100, 0, SYN, 0, 0);
    tcp(0, 50000, 80, 900, 101, SYN | ACK, 0, 10);
    tcp(1, 50000, 80, 101, 901, ACK, 0, 20);
    tcp(1, 50000, 80, 101, 901, ACK | PSH, 100, 30);
    tcp(0, 50000, 80, 901, 201, ACK, 0, 40);
    tcp(0, 50000, 80, 901, 201, ACK | PSH, 500, 50);
    tcp(1, 50000, 80, 201, 1401, ACK, 0, 60);
    tcp(1, 50000, 80, 201, 1401, FIN | ACK, 0, 70);
    tcp(0, 50000, 80, 1401, 202, FIN | ACK, 0, 80);
    tcp(1, 50000, 80, 202, 1402, ACK, 0, 90);
    const fc_zeek_rec *r = only();
    /* the final ACK counts as a packet but not in the duration */
    check_fields(r, "ShADadFf", "SF", "6/4", "100/500", "0.080000");
    ck_assert_uint_eq(r->missed, 0);
    ck_assert_uint_eq(r->orig_p, 50000);
}
END_TEST

/* §7.2 and the retransmitted SYN after the RST (§1.4) */
START_TEST(rejected_then_reused)
{
    tcp(1, 50001, 81, 7, 0, SYN, 0, 0);
    tcp(0, 50001, 81, 0, 8, RST | ACK, 0, 1);
    tcp(1, 50001, 81, 7, 0, SYN, 0, 500);
    tcp(0, 50001, 81, 0, 8, RST | ACK, 0, 501);
    fc_zeek_table_finish(tab);
    ck_assert_int_eq(lg.n, 2);
    check_fields(&lg.r[0], "Sr", "REJ", "1/1", "0/0", "0.001000");
    check_fields(&lg.r[1], "Sr", "REJ", "1/1", "0/0", "0.001000");
}
END_TEST

/* §7.3: a lone SYN; the attempt timer logs it 5 s later, so a SYN after
 * that is a new S0 line, one within 5 s joins. */
START_TEST(syn_only_attempt_timer)
{
    tcp(1, 40000, 22, 5, 0, SYN, 0, 0);
    tcp(1, 40000, 22, 5, 0, SYN, 0, 3000);
    tcp(1, 40000, 22, 5, 0, SYN, 0, 9000);
    fc_zeek_table_finish(tab);
    ck_assert_int_eq(lg.n, 2);
    check_fields(&lg.r[0], "S", "S0", "2/0", "0/0", "3.000000");
    check_fields(&lg.r[1], "S", "S0", "1/0", "-/-", "-");
}
END_TEST

/* §7.4: a mid-stream pickup from the server's side is flipped at creation */
START_TEST(midstream_flip)
{
    tcp(0, 51000, 443, 5000, 7000, ACK | PSH, 1400, 0);
    tcp(1, 51000, 443, 7000, 6400, ACK, 0, 10);
    const fc_zeek_rec *r = only();
    check_fields(r, "^dA", "OTH", "1/1", "0/1400", "0.010000");
    ck_assert_uint_eq(r->orig_p, 51000);
    ck_assert_uint_eq(r->resp_p, 443);
}
END_TEST

/* §1.2(b): SYN-ACK first from a non-server port; the client's ACK flips */
START_TEST(synack_first_h_flip)
{
    tcp(0, 50002, 9999, 900, 101, SYN | ACK, 0, 0);
    tcp(1, 50002, 9999, 101, 901, ACK, 0, 10);
    const fc_zeek_rec *r = only();
    check_fields(r, "^hA", "OTH", "1/1", "0/0", "0.010000");
    ck_assert_uint_eq(r->orig_p, 50002);
}
END_TEST

/* §7.5 */
START_TEST(udp_dns)
{
    uint8_t q[40] = {0x12, 0x34, 0x01, 0x00}, a[120] = {0x12, 0x34, 0x81, 0x80};
    udp(1, 53124, 53, q, sizeof q, 0);
    udp(0, 53124, 53, a, sizeof a, 2);
    const fc_zeek_rec *r = only();
    check_fields(r, "Dd", "SF", "1/1", "40/120", "0.002000");
    ck_assert_uint_eq(r->ep[0].ip_bytes, 68);
    ck_assert_uint_eq(r->ep[1].ip_bytes, 148);
}
END_TEST

START_TEST(udp_answer_only_and_dns_flip)
{
    uint8_t a[120] = {0x12, 0x34, 0x81, 0x80};
    udp(0, 53124, 53, a, sizeof a, 0); /* flipped at creation */
    udp(0, 53, 53, a, sizeof a, 10);   /* 53->53: the DNS flip, D^ */
    fc_zeek_table_finish(tab);
    ck_assert_int_eq(lg.n, 2);
    check_fields(&lg.r[0], "^d", "SHR", "0/1", "-/-", "-");
    check_fields(&lg.r[1], "D^", "S0", "1/0", "-/-", "-");
}
END_TEST

/* §7.7: UDP splits at >= 60 s idle */
START_TEST(udp_inactivity)
{
    uint8_t p[8] = {0};
    udp(1, 4000, 5000, p, sizeof p, 0);
    udp(1, 4000, 5000, p, sizeof p, 59999);
    udp(1, 4000, 5000, p, sizeof p, 119999);
    fc_zeek_table_finish(tab);
    ck_assert_int_eq(lg.n, 2);
    ck_assert_uint_eq(lg.r[0].ep[0].pkts, 2);
    ck_assert_uint_eq(lg.r[1].ep[0].pkts, 1);
}
END_TEST

/* Zeek's DNS analyzer (udp 53, 137, 5353, 5355) checks its connection
 * 10 s after creation, then 10 s after each check, at the network time
 * of the packet that makes the check due; idle >= 9 s then ends it. */
START_TEST(dns_session_timer_splits)
{
    uint8_t q[40] = {0x12, 0x34, 0x01, 0x00}, a[120] = {0x12, 0x34, 0x81, 0x80};
    udp(1, 1920, 53, q, sizeof q, 0);
    udp(0, 1920, 53, a, sizeof a, 2);
    udp(1, 1920, 53, q, sizeof q, 16000); /* check due at 10 s, idle 16 s */
    udp(0, 1920, 53, a, sizeof a, 16100);
    fc_zeek_table_finish(tab);
    ck_assert_int_eq(lg.n, 2);
    check_fields(&lg.r[0], "Dd", "SF", "1/1", "40/120", "0.002000");
    check_fields(&lg.r[1], "Dd", "SF", "1/1", "40/120", "0.100000");
    ck_assert_int_eq(lg.r[0].start, FC_SEC(1000));
    ck_assert_int_eq(lg.r[1].start, FC_SEC(1016));
}
END_TEST

START_TEST(dns_session_timer_rearms)
{
    uint8_t q[40] = {0x12, 0x34, 0x01, 0x00};
    udp(1, 1921, 53, q, sizeof q, 0);
    udp(1, 1921, 53, q, sizeof q, 8500);
    /* check due at 10 s runs at 12 s: idle 3.5 s, next check at 22 s
     * (not 20 s, where idle would have been 9 s) */
    udp(1, 1921, 53, q, sizeof q, 12000);
    udp(1, 1921, 53, q, sizeof q, 21000);
    /* not a DNS port: only the 60 s inactivity applies */
    udp(1, 1922, 5000, q, sizeof q, 0);
    udp(1, 1922, 5000, q, sizeof q, 30000);
    fc_zeek_table_finish(tab);
    ck_assert_int_eq(lg.n, 2);
    ck_assert_uint_eq(lg.r[0].ep[0].pkts, 4);
    ck_assert_uint_eq(lg.r[1].ep[0].pkts, 2);
}
END_TEST

START_TEST(dns_session_timer_bare)
{
    uint8_t q[40] = {0x12, 0x34, 0x01, 0x00};
    fc_zeek_table_free(tab);
    zo.bare = 1; /* plain zeek -b: no DNS analyzer, no timer */
    tab = fc_zeek_table_new(&zo, 0, keep, &lg);
    ck_assert_ptr_nonnull(tab);
    udp(1, 1923, 53, q, sizeof q, 0);
    udp(1, 1923, 53, q, sizeof q, 30000);
    const fc_zeek_rec *r = only();
    ck_assert_uint_eq(r->ep[0].pkts, 2);
}
END_TEST

/* §0/§2: a TCP header whose options the snaplen cut makes the connection
 * (flipped at creation: 443 is a likely server port), but the packet
 * counts for nothing: no letter, 0 packets, OTH. */
START_TEST(tcp_options_cut)
{
    uint8_t buf[TF_BUFSZ], pl[4] = {2, 4, 5, 0xb4};
    size_t n = tf_ipv4_tcp(buf, NULL, NULL, S4, C4, 443, 56960, 9, 2, SYN | ACK, pl, 4);
    buf[14 + 20 + 12] = 0x60; /* the 4 bytes become options: 24-byte header */
    fc_zeek_table_packet(tab, FC_LINK_EN10MB, buf, n - 2, (uint32_t)n, FC_SEC(1000));
    const fc_zeek_rec *r = only();
    check_fields(r, "^", "OTH", "0/0", "-/-", "-");
    ck_assert_uint_eq(r->orig_p, 56960);
    ck_assert_uint_eq(r->ep[0].ip_bytes + r->ep[1].ip_bytes, 0);
    ck_assert_int_eq(r->start, FC_SEC(1000));
}
END_TEST

/* §7.6 */
START_TEST(icmp_echo)
{
    uint8_t buf[TF_BUFSZ], pl[56] = {0};
    size_t n = tf_ipv4_icmp(buf, C4, S4, 8, 0, pl, sizeof pl);
    feed(buf, n, 0);
    n = tf_ipv4_icmp(buf, S4, C4, 0, 0, pl, sizeof pl);
    feed(buf, n, 1);
    const fc_zeek_rec *r = only();
    check_fields(r, "-", "OTH", "1/1", "56/56", "0.001000");
    ck_assert_uint_eq(r->orig_p, 8);
    ck_assert_uint_eq(r->resp_p, 0);
    ck_assert_uint_eq(r->ep[0].ip_bytes, 84);
}
END_TEST

/* Checksums: a bad TCP checksum writes C and counts nothing; -C accepts */
START_TEST(bad_checksum)
{
    uint8_t buf[TF_BUFSZ];
    size_t n = tf_ipv4_tcp(buf, NULL, NULL, C4, S4, 40001, 80, 1, 0, SYN, NULL, 0);
    buf[14 + 20 + 16] ^= 0x55;
    feed(buf, n, 0);
    fc_zeek_table_finish(tab);
    ck_assert_int_eq(lg.n, 1);
    check_fields(&lg.r[0], "C", "OTH", "0/0", "-/-", "-");

    fc_zeek_table_free(tab);
    memset(&lg, 0, sizeof lg);
    zo.ignore_checksums = 1;
    tab = fc_zeek_table_new(&zo, 0, keep, &lg);
    feed(buf, n, 0);
    fc_zeek_table_finish(tab);
    ck_assert_int_eq(lg.n, 1);
    check_fields(&lg.r[0], "S", "S0", "1/0", "-/-", "-");
}
END_TEST

/* ---- the 8-bytes-at-a-time checksum against a 2-bytes-at-a-time one ---- */

static uint32_t rnd_state = 12345;
static uint32_t rnd(void) /* xorshift32: deterministic, no libc state */
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state;
}

static uint32_t ref_sum(const uint8_t *p, size_t len, uint32_t s)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        s += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    return s;
}

static uint32_t ref_fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return s;
}

static int ref_l4_bad(const fc_decoded *d, const uint8_t *l4, uint32_t len)
{
    uint32_t s = 0;
    if (d->proto != FC_PROTO_ICMP) {
        size_t al = d->family == FC_AF_INET6 ? 16 : 4;
        s = ref_sum(d->dst, al, ref_sum(d->src, al, 0));
        s += (len >> 16) + (len & 0xffff) + d->proto;
    }
    return ref_fold(ref_sum(l4, len, s)) != 0xffff;
}

START_TEST(csum_matches_reference)
{
    static uint8_t buf[2000 + 16];
    /* random bytes, all 0xff (every addition carries) and all zero (a
     * zero sum must stay 0, not become 0xffff) */
    for (int fill = 0; fill < 3; fill++) {
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = fill == 0 ? (uint8_t)rnd() : fill == 1 ? 0xff : 0;
        for (size_t off = 0; off < 8; off++)
            for (size_t len = 0; len <= 2000; len++)
                ck_assert_uint_eq(fc__zeek_csum_sum(buf + off, len),
                                  ref_fold(ref_sum(buf + off, len, 0)));
    }
}
END_TEST

START_TEST(l4_csum_matches_reference)
{
    static uint8_t buf[8 + 8 + 1600]; /* offset < 8, length < 8 + 1600 */
    static const uint8_t protos[] = {FC_PROTO_TCP, FC_PROTO_UDP, FC_PROTO_ICMP, 58};
    fc_decoded d;
    for (int it = 0; it < 4000; it++) {
        memset(&d, 0, sizeof d);
        d.family = it & 1 ? FC_AF_INET6 : FC_AF_INET;
        d.proto = protos[rnd() % 4];
        for (int i = 0; i < 16; i++)
            d.src[i] = (uint8_t)rnd(), d.dst[i] = (uint8_t)rnd();
        uint32_t len = 8 + rnd() % 1600, off = rnd() % 8;
        uint8_t *l4 = buf + off;
        for (uint32_t i = 0; i < len; i++)
            l4[i] = (uint8_t)rnd();
        if (it % 3 == 0) { /* make every third one verify */
            l4[2] = l4[3] = 0;
            uint32_t s = 0;
            if (d.proto != FC_PROTO_ICMP) {
                size_t al = d.family == FC_AF_INET6 ? 16 : 4;
                s = ref_sum(d.dst, al, ref_sum(d.src, al, 0));
                s += (len >> 16) + (len & 0xffff) + d.proto;
            }
            uint16_t c = (uint16_t)~ref_fold(ref_sum(l4, len, s));
            l4[2] = (uint8_t)(c >> 8), l4[3] = (uint8_t)c;
        }
        int want = ref_l4_bad(&d, l4, len);
        ck_assert_int_eq(fc__zeek_l4_csum_bad(&d, l4, len), want);
        if (it % 3 == 0)
            ck_assert_int_eq(want, 0);
    }
}
END_TEST

/* T is written at the 1st and the 10th retransmission (scaled) */
START_TEST(scaled_retransmissions)
{
    tcp(1, 50003, 80, 100, 0, SYN, 0, 0);
    tcp(0, 50003, 80, 900, 101, SYN | ACK, 0, 1);
    tcp(1, 50003, 80, 101, 901, ACK, 0, 2);
    tcp(1, 50003, 80, 101, 901, ACK | PSH, 10, 3);
    for (int i = 0; i < 10; i++)
        tcp(1, 50003, 80, 101, 901, ACK | PSH, 10, 4 + i);
    const fc_zeek_rec *r = only();
    check_fields(r, "ShADTT", "S1", "13/1", "10/0", NULL);
}
END_TEST

/* A content gap acked by the peer is missed bytes and a G */
START_TEST(gap_missed_bytes)
{
    tcp(1, 50004, 80, 100, 0, SYN, 0, 0);
    tcp(0, 50004, 80, 900, 101, SYN | ACK, 0, 1);
    tcp(1, 50004, 80, 101, 901, ACK | PSH, 100, 2);
    /* bytes 201..300 never seen */
    tcp(1, 50004, 80, 301, 901, ACK | PSH, 100, 3);
    tcp(0, 50004, 80, 901, 401, ACK, 0, 4);
    const fc_zeek_rec *r = only();
    check_fields(r, "ShDaG", "S1", "3/2", "300/0", NULL);
    ck_assert_uint_eq(r->missed, 100);
}
END_TEST

/* SHA-1 (FIPS 180-2 examples) and Community ID (spec baseline vectors),
 * each on the portable code (_i 0) and on the SHA extensions (_i 1,
 * where the CPU has them) */
START_TEST(sha1_vectors)
{
    uint8_t d[20];
    if (fc__zeek_sha1_use_ni(_i) != _i)
        return; /* no SHA extensions here: the portable run covers it */
    char hex[41];
    const char *msg2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    fc_zeek_sha1("abc", 3, d);
    for (int i = 0; i < 20; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    ck_assert_str_eq(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
    fc_zeek_sha1(msg2, strlen(msg2), d);
    for (int i = 0; i < 20; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    ck_assert_str_eq(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}
END_TEST

/* the SHA-extension block function against the portable one, from random
 * states over random blocks, and whole digests of 0..300 random bytes */
START_TEST(sha1_ni_matches_portable)
{
    static uint8_t buf[300];
    uint8_t d0[20], d1[20];
    if (!fc__zeek_sha1_ni_available())
        return;
    for (int it = 0; it < 2000; it++) {
        uint32_t h0[5], h1[5];
        size_t n = 1 + rnd() % 4;
        for (int i = 0; i < 5; i++)
            h0[i] = h1[i] = rnd();
        for (size_t i = 0; i < n * 64; i++)
            buf[i] = (uint8_t)rnd();
        fc__zeek_sha1_blocks(h0, buf, n);
        fc__zeek_sha1_blocks_ni(h1, buf, n);
        ck_assert_mem_eq(h0, h1, sizeof h0);
    }
    for (size_t len = 0; len <= sizeof buf; len++) {
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rnd();
        fc__zeek_sha1_use_ni(0);
        fc_zeek_sha1(buf, len, d0);
        ck_assert_int_eq(fc__zeek_sha1_use_ni(1), 1);
        fc_zeek_sha1(buf, len, d1);
        ck_assert_mem_eq(d0, d1, 20);
    }
}
END_TEST

static void rec_v6(fc_zeek_rec *r, const char *a, const char *b, uint16_t pa, uint16_t pb,
                   uint8_t proto)
{
    memset(r, 0, sizeof *r);
    r->family = FC_AF_INET6;
    r->proto = proto;
    /* parse the two fixed test addresses by hand (no inet_pton needed) */
    static const struct {
        const char *s;
        uint8_t b[16];
    } tabl[] = {
        {"3ffe:507:0:1:200:86ff:fe05:80da",
         {0x3f, 0xfe, 5, 7, 0, 0, 0, 1, 2, 0, 0x86, 0xff, 0xfe, 5, 0x80, 0xda}},
        {"3ffe:501:0:1001::2", {0x3f, 0xfe, 5, 1, 0, 0, 0x10, 1, 0, 0, 0, 0, 0, 0, 0, 2}},
        {"fe80::200:86ff:fe05:80da",
         {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0x86, 0xff, 0xfe, 5, 0x80, 0xda}},
        {"fe80::260:97ff:fe07:69ea",
         {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 2, 0x60, 0x97, 0xff, 0xfe, 7, 0x69, 0xea}}};
    for (size_t i = 0; i < 4; i++) {
        if (!strcmp(tabl[i].s, a))
            memcpy(r->orig_h, tabl[i].b, 16);
        if (!strcmp(tabl[i].s, b))
            memcpy(r->resp_h, tabl[i].b, 16);
    }
    r->orig_p = pa;
    r->resp_p = pb;
}

START_TEST(community_id_vectors)
{
    fc_zeek_rec r;
    char buf[40];
    if (fc__zeek_sha1_use_ni(_i) != _i)
        return;
    memset(&r, 0, sizeof r);
    r.family = FC_AF_INET;
    r.proto = 17;
    memcpy(r.orig_h, (uint8_t[]){192, 168, 1, 42}, 4);
    memcpy(r.resp_h, (uint8_t[]){8, 8, 8, 8}, 4);
    r.orig_p = 4242;
    r.resp_p = 53;
    ck_assert_str_eq(fc_zeek_community_id(&r, 0, buf, sizeof buf),
                     "1:vTdrngJjlP5eZ9mw9JtnKyn99KM=");
    /* the other direction gives the same id */
    memcpy(r.orig_h, (uint8_t[]){8, 8, 8, 8}, 4);
    memcpy(r.resp_h, (uint8_t[]){192, 168, 1, 42}, 4);
    r.orig_p = 53;
    r.resp_p = 4242;
    ck_assert_str_eq(fc_zeek_community_id(&r, 0, buf, sizeof buf),
                     "1:vTdrngJjlP5eZ9mw9JtnKyn99KM=");
    /* ICMPv6 echo: ports are type and counterpart type */
    rec_v6(&r, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, 58);
    ck_assert_str_eq(fc_zeek_community_id(&r, 0, buf, sizeof buf),
                     "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=");
    rec_v6(&r, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, 58);
    ck_assert_str_eq(fc_zeek_community_id(&r, 0, buf, sizeof buf),
                     "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=");
    ck_assert_str_eq(fc_zeek_community_id(&r, 1, buf, sizeof buf),
                     "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=");
}
END_TEST

START_TEST(tsv_layout)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    tcp(1, 40000, 22, 5, 0, SYN, 0, 0);
    fc_zeek_table_finish(tab);
    ck_assert_int_eq(fc_zeek_tsv_header(f, FC_SEC(1000)), 0);
    ck_assert_int_eq(fc_zeek_tsv_row(f, &lg.r[0], 0), 0);
    ck_assert_int_eq(fc_zeek_tsv_footer(f, FC_SEC(1000)), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(out, "#separator \\x09\n#set_separator\t,\n"));
    ck_assert_ptr_nonnull(strstr(out, "#open\t1970-01-01-00-16-40\n"));
    ck_assert_ptr_nonnull(strstr(out, "\n1000.000000\tC"));
    ck_assert_ptr_nonnull(strstr(out, "\t10.0.0.1\t40000\t10.0.0.2\t22\ttcp\t-\t-\t-\t-\tS0\t"));
    ck_assert_ptr_nonnull(strstr(out, "\t0\tS\t1\t40\t0\t0\t-\t1:"));
    ck_assert_ptr_nonnull(strstr(out, "#close\t1970-01-01-00-16-40\n"));
    free(out);
}
END_TEST

/* A failed write is FC_EIO from every conn.log writer (not -1, which is
 * FC_ENOMEM's value), with errno saying why. */
START_TEST(writers_report_eio)
{
    FILE *f = fopen("/dev/full", "w");
    ck_assert_ptr_nonnull(f);
    setvbuf(f, NULL, _IONBF, 0); /* each write reaches the device */
    tcp(1, 40000, 22, 5, 0, SYN, 0, 0);
    fc_zeek_table_finish(tab);
    fc_zeek_cols some;
    char err[512];
    ck_assert_int_eq(fc_zeek_cols_parse("ts,uid,history", &some, err, sizeof err), 0);
    ck_assert_int_eq(fc_zeek_tsv_header(f, FC_SEC(1000)), FC_EIO);
    ck_assert_int_eq(fc_zeek_tsv_row(f, &lg.r[0], 0), FC_EIO);
    ck_assert_int_eq(errno, ENOSPC);
    ck_assert_int_eq(fc_zeek_tsv_footer(f, FC_SEC(1000)), FC_EIO);
    ck_assert_int_eq(fc_zeek_tsv_header_cols(f, FC_SEC(1000), &some), FC_EIO);
    ck_assert_int_eq(fc_zeek_tsv_row_cols(f, &lg.r[0], 0, &some), FC_EIO);
    ck_assert_int_eq(fc_zeek_json_row(f, &lg.r[0], 0, &some), FC_EIO);
    ck_assert_int_eq(fc_zeek_cols_parse("ts,nosuch", &some, err, sizeof err), FC_EFORMAT);
    fclose(f);
}
END_TEST

/* Seed mode: the record kept in the tracker's user state and handed out
 * with the ended event. */
static void hook(void *ctx, void *user, const fc_key *key, fc_orient o, const fc_decoded *d,
                 const fc_packet *pkt, fc_side side, int is_new)
{
    (void)key, (void)o, (void)side;
    if (is_new)
        fc_zeek_rec_begin(user, ctx, d, pkt->ts);
    fc_zeek_rec_packet(user, ctx, d, pkt->data, pkt->caplen, pkt->ts);
}

START_TEST(tracker_hook)
{
    fc_zeek_opts o;
    fc_zeek_opts_default(&o);
    fc_tracker *t = fc_tracker_new(NULL, sizeof(fc_zeek_rec), NULL, NULL, NULL, 0);
    ck_assert_ptr_nonnull(t);
    fc_tracker_set_packet_fn(t, hook, &o);
    uint8_t buf[TF_BUFSZ];
    const fc_event *ev;
    int n, ended = 0;
    struct {
        int c;
        uint32_t seq, ack;
        uint8_t fl;
    } seq[] = {{1, 1, 0, SYN}, {0, 50, 2, SYN | ACK}, {1, 2, 51, ACK}, {1, 2, 51, RST}};
    for (int i = 0; i < 4; i++) {
        size_t len = seq[i].c ? tf_ipv4_tcp(buf, NULL, NULL, C4, S4, 1234, 80, seq[i].seq,
                                            seq[i].ack, seq[i].fl, NULL, 0)
                              : tf_ipv4_tcp(buf, NULL, NULL, S4, C4, 80, 1234, seq[i].seq,
                                            seq[i].ack, seq[i].fl, NULL, 0);
        fc_packet p = {buf, len, (uint32_t)len, FC_SEC(1) + i, FC_LINK_EN10MB};
        n = fc_tracker_track(t, &p, &ev);
        for (int k = 0; k < n; k++) {
            if (ev[k].type != FC_EV_ENDED)
                continue;
            ended++;
            const fc_zeek_rec *r = ev[k].user;
            char h[64];
            ck_assert_ptr_nonnull(r);
            fc_zeek_history(r, h, sizeof h);
            ck_assert_str_eq(h, "ShAR");
            ck_assert_str_eq(fc_zeek_conn_state(r), "RSTO");
        }
    }
    ck_assert_int_eq(ended, 1);
    fc_tracker_free(t);
}
END_TEST

START_TEST(likely_server_ports_list)
{
    fc_zeek_opts o;
    fc_zeek_opts_default(&o);
    ck_assert(fc_zeek_likely_server_port(&o, 6, 80));
    ck_assert(!fc_zeek_likely_server_port(&o, 6, 68));
    o.bare = 1;
    ck_assert(!fc_zeek_likely_server_port(&o, 6, 80));
    ck_assert(fc_zeek_likely_server_port(&o, 17, 4789));
    fc_zeek_portset ps, *heap = malloc(sizeof *heap);
    ck_assert_ptr_nonnull(heap);
    ck_assert_int_eq(fc_zeek_portset_parse(&ps, "8080,53/udp,6000-6002/tcp"), 0);
    o.ports = &ps;
    ck_assert(fc_zeek_likely_server_port(&o, 6, 8080));
    ck_assert(fc_zeek_likely_server_port(&o, 17, 8080));
    ck_assert(fc_zeek_likely_server_port(&o, 17, 53));
    ck_assert(!fc_zeek_likely_server_port(&o, 6, 53));
    ck_assert(fc_zeek_likely_server_port(&o, 6, 6001));
    ck_assert(!fc_zeek_likely_server_port(&o, 17, 6001));
    ck_assert_int_eq(fc_zeek_portset_parse(&ps, "80,x"), FC_EFORMAT);
    ck_assert_int_eq(fc_zeek_portset_parse(&ps, "9-8"), FC_EFORMAT);
    ck_assert(fc_zeek_likely_server_port(&o, 6, 8080)); /* unchanged */
    /* the set belongs to these options only: others keep Zeek's */
    fc_zeek_opts o2;
    fc_zeek_opts_default(&o2);
    ck_assert(!fc_zeek_likely_server_port(&o2, 6, 6001));
    ck_assert(fc_zeek_likely_server_port(&o2, 6, 80));
    ck_assert_int_eq(fc_zeek_portset_parse(heap, "7"), 0);
    o2.ports = heap;
    ck_assert(fc_zeek_likely_server_port(&o2, 6, 7));
    ck_assert(!fc_zeek_likely_server_port(&o, 6, 7));
    o.ports = NULL;
    ck_assert(!fc_zeek_likely_server_port(&o, 6, 8080));
    free(heap);
}
END_TEST

/* ---- timers: the table against a brute-force model ---- */

#define TM_MAX 8192

/* What was logged, and at the time of which packet. */
typedef struct tm_log {
    uint16_t port[TM_MAX];
    fc_ts at[TM_MAX];
    int n;
} tm_log;

static tm_log tml, tmref;
static fc_ts tm_now; /* time of the packet being fed */

static void tm_keep(void *ctx, const fc_zeek_rec *r)
{
    tm_log *l = ctx;
    ck_assert_int_lt(l->n, TM_MAX);
    l->port[l->n] = r->orig_p == 9999 ? r->resp_p : r->orig_p; /* the client's */
    l->at[l->n++] = tm_now;
}

static void tm_table(size_t max)
{
    fc_zeek_table_free(tab);
    memset(&tml, 0, sizeof tml);
    tab = fc_zeek_table_new(&zo, max, tm_keep, &tml);
    ck_assert_ptr_nonnull(tab);
}

static void tm_udp(uint16_t cp, int64_t ms)
{
    uint8_t p[4] = {0};
    tm_now = FC_SEC(1000) + ms * 1000000;
    udp(1, cp, 9999, p, sizeof p, ms);
}

typedef struct tm_conn {
    int live;
    uint64_t id;
    int64_t start, last; /* ms */
} tm_conn;

/* The live flow first by (last + 60 s, id), or by (start, id) if
 * by_start; -1 if none. */
static int tm_first(const tm_conn *c, int nf, int by_start)
{
    int best = -1;
    for (int f = 0; f < nf; f++) {
        if (!c[f].live)
            continue;
        int64_t k = by_start ? c[f].start : c[f].last;
        int64_t b = best < 0 ? 0 : by_start ? c[best].start : c[best].last;
        if (best < 0 || k < b || (k == b && c[f].id < c[best].id))
            best = f;
    }
    return best;
}

static void tm_log_one(tm_conn *c, int f, int64_t ms)
{
    ck_assert_int_lt(tmref.n, TM_MAX);
    tmref.port[tmref.n] = (uint16_t)(20000 + f);
    tmref.at[tmref.n++] = FC_SEC(1000) + ms * 1000000;
    c[f].live = 0;
}

/* UDP flows (60 s inactivity) as the table must treat them: before each
 * packet, log the due ones by (deadline, id); when max are live, log
 * the earliest (deadline, id) before creating one; at the end, the rest
 * by (start, id). */
static void tm_model(const int *flow, const int64_t *ms, int npk, int nf, size_t max)
{
    tm_conn c[512];
    uint64_t id = 0;
    size_t live = 0;
    int f;
    ck_assert_int_le(nf, 512);
    memset(c, 0, sizeof c);
    memset(&tmref, 0, sizeof tmref);
    for (int k = 0; k < npk; k++) {
        while ((f = tm_first(c, nf, 0)) >= 0 && c[f].last + 60000 <= ms[k]) {
            tm_log_one(c, f, ms[k]);
            live--;
        }
        f = flow[k];
        if (!c[f].live) {
            if (max && live == max) {
                tm_log_one(c, tm_first(c, nf, 0), ms[k]);
                live--;
            }
            c[f] = (tm_conn){1, ++id, ms[k], ms[k]};
            live++;
        }
        c[f].last = ms[k];
    }
    while ((f = tm_first(c, nf, 1)) >= 0)
        tm_log_one(c, f, ms[npk - 1]);
}

/* Random flows on whole seconds, so many deadlines tie; with a small
 * table most connections are evicted, leaving stale heap entries. */
START_TEST(timers_match_model)
{
    enum { NF = 400, NPK = 6000 };
    static int flow[NPK];
    static int64_t ms[NPK];
    static const size_t maxes[] = {0, 100, 16, 1};
    uint32_t x = 12345;
    int64_t t = 0;
    for (int k = 0; k < NPK; k++) {
        x = x * 1103515245u + 12345u;
        t += (x >> 16) % 3 == 0 ? 1000 : 0;
        flow[k] = (int)((x >> 8) % NF);
        ms[k] = t;
    }
    for (size_t m = 0; m < sizeof maxes / sizeof *maxes; m++) {
        tm_table(maxes[m]);
        for (int k = 0; k < NPK; k++)
            tm_udp((uint16_t)(20000 + flow[k]), ms[k]);
        fc_zeek_table_finish(tab);
        tm_model(flow, ms, NPK, NF, maxes[m]);
        ck_assert_int_gt(tmref.n, NF);
        ck_assert_int_eq(tml.n, tmref.n);
        for (int i = 0; i < tml.n; i++) {
            ck_assert_uint_eq(tml.port[i], tmref.port[i]);
            ck_assert_int_eq(tml.at[i], tmref.at[i]);
        }
    }
}
END_TEST

/* A FIN/FIN close moves the deadline from 5 min to 5 s: the connection
 * must still be logged at 5 s, though its first timer is deep in a heap
 * of 300 connections due at 60 s. */
START_TEST(timers_deadline_shrinks)
{
    tm_table(0);
    for (int f = 0; f < 300; f++)
        tm_udp((uint16_t)(20000 + f), 0);
    tm_now = FC_SEC(1000);
    tcp(1, 50000, 80, 100, 0, SYN, 0, 0);
    tcp(0, 50000, 80, 900, 101, SYN | ACK, 0, 0);
    tcp(1, 50000, 80, 101, 901, ACK | PSH, 10, 0);
    tm_now = FC_SEC(1002);
    tcp(1, 50000, 80, 111, 901, FIN | ACK, 0, 2000);
    tcp(0, 50000, 80, 901, 112, FIN | ACK, 0, 2000);
    tm_udp(30000, 6999);
    ck_assert_int_eq(tml.n, 0);
    tm_udp(30000, 7000);
    ck_assert_int_eq(tml.n, 1);
    ck_assert_uint_eq(tml.port[0], 50000);
    ck_assert_int_eq(tml.at[0], FC_SEC(1007));
    tm_udp(30001, 60000); /* then the 300, by creation order */
    ck_assert_int_eq(tml.n, 301);
    for (int i = 1; i <= 300; i++)
        ck_assert_uint_eq(tml.port[i], 20000 + i - 1);
}
END_TEST

/* A full table logs the connection with the earliest deadline, ties by
 * creation order, even when a later packet shrank it. */
START_TEST(timers_full_table_evicts_earliest)
{
    tm_table(3);
    tm_udp(20000, 0);    /* deadline 60 s */
    tm_udp(20001, 1000); /* 61 s */
    tm_udp(20002, 1000); /* 61 s, created after 20001 */
    tm_udp(20003, 2000); /* full: 20000 goes */
    ck_assert_int_eq(tml.n, 1);
    ck_assert_uint_eq(tml.port[0], 20000);
    tm_udp(20004, 3000); /* 20001 and 20002 tie: 20001 goes */
    ck_assert_int_eq(tml.n, 2);
    ck_assert_uint_eq(tml.port[1], 20001);
    /* a TCP connection (evicting 20002) whose FINs bring its deadline
     * down from minutes to 9 s, before the UDP ones */
    tm_now = FC_SEC(1004);
    tcp(1, 50001, 80, 100, 0, SYN, 0, 4000);
    ck_assert_uint_eq(tml.port[2], 20002);
    tcp(0, 50001, 80, 900, 101, SYN | ACK, 0, 4000);
    tcp(1, 50001, 80, 101, 901, ACK, 0, 4000);
    tm_udp(20004, 4000); /* 20004's deadline moves to 64 s */
    tm_now = FC_SEC(1004);
    tcp(1, 50001, 80, 101, 901, FIN | ACK, 0, 4000);
    tcp(0, 50001, 80, 901, 102, FIN | ACK, 0, 4000);
    ck_assert_int_eq(tml.n, 3);
    tm_udp(20005, 4500);
    ck_assert_int_eq(tml.n, 4);
    ck_assert_uint_eq(tml.port[3], 50001);
}
END_TEST

/* Names kept once, in the order added, at most FC_SERVICE_MAX_NAMES;
 * written comma-separated as Zeek does. */
START_TEST(service_names)
{
    fc_service_state st;
    char buf[64];
    memset(&st, 0, sizeof st);
    ck_assert_uint_eq(fc_service_format(&st, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "");
    fc_service_add(&st, FC_SVC_SMTP);
    fc_service_add(&st, FC_SVC_SSL);
    fc_service_add(&st, FC_SVC_SMTP);
    fc_service_add(&st, 0);
    fc_service_add(&st, FC_SVC_COUNT);
    fc_service_format(&st, buf, sizeof buf);
    ck_assert_str_eq(buf, "smtp,ssl");
    fc_service_add(&st, FC_SVC_FTP_DATA);
    fc_service_add(&st, FC_SVC_HTTP); /* past the cap: dropped */
    fc_service_format(&st, buf, sizeof buf);
    ck_assert_str_eq(buf, "smtp,ssl,ftp-data");
    /* a short buffer keeps whole names only */
    fc_service_format(&st, buf, 10);
    ck_assert_str_eq(buf, "smtp,ssl");
    ck_assert_ptr_null(fc_service_name(0));
    ck_assert_str_eq(fc_service_name(FC_SVC_GTPV1), "gtpv1");
    for (int c = 1; c < FC_SVC_COUNT; c++)
        ck_assert_ptr_nonnull(fc_service_name(c));
}
END_TEST

START_TEST(ts_iso)
{
    char buf[48];
    ck_assert_uint_eq(fc_ts_format_iso(0, buf, sizeof buf), 30);
    ck_assert_str_eq(buf, "1970-01-01T00:00:00.000000000Z");
    fc_ts_format_iso(-1, buf, sizeof buf);
    ck_assert_str_eq(buf, "1969-12-31T23:59:59.999999999Z");
    fc_ts_format_iso(INT64_C(1735689600123456789), buf, sizeof buf);
    ck_assert_str_eq(buf, "2025-01-01T00:00:00.123456789Z");
    fc_ts_format_iso(INT64_C(951782400000000001), buf, sizeof buf); /* leap day */
    ck_assert_str_eq(buf, "2000-02-29T00:00:00.000000001Z");
    ck_assert_uint_eq(fc_ts_format_iso(0, buf, 39), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("zeek");
    TCase *tc = tcase_create("table");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, normal_tcp);
    tcase_add_test(tc, rejected_then_reused);
    tcase_add_test(tc, syn_only_attempt_timer);
    tcase_add_test(tc, midstream_flip);
    tcase_add_test(tc, synack_first_h_flip);
    tcase_add_test(tc, udp_dns);
    tcase_add_test(tc, udp_answer_only_and_dns_flip);
    tcase_add_test(tc, udp_inactivity);
    tcase_add_test(tc, dns_session_timer_splits);
    tcase_add_test(tc, dns_session_timer_rearms);
    tcase_add_test(tc, dns_session_timer_bare);
    tcase_add_test(tc, tcp_options_cut);
    tcase_add_test(tc, icmp_echo);
    tcase_add_test(tc, bad_checksum);
    tcase_add_test(tc, scaled_retransmissions);
    tcase_add_test(tc, gap_missed_bytes);
    tcase_add_test(tc, tsv_layout);
    tcase_add_test(tc, writers_report_eio);
    suite_add_tcase(s, tc);
    TCase *tu = tcase_create("units");
    tcase_add_test(tu, csum_matches_reference);
    tcase_add_test(tu, l4_csum_matches_reference);
    tcase_add_loop_test(tu, sha1_vectors, 0, 2);
    tcase_add_loop_test(tu, community_id_vectors, 0, 2);
    tcase_add_test(tu, sha1_ni_matches_portable);
    tcase_add_test(tu, tracker_hook);
    tcase_add_test(tu, likely_server_ports_list);
    tcase_add_test(tu, service_names);
    tcase_add_test(tu, ts_iso);
    suite_add_tcase(s, tu);
    TCase *tt = tcase_create("timers");
    tcase_add_checked_fixture(tt, setup, teardown);
    tcase_add_test(tt, timers_match_model);
    tcase_add_test(tt, timers_deadline_shrinks);
    tcase_add_test(tt, timers_full_table_evicts_earliest);
    tcase_set_timeout(tt, 60);
    suite_add_tcase(s, tt);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
