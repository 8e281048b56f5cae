import CSV
import Foundation
import GreenlightCore

/// Streams a CSV file with a header row through CSV.swift (RFC 4180: quoted fields, `""` escapes, newlines
/// inside quotes), checking that every row has as many fields as the header.
///
/// CSV.swift reads from an `InputStream` one scalar at a time, so memory stays constant. It does not
/// report line numbers, so they are counted here: a row spans one line plus the newlines inside its fields.
/// It also accepts a stray quote inside a quoted field silently; such a row usually fails the field count.
struct CSVTableReader {
    let path: String
    let reader: CSVReader
    let header: [String]
    /// The line the next row starts on.
    private(set) var line: Int

    init(path: String) throws {
        guard FileManager.default.isReadableFile(atPath: path), let stream = InputStream(fileAtPath: path) else {
            throw GreenlightError.notFound("cannot read \(path)")
        }
        try self.init(name: path) { try CSVReader(stream: stream, hasHeaderRow: true) }
    }

    /// Reads CSV text already in memory; `name` names it in error messages.
    init(text: String, name: String) throws {
        try self.init(name: name) { try CSVReader(string: text, hasHeaderRow: true) }
    }

    private init(name: String, _ open: () throws -> CSVReader) throws {
        self.path = name
        do {
            reader = try open()
        } catch {
            throw GreenlightError.invalidInput("\(name):1: cannot read the header row (\(error))")
        }
        guard var header = reader.headerRow, !header.isEmpty else {
            throw GreenlightError.invalidInput("\(name):1: no header row")
        }
        // A UTF-8 byte order mark (as spreadsheet exports write) is not part of the first column's name; nor is a
        // second one, from a tool that added its own: the name would not match the config, and written back it
        // would read as a different name.
        if header[0].unicodeScalars.first == "\u{FEFF}" { header[0] = String(header[0].unicodeScalars.drop { $0 == "\u{FEFF}" }) }
        // Checked after the marks are gone: a first line of only a mark is no header either.
        guard header != [""] else {
            throw GreenlightError.invalidInput("\(name):1: no header row")
        }
        self.header = header
        line = 2 + header.reduce(0) { $0 + $1.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
    }

    /// The next row, or `nil` at the end. Blank lines are skipped.
    mutating func next() throws -> [String]? { try nextRow()?.row }

    /// The next row and the line it starts on, or `nil` at the end. Blank lines are skipped (in a table of
    /// one column an empty line is an empty value).
    mutating func nextRow() throws -> (row: [String], line: Int)? {
        while true {
            guard let row = reader.next() else {
                // On Linux a file InputStream has "bytes available" until a read returns 0, and CSV.swift
                // reports that empty read as `cannotReadFile`: that is the end of the file. Real read errors
                // arrive as `streamErrorHasOccurred`, bad UTF-8 as `unicodeDecoding`.
                if let error = reader.error, !(error is CSVError && "\(error)" == "\(CSVError.cannotReadFile)") {
                    throw GreenlightError.invalidInput("\(path): line \(line): cannot read the row: \(error)")
                }
                return nil
            }
            let start = line
            line += 1 + row.reduce(0) { $0 + $1.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
            if row.count == 1, row[0].isEmpty, header.count > 1 { continue }
            guard row.count == header.count else {
                throw GreenlightError.invalidInput(
                    "\(path): line \(start): \(row.count) field\(row.count == 1 ? "" : "s"), but the header has \(header.count) (\(header.joined(separator: ",")))")
            }
            return (row, start)
        }
    }

    /// Rows encoded as RFC 4180 CSV, each ending in `\n`: a field holding `,`, `"`, `\r` or `\n` is quoted,
    /// with `"` doubled — the rule CSV.swift's `CSVWriter` applies.
    ///
    /// Not through `CSVWriter`: it writes one scalar at a time to an `OutputStream` and tests each field with
    /// `String.contains` four times; measured on the patients file it took 75 % of an anonymize run
    /// (3 MB/s in all). This loop over the UTF-8 bytes writes the same bytes.
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
