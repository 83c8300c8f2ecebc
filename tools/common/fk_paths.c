/* fk_paths.c - refuses an output that is one of the inputs. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fk_paths.h"

static int is_stdio(const char *p)
{
    return !p || strcmp(p, "-") == 0;
}

int fk_refuse_input_as_output(const char *prog, const char *what, const char *out,
                              char *const *inputs, int n)
{
    struct stat so, si;
    if (is_stdio(out)) {
        /* a terminal, pipe or /dev/null cannot be a capture we read */
        if (fstat(STDOUT_FILENO, &so) != 0 || !S_ISREG(so.st_mode))
            return 0;
    } else if (stat(out, &so) != 0) {
        return 0; /* not there yet (or unreachable: opening it will say) */
    }
    for (int i = 0; i < n; i++) {
        int rc = strcmp(inputs[i], "-") == 0 ? fstat(STDIN_FILENO, &si) : stat(inputs[i], &si);
        if (rc != 0 || si.st_dev != so.st_dev || si.st_ino != so.st_ino)
            continue;
        fprintf(stderr, "%s: %s %s is also input %s; refusing to overwrite it\n", prog, what,
                is_stdio(out) ? "(standard output)" : out,
                strcmp(inputs[i], "-") == 0 ? "(standard input)" : inputs[i]);
        return -1;
    }
    return 0;
}
