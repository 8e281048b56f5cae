import Foundation
public import GreenlightCore
import Synchronization

/// Measures the energy and carbon of work done by this process, for Swift users.
///
/// ```swift
/// let (embeddings, report) = try await EnergyMeter.measure {
///     try await model.embed(batch)
/// }
/// print(report.carbon?.process ?? .zero)
/// ```
///
/// Or with explicit ``start()`` and ``stop()``. The meter samples on its own thread every
/// `configuration.interval`; the process tree is this process and its children.
public final class EnergyMeter: Sendable {
    private struct State {
        var session: MeterSession?
        var plan: PowerPlan?
        var thread: Thread?
        var stopRequested = false
        var samples: [TimelineSample] = []
    }

    private let configuration: MeterConfiguration
    private let label: String
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    /// Creates a meter.
    ///
    /// - Parameters:
    ///   - configuration: Sampling, sources, location and SCI inputs.
    ///   - label: What the report's `run.command` says, e.g. the name of the measured task.
    public init(configuration: MeterConfiguration = MeterConfiguration(), label: String = "in-process") {
        self.configuration = configuration
        self.label = label
    }

    /// Starts sampling.
    ///
    /// - Throws: ``GreenlightError`` for an invalid configuration or when already started.
    public func start() throws {
        try configuration.validate()
        _ = try GridIntensityDatabase.bundled.lookup(configuration.location)
        let plan = PowerPlan.resolve(configuration)
        let monitor = ProcessTreeMonitor(pid: getpid(), procRoot: configuration.procRoot)
        let session = MeterSession(plan: plan, monitor: monitor, procRoot: configuration.procRoot, interval: configuration.interval)
        try state.withLock { s in
            guard s.session == nil else { throw GreenlightError.invalidInput("EnergyMeter already started") }
            s.session = UncheckedBox(session).value
            s.plan = plan
        }
        session.begin()
        let box = UncheckedBox(session)
        let interval = configuration.interval
        let thread = Thread { [self] in
            while true {
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(interval.seconds * 1e9)))
                let sample = box.value.tick()
                let stop = state.withLock { s in
                    if let sample { s.samples.append(sample) }
                    return s.stopRequested
                }
                if stop { break }
            }
            done.signal()
        }
        thread.name = "greenlight-meter"
        thread.start()
    }

    /// Stops sampling and returns the report.
    ///
    /// - Throws: ``GreenlightError`` when the meter was not started.
    public func stop() throws -> Report {
        let started = state.withLock { s -> Bool in
            guard s.session != nil, !s.stopRequested else { return false }
            s.stopRequested = true
            return true
        }
        guard started else { throw GreenlightError.invalidInput("EnergyMeter.stop() called before start()") }
        wake.signal()
        done.wait()
        let (session, plan) = state.withLock { s in (UncheckedBox(s.session!), s.plan!) }
        return try ReportAssembler.assemble(
            plan: plan, configuration: configuration, session: session.value, command: [label],
            exit: ExitInfo(status: .exited, code: 0), extraNotes: [])
    }

    /// The samples taken so far.
    public var samples: [TimelineSample] { state.withLock { $0.samples } }

    /// Measures an async closure.
    ///
    /// - Returns: The closure's result and the report. When the closure throws, the meter is stopped and the error rethrown.
    public static func measure<T: Sendable>(
        configuration: MeterConfiguration = MeterConfiguration(), label: String = "in-process",
        _ body: () async throws -> T
    ) async throws -> (result: T, report: Report) {
        let meter = EnergyMeter(configuration: configuration, label: label)
        try meter.start()
        let result: T
        do {
            result = try await body()
        } catch {
            _ = try? meter.stop()
            throw error
        }
        return (result, try meter.stop())
    }
}

/// Moves a value confined to one thread at a time across an isolation boundary.
///
/// The session is touched by the sampler thread until it stops, then by ``EnergyMeter/stop()`` after
/// `done` is signalled: never by two threads at once.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
