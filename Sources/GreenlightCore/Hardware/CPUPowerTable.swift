public import Foundation

/// A CPU model found in ``CPUPowerTable``.
public struct CPUTDPMatch: Sendable, Hashable {
    /// The table's name for the model, e.g. `AMD EPYC 7763`.
    public var entry: String
    /// Its thermal design power.
    public var tdp: Power
    /// `estimated:cpu-tdp-table`, naming the entry.
    public var method: Method

    /// Creates a match.
    public init(entry: String, tdp: Power, method: Method) {
        self.entry = entry
        self.tdp = tdp
        self.method = method
    }

    /// The TDP as a labelled figure.
    public var figure: Figure<Power> { Figure(tdp, method) }
}

/// CPU thermal design power by model name: CodeCarbon 3.3.2's `cpu_power.csv` (4,918 rows, 4,913 with a
/// usable TDP; MIT licence).
///
/// ``match(modelName:)`` takes the name as `/proc/cpuinfo` reports it. Both that name and the table's names
/// are normalised: lower-cased; `(R)`, `(TM)`, `®`, `™`, `CPU`, `Processor`, the clock (`@ 2.90GHz`), core
/// counts (`64-Core`, `Quad-Core`), `with Radeon Graphics` and generation prefixes (`13th Gen`) dropped;
/// parentheses and commas treated as spaces. Then, in order:
///
/// 1. an entry whose normalised name equals the normalised model name;
/// 2. otherwise the entry with the most words (then the longest name) such that all of its words appear in
///    the model name, it has a word with a digit (a model number), and every word of the model name that
///    contains a digit appears in it. Two such entries of equal length with different TDPs are a tie: no match.
///
/// A vague name such as `AMD EPYC` or `Intel(R) Xeon(R) CPU @ 2.20GHz` (common in virtual machines) names no
/// model number and matches nothing; use ``perThreadFallback(threads:)`` then.
public struct CPUPowerTable: Sendable {
    /// The bundled table, loaded once.
    public static let bundled: CPUPowerTable = BundledResource.load("cpu_power.csv") { try CPUPowerTable(csvData: $0) }

    struct Entry: Sendable {
        var name: String
        var tdp: Double
        var normalized: String
        var tokens: Set<String>
        var hasDigitToken: Bool
    }

    /// A table row as read: the name lower-cased (for the substring pre-filter) and its TDP.
    struct Row: Sendable {
        var name: String
        var lowered: [UInt8]
        var tdp: Double
    }

    private let rows: [Row]

    /// Number of models in the table.
    public var count: Int { rows.count }

    /// Reads a table in `cpu_power.csv` layout: a `Name,TDP` header, then one model per line (RFC 4180 quoting).
    ///
    /// Rows whose TDP is not a positive number are skipped (CodeCarbon 3.3.2 has five: four like `27.29.5`, one `0.0`).
    /// Names are normalised lazily in ``match(modelName:)``, so that loading stays cheap at start-up.
    ///
    /// - Throws: ``GreenlightError`` when the `Name,TDP` header is missing.
    public init(csvData: Data) throws {
        var csv = CSVReader.rows(csvData)
        guard let header = csv.first, header.count >= 2,
              header[0].trimmingCharacters(in: .whitespaces).lowercased().hasSuffix("name"),
              header[1].trimmingCharacters(in: .whitespaces).lowercased() == "tdp" else {
            throw GreenlightError.invalidInput("CPU power table: expected a 'Name,TDP' header")
        }
        csv.removeFirst()
        var rows: [Row] = []
        rows.reserveCapacity(csv.count)
        for row in csv where row.count >= 2 && !row[0].isEmpty {
            // CodeCarbon 3.3.2 has four old Celerons with two values run together ('27.29.5') and a 0 W Quark: skipped.
            guard let tdp = Double(row[1].trimmingCharacters(in: .whitespaces)), tdp.isFinite, tdp > 0 else { continue }
            rows.append(Row(name: row[0], lowered: Array(row[0].lowercased().utf8), tdp: tdp))
        }
        self.rows = rows
    }

    /// The table entry for a CPU model name, or `nil` when the name does not identify a model in the table.
    ///
    /// - Parameter modelName: The name as the OS reports it, e.g. `Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz`.
    /// - Returns: The entry, its TDP, and `Method(.estimated, "cpu-tdp-table", detail: "CodeCarbon 3.3.2 cpu_power.csv: '<entry>' <W> W")`.
    public func match(modelName: String) -> CPUTDPMatch? {
        let norm = Self.normalize(modelName)
        guard !norm.isEmpty else { return nil }
        let words = norm.split(separator: " ").map(String.init)
        let modelTokens = Set(words)
        let modelNumbers = modelTokens.filter(Self.hasDigit)
        // Both rules need this token among the entry's normalised tokens, hence in its lower-cased name:
        // normalise only the rows that contain it.
        let key = Array((modelNumbers.max { $0.count < $1.count } ?? words.max { $0.count < $1.count }!).utf8)
        let candidates = rows.lazy.filter { Self.contains($0.lowered, key) }.map { row -> Entry in
            let n = Self.normalize(row.name)
            let tokens = n.split(separator: " ").map(String.init)
            return Entry(name: row.name, tdp: row.tdp, normalized: n, tokens: Set(tokens), hasDigitToken: tokens.contains(where: Self.hasDigit))
        }
        let entries = Array(candidates)
        if let exact = entries.first(where: { $0.normalized == norm }) { return result(exact) }
        guard !modelNumbers.isEmpty else { return nil }
        var best: Entry?
        var tie = false
        for e in entries where e.hasDigitToken && e.tokens.isSubset(of: modelTokens) && modelNumbers.isSubset(of: e.tokens) {
            guard let b = best else { best = e; continue }
            let key = (e.tokens.count, e.normalized.count), bestKey = (b.tokens.count, b.normalized.count)
            if key > bestKey {
                best = e
                tie = false
            } else if key == bestKey && e.tdp != b.tdp {
                tie = true
            }
        }
        guard let best, !tie else { return nil }
        return result(best)
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// CodeCarbon's fallback for a CPU not in the table: 4 W per hardware thread (`DEFAULT_POWER_PER_CORE`).
    ///
    /// - Parameter threads: Logical CPUs (hardware threads) of the machine.
    /// - Returns: 4 W × threads, labelled `estimated:per-thread-constant`.
    public static func perThreadFallback(threads: Int) -> Figure<Power> {
        let n = max(threads, 0)
        return Figure(
            Power(watts: 4 * Double(n)),
            Method(.estimated, "per-thread-constant", detail: "4 W per hardware thread × \(n) threads, CPU model not in table"))
    }

    private func result(_ e: Entry) -> CPUTDPMatch {
        let tdp = Power(watts: e.tdp)
        return CPUTDPMatch(
            entry: e.name, tdp: tdp,
            method: Method(.estimated, "cpu-tdp-table", detail: "CodeCarbon 3.3.2 cpu_power.csv: '\(e.name)' \(Format.number(e.tdp)) W"))
    }

    private static func hasDigit(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.properties.numericType != nil }
    }

    /// The normal form both sides of a match are compared in.
    ///
    /// One pass over whitespace-separated tokens, no regular expressions: the whole table (~4,900 names) is
    /// normalised at start-up, which must stay within a few milliseconds.
    static func normalize(_ name: String) -> String {
        let s = stripMarks(name.utf8.contains { $0 >= 0x80 } ? name.lowercased() : asciiLowercased(name))
        let tokens = s.split(whereSeparator: { $0 == " " || $0 == "\t" })
        var out: [Substring] = []
        out.reserveCapacity(tokens.count)
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            // Clock: "@ 2.90GHz", "@2.90GHz".
            if t.hasPrefix("@") {
                i += (t == "@" && i + 1 < tokens.count && isClock(tokens[i + 1])) ? 2 : 1
                continue
            }
            // "13th Gen", "2nd Generation".
            if isOrdinal(t), i + 1 < tokens.count, tokens[i + 1] == "gen" || tokens[i + 1] == "generation" {
                i += 2
                continue
            }
            // "8-Core", "dual-core", "64-Cores".
            if isCoreCount(t) { i += 1; continue }
            // "with Radeon Graphics", "w/ Radeon Pro Graphics", "with Radeon Vega 8 Graphics".
            if t == "with" || t == "w/", i + 1 < tokens.count, tokens[i + 1] == "radeon",
               let g = tokens[(i + 2)...].prefix(3).firstIndex(of: "graphics") {
                i = g + 1
                continue
            }
            if t == "cpu" || t == "processor" { i += 1; continue }
            out.append(t)
            i += 1
        }
        return out.joined(separator: " ")
    }

    private static func asciiLowercased(_ s: String) -> String {
        String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Replaces `(r)`, `(tm)`, `(c)`, `®`, `™`, parentheses and commas with spaces, in one pass over UTF-8.
    private static func stripMarks(_ s: String) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        func at(_ k: Int, _ pattern: [UInt8]) -> Bool {
            k + pattern.count <= b.count && b[k..<(k + pattern.count)].elementsEqual(pattern)
        }
        while i < b.count {
            if at(i, Array("(tm)".utf8)) { out.append(0x20); i += 4; continue }
            if at(i, Array("(r)".utf8)) || at(i, Array("(c)".utf8)) { out.append(0x20); i += 3; continue }
            if at(i, [0xC2, 0xAE]) { out.append(0x20); i += 2; continue }          // ®
            if at(i, [0xE2, 0x84, 0xA2]) { out.append(0x20); i += 3; continue }    // ™
            let c = b[i]
            out.append(c == 0x28 || c == 0x29 || c == 0x2C ? 0x20 : c)              // ( ) ,
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isClock(_ t: Substring) -> Bool {
        (t.hasSuffix("ghz") || t.hasSuffix("mhz")) && t.dropLast(3).allSatisfy { $0.isNumber || $0 == "." }
    }

    private static func isOrdinal(_ t: Substring) -> Bool {
        guard t.count > 2, ["st", "nd", "rd", "th"].contains(String(t.suffix(2))) else { return false }
        return t.dropLast(2).allSatisfy(\.isNumber)
    }

    private static let coreWords: Set<Substring> = ["dual", "quad", "six", "eight", "ten", "twelve", "sixteen"]

    private static func isCoreCount(_ t: Substring) -> Bool {
        guard let dash = t.firstIndex(of: "-") else { return false }
        let head = t[..<dash], tail = t[t.index(after: dash)...]
        guard tail == "core" || tail == "cores" else { return false }
        return coreWords.contains(head) || (!head.isEmpty && head.allSatisfy(\.isNumber))
    }
}

/// A minimal RFC 4180 reader over UTF-8 bytes: quoted fields may hold commas, quotes (doubled) and line breaks.
enum CSVReader {
    static func rows(_ data: Data) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        let bytes = [UInt8](data)
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0   // BOM
        func endField() {
            row.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if inQuotes {
                if c == 0x22 {
                    if i < bytes.count && bytes[i] == 0x22 { field.append(0x22); i += 1 } else { inQuotes = false }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case 0x22 where field.isEmpty: inQuotes = true
            case 0x2C: endField()
            case 0x0D: break
            case 0x0A:
                endField()
                rows.append(row)
                row = []
            default: field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            endField()
            rows.append(row)
        }
        return rows
    }
}
