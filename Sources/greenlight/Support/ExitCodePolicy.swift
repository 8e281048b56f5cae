import ArgumentParser
import GreenlightCore
import GreenlightMeter

/// How an outcome becomes an exit status: one policy for every command, applied by the root command.
///
/// 0 success; 1 the command ran and the answer is no (requirements or a policy not met); 2 bad input data or
/// an output that cannot be written (and anything else that stopped the work); 64 bad usage (flags). `run`
/// passes its command's status through. A command with other needs (`check`: conftest's 1 and 2, and 3 for
/// its own input errors) declares its own policy through ``GreenlightCommand``.
struct ExitCodePolicy: Sendable, Equatable {
    /// The work ran and the answer is no.
    var requirementsNotMet: Int32 = 1
    /// Bad input data, an output that cannot be written, or any other failure.
    var inputError: Int32 = 2
    /// Bad flags: unknown, missing, out of range or contradicting each other (sysexits' EX_USAGE).
    var usage: Int32 = 64

    /// Every command's policy unless it says otherwise.
    static let standard = ExitCodePolicy()

    /// The exit status for `error` thrown by a command (or by parsing its flags).
    func status(for error: any Error) -> Int32 {
        switch error {
        case let e as GreenlightError:
            switch e.code {
            case .invalidArgument: return usage
            case .requirementsNotMet: return requirementsNotMet
            default: return inputError
            }
        case let e as SpawnError:
            return e.exitCode
        case let e as ExitCode:
            return e.rawValue
        case is ValidationError:
            return usage
        default:
            // ArgumentParser's own errors (unknown flag, missing value, help, version) carry their codes.
            let code = Greenlight.exitCode(for: error).rawValue
            return code == ExitCode.failure.rawValue ? inputError : code
        }
    }
}

/// A command that states its exit-code policy; commands that do not use ``ExitCodePolicy/standard``.
protocol GreenlightCommand: ParsableCommand {
    /// The policy the root applies to this command's errors.
    static var exitCodePolicy: ExitCodePolicy { get }
}

extension GreenlightCommand {
    static var exitCodePolicy: ExitCodePolicy { .standard }
}

/// What the user reads for an error: `greenlight: error: ` and the message, with the library's parameter
/// names spelled as this CLI's flags (libraries do not know about flags).
enum ErrorText {
    /// The line(s) printed on stderr for `error`; empty for an error already reported.
    static func render(_ error: any Error) -> String {
        switch error {
        case let e as GreenlightError:
            return "greenlight: error: " + message(e)
        case let e as SpawnError:
            return e.message
        case is ExitCode:
            return ""
        default:
            return Greenlight.fullMessage(for: error)
        }
    }

    /// The message of `e`, naming the flag its parameter came from.
    static func message(_ e: GreenlightError) -> String {
        guard let parameter = e.parameter else { return e.message }
        let flag = FlagNames.flag(for: parameter.name)
        if e.code == .invalidArgument { return "\(flag): \(e.message)" }
        let fix = parameter.suggestion.map { "\(flag) \($0)" } ?? flag
        return "\(e.message) (\(fix))"
    }
}

/// The flag each library parameter is given as, for messages.
enum FlagNames {
    static let table: [String: String] = [
        "interval": "--interval", "pue": "--pue", "cpuTDP": "--cpu-tdp", "intensity": "--intensity",
        "embodied": "--embodied-kg", "lifetimeYears": "--lifetime-years", "resourceShare": "--machine-share",
        "functionalUnit": "--unit", "functionalUnits": "--units",
        "count": "--count", "hours": "--hours", "flops": "--flops", "parameters": "--params", "tokens": "--tokens",
        "utilization": "--utilization", "mfu": "--mfu", "precision": "--precision",
        "threads": "--threads", "sparsity": "--sparsity", "type": "--type", "tensorTypes": "--tensor-type",
        "tokenEmbeddingType": "--token-embedding-type", "outputTensorType": "--output-tensor-type",
        "format": "--format", "strict": "--strict", "output": "-o/--output", "json": "--json",
        "encoding": "--encoding", "suppressionLimit": "--suppress", "k": "--k", "l": "--l", "entropyL": "--entropy-l",
        "t": "--t", "sensitive": "--sensitive", "epsilon": "--epsilon", "delta": "--delta",
        "epsilonBudget": "--budget", "deltaBudget": "--delta-budget", "ledger": "--ledger", "ttl": "--ttl",
        "workFactor": "--work-factor", "timeline": "--timeline", "sample": "--sample", "bounds": "--lower/--upper",
        "location": "--country/--region, --cloud or --intensity", "waitForTree": "--wait-tree", "keep": "--keep", "pseudonymize": "--pseudonymize",
        "tags": "--tag", "model": "--model", "task": "--task", "policies": "--policy", "reports": "REPORT",
        "stage": "--stage", "meta": "--meta", "scale": "--scale", "scaleTask": "--scale-task",
    ]

    /// `--flag` for a parameter; an unknown name is shown as `--name` (and a test keeps the table complete).
    static func flag(for parameter: String) -> String { table[parameter] ?? "--\(parameter)" }
}
