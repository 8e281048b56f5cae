import Foundation
import FuzzSupport
@testable import GreenlightPrivacy

// CSV input of `privacy anonymize`, `kanon` and `dp`: the streaming CSVTableReader over a file (raw bytes, as
// CSV.swift decodes them), and CSVTable from text. A table read must survive the anonymizer's own writer:
// CSVTableReader.encode of its rows reads back as the same rows.

nonisolated(unsafe) let file = MemoryFile(name: "csv")

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    file.set(bytes)
    if var reader = try? CSVTableReader(path: file.path) {
        var rows = 0
        while rows < 10_000, let row = try? reader.nextRow() {
            precondition(row.row.count == reader.header.count)
            rows += 1
        }
    }
    guard let table = try? CSVTable(csv: String(decoding: bytes, as: UTF8.self), name: "fuzz") else { return 0 }
    let rows = (0..<table.rowCount).map { r in table.columns.map { $0[r] } }
    for r in 0..<table.rowCount { _ = table.line(ofRow: r) }
    let encoded = CSVTableReader.encode([table.header] + rows)
    do {
        let again = try CSVTable(csv: String(decoding: encoded, as: UTF8.self), name: "round trip")
        precondition(again.header == table.header && again.columns == table.columns,
                     "CSV written by the anonymizer reads back differently")
    } catch {
        preconditionFailure("CSV written by the anonymizer does not read back: \(error)")
    }
    return 0
}

writeSeedsIfRequested {
    [
        ("simple", Array("name,age,zip\nAda,36,12345\nBob,41,54321\n".utf8)),
        ("quoted", Array("a,b\n\"x, y\",\"he said \"\"hi\"\"\"\n\"multi\nline\",2\r\n".utf8)),
        ("bom", [0xEF, 0xBB, 0xBF] + Array("id,v\n1,2\n\n3,4".utf8)),
        ("one-column", Array("only\n\nx\n".utf8)),
        ("ragged", Array("a,b\n1\n".utf8)),
    ]
}

runLibFuzzer(testOneInput)
