import Foundation
import GreenlightCore
@testable import GreenlightPrivacy
import Testing

/// Inputs that the libFuzzer targets (Fuzz/, Scripts/fuzz.sh) found, kept as they were found.
@Suite struct FuzzFindingsPrivacyTests {
    /// FuzzCSV: two byte order marks. Only the first was dropped, so the first column was named "\u{FEFF}", which
    /// no config names, and the anonymizer's output, read again, had a column named "" instead.
    @Test func csvHeaderDropsEveryLeadingByteOrderMark() throws {
        let input: [UInt8] = [
            0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, 0x2C, 0x32, 0x0A, 0x8A, 0x21, 0x00, 0x2C, 0x32, 0x0A, 0x8A,
            0x21, 0x00, 0x00, 0x00, 0x33, 0x2C, 0x34,
        ]
        let table = try CSVTable(csv: String(decoding: input, as: UTF8.self), name: "fuzz")
        #expect(table.header == ["", "2"])
        let rows = (0..<table.rowCount).map { r in table.columns.map { $0[r] } }
        let again = try CSVTable(csv: String(decoding: CSVTableReader.encode([table.header] + rows), as: UTF8.self))
        #expect(again.header == table.header)
        #expect(again.columns == table.columns)

        let named = try CSVTable(csv: "\u{FEFF}\u{FEFF}name,age\nAda,36\n")
        #expect(named.header == ["name", "age"])
        #expect(try named.columnIndex("name") == 0)
    }

    /// FuzzCSV: a first line holding only a byte order mark passed the "no header row" check, which ran before the
    /// mark was dropped, and gave a table with one column named "", which the anonymizer wrote as an empty line.
    @Test func csvFirstLineOfOnlyAByteOrderMarkIsNoHeader() {
        let input: [UInt8] = [0xEF, 0xBB, 0xBF, 0x0D, 0x0A, 0x0A, 0x32, 0x0A, 0x00, 0x00, 0x7F, 0x4F, 0x6B, 0x10, 0x2A, 0xD0]
        #expect(throws: GreenlightError.invalidInput("fuzz:1: no header row")) {
            try CSVTable(csv: String(decoding: input, as: UTF8.self), name: "fuzz")
        }
        #expect(throws: GreenlightError.invalidInput("t.csv:1: no header row")) {
            try CSVTable(csv: "\u{FEFF}\u{FEFF}\nx\n", name: "t.csv")
        }
    }
}
