import Foundation
import GreenlightTestSupport
import Testing

import GreenlightCore

#if canImport(Glibc)
import Glibc
#endif

@Suite("hardening: atomic files, output checks, terminal text, durations")
struct SupportHardeningTests {
    @Test("Duration.seconds holds frontier-scale plans and saturates instead of trapping", arguments: [
        9.4e9, 2.6e6 * 3600, 1e15, 9e18, 9.3e18, 1e19, 1e300, -1e300, .infinity, -.infinity, .nan,
    ])
    func durationSeconds(value: Double) {
        let d = Duration.seconds(value)
        if value.isNaN {
            #expect(d == .zero)
        } else if abs(value) < 9.2e18 {
            #expect(abs(d.seconds - value) <= max(1e-9, abs(value) * 1e-15))
        } else {
            #expect(d.components.seconds == (value < 0 ? Int64.min : Int64.max))
        }
    }

    @Test("control characters, C1 controls and bidi overrides are escaped; other text is unchanged")
    func terminalText() {
        #expect(TerminalText.escaped("token_embd.weight") == "token_embd.weight")
        #expect(TerminalText.escaped("Zoë 名前") == "Zoë 名前")
        #expect(TerminalText.escaped("a\u{1B}]0;pwned\u{07}b") == "a\\x1B]0;pwned\\x07b")
        #expect(TerminalText.escaped("\u{1B}[2J") == "\\x1B[2J")
        #expect(TerminalText.escaped("x\u{0}y\r\n\t") == "x\\0y\\r\\n\\t")
        #expect(TerminalText.escaped("\u{9B}31m") == "\\u{009B}31m")
        #expect(TerminalText.escaped("abc\u{202E}fed") == "abc\\u{202E}fed")
        #expect(TerminalText.escaped("\u{7F}") == "\\x7F")
        for scalar in TerminalText.escaped("\u{1B}\u{0}\u{85}\u{2066}").unicodeScalars {
            #expect(!TerminalText.needsEscape(scalar))
        }
    }

    @Test("an atomic writer leaves no named file while it writes, and none after a discard")
    func noNamedTemporaryFiles() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out.bin").path
        let writer = try AtomicFileWriter(path: target)
        try writer.write([UInt8](repeating: 7, count: 3 << 20))
        let during = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        // O_TMPFILE: nothing has a name until commit (a named fallback would be registered for signals).
        #expect(during.isEmpty || during.allSatisfy { $0.hasPrefix(".out.bin.tmp-") })
        writer.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)

        let second = try AtomicFileWriter(path: target)
        try second.write([1, 2, 3])
        try second.commit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.bin"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data([1, 2, 3]))

        // commit(replacing: false) refuses an existing file and leaves it alone.
        let third = try AtomicFileWriter(path: target)
        try third.write([9])
        #expect(throws: GreenlightError.self) { try third.commit(replacing: false) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data([1, 2, 3]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.bin"])
    }

    @Test("a fatal signal removes the registered temporary files")
    func signalCleanupUnlinksRegistered() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(".x.tmp-1").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data([1])))
        let token = TemporaryFiles.register(path)
        #expect(token >= 0)
        // What the handler does, without dying of the signal here.
        #expect(TemporaryFiles.unlinkAllNow() >= 1)
        #expect(!FileManager.default.fileExists(atPath: path))
        TemporaryFiles.unregister(token)
    }

    @Test("outputs are refused before work: missing directory, a directory, a device, the input itself")
    func outputChecks() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("model.safetensors").path
        #expect(FileManager.default.createFile(atPath: input, contents: Data([1, 2, 3])))
        let link = dir.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: input)
        let hard = dir.appendingPathComponent("hard").path
        #expect(Glibc.link(input, hard) == 0)

        for bad in [dir.appendingPathComponent("missing/x.json").path, dir.path, "/dev/null", input, link, hard, "", "a/.."] {
            #expect(throws: GreenlightError.self, "\(bad)") { try OutputTarget.check(bad, notSameAs: [input]) }
        }
        try OutputTarget.check(dir.appendingPathComponent("new.json").path, notSameAs: [input])
        try OutputTarget.check(dir.appendingPathComponent("new.json").path, notSameAs: [input], append: true)
        // Nothing was created by the checks.
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["model.safetensors", "link", "hard"])
        expectCode(.invalidInput) { try OutputTarget.check(link, notSameAs: [input]) }
    }
}
