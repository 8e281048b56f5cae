import Foundation
import GreenlightCore
import GreenlightMeter
import GreenlightTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A powercap tree in a temporary directory, laid out like `/sys/class/powercap`.
final class RAPLFixture {
    /// The default `max_energy_range_uj` of Intel packages: about 262 kJ.
    static let packageRange: UInt64 = 262_143_328_850

    let base: URL
    /// The directory passed as `root`.
    let root: String

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("rapl-\(UUID().uuidString)")
        root = base.appendingPathComponent("powercap").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: base) }

    func path(_ zone: String) -> String { root + "/" + zone }
    func energyFile(_ zone: String) -> String { path(zone) + "/energy_uj" }

    /// Adds a zone directory `root/zone` with `name`, `energy_uj` and `max_energy_range_uj`.
    @discardableResult
    func zone(_ zone: String, name: String, energy: UInt64, range: UInt64 = packageRange, at directory: String? = nil)
        throws -> RAPLFixture
    {
        let dir = directory ?? path(zone)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try write(dir + "/name", name + "\n")
        try write(dir + "/energy_uj", "\(energy)\n")
        try write(dir + "/max_energy_range_uj", "\(range)\n")
        try write(dir + "/enabled", "1\n")
        return self
    }

    /// Changes a counter in place, as the kernel would between two reads.
    func setEnergy(_ zone: String, _ value: UInt64) throws {
        try write(energyFile(zone), "\(value)\n")
    }

    func write(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }
}

/// Reads real files but answers `EACCES` for `energy_uj`, as Linux 5.10+ does for non-root users.
let deniedEnergyReader = SysfsReader { path in
    if path.hasSuffix("/energy_uj") { return .failure(SysfsReadError(code: EACCES)) }
    return SysfsReader.system.readFile(path)
}

private func joules(_ energies: [Energy]) -> [Double] { energies.map { ($0.joules * 1e6).rounded() / 1e6 } }

@Suite("RAPL discovery")
struct RAPLDiscoveryTests {
    @Test func onePackage() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1_000_000)

        let discovery = RAPLSource.discover(root: fixture.root)
        let source = try #require(discovery.source)
        #expect(
            source.channels == [
                EnergyChannel(
                    id: "rapl:intel-rapl:0", kind: .cpu, name: "package-0",
                    method: Method(.measured, "rapl", detail: fixture.energyFile("intel-rapl:0"))
                )
            ]
        )
        #expect(source.channels[0].method.label == "measured:rapl")
        #expect(discovery.notes.isEmpty)
        #expect(discovery.domains.count == 1)
        #expect(discovery.domains[0].readable && discovery.domains[0].selected)
        #expect(discovery.domains[0].maxEnergyRange == Energy(microjoules: Double(RAPLFixture.packageRange)))

        #expect(try source.read() == [.zero])
        try fixture.setEnergy("intel-rapl:0", 3_500_000)
        #expect(try joules(source.read()) == [2.5])
        try fixture.setEnergy("intel-rapl:0", 4_000_000)
        #expect(try joules(source.read()) == [3.0])
        #expect(source.wrapCount == 0)
        #expect(source.notes.isEmpty)
    }

    @Test func twoPackages() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 10_000_000)
        try fixture.zone("intel-rapl:1", name: "package-1", energy: 20_000_000)

        let source = try #require(RAPLSource.discover(root: fixture.root).source)
        #expect(source.channels.map(\.name) == ["package-0", "package-1"])
        #expect(source.channels.map(\.id) == ["rapl:intel-rapl:0", "rapl:intel-rapl:1"])
        #expect(source.channels.allSatisfy { $0.kind == .cpu })
        try fixture.setEnergy("intel-rapl:0", 11_000_000)
        try fixture.setEnergy("intel-rapl:1", 23_000_000)
        #expect(try joules(source.read()) == [1, 3])
    }

    @Test func zonesSortNumerically() throws {
        let fixture = try RAPLFixture()
        for index in [10, 2, 0, 1] {
            try fixture.zone("intel-rapl:\(index)", name: "package-\(index)", energy: 0)
        }
        let source = try #require(RAPLSource.discover(root: fixture.root).source)
        #expect(source.channels.map(\.name) == ["package-0", "package-1", "package-2", "package-10"])
    }

    @Test func packagesAndDRAM() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1_000_000)
        try fixture.zone("intel-rapl:0:0", name: "dram", energy: 500_000, range: 65_712_999_613)
        try fixture.zone("intel-rapl:1", name: "package-1", energy: 2_000_000)
        try fixture.zone("intel-rapl:1:0", name: "dram", energy: 600_000, range: 65_712_999_613)

        let discovery = RAPLSource.discover(root: fixture.root, selection: .packagesAndDRAM)
        let source = try #require(discovery.source)
        #expect(source.channels.map(\.name) == ["package-0", "package-1", "dram-0", "dram-1"])
        #expect(source.channels.map(\.kind) == [.cpu, .cpu, .dram, .dram])
        #expect(source.channels[2].id == "rapl:intel-rapl:0:0")
        #expect(source.channels[2].method.detail == fixture.energyFile("intel-rapl:0:0"))
        #expect(discovery.domains.allSatisfy { $0.selected })
        #expect(discovery.domains.filter { $0.kind == .dram }.map(\.package) == [0, 1])

        try fixture.setEnergy("intel-rapl:0", 2_000_000)
        try fixture.setEnergy("intel-rapl:0:0", 750_000)
        try fixture.setEnergy("intel-rapl:1:0", 700_000)
        #expect(try joules(source.read()) == [1, 0, 0.25, 0.1])
        #expect(source.maxSafeInterval(assumingPower: Power(watts: 100)) == .nanoseconds(657_129_996_130))
    }

    @Test func packagesSelectionLeavesDRAMOut() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1_000_000)
        try fixture.zone("intel-rapl:0:0", name: "dram", energy: 500_000)

        let discovery = RAPLSource.discover(root: fixture.root, selection: .packages)
        let source = try #require(discovery.source)
        #expect(source.channels.map(\.name) == ["package-0"])
        let dram = try #require(discovery.domains.first { $0.zone == "intel-rapl:0:0" })
        #expect(dram.kind == .dram && dram.readable && !dram.selected)
    }

    @Test func dramAbsentIsNoted() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1_000_000)
        let discovery = RAPLSource.discover(root: fixture.root, selection: .packagesAndDRAM)
        #expect(discovery.source?.channels.map(\.name) == ["package-0"])
        #expect(discovery.notes.map(\.code) == ["rapl-dram-absent"])
    }

    /// A laptop: package with core, uncore (an iGPU) and dram, plus psys.
    private func laptop() throws -> RAPLFixture {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 10_000_000)
        try fixture.zone("intel-rapl:0:0", name: "core", energy: 4_000_000)
        try fixture.zone("intel-rapl:0:1", name: "uncore", energy: 1_000_000)
        try fixture.zone("intel-rapl:0:2", name: "dram", energy: 2_000_000)
        try fixture.zone("intel-rapl:1", name: "psys", energy: 30_000_000)
        return fixture
    }

    @Test func psysSelection() throws {
        let fixture = try laptop()
        let discovery = RAPLSource.discover(root: fixture.root, selection: .psys)
        let source = try #require(discovery.source)
        // psys covers the package: it is used alone, never added to it.
        #expect(
            source.channels == [
                EnergyChannel(
                    id: "rapl:intel-rapl:1", kind: .psys, name: "psys",
                    method: Method(.measured, "rapl", detail: fixture.energyFile("intel-rapl:1"))
                )
            ]
        )
        #expect(discovery.notes.isEmpty)
        #expect(discovery.domains.filter(\.selected).map(\.zone) == ["intel-rapl:1"])
        try fixture.setEnergy("intel-rapl:1", 37_000_000)
        try fixture.setEnergy("intel-rapl:0", 15_000_000)
        #expect(try joules(source.read()) == [7])
    }

    @Test func psysMissingFallsBackToPackages() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 0)
        try fixture.zone("intel-rapl:1", name: "package-1", energy: 0)
        let discovery = RAPLSource.discover(root: fixture.root, selection: .psys)
        #expect(discovery.source?.channels.map(\.name) == ["package-0", "package-1"])
        #expect(discovery.notes.map(\.code) == ["rapl-psys-absent"])
        #expect(discovery.notes[0].level == .info)
    }

    @Test func coreAndUncoreAreNeverAdded() throws {
        let fixture = try laptop()
        for selection in [RAPLSelection.packages, .packagesAndDRAM] {
            let discovery = RAPLSource.discover(root: fixture.root, selection: selection)
            let source = try #require(discovery.source)
            #expect(!source.channels.contains { $0.name.contains("core") || $0.kind == .psys })
            let kinds = Dictionary(uniqueKeysWithValues: discovery.domains.map { ($0.zone, $0) })
            #expect(kinds["intel-rapl:0:0"]?.kind == .core)
            #expect(kinds["intel-rapl:0:1"]?.kind == .uncore)
            #expect(kinds["intel-rapl:0:0"]?.selected == false)
            #expect(kinds["intel-rapl:0:1"]?.selected == false)
            #expect(kinds["intel-rapl:1"]?.selected == false)
            #expect(kinds["intel-rapl:0:0"]?.package == 0)
        }
        let source = try #require(RAPLSource.discover(root: fixture.root).source)
        try fixture.setEnergy("intel-rapl:0", 12_000_000)
        try fixture.setEnergy("intel-rapl:0:0", 5_000_000)
        try fixture.setEnergy("intel-rapl:0:1", 1_500_000)
        #expect(try joules(source.read()) == [2])
    }

    @Test func mirroredDiesAreDropped() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0-die-0", energy: 7_000_000)
        try fixture.zone("intel-rapl:1", name: "package-0-die-1", energy: 7_000_000)
        try fixture.zone("intel-rapl:2", name: "package-1-die-0", energy: 9_000_000)
        try fixture.zone("intel-rapl:3", name: "package-1-die-1", energy: 9_000_000)

        let discovery = RAPLSource.discover(root: fixture.root)
        let source = try #require(discovery.source)
        #expect(source.channels.map(\.name) == ["package-0", "package-1"])
        #expect(source.channels.map(\.id) == ["rapl:intel-rapl:0", "rapl:intel-rapl:2"])
        #expect(discovery.notes.map(\.code) == ["rapl-mirrored-die", "rapl-mirrored-die"])
        #expect(discovery.notes[0].message.contains("intel-rapl:1"))
        #expect(discovery.notes[0].message.contains("intel-rapl:0"))
        #expect(discovery.domains.map(\.selected) == [true, false, true, false])
        #expect(discovery.domains.map(\.die) == [0, 1, 0, 1])

        // The kernel updates a mirror together with its twin.
        for zone in ["intel-rapl:0", "intel-rapl:1"] { try fixture.setEnergy(zone, 8_000_000) }
        for zone in ["intel-rapl:2", "intel-rapl:3"] { try fixture.setEnergy(zone, 9_500_000) }
        #expect(try joules(source.read()) == [1, 0.5])
    }

    @Test func mirrorOfAPackageZoneIsDropped() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 7_000_000)
        try fixture.zone("intel-rapl:1", name: "package-0-die-1", energy: 7_000_000)
        let discovery = RAPLSource.discover(root: fixture.root)
        #expect(discovery.source?.channels.map(\.id) == ["rapl:intel-rapl:0"])
        #expect(discovery.notes.map(\.code) == ["rapl-mirrored-die"])
    }

    @Test func equalCountersOfDifferentPackagesAreKept() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 7_000_000)
        try fixture.zone("intel-rapl:1", name: "package-1", energy: 7_000_000)
        try fixture.zone("intel-rapl:2", name: "package-2-die-0", energy: 7_000_000)
        let discovery = RAPLSource.discover(root: fixture.root)
        #expect(discovery.source?.channels.map(\.name) == ["package-0", "package-1", "package-2"])
        #expect(discovery.notes.isEmpty)
    }

    @Test func sameValueButDifferentRangeIsNotAMirror() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0-die-0", energy: 7_000_000)
        try fixture.zone("intel-rapl:1", name: "package-0-die-1", energy: 7_000_000, range: 1_000_000_000)
        let discovery = RAPLSource.discover(root: fixture.root)
        #expect(discovery.source?.channels.map(\.name) == ["package-0"])
        #expect(discovery.notes.map(\.code) == ["rapl-dies-summed"])
    }

    @Test func distinctDiesAreSummed() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0-die-0", energy: 7_000_000)
        try fixture.zone("intel-rapl:1", name: "package-0-die-1", energy: 3_000_000)
        try fixture.zone("intel-rapl:0:0", name: "dram", energy: 100)
        try fixture.zone("intel-rapl:1:0", name: "dram", energy: 200)

        let discovery = RAPLSource.discover(root: fixture.root, selection: .packagesAndDRAM)
        let source = try #require(discovery.source)
        #expect(source.channels.map(\.name) == ["package-0", "dram-0"])
        #expect(source.channels[0].id == "rapl:intel-rapl:0")
        #expect(
            source.channels[0].method.detail
                == fixture.energyFile("intel-rapl:0") + " + " + fixture.energyFile("intel-rapl:1")
        )
        #expect(discovery.notes.map(\.code) == ["rapl-dies-summed", "rapl-dies-summed"])
        #expect(discovery.domains.allSatisfy { $0.selected })
        #expect(discovery.domains.first { $0.zone == "intel-rapl:1:0" }?.die == 1)

        try fixture.setEnergy("intel-rapl:0", 8_000_000)
        try fixture.setEnergy("intel-rapl:1", 5_000_000)
        try fixture.setEnergy("intel-rapl:1:0", 500_200)
        #expect(try joules(source.read()) == [3, 0.5])
    }

    @Test func singleWrap() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 900_000, range: 1_000_000)
        let source = try #require(RAPLSource.discover(root: fixture.root).source)

        try fixture.setEnergy("intel-rapl:0", 100_000)
        // (max - previous) + new = (1_000_000 - 900_000) + 100_000 µJ.
        #expect(try joules(source.read()) == [0.2])
        #expect(source.wrapCount == 1)
        #expect(source.notes.map(\.code) == ["rapl-wrapped"])
        #expect(source.notes[0].message.contains("wrapped 1 time during"))
        try fixture.setEnergy("intel-rapl:0", 150_000)
        #expect(try joules(source.read()) == [0.25])
        #expect(source.wrapCount == 1)
    }

    @Test func severalWraps() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 900_000, range: 1_000_000)
        try fixture.zone("intel-rapl:1", name: "package-1", energy: 0, range: 1_000_000)
        let source = try #require(RAPLSource.discover(root: fixture.root).source)

        // (package-0 reading, expected cumulative µJ, expected wraps so far)
        let steps: [(UInt64, UInt64, Int)] = [
            (950_000, 50_000, 0),
            (50_000, 150_000, 1),
            (800_000, 900_000, 1),
            (100_000, 1_200_000, 2),
            (100_000, 1_200_000, 2),
            (990_000, 2_090_000, 2),
            (10_000, 2_110_000, 3),
            (0, 3_100_000, 4),  // wrapped almost a full range
        ]
        for (reading, expected, wraps) in steps {
            try fixture.setEnergy("intel-rapl:0", reading)
            let energies = try source.read()
            #expect((energies[0].joules * 1e6).rounded() == Double(expected))
            #expect(energies[1] == .zero)
            #expect(source.wrapCount == wraps)
        }
        #expect(source.notes.first?.message.contains("4 times") == true)
    }

    @Test func wrapsAreCountedAcrossDies() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0-die-0", energy: 990, range: 1_000)
        try fixture.zone("intel-rapl:1", name: "package-0-die-1", energy: 980, range: 1_000)
        let source = try #require(RAPLSource.discover(root: fixture.root).source)
        try fixture.setEnergy("intel-rapl:0", 10)
        try fixture.setEnergy("intel-rapl:1", 30)
        #expect(try source.read().map { ($0.joules * 1e6).rounded() } == [20 + 50])
        #expect(source.wrapCount == 2)
    }

    @Test func maxSafeInterval() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 0)
        let source = try #require(RAPLSource.discover(root: fixture.root).source)
        // 262,143.33 J at 200 W: about 21.8 minutes.
        let interval = source.maxSafeInterval(assumingPower: Power(watts: 200))
        #expect(abs(interval.seconds - 1310.716644) < 1e-6)
        #expect(source.maxSafeInterval(assumingPower: .zero) == .nanoseconds(Int64.max))
        #expect(source.maxSafeInterval(assumingPower: Power(watts: 1e-30)) == .nanoseconds(Int64.max))
    }

    @Test func unreadableCounters() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1)
        try fixture.zone("intel-rapl:1", name: "package-1", energy: 1)

        let discovery = RAPLSource.discover(root: fixture.root, selection: .packages, reader: deniedEnergyReader)
        #expect(discovery.source == nil)
        let note = try #require(discovery.notes.first)
        #expect(discovery.notes.count == 1)
        #expect(note.level == .warning)
        #expect(note.code == "rapl-unreadable")
        #expect(note.message.contains(fixture.energyFile("intel-rapl:0")))
        #expect(note.message.contains("Permission denied"))
        #expect(note.message.contains("and 1 more"))
        #expect(
            note.message.contains(
                "sudo chmod a+r \(fixture.root)/intel-rapl:*/energy_uj \(fixture.root)/intel-rapl:*:*/energy_uj"
            )
        )
        #expect(note.message.contains("reboot"))
        #expect(discovery.domains.count == 2)
        #expect(discovery.domains.allSatisfy { !$0.readable && !$0.selected && $0.name.hasPrefix("package-") })
    }

    @Test(.enabled(if: geteuid() != 0, "root reads files whatever their mode"))
    func unreadableCountersWithRealPermissions() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1)
        chmod(fixture.energyFile("intel-rapl:0"), 0)
        let discovery = RAPLSource.discover(root: fixture.root)
        #expect(discovery.source == nil)
        #expect(discovery.notes.map(\.code) == ["rapl-unreadable"])
    }

    @Test func unreadableZoneOutsideTheSelectionDoesNotMatter() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1)
        try fixture.zone("intel-rapl:1", name: "psys", energy: 1)
        let reader = SysfsReader { path in
            path.hasSuffix("intel-rapl:1/energy_uj")
                ? .failure(SysfsReadError(code: EACCES)) : SysfsReader.system.readFile(path)
        }
        let discovery = RAPLSource.discover(root: fixture.root, selection: .packages, reader: reader)
        #expect(discovery.source?.channels.map(\.name) == ["package-0"])
        #expect(discovery.notes.isEmpty)
        #expect(discovery.domains.map(\.readable) == [true, false])
    }

    @Test func absentDirectory() throws {
        let fixture = try RAPLFixture()
        let discovery = RAPLSource.discover(root: fixture.root + "/missing")
        #expect(discovery.source == nil)
        #expect(discovery.domains.isEmpty)
        #expect(discovery.notes.map(\.code) == ["rapl-absent"])
        #expect(discovery.notes[0].level == .info)
    }

    @Test func directoryWithoutZones() throws {
        let fixture = try RAPLFixture()
        try FileManager.default.createDirectory(atPath: fixture.path("intel-rapl"), withIntermediateDirectories: true)
        let discovery = RAPLSource.discover(root: fixture.root)
        #expect(discovery.source == nil)
        #expect(discovery.notes.map(\.code) == ["rapl-absent"])
    }

    @Test func noPackageDomain() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "psys", energy: 1)
        let discovery = RAPLSource.discover(root: fixture.root)
        #expect(discovery.source == nil)
        #expect(discovery.notes.map(\.code) == ["rapl-no-domain"])
        #expect(discovery.notes[0].message.contains("intel-rapl:0 (psys)"))
    }

    @Test(arguments: ["garbage", "", "-5", "12.5", "0x10", "99999999999999999999999"])
    func garbageAtDiscovery(content: String) throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1)
        try fixture.write(fixture.energyFile("intel-rapl:0"), content + "\n")
        let discovery = RAPLSource.discover(root: fixture.root)
        #expect(discovery.source == nil)
        #expect(discovery.notes.map(\.code) == ["rapl-invalid"])
        #expect(discovery.notes[0].level == .warning)
        #expect(discovery.notes[0].message.contains(fixture.energyFile("intel-rapl:0")))
        #expect(discovery.domains.map(\.readable) == [false])
    }

    @Test func garbageMaxRange() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1)
        try fixture.write(fixture.path("intel-rapl:0") + "/max_energy_range_uj", "n/a\n")
        let discovery = RAPLSource.discover(root: fixture.root)
        #expect(discovery.source == nil)
        #expect(discovery.notes.first?.message.contains("max_energy_range_uj") == true)
    }

    @Test func garbageWhileReading() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1_000_000)
        try fixture.zone("intel-rapl:1", name: "package-1", energy: 1_000_000)
        let source = try #require(RAPLSource.discover(root: fixture.root).source)

        try fixture.setEnergy("intel-rapl:0", 2_000_000)
        try fixture.write(fixture.energyFile("intel-rapl:1"), "\u{0}garbage\n")
        // The counter's file is where it happened (the error has no location), so the message is checked for it.
        let error = try #require(expectCode(.io) { try source.read() })
        #expect(error.message.contains(fixture.energyFile("intel-rapl:1")))

        // A failed read changes nothing: the next one still measures from the baseline.
        try fixture.setEnergy("intel-rapl:1", 1_500_000)
        #expect(try joules(source.read()) == [1, 0.5])
    }

    @Test func counterGoneWhileReading() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1)
        let source = try #require(RAPLSource.discover(root: fixture.root).source)
        try FileManager.default.removeItem(atPath: fixture.energyFile("intel-rapl:0"))
        let error = try #require(expectCode(.io) { try source.read() })
        #expect(error.message.contains(fixture.energyFile("intel-rapl:0")))
    }

    @Test func entriesThatAreNotZonesAreIgnored() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1)
        // The control type, the MMIO interface (which repeats package-0), other powercap drivers.
        try FileManager.default.createDirectory(atPath: fixture.path("intel-rapl"), withIntermediateDirectories: true)
        try fixture.write(fixture.path("intel-rapl") + "/enabled", "1\n")
        try fixture.zone("intel-rapl-mmio:0", name: "package-0", energy: 1)
        try fixture.zone("dtpm", name: "dtpm", energy: 1)
        try fixture.zone("intel-rapl:x", name: "package-9", energy: 1)
        try fixture.zone("intel-rapl:0:1:2", name: "core", energy: 1)
        try fixture.write(fixture.path("intel-rapl:5"), "a file, not a zone\n")

        let discovery = RAPLSource.discover(root: fixture.root)
        #expect(discovery.domains.map(\.zone) == ["intel-rapl:0"])
        #expect(discovery.source?.channels.map(\.name) == ["package-0"])
    }

    /// The real layout: /sys/class/powercap holds links into /sys/devices/virtual/powercap/intel-rapl,
    /// where subzones are also nested in their package's directory.
    @Test func symbolicLinksAsInSysfs() throws {
        let fixture = try RAPLFixture()
        let devices = fixture.base.appendingPathComponent("devices/intel-rapl").path
        try fixture.zone("", name: "package-0", energy: 1_000_000, at: devices + "/intel-rapl:0")
        try fixture.zone("", name: "dram", energy: 2_000_000, at: devices + "/intel-rapl:0/intel-rapl:0:0")
        try fixture.zone("", name: "psys", energy: 3_000_000, at: devices + "/intel-rapl:1")
        let links = [
            "intel-rapl": devices, "intel-rapl:0": devices + "/intel-rapl:0",
            "intel-rapl:0:0": devices + "/intel-rapl:0/intel-rapl:0:0", "intel-rapl:1": devices + "/intel-rapl:1",
        ]
        for (name, target) in links {
            try FileManager.default.createSymbolicLink(atPath: fixture.path(name), withDestinationPath: target)
        }

        let discovery = RAPLSource.discover(root: fixture.root, selection: .packagesAndDRAM)
        #expect(discovery.domains.map(\.zone) == ["intel-rapl:0", "intel-rapl:0:0", "intel-rapl:1"])
        let source = try #require(discovery.source)
        #expect(source.channels.map(\.name) == ["package-0", "dram-0"])
        #expect(source.channels[1].method.detail == fixture.root + "/intel-rapl:0:0/energy_uj")
        try fixture.write(devices + "/intel-rapl:0/intel-rapl:0:0/energy_uj", "2500000\n")
        #expect(try joules(source.read()) == [0, 0.5])
    }

    @Test func subzonesOnlyNestedAreFound() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1)
        try fixture.zone("", name: "dram", energy: 1, at: fixture.path("intel-rapl:0") + "/intel-rapl:0:0")
        let discovery = RAPLSource.discover(root: fixture.root, selection: .packagesAndDRAM)
        #expect(discovery.source?.channels.map(\.name) == ["package-0", "dram-0"])
        #expect(discovery.domains[1].path == fixture.path("intel-rapl:0") + "/intel-rapl:0:0")
    }

    @Test func amdPrefix() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("amd-rapl:0", name: "package-0", energy: 1)
        let discovery = RAPLSource.discover(root: fixture.root)
        #expect(discovery.source?.channels.map(\.id) == ["rapl:amd-rapl:0"])
        #expect(discovery.notes.isEmpty)
    }

    @Test func bothPrefixesUseIntelOnly() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1)
        try fixture.zone("amd-rapl:0", name: "package-0", energy: 2)
        let discovery = RAPLSource.discover(root: fixture.root)
        #expect(discovery.source?.channels.map(\.id) == ["rapl:intel-rapl:0"])
        #expect(discovery.notes.map(\.code) == ["rapl-interfaces"])
        #expect(discovery.domains.map(\.zone) == ["intel-rapl:0"])
    }

    @Test func unknownAndUnnamedZonesAreListedNotUsed() throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 1)
        try fixture.zone("intel-rapl:1", name: "gpu", energy: 1)
        try fixture.zone("intel-rapl:2", name: "x", energy: 1)
        try FileManager.default.removeItem(atPath: fixture.path("intel-rapl:2") + "/name")
        let discovery = RAPLSource.discover(root: fixture.root)
        #expect(discovery.source?.channels.map(\.name) == ["package-0"])
        #expect(discovery.domains.map(\.kind) == [.package, .other, .other])
        #expect(discovery.domains.map(\.name) == ["package-0", "gpu", ""])
    }

    @Test func concurrentReadsAreConsistent() async throws {
        let fixture = try RAPLFixture()
        try fixture.zone("intel-rapl:0", name: "package-0", energy: 0)
        let source = try #require(RAPLSource.discover(root: fixture.root).source)
        try fixture.setEnergy("intel-rapl:0", 4_000_000)
        try await withThrowingTaskGroup(of: [Energy].self) { group in
            for _ in 0..<8 { group.addTask { try source.read() } }
            for try await energies in group { #expect(joules(energies) == [4]) }
        }
    }
}
