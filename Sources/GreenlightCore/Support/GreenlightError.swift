#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// An error a user can act on: what went wrong, how to fix it, the underlying cause and where it happened.
///
/// Shaped as swift-nio's errors are: a public ``Code`` that is a struct over a private enum (so codes can be
/// added without breaking anyone's `switch`), a human ``message``, an optional ``cause`` (an errno is kept as
/// a ``SystemError``, not flattened into text at the throw site) and an optional ``location`` (input file,
/// line, tensor, column). Libraries never name command-line flags: a value given by the caller that is out
/// of range is ``Code/invalidArgument`` with the ``parameter`` it was given as, and a front end (the CLI)
/// names its own flag for it.
public struct GreenlightError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is: the thing front ends decide on (the CLI's exit status), never the text.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidInput, invalidArgument, notFound, io, unsupported, undeliveredOutput, requirementsNotMet
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The data given is malformed or inconsistent: a file's contents, a stream, a model.
        public static let invalidInput = Code(.invalidInput)
        /// A value the caller passed (in the CLI: a flag) is out of range or contradicts another; see ``GreenlightError/parameter``.
        public static let invalidArgument = Code(.invalidArgument)
        /// A named thing (a country, a GPU model, a file, a column) does not exist; the message suggests the closest.
        public static let notFound = Code(.notFound)
        /// Reading or writing failed in the system (a full disk, a permission, a read-only filesystem).
        public static let io = Code(.io)
        /// The platform or hardware cannot do this.
        public static let unsupported = Code(.unsupported)
        /// A result could not be written to standard output (a full disk, a closed descriptor, a broken pipe).
        public static let undeliveredOutput = Code(.undeliveredOutput)
        /// The work ran and the answer is no: requirements or a policy were not met.
        public static let requirementsNotMet = Code(.requirementsNotMet)

        public var description: String { base.rawValue }
    }

    /// Where in the input the error is: any of a file, a line and column in it, a tensor, a field (CSV column,
    /// JSON key, YAML entry).
    public struct Location: Hashable, Sendable, CustomStringConvertible {
        /// The input file.
        public var path: String?
        /// 1-based line in ``path``.
        public var line: Int?
        /// 1-based column (or byte offset, where the message says so) within ``line``.
        public var column: Int?
        /// The tensor of a model file.
        public var tensor: String?
        /// A CSV column, a JSON field, a YAML key.
        public var field: String?

        /// A location; every part is optional.
        public init(path: String? = nil, line: Int? = nil, column: Int? = nil, tensor: String? = nil, field: String? = nil) {
            self.path = path
            self.line = line
            self.column = column
            self.tensor = tensor
            self.field = field
        }

        public var description: String {
            var parts: [String] = []
            if let path { parts.append(TerminalText.escaped(path)) }
            if let line { parts.append("line \(line)") }
            if let column { parts.append("column \(column)") }
            if let tensor { parts.append("tensor \(TerminalText.escaped(tensor))") }
            if let field { parts.append("field \(TerminalText.escaped(field))") }
            return parts.joined(separator: ", ")
        }
    }

    /// The configuration value an error is about or whose change fixes it, by its library name (`interval`,
    /// `pue`, `encoding`), with a value to suggest; a front end turns it into its own spelling (`--pue`).
    public struct Parameter: Hashable, Sendable {
        /// The library's name of the value, as in the configuration type (`cpuTDP`, `suppressionLimit`).
        public var name: String
        /// A value that would fix it (`latin1` for `encoding`), when there is one.
        public var suggestion: String?

        /// A parameter and, optionally, a value to suggest.
        public init(_ name: String, suggestion: String? = nil) {
            self.name = name
            self.suggestion = suggestion
        }
    }

    /// What kind of failure this is.
    public let code: Code
    /// What went wrong and how to fix it, without the cause's text.
    public let summary: String
    /// The underlying error (a ``SystemError`` for an errno), shown after the summary.
    public let cause: (any Error & Sendable)?
    /// Where in the input it happened, when known.
    public let location: Location?
    /// The caller's value it is about or whose change fixes it.
    public let parameter: Parameter?
    /// Advice appended after the cause (`free some space or write elsewhere`), when it depends on the cause.
    public let remedy: String?

    /// An error with its parts.
    public init(
        _ code: Code, _ summary: String, cause: (any Error & Sendable)? = nil, location: Location? = nil,
        parameter: Parameter? = nil, remedy: String? = nil
    ) {
        self.code = code
        self.summary = summary
        self.cause = cause
        self.location = location
        self.parameter = parameter
        self.remedy = remedy
    }

    /// What went wrong, why (the cause) and how to fix it: `cannot write out.json: No space left on device; free
    /// some space or write elsewhere`.
    public var message: String {
        var text = summary
        if let cause { text += ": \(cause)" }
        if let remedy { text += "; \(remedy)" }
        return text
    }

    public var description: String { message }

    /// Two errors are the same failure when they have the same code and say the same thing (cause included);
    /// the location and parameter refine the message but do not make it a different failure.
    public static func == (lhs: GreenlightError, rhs: GreenlightError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    /// Bad data: a file's contents, a stream, a model.
    public static func invalidInput(_ message: String, cause: (any Error & Sendable)? = nil, location: Location? = nil,
                                    parameter: Parameter? = nil) -> GreenlightError {
        .init(.invalidInput, message, cause: cause, location: location, parameter: parameter)
    }

    /// A value the caller passed is out of range or contradicts another; `parameter` names it.
    public static func invalidArgument(_ message: String, parameter: String, suggestion: String? = nil) -> GreenlightError {
        .init(.invalidArgument, message, parameter: Parameter(parameter, suggestion: suggestion))
    }

    /// A named thing (country, GPU model, file) does not exist; the message suggests the closest.
    public static func notFound(_ message: String, cause: (any Error & Sendable)? = nil, location: Location? = nil) -> GreenlightError {
        .init(.notFound, message, cause: cause, location: location)
    }

    /// Reading or writing a file failed.
    public static func io(_ message: String, cause: (any Error & Sendable)? = nil, location: Location? = nil,
                          remedy: String? = nil) -> GreenlightError {
        .init(.io, message, cause: cause, location: location, remedy: remedy)
    }

    /// The platform or hardware cannot do this.
    public static func unsupported(_ message: String, cause: (any Error & Sendable)? = nil) -> GreenlightError {
        .init(.unsupported, message, cause: cause)
    }

    /// A result could not be written to standard output (a full disk, a closed descriptor, a broken pipe).
    public static func undeliveredOutput(_ message: String, cause: (any Error & Sendable)? = nil, remedy: String? = nil) -> GreenlightError {
        .init(.undeliveredOutput, message, cause: cause, remedy: remedy)
    }

    /// The work ran and the answer is no (requirements, a policy).
    public static func requirementsNotMet(_ message: String) -> GreenlightError { .init(.requirementsNotMet, message) }

    /// The same error with a location; parts already known are kept.
    public func located(_ location: Location) -> GreenlightError {
        var merged = self.location ?? Location()
        merged.path = merged.path ?? location.path
        merged.line = merged.line ?? location.line
        merged.column = merged.column ?? location.column
        merged.tensor = merged.tensor ?? location.tensor
        merged.field = merged.field ?? location.field
        return .init(code, summary, cause: cause, location: merged, parameter: parameter, remedy: remedy)
    }

    /// The same error with `prefix` before its summary (`kanon.yaml: `), for a caller that knows the context.
    public func prefixed(_ prefix: String) -> GreenlightError {
        .init(code, prefix + summary, cause: cause, location: location, parameter: parameter, remedy: remedy)
    }
}

/// A failed system call's errno, kept as a value: its description is the system's text (`No such file or
/// directory`), and ``code`` lets callers decide on it without parsing text.
public struct SystemError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The errno value.
    public let code: Int32

    /// The errno of a failed call.
    public init(errno code: Int32) { self.code = code }

    /// The current thread's `errno`, read now.
    public static func current() -> SystemError { SystemError(errno: errno) }

    public var description: String { String(cString: strerror(code)) }
}
