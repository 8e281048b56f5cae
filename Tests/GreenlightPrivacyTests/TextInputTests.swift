import Foundation
import GreenlightCore
@testable import GreenlightPrivacy
import GreenlightTestSupport
import Testing

/// Expects `body` to fail on invalid UTF-8 at `line` and `column` of `path`, suggesting Latin-1.
func expectInvalidUTF8<T>(
    _ path: String, line: Int, column: Int, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T
) {
    let error = expectCode(.invalidInput, sourceLocation: sourceLocation, body)
    #expect(error?.location == GreenlightError.Location(path: path, line: line, column: column), sourceLocation: sourceLocation)
    #expect(error?.parameter == GreenlightError.Parameter("encoding", suggestion: "latin1"), sourceLocation: sourceLocation)
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
        expectInvalidUTF8("t.csv", line: 2, column: 6) { try CSVTable(bytes: Self.latin1Row, name: "t.csv") }
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("t.csv").path
        try Data(Self.latin1Row).write(to: URL(fileURLWithPath: csv))
        expectInvalidUTF8(csv, line: 2, column: 6) { try CSVTable(contentsOfFile: csv) }
        expectInvalidUTF8(csv, line: 2, column: 6) { try ColumnClassifier().scan(csvPath: csv) }
        // A 0xFF in the last field of the last line (no newline), which CSV.swift dropped silently.
        try Data(Array("a,b\n1,x".utf8) + [0xFF]).write(to: URL(fileURLWithPath: csv))
        expectInvalidUTF8(csv, line: 2, column: 4) { try CSVTable(contentsOfFile: csv) }
        // A truncated sequence at the end of the file, and an overlong encoding.
        expectInvalidUTF8("t", line: 2, column: 1) { try CSVTable(bytes: Array("a\n".utf8) + [0xE2, 0x82], name: "t") }
        expectInvalidUTF8("t", line: 2, column: 2) { try CSVTable(bytes: Array("a\nx".utf8) + [0xC0, 0xAF], name: "t") }
        let jsonl = dir.appendingPathComponent("t.jsonl").path
        try Data(Array("{\"text\":\"ok\"}\n{\"text\":\"Jos".utf8) + [0xE9] + Array("\"}\n".utf8)).write(to: URL(fileURLWithPath: jsonl))
        expectInvalidUTF8(jsonl, line: 2, column: 13) { try PIIRecordScanner().scan(inputPath: jsonl, outputPath: nil) }
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
        expectInvalidUTF8(path, line: 600_002, column: 3) { try CSVTable(contentsOfFile: path) }
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
