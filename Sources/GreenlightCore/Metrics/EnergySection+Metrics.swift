// The metrics of energy, carbon and SCI.

import Foundation

private let energyKinds: [Report.Kind] = [.run, .estimate, .compress]

/// `kind:source` labels joined, for a figure made of several.
private func labels(_ methods: [Method]) -> String {
    var seen = Set<String>()
    return methods.map(\.label).filter { seen.insert($0).inserted }.joined(separator: " + ")
}

extension EnergySection: ReportMetricProvider {
    public static var metrics: [ReportMetric] {
        var list: [ReportMetric] = [
            ReportMetric("energy.total", .energy,
                         "energy the work is accountable for: the process tree's (an estimate's workload) × PUE",
                         kinds: energyKinds, combination: .sum) { r in
                r.energy.map { .number($0.processFacilityEnergy.joules, labels([$0.process.method, $0.pue.method])) }
            },
            ReportMetric("energy.tree", .energy, "the process tree's share of the machine's energy, before PUE",
                         kinds: energyKinds, combination: .sum) { r in
                r.energy.map { .number($0.process.energy.joules, $0.process.method.label) }
            },
            ReportMetric("energy.host", .energy, "the whole machine's energy over the run (every component), before PUE",
                         kinds: energyKinds, combination: .sum) { r in
                r.energy.map { .number($0.host.total.joules, labels($0.components.map(\.method))) }
            },
            ReportMetric("energy.host_facility", .energy, "the whole machine's energy × PUE", kinds: energyKinds,
                         combination: .sum) { r in
                r.energy.map { .number($0.hostFacilityEnergy.joules, labels($0.components.map(\.method) + [$0.pue.method])) }
            },
            ReportMetric("energy.idle", .energy, "the machine's idle (baseline) energy over the run", kinds: energyKinds,
                         combination: .sum) { r in
                r.energy.map { .number($0.host.idle.joules, labels($0.components.map(\.idleMethod))) }
            },
            ReportMetric("energy.active", .energy, "the machine's energy above idle", kinds: energyKinds, combination: .sum) { r in
                r.energy.map { .number($0.host.active.joules, labels($0.components.map(\.method))) }
            },
            ReportMetric("energy.methods", .textSet,
                         "how each component's energy was obtained: the set of method kinds (measured, estimated, …)",
                         kinds: energyKinds, combination: .union) { r in
                r.energy.map { e in
                    MetricValue(.texts(Array(Set(e.components.map(\.method.kind.rawValue))).sorted()), method: labels(e.components.map(\.method)))
                }
            },
            ReportMetric("energy.sources", .textSet, "every component's method label (measured:rapl, estimated:tdp-linear-v1, …)",
                         kinds: energyKinds, combination: .union) { r in
                r.energy.map { e in MetricValue(.texts(Array(Set(e.components.map(\.method.label))).sorted())) }
            },
            ReportMetric("energy.estimated_share", .ratio, "the share of the machine's energy that was estimated, not measured",
                         kinds: energyKinds) { r in
                r.energy.map { e in
                    let total = e.host.total.joules
                    let estimated = e.components.filter { $0.method.kind != .measured }.reduce(0) { $0 + $1.energy.joules }
                    return .number(total > 0 ? estimated / total : 0, "derived:components")
                }
            },
            ReportMetric("energy.unlabelled_components", .number, "components whose method has no source (none in Greenlight's reports)",
                         kinds: energyKinds, combination: .sum) { r in
                r.energy.map { e in .number(Double(e.components.filter { $0.method.source.isEmpty }.count), "derived:components") }
            },
            ReportMetric("pue", .number, "the facility's power usage effectiveness applied", kinds: energyKinds) { r in
                r.energy.map { .number($0.pue.value, $0.pue.method.label) }
            },
            ReportMetric("pue.method", .text, "how the PUE was obtained: user or default", kinds: energyKinds) { r in
                r.energy.map { .text($0.pue.method.kind.rawValue, $0.pue.method.label) }
            },
            ReportMetric("power.mean", .power, "the machine's mean power over the run", kinds: energyKinds) { r in
                r.energy.map { .number($0.host.meanPower.watts, labels($0.components.map(\.method))) }
            },
        ]
        for kind in ComponentKind.allCases {
            let name = kind.rawValue
            let of: @Sendable (Report) -> [EnergyComponent]? = { r in
                guard let all = r.energy?.components.filter({ $0.kind == kind }), !all.isEmpty else { return nil }
                return all
            }
            list += [
                ReportMetric("energy.\(name)", .energy, "the machine's \(name) energy (every \(name) component)", kinds: energyKinds,
                             combination: .sum) { r in
                    of(r).map { cs in .number(cs.reduce(0) { $0 + $1.energy.joules }, labels(cs.map(\.method))) }
                },
                ReportMetric("energy.\(name).tree", .energy, "the process tree's share of the \(name) energy", kinds: energyKinds,
                             combination: .sum) { r in
                    of(r).map { cs in .number(cs.reduce(0) { $0 + $1.processEnergy.joules }, labels(cs.map(\.attributionMethod))) }
                },
                ReportMetric("energy.\(name).method", .text,
                             "how the \(name) energy was obtained: measured, estimated, … (the weakest when several)",
                             kinds: energyKinds) { r in
                    of(r).map { cs in .text(weakest(cs.map(\.method.kind)).rawValue, labels(cs.map(\.method))) }
                },
            ]
        }
        return list
    }

    /// The least direct of the kinds: one estimated component makes the whole estimated.
    private static func weakest(_ kinds: [Method.Kind]) -> Method.Kind {
        func rank(_ kind: Method.Kind) -> Int {
            switch kind {
            case .measured: 0
            case .derived: 1
            case .estimated: 2
            case .user: 3
            case .default: 4
            }
        }
        return kinds.max { rank($0) < rank($1) } ?? .measured
    }
}

extension CarbonSection: ReportMetricProvider {
    public static var metrics: [ReportMetric] {
        [
            ReportMetric("carbon.emissions", .carbon, "operational emissions of the work: energy.total × intensity",
                         kinds: energyKinds, combination: .sum) { r in
                r.carbon.map { .number($0.process.grams, $0.intensity.method.label) }
            },
            ReportMetric("carbon.host", .carbon, "operational emissions of the whole machine: energy.host_facility × intensity",
                         kinds: energyKinds, combination: .sum) { r in
                r.carbon.map { .number($0.host.grams, $0.intensity.method.label) }
            },
            ReportMetric("carbon.embodied", .carbon, "embodied emissions attributed to the work (SCI's M), when given",
                         kinds: energyKinds, combination: .sum) { r in
                r.carbon?.embodied.map { .number($0.attributed.grams, $0.method.label) }
            },
            ReportMetric("carbon.offsets", .carbon,
                         "offsets subtracted from the emissions: always 0, Greenlight subtracts none (SCI excludes them)",
                         kinds: energyKinds, combination: .sum) { r in
                r.carbon.map { _ in .number(0, "derived:no-offsets") }
            },
            ReportMetric("carbon.intensity", .intensity, "the grid carbon intensity applied", kinds: energyKinds) { r in
                r.carbon.map { .number($0.intensity.value.gramsPerKilowattHour, $0.intensity.method.label) }
            },
            ReportMetric("carbon.intensity.method", .text, "how the intensity was obtained: estimated (bundled data), user or default",
                         kinds: energyKinds) { r in
                r.carbon.map { .text($0.intensity.method.kind.rawValue, $0.intensity.method.label) }
            },
            ReportMetric("carbon.intensity.source", .text, "the dataset or origin of the intensity (owid-ember, electricitymaps, …)",
                         kinds: energyKinds) { r in
                r.carbon.map { .text($0.intensity.method.source, $0.intensity.method.label) }
            },
            ReportMetric("carbon.intensity.basis", .text,
                         "location (a grid average for the location, from bundled data) or user (given; its basis is unknown)",
                         kinds: energyKinds) { r in
                r.carbon.map { .text($0.intensity.method.kind == .user ? "user" : "location", $0.intensity.method.label) }
            },
            ReportMetric("carbon.intensity.granularity", .text,
                         "the time resolution of the intensity data: annual (the bundled yearly averages) or unknown (given)",
                         kinds: energyKinds) { r in
                r.carbon.map { .text($0.intensity.year == nil ? "unknown" : "annual", $0.intensity.method.label) }
            },
            ReportMetric("carbon.intensity.year", .number, "the year the intensity data describe", kinds: energyKinds) { r in
                r.carbon?.intensity.year.map { .number(Double($0), r.carbon?.intensity.method.label) }
            },
            ReportMetric("carbon.intensity.age", .number,
                         "years between the intensity data's year and the report's creation (0 = the same year)",
                         kinds: energyKinds) { r in
                r.carbon?.intensity.year.map { year in
                    .number(Double(utcYear(r.createdAt) - year), "derived:createdAt-year")
                }
            },
            ReportMetric("carbon.location", .text, "the location the intensity is for, as the summary names it", kinds: energyKinds) { r in
                r.carbon.map { .text($0.intensity.location.displayName, $0.intensity.method.label) }
            },
            ReportMetric("carbon.location.country", .text, "the ISO 3166 alpha-3 code of the location, when known", kinds: energyKinds) { r in
                r.carbon?.intensity.location.countryISO3.map { .text($0, r.carbon?.intensity.method.label) }
            },
        ]
    }
}

extension SCIScore: ReportMetricProvider {
    public static var metrics: [ReportMetric] {
        [
            ReportMetric("sci.score", .carbon, "the Software Carbon Intensity: (E × I + M) per functional unit", kinds: energyKinds) { r in
                r.sci.map { .number($0.score.grams, "derived:sci") }
            },
            ReportMetric("sci.unit", .text, "the functional unit R (per what), stated with --unit", kinds: energyKinds) { r in
                r.sci.map { .text($0.functionalUnit, "user:functionalUnit") }
            },
            ReportMetric("sci.units", .number, "how many functional units the work produced, stated with --units", kinds: energyKinds,
                         combination: .sum) { r in
                r.sci.map { .number($0.units, "user:functionalUnits") }
            },
            ReportMetric("sci.operational", .carbon, "SCI's E × I, the operational emissions it divides by R", kinds: energyKinds) { r in
                r.sci.map { .number($0.operational.grams, "derived:sci") }
            },
            ReportMetric("sci.embodied", .carbon, "SCI's M, the embodied emissions it divides by R", kinds: energyKinds) { r in
                r.sci.map { .number($0.embodied.grams, "derived:sci") }
            },
            ReportMetric("sci.energy", .energy, "SCI's E, the energy it divides by R", kinds: energyKinds) { r in
                r.sci.map { .number($0.energy.joules, "derived:sci") }
            },
        ]
    }
}

/// The calendar year of `date` in UTC.
private func utcYear(_ date: Date) -> Int {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    return calendar.component(.year, from: date)
}
