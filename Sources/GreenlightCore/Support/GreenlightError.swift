/// An error a user can act on: what went wrong and, where possible, how to fix it.
///
/// A struct wrapping a private enum, so cases can be added without breaking callers.
public struct GreenlightError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Code: Sendable, Hashable {
        case invalidInput
        case notFound
        case io
        case unsupported
        case undeliveredOutput
    }

    let code: Code
    /// What went wrong and how to fix it.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Bad user input: an argument, a file's contents.
    public static func invalidInput(_ message: String) -> GreenlightError { .init(.invalidInput, message) }
    /// A named thing (country, GPU model, file) does not exist; the message suggests the closest.
    public static func notFound(_ message: String) -> GreenlightError { .init(.notFound, message) }
    /// Reading or writing a file failed.
    public static func io(_ message: String) -> GreenlightError { .init(.io, message) }
    /// The platform or hardware cannot do this.
    public static func unsupported(_ message: String) -> GreenlightError { .init(.unsupported, message) }

    /// A result could not be written to standard output (a full disk, a closed descriptor, a broken pipe).
    public static func undeliveredOutput(_ message: String) -> GreenlightError { .init(.undeliveredOutput, message) }

    /// Whether a result was not delivered to standard output: for commands, an output that cannot be written.
    public var isUndeliveredOutput: Bool { code == .undeliveredOutput }

    /// Whether the error is about input the user gave (as opposed to the environment).
    public var isInvalidInput: Bool { code == .invalidInput || code == .notFound }

    public var description: String { message }
}
