import Foundation
import GreenlightCore
import Yams

/// What a report cannot know and a standard report asks for — who publishes it, under which licence, the
/// infrastructure, the task, the algorithms and datasets, the quality — from a small YAML sidecar
/// (`--meta FILE`) and flags. Field names are BoAmps' (docs/REPORTS.md lists them).
public struct ReportMetadata: Codable, Sendable, Hashable {
    /// The publishing organisation.
    public struct Publisher: Codable, Sendable, Hashable {
        public var name: String?
        public var division: String?
        public var projectName: String?
        /// `public`, `internal`, `confidential` or `secret`.
        public var confidentialityLevel: String?
        public var publicKey: String?

        /// A publisher.
        public init(name: String? = nil, division: String? = nil, projectName: String? = nil,
                    confidentialityLevel: String? = nil, publicKey: String? = nil) {
            self.name = name
            self.division = division
            self.projectName = projectName
            self.confidentialityLevel = confidentialityLevel
            self.publicKey = publicKey
        }
    }

    /// Where the work ran.
    public struct Infrastructure: Codable, Sendable, Hashable {
        /// `publicCloud`, `privateCloud`, `onPremise` or `other`.
        public var infraType: String?
        public var cloudProvider: String?
        public var cloudInstance: String?
        public var cloudService: String?

        /// An infrastructure.
        public init(infraType: String? = nil, cloudProvider: String? = nil, cloudInstance: String? = nil, cloudService: String? = nil) {
            self.infraType = infraType
            self.cloudProvider = cloudProvider
            self.cloudInstance = cloudInstance
            self.cloudService = cloudService
        }
    }

    /// The task beyond the report's context.
    public struct Task: Codable, Sendable, Hashable {
        /// E.g. `text classification`; defaults to the report's `context.task`.
        public var taskFamily: String?
        public var taskDescription: String?
        /// For inference: the number of requests (queries) the measure covers.
        public var nbRequest: Double?
        /// Measured accuracy, 0–1.
        public var measuredAccuracy: Double?
        /// `veryPoor`, `poor`, `average`, `good` or `veryGood`.
        public var estimatedAccuracy: String?

        /// A task.
        public init(taskFamily: String? = nil, taskDescription: String? = nil, nbRequest: Double? = nil,
                    measuredAccuracy: Double? = nil, estimatedAccuracy: String? = nil) {
            self.taskFamily = taskFamily
            self.taskDescription = taskDescription
            self.nbRequest = nbRequest
            self.measuredAccuracy = measuredAccuracy
            self.estimatedAccuracy = estimatedAccuracy
        }
    }

    /// An algorithm, with BoAmps' fields.
    public struct Algorithm: Codable, Sendable, Hashable {
        public var trainingType, algorithmType, algorithmName, algorithmUri, foundationModelName, foundationModelUri: String?
        /// Billions of parameters.
        public var parametersNumber: Double?
        public var framework, frameworkVersion, classPath: String?
        public var layersNumber, epochsNumber: Double?
        public var optimizer, quantization: String?

        /// An algorithm.
        public init(algorithmType: String? = nil, foundationModelName: String? = nil, parametersNumber: Double? = nil,
                    framework: String? = nil, quantization: String? = nil) {
            self.algorithmType = algorithmType
            self.foundationModelName = foundationModelName
            self.parametersNumber = parametersNumber
            self.framework = framework
            self.quantization = quantization
        }
    }

    /// A dataset the work read or wrote, with BoAmps' fields.
    public struct Dataset: Codable, Sendable, Hashable {
        /// `input` or `output`.
        public var dataUsage: String?
        /// `tabular`, `audio`, `boolean`, `image`, `video`, `object`, `text`, `token`, `word` or `other`.
        public var dataType: String?
        public var dataFormat: String?
        /// Gigabytes.
        public var dataSize: Double?
        public var dataQuantity: Double?
        public var shape: String?
        /// `public`, `private` or `other`.
        public var source: String?
        public var sourceUri: String?
        public var owner: String?

        /// A dataset.
        public init(dataUsage: String? = nil, dataType: String? = nil, dataQuantity: Double? = nil, source: String? = nil) {
            self.dataUsage = dataUsage
            self.dataType = dataType
            self.dataQuantity = dataQuantity
            self.source = source
        }
    }

    /// The electricity beyond the grid intensity the report has.
    public struct Environment: Codable, Sendable, Hashable {
        public var location: String?
        public var latitude, longitude: Double?
        /// `public`, `private`, `internal` or `other`.
        public var powerSupplierType: String?
        /// `solar`, `wind`, `nuclear`, `hydroelectric`, `gas`, `coal` or `other`.
        public var powerSource: String?
    }

    /// What an SCI disclosure states beyond the report: why this functional unit, and the boundary in words.
    public struct SCI: Codable, Sendable, Hashable {
        /// Why R is the unit the software scales by.
        public var rationale: String?
        /// What the software boundary includes and excludes, in words.
        public var boundary: String?

        /// An SCI statement.
        public init(rationale: String? = nil, boundary: String? = nil) {
            self.rationale = rationale
            self.boundary = boundary
        }
    }

    public var publisher: Publisher?
    /// The licence the report is shared under (`CC-BY-4.0`).
    public var licensing: String?
    /// `draft`, `final`, `corrective` or `other`.
    public var reportStatus: String?
    public var infrastructure: Infrastructure?
    public var task: Task?
    public var algorithms: [Algorithm]?
    public var dataset: [Dataset]?
    public var environment: Environment?
    /// BoAmps' overall quality of the information: `high`, `medium` or `low`.
    public var quality: String?
    /// The SCI disclosure's statements.
    public var sci: SCI?
    /// Further quality figures a model card reports (`accuracy: 0.91`), shown beside energy.
    public var metrics: [String: Double]?

    /// Metadata; every part is optional.
    public init(publisher: Publisher? = nil, licensing: String? = nil, reportStatus: String? = nil, infrastructure: Infrastructure? = nil,
                task: Task? = nil, algorithms: [Algorithm]? = nil, dataset: [Dataset]? = nil, quality: String? = nil) {
        self.publisher = publisher
        self.licensing = licensing
        self.reportStatus = reportStatus
        self.infrastructure = infrastructure
        self.task = task
        self.algorithms = algorithms
        self.dataset = dataset
        self.quality = quality
    }

    /// The keys each part may have: anything else is a mistake (a typo would otherwise be silently lost).
    static let allowedKeys: [String: Set<String>] = [
        "": ["publisher", "licensing", "reportStatus", "infrastructure", "task", "algorithms", "dataset", "environment", "quality", "metrics",
             "sci"],
        "sci": ["rationale", "boundary"],
        "publisher": ["name", "division", "projectName", "confidentialityLevel", "publicKey"],
        "infrastructure": ["infraType", "cloudProvider", "cloudInstance", "cloudService"],
        "task": ["taskFamily", "taskDescription", "nbRequest", "measuredAccuracy", "estimatedAccuracy"],
        "algorithms": ["trainingType", "algorithmType", "algorithmName", "algorithmUri", "foundationModelName", "foundationModelUri",
                       "parametersNumber", "framework", "frameworkVersion", "classPath", "layersNumber", "epochsNumber", "optimizer",
                       "quantization"],
        "dataset": ["dataUsage", "dataType", "dataFormat", "dataSize", "dataQuantity", "shape", "source", "sourceUri", "owner"],
        "environment": ["location", "latitude", "longitude", "powerSupplierType", "powerSource"],
    ]

    /// The values of BoAmps' enumerated fields.
    static let enums: [String: [String]] = [
        "publisher.confidentialityLevel": ["public", "internal", "confidential", "secret"],
        "reportStatus": ["draft", "final", "corrective", "other"],
        "infrastructure.infraType": ["publicCloud", "privateCloud", "onPremise", "other"],
        "task.estimatedAccuracy": ["veryPoor", "poor", "average", "good", "veryGood"],
        "dataset.dataUsage": ["input", "output"],
        "dataset.dataType": ["tabular", "audio", "boolean", "image", "video", "object", "text", "token", "word", "other"],
        "dataset.source": ["public", "private", "other"],
        "environment.powerSupplierType": ["public", "private", "internal", "other"],
        "environment.powerSource": ["solar", "wind", "nuclear", "hydroelectric", "gas", "coal", "other"],
        "quality": ["high", "medium", "low"],
    ]

    /// Reads the sidecar at `path`.
    ///
    /// - Throws: ``GreenlightError`` (invalid input) naming the file, line and key of an unknown key, a wrong type or a
    ///   value outside its field's choices; not found for a missing file.
    public static func load(_ path: String) throws -> ReportMetadata {
        let data = try InputFile.contents(path, what: "the metadata")
        guard let text = String(data: data, encoding: .utf8) else {
            throw GreenlightError.invalidInput("\(TerminalText.escaped(path)): not UTF-8 text", location: .init(path: path))
        }
        return try parse(text, source: path)
    }

    /// Parses sidecar YAML.
    public static func parse(_ yaml: String, source: String) throws -> ReportMetadata {
        let shown = TerminalText.escaped(source)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw GreenlightError.invalidInput("\(shown): not valid YAML: \(error)", location: .init(path: source))
        }
        guard let root else { return ReportMetadata() }
        guard root.mapping != nil else { throw GreenlightError.invalidInput("\(shown): the metadata must be a mapping", location: .init(path: source)) }
        try checkKeys(root, part: "", source: source)
        do {
            var metadata = try YAMLDecoder().decode(ReportMetadata.self, from: yaml)
            metadata.source = source
            return metadata
        } catch let error as DecodingError {
            let (path, why) = describe(error)
            throw GreenlightError.invalidInput("\(shown): \(path): \(why)", location: .init(path: source, field: path))
        }
    }

    /// Where the metadata came from, for messages; not encoded.
    var source: String?

    enum CodingKeys: String, CodingKey {
        case publisher, licensing, reportStatus, infrastructure, task, algorithms, dataset, environment, quality, metrics, sci
    }

    private static func checkKeys(_ node: Node, part: String, source: String) throws {
        if let list = node.sequence {
            for item in list { try checkKeys(item, part: part, source: source) }
            return
        }
        guard let map = node.mapping else {
            let key = part.isEmpty ? "" : part
            if let choices = enums[key], let value = node.scalar?.string, !choices.contains(value) {
                throw GreenlightError.invalidInput(
                    "\(TerminalText.escaped(source)):\(node.mark?.line ?? 0): \(key): \(TerminalText.escaped(value)) is not one of \(choices.joined(separator: ", "))",
                    location: .init(path: source, line: node.mark?.line, column: node.mark?.column, field: key))
            }
            return
        }
        for (k, v) in map {
            let name = k.scalar?.string ?? ""
            let full = part.isEmpty ? name : "\(part).\(name)"
            if part == "metrics" { continue }
            guard let allowed = allowedKeys[part], allowed.contains(name) else {
                let choices = allowedKeys[part].map { $0.sorted().joined(separator: ", ") } ?? ""
                throw GreenlightError.invalidInput(
                    "\(TerminalText.escaped(source)):\(k.mark?.line ?? 0): unknown key \(TerminalText.escaped(full)); keys here: \(choices)",
                    location: .init(path: source, line: k.mark?.line, column: k.mark?.column, field: full))
            }
            try checkKeys(v, part: full, source: source)
        }
    }

    private static func describe(_ error: DecodingError) -> (String, String) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .typeMismatch(let type, let c): return (path(c.codingPath), "expected \(type == Double.self ? "a number" : type == String.self ? "text" : "\(type)")")
        case .valueNotFound(_, let c): return (path(c.codingPath), "a value is missing")
        case .keyNotFound(let key, let c): return (path(c.codingPath + [key]), "missing")
        case .dataCorrupted(let c): return (path(c.codingPath), c.debugDescription)
        @unknown default: return ("", "\(error)")
        }
    }
}
