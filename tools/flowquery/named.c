/* named.c - named queries: sql/queries/NAME.sql, found without a path.
 * The search path is $FLOWKIT_SQLDIR, then the installed directory
 * ($(pkgdatadir)/queries), then the source tree's sql/queries (for runs
 * from the build tree before make install). A query's description is
 * its file's first line, a "-- " comment. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fq.h"

#ifndef FQ_QUERYDIR
#define FQ_QUERYDIR "/usr/local/share/flowkit/queries"
#endif
#ifndef FQ_SRCQUERYDIR
#define FQ_SRCQUERYDIR "sql/queries"
#endif

#define MAX_QUERY_BYTES (1 << 20) /* a query file larger than this is no query */
#define MAX_NAMES 256

/* The search path, in order; unset or empty entries are NULL. */
static void search_path(const char *dirs[3])
{
    const char *env = getenv("FLOWKIT_SQLDIR");
    dirs[0] = env && *env ? env : NULL;
    dirs[1] = FQ_QUERYDIR;
    dirs[2] = FQ_SRCQUERYDIR;
}

int fq_is_sql(const char *q)
{
    return strpbrk(q, " \t\n\r;(") != NULL;
}

/* Reads a whole (small) file. NULL with err set. */
static char *slurp(const char *path, char *err, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, cap, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(MAX_QUERY_BYTES + 1);
    size_t n = buf ? fread(buf, 1, MAX_QUERY_BYTES + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad || n > MAX_QUERY_BYTES) {
        snprintf(err, cap, "%s: %s", path,
                 !buf ? "out of memory" : bad ? "read error" : "larger than 1 MiB, not a query");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        snprintf(err, cap, "%s: binary file, not SQL text", path);
        free(buf);
        return NULL;
    }
    return buf;
}

static int valid_name(const char *s)
{
    if (!*s || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return 0;
    return 1;
}

static char *load(const char *name, int pg, char *err, size_t cap);

char *fq_named_load(const char *name, char *err, size_t cap)
{
    return load(name, 0, err, cap);
}

char *fq_named_load_pg(const char *name, char *err, size_t cap)
{
    return load(name, 1, err, cap);
}

/* pg: look for sql/queries/pg/NAME.sql (PostgreSQL's SQL) first. */
static char *load(const char *name, int pg, char *err, size_t cap)
{
    const char *dirs[3];
    char path[4096], alt[80];
    size_t len = strlen(name);
    struct stat st;

    if (strchr(name, '/') || (len > 4 && strcmp(name + len - 4, ".sql") == 0))
        return slurp(name, err, cap);
    if (!valid_name(name)) {
        snprintf(err, cap, "'%s' is neither a query name nor SQL text", name);
        return NULL;
    }
    /* top_talkers finds top-talkers too */
    snprintf(alt, sizeof alt, "%s", name);
    for (char *p = alt; *p; p++)
        if (*p == '_')
            *p = '-';
    search_path(dirs);
    for (int i = 0; i < 3; i++) {
        if (!dirs[i])
            continue;
        for (int k = 0; k < 4; k++) {
            if (k < 2 && !pg)
                continue;
            snprintf(path, sizeof path, "%s/%s%s.sql", dirs[i], k < 2 ? "pg/" : "",
                     k % 2 ? alt : name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
                return slurp(path, err, cap);
        }
    }
    snprintf(err, cap, "no query named '%s' (flowquery --list names them)", name);
    return NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first line of the file if it is a "--" comment, without the
 * dashes; "" otherwise. */
static void describe(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    buf[0] = '\0';
    if (!f)
        return;
    char line[512];
    if (fgets(line, sizeof line, f) && strncmp(line, "--", 2) == 0) {
        char *s = line + 2;
        while (*s == ' ' || *s == '-')
            s++;
        s[strcspn(s, "\r\n")] = '\0';
        snprintf(buf, cap, "%s", s);
    }
    fclose(f);
}

int fq_named_list(FILE *out, char *err, size_t cap)
{
    const char *dirs[3];
    search_path(dirs);
    for (int i = 0; i < 3; i++) {
        DIR *d = dirs[i] ? opendir(dirs[i]) : NULL;
        if (!d)
            continue;
        char *names[MAX_NAMES];
        int n = 0;
        struct dirent *e;
        while ((e = readdir(d)) && n < MAX_NAMES) {
            size_t len = strlen(e->d_name);
            if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0 && e->d_name[0] != '.' &&
                (names[n] = strndup(e->d_name, len - 4)))
                n++;
        }
        closedir(d);
        if (!n)
            continue;
        qsort(names, (size_t)n, sizeof *names, by_name);
        int w = 0;
        for (int k = 0; k < n; k++)
            if ((int)strlen(names[k]) > w)
                w = (int)strlen(names[k]);
        for (int k = 0; k < n; k++) {
            char path[4096], desc[512];
            snprintf(path, sizeof path, "%s/%s.sql", dirs[i], names[k]);
            describe(path, desc, sizeof desc);
            fprintf(out, "%-*s  %s\n", w, names[k], desc);
            free(names[k]);
        }
        return 0;
    }
    snprintf(err, cap, "no named queries found (looked in %s%s%s, %s)",
             dirs[0] ? dirs[0] : "", dirs[0] ? ", " : "", dirs[1], dirs[2]);
    return -1;
}
