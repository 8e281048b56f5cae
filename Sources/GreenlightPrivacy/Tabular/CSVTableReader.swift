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
        self.path = path
        guard FileManager.default.isReadableFile(atPath: path), let stream = InputStream(fileAtPath: path) else {
            throw GreenlightError.notFound("cannot read \(path)")
        }
        do {
            reader = try CSVReader(stream: stream, hasHeaderRow: true)
        } catch {
            throw GreenlightError.invalidInput("\(path):1: cannot read the header row (\(error))")
        }
        guard let header = reader.headerRow, !header.isEmpty else {
            throw GreenlightError.invalidInput("\(path):1: no header row")
        }
        self.header = header
        line = 2 + header.reduce(0) { $0 + $1.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
    }

    /// The next row, or `nil` at the end. Blank lines are skipped.
    mutating func next() throws -> [String]? {
        while true {
            guard let row = reader.next() else {
                // On Linux a file InputStream has "bytes available" until a read returns 0, and CSV.swift
                // reports that empty read as `cannotReadFile`: that is the end of the file. Real read errors
                // arrive as `streamErrorHasOccurred`, bad UTF-8 as `unicodeDecoding`.
                if let error = reader.error, !(error is CSVError && "\(error)" == "\(CSVError.cannotReadFile)") {
                    throw GreenlightError.invalidInput("\(path):\(line): cannot read the row: \(error)")
                }
                return nil
            }
            let start = line
            line += 1 + row.reduce(0) { $0 + $1.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
            if row.count == 1, row[0].isEmpty { continue }
            guard row.count == header.count else {
                throw GreenlightError.invalidInput("\(path):\(start): \(row.count) fields, but the header has \(header.count) (\(header.joined(separator: ",")))")
            }
            return row
        }
    }

    /// Rows encoded as CSV with CSV.swift's writer (quoting fields that hold `,`, `"` or newlines), each
    /// ending in `\n`.
    ///
    /// CSV.swift writes to an `OutputStream` byte by byte; writing a batch to memory and the memory to the
    /// file in one call keeps that cost off the file descriptor.
    static func encode(_ rows: [[String]]) throws -> Data {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream)
        for row in rows { try writer.write(row: row) }
        stream.close()
        var data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        if !rows.isEmpty { data.append(0x0A) }
        return data
    }
}
