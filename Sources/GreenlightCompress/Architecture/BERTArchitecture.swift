import Foundation
import GreenlightCore
import GreenlightTensors

/// llama.cpp's `bert` architecture, as its `convert_hf_to_gguf.py` writes it for `BertModel` checkpoints
/// such as all-MiniLM-L6-v2: the same tensor names, `bert.*` keys and `tokenizer.ggml.*` vocabulary.
enum BERTArchitecture {
    /// GGUF pooling types (gguf-py `PoolingType`).
    enum Pooling: UInt32 { case none = 0, mean = 1, cls = 2 }

    /// GGUF token types (gguf-py `TokenType`).
    enum TokenType: Int32 { case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5 }

    /// The mapping for a BERT checkpoint, once every `config.json` number is checked: an integer (or, for
    /// `layer_norm_eps`, a finite number) in range, and consistent with the shapes of `tensors`.
    ///
    /// - Parameter tensors: the source tensors' names and shapes (outermost first).
    /// - Throws: ``GreenlightError`` naming the key, the value and the tensor it contradicts.
    static func make(config: [String: Any], directory: String, tensors: [(name: String, shape: [Int])]) throws -> ModelArchitecture {
        let configPath = directory + "/config.json"
        let sizes = 1...Int(UInt32.max)
        let hidden = try JSONFile.int(config, "hidden_size", in: configPath, range: sizes)
        let heads = try JSONFile.int(config, "num_attention_heads", in: configPath, range: sizes)
        let blocks = try JSONFile.int(config, "num_hidden_layers", in: configPath, range: sizes)
        let ffn = try JSONFile.int(config, "intermediate_size", in: configPath, range: sizes)
        let context = try JSONFile.int(config, "max_position_embeddings", in: configPath, range: sizes)
        let typeVocab = try JSONFile.int(config, "type_vocab_size", in: configPath, range: sizes, default: 2)
        let vocab: Int? = config["vocab_size"] == nil ? nil : try JSONFile.int(config, "vocab_size", in: configPath, range: sizes)
        let eps = try JSONFile.number(config, "layer_norm_eps", in: configPath, default: 1e-12)
        guard eps > 0, eps < 1, Float(eps) > 0 else {
            throw GreenlightError.invalidInput("\(configPath): \"layer_norm_eps\" is \(eps); it must be a small positive number such as 1e-12")
        }
        guard hidden % heads == 0 else {
            throw GreenlightError.invalidInput("\(configPath): \"hidden_size\" \(hidden) is not a multiple of \"num_attention_heads\" \(heads); fix config.json")
        }
        let vocabularyRows = try checkShapes(tensors, path: configPath, hidden: hidden, ffn: ffn, blocks: blocks,
                                     context: context, typeVocab: typeVocab, vocab: vocab)
        // Each value was checked to lie in 1...UInt32.max above, so these conversions cannot trap.
        var kv: [GGUFKeyValue] = [
            .init("bert.context_length", .uint32(UInt32(context))),
            .init("bert.embedding_length", .uint32(UInt32(hidden))),
            .init("bert.feed_forward_length", .uint32(UInt32(ffn))),
            .init("bert.block_count", .uint32(UInt32(blocks))),
            .init("bert.attention.head_count", .uint32(UInt32(heads))),
            .init("bert.attention.layer_norm_epsilon", .float32(Float(eps))),
            .init("bert.attention.causal", .bool(false)),
        ]
        kv.append(.init("bert.pooling_type", .uint32(try pooling(directory: directory).rawValue)))
        kv.append(contentsOf: try tokenizer(directory: directory, typeVocabSize: typeVocab, vocabularyRows: vocabularyRows))
        return ModelArchitecture(name: "bert", metadata: kv, rename: { outputName($0, blocks: blocks) })
    }

    /// The shape each mapped tensor must have under the config, or `nil` for names the mapping leaves out.
    /// Embedding rows (vocabulary, positions, token types) are checked separately.
    private static func expectedShape(_ part: String, hidden: Int, ffn: Int) -> [Int]? {
        switch part {
        case "attn_q.weight", "attn_k.weight", "attn_v.weight", "attn_output.weight": [hidden, hidden]
        case "ffn_up.weight": [ffn, hidden]
        case "ffn_up.bias": [ffn]
        case "ffn_down.weight": [hidden, ffn]
        case "attn_q.bias", "attn_k.bias", "attn_v.bias", "attn_output.bias", "ffn_down.bias",
             "attn_output_norm.weight", "attn_output_norm.bias", "layer_output_norm.weight", "layer_output_norm.bias",
             "token_embd_norm.weight", "token_embd_norm.bias":
            [hidden]
        default: nil
        }
    }

    /// Checks that the file holds exactly the layers the config declares, every tensor llama.cpp's bert
    /// loader needs, each with the shape the config implies.
    private static func checkShapes(
        _ tensors: [(name: String, shape: [Int])], path: String, hidden: Int, ffn: Int, blocks: Int,
        context: Int, typeVocab: Int, vocab: Int?
    ) throws -> Int {
        func bad(_ what: String) -> GreenlightError {
            .invalidInput("\(path) contradicts the model's tensors: \(what); fix config.json or use the matching model file")
        }
        var found: [String: [Int]] = [:]
        for t in tensors {
            // Every layer index in the file must lie below num_hidden_layers, or it would be dropped.
            if let block = blockIndex(t.name), block >= blocks {
                throw bad("\"num_hidden_layers\" is \(blocks) but the file holds tensor \"\(TerminalText.escaped(t.name))\" of layer \(block)")
            }
            guard let out = outputName(t.name, blocks: blocks) else { continue }
            found[out] = t.shape
            let part = out.hasPrefix("blk.") ? String(out.split(separator: ".", maxSplits: 2).last ?? "") : out
            if let want = expectedShape(part, hidden: hidden, ffn: ffn), t.shape != want {
                throw bad("tensor \"\(TerminalText.escaped(t.name))\" has shape \(t.shape) but hidden_size \(hidden) and intermediate_size \(ffn) make it \(want)")
            }
        }
        func rows(_ name: String, _ key: String, _ value: Int?) throws -> Int {
            guard let shape = found[name] else { throw bad("the file has no \(name) tensor (\(key))") }
            guard shape.count == 2, shape[1] == hidden else {
                throw bad("\(name) has shape \(shape) but hidden_size \(hidden) makes it [rows, \(hidden)]")
            }
            if let value, shape[0] != value { throw bad("\"\(TerminalText.escaped(key))\" is \(value) but \(name) has \(shape[0]) rows") }
            return shape[0]
        }
        let vocabularyRows = try rows("token_embd.weight", "vocab_size", vocab)
        _ = try rows("position_embd.weight", "max_position_embeddings", context)
        _ = try rows("token_types.weight", "type_vocab_size", typeVocab)
        var required = ["token_embd_norm.weight", "token_embd_norm.bias"]
        for b in 0..<blocks {
            for part in ["attn_q", "attn_k", "attn_v", "attn_output", "attn_output_norm", "ffn_up", "ffn_down", "layer_output_norm"] {
                required += ["blk.\(b).\(part).weight", "blk.\(b).\(part).bias"]
            }
        }
        if let missing = required.first(where: { found[$0] == nil }) {
            let layers = Set(tensors.compactMap { blockIndex($0.name) }).count
            throw bad("\"num_hidden_layers\" is \(blocks) and the file holds \(layers) layer(s): tensor \(missing) is missing")
        }
        return vocabularyRows
    }

    /// The layer index of an `encoder.layer.N.…` tensor name.
    private static func blockIndex(_ name: String) -> Int? {
        let n = name.hasPrefix("bert.") ? name.dropFirst(5) : Substring(name)
        let prefix = "encoder.layer."
        guard n.hasPrefix(prefix) else { return nil }
        let rest = n.dropFirst(prefix.count)
        guard let dot = rest.firstIndex(of: ".") else { return nil }
        return Int(rest[..<dot])
    }

    /// Sentence-transformers keeps the pooling in `1_Pooling/config.json`; a plain BertModel has none.
    static func pooling(directory: String) throws -> Pooling {
        let path = directory + "/1_Pooling/config.json"
        guard FileManager.default.fileExists(atPath: path) else { return .none }
        let p = try JSONFile.object(at: path)
        if p["pooling_mode_mean_tokens"] as? Bool == true { return .mean }
        if p["pooling_mode_cls_token"] as? Bool == true { return .cls }
        throw GreenlightError.unsupported("\(path): only mean and CLS pooling map to llama.cpp's bert architecture")
    }

    /// The llama.cpp name of a Hugging Face BERT tensor (gguf-py's tensor map for `MODEL_ARCH.BERT`).
    static func outputName(_ name: String, blocks: Int) -> String? {
        var n = name.hasPrefix("bert.") ? String(name.dropFirst(5)) : name
        if n.hasSuffix(".gamma") { n = String(n.dropLast(6)) + ".weight" }
        if n.hasSuffix(".beta") { n = String(n.dropLast(5)) + ".bias" }
        let suffix: String
        if n.hasSuffix(".weight") { suffix = "weight" } else if n.hasSuffix(".bias") { suffix = "bias" } else { return nil }
        let stem = String(n.dropLast(suffix.count + 1))
        let fixed = [
            "embeddings.word_embeddings": "token_embd",
            "embeddings.position_embeddings": "position_embd",
            "embeddings.token_type_embeddings": "token_types",
            "embeddings.LayerNorm": "token_embd_norm",
        ]
        if let base = fixed[stem] { return "\(base).\(suffix)" }
        let prefix = "encoder.layer."
        guard stem.hasPrefix(prefix) else { return nil }
        let rest = stem.dropFirst(prefix.count)
        guard let dot = rest.firstIndex(of: "."), let block = Int(rest[..<dot]), block >= 0, block < blocks else { return nil }
        let part = [
            "attention.self.query": "attn_q", "attention.self.key": "attn_k", "attention.self.value": "attn_v",
            "attention.output.dense": "attn_output", "attention.output.LayerNorm": "attn_output_norm",
            "intermediate.dense": "ffn_up", "output.dense": "ffn_down", "output.LayerNorm": "layer_output_norm",
        ][String(rest[rest.index(after: dot)...])]
        return part.map { "blk.\(block).\($0).\(suffix)" }
    }

    /// The `tokenizer.ggml.*` keys: WordPiece vocabulary in llama.cpp's phantom-space spelling (`##x` → `x`,
    /// other normal tokens get a leading U+2581), token types, and the special token ids and flags.
    ///
    /// - Parameter vocabularyRows: rows of the token embedding; every token id must be below it.
    static func tokenizer(directory: String, typeVocabSize: Int, vocabularyRows: Int) throws -> [GGUFKeyValue] {
        let path = directory + "/tokenizer.json"
        guard FileManager.default.fileExists(atPath: path) else {
            throw GreenlightError.notFound("\(path): a bert GGUF needs the tokenizer; copy tokenizer.json next to the model")
        }
        let json = try JSONFile.object(at: path)
        guard let model = json["model"] as? [String: Any], model["type"] as? String == "WordPiece",
              let vocab = model["vocab"] as? [String: Any]
        else { throw GreenlightError.unsupported("\(path): only WordPiece tokenizers map to llama.cpp's bert") }
        var idOf: [String: Int] = [:]
        // Ids index the embedding rows (and size the token arrays), so each must be an integer below their count.
        func tokenID(_ value: Any?, _ token: String, _ where_: String) throws -> Int {
            guard let n = value as? NSNumber, n.doubleValue.isFinite, n.doubleValue == n.doubleValue.rounded(),
                  n.doubleValue >= 0, n.doubleValue < Double(vocabularyRows) else {
                throw GreenlightError.invalidInput(
                    "\(path): \(where_) \"\(TerminalText.escaped(token))\" has id \(value.map { "\($0)" } ?? "null"), "
                        + "not an integer in 0..<\(vocabularyRows) (the rows of the token embedding); fix tokenizer.json")
            }
            return Int(n.doubleValue)
        }
        for (token, id) in vocab { idOf[token] = try tokenID(id, token, "vocabulary token") }
        var special = Set<String>()
        for added in json["added_tokens"] as? [[String: Any]] ?? [] {
            guard let content = added["content"] as? String else { continue }
            idOf[content] = try tokenID(added["id"], content, "added token")
            if added["special"] as? Bool == true { special.insert(content) }
        }
        let size = (idOf.values.max() ?? -1) + 1
        var tokens = (0..<size).map { "[PAD\($0)]" }
        var types = [Int32](repeating: TokenType.unused.rawValue, count: size)
        for (token, id) in idOf {
            let control = special.contains(token)
            types[id] = control ? TokenType.control.rawValue : TokenType.normal.rawValue
            // Compared as bytes: a combining mark after "##" (e.g. "##ा") joins the "#" into one Character.
            let continuation = token.utf8.starts(with: "##".utf8)
            tokens[id] = control ? token : continuation ? String(decoding: token.utf8.dropFirst(2), as: UTF8.self) : "\u{2581}" + token
        }
        var kv: [GGUFKeyValue] = [
            .init("tokenizer.ggml.token_type_count", .uint32(UInt32(clamping: typeVocabSize))),
            .init("tokenizer.ggml.model", .string("bert")),
            // llama.cpp's name for the uncased BERT WordPiece pre-tokenizer (bge-small-en-v1.5 has the same one).
            .init("tokenizer.ggml.pre", .string("bert-bge")),
            .init("tokenizer.ggml.tokens", .strings(tokens)),
            .init("tokenizer.ggml.token_type", .int32s(types)),
        ]
        // Special ids as gguf-py's SpecialVocab finds them: the names in tokenizer_config.json, and BERT's
        // [CLS] A [SEP] template making [CLS] the BOS and [SEP] the EOS, both added.
        let configPath = directory + "/tokenizer_config.json"
        let config = FileManager.default.fileExists(atPath: configPath) ? try JSONFile.object(at: configPath) : [:]
        func id(_ key: String) -> Int? {
            if let s = config[key] as? String { return idOf[s] }
            if let d = config[key] as? [String: Any], let s = d["content"] as? String { return idOf[s] }
            return nil
        }
        let cls = id("cls_token"), sep = id("sep_token")
        let template = (json["post_processor"] as? [String: Any])?["type"] as? String
        let bertTemplate = template == "TemplateProcessing" || template == "BertProcessing"
        let ids: [(String, Int?)] = [
            ("bos", bertTemplate ? cls : nil), ("eos", bertTemplate ? sep : nil), ("unknown", id("unk_token")),
            ("seperator", sep), ("padding", id("pad_token")), ("cls", cls), ("mask", id("mask_token")),
        ]
        for (name, value) in ids {
            // Ids come from idOf, all checked to lie in 0..<vocabularyRows.
            if let value { kv.append(.init("tokenizer.ggml.\(name)_token_id", .uint32(UInt32(clamping: value)))) }
        }
        if bertTemplate, cls != nil, sep != nil {
            kv.append(.init("tokenizer.ggml.add_bos_token", .bool(true)))
            kv.append(.init("tokenizer.ggml.add_sep_token", .bool(false)))
            kv.append(.init("tokenizer.ggml.add_eos_token", .bool(true)))
        }
        return kv
    }
}
