#define _GNU_SOURCE
#include "CGreenlightShims.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <unistd.h>

#if defined(__linux__) && !defined(PR_SET_CHILD_SUBREAPER)
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#endif
#ifndef SI_KERNEL
#define SI_KERNEL 0x80
#endif

/* ---- Subreaper ------------------------------------------------------------------------ */

#ifdef __linux__
int greenlight_set_child_subreaper(int enable) {
    return prctl(PR_SET_CHILD_SUBREAPER, (unsigned long)(enable ? 1 : 0), 0UL, 0UL, 0UL);
}

int greenlight_is_child_subreaper(void) {
    int value = 0;
    if (prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&value, 0UL, 0UL, 0UL) != 0) return -1;
    return value ? 1 : 0;
}
#else
/* Subreapers are a Linux feature; elsewhere orphans go to init and are not followed. */
int greenlight_set_child_subreaper(int enable) {
    (void)enable;
    errno = ENOSYS;
    return -1;
}

int greenlight_is_child_subreaper(void) {
    errno = ENOSYS;
    return -1;
}
#endif

/* ---- Signal forwarding ---------------------------------------------------------------- */

static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
#define FORWARDED_COUNT ((int)(sizeof(forwarded_signals) / sizeof(forwarded_signals[0])))

/* Read by the handler: lock-free atomics only. 0 marks a free slot. */
static _Atomic pid_t targets[GREENLIGHT_FORWARD_MAX_TARGETS];
/* A signal that arrived while no target was registered; 0 when none. */
static _Atomic int pending_signal;
static _Atomic long forwarded_total;
/* Bit N: signal N was forwarded and is due to the rest of the tree (see greenlight_take_tree_signals). */
static _Atomic unsigned tree_pending;

/* Written only under `state_lock`, never by the handler. */
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static int retain_count;
static struct sigaction saved_actions[FORWARDED_COUNT];

int greenlight_should_forward(int code, pid_t sender) {
    /* The tty driver signals the whole foreground process group with si_code SI_KERNEL and no
     * sender; the child shares our process group, so it has its own copy already. */
    return (code == SI_KERNEL && sender == 0) ? 0 : 1;
}

long greenlight_forwarded_count(void) {
    return atomic_load(&forwarded_total);
}

unsigned greenlight_take_tree_signals(void) {
    unsigned mask = atomic_exchange(&tree_pending, 0u);
    /* Delivered to the tree now: nothing is left to re-raise at the last release. */
    if (mask != 0) atomic_store(&pending_signal, 0);
    return mask;
}

static void forwarding_handler(int signo, siginfo_t *info, void *context) {
    (void)context;
    int saved_errno = errno; /* kill() may clobber it for the interrupted code */
    if (info == NULL || greenlight_should_forward(info->si_code, info->si_pid)) {
        int delivered = 0;
        for (int i = 0; i < GREENLIGHT_FORWARD_MAX_TARGETS; i++) {
            pid_t pid = atomic_load(&targets[i]);
            if (pid > 0) {
                kill(pid, signo);
                delivered = 1;
            }
        }
        if (delivered) {
            atomic_fetch_add(&forwarded_total, 1);
        } else {
            atomic_store(&pending_signal, signo);
        }
        /* The rest of the tree gets the terminating signals too, as a terminal would signal the whole group. */
        if (signo == SIGINT || signo == SIGTERM || signo == SIGHUP || signo == SIGQUIT) {
            atomic_fetch_or(&tree_pending, 1u << signo);
        }
    }
    errno = saved_errno;
}

int greenlight_forwarding_retain(void) {
    pthread_mutex_lock(&state_lock);
    if (retain_count == 0) {
        struct sigaction action;
        memset(&action, 0, sizeof(action));
        action.sa_sigaction = forwarding_handler;
        /* SA_RESTART: our own blocking calls (wait4, read) carry on after a forwarded signal. */
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&action.sa_mask);
        for (int i = 0; i < FORWARDED_COUNT; i++) {
            if (sigaction(forwarded_signals[i], &action, &saved_actions[i]) != 0) {
                int error = errno;
                for (int j = 0; j < i; j++) sigaction(forwarded_signals[j], &saved_actions[j], NULL);
                pthread_mutex_unlock(&state_lock);
                errno = error;
                return -1;
            }
        }
    }
    retain_count++;
    pthread_mutex_unlock(&state_lock);
    return 0;
}

void greenlight_forwarding_release(void) {
    int reraise = 0;
    pthread_mutex_lock(&state_lock);
    if (retain_count > 0 && --retain_count == 0) {
        for (int i = 0; i < FORWARDED_COUNT; i++) sigaction(forwarded_signals[i], &saved_actions[i], NULL);
        reraise = atomic_exchange(&pending_signal, 0);
    }
    pthread_mutex_unlock(&state_lock);
    /* Nobody received it: let the old disposition (often: terminate) act now. */
    if (reraise > 0) kill(getpid(), reraise);
}

int greenlight_forwarding_add_target(pid_t pid) {
    if (pid <= 0) {
        errno = EINVAL;
        return -1;
    }
    pthread_mutex_lock(&state_lock);
    int slot = -1;
    for (int i = 0; i < GREENLIGHT_FORWARD_MAX_TARGETS; i++) {
        if (atomic_load(&targets[i]) == 0) {
            slot = i;
            break;
        }
    }
    if (slot < 0) {
        pthread_mutex_unlock(&state_lock);
        errno = ENOSPC;
        return -1;
    }
    atomic_store(&targets[slot], pid);
    int pending = atomic_exchange(&pending_signal, 0);
    pthread_mutex_unlock(&state_lock);
    /* A signal that came while the child was being spawned belongs to it. */
    if (pending > 0) kill(pid, pending);
    return 0;
}

void greenlight_forwarding_remove_target(pid_t pid) {
    if (pid <= 0) return;
    pthread_mutex_lock(&state_lock);
    for (int i = 0; i < GREENLIGHT_FORWARD_MAX_TARGETS; i++) {
        if (atomic_load(&targets[i]) == pid) atomic_store(&targets[i], 0);
    }
    pthread_mutex_unlock(&state_lock);
}

int greenlight_install_forwarding(pid_t pid) {
    if (greenlight_forwarding_retain() != 0) return -1;
    if (greenlight_forwarding_add_target(pid) != 0) {
        int error = errno;
        greenlight_forwarding_release();
        errno = error;
        return -1;
    }
    return 0;
}

void greenlight_uninstall_forwarding(pid_t pid) {
    greenlight_forwarding_remove_target(pid);
    greenlight_forwarding_release();
}

/* ---- Wait status ---------------------------------------------------------------------- */

int greenlight_wifexited(int status) { return WIFEXITED(status) ? 1 : 0; }
int greenlight_wexitstatus(int status) { return WEXITSTATUS(status); }
int greenlight_wifsignaled(int status) { return WIFSIGNALED(status) ? 1 : 0; }
int greenlight_wtermsig(int status) { return WTERMSIG(status); }
int greenlight_wcoredump(int status) {
#ifdef WCOREDUMP
    return WCOREDUMP(status) ? 1 : 0;
#else
    return (status & 0x80) ? 1 : 0;
#endif
}

/* ---- procfs detection ------------------------------------------------------------------- */

#include <sys/vfs.h>

int greenlight_is_procfs(int fd) {
    struct statfs fs;
    return fstatfs(fd, &fs) == 0 && fs.f_type == 0x9fa0 ? 1 : 0;
}

/* ---- Clock and a one-word event (futex) ---------------------------------------------- */

#include <time.h>
#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

int64_t greenlight_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

uint32_t greenlight_event_load(const uint32_t *word) {
    return __atomic_load_n(word, __ATOMIC_SEQ_CST);
}

int greenlight_event_wait_until(uint32_t *word, uint32_t expected, int64_t deadline_ns) {
    if (deadline_ns < 0) deadline_ns = 0;
    struct timespec deadline = { (time_t)(deadline_ns / 1000000000), (long)(deadline_ns % 1000000000) };
#ifdef __linux__
    /* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline: no relative-time arithmetic per wait,
     * and one system call that costs what a nanosleep costs (a poll on a descriptor costs more). */
    long r = syscall(SYS_futex, word, FUTEX_WAIT_BITSET_PRIVATE, expected, &deadline, NULL, FUTEX_BITSET_MATCH_ANY);
    if (r == 0 || errno == EAGAIN) return 0;
    if (errno == ETIMEDOUT || errno == EINTR) return errno;
    /* Not expected (ENOSYS under an emulator): keep the cadence with a plain sleep rather than spin. */
    int slept = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
    return slept == EINTR ? EINTR : ETIMEDOUT;
#else
    /* Elsewhere: sleep in short steps until the word changes or the deadline passes. */
    while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == expected) {
        int64_t now = greenlight_monotonic_ns();
        if (now >= deadline_ns) return ETIMEDOUT;
        int64_t step = deadline_ns - now < 1000000 ? deadline_ns - now : 1000000;
        struct timespec pause = { 0, (long)step };
        if (nanosleep(&pause, NULL) != 0 && errno == EINTR) return EINTR;
    }
    (void)deadline;
    return 0;
#endif
}

void greenlight_event_set(uint32_t *word, uint32_t value) {
    __atomic_store_n(word, value, __ATOMIC_SEQ_CST);
#ifdef __linux__
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0);
#endif
}

int greenlight_process_cpu_clock(pid_t pid, clockid_t *clock) {
    return clock_getcpuclockid(pid, clock);
}

/* ---- Temporary files removed on a fatal signal ------------------------------------------ */

#include <fcntl.h>
#include <stdio.h>

/* 0 free, 1 being written, 2 armed: the handler only reads armed slots. */
static _Atomic int temp_state[GREENLIGHT_TEMP_MAX];
static char temp_paths[GREENLIGHT_TEMP_MAX][4096];
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };
#define CLEANUP_COUNT ((int)(sizeof(cleanup_signals) / sizeof(cleanup_signals[0])))

int greenlight_temp_register(const char *path) {
    size_t len = strlen(path);
    if (len >= sizeof(temp_paths[0])) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (int i = 0; i < GREENLIGHT_TEMP_MAX; i++) {
        int expected = 0;
        if (atomic_compare_exchange_strong(&temp_state[i], &expected, 1)) {
            memcpy(temp_paths[i], path, len + 1);
            atomic_store(&temp_state[i], 2);
            return i;
        }
    }
    errno = ENOSPC;
    return -1;
}

void greenlight_temp_unregister(int slot) {
    if (slot < 0 || slot >= GREENLIGHT_TEMP_MAX) return;
    atomic_store(&temp_state[slot], 0);
}

int greenlight_temp_unlink_all(void) {
    int count = 0;
    for (int i = 0; i < GREENLIGHT_TEMP_MAX; i++) {
        if (atomic_load(&temp_state[i]) == 2 && unlink(temp_paths[i]) == 0) count++;
    }
    return count;
}

static void temp_cleanup_handler(int signo) {
    int saved = errno;
    greenlight_temp_unlink_all();
    /* Die of the signal as if no handler had been installed: the parent sees the real cause. */
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, NULL);
    errno = saved;
    raise(signo);
}

int greenlight_install_temp_cleanup(void) {
    static _Atomic int installed;
    if (atomic_exchange(&installed, 1)) return 0;
    for (int i = 0; i < CLEANUP_COUNT; i++) {
        struct sigaction old;
        if (sigaction(cleanup_signals[i], NULL, &old) != 0) return -1;
        if (old.sa_handler == SIG_IGN) continue; /* nohup and friends: keep ignoring */
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = temp_cleanup_handler;
        sigemptyset(&action.sa_mask);
        for (int j = 0; j < CLEANUP_COUNT; j++) sigaddset(&action.sa_mask, cleanup_signals[j]);
        if (sigaction(cleanup_signals[i], &action, NULL) != 0) return -1;
    }
    return 0;
}

int greenlight_open_tmpfile(const char *dir, mode_t mode) {
#ifdef O_TMPFILE
    return open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
#else
    (void)dir;
    (void)mode;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

int greenlight_link_fd(int fd, const char *path) {
    char source[64];
    snprintf(source, sizeof source, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, source, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
}

/* ---- Standard streams --------------------------------------------------------------------- */

int greenlight_reopen_closed_std_fds(void) {
    int mask = 0;
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        int opened = open("/dev/null", O_RDONLY);
        if (opened < 0) continue;
        if (opened != fd) {
            dup2(opened, fd);
            close(opened);
        }
        mask |= 1 << fd;
    }
    return mask;
}

int greenlight_flush_stdout(void) {
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int error = errno ? errno : EIO;
        clearerr(stdout);
        return error;
    }
    return 0;
}
