import Foundation
import GreenlightCore
import Yams

/// The ranges an energy label grades against: per task, the lowest and highest energy per 1,000 queries over
/// the models a leaderboard measured. Stars are five equal-width bands between them, as AI Energy Score grades.
///
/// Only a scale with a cited source is used: the bundled one (``bundled``, AI Energy Score, February 2025) or
/// one read from a file (`--scale`) that says where its figures come from.
public struct EnergyScale: Sendable, Hashable {
    /// One task's range.
    public struct Range: Sendable, Hashable, Decodable {
        /// Lowest energy per 1,000 queries on the leaderboard, Wh.
        public var min: Double
        /// Highest, Wh.
        public var max: Double
        /// How many models it spans, where known.
        public var models: Int?
    }

    /// Where the figures come from (required).
    public var source: String
    /// The hardware they were measured on.
    public var hardware: String?
    /// When the models were scored.
    public var scored: String?
    /// The ranges, by task.
    public var tasks: [String: Range]

    /// The scale shipped with Greenlight: AI Energy Score, February 2025, NVIDIA H100 80GB, GPU energy.
    public static let bundled: EnergyScale = {
        guard let url = Bundle.module.url(forResource: "energy-score-scales", withExtension: "yaml", subdirectory: "Resources"),
              let text = try? String(contentsOf: url, encoding: .utf8), let scale = try? parse(text, source: "energy-score-scales.yaml")
        else { fatalError("Greenlight's bundled Resources/energy-score-scales.yaml could not be loaded (a packaging bug)") }
        return scale
    }()

    /// Reads a scale file.
    ///
    /// - Throws: ``GreenlightError``: not found, or invalid input naming the file and what is wrong.
    public static func load(_ path: String) throws -> EnergyScale {
        let data = try InputFile.contents(path, what: "the energy scale")
        guard let text = String(data: data, encoding: .utf8) else {
            throw GreenlightError.invalidInput("\(TerminalText.escaped(path)): not UTF-8 text", location: .init(path: path))
        }
        return try parse(text, source: path)
    }

    private struct File: Decodable {
        var source: String?
        var hardware: String?
        var scored: String?
        var tasks: [String: Range]?
    }

    /// Parses scale YAML: `source:` (required), `hardware:`, `scored:`, and `tasks: {NAME: {min: Wh, max: Wh}}`.
    public static func parse(_ yaml: String, source path: String) throws -> EnergyScale {
        let shown = TerminalText.escaped(path)
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: yaml)
        } catch {
            throw GreenlightError.invalidInput("\(shown): not an energy scale (source:, tasks: {NAME: {min: Wh, max: Wh}}): \(error)",
                                               location: .init(path: path))
        }
        guard let source = file.source?.trimmingCharacters(in: .whitespaces), !source.isEmpty else {
            throw GreenlightError.invalidInput("\(shown): a scale must say where its figures come from (source: …)",
                                               location: .init(path: path, field: "source"))
        }
        guard let tasks = file.tasks, !tasks.isEmpty else {
            throw GreenlightError.invalidInput("\(shown): the scale has no tasks (tasks: {NAME: {min: Wh, max: Wh}})",
                                               location: .init(path: path, field: "tasks"))
        }
        for (name, r) in tasks where !(r.min.isFinite && r.max.isFinite && r.min >= 0 && r.max > r.min) {
            throw GreenlightError.invalidInput("\(shown): tasks.\(TerminalText.escaped(name)): needs 0 ≤ min < max (got \(r.min)…\(r.max))",
                                               location: .init(path: path, field: "tasks.\(name)"))
        }
        return EnergyScale(source: source, hardware: file.hardware, scored: file.scored, tasks: tasks)
    }

    /// The scale's task for a task name as reports write it (`text-generation`, `Text Classification`), or nil.
    public func task(named name: String) -> String? {
        let key = Self.normalized(name)
        if tasks[key] != nil { return key }
        return tasks.keys.first { Self.normalized($0) == key }
    }

    static func normalized(_ name: String) -> String {
        name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }.reduce(into: "") { $0.append($1) }
    }

    /// 1–5 stars for `whPer1000` on `task`'s range: five equal-width bands, 5 stars for the lowest; below the range
    /// is 5 and above it 1.
    public func stars(task: String, whPer1000 x: Double) -> Int? {
        guard let r = tasks[task] else { return nil }
        let band = Int(floor(5 * (x - r.min) / (r.max - r.min)))
        return Swift.max(1, Swift.min(5, 5 - Swift.min(4, Swift.max(0, band))))
    }
}
