public import Foundation
public import GreenlightCore
public import GreenlightPolicy

/// One self-contained HTML5 page of reports: a summary card per report, inline SVG charts (power over time,
/// energy by component, emissions, reports compared, model sizes), the privacy figures, a policy check's verdicts,
/// and how every figure was obtained.
///
/// The page loads nothing: the style sheet is inline, there is no script, font or image, and its
/// Content-Security-Policy (`default-src 'none'`) forbids fetching anything, so it can be mailed, attached to a CI run
/// or opened offline as it is. Every string from a report, a timeline or a policy is escaped (``HTMLText``), and the
/// same input gives the same bytes: dictionaries are shown in key order and numbers through ``Format``.
///
/// ```swift
/// let page = HTMLReport(entries: [.init(name: "train.json", report: report, timeline: samples)]).render()
/// ```
public struct HTMLReport: Sendable {
    /// One report on the page, with the name it is shown under and, optionally, its timeline.
    public struct Entry: Sendable {
        /// The name the report is shown under (its file name, usually).
        public var name: String
        /// The report.
        public var report: Report
        /// The samples of its `--timeline` file, for the power chart; nil when there is none.
        public var timeline: [TimelineSample]?

        /// An entry.
        ///
        /// - Parameters:
        ///   - name: The name the report is shown under.
        ///   - report: The report.
        ///   - timeline: Its timeline's samples (``TimelineFile/read(_:)``), or nil.
        public init(name: String, report: Report, timeline: [TimelineSample]? = nil) {
            self.name = name
            self.report = report
            self.timeline = timeline
        }
    }

    let entries: [Entry]
    let check: CheckReport?
    let title: String
    let generatedAt: Date

    /// A page of `entries`, in the order given.
    ///
    /// - Parameters:
    ///   - entries: The reports to show.
    ///   - check: A policy check of them (`greenlight check`), shown as a table of verdicts; nil for none.
    ///   - title: The page's title and heading.
    ///   - generatedAt: The time the page states it was made at (fixed by tests for repeatable output).
    public init(entries: [Entry], check: CheckReport? = nil, title: String = "Greenlight report", generatedAt: Date = Date()) {
        self.entries = entries
        self.check = check
        self.title = title
        self.generatedAt = generatedAt
    }

    /// The HTML document, UTF-8 text ending in a newline.
    ///
    /// - Returns: The whole page; each section appears only when the data it shows are present.
    public func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="greenlight \(e(GreenlightVersion.string))">
            <title>\(e(title))</title>
            <style>\(Self.styleSheet)</style>
            </head>
            <body>

            """
        html += header()
        html += "<main>\n"
        html += entries.enumerated().map { summaryCard($0.element, index: $0.offset) }.joined()
        html += chartsSection()
        html += privacySection()
        html += policySection()
        html += "</main>\n"
        html += footer()
        return html + "</body>\n</html>\n"
    }

    // MARK: Text

    /// Escapes text from a report for HTML.
    func e(_ s: String) -> String { HTMLText.escaped(s) }

    /// `2026-05-28T20:26:40Z`: UTC, whole seconds.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// A method as code, with its detail as a tooltip.
    func method(_ m: Method) -> String {
        let tip = m.detail.map { " title=\"\(e($0))\"" } ?? ""
        return "<code class=\"method\"\(tip)>\(e(m.label))</code>"
    }

    /// A definition-list row; `value` is HTML already.
    func row(_ label: String, _ value: String) -> String { "<dt>\(e(label))</dt><dd>\(value)</dd>\n" }

    // MARK: Header and cards

    private func header() -> String {
        var out = "<header>\n<h1>\(e(title))</h1>\n"
        out += "<p class=\"meta\">Generated <time datetime=\"\(Self.timestamp(generatedAt))\">\(Self.timestamp(generatedAt))</time>"
        out += " by greenlight \(e(GreenlightVersion.string)) · \(entries.count) report\(entries.count == 1 ? "" : "s")"
        if let check { out += " · policy check <span class=\"verdict-\(e(check.verdict))\">\(e(Self.verdictWord(check.verdict)))</span>" }
        return out + "</p>\n</header>\n"
    }

    private func summaryCard(_ entry: Entry, index: Int) -> String {
        let r = entry.report
        var out = "<section class=\"card\" id=\"report-\(index + 1)\">\n<h2>\(e(entry.name))</h2>\n<dl>\n"
        out += row("Kind", "\(e(r.kind.rawValue)) · created \(Self.timestamp(r.createdAt)) · \(e(r.tool.name)) \(e(r.tool.version))")
        if let context = r.context, !context.isEmpty {
            var parts: [String] = []
            if let stage = context.stage { parts.append("stage <b>\(e(stage.rawValue))</b>") }
            if let model = context.model { parts.append("model <b>\(e(model))</b>") }
            if let task = context.task { parts.append("task <b>\(e(task))</b>") }
            for key in context.tags.keys.sorted() { parts.append("<span class=\"tag\">\(e(key))=\(e(context.tags[key] ?? ""))</span>") }
            if let flops = context.flops { parts.append("\(Format.number(flops)) FLOP (user)") }
            out += row("Context", parts.joined(separator: " · "))
        }
        if let run = r.run {
            let exit = run.exit.status == .exited ? "exit \(run.exit.code ?? 0)" : "signal \(run.exit.signal ?? 0)"
            out += row("Command", "<code>\(e(run.command.joined(separator: " ")))</code> (\(exit), \(run.samples) samples every \(Format.duration(run.interval)))")
        }
        if let host = r.host {
            let parts = [host.hostname, host.cpuModel, host.logicalCPUs.map { "\($0) CPUs" }].compactMap { $0 }.map(e)
                + host.gpus.map { "GPU \($0.index) \(e($0.name))" }
            if !parts.isEmpty { out += row("Host", parts.joined(separator: " · ")) }
        }
        if let duration = r.run?.duration ?? r.estimate?.duration ?? r.compression?.duration {
            out += row("Duration", Format.duration(duration))
        }
        if let energy = r.energy {
            out += row("Energy", "<b>\(Format.energy(energy.processFacilityEnergy))</b> process tree × PUE"
                + " (\(Format.energy(energy.process.energy)) before PUE, \(Format.number(energy.process.shareOfActive * 100, significant: 3))% of the host's active energy, "
                + "attributed by \(method(energy.process.method))); host \(Format.energy(energy.host.total)), mean \(Format.power(energy.host.meanPower))")
            let components = energy.components.map { "\(e($0.name)) \(Format.energy($0.energy)) by \(method($0.method))" }
            if !components.isEmpty { out += row("Obtained by", components.joined(separator: "; ")) }
            out += row("PUE", "\(Format.number(energy.pue.value)) (\(method(energy.pue.method)))")
        }
        if let carbon = r.carbon {
            var text = "<b>\(Format.carbon(carbon.process))</b> operational (process tree)"
            if let embodied = carbon.embodied {
                text += " + \(Format.carbon(embodied.attributed)) embodied (\(method(embodied.method)))"
            }
            out += row("Emissions", text + "; host \(Format.carbon(carbon.host))")
            out += row("Grid intensity", intensity(carbon.intensity))
        }
        if let sci = r.sci {
            out += row("SCI", "<b>\(Format.carbon(sci.score))</b> per \(e(sci.functionalUnit)) (\(Format.number(sci.units)) units)")
        }
        if let process = r.process {
            out += row("Peak RSS", "\(Format.bytes(Double(process.peakRSSBytes))) (mean \(Format.bytes(Double(process.meanRSSBytes))), "
                + "\(Format.duration(process.cpuTime)) CPU, \(method(process.method)))")
        }
        if let estimate = r.estimate {
            let devices = estimate.hardware.map { "\(e($0.model)) × \($0.count) (TDP \(Format.power($0.tdp.value)), \(method($0.tdp.method)))" }
            out += row("Estimated from", devices.joined(separator: ", ") + " at \(Format.number(estimate.utilization.value * 100, significant: 3))% "
                + "utilisation (\(method(estimate.utilization.method))): \(e(estimate.formula))")
        }
        if let c = r.compression {
            out += row("Compression", "\(e(c.source.path)) (\(e(c.source.format))) → \(e(c.output?.path ?? "dry run")) as \(e(c.targetType)): "
                + "ratio \(Format.number(c.ratio, significant: 3))×, \(Format.number(c.bitsPerWeight, significant: 3)) bits per weight"
                + (c.relativeRMSE.map { ", relative RMSE \(Format.number($0, significant: 3))" } ?? ""))
        }
        out += "</dl>\n"
        if !r.notes.isEmpty {
            out += "<ul class=\"notes\">\n"
            for note in r.notes {
                out += "<li class=\"note-\(note.level.rawValue)\"><b>\(note.level.rawValue)</b> <code>\(e(note.code))</code> \(e(note.text()))</li>\n"
            }
            out += "</ul>\n"
        }
        return out + "</section>\n"
    }

    /// `380 gCO2e/kWh — estimated:owid-ember, Germany, 2024`, as the report states it.
    func intensity(_ i: IntensityFigure) -> String {
        "\(Format.number(i.value.gramsPerKilowattHour)) gCO2e/kWh — \(method(i.method)), \(e(i.location.displayName))"
            + (i.year.map { ", \($0)" } ?? "")
    }

    // MARK: Policy check

    static func verdictWord(_ verdict: String) -> String {
        switch verdict {
        case "pass": "passed"
        case "warn": "passed with warnings"
        default: "failed"
        }
    }

    private func policySection() -> String {
        guard let check else { return "" }
        let c = check.counts
        var out = "<section id=\"policy\">\n<h2>Policy check</h2>\n"
        out += "<p class=\"verdict verdict-\(e(check.verdict))\">Check \(e(Self.verdictWord(check.verdict))): \(c.failures) failing, \(c.warnings) warning, "
            + "\(c.passed) passed, \(c.skipped) skipped, \(c.excepted) excepted</p>\n"
        out += "<p class=\"meta\">Policies: \(check.policies.map { "<code>\(e($0))</code>" }.joined(separator: ", ")) · "
            + "reports: \(check.subjects.map(e).joined(separator: ", "))</p>\n"
        out += "<table class=\"results\">\n<thead><tr><th>Outcome</th><th>Rule</th><th>Policy</th><th>Measured</th><th>Threshold</th>"
            + "<th>Severity</th><th>Reference</th></tr></thead>\n<tbody>\n"
        let manySubjects = Set(check.results.map(\.subject)).count > 1
        for result in check.results {
            let measured = result.measured.map { m in
                "<code>\(e(m.metric))</code> = " + (m.value.map { "<b>\(e($0))</b>" } ?? "<i>missing</i>") + (m.method.map { " (\(e($0)))" } ?? "")
            }
            var rule = "<b>\(e(result.rule))</b>"
            if manySubjects { rule += "<br><span class=\"meta\">\(e(result.subject))</span>" }
            rule += "<br><span class=\"meta\">\(e(result.message))</span>"
            if let exception = result.exception {
                rule += "<br><span class=\"meta\">exception: \(e(exception.reason))\(exception.expired ? " (expired)" : "")</span>"
            }
            out += "<tr class=\"outcome-\(result.outcome.rawValue)\"><td><span class=\"badge\">\(result.outcome.rawValue)</span></td>"
                + "<td>\(rule)</td><td><code class=\"nowrap\">\(e(result.position.source)):\(result.position.line)</code></td>"
                + "<td>\(measured.joined(separator: "<br>"))</td><td><code class=\"words\">\(e(result.assertion))</code></td>"
                + "<td>\(result.severity.rawValue) (\(result.action.rawValue))</td><td>\(e(result.reference ?? ""))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    // MARK: Footer

    private func footer() -> String {
        var uses: [String: (method: Method, figures: [String])] = [:]
        func note(_ m: Method, _ figure: String) {
            let key = m.description
            uses[key, default: (m, [])].figures.append(figure)
        }
        for entry in entries {
            let r = entry.report, prefix = entries.count > 1 ? "\(entry.name): " : ""
            if let energy = r.energy {
                for c in energy.components {
                    note(c.method, prefix + "\(c.name) energy")
                    note(c.idleMethod, prefix + "\(c.name) idle part")
                    note(c.attributionMethod, prefix + "\(c.name) process share")
                }
                note(energy.process.method, prefix + "process-tree energy")
                note(energy.pue.method, prefix + "PUE")
            }
            if let carbon = r.carbon {
                note(carbon.intensity.method, prefix + "grid intensity")
                if let embodied = carbon.embodied { note(embodied.method, prefix + "embodied emissions") }
            }
            if let process = r.process { note(process.method, prefix + "process usage") }
            if let estimate = r.estimate {
                note(estimate.utilization.method, prefix + "utilisation")
                if let mfu = estimate.mfu { note(mfu.method, prefix + "MFU") }
                for device in estimate.hardware { note(device.tdp.method, prefix + "\(device.model) TDP") }
            }
            if let pii = r.privacy?.pii { note(pii.method, prefix + "PII findings") }
            if let k = r.privacy?.kAnonymity { note(k.informationLoss.method, prefix + "information loss") }
        }
        var out = "<footer>\n<h2>How the figures were obtained</h2>\n"
        out += "<p>Every figure says how it was obtained: <code>measured:</code> read from a hardware counter or the kernel, "
            + "<code>estimated:</code> computed from a documented model and bundled data, <code>derived:</code> computed from other figures "
            + "of the same report, <code>user:</code> given by whoever ran the command, <code>default:</code> a documented default nobody overrode.</p>\n"
        if !uses.isEmpty {
            out += "<ul class=\"methods\">\n"
            for key in uses.keys.sorted() {
                guard let use = uses[key] else { continue }
                var seen = Set<String>()
                let figures = use.figures.filter { seen.insert($0).inserted }
                out += "<li><code>\(e(use.method.label))</code>\(use.method.detail.map { " (\(e($0)))" } ?? ""): \(figures.map(e).joined(separator: ", "))</li>\n"
            }
            out += "</ul>\n"
        }
        if entries.contains(where: { !($0.timeline ?? []).isEmpty }) {
            out += "<p>Power over time: each timeline sample's mean power per component over its sampling interval, as the meter measured it.</p>\n"
        }
        out += "<p class=\"meta\">Energy is in joules (J) or watt-hours (Wh, kWh); emissions in grams of CO2-equivalent (gCO2e, kgCO2e); "
            + "sizes in binary units (KiB, MiB, GiB). This page loads nothing and runs no script.</p>\n"
        return out + "</footer>\n"
    }

    // MARK: Style

    static let styleSheet = """

        :root { color-scheme: light; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2937; background: #f3f4f6; }
        header, main, footer { max-width: 1000px; margin: 0 auto; padding: 0 20px; }
        header { padding-top: 20px; }
        h1 { margin: 0 0 4px; font-size: 26px; color: #065f46; }
        h2 { font-size: 19px; margin: 0 0 10px; }
        h3 { font-size: 16px; margin: 16px 0 6px; }
        .meta { color: #4b5563; font-size: 13px; }
        section, footer { background: #ffffff; border: 1px solid #d1d5db; border-radius: 8px; padding: 16px 20px; margin: 16px auto; }
        footer { max-width: 960px; }
        dl { display: grid; grid-template-columns: 140px 1fr; gap: 4px 12px; margin: 0; }
        dt { font-weight: 600; color: #374151; }
        dd { margin: 0; overflow-wrap: anywhere; }
        code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f3f4f6; padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
        .tag { background: #e0f2fe; color: #075985; border-radius: 10px; padding: 0 7px; font-size: 13px; }
        ul.notes { margin: 10px 0 0; padding-left: 20px; font-size: 14px; }
        .note-warning b { color: #b45309; }
        .note-info b { color: #1d4ed8; }
        figure { margin: 0 0 22px; }
        figcaption { font-size: 13px; color: #4b5563; margin-top: 4px; }
        svg.chart { display: block; max-width: 100%; height: auto; border: 1px solid #e5e7eb; }
        table { border-collapse: collapse; min-width: 60%; font-size: 14px; margin-bottom: 10px; }
        table.results { width: 100%; }
        th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid #e5e7eb; }
        th { background: #f9fafb; font-weight: 600; }
        td.num { font-variant-numeric: tabular-nums; }
        .verdict { font-size: 18px; font-weight: 700; padding: 8px 12px; border-radius: 6px; }
        .verdict-pass { background: #dcfce7; color: #166534; }
        .verdict-warn { background: #fef3c7; color: #92400e; }
        .verdict-fail { background: #fee2e2; color: #991b1b; }
        .badge { display: inline-block; min-width: 64px; text-align: center; font-weight: 700; border-radius: 4px; padding: 1px 6px; color: #ffffff; background: #6b7280; }
        tr.outcome-pass .badge { background: #15803d; }
        tr.outcome-fail .badge { background: #b91c1c; }
        tr.outcome-warn .badge { background: #b45309; }
        tr.outcome-error .badge { background: #7e22ce; }
        tr.outcome-excepted .badge { background: #1d4ed8; }
        tr.outcome-fail { background: #fef2f2; }
        tr.outcome-warn { background: #fffbeb; }
        ul.methods { padding-left: 20px; font-size: 14px; }
        code.nowrap { white-space: nowrap; overflow-wrap: normal; }
        code.words { overflow-wrap: break-word; }
        caption { text-align: left; font-weight: 600; padding: 4px 0; }

        """
}
