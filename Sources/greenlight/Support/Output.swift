import Foundation
import GreenlightCore

// How every command prints: results on stdout checked (a full disk or a closed stdout is an error, exit 2),
// and text that came from files (headers, values, paths, column names) escaped at the sink so it cannot
// drive the terminal. Data (tokens, plaintext, records) goes out as it is through `writeResultBytes`.

/// Prints a result on stdout, control characters escaped, checked.
///
/// - Throws: ``GreenlightError`` (undelivered output) when it could not all be written.
func writeOut(_ s: String) throws {
    try StandardStreams.writeOut(TerminalText.escapedKeepingLayout(s))
}

/// Bytes on stdout as they are (a token, plaintext, records), checked.
///
/// - Throws: ``GreenlightError`` (undelivered output) when they could not all be written.
func writeResultBytes(_ bytes: some ContiguousBytes) throws {
    try bytes.withUnsafeBytes { try StandardStreams.writeOut(bytes: $0) }
}

/// A line for a person on stderr, control characters escaped (messages name files, tensors, columns); never
/// traps, even when stderr is closed.
func printError(_ s: String) {
    StandardStreams.writeError(TerminalText.escapedKeepingLayout(s) + "\n")
}

/// A line for a person on stderr (escaped by `printError`).
func say(_ s: String) {
    printError(s)
}
