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
        try self.init(reader: CSVTableReader(text: text, name: name), name: name)
    }

    /// Parses CSV bytes (a file already read) whose first row is the header.
    ///
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - name: The file name, for error messages.
    ///   - encoding: How the bytes are decoded; invalid UTF-8 is an error naming its line and column.
    /// - Throws: ``GreenlightError`` for invalid text or CSV, naming line and column (see ``init(contentsOfFile:encoding:)``).
    public init(bytes: [UInt8], name: String, encoding: TextEncoding = .utf8) throws {
        try self.init(reader: CSVTableReader(bytes: bytes, name: name, encoding: encoding), name: name)
    }

    /// Reads a CSV file.
    ///
    /// - Parameter encoding: How the bytes are decoded; invalid UTF-8 is an error naming its line and column.
    /// - Throws: ``GreenlightError`` when the file cannot be read, is not valid UTF-8 (for ``TextEncoding/utf8``),
    ///   has an unterminated quoted field, a stray quote or a row of the wrong width (each with its line).
    public init(contentsOfFile path: String, encoding: TextEncoding = .utf8) throws {
        try self.init(reader: CSVTableReader(path: path, encoding: encoding), name: path)
    }

    private init(reader: CSVTableReader, name: String) throws {
        var reader = reader
        var rows: [[String]] = [], lines: [Int] = []
        while let (row, line) = try reader.nextRow() {
            rows.append(row)
            lines.append(line)
        }
        do {
            try self.init(header: reader.header, rows: rows, lines: lines)
        } catch let error as GreenlightError {
            throw GreenlightError.invalidInput("\(name): \(error.message)")
        }
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
    func csvData(rows: [Int], columns: [Int], value: (_ row: Int, _ column: Int) -> String) -> Data {
        Data(CSVTableReader.encode([columns.map { header[$0] }] + rows.map { r in columns.map { value(r, $0) } }))
    }
}
