import ArgumentParser
import GreenlightCore

#if canImport(Glibc)
import Glibc
#endif

@main
struct Greenlight: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greenlight",
        abstract: "Measure, reduce and govern the energy and carbon of AI workloads.",
        version: GreenlightVersion.string,
        subcommands: [Run.self, Estimate.self, Hardware.self, Compress.self, Inspect.self, Privacy.self]
    )

    /// ArgumentParser's `main`, with the standard streams made safe first and what was printed checked last:
    /// a result that did not reach stdout (full disk, closed descriptor) is an error, not exit 0.
    static func main() {
        StandardStreams.reopenClosed()
        // Temporary files go with a fatal signal; `run` forwards signals to its command instead while it runs.
        try? TemporaryFiles.installSignalCleanup()
        var code: Int32
        do {
            var command = try parseAsRoot()
            try command.run()
            code = 0
        } catch {
            code = exitCode(for: error).rawValue
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == 0 {
                    // --help and --version are results: printed to stdout, and checked like any other.
                    do { try StandardStreams.writeOut(message + "\n") } catch {
                        printError("greenlight: error: \(error)")
                        code = 2
                    }
                } else {
                    printError(message)
                }
            }
        }
        do {
            try StandardStreams.flushOut()
        } catch {
            printError("greenlight: error: \(error)")
            // `run` keeps its command's exit code; elsewhere an undelivered result is a failure.
            if code == 0 { code = 2 }
        }
        Glibc.exit(code)
    }
}

/// Prints a library error the way every subcommand does and picks the exit code.
func fail(_ error: any Error) -> ExitCode {
    if let e = error as? GreenlightError {
        printError("greenlight: error: \(e.message)")
        // Bad input and a result that could not be delivered are both exit 2.
        return ExitCode(e.isInvalidInput || e.isUndeliveredOutput ? 2 : 1)
    }
    printError("greenlight: error: \(error)")
    return ExitCode(1)
}

/// Prints a result on stdout, checked: a full disk or a closed descriptor is an error (exit 2, as for any output
/// that cannot be written).
func writeOut(_ s: String) throws {
    do {
        // The sink escapes control characters: whatever a command prints may hold names from files.
        try StandardStreams.writeOut(TerminalText.escapedKeepingLayout(s))
    } catch {
        printError("greenlight: error: \(error)")
        throw ExitCode(2)
    }
}

/// Prints a line on stderr, control characters escaped (messages name files, tensors, columns); never traps,
/// even when stderr is closed.
func printError(_ s: String) {
    StandardStreams.writeError(TerminalText.escapedKeepingLayout(s) + "\n")
}
