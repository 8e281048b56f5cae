import Foundation
import GreenlightCore
import GreenlightPolicy
import GreenlightStandards

#if canImport(Glibc)
import Glibc
#endif

extension CheckOptions {
    /// The check to run; colour only on a terminal, without NO_COLOR and --no-color.
    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment, stdoutIsTerminal: Bool = isatty(1) == 1) -> CheckJob {
        let color = !noColor && stdoutIsTerminal && output == nil && (environment["NO_COLOR"] ?? "").isEmpty
        return CheckJob(policies: policies, reports: reports, combine: combine, format: format, outputPath: output,
                        failOnWarn: failOnWarn, color: color,
                        catalogue: StandardsPolicies.catalogue, packs: StandardsPolicies.packs)
    }
}
