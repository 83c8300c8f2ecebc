/* flowdiff_probe.c - reads the first rows of an input to learn how it
 * was made. A guess only where the file cannot say: the event selection
 * is "all" when a packet event is among the first rows (flowreplay
 * writes one for a flow's first packet, right after started) and
 * "lifecycle" when rows of ended flows come without any. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "flowdiff_probe.h"

#define PROBE_BYTES (256 * 1024)

static int is_pcap(const unsigned char *b, size_t n)
{
    static const unsigned char m[][4] = {{0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4},
                                         {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},
                                         {0x0a, 0x0d, 0x0d, 0x0a}};
    for (size_t i = 0; n >= 4 && i < sizeof m / sizeof m[0]; i++)
        if (memcmp(b, m[i], 4) == 0)
            return 1;
    return 0;
}

/* The first line of buf[0..n) equals or starts a CSV header with `col`? */
static int header_has(const char *line, size_t n, const char *col)
{
    size_t k = strlen(col);
    for (size_t i = 0; i + k <= n; i++)
        if ((i == 0 || line[i - 1] == ',') && memcmp(line + i, col, k) == 0 &&
            (i + k == n || line[i + k] == ',' || line[i + k] == '\r' || line[i + k] == '\n'))
            return 1;
    return 0;
}

static void probe_csv(const char *b, size_t n, fd_probe *p)
{
    const char *nl = memchr(b, '\n', n);
    size_t hl = nl ? (size_t)(nl - b) : n;
    p->zeek = header_has(b, hl, "conn_state") || header_has(b, hl, "zeek_history");
    int ended = 0;
    for (const char *q = nl ? nl + 1 : b + n; q < b + n;) {
        const char *e = memchr(q, '\n', (size_t)(b + n - q));
        if (!e)
            break; /* a row cut by the probe's end */
        /* the event is the third column: seq,ts,event,... */
        const char *c1 = memchr(q, ',', (size_t)(e - q));
        const char *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(e - c1 - 1)) : NULL;
        const char *c3 = c2 ? memchr(c2 + 1, ',', (size_t)(e - c2 - 1)) : NULL;
        if (c3) {
            size_t k = (size_t)(c3 - c2 - 1);
            if (k == 6 && memcmp(c2 + 1, "packet", 6) == 0) {
                p->sel = FD_SEL_ALL;
                return;
            }
            if (k == 5 && memcmp(c2 + 1, "ended", 5) == 0)
                ended = 1;
        }
        q = e + 1;
    }
    if (ended)
        p->sel = FD_SEL_LIFECYCLE;
}

static void probe_jsonl(const char *b, size_t n, fd_probe *p)
{
    /* a bounded search: the buffer is NUL-terminated by the caller */
    (void)n;
    p->zeek = strstr(b, "\"conn_state\"") || strstr(b, "\"zeek_history\"");
    if (strstr(b, "\"event\":\"packet\""))
        p->sel = FD_SEL_ALL;
    else if (strstr(b, "\"event\":\"ended\""))
        p->sel = FD_SEL_LIFECYCLE;
}

void fd_probe_file(const char *path, fd_probe *p)
{
    struct stat st;
    memset(p, 0, sizeof *p);
    if (strcmp(path, "-") == 0)
        return;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    char *b = malloc(PROBE_BYTES + 1);
    size_t n = 0;
    if (b && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        ssize_t k;
        while (n < PROBE_BYTES && (k = read(fd, b + n, PROBE_BYTES - n)) > 0)
            n += (size_t)k;
    }
    close(fd);
    if (!b || n == 0) {
        free(b);
        return;
    }
    b[n] = '\0';
    size_t i = 0;
    while (i < n && strchr(" \t\r\n", b[i]))
        i++;
    if (is_pcap((const unsigned char *)b, n))
        p->kind = FD_PK_CAPTURE;
    else if (strncmp(b + i, "#separator", 10) == 0 ||
             (b[i] == '{' && strstr(b, "\"id.orig_h\"") && strstr(b, "\"uid\"")))
        p->kind = FD_PK_CONNLOG;
    else {
        p->kind = FD_PK_EVENTS;
        if (b[i] == '{')
            probe_jsonl(b + i, n - i, p);
        else
            probe_csv(b + i, n - i, p);
    }
    free(b);
}
