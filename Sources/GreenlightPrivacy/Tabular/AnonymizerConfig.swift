import Foundation
import GreenlightCore
import Yams

/// What `greenlight privacy anonymize` does, read from YAML.
///
/// ```yaml
/// key_file: secret.key        # for pseudonymize and encrypt: a key from `greenlight privacy keygen --fernet`,
///                             # relative to this file
/// text_field: text            # JSON Lines: the free-text field (default "text", treated with `entities`)
/// detect: [EMAIL_ADDRESS, PHONE_NUMBER]   # entity types looked for in free text (default: all)
/// columns:                    # CSV columns or top-level JSON fields; others are kept
///   name:  {operator: pseudonymize, domain: person, length: 16}
///   email: {operator: mask, char: "*", chars: 6, from_end: false}
///   ssn:   {operator: redact}
///   bill:  {operator: encrypt}
///   notes: {operator: entities}
/// entities:                   # operators for entities found in `entities` columns
///   EMAIL_ADDRESS: {operator: replace, value: "<EMAIL>"}
///   PERSON: {operator: pseudonymize, domain: person}
///   DEFAULT: {operator: replace}   # every other type: <ENTITY_TYPE>
/// ```
///
/// Every mistake is reported with the file, line and key, e.g. `anon.yaml:4: columns.email: unknown
/// operator "masc"; operators: replace, redact, mask, pseudonymize, encrypt, keep, entities`.
public struct AnonymizerConfig: Sendable {
    /// The key file (resolved against the config's directory), if one is named.
    public var keyFile: String?
    /// The free-text field of JSON Lines records.
    public var textField: String
    /// Entity types looked for in free text.
    public var detect: Set<PIIEntityType>
    /// Operators per column or field, in the order written.
    public var columns: [(name: String, operator: AnonymizerOperator)]
    /// Operators per entity type.
    public var entities: [PIIEntityType: AnonymizerOperator]
    /// The operator for entity types not in ``entities`` (`replace` with `<ENTITY_TYPE>` by default).
    public var defaultEntityOperator: AnonymizerOperator
    /// Where the config came from, for messages.
    public var source: String

    /// Operators allowed per operator name, with their keys.
    static let operatorKeys: [String: Set<String>] = [
        "replace": ["value"], "redact": [], "mask": ["char", "chars", "from_end"], "pseudonymize": ["domain", "length"],
        "encrypt": [], "keep": [], "entities": [],
    ]
    static let operatorNames = "replace, redact, mask, pseudonymize, encrypt, keep, entities"

    /// Reads a config file.
    ///
    /// - Throws: ``GreenlightError`` naming the file, line and key of the first mistake.
    public static func load(path: String) throws -> AnonymizerConfig {
        let data = try InputFile.contents(path, what: "config")
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try AnonymizerConfig(yaml: String(decoding: data, as: UTF8.self), source: path, baseDirectory: base)
    }

    /// Parses a config.
    ///
    /// - Parameters:
    ///   - yaml: The YAML text.
    ///   - source: A name for messages (the file path).
    ///   - baseDirectory: The directory relative `key_file` paths are resolved against.
    /// - Throws: ``GreenlightError`` naming the line and key of the first mistake.
    public init(yaml: String, source: String = "config", baseDirectory: String? = nil) throws {
        self.source = source
        let reader = ConfigReader(source: source)
        let root = try reader.compose(yaml)
        guard let top = root.mapping else { throw reader.fail(root, "config", "must be a mapping with columns: and entities:") }
        keyFile = nil
        textField = "text"
        detect = Set(PIIEntityType.allCases)
        columns = []
        entities = [:]
        defaultEntityOperator = .replace(value: nil)

        for (k, v) in top {
            let key = try reader.string(k, "config")
            switch key {
            case "key_file":
                let path = try reader.string(v, key)
                keyFile = path.hasPrefix("/") || baseDirectory == nil ? path : baseDirectory! + "/" + path
            case "text_field":
                textField = try reader.string(v, key)
            case "detect":
                detect = try reader.entityTypes(v, key)
            case "columns":
                columns += try reader.columnOperators(v, key)
            case "entities":
                try reader.entityOperators(v, key, into: &entities, default: &defaultEntityOperator)
            default:
                throw reader.fail(k, key, "unknown key; keys: key_file, text_field, detect, columns, entities")
            }
        }
        var seen: Set<String> = []
        for (name, _) in columns where !seen.insert(name).inserted {
            throw GreenlightError.invalidInput("\(source): columns.\(name): given twice")
        }
    }

    /// Whether any operator needs the key file.
    public var needsKey: Bool {
        columns.contains { $0.operator.needsKey } || entities.values.contains { $0.needsKey } || defaultEntityOperator.needsKey
    }

    /// The operator for an entity type.
    public func entityOperator(_ type: PIIEntityType) -> AnonymizerOperator {
        entities[type] ?? defaultEntityOperator
    }
}

/// Reads the parts of an ``AnonymizerConfig`` from YAML nodes; every error names the source, line and key.
private struct ConfigReader {
    let source: String

    /// The document's root node.
    func compose(_ yaml: String) throws -> Node {
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw GreenlightError.invalidInput("\(source): the config is empty")
            }
            return node
        } catch let error as GreenlightError {
            throw error
        } catch {
            throw GreenlightError.invalidInput("\(source): not valid YAML: \(error)")
        }
    }

    /// An error at `node`'s line about `key`.
    func fail(_ node: Node?, _ key: String, _ message: String) -> GreenlightError {
        let line = node?.mark.map { ":\($0.line)" } ?? ""
        return GreenlightError.invalidInput("\(source)\(line): \(key): \(message)")
    }

    func string(_ node: Node, _ key: String) throws -> String {
        guard let s = node.scalar?.string else { throw fail(node, key, "must be a string") }
        return s
    }

    /// `detect:`, a list of entity type names.
    func entityTypes(_ node: Node, _ key: String) throws -> Set<PIIEntityType> {
        guard let seq = node.sequence else { throw fail(node, key, "must be a list of entity types") }
        var types: Set<PIIEntityType> = []
        for item in seq {
            do {
                types.insert(try PIIEntityType(name: try string(item, key)))
            } catch let e as GreenlightError {
                throw fail(item, key, e.message)
            }
        }
        return types
    }

    /// `columns:`, column names to operators, in the order written.
    func columnOperators(_ node: Node, _ key: String) throws -> [(name: String, operator: AnonymizerOperator)] {
        guard let map = node.mapping else { throw fail(node, key, "must be a mapping of column names to operators") }
        var columns: [(name: String, operator: AnonymizerOperator)] = []
        for (ck, cv) in map {
            let column = try string(ck, key)
            columns.append((column, try parseOperator(cv, "columns.\(column)", entity: false)))
        }
        return columns
    }

    /// `entities:`, entity types (or `DEFAULT`) to operators, merged into what earlier keys gave.
    func entityOperators(
        _ node: Node, _ key: String, into entities: inout [PIIEntityType: AnonymizerOperator],
        default defaultOperator: inout AnonymizerOperator
    ) throws {
        guard let map = node.mapping else { throw fail(node, key, "must be a mapping of entity types to operators") }
        for (ek, ev) in map {
            let name = try string(ek, key)
            let op = try parseOperator(ev, "entities.\(name)", entity: true)
            if name == "DEFAULT" {
                defaultOperator = op
            } else {
                do {
                    entities[try PIIEntityType(name: name)] = op
                } catch let e as GreenlightError {
                    throw fail(ek, "entities", e.message + ", or DEFAULT")
                }
            }
        }
    }

    /// One `{operator: …, option: …}` mapping.
    func parseOperator(_ node: Node, _ key: String, entity: Bool) throws -> AnonymizerOperator {
        guard let map = node.mapping else {
            throw fail(node, key, "must be a mapping like {operator: replace}")
        }
        var fields: [String: Node] = [:]
        for (k, v) in map { fields[try string(k, key)] = v }
        guard let opNode = fields["operator"] else { throw fail(node, key, "missing operator: (\(AnonymizerConfig.operatorNames))") }
        let name = try string(opNode, "\(key).operator")
        guard let allowed = AnonymizerConfig.operatorKeys[name] else {
            throw fail(opNode, key, "unknown operator \"\(name)\"; operators: \(AnonymizerConfig.operatorNames)")
        }
        for k in fields.keys where k != "operator" && !allowed.contains(k) {
            let list = allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")
            throw fail(fields[k], "\(key).\(k)", "not an option of \(name) (options: \(list))")
        }
        switch name {
        case "replace":
            return .replace(value: try fields["value"].map { try string($0, "\(key).value") })
        case "redact": return .redact
        case "mask": return try maskOperator(fields, key)
        case "pseudonymize": return try pseudonymizeOperator(fields, key)
        case "encrypt": return .encrypt
        case "keep": return .keep
        default:
            guard !entity else { throw fail(opNode, key, "entities applies to columns, not to entity types") }
            return .entities
        }
    }

    /// `mask`'s options: `char`, `chars`, `from_end`.
    private func maskOperator(_ fields: [String: Node], _ key: String) throws -> AnonymizerOperator {
        var char: Character = "*"
        if let c = fields["char"] {
            let s = try string(c, "\(key).char")
            guard s.count == 1, let first = s.first else { throw fail(c, "\(key).char", "must be one character") }
            char = first
        }
        var count: Int?
        if let c = fields["chars"] {
            guard let n = c.int, n >= 0 else { throw fail(c, "\(key).chars", "must be an integer ≥ 0") }
            count = n
        }
        var fromEnd = false
        if let f = fields["from_end"] {
            guard let b = f.bool else { throw fail(f, "\(key).from_end", "must be true or false") }
            fromEnd = b
        }
        return .mask(char: char, count: count, fromEnd: fromEnd)
    }

    /// `pseudonymize`'s options: `domain`, `length`.
    private func pseudonymizeOperator(_ fields: [String: Node], _ key: String) throws -> AnonymizerOperator {
        var length = 16
        if let l = fields["length"] {
            guard let n = l.int, (8...64).contains(n) else { throw fail(l, "\(key).length", "must be an integer from 8 to 64 (hex digits)") }
            length = n
        }
        return .pseudonymize(domain: try fields["domain"].map { try string($0, "\(key).domain") }, length: length)
    }
}
