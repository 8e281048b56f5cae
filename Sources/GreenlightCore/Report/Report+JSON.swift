public import Foundation

extension Report {
    /// The encoder every Greenlight JSON document uses: sorted keys, ISO 8601 dates, pretty-printed.
    public static func makeEncoder(pretty: Bool = true) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(ISO8601.string(from: date))
        }
        e.nonConformingFloatEncodingStrategy = .throw
        return e
    }

    /// The matching decoder.
    public static func makeDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            guard let date = ISO8601.date(from: s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an ISO 8601 date: \(s)")
            }
            return date
        }
        return d
    }

    /// The report as JSON.
    public func jsonData(pretty: Bool = true) throws -> Data {
        var data = try Self.makeEncoder(pretty: pretty).encode(self)
        if pretty { data.append(0x0A) }
        return data
    }

    /// Reads a report, checking the schema name and major version.
    ///
    /// - Throws: ``GreenlightError`` when the data are not a Greenlight report or have an unsupported major version.
    public static func decode(from data: Data) throws -> Report {
        struct Header: Decodable { var schema: String?; var schemaVersion: String? }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw GreenlightError.invalidInput("not a JSON object: \(syntaxProblem(in: data) ?? error.localizedDescription)",
                                               location: syntaxLocation(in: data))
        }
        guard header.schema == schemaName else {
            throw GreenlightError.invalidInput("not a Greenlight report (\"schema\" is \(header.schema.map { "\"\($0)\"" } ?? "missing"), expected \"\(schemaName)\")")
        }
        let major = header.schemaVersion?.split(separator: ".").first
        guard major == currentSchemaVersion.split(separator: ".").first else {
            throw GreenlightError.invalidInput("unsupported report schemaVersion \(header.schemaVersion ?? "missing"); this build reads \(currentSchemaVersion.split(separator: ".")[0]).x")
        }
        do {
            return try makeDecoder().decode(Report.self, from: data)
        } catch let error as DecodingError {
            throw GreenlightError.invalidInput("malformed Greenlight report: \(describe(error))", location: location(of: error))
        } catch {
            throw GreenlightError.invalidInput("malformed Greenlight report: \(error)")
        }
    }

    /// The field a decoding error is at, as a dotted path (`energy.components[2].joules`).
    private static func location(of error: DecodingError) -> GreenlightError.Location? {
        let path: [any CodingKey]
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
        case .keyNotFound(let key, let c): path = c.codingPath + [key]
        @unknown default: return nil
        }
        guard !path.isEmpty else { return nil }
        let field = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }
        return GreenlightError.Location(field: String(field))
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let c): "expected \(type): \(c.debugDescription)"
        case .valueNotFound(let type, let c): "a \(type) is missing: \(c.debugDescription)"
        case .keyNotFound(let key, _): "the key \"\(key.stringValue)\" is missing"
        case .dataCorrupted(let c): c.debugDescription
        @unknown default: "\(error)"
        }
    }

    /// The JSON syntax error's words, from the system parser.
    private static func syntaxProblem(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            return (error as NSError).userInfo["NSDebugDescription"] as? String
        }
    }

    /// The line and column of a JSON syntax error, from the character offset the system parser gives.
    static func syntaxLocation(in data: Data) -> GreenlightError.Location? {
        guard let problem = syntaxProblem(in: data), let range = problem.range(of: "character ") else { return nil }
        let digits = problem[range.upperBound...].prefix { $0.isNumber }
        guard let offset = Int(digits) else { return nil }
        var line = 1, column = 1
        for byte in data.prefix(offset) {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return GreenlightError.Location(line: line, column: column)
    }
}

/// ISO 8601 with millisecond precision, in UTC (`2026-11-22T20:31:05.123Z`).
///
/// Formatted from whole milliseconds so that decode → encode gives the same text (a formatter that
/// truncates the binary fraction would turn .418 into .417).
enum ISO8601 {
    static func string(from date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var secs = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        let frac = Int(ms - Int64(secs) * 1000)
        var t = tm()
        gmtime_r(&secs, &t)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday), Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec), frac)
    }

    static func date(from s: String) -> Date? {
        let parsed = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(s))
            ?? (try? Date.ISO8601FormatStyle().parse(s))
        // Snap to whole milliseconds, the precision the writer uses.
        return parsed.map { Date(timeIntervalSince1970: ($0.timeIntervalSince1970 * 1000).rounded() / 1000) }
    }
}
