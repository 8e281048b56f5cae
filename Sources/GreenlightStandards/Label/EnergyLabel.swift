public import Foundation
public import GreenlightCore

/// An energy label in AI Energy Score's fields: model, task, hardware, date, GPU energy per 1,000 queries (Wh)
/// and 1–5 stars from the scale's five equal-width bands.
public struct EnergyLabel: Sendable, Hashable {
    /// The model.
    public var model: String
    /// The scale's task it was graded on.
    public var task: String
    /// The hardware the report ran on.
    public var hardware: String
    /// When the report was made.
    public var date: Date
    /// Energy per 1,000 queries, Wh.
    public var whPer1000Queries: Double
    /// 1…5.
    public var stars: Int
    /// Which energy was counted and how it was obtained.
    public var basis: String
    /// How many queries the report served, and where that came from.
    public var queries: Double
    /// The scale graded against.
    public var scale: EnergyScale
    /// The task's range on that scale.
    public var range: EnergyScale.Range

    /// Functional units that count queries, for reports made with `--unit query --units N`.
    static let queryUnits: Set<String> = ["query", "queries", "request", "requests", "inference", "inferences", "prompt", "prompts"]

    /// The label of `report` on `scale`.
    ///
    /// - Parameters:
    ///   - task: The scale's task to grade on; nil for the report's (`--task`). Text generation has size classes
    ///     on the bundled scale (`text_generation_a` … `_c`), which must be named.
    /// - Throws: ``GreenlightError`` (invalid input) naming what is missing: the model (`model`), the task or a task the
    ///   scale lacks (`scaleTask`), the number of queries (`meta`), or energy.
    public static func make(_ report: Report, metadata: ReportMetadata = ReportMetadata(), scale: EnergyScale = .bundled,
                            task: String? = nil) throws -> EnergyLabel {
        guard let model = report.context?.model ?? metadata.algorithms?.first?.foundationModelName else {
            throw GreenlightError.invalidInput("an energy label names the model: record it with --model", parameter: .init("model"))
        }
        let choices = scale.tasks.keys.sorted().joined(separator: ", ")
        guard let asked = task ?? report.context?.task ?? metadata.task?.taskFamily else {
            throw GreenlightError.invalidInput("an energy label is graded per task: give --scale-task (one of \(choices))",
                                               parameter: .init("scaleTask"))
        }
        guard let graded = scale.task(named: asked), let range = scale.tasks[graded] else {
            let classes = scale.tasks.keys.filter { $0.hasPrefix(EnergyScale.normalized(asked) + "_") }.sorted()
            let hint = classes.isEmpty ? "one of \(choices)" : "its size class: \(classes.joined(separator: ", "))"
            throw GreenlightError.invalidInput(
                "the scale (\(TerminalText.escaped(scale.source))) has no task \(TerminalText.escaped(asked)): give --scale-task, \(hint)",
                parameter: .init("scaleTask"))
        }
        let queries: Double
        if let n = metadata.task?.nbRequest, n > 0 {
            queries = n
        } else if let sci = report.sci, queryUnits.contains(sci.functionalUnit.lowercased()), sci.units > 0 {
            queries = sci.units
        } else {
            throw GreenlightError.invalidInput(
                "an energy label is per 1,000 queries: say how many the run served (--unit query --units N, or task: {nbRequest: N} in the metadata)",
                parameter: .init("meta"))
        }
        guard let energy = report.energy, !energy.components.isEmpty else {
            throw GreenlightError.invalidInput("an energy label needs energy: this \(report.kind.rawValue) report has none")
        }
        let gpus = energy.components.filter { $0.kind == .gpu }
        let counted = gpus.isEmpty ? energy.components : gpus
        let joules = gpus.isEmpty ? counted.map(\.processEnergy.joules).reduce(0, +) : counted.map(\.energy.joules).reduce(0, +)
        let methods = Set(counted.map(\.method.label)).sorted().joined(separator: ", ")
        let basis = gpus.isEmpty
            ? "no GPU in the report: the process tree's energy of every component (\(methods)), not comparable with a GPU-only scale"
            : "GPU energy of the whole device\(gpus.count == 1 ? "" : "s"), as AI Energy Score counts it (\(methods))"
        let wh = joules / 3600 / queries * 1000
        let stars = scale.stars(task: graded, whPer1000: wh) ?? 1
        let hardware = report.host?.gpus.map(\.name).first ?? report.estimate?.hardware.first?.model ?? report.host?.cpuModel ?? "unknown"
        return EnergyLabel(model: model, task: graded, hardware: hardware, date: report.createdAt, whPer1000Queries: wh, stars: stars,
                           basis: basis, queries: queries, scale: scale, range: range)
    }

    /// The label as a 260 × 364 SVG; every string is escaped.
    public func svg() -> String {
        let e = HTMLText.escaped
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        let colours = ["#d7191c", "#fdae61", "#ffd92f", "#a6d96a", "#1a9641"]
        var starShapes = ""
        for i in 0..<5 {
            let cx = 42 + Double(i) * 44
            let points = (0..<10).map { k -> String in
                let r = k % 2 == 0 ? 18.0 : 7.5
                let a = Double(k) * .pi / 5 - .pi / 2
                return "\(DocumentText.significant(cx + r * cos(a), 4)),\(DocumentText.significant(150 + r * sin(a), 4))"
            }.joined(separator: " ")
            let fill = i < stars ? colours[stars - 1] : "#e6e6e6"
            starShapes += "<polygon class=\"star\(i < stars ? " on" : "")\" points=\"\(points)\" fill=\"\(fill)\"/>\n"
        }
        let figure = DocumentText.significant(whPer1000Queries, 3)
        let band = "\(DocumentText.significant(range.min, 4))–\(DocumentText.significant(range.max, 4)) Wh"
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="260" height="364" viewBox="0 0 260 364" font-family="sans-serif" role="img" aria-label="Energy label: \(stars) of 5 stars">
            <title>Energy label: \(e(model)), \(e(task)), \(stars) of 5 stars</title>
            <rect x="1" y="1" width="258" height="362" rx="10" fill="#ffffff" stroke="#333333" stroke-width="2"/>
            <text x="130" y="30" text-anchor="middle" font-size="16" font-weight="bold">AI energy label</text>
            <text x="130" y="58" text-anchor="middle" font-size="14" class="model">\(e(Self.clipped(model, 30)))</text>
            <text x="130" y="80" text-anchor="middle" font-size="12" fill="#555555">task: \(e(task))</text>
            <text x="130" y="112" text-anchor="middle" font-size="13">\(stars) of 5 stars</text>
            \(starShapes)<text x="130" y="206" text-anchor="middle" font-size="24" font-weight="bold" class="figure">\(figure) Wh</text>
            <text x="130" y="226" text-anchor="middle" font-size="12">per 1,000 queries (\(DocumentText.significant(queries, 3)) served)</text>
            <text x="130" y="256" text-anchor="middle" font-size="11">hardware: \(e(Self.clipped(hardware, 34)))</text>
            <text x="130" y="274" text-anchor="middle" font-size="11">date: \(f.string(from: date))</text>
            <text x="130" y="304" text-anchor="middle" font-size="9" fill="#555555">scale: \(e(Self.clipped(scale.source, 52)))</text>
            <text x="130" y="318" text-anchor="middle" font-size="9" fill="#555555">\(e(task)) \(band)\(scale.hardware.map { ", " + e($0) } ?? "")</text>
            <text x="130" y="338" text-anchor="middle" font-size="8" fill="#555555">\(e(Self.clipped(basis, 64)))</text>
            <text x="130" y="352" text-anchor="middle" font-size="8" fill="#555555">five equal-width bands; 5 stars: the lowest fifth</text>
            </svg>

            """
    }

    static func clipped(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }
}
