import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

/// `greenlight compress` and `inspect` end to end on the real MiniLM, checked by gguf-py (the oracle).
@Suite("greenlight compress and inspect", .serialized)
struct CompressCommandTests {
    static let model = TestSupport.sharedData.appendingPathComponent("models/all-MiniLM-L6-v2/model.safetensors").path
    static let oracle = TestSupport.repositoryRoot.appendingPathComponent("Scripts/check-gguf-oracle.py").path

    static func oracleCheck(_ gguf: String, bound: Double? = nil) throws -> [String: Any]? {
        guard let python = PythonOracle.module("gguf", "numpy") else { return nil }
        let r = try TestSupport.run(python, [oracle, gguf, model] + (bound.map { ["\($0)"] } ?? []))
        #expect(r.status == 0, "gguf-py oracle: \(r.stdout) \(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    }

    @Test("MiniLM → Q8_0: a complete bert GGUF about 4× smaller, byte-identical to gguf-py, with the report")
    func miniLMQ8() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("m.gguf").path, json = dir.appendingPathComponent("r.json")
        let r = try CLI.run(["compress", Self.model, "--type", "q8_0", "-o", out, "--json", json.path, "--intensity", "100"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("ratio S1/S2"))
        #expect(!r.stderr.contains("\r["), "no progress bar when stdout is not a terminal")
        let report = try CLI.report(at: json)
        let c = try #require(report.compression)
        #expect(report.kind == .compress)
        #expect(c.source.architecture == "bert" && c.output?.architecture == "bert")
        #expect(c.ratio > 3.4 && c.ratio < 4.1)
        #expect(c.outputBytes == UInt64(try FileManager.default.attributesOfItem(atPath: out)[.size] as! Int))
        #expect(c.tensors.count == 101 && c.fallbacks == 0)
        #expect(c.bitsPerWeight > 8.5 && c.bitsPerWeight < 9)
        #expect((c.relativeRMSE ?? 1) < 0.01)
        #expect(c.tensors.first { $0.name == "blk.0.attn_q.weight" }?.sourceName == "encoder.layer.0.attention.self.query.weight")
        #expect(report.energy != nil && report.carbon != nil)
        #expect(try schemaViolation(of: json) == nil)
        if let figures = try Self.oracleCheck(out) {
            #expect(figures["exact"] as? Int == 101)
        }
    }

    @Test("every exact type is byte-identical to gguf-py; K-quants decode in gguf-py to the error the report gives",
          arguments: ["q4_0", "q4_1", "q5_0", "q5_1", "f16", "bf16", "q4_K", "q6_K"])
    func otherTypes(type: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("m.gguf").path, json = dir.appendingPathComponent("r.json")
        let r = try CLI.run(["compress", Self.model, "--type", type, "-o", out, "--json", json.path, "-q", "--intensity", "100"])
        #expect(r.status == 0, "\(r.stderr)")
        let c = try #require(try CLI.report(at: json).compression)
        if type.hasSuffix("_K") {
            // 384-wide rows fall back (Q4_K → Q5_0, Q6_K → Q8_0); the 1536-wide ffn_down rows take the K-quant.
            #expect(c.fallbacks == 31)   // and token_embd, also 384 wide
            #expect(c.tensors.filter { $0.type == type.uppercased().replacingOccurrences(of: "_k", with: "_K") }.count == 6)
        }
        guard let figures = try Self.oracleCheck(out, bound: 1) else { return }
        // The model as gguf-py decodes it stays within ggml's C-reference error for the K-quant asked for.
        let bound = ["q4_K": 0.0725, "q6_K": 0.0181][type]
        if let bound {
            let rmse = try #require(figures["model_rmse"] as? Double)
            #expect(rmse <= bound, "\(type): relative RMSE of the 2-D weights as gguf-py decodes them \(rmse) > \(bound)")
        }
        if let kq = figures["kquant_tensors"] as? [String: Double] {
            for (name, rmse) in kq {
                let ours = try #require(c.tensors.first { $0.name == name }?.relativeRMSE)
                #expect(abs(ours - rmse) <= 1e-4 * rmse, "\(name): gguf-py decodes to \(rmse), the report says \(ours)")
            }
        }
    }

    @Test("a GGUF source (llama-quantize's input): F16 GGUF → Q8_0 keeps names and metadata, bytes as gguf-py quantizes")
    func ggufSource() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f16 = dir.appendingPathComponent("f16.gguf").path, q8 = dir.appendingPathComponent("q8.gguf").path
        let json = dir.appendingPathComponent("r.json")
        #expect(try CLI.run(["compress", Self.model, "--type", "f16", "-o", f16, "-q", "--no-error"]).status == 0)
        let r = try CLI.run(["compress", f16, "--type", "q8_0", "-o", q8, "--json", json.path, "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let c = try #require(try CLI.report(at: json).compression)
        #expect(c.source.format == "gguf" && c.source.architecture == "bert" && c.tensors.count == 101)
        #expect(c.tensors.allSatisfy { $0.sourceName == nil })
        let inspect = try CLI.run(["inspect", q8])
        #expect(inspect.stdout.contains("general.file_type = 7") && inspect.stdout.contains("tokenizer.ggml.tokens = [30522"))
        #expect(inspect.stdout.contains("general.name = \"all-MiniLM-L6-v2\""))
        // Quantized again: allowed, and said.
        let q4 = dir.appendingPathComponent("q4.gguf").path, json2 = dir.appendingPathComponent("r2.json")
        #expect(try CLI.run(["compress", q8, "--type", "q4_0", "-o", q4, "--json", json2.path, "-q"]).status == 0)
        #expect(try CLI.report(at: json2).notes.contains { $0.code == "compress.requantized" })
        guard let python = PythonOracle.module("gguf", "numpy") else { return }
        let script = """
            import sys, numpy as np
            from gguf import GGUFReader
            from gguf.quants import quantize, dequantize
            src = {t.name: t for t in GGUFReader(sys.argv[1]).tensors}
            out = GGUFReader(sys.argv[2])
            keys = lambda r: sorted(k for k in r.fields if k not in ('general.file_type', 'general.quantization_version'))
            assert keys(out) == keys(GGUFReader(sys.argv[1])), 'metadata keys differ'
            for t in out.tensors:
                s = src[t.name]
                w = dequantize(np.asarray(s.data), s.tensor_type)
                again = np.asarray(quantize(w, t.tensor_type)).view(np.uint8).reshape(-1)
                assert np.array_equal(again, np.asarray(t.data).view(np.uint8).reshape(-1)), t.name
            print(len(out.tensors))
            """
        let check = try TestSupport.run(python, ["-c", script, f16, q8])
        #expect(check.status == 0 && check.stdout.hasPrefix("101"), "\(check.stderr)")
    }

    @Test("--dry-run writes nothing and predicts the exact size")
    func dryRun() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("r.json")
        let out = dir.appendingPathComponent("m.gguf").path
        #expect(try CLI.run(["compress", Self.model, "--type", "q4_0", "--dry-run", "-o", out, "--json", json.path, "-q"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: out))
        let predicted = try #require(try CLI.report(at: json).compression)
        #expect(predicted.dryRun && predicted.output == nil)
        #expect(try CLI.run(["compress", Self.model, "--type", "q4_0", "-o", out, "-q", "--no-error"]).status == 0)
        #expect(predicted.outputBytes == UInt64(try FileManager.default.attributesOfItem(atPath: out)[.size] as! Int))

        // Per-tensor overrides and a higher-precision embedding table, as llama-quantize spells them.
        let o = dir.appendingPathComponent("o.json")
        #expect(try CLI.run(["compress", Self.model, "--type", "q4_0", "--tensor-type", "attn_v=q8_0",
                             "--token-embedding-type", "q8_0", "--dry-run", "--json", o.path, "-q"]).status == 0)
        let types = Dictionary(uniqueKeysWithValues: try #require(try CLI.report(at: o).compression).tensors.map { ($0.name, $0.type) })
        #expect(types["blk.0.attn_v.weight"] == "Q8_0" && types["token_embd.weight"] == "Q8_0")
        #expect(types["blk.0.attn_q.weight"] == "Q4_0" && types["blk.0.attn_q.bias"] == "F32")
    }

    @Test("2:4 and magnitude pruning to safetensors; inspect checks the pattern")
    func pruning() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("p.safetensors").path, json = dir.appendingPathComponent("r.json")
        #expect(try CLI.run(["compress", Self.model, "--prune", "2:4", "--format", "safetensors", "--type", "f32",
                             "-o", out, "--json", json.path, "-q"]).status == 0)
        let c = try #require(try CLI.report(at: json).compression)
        #expect(c.pruning?.method == "2:4")
        #expect(abs((c.sparsity ?? 0) - 0.5) < 1e-9)
        // --json is a path, as everywhere; the table still goes to stdout.
        let listing = dir.appendingPathComponent("inspect.json")
        let inspect = try CLI.run(["inspect", out, "--sparsity", "--json", listing.path])
        #expect(inspect.status == 0 && inspect.stdout.contains("tensors:"))
        let m = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: listing)) as? [String: Any])
        let tensors = try #require(m["tensors"] as? [[String: Any]])
        let q = try #require(tensors.first { $0["name"] as? String == "encoder.layer.0.attention.self.query.weight" })
        #expect(q["twoFourViolations"] as? Int == 0)
        let original = try CLI.run(["inspect", Self.model, "--sparsity"])
        #expect(original.stdout.contains("2:4 broken"))

        let g = dir.appendingPathComponent("g.gguf").path
        #expect(try CLI.run(["compress", Self.model, "--prune", "global", "--sparsity", "0.3", "--type", "q8_0",
                             "-o", g, "--json", json.path, "-q"]).status == 0)
        let global = try #require(try CLI.report(at: json).compression)
        #expect(abs((global.sparsity ?? 0) - 0.3) < 1e-6)
        #expect(global.pruning?.scope == "global")
    }

    @Test("inspect lists GGUF tensors and metadata")
    func inspectGGUF() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("m.gguf").path
        #expect(try CLI.run(["compress", Self.model, "-o", out, "-q", "--no-error"]).status == 0)
        let r = try CLI.run(["inspect", out])
        #expect(r.status == 0)
        #expect(r.stdout.contains("general.architecture = \"bert\""))
        #expect(r.stdout.contains("bert.pooling_type = 1"))
        #expect(r.stdout.contains("blk.5.ffn_down.weight") && r.stdout.contains("Q8_0"))
    }

    @Test("bad input: clear error, non-zero exit, no output file")
    func badInput() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.safetensors")
        try Data([1, 2, 3]).write(to: bad)
        let out = dir.appendingPathComponent("o.gguf").path
        let r = try CLI.run(["compress", bad.path, "-o", out])
        #expect(r.status == 2 && r.stderr.contains("greenlight: error:"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let t = try CLI.run(["compress", Self.model, "--type", "q3_K", "-o", out])
        // A value outside --type's choices is bad usage (64), refused by the parser with the choices listed.
        #expect(t.status == 64 && t.stderr.contains("q3_K") && t.stderr.contains("Q8_0"))
        let q = try CLI.run(["compress", Self.model, "--type", "q8_0", "--format", "safetensors", "-o", out])
        #expect(q.status == 2 && q.stderr.contains("safetensors cannot hold Q8_0"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["bad.safetensors"])
        #expect(try CLI.run(["inspect", dir.appendingPathComponent("missing").path]).status != 0)
    }
}
