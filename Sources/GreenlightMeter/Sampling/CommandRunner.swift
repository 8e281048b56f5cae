import CGreenlightShims
import Foundation
import GreenlightCore

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
    ///   - onSample: Called after every sample, on the calling thread (for `--timeline`).
    /// - Returns: The report and the exit status.
    /// - Throws: ``SpawnError`` when the command cannot be started; ``GreenlightError`` for bad configuration.
    public static func run(
        _ argv: [String], configuration: MeterConfiguration, plan: PowerPlan? = nil, adoptUnseenOrphans: Bool = false,
        forwardSignals: Bool = true,
        onSample: ((TimelineSample) -> Void)? = nil
    ) throws -> Outcome {
        try configuration.validate()
        // Resolve the location before starting anything, so a typo fails fast.
        _ = try GridIntensityDatabase.bundled.lookup(configuration.location)
        let plan = plan ?? PowerPlan.resolve(configuration)

        let child = try ChildProcess.spawn(argv, forwardSignals: forwardSignals)
        let monitor = ProcessTreeMonitor(root: child, procRoot: configuration.procRoot, adoptUnseenOrphans: adoptUnseenOrphans)
        let session = MeterSession(plan: plan, monitor: monitor, procRoot: configuration.procRoot, interval: configuration.interval)
        session.begin()

        // Integer nanoseconds on CLOCK_MONOTONIC: the wait, the tick and the cadence touch no Duration code.
        let interval = configuration.interval.wholeNanoseconds
        var next = greenlight_monotonic_ns() + interval
        var exit: ExitInfo?
        while exit == nil {
            exit = child.waitForExit(untilMonotonicNanoseconds: next)
            let now = greenlight_monotonic_ns()
            if exit != nil || !session.tickIfIdle(now: now) {
                if let sample = session.tick(now: now, timeline: onSample != nil) { onSample?(sample) }
            }
            // Keep a fixed cadence; skip missed ticks rather than bursting.
            next += interval
            let after = greenlight_monotonic_ns()
            if next < after { next = after + interval }
        }
        let report = try ReportAssembler.assemble(
            plan: plan, configuration: configuration, session: session, command: argv, exit: exit!, extraNotes: [])
        return Outcome(report: report, exit: exit!)
    }
}
