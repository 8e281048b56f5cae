import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

/// Hand-made model files for the CLI tests (this target does not link GreenlightTensors).
enum HandMade {
    struct Bytes {
        var data: [UInt8] = []
        mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        mutating func str(_ s: String) { u64(UInt64(s.utf8.count)); data.append(contentsOf: Array(s.utf8)) }
    }

    /// A GGUF v3 file: string metadata, optionally one UINT8 array of `arrayCount` elements, and one F32
    /// tensor of 4 elements called `tensor`.
    static func gguf(strings: [(String, String)], arrayCount: Int? = nil, tensor: String = "t") -> [UInt8] {
        var b = Bytes()
        b.data += Array("GGUF".utf8)
        b.u32(3)
        b.u64(1)
        b.u64(UInt64(strings.count + (arrayCount == nil ? 0 : 1)))
        for (k, v) in strings {
            b.str(k)
            b.u32(8)
            b.str(v)
        }
        if let n = arrayCount {
            b.str("big.array")
            b.u32(9)
            b.u32(0)
            b.u64(UInt64(n))
            b.data += [UInt8](repeating: 7, count: n)
        }
        b.str(tensor)
        b.u32(1)
        b.u64(4)
        b.u32(0)  // F32
        b.u64(0)
        b.data += [UInt8](repeating: 0, count: (32 - b.data.count % 32) % 32)
        b.data += [UInt8](repeating: 0, count: 16)
        return b.data
    }

    /// A safetensors file of F32 tensors given as (name, shape, values), with `__metadata__`.
    static func safetensors(_ tensors: [(String, [Int], [Float])], metadata: [String: String] = [:]) throws -> [UInt8] {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, shape, values) in tensors {
            header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [offset, offset + values.count * 4]]
            offset += values.count * 4
        }
        var json = [UInt8](try JSONSerialization.data(withJSONObject: header))
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        var b = Bytes()
        b.u64(UInt64(json.count))
        b.data += json
        for (_, _, values) in tensors { for v in values { b.u32(v.bitPattern) } }
        return b.data
    }
}

@Suite("compress and inspect: hostile files end to end", .serialized)
struct CompressHardeningCLITests {
    static func write(_ bytes: [UInt8], _ name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// No control character but the newline reaches the terminal.
    static func expectClean(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bad = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
        #expect(bad.isEmpty, "control characters printed: \(bad.map { String($0.value, radix: 16) })", sourceLocation: sourceLocation)
    }

    @Test("inspect escapes terminal controls and NUL in GGUF keys, values and tensor names, and in safetensors metadata")
    func inspectEscapesControls() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let evil = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{0}\u{9B}x\u{202E}"
        let gguf = try Self.write(HandMade.gguf(strings: [("general.name", evil), ("k\u{1B}[31m", "v")], tensor: "t\u{1B}[2J"), "e.gguf", in: dir)
        let r = try CLI.run(["inspect", gguf])
        #expect(r.status == 0, "\(r.stderr)")
        Self.expectClean(r.stdout)
        #expect(r.stdout.contains("pwned") && r.stdout.contains("\\x1B"))
        let st = try Self.write(HandMade.safetensors([("w\u{1B}[2J", [2], [1, 2])], metadata: ["format": evil]), "e.safetensors", in: dir)
        let s = try CLI.run(["inspect", st])
        #expect(s.status == 0, "\(s.stderr)")
        Self.expectClean(s.stdout)
        #expect(s.stdout.contains("pwned"))
        // JSON output too: the encoder escapes C0 itself; C1 and bidi overrides become \u escapes.
        for file in [gguf, st] {
            let j = try CLI.run(["inspect", file, "--json", "-"])
            #expect(j.status == 0, "\(j.stderr)")
            Self.expectClean(j.stdout)
            #expect(j.stdout.unicodeScalars.allSatisfy { !(0x202A...0x202E).contains($0.value) })
            #expect((try? JSONSerialization.jsonObject(with: Data(j.stdout.utf8))) != nil, "still valid JSON")
        }
    }

    @Test("inspect of a GGUF holding a 20M-element array stays within a small multiple of the file size")
    func hugeArrayIsLazy() throws {
        guard let python = PythonOracle.module("resource") else { return }
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.write(HandMade.gguf(strings: [], arrayCount: 20_000_000), "big.gguf", in: dir)
        // ru_maxrss of the child alone (KiB), measured by a fresh Python parent.
        let script = """
            import resource, subprocess, sys
            r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
            print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            print(r.stdout[:2000])
            """
        let r = try TestSupport.run(python, ["-c", script, CLI.binary, "inspect", path])
        let first = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
        let fields = first.split(separator: " ").compactMap { Int($0) }
        #expect(fields.count == 2 && fields[0] == 0, "\(r.stdout) \(r.stderr)")
        #expect(fields.count == 2 && fields[1] < 120_000, "inspect used \(fields.last ?? -1) KiB for a 20 MB file")
        #expect(r.stdout.contains("big.array = [20000000 × UINT8] 7, 7, 7, …"))
    }

    @Test("compress -q still prints the warning for a tensor kept wider because a weight overflows the type")
    func quietKeepsWarnings() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var values = [Float](repeating: 0.5, count: 64)
        values[3] = 1e7
        let model = try Self.write(HandMade.safetensors([("w.weight", [2, 32], values)]), "m.safetensors", in: dir)
        let out = dir.appendingPathComponent("o.gguf").path, json = dir.appendingPathComponent("r.json")
        let r = try CLI.run(["compress", model, "--type", "q8_0", "-o", out, "--json", json.path, "-q", "--intensity", "100"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning") && r.stderr.contains("beyond what Q8_0 can hold"), "\(r.stderr)")
        let c = try #require(try CLI.report(at: json).compression)
        #expect(c.tensors.first?.type == "BF16" && c.fallbacks == 1)
        let strict = try CLI.run(["compress", model, "--type", "q8_0", "-o", out + ".2", "--strict", "-q", "--intensity", "100"])
        #expect(strict.status != 0 && strict.stderr.contains("w.weight"))
        #expect(!FileManager.default.fileExists(atPath: out + ".2"))
    }

    @Test("compress of a BERT whose config.json holds hostile numbers exits 2 with the key named, never traps",
          arguments: [("hidden_size", "4294967296"), ("num_attention_heads", "-2"), ("num_hidden_layers", "-1"),
                      ("intermediate_size", "5e9"), ("num_hidden_layers", "12")])
    func hostileConfig(key: String, value: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let h = 8
        var tensors: [(String, [Int], [Float])] = [
            ("embeddings.word_embeddings.weight", [4, h], []), ("embeddings.position_embeddings.weight", [4, h], []),
            ("embeddings.token_type_embeddings.weight", [2, h], []),
            ("embeddings.LayerNorm.weight", [h], []), ("embeddings.LayerNorm.bias", [h], []),
        ]
        let p = "encoder.layer.0."
        for m in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
            tensors += [(p + m + ".weight", [h, h], []), (p + m + ".bias", [h], [])]
        }
        tensors += [(p + "attention.output.LayerNorm.weight", [h], []), (p + "attention.output.LayerNorm.bias", [h], []),
                    (p + "intermediate.dense.weight", [16, h], []), (p + "intermediate.dense.bias", [16], []),
                    (p + "output.dense.weight", [h, 16], []), (p + "output.dense.bias", [h], []),
                    (p + "output.LayerNorm.weight", [h], []), (p + "output.LayerNorm.bias", [h], [])]
        tensors = tensors.map { ($0.0, $0.1, [Float](repeating: 0.25, count: $0.1.reduce(1, *))) }
        let model = try Self.write(HandMade.safetensors(tensors), "model.safetensors", in: dir)
        var config = #"{"model_type": "bert", "hidden_size": 8, "num_attention_heads": 2, "num_hidden_layers": 1, "intermediate_size": 16, "max_position_embeddings": 4, "type_vocab_size": 2"#
        config = config.replacingOccurrences(of: #""\#(key)": "#, with: #""\#(key)": \#(value), "x_\#(key)": "#) + "}"
        try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
        let tokenizer = #"{"model": {"type": "WordPiece", "vocab": {"[PAD]": 0, "[UNK]": 1, "a": 2, "b": 3}}}"#
        try Data(tokenizer.utf8).write(to: dir.appendingPathComponent("tokenizer.json"))
        let out = dir.appendingPathComponent("o.gguf").path
        let r = try CLI.run(["compress", model, "-o", out, "-q", "--intensity", "100"])
        #expect(r.status == 2 && r.stderr.contains("\"\(key)\""), "\(r.status): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("compress and inspect refuse a FIFO at once instead of hanging")
    func fifoRefused() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("m.safetensors").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for args in [["inspect", fifo], ["compress", fifo, "-o", dir.appendingPathComponent("o.gguf").path, "--intensity", "100"]] {
            let r = try CLI.run(args)
            #expect(r.status != 0 && r.stderr.contains("FIFO"), "\(args[0]): \(r.stderr)")
        }
    }
}

@Suite("compress checks its outputs before the work; inspect reports a failed stdout", .serialized)
struct CompressOutputCLITests {
    static func model(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("m.safetensors").path
        try Data(HandMade.safetensors([("w.weight", [2, 32], (0..<64).map { Float($0) * 0.01 })])).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("an output that is the model itself — same name, a symlink, a hard link, a GGUF onto itself — is refused and the model kept")
    func outputIsTheInput() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try Self.model(in: dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: model))
        let link = dir.appendingPathComponent("link.safetensors").path, hard = dir.appendingPathComponent("hard.safetensors").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: model)
        try FileManager.default.linkItem(atPath: model, toPath: hard)
        for out in [model, link, hard] {
            let r = try CLI.run(["compress", model, "--type", "f16", "--format", "safetensors", "-o", out, "-q", "--intensity", "100"])
            #expect(r.status == 2 && r.stderr.contains("same file as the input"), "\(out): \(r.stderr)")
        }
        let json = try CLI.run(["compress", model, "-o", dir.appendingPathComponent("o.gguf").path, "--json", hard, "-q", "--intensity", "100"])
        #expect(json.status == 2 && json.stderr.contains("same file as the input"), "\(json.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.gguf").path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == before)

        let gguf = dir.appendingPathComponent("g.gguf").path
        #expect(try CLI.run(["compress", model, "--type", "f32", "-o", gguf, "-q", "--intensity", "100"]).status == 0)
        let ggufBefore = try Data(contentsOf: URL(fileURLWithPath: gguf))
        let self_ = try CLI.run(["compress", gguf, "--type", "q8_0", "-o", gguf, "-q", "--intensity", "100"])
        #expect(self_.status == 2 && self_.stderr.contains("same file as the input"), "\(self_.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: gguf)) == ggufBefore)
    }

    @Test("a missing directory or a directory as -o/--json fails before any work, leaving no model behind")
    func unwritableOutputsFailFirst() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try Self.model(in: dir)
        let out = dir.appendingPathComponent("o.gguf").path
        let cases: [([String], String)] = [
            (["-o", dir.appendingPathComponent("missing/o.gguf").path], "does not exist"),
            (["-o", dir.path], "it is a directory"),
            (["-o", out, "--json", dir.appendingPathComponent("missing/r.json").path], "does not exist"),
            (["-o", out, "--json", dir.path], "it is a directory"),
            (["-o", out, "--json", out], "same path as the model output"),
        ]
        for (args, fragment) in cases {
            let r = try CLI.run(["compress", model, "-q", "--intensity", "100"] + args)
            #expect(r.status == 2 && r.stderr.contains(fragment), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Directory not empty"))
            #expect(!FileManager.default.fileExists(atPath: out), "\(args): the model was written before the failure")
        }
    }

    @Test("inspect > /dev/full exits 2 with a message on stderr instead of trapping")
    func inspectToDevFull() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try Self.model(in: dir)
        for extra in [[], ["--json", "-"]] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLI.binary)
            p.arguments = ["inspect", model] + extra
            p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
            let err = Pipe()
            p.standardError = err
            try p.run()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            // An exit, not a signal (the trap of a try! is SIGILL/SIGTRAP).
            #expect(p.terminationReason == .exit && p.terminationStatus == 2, "\(extra): status \(p.terminationStatus), \(message)")
            #expect(message.contains("No space left on device"), "\(extra): \(message)")
        }
    }
}
