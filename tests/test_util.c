/* test_util.c - keys (canonical order, hash, formatting), time (format,
 * parse, durations), error names and event names. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "fc_error.h"
#include "fc_event.h"
#include "fc_flowtab.h"
#include "fc_history.h"
#include "fc_key.h"
#include "fc_time.h"

static void v6(uint8_t a[16], const uint16_t g[8])
{
    for (int i = 0; i < 8; i++) {
        a[2 * i] = (uint8_t)(g[i] >> 8);
        a[2 * i + 1] = (uint8_t)g[i];
    }
}

START_TEST(key_is_canonical_both_directions)
{
    const uint8_t x[4] = {10, 0, 0, 9}, y[4] = {10, 0, 0, 2};
    fc_key k1, k2;
    ck_assert_int_eq(fc_key_make(&k1, FC_AF_INET, x, 80, y, 5000, 6), FC_REVERSE);
    ck_assert_int_eq(fc_key_make(&k2, FC_AF_INET, y, 5000, x, 80, 6), FC_FORWARD);
    ck_assert(fc_key_equal(&k1, &k2));
    ck_assert_int_eq(k1.a[3], 2);
    ck_assert_int_eq(k1.port_a, 5000);
    ck_assert_uint_eq(fc_key_hash(&k1, 7), fc_key_hash(&k2, 7));
    ck_assert_uint_ne(fc_key_hash(&k1, 7), fc_key_hash(&k1, 8));
    /* same address: the port decides, equal ports are forward */
    ck_assert_int_eq(fc_key_make(&k1, FC_AF_INET, x, 9, x, 8, 17), FC_REVERSE);
    ck_assert_int_eq(fc_key_make(&k1, FC_AF_INET, x, 8, x, 8, 17), FC_FORWARD);
    /* the first address byte dominates (big-endian order) */
    const uint8_t lo[4] = {1, 255, 255, 255}, hi[4] = {2, 0, 0, 0};
    ck_assert_int_eq(fc_key_make(&k1, FC_AF_INET, hi, 1, lo, 1, 6), FC_REVERSE);
    /* padding is zero, so different protocols differ */
    fc_key_make(&k2, FC_AF_INET, hi, 1, lo, 1, 17);
    ck_assert(!fc_key_equal(&k1, &k2));
    ck_assert_int_eq(k1.pad[0] | k1.pad[1] | k1.a[4] | k1.b[15], 0);
}
END_TEST

START_TEST(addr_format_rfc5952)
{
    static const struct { uint16_t g[8]; const char *want; } cases[] = {
        {{0, 0, 0, 0, 0, 0, 0, 1}, "::1"},
        {{0, 0, 0, 0, 0, 0, 0, 0}, "::"},
        {{0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}, "2001:db8::1"},
        {{0x2001, 0xdb8, 0, 1, 0, 0, 0, 1}, "2001:db8:0:1::1"},
        {{0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}, "2001:db8::1:0:0:1"},
        {{0x2001, 0xdb8, 0xaaaa, 0xbbbb, 0xcccc, 0xdddd, 0xeeee, 0}, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:0"},
        {{0xfe80, 0, 0, 0, 0, 0, 0, 0}, "fe80::"},
        {{0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0280}, "::ffff:192.0.2.128"},
        {{0xfd00, 0x7, 0, 0, 0, 0, 0, 0x1}, "fd00:7::1"},
        {{1, 0, 1, 0, 1, 0, 1, 0}, "1:0:1:0:1:0:1:0"},
    };
    char buf[FC_ADDRSTRLEN];
    uint8_t a[16];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        v6(a, cases[i].g);
        ck_assert_str_eq(fc_addr_format(FC_AF_INET6, a, buf, sizeof buf), cases[i].want);
    }
    const uint8_t v4[4] = {192, 168, 0, 255};
    ck_assert_str_eq(fc_addr_format(FC_AF_INET, v4, buf, sizeof buf), "192.168.0.255");
    char small[4];
    fc_addr_format(FC_AF_INET, v4, small, sizeof small); /* cut, never overrun */
    ck_assert_uint_lt(strlen(small), sizeof small);
}
END_TEST

START_TEST(ts_format_and_parse)
{
    char b[40];
    fc_ts t;
    fc_ts_format(fc_ts_make(1700000000, 5), b, sizeof b);
    ck_assert_str_eq(b, "1700000000.000000005");
    fc_ts_format(0, b, sizeof b);
    ck_assert_str_eq(b, "0.000000000");
    fc_ts_format(-FC_SEC(1) - 1, b, sizeof b);
    ck_assert_str_eq(b, "-1.000000001");
    ck_assert_int_eq(fc_ts_format(1, b, 10), 0);
    ck_assert_int_eq(fc_ts_parse("1700000000.123456789", 20, &t), 0);
    ck_assert_int_eq(t, fc_ts_make(1700000000, 123456789));
    ck_assert_int_eq(fc_ts_parse("12.5", 4, &t), 0);
    ck_assert_int_eq(t, fc_ts_make(12, 500000000));
    ck_assert_int_eq(fc_ts_parse("12", 2, &t), 0);
    ck_assert_int_eq(t, FC_SEC(12));
    ck_assert_int_eq(fc_ts_parse("12.", 3, &t), FC_EFORMAT);
    ck_assert_int_eq(fc_ts_parse("1.0000000001", 12, &t), FC_EFORMAT);
    ck_assert_int_eq(fc_ts_parse("x", 1, &t), FC_EFORMAT);
    ck_assert_int_eq(fc_ts_parse("", 0, &t), FC_EFORMAT);
    ck_assert_int_eq(fc_ts_parse("99999999999999999999", 20, &t), FC_EFORMAT);
}
END_TEST

START_TEST(duration_parse)
{
    static const struct { const char *s; fc_ts want; } ok[] = {
        {"300", FC_SEC(300)}, {"1.5s", 1500000000}, {"250ms", 250000000},
        {"90us", 90000}, {"7ns", 7}, {"2m", FC_SEC(120)}, {"1h", FC_SEC(3600)},
        {"0", 0}, {"1.5m", FC_SEC(90)}, {"0.000000001", 1}, {"1.500ms", 1500000},
        {".5", 500000000},
    };
    static const char *bad[] = {"", "s", "-1", "1.5x", "1..5", "0.0000000001", "1.5ns",
                                "1e3", " 1", "99999999999999999999h"};
    fc_ts d;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        ck_assert_msg(fc_duration_parse(ok[i].s, &d) == 0, "%s", ok[i].s);
        ck_assert_msg(d == ok[i].want, "%s -> %lld", ok[i].s, (long long)d);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(fc_duration_parse(bad[i], &d) == FC_EFORMAT, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(names_round_trip)
{
    ck_assert_str_eq(fc_strerror(FC_ETRUNC), "truncated header");
    ck_assert_str_eq(fc_errname(FC_DONE), "FC_DONE");
    ck_assert_str_eq(fc_strerror(12345), "unknown error");
    for (int i = 0; i < FC_EV_COUNT; i++) {
        const char *n = fc_event_type_name((fc_event_type)i);
        ck_assert_int_eq(fc_event_type_parse(n, strlen(n)), i);
    }
    for (int i = 1; i < FC_END_COUNT; i++) {
        const char *n = fc_end_reason_name((fc_end_reason)i);
        ck_assert_int_eq(fc_end_reason_parse(n, strlen(n)), i);
    }
    ck_assert_int_eq(fc_event_type_parse("nope", 4), -1);
    char b[8];
    ck_assert_str_eq(fc_proto_name(6, b, sizeof b), "tcp");
    ck_assert_str_eq(fc_proto_name(47, b, sizeof b), "47");
}
END_TEST

/* The packed history live flows keep says what the plain one says, for
 * every flag combination, both sides, past the 16-letter cap. */
START_TEST(history_bits_match_plain)
{
    uint64_t seed = 12345;
    for (int run = 0; run < 2000; run++) {
        fc_history plain = {.len = 0}, unpacked;
        uint64_t bits = 0;
        int n = (int)(seed % 30);
        for (int k = 0; k < n; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint8_t flags = (uint8_t)(seed >> 33);
            fc_side side = (seed >> 50) & 1 ? FC_SIDE_RESPONDER : FC_SIDE_INITIATOR;
            int payload = (int)((seed >> 51) & 1);
            fc_history_push(&plain, flags, side, payload);
            bits = fc_history_bits_push(bits, flags, side, payload);
            ck_assert_uint_eq(bits >> FC_HISTORY_BITS, 0);
        }
        fc_history_bits_unpack(bits, &unpacked);
        ck_assert_uint_eq(unpacked.len, plain.len);
        ck_assert(memcmp(unpacked.c, plain.c, plain.len) == 0);
    }
}
END_TEST

static uint32_t recency_at(const fc_flowtab *ft, int pos)
{
    uint32_t i = ft->recency.head;
    while (pos-- > 0 && i != FC_NIL)
        i = ft->pool[i].rnext;
    return i;
}

/* 32-bit recency stamps: when they reach their limit the live flows are
 * renumbered in recency order, so stamps keep ordering flows exactly. */
START_TEST(touch_stamps_renumber_in_order)
{
    fc_flowtab ft;
    ck_assert_int_eq(fc__flowtab_init(&ft, 16, 0, 99), FC_OK);
    ft.touch_max = 20;
    uint32_t idx[5];
    for (int k = 0; k < 5; k++) {
        fc_key key;
        uint8_t a[4] = {10, 0, 0, (uint8_t)(k + 1)}, b[4] = {10, 0, 1, 1};
        fc_key_make(&key, FC_AF_INET, a, 1000, b, 80, 6);
        idx[k] = fc__flowtab_insert(&ft, &key, fc_key_hash(&key, 99), FC_CLASS_TCP,
                                    FC_SEC(1), 16);
        ck_assert_uint_ne(idx[k], FC_NIL);
    }
    for (int round = 0; round < 50; round++) {
        int k = (round * 7 + 3) % 5;
        fc__flowtab_touch(&ft, idx[k], FC_SEC(1) + round);
        ck_assert_uint_le(ft.next_touch, 21);
        ck_assert_uint_eq(recency_at(&ft, 0), idx[k]);
        /* stamps strictly decrease along the recency list */
        for (int pos = 1; pos < 5; pos++)
            ck_assert_uint_gt(ft.pool[recency_at(&ft, pos - 1)].touch,
                              ft.pool[recency_at(&ft, pos)].touch);
    }
    fc__flowtab_destroy(&ft);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("all");
    tcase_add_test(tc, key_is_canonical_both_directions);
    tcase_add_test(tc, addr_format_rfc5952);
    tcase_add_test(tc, ts_format_and_parse);
    tcase_add_test(tc, duration_parse);
    tcase_add_test(tc, names_round_trip);
    tcase_add_test(tc, history_bits_match_plain);
    tcase_add_test(tc, touch_stamps_renumber_in_order);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
