import Foundation
import GreenlightCore
@testable import GreenlightPrivacy
import GreenlightTestSupport
import Testing

/// The message of the error `body` throws, or nil.
func errorMessage<T>(_ body: () throws -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return (error as? GreenlightError)?.message ?? "\(error)"
    }
}

/// The one reader every CSV and JSON Lines input goes through: encodings and CSV defects.
@Suite("text input: UTF-8 validation, Latin-1, CSV defects")
struct TextInputTests {
    static let latin1Row: [UInt8] = Array("id,name\n1,Jos".utf8) + [0xE9] + Array(" Garc".utf8) + [0xED] + Array("a\n".utf8)

    @Test("a reader abandoned before the end (an error, an early stop) closes its file")
    func abandonedReaderClosesItsFile() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.csv").path
        try Data("a,b\n1,2\n3,4\n5,6\n".utf8).write(to: URL(fileURLWithPath: path))
        func openDescriptors() throws -> Int { try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count }
        let before = try openDescriptors()
        for _ in 0..<200 {
            var reader = try CSVTableReader(path: path)
            _ = try reader.nextRow()
        }
        // Other tests open files concurrently: allow some slack, but not one descriptor per reader.
        #expect(try openDescriptors() < before + 50)
    }

    @Test("invalid UTF-8 is an error naming line and column, for CSV in memory and on disk, and for JSON Lines")
    func invalidUTF8() throws {
        let message = "t.csv: line 2, column 6: invalid UTF-8 (bytes 0xE9 0x20 0x47 0x61)"
        #expect(errorMessage { try CSVTable(bytes: Self.latin1Row, name: "t.csv") }?.hasPrefix(message) == true)
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("t.csv").path
        try Data(Self.latin1Row).write(to: URL(fileURLWithPath: csv))
        #expect(errorMessage { try CSVTable(contentsOfFile: csv) }?.hasPrefix(csv + ": line 2, column 6: invalid UTF-8") == true)
        #expect(errorMessage { try ColumnClassifier().scan(csvPath: csv) }?.hasPrefix(csv + ": line 2, column 6: invalid UTF-8") == true)
        // A 0xFF in the last field of the last line (no newline), which CSV.swift dropped silently.
        try Data(Array("a,b\n1,x".utf8) + [0xFF]).write(to: URL(fileURLWithPath: csv))
        #expect(errorMessage { try CSVTable(contentsOfFile: csv) }?.hasPrefix(csv + ": line 2, column 4: invalid UTF-8 (bytes 0xFF)") == true)
        // A truncated sequence at the end of the file, and an overlong encoding.
        #expect(errorMessage { try CSVTable(bytes: Array("a\n".utf8) + [0xE2, 0x82], name: "t") }?.hasPrefix("t: line 2, column 1: invalid UTF-8") == true)
        #expect(errorMessage { try CSVTable(bytes: Array("a\nx".utf8) + [0xC0, 0xAF], name: "t") }?.hasPrefix("t: line 2, column 2: invalid UTF-8") == true)
        let jsonl = dir.appendingPathComponent("t.jsonl").path
        try Data(Array("{\"text\":\"ok\"}\n{\"text\":\"Jos".utf8) + [0xE9] + Array("\"}\n".utf8)).write(to: URL(fileURLWithPath: jsonl))
        #expect(errorMessage { try PIIRecordScanner().scan(inputPath: jsonl, outputPath: nil) }?.hasPrefix(jsonl + ": line 2, column 13: invalid UTF-8") == true)
    }

    @Test("Latin-1 is transcoded when asked for; valid UTF-8 across chunk boundaries is kept")
    func latin1AndChunks() throws {
        let table = try CSVTable(bytes: Self.latin1Row, name: "t.csv", encoding: .latin1)
        #expect(table.columns[1] == ["José García"])
        #expect(try TextEncoding(name: "ISO-8859-1") == .latin1 && TextEncoding(name: "UTF8") == .utf8)
        #expect(throws: GreenlightError.self) { try TextEncoding(name: "ebcdic") }
        // A two-byte character straddling the 1 MiB read boundary is not an error.
        var bytes = Array("a\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: TextSource.chunkSize - 3)
        bytes += Array("é\n".utf8)
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("big.csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let big = try CSVTable(contentsOfFile: path)
        #expect(big.columns[0].first?.hasSuffix("xé") == true)
        // Lines and columns stay right past the read boundary: 600,000 lines of "x", then a bad byte.
        var many = Array("a\n".utf8)
        for _ in 0..<600_000 { many += [UInt8(ascii: "x"), 0x0A] }
        many += Array("yz".utf8) + [0xE9, 0x0A]
        try Data(many).write(to: URL(fileURLWithPath: path))
        #expect(errorMessage { try CSVTable(contentsOfFile: path) }?.hasPrefix(path + ": line 600002, column 3: invalid UTF-8 (bytes 0xE9)") == true)
    }

    @Test("CSV defects are named for what they are: unterminated quote, stray quotes")
    func csvDefects() throws {
        let header = (1...11).map { "c\($0)" }.joined(separator: ",")
        let unterminated = header + "\n" + (1...11).map(String.init).joined(separator: ",") + "\n1,\"open,3,4\n5,6\n"
        #expect(throws: GreenlightError.invalidInput("t.csv: unterminated quoted field starting at line 3, column 3: the file ends before its closing quote")) {
            try CSVTable(csv: unterminated, name: "t.csv")
        }
        #expect(throws: GreenlightError.invalidInput("t.csv: line 2, column 6: the character x after the closing quote of the field that starts at line 2, column 3; a quote inside a quoted field is written twice (\"\")")) {
            try CSVTable(csv: "a,b\n1,\"q\"x\n", name: "t.csv")
        }
        #expect(throws: GreenlightError.invalidInput("t.csv: line 2, column 4: a quote inside an unquoted field; enclose the whole field in quotes and write the quote twice (\"\")")) {
            try CSVTable(csv: "a,b\n1,a\"b\n", name: "t.csv")
        }
        // CR, LF and CRLF line ends; CRLF inside quotes is kept.
        let ok = try CSVTable(csv: "a,b\r1,2\n3,\"x\r\ny\"\r\n", name: "t.csv")
        #expect(ok.columns[1] == ["2", "x\r\ny"])
        #expect(ok.line(ofRow: 1) == 3)
    }
}
