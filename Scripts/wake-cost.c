// CPU cost of one sampler wake-up on this machine, in C, for comparison with the meter benchmark.
//   gcc -O2 -o /tmp/wake-cost Scripts/wake-cost.c
//   /tmp/wake-cost MODE [MS] [N]   # N wake-ups MS ms apart (default 100 ms × 100); prints CPU µs per wake-up
// Modes:
//   0  nanosleep only (the floor)
//   1  poll on a child's pidfd with a timeout (Greenlight's wait until 2026-11-29)
//   2  1 + one pread of /proc/PID/schedstat (an idle sample until 2026-11-29)
//   3  futex wait with an absolute CLOCK_MONOTONIC deadline (Greenlight's wait now)
//   4  3 + clock_gettime of the child's process CPU clock (an idle sample now)
// CPU time is this thread's (CLOCK_THREAD_CPUTIME_ID).
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double thread_cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int mode = argc > 1 ? atoi(argv[1]) : 0;
    int ms = argc > 2 ? atoi(argv[2]) : 100;
    int n = argc > 3 ? atoi(argv[3]) : 100;
    pid_t child = fork();
    if (child == 0) { pause(); _exit(0); }
    int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/schedstat", child);
    int schedstat = open(path, O_RDONLY);
    char buffer[256];
    clockid_t child_clock;
    clock_getcpuclockid(child, &child_clock);
    uint32_t word = 0;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);

    double t0 = thread_cpu();
    for (int i = 0; i < n; i++) {
        next.tv_nsec += ms * 1000000L;
        while (next.tv_nsec >= 1000000000L) { next.tv_nsec -= 1000000000L; next.tv_sec++; }
        if (mode == 0) {
            struct timespec step = { ms / 1000, (ms % 1000) * 1000000L };
            nanosleep(&step, NULL);
        } else if (mode <= 2) {
            struct pollfd p = { pidfd, POLLIN, 0 };
            poll(&p, 1, ms);
            if (mode == 2) pread(schedstat, buffer, sizeof buffer, 0);
        } else {
            syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 0, &next, NULL, FUTEX_BITSET_MATCH_ANY);
            if (mode == 4) { struct timespec t; clock_gettime(child_clock, &t); }
        }
    }
    printf("mode %d: %.1f us per wake-up (%d wake-ups, %d ms apart)\n", mode, (thread_cpu() - t0) / n * 1e6, n, ms);
    kill(child, SIGKILL);
    return 0;
}
