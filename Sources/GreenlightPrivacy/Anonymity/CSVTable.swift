import CSV
import Foundation
import GreenlightCore

/// A CSV table held in memory as columns of strings, for measuring and anonymising it.
///
/// The first row is the header. Every row must have as many fields as the header; a row that does not is
/// reported with its line number. Fields are kept as text: hierarchies and queries parse them as needed.
public struct CSVTable: Sendable, Hashable {
    /// The column names, in file order.
    public let header: [String]
    /// The values, one array per column; `columns[c][r]` is row `r` of column `c`.
    public internal(set) var columns: [[String]]
    /// The line of the file each row starts on (the header is line 1), for error messages.
    let lines: [Int]

    /// Data rows (the header not counted).
    public var rowCount: Int { lines.count }

    /// Creates a table from a header and rows, all of the header's width.
    ///
    /// - Throws: ``GreenlightError`` when a row's width differs from the header's or a name repeats.
    public init(header: [String], rows: [[String]]) throws {
        try self.init(header: header, rows: rows, lines: rows.indices.map { $0 + 2 })
    }

    init(header: [String], rows: [[String]], lines: [Int]) throws {
        var seen = Set<String>()
        for name in header where !seen.insert(name).inserted {
            throw GreenlightError.invalidInput("column \(name) appears twice in the header")
        }
        var columns = Array(repeating: [String](), count: header.count)
        for c in columns.indices { columns[c].reserveCapacity(rows.count) }
        for (i, row) in rows.enumerated() {
            guard row.count == header.count else {
                throw GreenlightError.invalidInput(
                    "line \(lines[i]): \(row.count) field\(row.count == 1 ? "" : "s"), but the header has \(header.count)")
            }
            for c in row.indices { columns[c].append(row[c]) }
        }
        self.header = header
        self.columns = columns
        self.lines = lines
    }

    /// Parses CSV text (RFC 4180 quoting) whose first row is the header.
    ///
    /// - Parameters:
    ///   - text: The file's contents.
    ///   - name: The file name, for error messages.
    /// - Throws: ``GreenlightError`` naming the line of a row with the wrong number of fields, or when
    ///   there is no header.
    public init(csv text: String, name: String = "input") throws {
        let reader: CSVReader
        // A UTF-8 byte order mark would otherwise become part of the first column's name.
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            throw GreenlightError.invalidInput("\(name): no CSV header row")
        }
        let header = reader.headerRow ?? []
        guard !header.isEmpty, header != [""] else { throw GreenlightError.invalidInput("\(name): no CSV header row") }
        // CSVReader does not count lines: a row starts one line after the previous one ended, and quoted
        // fields may hold line breaks of their own.
        var line = 2 + header.reduce(0) { $0 + Self.lineBreaks(in: $1) }
        var rows: [[String]] = [], lines: [Int] = []
        while let row = reader.next() {
            let start = line
            line += 1 + row.reduce(0) { $0 + Self.lineBreaks(in: $1) }
            if row == [""], header.count > 1 { continue }  // a blank line
            rows.append(row)
            lines.append(start)
        }
        do {
            try self.init(header: header, rows: rows, lines: lines)
        } catch let error as GreenlightError {
            throw GreenlightError.invalidInput("\(name): \(error.message)")
        }
    }

    /// Reads a CSV file.
    ///
    /// - Throws: ``GreenlightError`` when the file cannot be read or is not valid CSV (see ``init(csv:name:)``).
    public init(contentsOfFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GreenlightError.notFound("cannot read \(path)")
        }
        try self.init(csv: String(decoding: data, as: UTF8.self), name: path)
    }

    private static func lineBreaks(in field: String) -> Int {
        var n = 0, previousCR = false
        for u in field.utf8 {
            if u == 0x0A, !previousCR { n += 1 } else if u == 0x0D { n += 1 }
            previousCR = u == 0x0D
        }
        return n
    }

    /// The index of a column.
    ///
    /// - Throws: ``GreenlightError`` naming the column and listing the header when there is no such column.
    public func columnIndex(_ name: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw GreenlightError.invalidInput("unknown column \(name); the header is: \(header.joined(separator: ","))")
        }
        return i
    }

    /// The file line a row starts on.
    public func line(ofRow row: Int) -> Int { lines[row] }

    /// CSV text (a header, then one line per row, LF line ends) of some rows and columns.
    ///
    /// - Parameters:
    ///   - rows: The rows to write, in order.
    ///   - columns: The columns to write, in order.
    ///   - value: The text of a cell: by default the table's own.
    func csvData(rows: [Int], columns: [Int], value: (_ row: Int, _ column: Int) -> String) throws -> Data {
        let stream = OutputStream(toMemory: ())
        stream.open()
        defer { stream.close() }
        let writer = try CSVWriter(stream: stream)
        try writer.write(row: columns.map { header[$0] })
        for r in rows { try writer.write(row: columns.map { value(r, $0) }) }
        guard var data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else {
            throw GreenlightError.io("cannot collect the CSV output")
        }
        data.append(0x0A)
        return data
    }
}
