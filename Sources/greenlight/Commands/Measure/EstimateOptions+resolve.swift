import ArgumentParser
import GreenlightCore

extension EstimateOptions {
    /// The estimate to make.
    func resolve() throws -> EstimateRequest {
        let work: EstimateRequest.Work
        if let hours {
            work = .hours(hours)
        } else if let flops {
            work = .flops(flops)
        } else if let params, let tokens {
            work = .training(parameters: params, tokens: tokens)
        } else {
            throw ValidationError("give exactly one of --hours, --flops, or --params with --tokens")
        }
        let (pue, embodied, unit) = impact.resolve()
        return EstimateRequest(
            device: device, count: count, work: work, utilization: utilization, mfu: mfu, precision: precision,
            pue: pue, location: try location.resolve(), embodied: embodied, functionalUnit: unit, context: try context.resolve())
    }
}
