public import Foundation
public import GreenlightCore

/// Reads the JSON-lines timeline that `greenlight run --timeline` writes (one ``TimelineSample`` a line, as
/// ``TimelineWriter`` writes them).
public enum TimelineFile {
    /// The samples of the timeline file at `path`, in file order.
    ///
    /// - Parameter path: The timeline file.
    /// - Returns: One sample per non-blank line.
    /// - Throws: ``GreenlightError`` (not found or I/O) when the file cannot be read, and as
    ///   ``parse(_:source:)`` does for its contents.
    public static func read(_ path: String) throws -> [TimelineSample] {
        let data = try InputFile.contents(path, what: "the timeline")
        return try parse(data, source: path)
    }

    /// The samples of timeline text: blank lines are skipped, every other line must be one sample.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - source: Names the file in errors (its path).
    /// - Returns: One sample per non-blank line, in order.
    /// - Throws: ``GreenlightError`` (invalid input) naming `source:LINE` and what is wrong with the line: not
    ///   UTF-8, not a JSON object, a field missing or of the wrong type, or a number that is not finite.
    public static func parse(_ data: Data, source: String) throws -> [TimelineSample] {
        let shown = TerminalText.escaped(source)
        let decoder = JSONDecoder()
        var samples: [TimelineSample] = []
        var lineNumber = 0
        // Split on LF ourselves: a line's number is what an editor shows, and one bad line must not hide the rest's.
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            var bytes = Data(line)
            if bytes.last == 0x0D { bytes.removeLast() }
            guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
            func failure(_ why: String) -> GreenlightError {
                .invalidInput("\(shown):\(lineNumber): \(why); each line of a timeline is one JSON object as `greenlight run --timeline` writes it",
                              location: .init(path: source, line: lineNumber))
            }
            guard String(data: bytes, encoding: .utf8) != nil else { throw failure("not UTF-8 text") }
            let sample: TimelineSample
            do {
                sample = try decoder.decode(TimelineSample.self, from: bytes)
            } catch let error as DecodingError {
                throw failure(describe(error))
            } catch {
                throw failure("not a JSON object")
            }
            let numbers = [sample.t, sample.dt, sample.hostCPU, sample.treeCPUSeconds, sample.treeShare]
                + sample.watts.values + sample.joules.values
            guard numbers.allSatisfy(\.isFinite) else { throw failure("a number is not finite") }
            samples.append(sample)
        }
        return samples
    }

    /// A decoding error in words, with the field it is at.
    private static func describe(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            TerminalText.escaped(path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description)
        }
        switch error {
        case .keyNotFound(let key, let c): return "the field \"\(field(c.codingPath + [key]))\" is missing"
        case .typeMismatch(let type, let c): return "the field \"\(field(c.codingPath))\" is not a \(type)"
        case .valueNotFound(let type, let c): return "the field \"\(field(c.codingPath))\" is null, expected a \(type)"
        case .dataCorrupted(let c) where c.codingPath.isEmpty: return "not a JSON object"
        case .dataCorrupted(let c): return "the field \"\(field(c.codingPath))\" is malformed"
        @unknown default: return "not a timeline sample"
        }
    }
}
