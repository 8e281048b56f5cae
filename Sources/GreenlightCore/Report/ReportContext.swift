/// What a report is about, given by whoever ran the command: the lifecycle stage, the model, the task and free
/// tags (schema 1.4). Policies select rules on it (`when: {stage: training}`) and the standard reports need it
/// (SCI for AI's provider/consumer boundary, the Model Documentation Form's model name).
public struct ReportContext: Codable, Sendable, Hashable {
    /// The lifecycle stage of the work (SCI for AI's boundary: training and fine-tuning are the provider's,
    /// inference the consumer's).
    public enum Stage: String, Codable, Sendable, Hashable, CaseIterable {
        case training
        case fineTuning = "fine-tuning"
        case inference, compression, evaluation, other
    }

    /// The lifecycle stage, when stated.
    public var stage: Stage?
    /// The model's name (`llama-3-8b`, `all-MiniLM-L6-v2`), when stated.
    public var model: String?
    /// The task (`text-generation`, `sentence-similarity`), when stated.
    public var task: String?
    /// Free `key: value` tags (`team: nlp`); keys are ``tagKeyCharacters`` only.
    public var tags: [String: String]
    /// The work's floating-point operations as the user states them (a training framework's count), for a
    /// measured run; an estimate has its own (`estimate.flops`).
    public var flops: Double?

    /// A context; every part is optional.
    public init(stage: Stage? = nil, model: String? = nil, task: String? = nil, tags: [String: String] = [:], flops: Double? = nil) {
        self.flops = flops
        self.stage = stage
        self.model = model
        self.task = task
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey { case stage, model, task, tags, flops }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stage = try c.decodeIfPresent(Stage.self, forKey: .stage)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        task = try c.decodeIfPresent(String.self, forKey: .task)
        tags = try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
        flops = try c.decodeIfPresent(Double.self, forKey: .flops)
    }

    /// Whether nothing was stated.
    public var isEmpty: Bool { stage == nil && model == nil && task == nil && tags.isEmpty && flops == nil }

    /// The characters a tag key may have: letters, digits, `_`, `-` and `.` (so a policy can name it as
    /// `context.tags.KEY`).
    public static let tagKeyCharacters = "A–Z, a–z, 0–9, _, - and ."

    /// Whether `key` is a valid tag key: 1 to 64 of ``tagKeyCharacters``.
    public static func isValidTagKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 64 && key.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D || c == 0x2E
        }
    }

    /// A context from `KEY=VALUE` tag texts and the other parts, checked.
    ///
    /// - Throws: ``GreenlightError`` (invalid argument, parameter `tags`, `model` or `task`) for a tag without
    ///   `=`, a key that is not ``tagKeyCharacters``, a key given twice, or an empty or over-long name; parameter
    ///   `flops` for FLOPs that are not a positive finite number.
    public static func checked(stage: Stage?, model: String?, task: String?, tags tagTexts: [String], flops: Double? = nil) throws -> ReportContext? {
        if let flops, !(flops.isFinite && flops > 0 && flops < 1e40) {
            throw GreenlightError.invalidArgument("the FLOPs must be a positive number below 1e40, got \(flops)", parameter: "flops")
        }
        var tags: [String: String] = [:]
        for text in tagTexts {
            guard let eq = text.firstIndex(of: "=") else {
                throw GreenlightError.invalidArgument("tag \(TerminalText.escaped(text)) has no '='; give KEY=VALUE, e.g. team=nlp", parameter: "tags")
            }
            let key = String(text[..<eq]), value = String(text[text.index(after: eq)...])
            guard isValidTagKey(key) else {
                throw GreenlightError.invalidArgument(
                    "tag key \(TerminalText.escaped(key)) must be 1 to 64 of \(tagKeyCharacters)", parameter: "tags")
            }
            guard tags[key] == nil else {
                throw GreenlightError.invalidArgument("tag \(key) is given twice; give each key once", parameter: "tags")
            }
            guard value.utf8.count <= 1024 else {
                throw GreenlightError.invalidArgument("tag \(key)'s value is over 1,024 bytes", parameter: "tags")
            }
            tags[key] = value
        }
        for (name, value) in [("model", model), ("task", task)] {
            guard let value else { continue }
            guard !value.isEmpty, value.utf8.count <= 256 else {
                throw GreenlightError.invalidArgument("\(name) must be 1 to 256 bytes", parameter: name)
            }
        }
        let context = ReportContext(stage: stage, model: model, task: task, tags: tags, flops: flops)
        return context.isEmpty ? nil : context
    }
}
