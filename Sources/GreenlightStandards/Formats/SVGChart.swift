import Foundation
import GreenlightCore

/// The inline SVG charts of ``HTMLReport``: a line chart (power over time), horizontal bars (energy by component,
/// emissions, model sizes) and column panels (reports compared).
///
/// Every chart is a real `<svg viewBox=…>` of `<rect>`, `<path>`, `<circle>`, `<line>` and `<text>`, with its colours
/// as attributes (it still draws if the style sheet is lost) and its data marks in class `mark`. Nothing from a report
/// reaches an attribute as a number unchecked: ``number(_:)`` turns NaN and infinities into 0 and clamps the rest, and
/// every scale divides by a positive, finite span, so a zero, NaN or enormous figure draws an empty or full bar, never a
/// broken document.
enum SVGChart {
    /// Okabe and Ito's colour-blind-safe palette (yellow left out: too pale on white), then a dark grey.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F3C8D", "#444444"]

    /// The colour of series `index`; after the palette's length, colours repeat (and lines become dashed).
    static func color(_ index: Int) -> String { palette[((index % palette.count) + palette.count) % palette.count] }

    /// The chart's width in SVG units; the style sheet scales it to the page.
    static let width = 760.0

    // MARK: Numbers

    /// `x` for an SVG attribute: finite, within ±100,000, at most two decimals, never in exponent notation.
    static func number(_ x: Double) -> String {
        let clamped = x.isFinite ? min(max(x, -100_000), 100_000) : 0
        var text = String(format: "%.2f", clamped)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// `value / max` within 0…1: 0 for a value that is not positive or not finite, or a scale that is not.
    static func fraction(_ value: Double, of max: Double) -> Double {
        guard value.isFinite, max.isFinite, max > 0, value > 0 else { return 0 }
        return Swift.min(value / max, 1)
    }

    /// A display unit for an axis: values are divided by `factor` and shown with `symbol`.
    struct Unit: Sendable, Hashable {
        var symbol: String
        var factor: Double

        /// J, Wh, kWh or MWh, as ``Format/energy(_:)`` chooses for `joules`.
        static func energy(_ joules: Double) -> Unit {
            let j = joules.isFinite ? abs(joules) : 0
            if j < 3600 { return Unit(symbol: "J", factor: 1) }
            if j < 3.6e6 { return Unit(symbol: "Wh", factor: 3600) }
            if j < 3.6e9 { return Unit(symbol: "kWh", factor: 3.6e6) }
            return Unit(symbol: "MWh", factor: 3.6e9)
        }

        /// mW, W or kW, as ``Format/power(_:)`` chooses for `watts`.
        static func power(_ watts: Double) -> Unit {
            let w = watts.isFinite ? abs(watts) : 0
            if w > 0 && w < 1 { return Unit(symbol: "mW", factor: 1e-3) }
            if w < 10_000 { return Unit(symbol: "W", factor: 1) }
            return Unit(symbol: "kW", factor: 1e3)
        }

        /// mg, g, kg or t CO2e, as ``Format/carbon(_:)`` chooses for `grams`.
        static func carbon(_ grams: Double) -> Unit {
            let g = grams.isFinite ? abs(grams) : 0
            if g > 0 && g < 1 { return Unit(symbol: "mgCO2e", factor: 1e-3) }
            if g < 1000 { return Unit(symbol: "gCO2e", factor: 1) }
            if g < 1e6 { return Unit(symbol: "kgCO2e", factor: 1e3) }
            return Unit(symbol: "tCO2e", factor: 1e6)
        }

        /// B, KiB, MiB, GiB or TiB, as ``Format/bytes(_:)`` chooses for `bytes`.
        static func bytes(_ bytes: Double) -> Unit {
            let symbols = ["B", "KiB", "MiB", "GiB", "TiB"]
            var factor = 1.0, i = 0
            let b = bytes.isFinite ? abs(bytes) : 0
            while b / factor >= 1024 && i < symbols.count - 1 { factor *= 1024; i += 1 }
            return Unit(symbol: symbols[i], factor: factor)
        }

        /// Seconds, as the timeline stores them.
        static let seconds = Unit(symbol: "s", factor: 1)
    }

    /// Round tick values from 0 up to at least `max` (in display units): steps of 1, 2, 2.5 or 5 × 10ⁿ, about five of
    /// them; `[0, 1]`'s ticks for a maximum that is not positive and finite.
    static func ticks(upTo max: Double) -> [Double] {
        let top = max.isFinite && max > 0 ? max : 1
        let raw = top / 5
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let normalized = raw / magnitude
        let step = (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 2.5 ? 2.5 : normalized <= 5 ? 5 : 10) * magnitude
        let count = (top / step).rounded(.up)
        // Beyond what a Double holds (a hand-edited 1e308): the maximum alone, as its own scale.
        guard step.isFinite, step > 0, count.isFinite, count >= 1, count <= 12, (count * step).isFinite else { return [0, top] }
        return (0...Int(count)).map { Double($0) * step }
    }

    /// A tick's label: a plain number of about four significant digits.
    static func tickLabel(_ value: Double) -> String { Format.number(value, significant: 4) }

    /// `text` cut to `limit` characters with an ellipsis, for a label in a fixed space (the whole name is in its tooltip).
    static func truncated(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(Swift.max(limit - 1, 1))) + "…"
    }

    // MARK: Frame

    /// The opening of a chart: the `<svg>` element, its accessible title and a white background.
    static func open(id: String, title: String, height: Double) -> String {
        let e = HTMLText.escaped
        return "<svg id=\"\(e(id))\" class=\"chart\" viewBox=\"0 0 \(number(width)) \(number(height))\""
            + " width=\"\(number(width))\" height=\"\(number(height))\" role=\"img\" aria-labelledby=\"\(e(id))-title\""
            + " font-family=\"sans-serif\" font-size=\"12\" fill=\"#1f2937\">\n"
            + "<title id=\"\(e(id))-title\">\(e(title))</title>\n"
            + "<rect x=\"0\" y=\"0\" width=\"\(number(width))\" height=\"\(number(height))\" fill=\"#ffffff\"/>\n"
    }

    /// A `<text>` element; `content` is escaped.
    static func text(_ content: String, x: Double, y: Double, anchor: String = "start", size: Double? = nil,
                     color: String? = nil, weight: String? = nil, tooltip: String? = nil) -> String {
        var attributes = "x=\"\(number(x))\" y=\"\(number(y))\""
        if anchor != "start" { attributes += " text-anchor=\"\(anchor)\"" }
        if let size { attributes += " font-size=\"\(number(size))\"" }
        if let color { attributes += " fill=\"\(color)\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        let tip = tooltip.map { "<title>\(HTMLText.escaped($0))</title>" } ?? ""
        return "<text \(attributes)>\(tip)\(HTMLText.escaped(content))</text>\n"
    }

    /// A legend of coloured swatches and names in rows of `columns`, starting at `y`; returns the markup and its height.
    static func legend(_ items: [(name: String, color: String, dashed: Bool)], y: Double, columns: Int = 2,
                       left: Double = 16) -> (markup: String, height: Double) {
        guard !items.isEmpty else { return ("", 0) }
        let columnWidth = (width - 2 * left) / Double(columns)
        let limit = Int(columnWidth / 6.5) - 4
        var out = "<g class=\"legend\">\n"
        for (i, item) in items.enumerated() {
            let x = left + Double(i % columns) * columnWidth, rowY = y + Double(i / columns) * 18
            let dash = item.dashed ? " stroke-dasharray=\"6 3\"" : ""
            out += "<line x1=\"\(number(x))\" y1=\"\(number(rowY + 6))\" x2=\"\(number(x + 22))\" y2=\"\(number(rowY + 6))\""
                + " stroke=\"\(item.color)\" stroke-width=\"4\"\(dash)/>\n"
            out += text(truncated(item.name, limit), x: x + 28, y: rowY + 10, tooltip: item.name)
        }
        out += "</g>\n"
        return (out, Double((items.count + columns - 1) / columns) * 18)
    }

    // MARK: Line chart

    /// One line of a line chart: its points in order, broken where a sample lacks the series.
    struct Line: Sendable {
        var name: String
        var color: String
        var dashed: Bool
        /// Runs of consecutive points (x, y) in data units; a run of one point is drawn as a dot.
        var segments: [[(x: Double, y: Double)]]
    }

    /// A line chart of `lines` over a shared x axis from 0, with axes, grid, tick labels, axis titles and a legend.
    ///
    /// - Parameters:
    ///   - xTitle: The x axis's quantity (`time`); its unit is `xUnit`'s.
    ///   - yTitle: The y axis's quantity (`power`); its unit is chosen by `yUnit` from the largest value.
    static func lineChart(id: String, title: String, lines: [Line], xTitle: String, xUnit: Unit, yTitle: String,
                          yUnit: (Double) -> Unit) -> String {
        let points = lines.flatMap { $0.segments.joined() }
        let xMax = points.map(\.x).filter(\.isFinite).max() ?? 0
        let yMax = points.map(\.y).filter(\.isFinite).max() ?? 0
        let unitY = yUnit(yMax)
        let xTicks = ticks(upTo: xMax / xUnit.factor), yTicks = ticks(upTo: yMax / unitY.factor)
        let xTop = (xTicks.last ?? 1) * xUnit.factor, yTop = (yTicks.last ?? 1) * unitY.factor
        let left = 72.0, right = width - 20, top = 16.0, bottom = 256.0
        func px(_ x: Double) -> Double { left + fraction(x, of: xTop) * (right - left) }
        func py(_ y: Double) -> Double { bottom - fraction(y, of: yTop) * (bottom - top) }

        let legendItems = lines.map { (name: $0.name, color: $0.color, dashed: $0.dashed) }
        let legend = legend(legendItems, y: bottom + 58)
        var out = open(id: id, title: title, height: bottom + 62 + legend.height)
        out += "<g class=\"grid\" stroke=\"#e5e7eb\" stroke-width=\"1\">\n"
        for t in yTicks {
            out += "<line x1=\"\(number(left))\" y1=\"\(number(py(t * unitY.factor)))\" x2=\"\(number(right))\" y2=\"\(number(py(t * unitY.factor)))\"/>\n"
        }
        for t in xTicks {
            out += "<line x1=\"\(number(px(t * xUnit.factor)))\" y1=\"\(number(top))\" x2=\"\(number(px(t * xUnit.factor)))\" y2=\"\(number(bottom))\"/>\n"
        }
        out += "</g>\n"
        out += axes(left: left, right: right, top: top, bottom: bottom)
        for t in yTicks { out += text(tickLabel(t), x: left - 6, y: py(t * unitY.factor) + 4, anchor: "end", size: 11) }
        for t in xTicks { out += text(tickLabel(t), x: px(t * xUnit.factor), y: bottom + 16, anchor: "middle", size: 11) }
        out += text("\(xTitle) (\(xUnit.symbol))", x: (left + right) / 2, y: bottom + 36, anchor: "middle", weight: "600")
        out += "<text transform=\"translate(16 \(number((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\" font-weight=\"600\">"
            + "\(HTMLText.escaped("\(yTitle) (\(unitY.symbol))"))</text>\n"

        for line in lines {
            let dash = line.dashed ? " stroke-dasharray=\"6 3\"" : ""
            var d = ""
            for segment in line.segments where segment.count > 1 {
                for (i, p) in segment.enumerated() {
                    d += (i == 0 ? (d.isEmpty ? "M" : " M") : " L") + "\(number(px(p.x))) \(number(py(p.y)))"
                }
            }
            out += "<g><title>\(HTMLText.escaped(line.name))</title>\n"
            if !d.isEmpty {
                out += "<path class=\"mark\" d=\"\(d)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\""
                    + " stroke-linejoin=\"round\" stroke-linecap=\"round\"\(dash)/>\n"
            }
            for segment in line.segments where segment.count == 1 {
                out += "<circle class=\"mark\" cx=\"\(number(px(segment[0].x)))\" cy=\"\(number(py(segment[0].y)))\" r=\"3.5\" fill=\"\(line.color)\"/>\n"
            }
            out += "</g>\n"
        }
        out += legend.markup
        return out + "</svg>"
    }

    /// The x and y axis lines of a plot area.
    private static func axes(left: Double, right: Double, top: Double, bottom: Double) -> String {
        "<g class=\"axes\" stroke=\"#6b7280\" stroke-width=\"1\">\n"
            + "<line x1=\"\(number(left))\" y1=\"\(number(top))\" x2=\"\(number(left))\" y2=\"\(number(bottom))\"/>\n"
            + "<line x1=\"\(number(left))\" y1=\"\(number(bottom))\" x2=\"\(number(right))\" y2=\"\(number(bottom))\"/>\n"
            + "</g>\n"
    }

    /// At most `limit` points of a run, keeping each bucket's lowest and highest (so peaks survive), in x order.
    static func thinned(_ points: [(x: Double, y: Double)], limit: Int) -> [(x: Double, y: Double)] {
        guard points.count > limit, limit >= 4, let first = points.first, let last = points.last else { return points }
        let span = last.x - first.x
        guard span.isFinite, span > 0 else { return Array(points.prefix(limit)) }
        let buckets = limit / 2
        var out: [(x: Double, y: Double)] = []
        out.reserveCapacity(limit)
        var current = -1, low = first, high = first
        func flush() {
            guard current >= 0 else { return }
            if low.x <= high.x { out.append(low); if high.x != low.x || high.y != low.y { out.append(high) } } else { out.append(high); out.append(low) }
        }
        for p in points {
            let bucket = Swift.min(Int(((p.x - first.x) / span * Double(buckets)).rounded(.down)), buckets - 1)
            if bucket != current {
                flush()
                current = bucket
                low = p
                high = p
            } else {
                if p.y < low.y { low = p }
                if p.y > high.y { high = p }
            }
        }
        flush()
        return out
    }

    // MARK: Horizontal bars

    /// One bar: a value in data units, the text shown at its end (with its unit) and its colour.
    struct Bar: Sendable {
        var value: Double
        var text: String
        var color: String
    }

    /// A labelled group of bars: the label and, below it in grey, how the figures were obtained.
    struct BarGroup: Sendable {
        var label: String
        var detail: String?
        var bars: [Bar]
    }

    /// Horizontal bars on one scale: a legend on top, each group's label and method on the left, its bars with their
    /// values, then the axis with ticks in `unit` and `axisTitle`; `caption` is a line of text under the axis.
    static func barChart(id: String, title: String, groups: [BarGroup], unit: (Double) -> Unit, axisTitle: String,
                         legend items: [(name: String, color: String)], caption: String? = nil) -> String {
        let maxValue = groups.flatMap(\.bars).map(\.value).filter(\.isFinite).max() ?? 0
        let axisUnit = unit(maxValue)
        let scaleTicks = ticks(upTo: maxValue / axisUnit.factor)
        let scaleTop = (scaleTicks.last ?? 1) * axisUnit.factor
        let left = 250.0, right = 620.0, barHeight = 16.0, barGap = 4.0, groupGap = 14.0
        let legend = legend(items.map { ($0.name, $0.color, false) }, y: 10, columns: 3)
        let top = 10 + legend.height + (legend.height > 0 ? 8 : 0)
        var y = top
        var body = ""
        for group in groups {
            let groupHeight = Swift.max(Double(group.bars.count) * (barHeight + barGap) - barGap, group.detail == nil ? 16 : 32)
            body += "<g class=\"group\">\n"
            body += text(truncated(group.label, 36), x: 12, y: y + 12, weight: "600", tooltip: group.label)
            if let detail = group.detail { body += text(truncated(detail, 40), x: 12, y: y + 27, size: 11, color: "#4b5563", tooltip: detail) }
            for (i, bar) in group.bars.enumerated() {
                let barY = y + Double(i) * (barHeight + barGap)
                let length = fraction(bar.value, of: scaleTop) * (right - left)
                body += "<rect class=\"mark\" x=\"\(number(left))\" y=\"\(number(barY))\" width=\"\(number(Swift.max(length, bar.value > 0 ? 1 : 0)))\""
                    + " height=\"\(number(barHeight))\" fill=\"\(bar.color)\"/>\n"
                body += text(bar.text, x: left + length + 6, y: barY + 12, size: 11)
            }
            body += "</g>\n"
            y += groupHeight + groupGap
        }
        let bottom = y - groupGap + 8
        var out = open(id: id, title: title, height: bottom + 44 + (caption == nil ? 0 : 20))
        out += legend.markup
        out += "<g class=\"grid\" stroke=\"#e5e7eb\" stroke-width=\"1\">\n"
        for t in scaleTicks {
            let x = left + fraction(t * axisUnit.factor, of: scaleTop) * (right - left)
            out += "<line x1=\"\(number(x))\" y1=\"\(number(top - 4))\" x2=\"\(number(x))\" y2=\"\(number(bottom))\"/>\n"
        }
        out += "</g>\n"
        out += body
        out += axes(left: left, right: right, top: top - 4, bottom: bottom)
        for t in scaleTicks {
            out += text(tickLabel(t), x: left + fraction(t * axisUnit.factor, of: scaleTop) * (right - left), y: bottom + 15, anchor: "middle", size: 11)
        }
        out += text("\(axisTitle) (\(axisUnit.symbol))", x: (left + right) / 2, y: bottom + 34, anchor: "middle", weight: "600")
        if let caption { out += text(caption, x: 12, y: bottom + 56, size: 11, color: "#4b5563") }
        return out + "</svg>"
    }

    // MARK: Column panels

    /// One panel of a column chart: a quantity, one value per series (nil where a report lacks it) with its text.
    struct Panel: Sendable {
        var title: String
        var unit: @Sendable (Double) -> Unit
        var values: [Double?]
        var texts: [String]
    }

    /// Panels side by side, each with its own axis and one column per series (a colour each, in the legend below):
    /// reports compared on quantities of different units.
    static func columnPanels(id: String, title: String, panels: [Panel], series: [String]) -> String {
        let plotTop = 34.0, plotBottom = 250.0
        let panelWidth = (width - 16) / Double(Swift.max(panels.count, 1))
        let items = series.enumerated().map { (name: $0.element, color: color($0.offset), dashed: false) }
        let legend = legend(items, y: plotBottom + 30)
        var out = open(id: id, title: title, height: plotBottom + 34 + legend.height)
        for (p, panel) in panels.enumerated() {
            let finite = panel.values.compactMap { $0 }.filter(\.isFinite)
            let unit = panel.unit(finite.max() ?? 0)
            let panelTicks = ticks(upTo: (finite.max() ?? 0) / unit.factor)
            let scaleTop = (panelTicks.last ?? 1) * unit.factor
            let left = 8 + Double(p) * panelWidth + 64, right = 8 + Double(p + 1) * panelWidth - 16
            func py(_ v: Double) -> Double { plotBottom - fraction(v, of: scaleTop) * (plotBottom - plotTop) }
            out += "<g class=\"panel\">\n"
            out += text("\(panel.title) (\(unit.symbol))", x: (left + right) / 2, y: 18, anchor: "middle", weight: "600")
            out += "<g class=\"grid\" stroke=\"#e5e7eb\" stroke-width=\"1\">\n"
            for t in panelTicks {
                out += "<line x1=\"\(number(left))\" y1=\"\(number(py(t * unit.factor)))\" x2=\"\(number(right))\" y2=\"\(number(py(t * unit.factor)))\"/>\n"
            }
            out += "</g>\n"
            out += axes(left: left, right: right, top: plotTop, bottom: plotBottom)
            for t in panelTicks { out += text(tickLabel(t), x: left - 6, y: py(t * unit.factor) + 4, anchor: "end", size: 11) }
            let slot = (right - left) / Double(Swift.max(panel.values.count, 1))
            let columnWidth = Swift.min(56, slot * 0.7)
            for (i, value) in panel.values.enumerated() {
                let x = left + Double(i) * slot + (slot - columnWidth) / 2
                let shown = i < panel.texts.count ? panel.texts[i] : ""
                guard let value else {
                    out += text("n/a", x: x + columnWidth / 2, y: plotBottom - 6, anchor: "middle", size: 11, color: "#6b7280")
                    continue
                }
                let yTop = py(value)
                out += "<rect class=\"mark\" x=\"\(number(x))\" y=\"\(number(yTop))\" width=\"\(number(columnWidth))\""
                    + " height=\"\(number(plotBottom - yTop))\" fill=\"\(color(i))\"><title>\(HTMLText.escaped(series[safe: i] ?? "") + ": " + HTMLText.escaped(shown))</title></rect>\n"
                if slot >= 40 { out += text(shown, x: x + columnWidth / 2, y: yTop - 5, anchor: "middle", size: 10) }
            }
            out += "</g>\n"
        }
        out += legend.markup
        return out + "</svg>"
    }
}

extension Array {
    /// The element at `index`, or nil outside the array.
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
