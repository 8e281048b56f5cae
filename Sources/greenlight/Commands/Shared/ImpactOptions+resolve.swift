import GreenlightCore

extension ImpactOptions {
    /// The SCI inputs: PUE, embodied carbon and the functional unit.
    func resolve() -> (pue: Double?, embodied: EmbodiedInput?, unit: FunctionalUnit?) {
        let embodied = embodiedKg.map {
            EmbodiedInput(total: CarbonMass(kilograms: $0), lifetimeYears: lifetimeYears, resourceShare: machineShare)
        }
        let functionalUnit = unit.flatMap { name in units.map { FunctionalUnit(name: name, count: $0) } }
        return (pue, embodied, functionalUnit)
    }
}
