import Foundation
import GreenlightCore

extension HTMLReport {
    /// The charts that have data, each in a `<figure>` with a caption saying what it shows and how it was obtained.
    func chartsSection() -> String {
        let figures = [powerChart(), energyChart(), emissionsChart(), compareChart(), compressionChart()].compactMap { $0 }
        guard !figures.isEmpty else { return "" }
        return "<section id=\"charts\">\n<h2>Charts</h2>\n" + figures.joined() + "</section>\n"
    }

    private func figure(_ svg: String, _ caption: String) -> String {
        "<figure>\n\(svg)\n<figcaption>\(caption)</figcaption>\n</figure>\n"
    }

    /// Series names prefixed with the entry's name when more than one entry contributes.
    private func label(_ entry: Entry, _ name: String, many: Bool) -> String { many ? "\(entry.name) · \(name)" : name }

    // MARK: Power over time

    /// `chart-power`: one line per component of every timeline, from the samples' `watts`.
    private func powerChart() -> String? {
        let timed = entries.filter { !($0.timeline ?? []).isEmpty }
        var lines: [SVGChart.Line] = []
        for entry in timed {
            let samples = entry.timeline ?? []
            let names = Set(samples.flatMap(\.watts.keys)).sorted()
            for name in names {
                // A sample without the component (or with a non-finite value) breaks the line there.
                var segments: [[(x: Double, y: Double)]] = [], current: [(x: Double, y: Double)] = []
                for sample in samples {
                    if let w = sample.watts[name], w.isFinite, sample.t.isFinite {
                        current.append((sample.t, w))
                    } else if !current.isEmpty {
                        segments.append(current)
                        current = []
                    }
                }
                if !current.isEmpty { segments.append(current) }
                let index = lines.count
                lines.append(SVGChart.Line(name: label(entry, name, many: timed.count > 1), color: SVGChart.color(index),
                                           dashed: index >= SVGChart.palette.count, segments: segments))
            }
        }
        guard lines.contains(where: { !$0.segments.isEmpty }) else { return nil }
        // Enough points for a 760-unit-wide chart; thinning keeps each bucket's extremes, so peaks stay.
        let limit = Swift.max(200, 2400 / lines.count)
        for i in lines.indices { lines[i].segments = lines[i].segments.map { SVGChart.thinned($0, limit: limit) } }
        let svg = SVGChart.lineChart(id: "chart-power", title: "Power over time by component", lines: lines,
                                     xTitle: "time since start", xUnit: .seconds, yTitle: "power", yUnit: SVGChart.Unit.power)
        let count = timed.reduce(0) { $0 + ($1.timeline?.count ?? 0) }
        return figure(svg, "Power over time: mean power of each component over each sampling interval, from \(count) timeline samples "
            + "(\(timed.map { e($0.name) }.joined(separator: ", "))).")
    }

    // MARK: Energy by component

    /// `chart-energy`: each component's energy and the process tree's share of it, then the tree's total × PUE.
    private func energyChart() -> String? {
        let measured = entries.filter { !($0.report.energy?.components ?? []).isEmpty }
        guard !measured.isEmpty else { return nil }
        let many = measured.count > 1
        var groups: [SVGChart.BarGroup] = []
        for entry in measured {
            guard let energy = entry.report.energy else { continue }
            for c in energy.components {
                groups.append(SVGChart.BarGroup(label: label(entry, c.name, many: many), detail: c.method.label, bars: [
                    SVGChart.Bar(value: c.energy.joules, text: Format.energy(c.energy), color: SVGChart.color(0)),
                    SVGChart.Bar(value: c.processEnergy.joules, text: Format.energy(c.processEnergy) + " process tree", color: SVGChart.color(1)),
                ]))
            }
            groups.append(SVGChart.BarGroup(
                label: label(entry, "process tree × PUE \(Format.number(energy.pue.value))", many: many),
                detail: "\(energy.process.method.label) × \(energy.pue.method.label)",
                bars: [SVGChart.Bar(value: energy.processFacilityEnergy.joules, text: Format.energy(energy.processFacilityEnergy),
                                    color: SVGChart.color(2))]))
        }
        let svg = SVGChart.barChart(id: "chart-energy", title: "Energy by component", groups: groups, unit: SVGChart.Unit.energy,
                                    axisTitle: "energy", legend: [("component (host)", SVGChart.color(0)),
                                                                  ("process tree's share", SVGChart.color(1)),
                                                                  ("process tree × PUE", SVGChart.color(2))])
        return figure(svg, "Energy by component over the run; under each name, how its energy was obtained.")
    }

    // MARK: Emissions

    /// `chart-emissions`: each report's operational emissions and, where it has them, its embodied share.
    private func emissionsChart() -> String? {
        let withCarbon = entries.filter { $0.report.carbon != nil }
        guard !withCarbon.isEmpty else { return nil }
        let embodiedAny = withCarbon.contains { $0.report.carbon?.embodied != nil }
        let groups = withCarbon.compactMap { entry -> SVGChart.BarGroup? in
            guard let carbon = entry.report.carbon else { return nil }
            var bars = [SVGChart.Bar(value: carbon.process.grams, text: Format.carbon(carbon.process) + " operational", color: SVGChart.color(0))]
            if let embodied = carbon.embodied {
                bars.append(SVGChart.Bar(value: embodied.attributed.grams, text: Format.carbon(embodied.attributed) + " embodied", color: SVGChart.color(3)))
            }
            let i = carbon.intensity
            return SVGChart.BarGroup(label: entry.name, detail: "\(Format.number(i.value.gramsPerKilowattHour)) g/kWh \(i.method.label)", bars: bars)
        }
        var legend = [("operational", SVGChart.color(0))]
        if embodiedAny { legend.append(("embodied (attributed)", SVGChart.color(3))) }
        let svg = SVGChart.barChart(id: "chart-emissions", title: "Emissions per report", groups: groups, unit: SVGChart.Unit.carbon,
                                    axisTitle: "emissions", legend: legend)
        let sources = withCarbon.compactMap { entry in entry.report.carbon.map { "\(e(entry.name)): \(intensity($0.intensity))" } }
        return figure(svg, "Emissions: operational is the process tree's energy × PUE × grid intensity, embodied the hardware's share. Intensity used — " + sources.joined(separator: "; ") + ".")
    }

    // MARK: Reports compared

    /// `chart-compare`: with more than one report with energy or emissions, those side by side.
    private func compareChart() -> String? {
        let compared = entries.filter { $0.report.energy != nil || $0.report.carbon != nil }
        guard compared.count > 1 else { return nil }
        let energy = compared.map { $0.report.energy?.processFacilityEnergy }
        let carbon = compared.map { entry in entry.report.carbon.map { $0.process + ($0.embodied?.attributed ?? CarbonMass(grams: 0)) } }
        let panels = [
            SVGChart.Panel(title: "energy, process tree × PUE", unit: SVGChart.Unit.energy, values: energy.map { $0?.joules },
                           texts: energy.map { $0.map(Format.energy) ?? "" }),
            SVGChart.Panel(title: "emissions", unit: SVGChart.Unit.carbon, values: carbon.map { $0?.grams },
                           texts: carbon.map { $0.map(Format.carbon) ?? "" }),
        ]
        let svg = SVGChart.columnPanels(id: "chart-compare", title: "Reports compared", panels: panels, series: compared.map(\.name))
        return figure(svg, "Reports side by side: process-tree energy with PUE, and emissions (operational plus embodied); n/a where a report has none.")
    }

    // MARK: Compression

    /// `chart-compression`: each compression's original and compressed sizes, with ratio, bits per weight and error.
    private func compressionChart() -> String? {
        let compressed = entries.filter { $0.report.compression != nil }
        guard !compressed.isEmpty else { return nil }
        var captions: [String] = []
        let groups = compressed.compactMap { entry -> SVGChart.BarGroup? in
            guard let c = entry.report.compression else { return nil }
            let figures = "\(Format.number(c.ratio, significant: 3))× · \(Format.number(c.bitsPerWeight, significant: 3)) bpw"
                + (c.relativeRMSE.map { " · RMSE \(Format.number($0, significant: 3))" } ?? "")
            captions.append("\(e(entry.name)): \(e(c.targetType)), ratio S1/S2 \(Format.number(c.ratio, significant: 3))×, "
                + "\(Format.number(c.bitsPerWeight, significant: 3)) bits per weight"
                + (c.relativeRMSE.map { ", relative RMSE \(Format.number($0, significant: 3))" } ?? "")
                + (c.dryRun ? " (dry run: the sizes the output would have)" : ""))
            return SVGChart.BarGroup(label: entry.name, detail: "\(c.targetType): \(figures)", bars: [
                SVGChart.Bar(value: Double(c.sourceBytes), text: Format.bytes(Double(c.sourceBytes)) + " original", color: SVGChart.color(6)),
                SVGChart.Bar(value: Double(c.outputBytes), text: Format.bytes(Double(c.outputBytes)) + " compressed", color: SVGChart.color(2)),
            ])
        }
        let svg = SVGChart.barChart(id: "chart-compression", title: "Model size before and after compression", groups: groups,
                                    unit: SVGChart.Unit.bytes, axisTitle: "size",
                                    legend: [("original (S1)", SVGChart.color(6)), ("compressed (S2)", SVGChart.color(2))])
        return figure(svg, "Compression: " + captions.joined(separator: "; ") + ".")
    }
}
