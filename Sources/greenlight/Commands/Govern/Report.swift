import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightStandards

struct ReportCommand: GreenlightCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write reports in a published standard: BoAmps, the SCI disclosure, EU AI Act Annex XI, an energy label, HTML, CSV.",
        discussion: """
            What a report cannot know (publisher, dataset, licence, why the functional unit, the SCI boundary) comes from \
            a YAML sidecar (--meta, docs/REPORTS.md); where a standard requires a field that neither has, the command \
            refuses and names it. Formats: boamps (BoAmps 0.1 JSON), sci (SCI disclosure, Markdown), sci-json, annex-xi \
            (Markdown; several reports of one model summed), label (SVG, AI Energy Score's stars), html (self-contained, \
            several reports side by side, --timeline power charts, --policy verdicts), csv (CodeCarbon's columns).
            Example: greenlight report run.json --format html --timeline run.timeline.jsonl --policy builtin:sci -o run.html
            """
    )

    @OptionGroup var options: ReportOptions

    func run() throws {
        let outcome = try options.resolve().run()
        if let data = outcome.data { try writeResultBytes(data) }
    }
}

/// `report`'s flags.
struct ReportOptions: ParsableArguments {
    @Argument(help: "The Greenlight reports (JSON).")
    var reports: [String] = []

    @Option(help: "The standard to write.")
    var format: StandardFormat = .html

    @Option(name: .shortAndLong, help: "Write here (atomically) instead of stdout.")
    var output: String?

    @Option(help: ArgumentHelp("A YAML sidecar with what the report cannot know (BoAmps fields, sci.rationale, sci.boundary).", valueName: "file"))
    var meta: String?

    @Option(help: ArgumentHelp("An energy scale file (source:, tasks: {NAME: {min: Wh, max: Wh}}); default: the bundled AI Energy Score scale.", valueName: "file"))
    var scale: String?

    @Option(name: .customLong("scale-task"), help: ArgumentHelp("The scale's task to grade the label on (default: the report's --task).", valueName: "task"))
    var scaleTask: String?

    @Option(help: ArgumentHelp("A timeline (JSON lines from run --timeline) for the HTML power chart; one per report, in order.", valueName: "file"))
    var timeline: [String] = []

    @Option(name: [.short, .customLong("policy")], help: ArgumentHelp("A policy whose verdicts the HTML page shows (repeatable).", valueName: "policy"))
    var policies: [String] = []

    @Option(help: "The HTML page's title.")
    var title: String = "Greenlight report"

    func validate() throws {
        if reports.isEmpty { throw ValidationError("give the report(s), e.g. greenlight report run.json --format html -o run.html") }
    }
}
