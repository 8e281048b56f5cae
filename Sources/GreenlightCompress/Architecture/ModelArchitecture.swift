import Foundation
import GreenlightCore
public import GreenlightTensors

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
    /// - Parameter tensors: the model's tensors (names and shapes, outermost first), which the config must match.
    public static func detect(besides modelPath: String, tensors: [(name: String, shape: [Int])]) throws -> ModelArchitecture? {
        let dir = (modelPath as NSString).deletingLastPathComponent
        let configPath = (dir.isEmpty ? "." : dir) + "/config.json"
        guard FileManager.default.fileExists(atPath: configPath) else { return nil }
        let config = try JSONFile.object(at: configPath)
        switch config["model_type"] as? String {
        case "bert": return try BERTArchitecture.make(config: config, directory: dir.isEmpty ? "." : dir, tensors: tensors)
        default: return nil
        }
    }
}

/// Small helpers to read Hugging Face JSON files with errors that name the file.
enum JSONFile {
    static func object(at path: String) throws -> [String: Any] {
        let shown = TerminalText.escaped(path)
        // A FIFO or device in place of config.json would block the read (or never end): regular files only.
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw GreenlightError.io("\(shown): cannot read", cause: SystemError(errno: errno))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw GreenlightError.invalidInput("\(shown): not a regular file; the model folder's JSON files must be plain files")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GreenlightError.io("\(shown): cannot read; check its permissions")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw GreenlightError.invalidInput("\(shown): not a JSON object; the file is truncated or not the Hugging Face file it should be")
        }
        return object
    }

    /// An integer in `range`: a JSON number with no fraction (`384` or `384.0`), not a string.
    static func int(_ object: [String: Any], _ key: String, in path: String, range: ClosedRange<Int>, default: Int? = nil) throws -> Int {
        guard let raw = object[key] else {
            if let d = `default` { return d }
            throw GreenlightError.invalidInput("\(path): \"\(TerminalText.escaped(key))\" is missing; a BERT config.json needs it")
        }
        // Compared as Double first: no Int conversion can trap, whatever the size of the number.
        guard let n = raw as? NSNumber, n.doubleValue.isFinite, n.doubleValue == n.doubleValue.rounded(),
              n.doubleValue >= Double(range.lowerBound), n.doubleValue <= Double(range.upperBound)
        else {
            throw GreenlightError.invalidInput(
                "\(path): \"\(TerminalText.escaped(key))\" is \(TerminalText.escaped(String(describing: raw))); it must be an integer in \(range.lowerBound)...\(range.upperBound); fix config.json")
        }
        return Int(n.doubleValue)
    }

    /// A finite number, or `default` when the key is absent.
    static func number(_ object: [String: Any], _ key: String, in path: String, default: Double) throws -> Double {
        guard let raw = object[key] else { return `default` }
        guard let n = raw as? NSNumber, n.doubleValue.isFinite else {
            throw GreenlightError.invalidInput(
                "\(path): \"\(TerminalText.escaped(key))\" is \(TerminalText.escaped(String(describing: raw))); it must be a finite number; fix config.json")
        }
        return n.doubleValue
    }
}
