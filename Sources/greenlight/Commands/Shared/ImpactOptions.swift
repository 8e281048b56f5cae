import ArgumentParser

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
        if units != nil && unit == nil { throw ValidationError("--units needs --unit NAME") }
        if unit != nil && units == nil { throw ValidationError("--unit needs --units N") }
    }
}
