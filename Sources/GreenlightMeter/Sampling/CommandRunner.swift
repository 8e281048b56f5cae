import CGreenlightShims
import Foundation
public import GreenlightCore

/// Runs a command under measurement: `greenlight run` in library form.
public enum CommandRunner {
    /// The result of a measured command.
    public struct Outcome: Sendable {
        /// The report, written even when the command crashed or was killed.
        public var report: Report
        /// How the command ended.
        public var exit: ExitInfo
    }

    /// Spawns `argv`, samples it every `configuration.interval` until it exits, and builds the report.
    ///
    /// - Parameters:
    ///   - argv: The command and its arguments.
    ///   - configuration: Sampling, sources, location and SCI inputs.
    ///   - plan: Sources discovered beforehand (``PowerPlan/resolve(_:)``); discovered now when `nil`.
    ///   - adoptUnseenOrphans: Also claim children of this process that the tree orphaned before any sample saw
    ///     them. Right for a process that runs nothing else (the CLI); leave `false` in a process with other children.
    ///   - forwardSignals: Forward SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 received by this process to
    ///     the command while it runs (process-wide handlers, restored afterwards).
    ///   - waitForTree: After the command exits, keep measuring until every process of its tree has exited
    ///     (daemons it left behind, adopted by this process as a subreaper). Without it they are measured only
    ///     while the command lives, and the report says how many outlived it.
    ///   - onSample: Called after every sample, on the calling thread (for `--timeline`).
    /// - Returns: The report and the exit status.
    /// - Throws: ``SpawnError`` when the command cannot be started; ``GreenlightError`` for bad configuration.
    public static func run(
        _ argv: [String], configuration: MeterConfiguration, plan: PowerPlan? = nil, adoptUnseenOrphans: Bool = false,
        forwardSignals: Bool = true, waitForTree: Bool = false,
        onSample: ((TimelineSample) -> Void)? = nil
    ) throws -> Outcome {
        try configuration.validate()
        // Resolve the location before starting anything, so a typo fails fast.
        _ = try GridIntensityDatabase.bundled.lookup(configuration.location)
        let plan = plan ?? PowerPlan.resolve(configuration)

        // Held across the whole measurement, not only the root's life: signals that arrive while the rest of the
        // tree is still measured (--wait-tree) go to it rather than killing this process before the report.
        let holding = forwardSignals && greenlight_forwarding_retain() == 0
        defer { if holding { greenlight_forwarding_release() } }
        let child = try ChildProcess.spawn(argv, forwardSignals: forwardSignals)
        let monitor = ProcessTreeMonitor(root: child, procRoot: configuration.procRoot, adoptUnseenOrphans: adoptUnseenOrphans)
        let session = MeterSession(plan: plan, monitor: monitor, procRoot: configuration.procRoot, interval: configuration.interval)
        session.begin()

        // Integer nanoseconds on CLOCK_MONOTONIC: the wait, the tick and the cadence touch no Duration code.
        let interval = configuration.interval.wholeNanoseconds
        var next = greenlight_monotonic_ns() + interval
        var exit: ExitInfo?
        var outlived: [Int32] = []
        var sleepWord: UInt32 = 0
        var signalledTreeAt: Int64?
        while true {
            let rootWasDone = exit != nil
            if rootWasDone {
                _ = greenlight_event_wait_until(&sleepWord, 0, next)
            } else {
                exit = child.waitForExit(untilMonotonicNanoseconds: next)
            }
            let now = greenlight_monotonic_ns()
            if exit != nil || !session.tickIfIdle(now: now) {
                if let sample = session.tick(now: now, timeline: onSample != nil) { onSample?(sample) }
            }
            if forwardSignals, forwardToTree(monitor: monitor, root: child.pid) { signalledTreeAt = now }
            if exit != nil {
                // Once the root is reaped, what the tree still holds are orphans this process adopted. Members just
                // sent a terminating signal get a grace period to exit, so that their end is measured too.
                let members = session.lastTreeMembers.filter { $0 != child.pid }
                let dying = signalledTreeAt.map { now - $0 < Self.treeSignalGraceNanoseconds } ?? false
                if members.isEmpty || !(waitForTree || dying) {
                    outlived = members
                    break
                }
            }
            // Keep a fixed cadence; skip missed ticks rather than bursting.
            next += interval
            let after = greenlight_monotonic_ns()
            if next < after { next = after + interval }
        }
        var notes: [Note] = []
        if !outlived.isEmpty {
            notes.append(Note(.warning, code: "tree-outlived-root",
                "\(outlived.count) process(es) of the command's tree were still running when the command exited "
                + "(pid \(outlived.prefix(8).map(String.init).joined(separator: ", "))\(outlived.count > 8 ? ", …" : "")); "
                + "they were measured only until then. Wait for the tree to measure it until its last process exits.", parameter: "waitForTree"))
        } else if waitForTree {
            notes.append(Note(.info, code: "wait-tree", "the tree was measured until its last process exited, as asked", parameter: "waitForTree"))
        }
        let report = try ReportAssembler.assemble(
            plan: plan, configuration: configuration, session: session, command: argv, exit: exit!, extraNotes: notes)
        return Outcome(report: report, exit: exit!)
    }

    /// Sends the terminating signals forwarded to the root since the last call to every other live member of the
    /// tree, read afresh (the grandchildren of `sh -c 'a & b & wait'`, adopted daemons), as a terminal signals
    /// its whole foreground group.
    ///
    /// - Returns: Whether a signal was sent.
    private static func forwardToTree(monitor: ProcessTreeMonitor, root: Int32) -> Bool {
        let mask = greenlight_take_tree_signals()
        guard mask != 0 else { return false }
        let members = monitor.sample().pids.filter { $0 != root }
        for signo in 1..<32 where mask & (1 << UInt32(signo)) != 0 {
            for pid in members { kill(pid, Int32(signo)) }
        }
        return true
    }

    /// How long members sent a terminating signal are measured while they exit, after the root: 2 s.
    static let treeSignalGraceNanoseconds: Int64 = 2_000_000_000
}
