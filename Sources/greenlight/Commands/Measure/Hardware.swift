import ArgumentParser
import GreenlightCore
import GreenlightMeter

struct Hardware: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what this machine has and which method `greenlight run` will use for each figure."
    )

    @OptionGroup var options: HardwareOptions

    func run() throws {
        try writeOut(HardwareReport.render(PowerPlan.resolve(options.resolve())) + "\n")
    }
}

/// `hardware`'s flags: the ones of `run` that change the plan.
struct HardwareOptions: ParsableArguments {
    @Option(help: "Show the plan with these RAPL domains: packages, packages-dram or psys.")
    var rapl: RAPLChoice?

    @Flag(name: .customLong("rapl-dram"), help: "Show the plan with RAPL DRAM domains added (--rapl packages-dram).")
    var raplDRAM = false

    @Flag(name: .customLong("rapl-psys"), help: "Show the plan with the RAPL psys domain (--rapl psys).")
    var raplPsys = false

    @Option(name: .customLong("cpu-tdp"), help: "CPU TDP in watts, as `run --cpu-tdp` would use it.")
    var cpuTDP: Double?

    func validate() throws {
        try RAPLChoice.check(rapl, dram: raplDRAM, psys: raplPsys)
        if let cpuTDP { try checkRange("--cpu-tdp", cpuTDP, CPUPowerModel.tdpRange, unit: "W") }
    }
}
