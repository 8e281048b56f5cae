import Foundation

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

    private let entries: [Entry]
    private let byNormalizedName: [String: Int]

    /// Number of models in the table.
    public var count: Int { entries.count }

    /// Reads a table in `cpu_power.csv` layout: a `Name,TDP` header, then one model per line (RFC 4180 quoting).
    ///
    /// Rows whose TDP is not a positive number are skipped (CodeCarbon 3.3.2 has five: four like `27.29.5`, one `0.0`).
    ///
    /// - Throws: ``GreenlightError`` when the `Name,TDP` header is missing.
    public init(csvData: Data) throws {
        let text = String(decoding: csvData, as: UTF8.self)
        var rows = CSVReader.rows(text)
        guard let header = rows.first, header.count >= 2,
              header[0].trimmingCharacters(in: .whitespaces).lowercased().hasSuffix("name"),
              header[1].trimmingCharacters(in: .whitespaces).lowercased() == "tdp" else {
            throw GreenlightError.invalidInput("CPU power table: expected a 'Name,TDP' header")
        }
        rows.removeFirst()
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        for row in rows where row.count >= 2 && !row[0].isEmpty {
            // CodeCarbon 3.3.2 has four old Celerons with two values run together ('27.29.5') and a 0 W Quark: skipped.
            guard let tdp = Double(row[1].trimmingCharacters(in: .whitespaces)), tdp.isFinite, tdp > 0 else { continue }
            let norm = Self.normalize(row[0])
            let tokens = norm.split(separator: " ").map(String.init)
            if index[norm] == nil { index[norm] = entries.count }
            entries.append(Entry(name: row[0], tdp: tdp, normalized: norm, tokens: Set(tokens),
                                 hasDigitToken: tokens.contains(where: Self.hasDigit)))
        }
        self.entries = entries
        self.byNormalizedName = index
    }

    /// The table entry for a CPU model name, or `nil` when the name does not identify a model in the table.
    ///
    /// - Parameter modelName: The name as the OS reports it, e.g. `Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz`.
    /// - Returns: The entry, its TDP, and `Method(.estimated, "cpu-tdp-table", detail: "CodeCarbon 3.3.2 cpu_power.csv: '<entry>' <W> W")`.
    public func match(modelName: String) -> CPUTDPMatch? {
        let norm = Self.normalize(modelName)
        guard !norm.isEmpty else { return nil }
        if let i = byNormalizedName[norm] { return result(entries[i]) }

        let words = norm.split(separator: " ").map(String.init)
        let modelTokens = Set(words)
        let modelNumbers = modelTokens.filter(Self.hasDigit)
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
    static func normalize(_ name: String) -> String {
        var s = name.lowercased()
        for mark in ["(r)", "(tm)", "(c)", "®", "™"] {
            s = s.replacingOccurrences(of: mark, with: " ")
        }
        let patterns = [
            #"@\s*[0-9.]+\s*[gm]hz"#,                       // clock
            #"\b[0-9]+(st|nd|rd|th)\s+gen(eration)?\b"#,     // "13th Gen"
            #"\b([0-9]+|dual|quad|six|eight|ten|twelve|sixteen)-cores?\b"#,
            #"\bw(ith|/)\s+radeon(\s+(pro|vega))?(\s+[0-9]+)?\s+graphics\b"#,
            #"\b(cpu|processor)\b"#,
        ]
        for p in patterns {
            s = s.replacingOccurrences(of: p, with: " ", options: .regularExpression)
        }
        s = s.replacingOccurrences(of: #"[(),]"#, with: " ", options: .regularExpression)
        return s.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}

/// A minimal RFC 4180 reader: quoted fields may hold commas, quotes (doubled) and line breaks.
enum CSVReader {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = n }
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                inQuotes = true
            case ",":
                row.append(field)
                field = ""
            case "\r":
                break
            case "\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            case "\u{FEFF}" where rows.isEmpty && row.isEmpty && field.isEmpty:
                break
            default:
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
