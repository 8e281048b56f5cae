import Foundation
public import GreenlightCore

/// CPU (and optionally DRAM or platform) energy from the Linux powercap RAPL counters.
///
/// Create one with ``discover(root:selection:)``. Each channel sums one or more `energy_uj` counters:
/// a package, the distinct dies of a multi-die package, a DRAM domain, or psys. ``read()`` returns
/// the energy since the source was created, with counter wraps corrected using each zone's
/// `max_energy_range_uj`.
///
/// A wrap can only be detected when at most one happens between two reads; see
/// ``maxSafeInterval(assumingPower:)``.
///
/// All methods may be called from any thread; the mutable state is guarded by a lock.
public final class RAPLSource: EnergySource, @unchecked Sendable {
    /// One `energy_uj` file and where its reading stood.
    struct Counter {
        /// The zone directory name, e.g. `intel-rapl:0`.
        var zone: String
        /// The `energy_uj` file.
        var file: String
        /// `max_energy_range_uj`: the counter goes back to zero after this value.
        var maxRange: UInt64
        /// The last raw reading.
        var last: UInt64
        /// Microjoules accumulated since the source was created.
        var total: UInt64 = 0
    }

    /// The channels, in the order ``read()`` returns them.
    public let channels: [EnergyChannel]

    private let reader: SysfsReader
    /// The channel index of each counter.
    private let channelOfCounter: [Int]
    /// The smallest `max_energy_range_uj` of all counters, in microjoules.
    private let smallestRange: UInt64

    // Guarded by `lock`.
    private let lock = NSLock()
    private var counters: [Counter]
    private var wraps = 0

    /// Creates a source; `counters[i]` are the counters summed into `channels[i]`, their `last` the baseline.
    init(channels: [(channel: EnergyChannel, counters: [Counter])], reader: SysfsReader) {
        self.channels = channels.map(\.channel)
        self.counters = channels.flatMap(\.counters)
        self.channelOfCounter = channels.enumerated().flatMap { index, entry in
            Array(repeating: index, count: entry.counters.count)
        }
        self.smallestRange = channels.flatMap(\.counters).map(\.maxRange).min() ?? 0
        self.reader = reader
    }

    /// How many times a counter went back through zero since the source was created.
    public var wrapCount: Int { lock.withLock { wraps } }

    /// Notes gathered while reading: how many wraps were corrected.
    ///
    /// Notes from discovery are in ``RAPLDiscovery/notes`` only, not repeated here.
    public var notes: [Note] {
        let wraps = wrapCount
        guard wraps > 0 else { return [] }
        return [
            Note(
                .info, code: "rapl-wrapped",
                "RAPL energy counters wrapped \(wraps) time\(wraps == 1 ? "" : "s") during the run; "
                    + "each wrap was corrected using max_energy_range_uj."
            )
        ]
    }

    /// Energy of every channel since the source was created.
    ///
    /// A reading below the previous one is taken as one wrap:
    /// `delta = (max_energy_range_uj - previous) + reading`.
    ///
    /// - Returns: One cumulative energy per entry of ``channels``.
    /// - Throws: ``GreenlightError`` (I/O) when a counter can no longer be read or holds something
    ///   other than a number; no state changes in that case.
    public func read() throws -> [Energy] {
        try lock.withLock {
            // Read everything first, so that a failure leaves the state as it was.
            var readings: [UInt64] = []
            readings.reserveCapacity(counters.count)
            for counter in counters {
                readings.append(try Self.readCounter(counter.file, reader: reader))
            }
            for index in counters.indices {
                let now = readings[index]
                let last = counters[index].last
                let delta: UInt64
                if now >= last {
                    delta = now - last
                } else {
                    wraps += 1
                    let range = counters[index].maxRange
                    // A range below the last reading is inconsistent; count from zero rather than underflow.
                    delta = range >= last ? (range - last) &+ now : now
                }
                counters[index].total &+= delta
                counters[index].last = now
            }
            var microjoules = [UInt64](repeating: 0, count: channels.count)
            for (index, counter) in counters.enumerated() {
                microjoules[channelOfCounter[index]] &+= counter.total
            }
            return microjoules.map { Energy(microjoules: Double($0)) }
        }
    }

    /// The longest interval between two ``read()`` calls for which a wrap is still detected.
    ///
    /// A counter that wraps twice between reads loses a whole range, and one that wraps once and
    /// passes its previous value looks as if it had not wrapped. This is the smallest
    /// `max_energy_range_uj` of the source's counters divided by `power`: the time a counter takes
    /// to go once round at that power. Pass a generous power (the CPU's TDP, or more) and sample
    /// comfortably more often; a typical package range of 262 kJ lasts about 22 minutes at 200 W.
    ///
    /// - Parameter power: The highest power one counter is expected to see.
    /// - Returns: The wrap period at that power; an effectively unlimited duration (`Int64.max`
    ///   nanoseconds) when `power` is not positive.
    public func maxSafeInterval(assumingPower power: Power) -> Duration {
        guard power.watts > 0, smallestRange > 0 else {
            // No power drawn, or no counter: nothing ever wraps.
            return .nanoseconds(Int64.max)
        }
        // µJ / W = µs.
        let nanoseconds = Double(smallestRange) * 1e3 / power.watts
        guard nanoseconds < Double(Int64.max) else { return .nanoseconds(Int64.max) }
        return .nanoseconds(Int64(nanoseconds))
    }

    /// Reads and parses one `energy_uj` file.
    static func readCounter(_ file: String, reader: SysfsReader) throws -> UInt64 {
        switch reader.readFile(file) {
        case .failure(let error):
            throw GreenlightError.io("Cannot read the RAPL counter \(file): \(error.reason).")
        case .success(let text):
            guard let value = SysfsText.counter(text) else {
                throw GreenlightError.io(
                    "The RAPL counter \(file) holds \(SysfsText.quoted(text)), not a number of microjoules."
                )
            }
            return value
        }
    }
}
