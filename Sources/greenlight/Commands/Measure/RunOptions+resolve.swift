import GreenlightCore
import GreenlightMeter

extension RunOptions {
    /// The measurement `run` performs.
    func resolve() throws -> MeasureJob {
        var config = MeterConfiguration()
        config.interval = .seconds(interval)
        config.rapl = RAPLChoice.resolve(rapl, dram: raplDRAM, psys: raplPsys)
        config.enableRAPL = !noRAPL
        config.enableNVML = !noGPU
        config.cpuTDP = cpuTDP.map { Power(watts: $0) }
        config.location = try location.resolve()
        (config.pue, config.embodied, config.functionalUnit) = impact.resolve()
        config.context = try context.resolve(flops: flops)
        return MeasureJob(command: command, configuration: config, outputs: output.resolve(), timelinePath: timeline, waitForTree: waitTree)
    }
}
