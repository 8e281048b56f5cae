import ArgumentParser
import Foundation
import GreenlightCompress
import GreenlightCore
import GreenlightTensors

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the tensors, types, shapes, sizes, bits per weight and metadata of a safetensors or GGUF file.")

    @Argument(help: "A .safetensors or .gguf file.")
    var file: String

    @Flag(help: "Also measure zeros per tensor and check the 2:4 pattern (decodes every tensor).")
    var sparsity = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        do {
            let m = try ModelInspector.inspect(file, sparsity: sparsity)
            if json {
                let e = JSONEncoder()
                e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                try writeOut(InspectCLI.escapingControls(String(decoding: try e.encode(m), as: UTF8.self)) + "\n")
                return
            }
            // Everything from the file is escaped where it is printed: names and metadata may hold terminal escapes.
            let text = TerminalText.escaped
            var out = "\(text(m.path)): \(m.format), \(Format.bytes(Double(m.fileBytes))), \(m.tensors.count) tensors, "
                + "\(m.parameters) parameters, \(Format.number(m.bitsPerWeight, significant: 4)) bits/weight\n"
            if !m.metadata.isEmpty {
                out += "metadata:\n"
                for (key, value) in m.metadata.sorted(by: { $0.key < $1.key }) { out += "  \(text(key)) = \(text(value))\n" }
            }
            out += "tensors:\n"
            let names = m.tensors.map { text($0.name) }
            let width = min(48, names.map(\.count).max() ?? 10)
            for (t, shown) in zip(m.tensors, names) {
                let name = shown.padding(toLength: max(width, shown.count), withPad: " ", startingAt: 0)
                var line = "  \(name)  \(text(t.type).padding(toLength: 5, withPad: " ", startingAt: 0))  \(t.shape)  \(t.parameters) params  \(t.bytes) B  \(Format.number(t.bitsPerWeight, significant: 3)) bpw"
                if let s = t.sparsity { line += "  sparsity \(Format.number(s * 100, significant: 3)) %" }
                if let v = t.twoFourViolations, let g = t.twoFourGroups { line += v == 0 ? "  2:4 ok" : "  2:4 broken in \(v)/\(g) groups" }
                out += line + "\n"
            }
            try writeOut(out)
        } catch let e as ExitCode {
            throw e  // writeOut has reported it
        } catch {
            throw error
        }
    }
}

enum InspectCLI {
    /// JSON text with the controls JSONEncoder leaves raw (DEL, C1, bidi overrides) written as `\\uXXXX`
    /// escapes: the same JSON value, but nothing a terminal acts on. Inside strings the encoder has escaped
    /// every C0 control already, so a raw newline is the pretty-printer's and stays.
    static func escapingControls(_ json: String) -> String {
        func needsEscape(_ u: Unicode.Scalar) -> Bool { u != "\n" && TerminalText.needsEscape(u) }
        guard json.unicodeScalars.contains(where: needsEscape) else { return json }
        var out = ""
        for u in json.unicodeScalars {
            if needsEscape(u) {
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
