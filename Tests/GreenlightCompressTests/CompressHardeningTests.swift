import Foundation
import GreenlightCompress
import GreenlightCore
import GreenlightTensors
import GreenlightTestSupport
import Testing

/// Hostile and edge-case models, built in the test: a tiny BERT (config, tokenizer, safetensors) and loose
/// safetensors files.
enum TinyModel {
    static let hidden = 8, ffn = 16, vocab = 6, positions = 4, types = 2

    /// The tensors of a BERT checkpoint with `layers` layers (shapes as HF writes them).
    static func bertTensors(layers: Int, hidden: Int = hidden, extra: [(String, [Int])] = []) -> [(String, [Int])] {
        var t: [(String, [Int])] = [
            ("embeddings.word_embeddings.weight", [vocab, hidden]),
            ("embeddings.position_embeddings.weight", [positions, hidden]),
            ("embeddings.token_type_embeddings.weight", [types, hidden]),
            ("embeddings.LayerNorm.weight", [hidden]), ("embeddings.LayerNorm.bias", [hidden]),
        ]
        for l in 0..<layers {
            let p = "encoder.layer.\(l)."
            for m in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
                t += [(p + m + ".weight", [hidden, hidden]), (p + m + ".bias", [hidden])]
            }
            t += [(p + "attention.output.LayerNorm.weight", [hidden]), (p + "attention.output.LayerNorm.bias", [hidden])]
            t += [(p + "intermediate.dense.weight", [ffn, hidden]), (p + "intermediate.dense.bias", [ffn])]
            t += [(p + "output.dense.weight", [hidden, ffn]), (p + "output.dense.bias", [hidden])]
            t += [(p + "output.LayerNorm.weight", [hidden]), (p + "output.LayerNorm.bias", [hidden])]
        }
        return t + extra
    }

    static func config(_ overrides: [String: Any] = [:]) -> [String: Any] {
        var c: [String: Any] = [
            "model_type": "bert", "hidden_size": hidden, "num_attention_heads": 2, "num_hidden_layers": 1,
            "intermediate_size": ffn, "max_position_embeddings": positions, "type_vocab_size": types,
            "vocab_size": vocab, "layer_norm_eps": 1e-12,
        ]
        for (k, v) in overrides { c[k] = v }
        return c
    }

    /// Writes F32 tensors filled by `fill(name, index)` (default: small deterministic values).
    static func writeSafetensors(
        _ path: String, _ tensors: [(String, [Int])], dtypes: [String: SafetensorsDType] = [:],
        fill: (String, Int) -> Float = { _, i in Float(i % 7) * 0.01 - 0.03 }
    ) throws {
        let specs = tensors.map { SafetensorsTensorSpec(name: $0.0, dtype: dtypes[$0.0] ?? .f32, shape: $0.1) }
        try SafetensorsWriter.write(to: path, tensors: specs) { w in
            for (name, shape) in tensors {
                let n = shape.reduce(1, *)
                switch dtypes[name] ?? .f32 {
                case .f32: try w.writeTensor((0..<n).map { fill(name, $0) })
                default: try w.writeTensor([UInt8](repeating: 1, count: n * (dtypes[name]?.size ?? 1)))
                }
            }
        }
    }

    /// A BERT model folder: config.json (with `overrides`), tokenizer.json, model.safetensors.
    static func bert(in dir: URL, layers: Int = 1, hidden: Int = hidden, config overrides: [String: Any] = [:],
                     extra: [(String, [Int])] = []) throws -> String {
        let configData = try JSONSerialization.data(withJSONObject: config(overrides))
        try configData.write(to: dir.appendingPathComponent("config.json"))
        let tokenizer: [String: Any] = [
            "model": ["type": "WordPiece", "vocab": ["[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "a": 4, "##b": 5]],
            "added_tokens": [["id": 0, "content": "[PAD]", "special": true]],
        ]
        try JSONSerialization.data(withJSONObject: tokenizer).write(to: dir.appendingPathComponent("tokenizer.json"))
        let path = dir.appendingPathComponent("model.safetensors").path
        try writeSafetensors(path, bertTensors(layers: layers, hidden: hidden, extra: extra))
        return path
    }
}

@Suite("compress refuses hostile input and never writes non-finite values")
struct CompressHardeningTests {
    static func options(_ type: GGMLType, strict: Bool = false, format: CompressOptions.OutputFormat = .gguf) -> CompressOptions {
        CompressOptions(policy: TypePolicy(type: type), format: format, threads: 2, strict: strict)
    }

    /// Expects `body` to fail with `code` and write nothing. The fragment names the tensor or config value and
    /// the rule that refused the model, which the error carries in its message alone.
    @discardableResult
    static func expectRefused(_ fragment: String, code: GreenlightError.Code = .invalidInput, output: String,
                              sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> String? {
        let error = expectCode(code, "\(fragment)", sourceLocation: sourceLocation, body)
        if let error { #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation) }
        #expect(!FileManager.default.fileExists(atPath: output), "nothing may be written", sourceLocation: sourceLocation)
        return error?.message
    }

    // MARK: item 3: config numbers

    @Test("config numbers that are out of range, not integers, or contradict the tensors are refused, not trapped on",
          arguments: [
            ("hidden_size", "4294967296", "\"hidden_size\" is 4294967296"),
            ("num_attention_heads", "-2", "\"num_attention_heads\" is -2"),
            ("num_hidden_layers", "-1", "\"num_hidden_layers\" is -1"),
            ("intermediate_size", "5e9", "\"intermediate_size\" is 5"),
            ("max_position_embeddings", "1e300", "\"max_position_embeddings\" is 1"),
            ("hidden_size", "8.5", "\"hidden_size\" is 8.5"),
            ("hidden_size", "\"8\"", "\"hidden_size\" is 8; it must be an integer"),
            ("num_hidden_layers", "12", "\"num_hidden_layers\" is 12 and the file holds 1 layer(s)"),
            ("hidden_size", "999", "\"hidden_size\" 999 is not a multiple of \"num_attention_heads\" 2"),
            ("hidden_size", "998", "hidden_size 998"),
            ("intermediate_size", "32", "intermediate_size 32"),
            ("max_position_embeddings", "512", "\"max_position_embeddings\" is 512 but position_embd.weight has 4 rows"),
            ("vocab_size", "30522", "\"vocab_size\" is 30522 but token_embd.weight has 6 rows"),
            ("layer_norm_eps", "-1", "\"layer_norm_eps\" is -1"),
            ("type_vocab_size", "null", "\"type_vocab_size\" is"),
          ])
    func hostileConfig(key: String, json: String, fragment: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        let overrides = [key: value]
        let model = try TinyModel.bert(in: dir, config: overrides)
        let out = dir.appendingPathComponent("out.gguf").path
        Self.expectRefused(fragment, output: out) {
            _ = try ModelCompressor.compress(sourcePath: model, outputPath: out, options: Self.options(.q8_0))
        }
    }

    @Test("a config declaring fewer layers than the file holds is refused, not silently dropping the extra layer")
    func fewerLayersDeclared() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try TinyModel.bert(in: dir, layers: 2)
        let out = dir.appendingPathComponent("out.gguf").path
        Self.expectRefused("\"num_hidden_layers\" is 1 but the file holds tensor \"encoder.layer.1.", output: out) {
            _ = try ModelCompressor.compress(sourcePath: model, outputPath: out, options: Self.options(.q8_0))
        }
    }

    @Test("a consistent tiny BERT converts; an unused tensor is left out with a report note and not counted in S1")
    func consistentBERT() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try TinyModel.bert(in: dir, extra: [("pooler.dense.weight", [8, 8])])
        let out = dir.appendingPathComponent("out.gguf").path
        let (section, notes) = try ModelCompressor.compress(sourcePath: model, outputPath: out, options: Self.options(.f16))
        let skipped = try #require(notes.first { $0.code == "compress.skipped" })
        #expect(skipped.message.contains("pooler.dense.weight") && skipped.message.contains("not counted in S1"))
        #expect(section.sourceBytes == section.source.bytes - 8 * 8 * 4)
        let gguf = try GGUFFile(path: out)
        #expect(gguf["bert.block_count"] == .uint32(1) && gguf["bert.embedding_length"] == .uint32(8))
    }

    // MARK: item 7: tensors GGUF cannot hold

    @Test("BOOL and F8 tensors are refused for GGUF (not dropped) and copied as they are to safetensors",
          arguments: [SafetensorsDType.bool, .f8E4M3, .u8])
    func unrepresentableDTypes(dtype: SafetensorsDType) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("m.safetensors").path
        try TinyModel.writeSafetensors(model, [("w.weight", [4, 32]), ("mask", [4, 4])], dtypes: ["mask": dtype])
        let out = dir.appendingPathComponent("out.gguf").path
        Self.expectRefused("tensor \"mask\" is \(dtype.name), which Greenlight cannot write to GGUF", code: .unsupported, output: out) {
            _ = try ModelCompressor.compress(sourcePath: model, outputPath: out, options: Self.options(.q8_0))
        }
        let st = dir.appendingPathComponent("out.safetensors").path
        let (section, _) = try ModelCompressor.compress(sourcePath: model, outputPath: st, options: Self.options(.f16, format: .safetensors))
        let written = try SafetensorsFile(path: st)
        #expect(written.tensor(named: "mask")?.dtype == dtype)
        #expect(section.tensors.first { $0.name == "mask" }?.type == dtype.name)
        #expect(section.sourceBytes == section.source.bytes)
    }

    // MARK: item 6: overflow and non-finite values

    /// For each type, a finite weight whose value or block scale the type cannot hold.
    static let overflowing: [(GGMLType, Float, GGMLType)] = [
        (.f16, 7e4, .bf16), (.q8_0, 1e7, .bf16), (.q4_0, 1e6, .bf16), (.q5_0, 2e6, .bf16), (.q4_1, -7e4, .bf16),
        (.q5_1, -7e4, .bf16), (.q4_K, -1e7, .bf16), (.q6_K, 1e9, .bf16), (.bf16, 3.4e38, .f32), (.q8_0, 3.4e38, .f32),
    ]

    @Test("a finite weight that overflows the target type keeps its tensor at BF16/F32, with a warning and a fallback entry",
          arguments: overflowing)
    func overflowFallsBack(type: GGMLType, value: Float, kept: GGMLType) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("m.safetensors").path
        try TinyModel.writeSafetensors(model, [("big.weight", [2, 256]), ("ok.weight", [2, 256])]) { name, i in
            name == "big.weight" && i == 300 ? value : Float(i % 5) * 0.1
        }
        let out = dir.appendingPathComponent("out.gguf").path
        let (section, notes) = try ModelCompressor.compress(sourcePath: model, outputPath: out, options: Self.options(type))
        let big = try #require(section.tensors.first { $0.name == "big.weight" })
        #expect(big.type == kept.name, "\(type.name) of \(value) must fall back")
        #expect(big.fallback?.contains("overflows \(type.name)") == true)
        #expect(section.tensors.first { $0.name == "ok.weight" }?.type == type.name)
        #expect(notes.contains { $0.code == "compress.overflow" && $0.level == .warning && $0.message.contains("big.weight") })
        // Every value in the file decodes finite, and the report encodes (no NaN reaches JSON).
        let gguf = try GGUFFile(path: out)
        for t in gguf.tensors {
            let values = try Quantizer.dequantize(gguf.data(for: t), type: t.type)
            #expect(values.allSatisfy { $0.isFinite }, "\(t.name) as \(t.type.name) holds non-finite values")
        }
        #expect(big.relativeRMSE.map(\.isFinite) ?? true)
        _ = try JSONEncoder().encode(section)

        Self.expectRefused("tensor \"big.weight\" has |w| up to", output: dir.appendingPathComponent("strict.gguf").path) {
            _ = try ModelCompressor.compress(sourcePath: model, outputPath: dir.appendingPathComponent("strict.gguf").path,
                                             options: Self.options(type, strict: true))
        }
    }

    @Test("a NaN or inf in the source is kept as F32 with a warning naming tensor and element, or refused with strict",
          arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteSource(bad: Float) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("m.safetensors").path
        try TinyModel.writeSafetensors(model, [("bad.weight", [4, 32]), ("zero.weight", [4, 32]), ("ok.weight", [4, 32])]) { name, i in
            name == "bad.weight" && i == 70 ? bad : name == "zero.weight" ? 0 : Float(i % 3) * 0.5
        }
        let out = dir.appendingPathComponent("out.gguf").path
        let (section, notes) = try ModelCompressor.compress(sourcePath: model, outputPath: out, options: Self.options(.q8_0))
        let entry = try #require(section.tensors.first { $0.name == "bad.weight" })
        #expect(entry.type == "F32" && entry.fallback?.contains("element 70") == true)
        #expect(notes.contains { $0.code == "compress.non-finite" && $0.message.contains("tensor \"bad.weight\" element 70") })
        #expect(section.tensors.first { $0.name == "zero.weight" }?.relativeRMSE == 0)
        #expect(section.relativeRMSE.map(\.isFinite) ?? true)
        // JSONEncoder refuses NaN and inf (the raw "EncodingError.invalidValue" of the issue): it must encode.
        _ = try JSONEncoder().encode(section)

        let strict = dir.appendingPathComponent("strict.gguf").path
        Self.expectRefused("tensor \"bad.weight\" element 70 (flat, row-major) is", output: strict) {
            _ = try ModelCompressor.compress(sourcePath: model, outputPath: strict, options: Self.options(.q8_0, strict: true))
        }
    }

    // MARK: item 15: messages

    @Test("the reader is chosen by magic bytes; a file that is neither names both formats")
    func magicBytes() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A safetensors file named .gguf is read as what it is.
        let disguised = dir.appendingPathComponent("really-safetensors.gguf").path
        try TinyModel.writeSafetensors(disguised, [("w.weight", [2, 32])])
        #expect(try ModelInspector.inspect(disguised).format == "safetensors")
        // Garbage named .gguf: both formats are named, with the bytes found.
        let junk = dir.appendingPathComponent("junk.gguf").path
        try Data("GGUX and then some more bytes".utf8).write(to: URL(fileURLWithPath: junk))
        let m = Self.expectRefused("neither a GGUF file (it starts with 47 47 55 58", output: dir.appendingPathComponent("x").path) {
            _ = try ModelInspector.inspect(junk)
        }
        #expect(m?.contains("nor a safetensors file") == true)
    }

    @Test("a real run names the output path in layout errors, never \"(dry run)\"")
    func layoutErrorsNameTheOutput() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("m.safetensors").path
        try TinyModel.writeSafetensors(model, [(String(repeating: "n", count: 80) + ".weight", [2, 32])])
        let out = dir.appendingPathComponent("out.gguf").path
        let m = Self.expectRefused(out, output: out) {
            _ = try ModelCompressor.compress(sourcePath: model, outputPath: out, options: Self.options(.q8_0))
        }
        #expect(m?.contains("dry run") == false)
    }

    // MARK: item 18: non-regular files

    @Test("a FIFO is refused at once (no blocking open), as are directories")
    func fifoIsRefused() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("model.gguf").path
        #expect(mkfifo(fifo, 0o600) == 0)
        Self.expectRefused("is a FIFO (named pipe), not a regular file", output: dir.appendingPathComponent("x").path) {
            _ = try ModelInspector.inspect(fifo)
        }
        Self.expectRefused("is a directory, not a regular file", output: dir.appendingPathComponent("x").path) {
            _ = try ModelInspector.inspect(dir.path)
        }
    }
}
