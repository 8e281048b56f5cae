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

    static func make(config: [String: Any], directory: String) throws -> ModelArchitecture {
        let configPath = directory + "/config.json"
        let blocks = try JSONFile.int(config, "num_hidden_layers", in: configPath)
        var kv: [GGUFKeyValue] = [
            .init("bert.context_length", .uint32(UInt32(try JSONFile.int(config, "max_position_embeddings", in: configPath)))),
            .init("bert.embedding_length", .uint32(UInt32(try JSONFile.int(config, "hidden_size", in: configPath)))),
            .init("bert.feed_forward_length", .uint32(UInt32(try JSONFile.int(config, "intermediate_size", in: configPath)))),
            .init("bert.block_count", .uint32(UInt32(blocks))),
            .init("bert.attention.head_count", .uint32(UInt32(try JSONFile.int(config, "num_attention_heads", in: configPath)))),
            .init("bert.attention.layer_norm_epsilon", .float32(Float((config["layer_norm_eps"] as? NSNumber)?.doubleValue ?? 1e-12))),
            .init("bert.attention.causal", .bool(false)),
        ]
        kv.append(.init("bert.pooling_type", .uint32(try pooling(directory: directory).rawValue)))
        kv.append(contentsOf: try tokenizer(directory: directory, typeVocabSize: (config["type_vocab_size"] as? NSNumber)?.intValue ?? 2))
        return ModelArchitecture(name: "bert", metadata: kv, rename: { outputName($0, blocks: blocks) })
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
    static func tokenizer(directory: String, typeVocabSize: Int) throws -> [GGUFKeyValue] {
        let path = directory + "/tokenizer.json"
        guard FileManager.default.fileExists(atPath: path) else {
            throw GreenlightError.notFound("\(path): a bert GGUF needs the tokenizer; copy tokenizer.json next to the model")
        }
        let json = try JSONFile.object(at: path)
        guard let model = json["model"] as? [String: Any], model["type"] as? String == "WordPiece",
              let vocab = model["vocab"] as? [String: Any]
        else { throw GreenlightError.unsupported("\(path): only WordPiece tokenizers map to llama.cpp's bert") }
        var idOf: [String: Int] = [:]
        for (token, id) in vocab {
            guard let id = (id as? NSNumber)?.intValue, id >= 0 else { throw GreenlightError.invalidInput("\(path): bad id for \"\(token)\"") }
            idOf[token] = id
        }
        var special = Set<String>()
        for added in json["added_tokens"] as? [[String: Any]] ?? [] {
            guard let content = added["content"] as? String, let id = (added["id"] as? NSNumber)?.intValue else { continue }
            idOf[content] = id
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
            .init("tokenizer.ggml.token_type_count", .uint32(UInt32(typeVocabSize))),
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
            if let value { kv.append(.init("tokenizer.ggml.\(name)_token_id", .uint32(UInt32(value)))) }
        }
        if bertTemplate, cls != nil, sep != nil {
            kv.append(.init("tokenizer.ggml.add_bos_token", .bool(true)))
            kv.append(.init("tokenizer.ggml.add_sep_token", .bool(false)))
            kv.append(.init("tokenizer.ggml.add_eos_token", .bool(true)))
        }
        return kv
    }
}
