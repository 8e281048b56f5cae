import CGreenlightShims
import Dispatch
import Foundation
public import GreenlightCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A spawned command: the root of a measured process tree.
///
/// ``spawn(_:environment:forwardSignals:becomeSubreaper:)`` starts the command with `posix_spawnp`;
/// a dedicated thread then blocks in `waitid` until it exits and reaps it with `wait4`, which
/// records the exit status and the CPU time of the command and of every descendant it waited for.
/// ``waitForExit(timeout:)`` waits for that thread's word that the command was reaped, so it doubles as a
/// sampler's sleep and returns as soon as the command exits.
///
/// **Signal forwarding.** While the command runs, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and
/// SIGUSR2 sent to this process (`kill`, `timeout`, a batch scheduler) are passed on to it by an
/// async-signal-safe C handler, and this process survives them so that it can write its report.
/// Signals the terminal generates (Ctrl-C, Ctrl-\, hang-up) are not passed on: the kernel sends them
/// to the whole foreground process group, which the command shares, so it has them already. A
/// signal sent to the whole process group with `kill -INT -PGID` does reach the command twice.
///
/// The library never calls `wait` on pid −1: the root is reaped by pid, and orphans adopted through
/// the subreaper flag are reaped by ``ProcessTreeMonitor`` only when it saw them in the tree. Other
/// children of the process (other spawns, `Foundation.Process`) are left alone.
public final class ChildProcess: @unchecked Sendable {
    /// The process id of the command.
    public let pid: Int32
    /// Whether signals are forwarded to this child (and must be released when it exits).
    private let forwarding: Bool

    // Guards the mutable state below; also held around kill() and the final wait4, so that a
    // signal can never reach the pid after it was reaped and possibly reused.
    private let lock = Mutex(())
    private var exit: ExitInfo?
    private var reapedUser: Duration = .zero
    private var reapedSystem: Duration = .zero
    private var rootReaped = false
    private let exited = DispatchGroup()
    /// 0 while the command runs, 1 once the reaper has recorded its exit: a futex word, so that a waiting sampler
    /// sleeps in one system call and wakes at the exit.
    private let exitWord: UnsafeMutablePointer<UInt32>

    private init(pid: Int32, forwarding: Bool) {
        self.pid = pid
        self.forwarding = forwarding
        exitWord = .allocate(capacity: 1)
        exitWord.initialize(to: 0)
        exited.enter()
        let thread = Thread { [self] in self.reap() }
        thread.name = "greenlight-reaper"
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Starts a command with inherited standard input, output, error and (by default) environment.
    ///
    /// The child starts with an empty signal mask and every signal at its default disposition
    /// (`POSIX_SPAWN_SETSIGMASK`, `POSIX_SPAWN_SETSIGDEF`), so signals this process blocks or
    /// ignores do not leak into the command. It stays in this process's process group, so the
    /// terminal's Ctrl-C reaches it directly.
    ///
    /// - Parameters:
    ///   - argv: The command and its arguments; the command is looked up in `PATH` unless it contains `/`.
    ///   - environment: The child's complete environment; `nil` passes this process's environment.
    ///   - forwardSignals: Forward SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 received by
    ///     this process to the child until it exits (see ``ChildProcess`` for the rules). While the
    ///     child runs, this process does not die from those signals; the previous handlers are
    ///     restored when it exits. Handlers are process-wide: with several children at once, each
    ///     signal goes to all of them.
    ///   - becomeSubreaper: Make this process a child subreaper (`PR_SET_CHILD_SUBREAPER`), so that
    ///     descendants orphaned by their parent's exit re-parent to it and stay followable. The flag
    ///     is process-wide and is left set.
    /// - Returns: The running child.
    /// - Throws: ``SpawnError`` with exit code 127 when the command is not found, 126 when it
    ///   cannot be executed.
    public static func spawn(
        _ argv: [String], environment: [String: String]? = nil, forwardSignals: Bool = true,
        becomeSubreaper: Bool = true
    ) throws -> ChildProcess {
        guard let command = argv.first, !command.isEmpty else { throw SpawnError.emptyCommand }
        if becomeSubreaper {
            // Failure (pre-3.4 kernels) only means orphans go to init and are not followed.
            _ = greenlight_set_child_subreaper(1)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        let cEnvironment: [UnsafeMutablePointer<CChar>?]? = environment.map { env in
            env.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { for entry in cEnvironment ?? [] { free(entry) } }

        // Handlers go in before the spawn: a signal arriving meanwhile is kept and handed to the child.
        let forwarding = forwardSignals && greenlight_forwarding_retain() == 0
        var pid: pid_t = 0
        // Registered under the registry's lock, so no monitor can take the new child for an orphan.
        let result: Int32 = registry.withLock { roots in
            let result: Int32
            if let cEnvironment {
                result = posix_spawnp(&pid, command, nil, &attributes, cArguments, cEnvironment)
            } else {
                result = posix_spawnp(&pid, command, nil, &attributes, cArguments, environ)
            }
            if result == 0 { roots.insert(pid) }
            return result
        }
        guard result == 0 else {
            if forwarding { greenlight_forwarding_release() }
            throw SpawnError.spawnFailed(command, errorNumber: result)
        }
        var registered = false
        if forwarding {
            registered = greenlight_forwarding_add_target(pid) == 0
            // Too many concurrent children: this one runs without forwarding.
            if !registered { greenlight_forwarding_release() }
        }
        return ChildProcess(pid: pid, forwarding: registered)
    }

    deinit {
        exitWord.deallocate()
    }

    /// Waits until the command exits or `timeout` passes.
    ///
    /// Does not poll: it sleeps in one futex wait that the reaper thread ends at the exit, so it returns
    /// within microseconds of the exit and can serve as a sampler's sleep between ticks at the cost of a
    /// single system call. A signal caught by the waiting thread with a handler installed without `SA_RESTART`
    /// ends the wait early, with `nil` while the command runs.
    ///
    /// - Parameter timeout: How long to wait at most; `nil` waits forever, zero or less only checks.
    /// - Returns: How the command ended, or `nil` when it is still running after `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration?) -> ExitInfo? {
        guard let timeout else {
            exited.wait()
            return exitInfo
        }
        guard timeout > .zero else { return hasExited ? exitInfo : nil }
        // Cap at a day so the nanosecond count cannot overflow.
        let (seconds, attoseconds) = min(timeout, .seconds(86_400)).components
        return waitForExit(untilMonotonicNanoseconds:
            greenlight_monotonic_ns() + seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Waits until the command exits or `CLOCK_MONOTONIC` reaches `deadline` (nanoseconds, absolute).
    ///
    /// The sampler's form of ``waitForExit(timeout:)``: a fixed cadence needs no time arithmetic beyond
    /// integers (after a wake-up, cold code is what a sample costs most on small VMs).
    ///
    /// - Parameter deadline: The absolute deadline, as `greenlight_monotonic_ns()` counts.
    /// - Returns: How the command ended, or `nil` when it still runs at the deadline (or a signal interrupted).
    @discardableResult
    public func waitForExit(untilMonotonicNanoseconds deadline: Int64) -> ExitInfo? {
        while greenlight_event_load(exitWord) == 0 {
            let result = greenlight_event_wait_until(exitWord, 0, deadline)
            if result == ETIMEDOUT || result == EINTR { break }
        }
        return hasExited ? exitInfo : nil
    }

    /// Whether the command has exited and been reaped (one atomic load, no lock).
    public var hasExited: Bool {
        greenlight_event_load(exitWord) != 0
    }

    /// How the command ended, once it has been reaped; `nil` while it runs.
    public var exitInfo: ExitInfo? {
        lock.withLock { _ in exit }
    }

    /// CPU time of the processes of the tree that this library reaped: the command itself once it
    /// exited, and orphans adopted through the subreaper flag that ``ProcessTreeMonitor`` reaped.
    ///
    /// Each figure comes from `wait4`'s `rusage`, which includes the descendants that process had
    /// waited for, so a short-lived grandchild is counted even if no sample ever saw it.
    public var reapedCPU: (user: Duration, system: Duration) {
        lock.withLock { _ in (reapedUser, reapedSystem) }
    }

    /// Sends a signal to the command; does nothing once it has been reaped (its pid may be reused).
    ///
    /// - Parameter signo: The signal number, e.g. `SIGTERM`.
    public func sendSignal(_ signo: Int32) {
        lock.withLock { _ in
            if !rootReaped { _ = kill(pid, signo) }
        }
    }

    /// Pids of spawned commands not yet reaped: children of this process that are not orphans.
    private static let registry = LockedSet()

    /// Whether `pid` is a command spawned by ``spawn(_:environment:forwardSignals:becomeSubreaper:)`` and not yet reaped.
    static func isSpawnedRoot(_ pid: Int32) -> Bool {
        registry.withLock { $0.contains(pid) }
    }

    /// The reaped CPU time and whether the root has been reaped, read together.
    func reapedSnapshot() -> (user: Duration, system: Duration, rootReaped: Bool) {
        lock.withLock { _ in (reapedUser, reapedSystem, rootReaped) }
    }

    /// Adds the `rusage` of an adopted orphan that ``ProcessTreeMonitor`` reaped.
    func addReaped(_ usage: rusage) {
        lock.withLock { _ in
            reapedUser += usage.ru_utime.duration
            reapedSystem += usage.ru_stime.duration
        }
    }

    /// The reaper thread: waits for the exit without reaping, stops forwarding, then reaps.
    private func reap() {
        var status: Int32 = 0
        var info = siginfo_t()
        var waited = false
        while true {
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == 0 {
                waited = true
                status = Self.waitStatus(from: info)
                break
            }
            if errno != EINTR { break }  // ECHILD: someone else reaped it (a wait(-1) elsewhere)
        }
        // No signal must be forwarded once the pid can be reused, i.e. after the wait4 below.
        if forwarding { greenlight_forwarding_remove_target(pid) }
        lock.withLock { _ in
            var usage = rusage()
            var reapedStatus: Int32 = 0
            var result: pid_t
            repeat {
                result = wait4(pid, &reapedStatus, 0, &usage)
            } while result < 0 && errno == EINTR
            if result == pid {
                status = reapedStatus
                reapedUser += usage.ru_utime.duration
                reapedSystem += usage.ru_stime.duration
            } else if !waited {
                status = 0
            }
            rootReaped = true
            exit = ExitInfo(waitStatus: status)
        }
        Self.registry.withLock { _ = $0.remove(pid) }
        if forwarding { greenlight_forwarding_release() }
        greenlight_event_set(exitWord, 1)
        exited.leave()
    }

    /// Rebuilds a wait status from `waitid`'s siginfo (used only when `wait4` cannot reap).
    private static func waitStatus(from info: siginfo_t) -> Int32 {
        let code = info.si_code
        let value = info._sifields._sigchld.si_status
        switch code {
        case Int32(CLD_EXITED): return (value & 0xFF) << 8
        case Int32(CLD_DUMPED): return (value & 0x7F) | 0x80
        default: return value & 0x7F
        }
    }
}

/// A set of pids behind a lock.
private final class LockedSet: @unchecked Sendable {
    private let lock = NSLock()
    private var pids = Set<Int32>()

    func withLock<R>(_ body: (inout Set<Int32>) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&pids)
    }
}

extension ExitInfo {
    /// Decodes a `wait` status (`WIFEXITED`, `WEXITSTATUS`, `WIFSIGNALED`, `WTERMSIG`, `WCOREDUMP`).
    package init(waitStatus status: Int32) {
        if greenlight_wifsignaled(status) != 0 {
            self.init(status: .signaled, signal: greenlight_wtermsig(status), coreDumped: greenlight_wcoredump(status) != 0)
        } else {
            self.init(status: .exited, code: greenlight_wexitstatus(status))
        }
    }
}

extension timeval {
    /// The value as a duration.
    var duration: Duration {
        .seconds(Int64(tv_sec)) + .microseconds(Int64(tv_usec))
    }
}
