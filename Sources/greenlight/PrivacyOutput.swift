import ArgumentParser
import Foundation
import GreenlightCore

// How every privacy command prints: results checked (a full disk or a closed stdout is an error, exit 2), and
// text that came from files (headers, values, paths, column names) escaped so it cannot drive the terminal:
// `writeOut` and `printError` escape; data (tokens, plaintext, records) goes out as it is.

/// A line for a person on stderr (escaped by `printError`).
func say(_ s: String) {
    printError(s)
}

/// Bytes on stdout as they are (a token, plaintext), checked.
///
/// - Throws: ``GreenlightError`` (undelivered output) when they could not all be written.
func writeResultBytes(_ data: Data) throws {
    try data.withUnsafeBytes { try StandardStreams.writeOut(bytes: $0) }
}

/// Prints an error of a privacy command and picks the exit code as ``fail(_:)`` does, adding the flag that reads
/// Latin-1 to an invalid UTF-8 error (the library cannot name flags).
func privacyFail(_ error: any Error) -> ExitCode {
    if let code = error as? ExitCode { return code }
    if let e = error as? GreenlightError, e.message.contains(": invalid UTF-8 (bytes ") {
        return fail(GreenlightError.invalidInput(e.message + " (--encoding latin1)"))
    }
    return fail(error)
}

/// Checks, before any work, every file a command will write: each must be writable and none may be one
/// of the files it reads (by device and inode: links included), nor two of them the same file; with
/// `stdout`, standard output (when redirected to a file) may not be an input either.
///
/// - Throws: ``GreenlightError`` saying which path and why.
func checkPrivacyOutputs(_ outputs: [String?], reading inputs: [String?], stdout: Bool = false) throws {
    let ins = inputs.compactMap { $0 }.filter { $0 != "-" }
    let outs = outputs.compactMap { $0 }
    for output in outs { try OutputTarget.check(output, notSameAs: ins) }
    for (i, a) in outs.enumerated() {
        for b in outs[(i + 1)...] where sameFile(a, b) {
            throw GreenlightError.invalidInput(
                "\(a) and \(b) are the same file: two outputs of one command cannot share a path; give each its own")
        }
    }
    guard stdout else { return }
    var out = stat()
    guard fstat(STDOUT_FILENO, &out) == 0, (out.st_mode & S_IFMT) == S_IFREG else { return }
    for input in ins {
        var st = stat()
        if stat(input, &st) == 0, st.st_dev == out.st_dev, st.st_ino == out.st_ino {
            throw GreenlightError.invalidInput(
                "refusing to write to standard output: it is the input \(input) and would destroy it; redirect elsewhere or use -o")
        }
    }
}

/// Whether two paths name one file: the same inode when both exist, else the same resolved directory and name.
func sameFile(_ a: String, _ b: String) -> Bool {
    var sa = stat(), sb = stat()
    if stat(a, &sa) == 0, stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
    func resolved(_ p: String) -> String {
        let url = URL(fileURLWithPath: p)
        return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
    }
    return resolved(a) == resolved(b)
}

/// Why a Foundation file operation failed, as the system says it (`No such file or directory`).
func reason(_ error: any Error) -> String {
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(truncatingIfNeeded: underlying.code)))
    }
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(truncatingIfNeeded: ns.code))) }
    return ns.localizedDescription
}
