#ifndef CGREENLIGHT_SHIMS_H
#define CGREENLIGHT_SHIMS_H

/*
 * Linux calls Swift cannot make directly: variadic prctl, async-signal-safe signal handlers,
 * and the wait-status macros. Everything here is safe to call from any thread.
 */

#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Subreaper ------------------------------------------------------------------------ */

/* prctl(PR_SET_CHILD_SUBREAPER, enable): orphans of our descendants re-parent to us instead
 * of init. Returns 0, or -1 with errno set (e.g. EINVAL before Linux 3.4). Process-wide. */
int greenlight_set_child_subreaper(int enable);

/* 1 when this process is a child subreaper, 0 when not, -1 on error. */
int greenlight_is_child_subreaper(void);

/* ---- Signal forwarding ---------------------------------------------------------------- */

/* The number of targets that can be forwarded to at once (concurrent spawned children). */
#define GREENLIGHT_FORWARD_MAX_TARGETS 64

/* Installs the forwarding handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2
 * (reference-counted: the first retain saves the previous dispositions and installs ours).
 * While retained, this process does not die from those signals: each one is sent to every
 * registered target with kill(), unless the terminal generated it for the foreground process
 * group (si_code == SI_KERNEL, si_pid == 0), which the targets received already. A signal that
 * arrives while no target is registered is remembered and re-raised by the last release.
 * Returns 0, or -1 with errno set. */
int greenlight_forwarding_retain(void);

/* Undoes one retain; the last one restores the saved dispositions and then re-raises a signal
 * that arrived while nobody could receive it, so that its old disposition applies. */
void greenlight_forwarding_release(void);

/* Registers pid as a target. Delivers a remembered signal to it. Returns 0, or -1 with errno
 * ENOSPC when GREENLIGHT_FORWARD_MAX_TARGETS targets are registered already. */
int greenlight_forwarding_add_target(pid_t pid);

/* Unregisters pid; call before reaping it, so that no signal reaches a reused pid. */
void greenlight_forwarding_remove_target(pid_t pid);

/* retain + add_target. Returns 0, or -1 with errno set (nothing stays retained on failure). */
int greenlight_install_forwarding(pid_t pid);

/* remove_target + release. */
void greenlight_uninstall_forwarding(pid_t pid);

/* The forwarding rule: 0 for a signal the terminal sent to the whole foreground process group
 * (si_code == SI_KERNEL with si_pid == 0), 1 otherwise. Exposed for tests. */
int greenlight_should_forward(int code, pid_t sender);

/* How many signals the handler has forwarded since the process started (for tests). */
long greenlight_forwarded_count(void);

/* The terminating signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT) forwarded since the last call, as a bit mask
 * (bit N for signal N), for the caller to send to the rest of the tree; the targets had them already.
 * Clears them, and the remembered signal too (it has been delivered). */
unsigned greenlight_take_tree_signals(void);

/* ---- Wait status ---------------------------------------------------------------------- */

int greenlight_wifexited(int status);
int greenlight_wexitstatus(int status);
int greenlight_wifsignaled(int status);
int greenlight_wtermsig(int status);
int greenlight_wcoredump(int status);


/* ---- Temporary files removed on a fatal signal ------------------------------------------ */

/* How many temporary paths can be registered at once. */
#define GREENLIGHT_TEMP_MAX 128

/* Registers a temporary file's path so that the cleanup handler unlinks it when a fatal signal
 * arrives. Returns the slot (>= 0), or -1 with errno ENOSPC (table full) or ENAMETOOLONG. */
int greenlight_temp_register(const char *path);

/* Forgets a slot returned by greenlight_temp_register (negative slots are ignored). */
void greenlight_temp_unregister(int slot);

/* Installs, once, handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE that unlink every
 * registered path, restore the default disposition and re-raise the signal, so the process still
 * dies of it. Signals that are ignored (SIG_IGN) stay ignored. Returns 0, or -1 with errno set. */
int greenlight_install_temp_cleanup(void);

/* Unlinks every registered path now, as the handler would (for tests). Returns how many. */
int greenlight_temp_unlink_all(void);

/* open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode): an unnamed file in dir that vanishes if the
 * process dies before it is linked. Returns the descriptor, or -1 with errno (EOPNOTSUPP, EISDIR or
 * EINVAL where the filesystem or kernel lacks O_TMPFILE). */
int greenlight_open_tmpfile(const char *dir, mode_t mode);

/* Gives the unnamed file open on fd the name path (linkat through /proc/self/fd with
 * AT_SYMLINK_FOLLOW, which needs no capability). Fails with EEXIST when path exists. */
int greenlight_link_fd(int fd, const char *path);

/* ---- Standard streams --------------------------------------------------------------------- */

/* Opens /dev/null on any of descriptors 0, 1 and 2 that is closed, read-only, so that no file
 * opened later takes their place and writes to a closed stdout or stderr still fail (EBADF).
 * Returns a bit mask of the descriptors that were closed. */
int greenlight_reopen_closed_std_fds(void);

/* fflush(stdout) and its error flag: 0 when everything printed with stdio reached fd 1, else the
 * errno of the failure (or EIO when unknown). */
int greenlight_flush_stdout(void);

#ifdef __cplusplus
}
#endif

/* 1 when fd is a file on procfs (PROC_SUPER_MAGIC), whose content is regenerated on each read; else 0. */
int greenlight_is_procfs(int fd);

/* ---- Clock and a one-word event (futex) ---------------------------------------------- */

/* CLOCK_MONOTONIC in nanoseconds (vDSO: no system call). */
int64_t greenlight_monotonic_ns(void);

/* Atomic (sequentially consistent) load of *word. */
uint32_t greenlight_event_load(const uint32_t *word);

/* Sleeps while *word == expected, until CLOCK_MONOTONIC reaches deadline_ns (absolute). One futex call:
 * returns 0 when woken or when *word differs already, ETIMEDOUT when the deadline passed, EINTR when a
 * signal handler ran. Spurious returns of 0 are possible: re-check *word. */
int greenlight_event_wait_until(uint32_t *word, uint32_t expected, int64_t deadline_ns);

/* Stores value into *word and wakes every thread waiting on it. */
void greenlight_event_set(uint32_t *word, uint32_t value);

/* clock_getcpuclockid(pid): the clock of a process's CPU time (all its threads). Returns 0 and sets *clock,
 * or an error number (ESRCH when there is no such process). */
int greenlight_process_cpu_clock(pid_t pid, clockid_t *clock);

#endif
