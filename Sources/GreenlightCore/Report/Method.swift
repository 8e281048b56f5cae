/// How a figure was obtained. Every figure a user sees carries one.
///
/// The label form `kind:source` (for example `measured:rapl` or `estimated:tdp-linear-v1`) is what the
/// human summary and the CSV show; the JSON report keeps the parts apart.
public struct Method: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The broad class of a method.
    public enum Kind: String, Codable, Sendable, Hashable {
        /// Read from a hardware counter or driver (RAPL, NVML, /proc).
        case measured
        /// Computed from a documented model and bundled data.
        case estimated
        /// Computed from other figures in the same report (attribution, sums, SCI).
        case derived
        /// Given by the user on the command line or in a config.
        case user
        /// A documented default that the user did not override; always also noted.
        case `default`
    }

    /// The broad class.
    public var kind: Kind
    /// A short stable identifier of the counter, model or dataset, e.g. `rapl`, `nvml-energy`, `tdp-linear-v1`.
    public var source: String
    /// Free text a person reads: which file, which table row, which year.
    public var detail: String?

    /// Creates a method description.
    public init(_ kind: Kind, _ source: String, detail: String? = nil) {
        self.kind = kind
        self.source = source
        self.detail = detail
    }

    /// `kind:source`, the compact label.
    public var label: String { "\(kind.rawValue):\(source)" }

    public var description: String {
        if let detail { return "\(label) (\(detail))" }
        return label
    }
}

/// A value together with how it was obtained.
public struct Figure<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    /// The value.
    public var value: Value
    /// How the value was obtained.
    public var method: Method

    /// Creates a labelled figure.
    public init(_ value: Value, _ method: Method) {
        self.value = value
        self.method = method
    }
}
