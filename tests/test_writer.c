/* test_writer.c - Check tests for the event writer (fc_writer.c): the exact
 * rows of known events in each format (CSV, JSON Lines, chosen columns
 * with ISO times, extension columns, lifecycle numbering), and how a
 * write error is reported. The expected rows follow docs/format-csv.md
 * and docs/format-jsonl.md, written out by hand. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc_error.h"
#include "fc_key.h"
#include "fc_writer.h"

#define T0 INT64_C(1700000000000000000) /* 2023-11-14T22:13:20Z */

/* A TCP flow 10.0.0.1:40001 -> 10.0.0.2:80 (initiator first): its
 * STARTED event, one responder packet of 60 bytes, and its end by FIN. */
static void flow_events(fc_event ev[3])
{
    const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
    memset(ev, 0, 3 * sizeof *ev);
    fc_orient o = fc_key_make(&ev[0].key, FC_AF_INET, a, 40001, b, 80, FC_PROTO_TCP);
    for (int i = 0; i < 3; i++) {
        ev[i].key = ev[0].key;
        ev[i].init_orient = o;
        ev[i].stats.started = T0;
    }
    ev[0].type = FC_EV_STARTED;
    ev[0].ts = T0;
    ev[0].side = FC_SIDE_INITIATOR;
    ev[1].type = FC_EV_PACKET;
    ev[1].ts = T0 + 1500000; /* 1.5 ms */
    ev[1].side = FC_SIDE_RESPONDER;
    ev[1].len = 60;
    ev[2].type = FC_EV_ENDED;
    ev[2].ts = T0 + 9000000;
    ev[2].reason = FC_END_FIN;
    ev[2].stats.last_seen = ev[2].ts;
    ev[2].stats.packets[0] = 6;
    ev[2].stats.packets[1] = 4;
    ev[2].stats.bytes[0] = 448;
    ev[2].stats.bytes[1] = 620;
    memcpy(ev[2].history.c, "SsDdFf", 6);
    ev[2].history.len = 6;
}

/* Writes events through a writer on a temporary file; returns what the
 * file holds (malloc'd). */
static char *write_all(fc_format fmt, unsigned flags, const fc_writer_ext *ext,
                       const char *fields, int iso, const fc_event *ev, size_t n)
{
    char path[] = "/tmp/test_writer.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    fc_writer *w = fc_writer_new(fd, fmt, flags, ext);
    ck_assert_ptr_nonnull(w);
    if (fields || iso) {
        char err[256];
        ck_assert_int_eq(fc_writer_columns(w, fields, iso, err, sizeof err), FC_OK);
    }
    ck_assert_int_eq(fc_writer_events(w, ev, n), FC_OK);
    ck_assert_int_eq(fc_writer_close(w), FC_OK);
    off_t size = lseek(fd, 0, SEEK_END);
    ck_assert_int_ge(size, 0);
    char *buf = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(pread(fd, buf, (size_t)size, 0), size);
    buf[size] = '\0';
    close(fd);
    return buf;
}

START_TEST(test_csv_rows)
{
    fc_event ev[3];
    flow_events(ev);
    char *got = write_all(FC_FMT_CSV, 0, NULL, NULL, 0, ev, 3);
    ck_assert_str_eq(got,
        "seq,ts,event,proto,orig_h,orig_p,resp_h,resp_p,side,len,from_state,to_state,"
        "reason,orig_pkts,resp_pkts,orig_bytes,resp_bytes,history,flow_start,fmt\n"
        "1,1700000000.000000000,started,tcp,10.0.0.1,40001,10.0.0.2,80,orig,,,,,,,,,,"
        "1700000000.000000000,1\n"
        "2,1700000000.001500000,packet,tcp,10.0.0.1,40001,10.0.0.2,80,resp,60,,,,,,,,,"
        "1700000000.000000000,1\n"
        "3,1700000000.009000000,ended,tcp,10.0.0.1,40001,10.0.0.2,80,,,,,fin,6,4,448,620,"
        "SsDdFf,1700000000.000000000,1\n");
    free(got);
}
END_TEST

START_TEST(test_jsonl_rows)
{
    fc_event ev[3];
    flow_events(ev);
    char *got = write_all(FC_FMT_JSONL, 0, NULL, NULL, 0, ev, 3);
    ck_assert_str_eq(got,
        "{\"seq\":1,\"ts\":\"1700000000.000000000\",\"event\":\"started\",\"proto\":\"tcp\","
        "\"orig_h\":\"10.0.0.1\",\"orig_p\":40001,\"resp_h\":\"10.0.0.2\",\"resp_p\":80,"
        "\"side\":\"orig\",\"flow_start\":\"1700000000.000000000\",\"fmt\":1}\n"
        "{\"seq\":2,\"ts\":\"1700000000.001500000\",\"event\":\"packet\",\"proto\":\"tcp\","
        "\"orig_h\":\"10.0.0.1\",\"orig_p\":40001,\"resp_h\":\"10.0.0.2\",\"resp_p\":80,"
        "\"side\":\"resp\",\"len\":60,\"flow_start\":\"1700000000.000000000\",\"fmt\":1}\n"
        "{\"seq\":3,\"ts\":\"1700000000.009000000\",\"event\":\"ended\",\"proto\":\"tcp\","
        "\"orig_h\":\"10.0.0.1\",\"orig_p\":40001,\"resp_h\":\"10.0.0.2\",\"resp_p\":80,"
        "\"reason\":\"fin\",\"orig_pkts\":6,\"resp_pkts\":4,\"orig_bytes\":448,"
        "\"resp_bytes\":620,\"history\":\"SsDdFf\",\"flow_start\":\"1700000000.000000000\","
        "\"fmt\":1}\n");
    free(got);
}
END_TEST

/* --events lifecycle: the packet event is left out and the numbering
 * has no gap. */
START_TEST(test_lifecycle_numbering)
{
    fc_event ev[3];
    flow_events(ev);
    char *got = write_all(FC_FMT_CSV, FC_WRITER_LIFECYCLE, NULL, "seq,event", 0, ev, 3);
    ck_assert_str_eq(got, "seq,event\n1,started\n2,ended\n");
    free(got);
}
END_TEST

/* --fields in a chosen order with --time-format iso, in both formats. */
START_TEST(test_fields_iso)
{
    fc_event ev[3];
    flow_events(ev);
    char *got = write_all(FC_FMT_CSV, 0, NULL, "event,ts,orig_bytes", 1, &ev[2], 1);
    ck_assert_str_eq(got, "event,ts,orig_bytes\nended,2023-11-14T22:13:20.009000000Z,448\n");
    free(got);
    got = write_all(FC_FMT_JSONL, 0, NULL, "event,ts,orig_bytes", 1, &ev[2], 1);
    ck_assert_str_eq(got, "{\"event\":\"ended\",\"ts\":\"2023-11-14T22:13:20.009000000Z\","
                          "\"orig_bytes\":448}\n");
    free(got);
}
END_TEST

START_TEST(test_unknown_field)
{
    int fd = open("/dev/null", O_WRONLY);
    ck_assert_int_ge(fd, 0);
    fc_writer *w = fc_writer_new(fd, FC_FMT_CSV, 0, NULL);
    ck_assert_ptr_nonnull(w);
    char err[512] = "";
    ck_assert_int_eq(fc_writer_columns(w, "seq,nosuch", 0, err, sizeof err), FC_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "nosuch"));
    ck_assert_int_eq(fc_writer_close(w), FC_OK);
    close(fd);
}
END_TEST

/* Extension columns (as --zeek-fields adds): after the core ones, a
 * number column unquoted in JSON, an empty value left out of JSON. */
static void ext_fill(void *ctx, const fc_event *ev, const char **vals, char *scratch,
                     size_t cap)
{
    (void)ctx;
    snprintf(scratch, cap, "%u", (unsigned)ev->type);
    vals[0] = scratch;
    vals[1] = ev->type == FC_EV_ENDED ? "S1" : "";
}

START_TEST(test_ext_columns)
{
    static const char *const names[] = {"kind", "state"};
    static const unsigned char num[] = {1, 0};
    fc_writer_ext ext = {2, names, num, ext_fill, NULL};
    fc_event ev[3];
    flow_events(ev);
    char *got = write_all(FC_FMT_CSV, 0, &ext, "seq,kind,state", 0, ev, 3);
    ck_assert_str_eq(got, "seq,kind,state\n1,0,\n2,1,\n3,4,S1\n");
    free(got);
    got = write_all(FC_FMT_JSONL, 0, &ext, "seq,kind,state", 0, &ev[2], 1);
    ck_assert_str_eq(got, "{\"seq\":1,\"kind\":4,\"state\":\"S1\"}\n");
    free(got);
}
END_TEST

/* A device that is full: the failure is FC_EIO with errno ENOSPC, at the
 * latest when the rows are flushed, and every later call fails too. */
START_TEST(test_write_error)
{
    int fd = open("/dev/full", O_WRONLY);
    ck_assert_int_ge(fd, 0);
    fc_writer *w = fc_writer_new(fd, FC_FMT_CSV, 0, NULL);
    ck_assert_ptr_nonnull(w);
    fc_event ev[3];
    flow_events(ev);
    int rc = fc_writer_events(w, ev, 3);
    if (rc == FC_OK)
        rc = fc_writer_flush(w);
    ck_assert_int_eq(rc, FC_EIO);
    ck_assert_int_eq(errno, ENOSPC);
    ck_assert_int_eq(fc_writer_event(w, &ev[0]), FC_EIO);
    ck_assert_int_eq(fc_writer_flush(w), FC_EIO);
    ck_assert_int_eq(fc_writer_close(w), FC_EIO);
    close(fd);
}
END_TEST

/* A reader that went away: EPIPE (SIGPIPE ignored, as the tools do). */
START_TEST(test_closed_pipe)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    fc_writer *w = fc_writer_new(p[1], FC_FMT_JSONL, 0, NULL);
    ck_assert_ptr_nonnull(w);
    fc_event ev[3];
    flow_events(ev);
    int rc = fc_writer_events(w, ev, 3);
    if (rc == FC_OK)
        rc = fc_writer_flush(w);
    ck_assert_int_eq(rc, FC_EIO);
    ck_assert_int_eq(errno, EPIPE);
    ck_assert_int_eq(fc_writer_close(w), FC_EIO);
    close(p[1]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("writer");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_csv_rows);
    tcase_add_test(tc, test_jsonl_rows);
    tcase_add_test(tc, test_lifecycle_numbering);
    tcase_add_test(tc, test_fields_iso);
    tcase_add_test(tc, test_unknown_field);
    tcase_add_test(tc, test_ext_columns);
    tcase_add_test(tc, test_write_error);
    tcase_add_test(tc, test_closed_pipe);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
