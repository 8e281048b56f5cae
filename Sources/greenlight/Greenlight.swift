import ArgumentParser
import GreenlightCore

@main
struct Greenlight: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greenlight",
        abstract: "Measure, reduce and govern the energy and carbon of AI workloads.",
        version: GreenlightVersion.string,
        subcommands: [Run.self, Estimate.self, Hardware.self, Compress.self, Inspect.self, Privacy.self]
    )
}

/// Prints a library error the way every subcommand does and picks the exit code.
func fail(_ error: any Error) -> ExitCode {
    if let e = error as? GreenlightError {
        printError("greenlight: error: \(e.message)")
        return ExitCode(e.isInvalidInput ? 2 : 1)
    }
    printError("greenlight: error: \(error)")
    return ExitCode(1)
}
