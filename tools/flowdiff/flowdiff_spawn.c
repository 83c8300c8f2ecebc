/* flowdiff_spawn.c - run flowreplay on a capture and hand back its stdout.
 * No shell: the capture name and options go to execv as they are. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "flowdiff_input.h"

/* Sets buf to DIR/NAME: 0 if that is an executable file, else -1. */
static int try_replay(char *buf, size_t cap, const char *dir, const char *name)
{
    if ((size_t)snprintf(buf, cap, "%s/%s", dir, name) >= cap)
        return -1;
    return access(buf, X_OK) == 0 ? 0 : -1;
}

/* Sets buf to the flowreplay beside our own executable: DIR/flowreplay
 * where DIR holds it (installed, both are in bindir), or, in the build
 * tree where each program has its folder, DIR/../flowreplay/flowreplay;
 * DIR is the parent when libtool put us in .libs/. Returns 0 if found. */
static int sibling_replay(char *buf, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    if (n <= 0)
        return -1;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    n = (ssize_t)strlen(exe);
    if (n > 6 && strcmp(exe + n - 6, "/.libs") == 0)
        exe[n - 6] = '\0';
    if (try_replay(buf, cap, exe, "flowreplay") == 0 ||
        try_replay(buf, cap, exe, "../flowreplay/flowreplay") == 0)
        return 0;
    return -1;
}

int fd_spawn_replay(const char *capture, const fd_replay *rp, int *pid)
{
    char prog[PATH_MAX + 16], capbuf[PATH_MAX + 8];
    const char *argv[48];
    const char *env = getenv("FLOWREPLAY");
    int argc = 0, pfd[2];
    pid_t child;

    if (env && *env)
        snprintf(prog, sizeof prog, "%s", env);
    else if (sibling_replay(prog, sizeof prog) != 0)
        snprintf(prog, sizeof prog, "flowreplay");
    /* A name starting with '-' would read as an option. */
    if (capture[0] == '-') {
        snprintf(capbuf, sizeof capbuf, "./%s", capture);
        capture = capbuf;
    }
    argv[argc++] = prog;
    for (int i = 0; i < rp->argc; i++)
        argv[argc++] = rp->argv[i];
    argv[argc++] = "--format";
    argv[argc++] = rp->connlog ? "zeek" : "csv";
    argv[argc++] = "-q";
    argv[argc++] = "-o";
    argv[argc++] = "-";
    argv[argc++] = capture;
    argv[argc] = NULL;

    if (pipe2(pfd, O_CLOEXEC) != 0) {
        fprintf(stderr, "flowdiff: pipe: %s\n", strerror(errno));
        return -1;
    }
    fflush(NULL);
    child = fork();
    if (child < 0) {
        fprintf(stderr, "flowdiff: fork: %s\n", strerror(errno));
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (child == 0) {
        if (dup2(pfd[1], STDOUT_FILENO) < 0)
            _exit(127);
        if (strchr(prog, '/'))
            execv(prog, (char *const *)argv);
        else
            execvp(prog, (char *const *)argv);
        fprintf(stderr, "flowdiff: cannot run %s: %s\n", prog,
                strerror(errno));
        _exit(127);
    }
    close(pfd[1]);
    *pid = (int)child;
    return pfd[0];
}

int fd_spawn_wait(int pid, const char *capture)
{
    int st;

    while (waitpid((pid_t)pid, &st, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "flowdiff: waitpid: %s\n", strerror(errno));
            return -1;
        }
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    if (WIFEXITED(st))
        fprintf(stderr, "flowdiff: flowreplay failed on %s (exit status %d)\n",
                capture, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        fprintf(stderr, "flowdiff: flowreplay on %s killed by signal %d\n",
                capture, WTERMSIG(st));
    return -1;
}
