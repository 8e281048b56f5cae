import Foundation
import GreenlightCore

/// Streams a CSV file with a header row (RFC 4180: quoted fields, `""` escapes, newlines inside quotes),
/// checking that every row has as many fields as the header.
///
/// Bytes come from ``TextSource``, so invalid UTF-8 is reported (or Latin-1 transcoded) exactly as for every
/// other text input; memory stays constant. Defects are reported by what they are and where: an
/// unterminated quoted field by the line it starts on; a quote inside an unquoted field, or text after a
/// closing quote, by line and column (the 1-based byte position in the line).
struct CSVTableReader {
    let path: String
    private(set) var header: [String]
    private var source: TextSource
    private var chunk: [UInt8] = []
    private var position = 0
    /// The line and column of the next byte.
    private var lineNumber = 1
    private var column = 1
    /// The line the next row starts on.
    var line: Int { lineNumber }

    init(path: String, encoding: TextEncoding = .utf8) throws {
        try self.init(source: TextSource(path: path, encoding: encoding))
    }

    /// Reads CSV text already in memory; `name` names it in error messages.
    init(text: String, name: String) throws {
        try self.init(source: TextSource(bytes: Array(text.utf8), name: name, encoding: .utf8))
    }

    /// Reads CSV bytes already in memory; `name` names them in error messages.
    init(bytes: [UInt8], name: String, encoding: TextEncoding) throws {
        try self.init(source: TextSource(bytes: bytes, name: name, encoding: encoding))
    }

    private init(source: TextSource) throws {
        self.source = source
        path = source.name
        header = []
        var first = try parseRecord() ?? []
        // A UTF-8 byte order mark (as spreadsheet exports write) is not part of the first column's name.
        // Every leading BOM goes (a tool may add its own to a spreadsheet's): the name must match the config, and
        // written back it must read as the same name (found by FuzzCSV).
        if let name = first.first, name.unicodeScalars.first == "\u{FEFF}" {
            first[0] = String(name.unicodeScalars.drop { $0 == "\u{FEFF}" })
        }
        // Checked after the BOM is gone: a line holding only a BOM is no header either (found by FuzzCSV).
        guard !first.isEmpty, first != [""] else {
            self.source.close()
            throw GreenlightError.invalidInput("\(path):1: no header row")
        }
        header = first
    }

    /// Closes the file early (the end of the file closes it too).
    mutating func close() { source.close() }

    /// The next row, or `nil` at the end. Blank lines are skipped.
    mutating func next() throws -> [String]? { try nextRow()?.row }

    /// The next row and the line it starts on, or `nil` at the end. Blank lines are skipped (in a table of
    /// one column an empty line is an empty value).
    mutating func nextRow() throws -> (row: [String], line: Int)? {
        while true {
            let start = lineNumber
            guard let row = try parseRecord() else { return nil }
            if row.count == 1, row[0].isEmpty, header.count > 1 { continue }
            guard row.count == header.count else {
                throw GreenlightError.invalidInput(
                    "\(path): line \(start): \(row.count) field\(row.count == 1 ? "" : "s"), but the header has \(header.count) (\(header.joined(separator: ",")))")
            }
            return (row, start)
        }
    }

    /// The next byte, or `nil` at the end of the input.
    private mutating func byte() throws -> UInt8? {
        if position == chunk.count {
            guard let next = try source.next() else {
                source.close()
                return nil
            }
            chunk = next
            position = 0
        }
        let b = chunk[position]
        position += 1
        return b
    }

    /// The next byte without taking it.
    private mutating func peek() throws -> UInt8? {
        if position == chunk.count {
            guard let next = try source.next() else { return nil }
            chunk = next
            position = 0
        }
        return chunk[position]
    }

    private enum State { case fieldStart, unquoted, quoted, afterQuote }

    /// The record being parsed: its finished fields, the current field's bytes, and where its quote opened.
    private struct PartialRecord {
        var fields: [String] = []
        var field: [UInt8] = []
        var state = State.fieldStart
        var quoteLine = 0, quoteColumn = 0

        @inline(__always)
        mutating func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
    }

    /// One record's fields, or `nil` at the end of the input. Lines end in LF, CRLF or CR.
    private mutating func parseRecord() throws -> [String]? {
        var record = PartialRecord()
        var consumed = false
        while true {
            guard let b = try byte() else {
                if record.state == .quoted { throw unterminatedQuote(record) }
                if !consumed { return nil }
                record.endField()
                return record.fields
            }
            consumed = true
            let here = column
            let end = try advance(past: b)
            if record.state == .quoted {
                takeQuoted(b, crlf: end.crlf, into: &record)
            } else if try takeUnquoted(b, at: here, newline: end.newline, into: &record) {
                return record.fields
            }
        }
    }

    /// Moves the line and column past `b`, taking the LF of a CRLF too: whether `b` ended a line, and with CRLF.
    @inline(__always)
    private mutating func advance(past b: UInt8) throws -> (newline: Bool, crlf: Bool) {
        column += 1
        var newline = false, crlf = false
        if b == 0x0A {
            newline = true
        } else if b == 0x0D {
            newline = true
            if try peek() == 0x0A {
                _ = try byte()
                crlf = true
            }
        }
        if newline {
            lineNumber += 1
            column = 1
        }
        return (newline, crlf)
    }

    /// Takes `b` inside a quoted field: a quote may close it, anything else (line ends too) is field text.
    @inline(__always)
    private mutating func takeQuoted(_ b: UInt8, crlf: Bool, into record: inout PartialRecord) {
        if b == UInt8(ascii: "\"") {
            record.state = .afterQuote
        } else if b == 0x0D {
            // CRLF inside quotes is kept as it was.
            record.field.append(0x0D)
            if crlf { record.field.append(0x0A) }
        } else {
            record.field.append(b)
            takeRun(into: &record.field, quoted: true)
        }
    }

    /// Takes `b` outside quotes (at a field's start, in an unquoted field, or after a closing quote), at
    /// column `here`; whether it ended the record.
    @inline(__always)
    private mutating func takeUnquoted(
        _ b: UInt8, at here: Int, newline: Bool, into record: inout PartialRecord
    ) throws -> Bool {
        if b == UInt8(ascii: ",") {
            record.endField()
            record.state = .fieldStart
        } else if newline {
            record.endField()
            return true
        } else if record.state == .fieldStart, b == UInt8(ascii: "\"") {
            record.state = .quoted
            record.quoteLine = lineNumber
            record.quoteColumn = here
        } else if record.state == .afterQuote {
            guard b == UInt8(ascii: "\"") else { throw textAfterQuote(b, at: here, record) }
            record.field.append(b)
            record.state = .quoted
        } else if b == UInt8(ascii: "\"") {
            throw quoteInUnquotedField(at: here)
        } else {
            record.field.append(b)
            record.state = .unquoted
            takeRun(into: &record.field, quoted: false)
        }
        return false
    }

    // The errors, kept out of the loop: they are built once, at the defect.

    private func unterminatedQuote(_ record: PartialRecord) -> GreenlightError {
        GreenlightError.invalidInput(
            "\(path): unterminated quoted field starting at line \(record.quoteLine), column \(record.quoteColumn): "
                + "the file ends before its closing quote")
    }

    private func textAfterQuote(_ b: UInt8, at here: Int, _ record: PartialRecord) -> GreenlightError {
        GreenlightError.invalidInput(
            "\(path): line \(lineNumber), column \(here): \(Self.describe(b)) after the closing quote of the field "
                + "that starts at line \(record.quoteLine), column \(record.quoteColumn); a quote inside a quoted field is written twice (\"\")")
    }

    private func quoteInUnquotedField(at here: Int) -> GreenlightError {
        GreenlightError.invalidInput(
            "\(path): line \(lineNumber), column \(here): a quote inside an unquoted field; "
                + "enclose the whole field in quotes and write the quote twice (\"\")")
    }

    /// Appends the bytes before the next quote, line end (or, unquoted, comma) in the current chunk to
    /// `field` in one go: most bytes of a file are plain field text.
    private mutating func takeRun(into field: inout [UInt8], quoted: Bool) {
        let start = position
        let end = chunk.withUnsafeBufferPointer { p -> Int in
            var i = start
            while i < p.count {
                let c = p[i]
                if c == 0x22 || c == 0x0A || c == 0x0D || (!quoted && c == 0x2C) { break }
                i += 1
            }
            return i
        }
        guard end > start else { return }
        field.append(contentsOf: chunk[start..<end])
        column += end - start
        position = end
    }

    /// A byte as a person reads it in a message.
    static func describe(_ b: UInt8) -> String {
        b >= 0x21 && b < 0x7F ? "the character \(Character(Unicode.Scalar(b)))" : String(format: "the byte 0x%02X", b)
    }

    /// Rows encoded as RFC 4180 CSV, each ending in `\n`: a field holding `,`, `"`, `\r` or `\n` is quoted,
    /// with `"` doubled.
    ///
    /// A loop over the UTF-8 bytes: CSV.swift's `CSVWriter` wrote one scalar at a time and took 75 % of an
    /// anonymize run on the patients file.
    static func encode(_ rows: [[String]]) -> [UInt8] {
        var out: [UInt8] = []
        for row in rows {
            for (k, field) in row.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                let utf8 = field.utf8
                let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
                if needsQuotes {
                    out.append(UInt8(ascii: "\""))
                    for b in utf8 {
                        if b == UInt8(ascii: "\"") { out.append(b) }
                        out.append(b)
                    }
                    out.append(UInt8(ascii: "\""))
                } else {
                    out.append(contentsOf: utf8)
                }
            }
            out.append(0x0A)
        }
        return out
    }
}
