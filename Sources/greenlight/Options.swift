import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightMeter

/// Where the electricity came from.
struct LocationOptions: ParsableArguments {
    @Option(help: "Country of the machine, ISO 3166-1 alpha-3 (e.g. DEU, USA, FRA).")
    var country: String?

    @Option(help: "Region within --country: US state (CA), Canadian or Chinese province, Nordic zone (SE3).")
    var region: String?

    @Option(help: "Cloud region as PROVIDER:REGION (e.g. gcp:europe-west1).")
    var cloud: String?

    @Option(help: "Grid carbon intensity in gCO2e/kWh, overriding any dataset.")
    var intensity: Double?

    func validate() throws {
        if let intensity { try checkRange("--intensity", intensity, 0...10_000, unit: "gCO2e/kWh") }
    }

    func query() throws -> LocationQuery {
        let given = [country != nil, cloud != nil, intensity != nil].filter { $0 }.count
        guard given <= 1 else { throw ValidationError("give only one of --country, --cloud, --intensity") }
        if region != nil && country == nil { throw ValidationError("--region needs --country") }
        if let intensity {
            guard intensity >= 0, intensity.isFinite else { throw ValidationError("--intensity must be ≥ 0 gCO2e/kWh") }
            return .explicit(CarbonIntensity(gramsPerKilowattHour: intensity))
        }
        if let country { return .country(country, region: region) }
        if let cloud {
            let parts = cloud.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--cloud must be PROVIDER:REGION, e.g. gcp:europe-west1")
            }
            return .cloud(provider: parts[0], region: parts[1])
        }
        return .none
    }
}

/// PUE, embodied carbon and the functional unit: the inputs of SCI.
struct ImpactOptions: ParsableArguments {
    @Option(help: "Power usage effectiveness of the facility (default 1.0, stated in the report).")
    var pue: Double?

    @Option(name: .customLong("embodied-kg"), help: "Embodied emissions of the machine in kgCO2e (SCI's M).")
    var embodiedKg: Double?

    @Option(name: .customLong("lifetime-years"), help: "Expected hardware lifetime for --embodied-kg (default 4).")
    var lifetimeYears: Double = 4

    @Option(name: .customLong("machine-share"), help: "Share of the machine the workload reserves, 0–1 (default 1).")
    var machineShare: Double = 1

    @Option(help: "Functional unit name for SCI, e.g. inference, epoch, request.")
    var unit: String?

    @Option(help: "How many functional units the workload produced.")
    var units: Double?

    func validate() throws {
        if let pue { try checkRange("--pue", pue, 1...10, unit: "") }
        if let embodiedKg { try checkRange("--embodied-kg", embodiedKg, 0...1e9, unit: "kgCO2e") }
        try checkRange("--lifetime-years", lifetimeYears, 0.01...100, unit: "years")
        try checkRange("--machine-share", machineShare, 0.000_001...1, unit: "")
        if let units { try checkRange("--units", units, 1e-9...1e18, unit: "") }
    }

    /// The validated inputs: PUE, embodied carbon and functional unit.
    func values() throws -> (pue: Double?, embodied: EmbodiedInput?, unit: FunctionalUnit?) {
        let embodied = embodiedKg.map {
            EmbodiedInput(total: CarbonMass(kilograms: $0), lifetimeYears: lifetimeYears, resourceShare: machineShare)
        }
        switch (unit, units) {
        case (nil, nil): return (pue, embodied, nil)
        case let (name?, count?): return (pue, embodied, FunctionalUnit(name: name, count: count))
        case (nil, _?): throw ValidationError("--units needs --unit NAME")
        case (_?, nil): throw ValidationError("--unit needs --units N")
        }
    }
}

/// Report files.
struct OutputOptions: ParsableArguments {
    @Option(help: "Write the JSON report here (atomically).")
    var json: String?

    @Option(help: "Append one row to this CSV in CodeCarbon's emissions.csv layout (locked; safe for concurrent runs).")
    var csv: String?

    @Option(help: "Which figures the CSV row carries: process (the tree's share) or machine (host totals).")
    var scope: CSVScope = .process

    @Option(name: .customLong("project-name"), help: "CodeCarbon's project_name column.")
    var projectName: String = "greenlight"

    @Flag(name: .shortAndLong, help: "Do not print the summary on stderr.")
    var quiet = false

    var outputs: ReportOutputs {
        ReportOutputs(jsonPath: json, csvPath: csv, csvScope: scope == .process ? .process : .machine, projectName: projectName)
    }
}

enum CSVScope: String, ExpressibleByArgument, CaseIterable {
    case process, machine
}

/// Refuses a non-finite or out-of-range number for `flag` before any conversion can trap on it.
///
/// - Throws: `ValidationError` (exit 64) naming the flag, the value and the accepted range.
func checkRange(_ flag: String, _ value: Double, _ range: ClosedRange<Double>, unit: String) throws {
    guard value.isFinite, range.contains(value) else {
        let u = unit.isEmpty ? "" : " \(unit)"
        throw ValidationError("\(flag) must be a number from \(Format.number(range.lowerBound)) to \(Format.number(range.upperBound))\(u), got \(value)")
    }
}

/// Refuses an integer outside `range` for `flag`.
func checkRange(_ flag: String, _ value: Int, _ range: ClosedRange<Int>) throws {
    guard range.contains(value) else {
        throw ValidationError("\(flag) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(value)")
    }
}
