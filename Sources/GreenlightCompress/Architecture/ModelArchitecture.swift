import Foundation
import GreenlightCore
import GreenlightTensors

/// How a Hugging Face checkpoint becomes a complete GGUF model of one llama.cpp architecture: tensor names,
/// hyper-parameter keys and tokenizer.
public struct ModelArchitecture: Sendable {
    /// `general.architecture`, e.g. `bert`.
    public let name: String
    /// Metadata besides `general.*` (hyper-parameters and tokenizer), in the order written.
    public let metadata: [GGUFKeyValue]
    /// Output name of a source tensor, or `nil` to leave the tensor out (e.g. BERT's pooler).
    let rename: @Sendable (String) -> String?
    /// `general.name` carried from a GGUF source; `nil` to name the model after its folder.
    var modelName: String? = nil

    /// The GGUF name of `sourceName`, or `nil` when the architecture does not use the tensor.
    public func outputName(for sourceName: String) -> String? { rename(sourceName) }

    /// Recognises the model next to `modelPath` from its `config.json` (`model_type`).
    ///
    /// - Returns: the architecture, or `nil` when there is no config or its model type has no mapping
    ///   (the GGUF then holds the tensors under their own names and says so).
    /// - Throws: ``GreenlightError`` when a config or tokenizer exists but is malformed.
    public static func detect(besides modelPath: String) throws -> ModelArchitecture? {
        let dir = (modelPath as NSString).deletingLastPathComponent
        let configPath = (dir.isEmpty ? "." : dir) + "/config.json"
        guard FileManager.default.fileExists(atPath: configPath) else { return nil }
        let config = try JSONFile.object(at: configPath)
        switch config["model_type"] as? String {
        case "bert": return try BERTArchitecture.make(config: config, directory: dir.isEmpty ? "." : dir)
        default: return nil
        }
    }
}

/// Small helpers to read Hugging Face JSON files with errors that name the file.
enum JSONFile {
    static func object(at path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GreenlightError.io("\(path): cannot read")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw GreenlightError.invalidInput("\(path): not a JSON object")
        }
        return object
    }

    static func int(_ object: [String: Any], _ key: String, in path: String) throws -> Int {
        guard let n = object[key] as? NSNumber, n.doubleValue == n.doubleValue.rounded() else {
            throw GreenlightError.invalidInput("\(path): \"\(key)\" is missing or not an integer")
        }
        return n.intValue
    }
}
