import GreenlightCore
import GreenlightMeter

extension HardwareOptions {
    /// The meter configuration whose plan is shown.
    func resolve() throws -> MeterConfiguration {
        var config = MeterConfiguration()
        config.rapl = RAPLChoice.resolve(rapl, dram: raplDRAM, psys: raplPsys)
        config.cpuTDP = cpuTDP.map { Power(watts: $0) }
        try config.validate()
        return config
    }
}
