import ArgumentParser
import GreenlightCore

#if canImport(Glibc)
import Glibc
#endif

/// The root command: parses, runs the subcommand, and turns every error into its message and exit status in
/// one place (``ExitCodePolicy``), for every command present and future.
@main
struct Greenlight: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greenlight",
        abstract: "Measure, reduce and govern the energy and carbon of AI workloads.",
        version: GreenlightVersion.string,
        subcommands: [Run.self, Estimate.self, Hardware.self, Compress.self, Inspect.self, Privacy.self, Check.self, ReportCommand.self]
    )

    /// ArgumentParser's `main`, with the standard streams made safe first and what was printed checked last:
    /// a result that did not reach stdout (full disk, closed descriptor) is an error, not exit 0.
    static func main() {
        StandardStreams.reopenClosed()
        // Temporary files go with a fatal signal; `run` forwards signals to its command instead while it runs.
        try? TemporaryFiles.installSignalCleanup()
        Glibc.exit(execute(CommandLine.arguments.dropFirst().map { $0 }))
    }

    /// Parses and runs `arguments`, prints what the user must read, and returns the exit status.
    static func execute(_ arguments: [String]) -> Int32 {
        var policy = ExitCodePolicy.standard
        var code: Int32
        do {
            var command = try parseAsRoot(arguments)
            if let stated = command as? any GreenlightCommand { policy = type(of: stated).exitCodePolicy }
            try command.run()
            code = 0
        } catch {
            code = policy.status(for: error)
            let message = ErrorText.render(error)
            if !message.isEmpty {
                if code == 0 {
                    // --help and --version are results: printed to stdout, and checked like any other.
                    do { try StandardStreams.writeOut(message + "\n") } catch {
                        printError(ErrorText.render(error))
                        code = policy.inputError
                    }
                } else {
                    printError(message)
                }
            }
        }
        do {
            try StandardStreams.flushOut()
        } catch {
            printError(ErrorText.render(error))
            // `run` keeps its command's exit code; elsewhere an undelivered result is a failure.
            if code == 0 { code = policy.inputError }
        }
        return code
    }
}
