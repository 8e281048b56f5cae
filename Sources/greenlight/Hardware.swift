import ArgumentParser
import GreenlightCore
import GreenlightMeter

struct Hardware: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what this machine has and which method `greenlight run` will use for each figure."
    )

    @Flag(name: .customLong("rapl-dram"), help: "Show the plan with RAPL DRAM domains added.")
    var raplDRAM = false

    @Flag(name: .customLong("rapl-psys"), help: "Show the plan with the RAPL psys domain.")
    var raplPsys = false

    @Option(name: .customLong("cpu-tdp"), help: "CPU TDP in watts, as `run --cpu-tdp` would use it.")
    var cpuTDP: Double?

    func validate() throws {
        if let cpuTDP { try checkRange("--cpu-tdp", cpuTDP, CPUPowerModel.tdpRange, unit: "W") }
    }

    func run() throws {
        var config = MeterConfiguration()
        config.rapl = raplPsys ? .psys : (raplDRAM ? .packagesAndDRAM : .packages)
        config.cpuTDP = cpuTDP.map { Power(watts: $0) }
        try config.validate()
        try writeOut(HardwareReport.render(PowerPlan.resolve(config)) + "\n")
    }
}
