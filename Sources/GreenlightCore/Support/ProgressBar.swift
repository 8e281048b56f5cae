#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// A one-line progress bar on stderr, shown only when both stdout and stderr are terminals (so logs and pipes
/// never receive carriage returns).
public final class ProgressBar: @unchecked Sendable {
    // Only touched from the thread that reports progress.
    private var lastDraw = ContinuousClock.now - .seconds(1)

    private init() {}

    /// A bar when stdout and stderr are both terminals, else nil.
    public static func forTerminal() -> ProgressBar? {
        isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
    }

    /// Redraws the bar at most every 100 ms (and at the end), `label` escaped and cut to 40 characters.
    public func update(done: Int, total: Int, label: String) {
        let now = ContinuousClock.now
        guard now - lastDraw > .milliseconds(100) || done == total else { return }
        lastDraw = now
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        draw("\r[\(bar)] \(Int(fraction * 100))% \(TerminalText.escaped(String(label.prefix(40))))\u{1B}[K")
    }

    /// Clears the line.
    public func finish() { draw("\r\u{1B}[K") }

    private func draw(_ text: String) {
        var bytes = Array(text.utf8)
        // Progress is a courtesy: a failed write to stderr is not an error.
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
