#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CGreenlightShims

/// Checked writes to standard output and standard error.
///
/// A result printed to a full disk (`> /dev/full`), a closed descriptor (`>&-`) or a closed pipe was not
/// delivered: ``writeOut(_:)`` says so with an error instead of exiting 0, and never traps.
public enum StandardStreams {
    /// Puts `/dev/null` (read-only) on descriptors 0–2 where they are closed, so that a file opened later cannot
    /// take their number and writes to them still fail. Call first thing in `main`.
    public static func reopenClosed() {
        _ = greenlight_reopen_closed_std_fds()
    }

    /// Writes `text` to standard output, all of it.
    ///
    /// - Throws: ``GreenlightError`` (I/O) when the write fails (no space, closed, broken pipe).
    public static func writeOut(_ text: String) throws {
        // Whatever stdio buffered goes first, so the order stays as printed.
        let flushed = greenlight_flush_stdout()
        guard flushed == 0 else { throw outputError(flushed) }
        let error = writeAll(1, text)
        guard error == 0 else { throw outputError(error) }
    }

    /// Writes `bytes` to standard output as they are (a token, plaintext), all of them.
    ///
    /// - Throws: ``GreenlightError`` (undelivered output) when the write fails.
    public static func writeOut(bytes: UnsafeRawBufferPointer) throws {
        let flushed = greenlight_flush_stdout()
        guard flushed == 0 else { throw outputError(flushed) }
        let error = writeAll(1, bytes)
        guard error == 0 else { throw outputError(error) }
    }

    /// Writes `text` to standard error; failures are ignored, there being nowhere left to report them.
    public static func writeError(_ text: String) {
        _ = writeAll(2, text)
    }

    /// Flushes what `print` buffered for standard output.
    ///
    /// - Throws: ``GreenlightError`` (I/O) when it could not be written.
    public static func flushOut() throws {
        let error = greenlight_flush_stdout()
        guard error == 0 else { throw outputError(error) }
    }

    static func outputError(_ error: Int32) -> GreenlightError {
        GreenlightError.undeliveredOutput(
            "cannot write to standard output", cause: SystemError(errno: error),
            remedy: error == ENOSPC ? "free some space or redirect elsewhere" : nil)
    }

    /// Returns 0, or the errno of the failed write.
    private static func writeAll(_ fd: Int32, _ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard var p = bytes.baseAddress else { return 0 }
        var left = bytes.count
        while left > 0 {
            let n = posixWrite(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            p += n
            left -= n
        }
        return 0
    }
}
