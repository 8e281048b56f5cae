#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import GreenlightCore

/// A command could not be started.
///
/// ``exitCode`` follows the shell's convention, so `greenlight run` can exit with it: 127 when the
/// command does not exist, 126 when it exists but cannot be executed (no permission, not an
/// executable format, a directory).
public struct SpawnError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The exit code a shell would give: 127 not found, 126 not executable.
    public var exitCode: Int32
    /// What went wrong, ready to print, e.g. `greenlight: command not found: foo`.
    public var message: String
    /// The `errno` value `posix_spawnp` reported; 0 when the command was empty.
    public var errorNumber: Int32

    /// Creates an error.
    public init(exitCode: Int32, message: String, errorNumber: Int32 = 0) {
        self.exitCode = exitCode
        self.message = message
        self.errorNumber = errorNumber
    }

    public var description: String { message }

    /// The error for a `posix_spawnp` failure, worded like a shell's.
    static func spawnFailed(_ command: String, errorNumber: Int32) -> SpawnError {
        let isPath = command.contains("/")
        switch errorNumber {
        case ENOENT where isPath:
            return SpawnError(exitCode: 127, message: "greenlight: no such file or directory: \(command)", errorNumber: errorNumber)
        case ENOENT:
            return SpawnError(exitCode: 127, message: "greenlight: command not found: \(command)", errorNumber: errorNumber)
        case EACCES, EPERM:
            return SpawnError(
                exitCode: 126,
                message: "greenlight: permission denied: \(command) (not executable, or a directory; try chmod +x)",
                errorNumber: errorNumber)
        case ENOEXEC:
            return SpawnError(
                exitCode: 126,
                message: "greenlight: cannot execute: \(command): exec format error (a script needs a #! line)",
                errorNumber: errorNumber)
        default:
            return SpawnError(
                exitCode: 126, message: "greenlight: cannot execute: \(command): \(SystemError(errno: errorNumber))",
                errorNumber: errorNumber)
        }
    }

    /// The error for an empty command line.
    static let emptyCommand = SpawnError(exitCode: 127, message: "greenlight: no command given (usage: greenlight run -- COMMAND [ARGS…])")
}
