/* test_tunnel.c - Check tests for the tunnel locators of fc_tunnel.c
 * added for issue 13: GRE in UDP (port 4754) and Aruba's 802.11-in-GRE
 * protocol types. Payloads sit in exactly-sized heap blocks so ASan sees
 * any read past them. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fc_decode.h"
#include "fc_tunnel.h"

static int gre_exact(const uint8_t *p, size_t n, fc__inner *in)
{
    uint8_t *copy = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, p, n);
    int rc = fc__tunnel_gre(copy, n, in);
    free(copy);
    return rc;
}

static int udp_exact(uint16_t sp, uint16_t dp, const uint8_t *p, size_t n, fc__inner *in)
{
    uint8_t *copy = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, p, n);
    int rc = fc__tunnel_udp(sp, dp, copy, n, n, in);
    free(copy);
    return rc;
}

/* GRE header with flags `fl` and type `type`, then 32 payload bytes. */
static size_t gre(uint8_t *b, uint16_t fl, uint16_t type)
{
    size_t n = 4;
    b[0] = (uint8_t)(fl >> 8), b[1] = (uint8_t)fl;
    b[2] = (uint8_t)(type >> 8), b[3] = (uint8_t)type;
    n += ((fl & 0x8000) ? 4 : 0) + ((fl & 0x2000) ? 4 : 0) + ((fl & 0x1000) ? 4 : 0);
    memset(b + 4, 0x5a, n - 4 + 32);
    return n + 32;
}

START_TEST(aruba_types)
{
    /* what Zeek's GRE analyzer sends to its 802.11 analyzer */
    static const uint16_t yes[] = {0x8200, 0x8210, 0x82f0, 0x8300, 0x8350, 0x8370, 0x9000};
    static const uint16_t no[] = {0x8201, 0x8100, 0x8000, 0x9010, 0x0200};
    uint8_t b[64];
    fc__inner in;
    size_t i, n;
    for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        n = gre(b, 0, yes[i]);
        ck_assert_msg(gre_exact(b, n, &in) == 0, "type 0x%04x", yes[i]);
        ck_assert_int_eq(in.linktype, FC_LINK_IEEE802_11);
        ck_assert_uint_eq(in.off, 4);
        n = gre(b, 0x2000 | 0x1000, yes[i]); /* key and sequence number */
        ck_assert_int_eq(gre_exact(b, n, &in), 0);
        ck_assert_uint_eq(in.off, 12);
    }
    for (i = 0; i < sizeof no / sizeof no[0]; i++) {
        n = gre(b, 0, no[i]);
        ck_assert_msg(gre_exact(b, n, &in) == -1, "type 0x%04x", no[i]);
    }
    n = gre(b, 0x0001, 0x8200); /* version 1 (PPTP) carries only PPP */
    ck_assert_int_eq(gre_exact(b, n, &in), -1);
}
END_TEST

/* Cut anywhere, a GRE header (with every optional field) is either
 * refused or points inside what is there. */
START_TEST(gre_truncated)
{
    static const uint16_t types[] = {0x8200, 0x0800, 0x86dd, 0x6558, 0x88be, 0x22eb};
    uint8_t b[64];
    fc__inner in;
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        size_t n = gre(b, 0x8000 | 0x2000 | 0x1000, types[t]);
        for (size_t cut = 0; cut <= n; cut++) {
            int rc = gre_exact(b, cut, &in);
            if (cut < 16)
                ck_assert_msg(rc == -1, "type 0x%04x cut %zu", types[t], cut);
            else if (rc == 0)
                ck_assert_uint_le(in.off, cut);
        }
        if (types[t] == 0x8200) { /* a header and nothing behind it */
            ck_assert_int_eq(gre_exact(b, 16, &in), -1);
            ck_assert_int_eq(gre_exact(b, 17, &in), 0);
        }
    }
}
END_TEST

START_TEST(gre_in_udp)
{
    uint8_t b[64];
    fc__inner in;
    size_t n = gre(b, 0, 0x0800);
    b[4] = 0x45;
    ck_assert_int_eq(udp_exact(50000, 4754, b, n, &in), 0);
    ck_assert_int_eq(in.linktype, FC_LINK_RAW);
    ck_assert_uint_eq(in.off, 4);
    /* the reply, from the server port */
    ck_assert_int_eq(udp_exact(4754, 50000, b, n, &in), 0);
    ck_assert_uint_eq(in.off, 4);
    n = gre(b, 0, 0x6558); /* Ethernet in GRE in UDP */
    ck_assert_int_eq(udp_exact(50000, 4754, b, n, &in), 0);
    ck_assert_int_eq(in.linktype, FC_LINK_EN10MB);
    n = gre(b, 0, 0x8230); /* Aruba in GRE in UDP */
    ck_assert_int_eq(udp_exact(50000, 4754, b, n, &in), 0);
    ck_assert_int_eq(in.linktype, FC_LINK_IEEE802_11);
    /* the same bytes on another port are not GRE */
    n = gre(b, 0, 0x0800);
    ck_assert_int_eq(udp_exact(50000, 4755, b, n, &in), -1);
    for (size_t cut = 0; cut < 4; cut++)
        ck_assert_int_eq(udp_exact(50000, 4754, b, cut, &in), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("zeek-tunnel");
    TCase *tc = tcase_create("gre");
    tcase_add_test(tc, aruba_types);
    tcase_add_test(tc, gre_truncated);
    tcase_add_test(tc, gre_in_udp);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
