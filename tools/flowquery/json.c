/* json.c - JSON text for flowquery's two JSON outputs (--format json in
 * out.c, --format zeek-json in zjson.c): strings escaped, and which of
 * SQLite's number texts JSON can carry as numbers. */
#include <stdio.h>
#include <string.h>
#include "fq.h"

void fq_json_string(FILE *out, const char *s)
{
    putc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            putc(*p, out);
    }
    putc('"', out);
}

/* A REAL or INTEGER as SQLite formats it is a JSON number unless it is
 * Inf or NaN. */
int fq_json_number(const char *s)
{
    return s && (*s == '-' || (*s >= '0' && *s <= '9')) && !strpbrk(s, "IiNn");
}
