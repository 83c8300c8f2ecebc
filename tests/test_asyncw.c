/* test_asyncw.c - the event writer's failures and its thread
 * (tools/common/fk_asyncw.c).
 *
 * - A write that fails is reported as FC_EIO, and why is saved in the
 *   writer (fc_writer_errno): ENOSPC on /dev/full, EPIPE on a pipe
 *   nobody reads.
 * - With the writer on its own thread, the cause comes back the same
 *   way, after the thread is joined, and the calling thread's errno is
 *   left alone: errno is never carried from one thread to another.
 * - Written on the thread or inline, the bytes are the same. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fc_decode.h"
#include "fc_error.h"
#include "fc_writer.h"
#include "fk_asyncw.h"

/* Enough rows to fill the writer's buffer many times over, so the
 * thread itself meets the failing write, not only the final flush. */
#define NEV 20000

static void make_event(fc_event *ev, int i)
{
    static const uint8_t a[4] = {192, 0, 2, 1}, b[4] = {198, 51, 100, 7};
    memset(ev, 0, sizeof *ev);
    ev->type = i % 3 == 0 ? FC_EV_STARTED : i % 3 == 1 ? FC_EV_PACKET : FC_EV_ENDED;
    ev->ts = FC_SEC(1700000000) + (fc_ts)i * 1000;
    ev->init_orient = fc_key_make(&ev->key, FC_AF_INET, a, (uint16_t)(1024 + i % 5000), b, 443,
                                  FC_PROTO_TCP);
    ev->len = 60;
    ev->reason = FC_END_FIN;
    ev->stats.started = ev->ts - 1000;
    ev->stats.last_seen = ev->ts;
    ev->stats.packets[0] = 3;
    ev->stats.bytes[0] = 180;
}

/* Writes NEV events to fd, on a thread or inline. Returns the first
 * failure (FC_OK if none) and the writer's saved cause in *cause; *err
 * is errno as the calling thread sees it afterwards. */
static int write_events(int fd, int threaded, int *cause, int *err)
{
    fc_writer *w = fc_writer_new(fd, FC_FMT_CSV, 0, NULL);
    ck_assert_ptr_nonnull(w);
    fk_asyncw *a = NULL;
    if (threaded) {
        a = fk_asyncw_start(w);
        ck_assert_ptr_nonnull(a);
    }
    int rc = FC_OK;
    for (int i = 0; i < NEV && rc == FC_OK; i++) {
        fc_event ev;
        make_event(&ev, i);
        rc = threaded ? fk_asyncw_push(a, &ev) : fc_writer_event(w, &ev);
    }
    errno = EDOM; /* a value no write gives: finishing must not change it */
    int frc = fk_asyncw_finish(a);
    *err = errno;
    if (rc == FC_OK)
        rc = frc;
    if (rc == FC_OK)
        rc = fc_writer_flush(w);
    *cause = fc_writer_errno(w);
    fc_writer_close(w);
    return rc;
}

START_TEST(full_device)
{
    int fd = open("/dev/full", O_WRONLY);
    if (fd < 0)
        return; /* no /dev/full here: nothing to test against */
    int cause, err;
    ck_assert_int_eq(write_events(fd, _i, &cause, &err), FC_EIO);
    ck_assert_int_eq(cause, ENOSPC);
    if (_i)
        ck_assert_int_eq(err, EDOM); /* the thread's errno stayed there */
    close(fd);
}
END_TEST

START_TEST(closed_pipe)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    int cause, err;
    ck_assert_int_eq(write_events(p[1], _i, &cause, &err), FC_EIO);
    ck_assert_int_eq(cause, EPIPE);
    if (_i)
        ck_assert_int_eq(err, EDOM);
    close(p[1]);
}
END_TEST

/* The whole output of NEV events, inline or on the thread. */
static char *output(int threaded, size_t *len)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    int cause, err;
    ck_assert_int_eq(write_events(fileno(f), threaded, &cause, &err), FC_OK);
    ck_assert_int_eq(cause, 0);
    long n = lseek(fileno(f), 0, SEEK_END);
    ck_assert_int_gt(n, 0);
    char *buf = malloc((size_t)n);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(pread(fileno(f), buf, (size_t)n, 0), n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

START_TEST(thread_writes_the_same_bytes)
{
    size_t n0, n1;
    char *inline_out = output(0, &n0), *thread_out = output(1, &n1);
    ck_assert_uint_eq(n0, n1);
    ck_assert(memcmp(inline_out, thread_out, n0) == 0);
    free(inline_out);
    free(thread_out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("writer");
    TCase *tc = tcase_create("writer");
    /* _i: 0 inline, 1 on the writer's thread */
    tcase_add_loop_test(tc, full_device, 0, 2);
    tcase_add_loop_test(tc, closed_pipe, 0, 2);
    tcase_add_test(tc, thread_writes_the_same_bytes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
