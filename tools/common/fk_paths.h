/* fk_paths.h - output paths checked against the inputs before writing.
 *
 * Nothing a tool writes may replace one of its inputs: an output path
 * naming the same file as an input (same device and inode, so hard and
 * symbolic links and "./x" spellings are caught too) is refused before
 * anything is opened for writing. */
#ifndef FK_PATHS_H
#define FK_PATHS_H

/* Checks an output against every input path (n of them; "-" is standard
 * input and is compared through descriptor 0). `out` NULL or "-" means
 * standard output: compared only when it is a regular file (a shell
 * redirection onto an input). An output that does not exist yet is
 * never an input. Returns 0 when `out` is none of the inputs, else
 * prints "PROG: OUT is also input IN; refusing to overwrite it" on
 * stderr and returns -1. `what` names the output in the message
 * ("output", "--stats", "database"). */
int fk_refuse_input_as_output(const char *prog, const char *what, const char *out,
                              char *const *inputs, int n);

#endif
