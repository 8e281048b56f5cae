#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
public import GreenlightCore

/// One `greenlight run` as a value: the command, how it is measured, and where the results go.
///
/// ``run()`` checks every output before the command starts (a late failure would lose the measurement), runs
/// and measures it, writes the timeline and the report, and returns what happened. Once the command has run,
/// a failure to write is not thrown: the measurement is not lost, and the command's exit status stands.
public struct MeasureJob: Sendable {
    /// The command and its arguments.
    public var command: [String]
    /// Sampling, power sources, location and SCI inputs.
    public var configuration: MeterConfiguration
    /// The report files (JSON, CodeCarbon CSV).
    public var outputs: ReportOutputs
    /// One JSON line per sample, when given.
    public var timelinePath: String?
    /// After the command exits, measure its tree until the last process exits.
    public var waitForTree: Bool

    /// A job.
    public init(command: [String], configuration: MeterConfiguration = MeterConfiguration(), outputs: ReportOutputs = ReportOutputs(),
                timelinePath: String? = nil, waitForTree: Bool = false) {
        self.command = command
        self.configuration = configuration
        self.outputs = outputs
        self.timelinePath = timelinePath
        self.waitForTree = waitForTree
    }

    /// What a finished run produced.
    public struct Outcome: Sendable {
        /// The measurement.
        public var report: Report
        /// The status to exit with: the command's own (128+N when it died of signal N).
        public var exitStatus: Int32
        /// What went wrong after the command ran, each a line for stderr (a timeline or report that could not be
        /// written; then the report itself follows, so it is not lost).
        public var problems: [String]
    }

    /// Refuses outputs that cannot be written, and a timeline that is one of the report files.
    public func checkOutputs() throws {
        try outputs.check()
        if let timelinePath, timelinePath == outputs.jsonPath || timelinePath == outputs.csvPath {
            throw GreenlightError.invalidInput(
                "the timeline and the report are both \(TerminalText.escaped(timelinePath)); give two paths", parameter: .init("timeline"))
        }
    }

    /// Checks the outputs, runs and measures the command, and writes the results.
    ///
    /// - Throws: ``GreenlightError`` for a refused output or configuration, ``SpawnError`` when the command
    ///   cannot start; nothing once it has run.
    public func run() throws -> Outcome {
        try configuration.validate()
        try checkOutputs()
        Self.unblockForwardedSignals()
        let (measured, timelineError) = try measure()
        var outcome = Outcome(report: measured.report, exitStatus: measured.exit.shellExitCode, problems: [])
        if let timelineError {
            outcome.problems.append("greenlight: error: \(timelineError); the timeline was not written, the report still is")
        }
        do {
            try outputs.write(measured.report)
        } catch {
            outcome.problems.append("greenlight: error: \(error); the report follows on stderr")
            if let json = try? measured.report.jsonData() { outcome.problems.append(String(decoding: json, as: UTF8.self)) }
        }
        return outcome
    }

    /// Runs the command, streaming samples to the timeline when there is one. A timeline that could not be
    /// written whole is not published, but the measurement stands.
    private func measure() throws -> (CommandRunner.Outcome, (any Error)?) {
        guard let timelinePath else {
            return (try CommandRunner.run(command, configuration: configuration, adoptUnseenOrphans: true, waitForTree: waitForTree), nil)
        }
        let writer = try TimelineWriter(path: timelinePath)
        // onSample runs on this thread, between samples: a plain local records the first write error.
        var writeError: (any Error)?
        let outcome: CommandRunner.Outcome
        do {
            outcome = try CommandRunner.run(
                command, configuration: configuration, adoptUnseenOrphans: true, waitForTree: waitForTree
            ) { sample in
                guard writeError == nil else { return }
                do { try writer.append(sample) } catch { writeError = error }
            }
        } catch {
            writer.discard()
            throw error
        }
        if writeError == nil {
            do { try writer.finish() } catch { writeError = error }
        }
        if writeError != nil { writer.discard() }
        return (outcome, writeError)
    }

    /// A parent may start us with signals blocked (libdispatch worker threads block them, and spawned
    /// processes inherit the mask): forwarding would then never see SIGTERM or SIGINT.
    private static func unblockForwardedSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for signo in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] { sigaddset(&set, signo) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
