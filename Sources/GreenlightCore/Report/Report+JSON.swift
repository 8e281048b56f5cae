import Foundation

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
            throw GreenlightError.invalidInput("not a JSON object: \(error.localizedDescription)")
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
        } catch {
            throw GreenlightError.invalidInput("malformed Greenlight report: \(error)")
        }
    }
}

/// ISO 8601 with fractional seconds, in UTC.
enum ISO8601 {
    static func string(from date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    static func date(from s: String) -> Date? {
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(s) { return d }
        return try? Date.ISO8601FormatStyle().parse(s)
    }
}
