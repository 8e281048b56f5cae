#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
package import GreenlightCore

/// Why a sysfs attribute could not be read: the `errno` of `open` or `read`.
package struct SysfsReadError: Error, Sendable, Hashable {
    /// The `errno` value, e.g. `EACCES`.
    package var code: Int32

    /// Creates an error from an `errno` value.
    package init(code: Int32) { self.code = code }

    /// `EACCES` or `EPERM`: the file exists but this user may not read it.
    package var isPermissionDenied: Bool { code == EACCES || code == EPERM }

    /// The errno as a value (its description is the system's text, e.g. `Permission denied`).
    package var cause: SystemError { SystemError(errno: code) }

    /// The system's text, e.g. `Permission denied`.
    package var reason: String { cause.description }
}

/// Reads small sysfs attribute files (`name`, `energy_uj`, …).
///
/// A value rather than direct calls so that tests can simulate `EACCES`: they run as root on CI,
/// where `chmod 000` does not stop reads.
package struct SysfsReader: Sendable {
    /// Reads the whole file as text.
    package var readFile: @Sendable (_ path: String) -> Result<String, SysfsReadError>

    /// Creates a reader from a closure.
    package init(readFile: @escaping @Sendable (_ path: String) -> Result<String, SysfsReadError>) {
        self.readFile = readFile
    }

    /// Reads with `open`/`read`, `O_CLOEXEC` so a concurrently spawned command never inherits the descriptor.
    package static let system = SysfsReader { path in
        // sysfs attributes are at most a page; counters are about 20 bytes.
        ProcFS.readAll(path, sizeHint: 256).map { String(decoding: $0, as: UTF8.self) }
    }
}

enum SysfsText {
    /// The text without surrounding spaces and newlines.
    static func trimmed(_ text: String) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let start = text.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = text.lastIndex(where: { !isSpace($0) })!
        return text[start...end]
    }

    /// A non-negative decimal counter such as `energy_uj`, or `nil` for anything else.
    static func counter(_ text: String) -> UInt64? {
        let digits = trimmed(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return UInt64(digits)
    }

    /// The trimmed text quoted for a message, cut short when long.
    static func quoted(_ text: String) -> String {
        let body = trimmed(text)
        return String(reflecting: body.count > 40 ? String(body.prefix(40)) + "…" : String(body))
    }
}
