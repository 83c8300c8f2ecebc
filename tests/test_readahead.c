/* test_readahead.c - Check tests for the read-ahead thread (fc_readahead.c):
 * records come out in the producer's order with their bytes, across
 * blocks and past a record larger than a block; the status that ends the
 * stream (end of input or an error in the middle) comes after the records
 * before it and again on every later call; stopping early ends the
 * producer without reading the rest; work done on the producer thread
 * for each record (prep) comes out beside that record. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fc_error.h"
#include "fc_readahead.h"

#define HUGE_LEN ((size_t)600 << 10) /* over a block's 256 KiB of bytes */

/* A producer of records whose every field follows from its index. */
typedef struct gen {
    uint64_t n;      /* records to produce (UINT64_MAX: no end) */
    int end;         /* status after them */
    uint64_t calls;  /* records produced so far */
    uint64_t huge_at;/* the index of one HUGE_LEN record (UINT64_MAX: none) */
    uint8_t *buf;    /* its data: valid until the next call, as promised */
} gen;

static uint32_t len_of(const gen *g, uint64_t i)
{
    return i == g->huge_at ? (uint32_t)HUGE_LEN : (uint32_t)(i % 301); /* 0 included */
}

static uint8_t byte_of(uint64_t i, size_t j)
{
    return (uint8_t)(i * 7 + j * 13);
}

static int gen_next(void *ctx, fc_readahead *ra, fc_rec *rec, int *stable)
{
    gen *g = ctx;
    (void)ra;
    *stable = 0; /* g->buf is overwritten by the next call: to be copied */
    if (g->calls == g->n)
        return g->end;
    uint64_t i = g->calls++;
    uint32_t len = len_of(g, i);
    for (size_t j = 0; j < len; j++)
        g->buf[j] = byte_of(i, j);
    memset(rec, 0, sizeof *rec);
    rec->data = g->buf;
    rec->caplen = len;
    rec->wirelen = len + 4;
    rec->ts = (int64_t)i * 1000 + 17;
    rec->linktype = 1;
    rec->file = (unsigned)(i % 3);
    rec->pktno = i + 1;
    return FC_OK;
}

static void gen_init(gen *g, uint64_t n, int end)
{
    memset(g, 0, sizeof *g);
    g->n = n;
    g->end = end;
    g->huge_at = UINT64_MAX;
    g->buf = malloc(HUGE_LEN);
    ck_assert_ptr_nonnull(g->buf);
}

/* Reads records 0..n-1 and checks every field and byte. */
static void expect_records(fc_readahead *ra, const gen *g, uint64_t n)
{
    fc_rec r;
    for (uint64_t i = 0; i < n; i++) {
        ck_assert_int_eq(fc_readahead_next(ra, &r), FC_OK);
        uint32_t len = len_of(g, i);
        ck_assert_uint_eq(r.caplen, len);
        ck_assert_uint_eq(r.wirelen, len + 4);
        ck_assert_int_eq(r.ts, (int64_t)i * 1000 + 17);
        ck_assert_int_eq(r.linktype, 1);
        ck_assert_uint_eq(r.file, (unsigned)(i % 3));
        ck_assert_uint_eq(r.pktno, i + 1);
        /* a copy, not the producer's buffer, which it is overwriting */
        ck_assert_ptr_ne(r.data, g->buf);
        for (size_t j = 0; j < len; j++)
            if (r.data[j] != byte_of(i, j))
                ck_abort_msg("record %llu byte %zu: %u, expected %u", (unsigned long long)i, j,
                             r.data[j], byte_of(i, j));
    }
}

/* Ten blocks' worth of records and one larger than a block: all of them,
 * in order, then FC_DONE, and FC_DONE again. */
START_TEST(test_records_in_order)
{
    gen g;
    gen_init(&g, 10 * 1024 + 5, FC_DONE);
    g.huge_at = 3000;
    fc_readahead *ra = fc_readahead_start(gen_next, &g);
    ck_assert_ptr_nonnull(ra);
    expect_records(ra, &g, g.n);
    fc_rec r;
    ck_assert_int_eq(fc_readahead_next(ra, &r), FC_DONE);
    ck_assert_int_eq(fc_readahead_next(ra, &r), FC_DONE);
    fc_readahead_stop(ra);
    ck_assert_uint_eq(g.calls, g.n);
    free(g.buf);
}
END_TEST

/* An empty input ends at once, with the producer's status. */
START_TEST(test_end_of_input)
{
    gen g;
    gen_init(&g, 0, FC_DONE);
    fc_readahead *ra = fc_readahead_start(gen_next, &g);
    ck_assert_ptr_nonnull(ra);
    fc_rec r;
    ck_assert_int_eq(fc_readahead_next(ra, &r), FC_DONE);
    ck_assert_int_eq(fc_readahead_next(ra, &r), FC_DONE);
    fc_readahead_stop(ra);
    free(g.buf);
}
END_TEST

/* An error after 1,500 records (in the second block): the records before
 * it all come out, then the error, on every later call too. */
START_TEST(test_error_mid_stream)
{
    gen g;
    gen_init(&g, 1500, FC_EFORMAT);
    fc_readahead *ra = fc_readahead_start(gen_next, &g);
    ck_assert_ptr_nonnull(ra);
    expect_records(ra, &g, 1500);
    fc_rec r;
    ck_assert_int_eq(fc_readahead_next(ra, &r), FC_EFORMAT);
    ck_assert_int_eq(fc_readahead_next(ra, &r), FC_EFORMAT);
    fc_readahead_stop(ra);
    ck_assert_uint_eq(g.calls, 1500);
    free(g.buf);
}
END_TEST

/* A consumer that stops after three records of an endless input: stop
 * returns (the producer was woken and joined) and the producer read no
 * more than its blocks hold, not the input to its end. */
START_TEST(test_stop_early)
{
    gen g;
    gen_init(&g, UINT64_MAX, FC_DONE);
    fc_readahead *ra = fc_readahead_start(gen_next, &g);
    ck_assert_ptr_nonnull(ra);
    expect_records(ra, &g, 3);
    fc_readahead_stop(ra);
    /* four blocks of 1,024 records, and the one that did not fit */
    ck_assert_uint_ge(g.calls, 3);
    ck_assert_uint_le(g.calls, 4 * 1024 + 1);
    fc_readahead_stop(NULL); /* allowed, does nothing */
    free(g.buf);
}
END_TEST

/* A producer of stable records (pointers into memory it keeps, as a
 * file's mapping is): each record's data is handed over as the very
 * pointer, not a copy; what the producer deferred runs once each, by the
 * time stop returns at the latest. */
typedef struct sgen {
    uint64_t n, calls;
    uint8_t *mem;
    int deferred, defers; /* deferred: run so far; defers: asked for */
} sgen;

static void sgen_release(void *arg)
{
    ((sgen *)arg)->deferred++;
}

static int sgen_next(void *ctx, fc_readahead *ra, fc_rec *rec, int *stable)
{
    sgen *g = ctx;
    if (g->calls == g->n)
        return FC_DONE;
    uint64_t i = g->calls++;
    if (i % 500 == 499) { /* say, a full buffer retired */
        if (fc_readahead_defer_room(ra) != FC_OK)
            return FC_ENOMEM;
        fc_readahead_defer(ra, sgen_release, g);
        g->defers++;
    }
    memset(rec, 0, sizeof *rec);
    rec->data = g->mem + i;
    rec->caplen = 16;
    rec->wirelen = 16;
    rec->ts = (int64_t)i;
    rec->linktype = 1;
    rec->pktno = i + 1;
    *stable = 1;
    return FC_OK;
}

START_TEST(test_stable_records_not_copied)
{
    sgen g = {.n = 5000};
    g.mem = malloc(g.n + 16);
    ck_assert_ptr_nonnull(g.mem);
    for (uint64_t i = 0; i < g.n + 16; i++)
        g.mem[i] = (uint8_t)i;
    fc_readahead *ra = fc_readahead_start(sgen_next, &g);
    ck_assert_ptr_nonnull(ra);
    fc_rec r;
    for (uint64_t i = 0; i < g.n; i++) {
        ck_assert_int_eq(fc_readahead_next(ra, &r), FC_OK);
        ck_assert_ptr_eq(r.data, g.mem + i);
        ck_assert_int_eq(r.ts, (int64_t)i);
        ck_assert_uint_eq(r.pktno, i + 1);
    }
    ck_assert_int_eq(fc_readahead_next(ra, &r), FC_DONE);
    fc_readahead_stop(ra);
    ck_assert_int_eq(g.defers, 10);
    ck_assert_int_eq(g.deferred, g.defers);
    free(g.mem);
}
END_TEST

/* What a prep writes: 40 bytes (not a multiple of 16: the block's stride
 * is rounded up) from the record and the context alone. */
typedef struct prepd {
    uint64_t pktno, ts, sum, salt;
    uint32_t caplen, first;
} prepd;

static void prep_rec(const void *ctx, const fc_rec *rec, void *out)
{
    prepd p;
    memset(&p, 0, sizeof p);
    p.pktno = rec->pktno;
    p.ts = (uint64_t)rec->ts;
    p.caplen = rec->caplen;
    p.first = rec->caplen ? rec->data[0] : 0xffffffffu;
    for (uint32_t j = 0; j < rec->caplen; j++)
        p.sum += rec->data[j];
    p.salt = *(const uint64_t *)ctx;
    memcpy(out, &p, sizeof p);
}

/* Copied records (a huge one among them) and stable ones: every record's
 * prep output comes out beside it, computed from its bytes, through ten
 * blocks; no prep, no output. */
START_TEST(test_prep_beside_records)
{
    uint64_t salt = 0x5eed;
    gen g;
    gen_init(&g, 10 * 1024 + 5, FC_DONE);
    g.huge_at = 2500;
    fc_readahead *ra = fc_readahead_start_prep(gen_next, &g, prep_rec, &salt, sizeof(prepd));
    ck_assert_ptr_nonnull(ra);
    fc_rec r;
    for (uint64_t i = 0; i < g.n; i++) {
        ck_assert_int_eq(fc_readahead_next(ra, &r), FC_OK);
        const prepd *p = fc_readahead_prep(ra);
        ck_assert_ptr_nonnull(p);
        uint64_t sum = 0;
        for (uint32_t j = 0; j < len_of(&g, i); j++)
            sum += byte_of(i, j);
        ck_assert_uint_eq(p->pktno, i + 1);
        ck_assert_uint_eq(p->ts, (uint64_t)i * 1000 + 17);
        ck_assert_uint_eq(p->caplen, len_of(&g, i));
        ck_assert_uint_eq(p->first, len_of(&g, i) ? byte_of(i, 0) : 0xffffffffu);
        ck_assert_uint_eq(p->sum, sum);
        ck_assert_uint_eq(p->salt, salt);
    }
    ck_assert_int_eq(fc_readahead_next(ra, &r), FC_DONE);
    fc_readahead_stop(ra);
    free(g.buf);

    sgen sg = {.n = 3000};
    sg.mem = malloc(sg.n + 16);
    ck_assert_ptr_nonnull(sg.mem);
    for (uint64_t i = 0; i < sg.n + 16; i++)
        sg.mem[i] = (uint8_t)(i * 3);
    ra = fc_readahead_start_prep(sgen_next, &sg, prep_rec, &salt, sizeof(prepd));
    ck_assert_ptr_nonnull(ra);
    for (uint64_t i = 0; i < sg.n; i++) {
        ck_assert_int_eq(fc_readahead_next(ra, &r), FC_OK);
        ck_assert_ptr_eq(r.data, sg.mem + i);
        const prepd *p = fc_readahead_prep(ra);
        ck_assert_ptr_nonnull(p);
        uint64_t sum = 0;
        for (uint64_t j = 0; j < 16; j++)
            sum += (uint8_t)((i + j) * 3);
        ck_assert_uint_eq(p->pktno, i + 1);
        ck_assert_uint_eq(p->sum, sum);
    }
    fc_readahead_stop(ra);
    free(sg.mem);

    gen_init(&g, 10, FC_DONE);
    ra = fc_readahead_start(gen_next, &g);
    ck_assert_ptr_nonnull(ra);
    ck_assert_int_eq(fc_readahead_next(ra, &r), FC_OK);
    ck_assert_ptr_null(fc_readahead_prep(ra));
    fc_readahead_stop(ra);
    free(g.buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("readahead");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_records_in_order);
    tcase_add_test(tc, test_end_of_input);
    tcase_add_test(tc, test_error_mid_stream);
    tcase_add_test(tc, test_stop_early);
    tcase_add_test(tc, test_stable_records_not_copied);
    tcase_add_test(tc, test_prep_beside_records);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
