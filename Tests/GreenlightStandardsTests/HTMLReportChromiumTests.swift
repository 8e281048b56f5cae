import Foundation
import GreenlightCore
import GreenlightStandards
import GreenlightTestSupport
import Testing

/// The HTML report as a real browser draws it: headless Chromium takes screenshots, and a small PNG reader (Python's
/// stdlib `zlib`, as Foundation on Linux has no inflate) counts the pixels that are not white.
///
/// Each chart is screenshot alone on a page of its own size, so that the pixels counted are the chart's without the
/// page layout having to be known (there is no script to ask the browser where things are). Two controls keep the
/// detector honest: a blank SVG and a chart with its data marks removed must both count as blank.
///
/// Chromium (Debian's `chromium`) is optional locally, where the test is skipped without it; in CI (`CI=true`) it must
/// be there. `GREENLIGHT_SCREENSHOT_DIR` keeps the screenshots in that directory to look at.
@Suite("the HTML report in Chromium", .serialized)
struct HTMLReportChromiumTests {
    /// Coloured pixels a chart's data marks give at the least (a 2 px line across the plot gives about 2,500; the
    /// legend's swatches alone about 200).
    static let minimumMarkPixels = 1000
    /// Rows added below a chart's page: headless Chromium paints about 85 px less than the window it is given.
    static let windowPadding = 160

    @Test func theChartsAreDrawn() throws {
        guard let browser = Browser.find(), let python = PythonOracle.module() else { return }
        let kept = ProcessInfo.processInfo.environment["GREENLIGHT_SCREENSHOT_DIR"]
        let dir = try kept.map { path -> URL in
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return URL(fileURLWithPath: path)
        } ?? TestSupport.temporaryDirectory()
        defer { if kept == nil { try? FileManager.default.removeItem(at: dir) } }
        let counter = PixelCounter(python: python)

        let html = try HTMLFixtures.fullPage().render()
        let page = dir.appendingPathComponent("report.html")
        try Data(html.utf8).write(to: page)
        // The whole page at a quarter of its pixels (counting all of them in Python would be slow), and at full size when kept.
        let whole = try browser.screenshot(page, size: (1280, 4000), scale: 0.5, into: dir, name: "report-small")
        let wholeCount = try counter.count(whole)
        #expect(wholeCount.width == 640 && wholeCount.height == 2000, "\(wholeCount)")
        #expect(wholeCount.coloured > 2000, "the page looks blank: \(wholeCount)")
        if kept != nil { _ = try browser.screenshot(page, size: (1280, 4000), into: dir, name: "report") }

        // The controls: nothing drawn, and a chart's frame, grid, labels and legend without its data.
        let blank = try browser.screenshot(
            try chartPage("<svg id=\"blank\" viewBox=\"0 0 760 300\" width=\"760\" height=\"300\"><rect x=\"0\" y=\"0\" width=\"760\" height=\"300\" fill=\"#ffffff\"/></svg>", dir: dir, name: "blank"),
            size: (760, 300 + Self.windowPadding), into: dir, name: "blank")
        let blankCount = try counter.count(blank, rows: 300)
        #expect(blankCount.coloured == 0 && blankCount.nonWhite == 0, "\(blankCount)")
        let power = try #require(Self.chart("chart-power", in: html))
        let frameOnly = power.svg.replacing(#/<(rect|path|circle) class="mark"[^>]*/>/#, with: "")
        #expect(frameOnly != power.svg)
        let frame = try counter.count(browser.screenshot(try chartPage(frameOnly, dir: dir, name: "frame-only"),
                                                         size: (760, power.height + Self.windowPadding), into: dir, name: "frame-only"),
                                      rows: power.height)
        #expect(frame.nonWhite > 1000, "the frame draws text and axes: \(frame)")
        #expect(frame.coloured < Self.minimumMarkPixels, "a chart without data must count as blank: \(frame)")

        for id in ["chart-power", "chart-energy", "chart-emissions", "chart-compare", "chart-compression"] {
            let chart = try #require(Self.chart(id, in: html), "\(id) missing")
            let shot = try browser.screenshot(try chartPage(chart.svg, dir: dir, name: id), size: (760, chart.height + Self.windowPadding),
                                              into: dir, name: id)
            // The chart's own rectangle: the page's top left, its width and height.
            let count = try counter.count(shot, rows: chart.height)
            #expect(count.width == 760 && count.height == chart.height, "\(id): \(count)")
            #expect(count.coloured >= Self.minimumMarkPixels, "\(id) looks blank: \(count)")
        }
    }

    /// The `<svg>` of chart `id` in `html` and its height in pixels (its `height` attribute, rounded up).
    static func chart(_ id: String, in html: String) -> (svg: String, height: Int)? {
        guard let start = html.range(of: "<svg id=\"\(id)\""),
              let end = html.range(of: "</svg>", range: start.upperBound..<html.endIndex),
              let tagEnd = html.range(of: ">", range: start.upperBound..<end.lowerBound),
              let h = html[start.upperBound..<tagEnd.lowerBound].range(of: " height=\"") else { return nil }
        let digits = html[h.upperBound...].prefix { $0.isNumber || $0 == "." }
        guard let height = Double(digits) else { return nil }
        return (String(html[start.lowerBound..<end.upperBound]), Int(height.rounded(.up)))
    }

    /// A page with `svg` alone at its top left, under the report's own Content-Security-Policy.
    private func chartPage(_ svg: String, dir: URL, name: String) throws -> URL {
        let page = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <style>html, body { margin: 0; background: #ffffff; } svg { display: block; }</style></head>
            <body>\(svg)</body></html>
            """
        let url = dir.appendingPathComponent("\(name).html")
        try Data(page.utf8).write(to: url)
        return url
    }
}

/// Headless Chromium, run under a time limit with a profile of its own.
struct Browser {
    let executable: String

    /// Chromium on PATH; nil (the test skips) when it is missing, after recording a failure in CI.
    static func find(sourceLocation: SourceLocation = #_sourceLocation) -> Browser? {
        if let path = TestSupport.which("chromium") ?? TestSupport.which("chromium-browser") { return Browser(executable: path) }
        if TestSupport.inCI {
            Issue.record("chromium is not on PATH in CI; install Debian's chromium (.ci/run does)", sourceLocation: sourceLocation)
        } else {
            print("skipping the Chromium test: chromium is not on PATH (apt-get install chromium)")
        }
        return nil
    }

    /// A PNG screenshot of `page` in a `size` window (CSS pixels) at `scale` device pixels per CSS pixel.
    ///
    /// Killed after 60 s: coreutils' `timeout` signals its whole process group, so the browser's helpers go too.
    func screenshot(_ page: URL, size: (Int, Int), scale: Double = 1, into dir: URL, name: String) throws -> URL {
        let png = dir.appendingPathComponent("\(name).png")
        try? FileManager.default.removeItem(at: png)
        let log = dir.appendingPathComponent("\(name).chromium.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestSupport.which("timeout") ?? "/usr/bin/timeout")
        p.arguments = ["-k", "5", "60", executable, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                       "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-dev-shm-usage",
                       "--disable-background-networking", "--disable-sync", "--mute-audio",
                       "--user-data-dir=\(dir.appendingPathComponent("profile-\(name)").path)",
                       "--force-device-scale-factor=\(scale)", "--window-size=\(size.0),\(size.1)",
                       "--screenshot=\(png.path)", page.absoluteString]
        // A file, not a pipe: helpers that outlive the browser would hold a pipe open.
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard p.terminationStatus != 124, p.terminationStatus != 137 else {
            throw BrowserFailure(message: "chromium took over 60 s for \(name) and was killed:\n\(output.suffix(2000))")
        }
        guard FileManager.default.fileExists(atPath: png.path) else {
            throw BrowserFailure(message: "chromium wrote no screenshot for \(name) (status \(p.terminationStatus)):\n\(output.suffix(2000))")
        }
        return png
    }
}

struct BrowserFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Counts a PNG's pixels with Python's standard library, in its top `rows` rows: all, those not white, and those
/// clearly coloured.
struct PixelCounter {
    let python: String

    struct Count: Decodable, CustomStringConvertible {
        var width: Int
        /// The rows counted.
        var height: Int
        /// Pixels with a channel below 235: text, axes, marks.
        var nonWhite: Int
        /// Pixels whose channels differ by 50 or more: the palette's colours, not the greys of text, axes and grid.
        var coloured: Int
        var description: String { "\(width)×\(height) px, \(nonWhite) not white, \(coloured) coloured" }
    }

    // 8-bit RGB or RGBA, not interlaced: what Chromium writes. Unfilters each row (PNG filters 0–4), then counts.
    static let script = #"""
        import json, struct, sys, zlib
        data = open(sys.argv[1], "rb").read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
        pos, idat = 8, []
        while pos < len(data):
            (n,) = struct.unpack(">I", data[pos:pos + 4]); kind = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + n]; pos += 12 + n
            if kind == b"IHDR": w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            elif kind == b"IDAT": idat.append(body)
            elif kind == b"IEND": break
        assert depth == 8 and interlace == 0 and ctype in (2, 6), f"unsupported PNG: depth {depth}, colour type {ctype}"
        bpp = 3 if ctype == 2 else 4
        stride = w * bpp
        raw = zlib.decompress(b"".join(idat))
        prev = bytearray(stride)
        non_white = coloured = 0
        rows = min(h, int(sys.argv[2])) if len(sys.argv) > 2 else h
        for y in range(rows):
            f = raw[y * (stride + 1)]
            line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            if f == 1:
                for i in range(bpp, stride): line[i] = (line[i] + line[i - bpp]) & 255
            elif f == 2:
                for i in range(stride): line[i] = (line[i] + prev[i]) & 255
            elif f == 3:
                for i in range(stride): line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
            elif f == 4:
                for i in range(stride):
                    a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            for x in range(0, stride, bpp):
                r, g, b = line[x], line[x + 1], line[x + 2]
                if min(r, g, b) < 235: non_white += 1
                if max(r, g, b) - min(r, g, b) >= 50: coloured += 1
            prev = line
        print(json.dumps({"width": w, "height": rows, "nonWhite": non_white, "coloured": coloured}))
        """#

    func count(_ png: URL, rows: Int? = nil) throws -> Count {
        let result = try TestSupport.run(python, ["-c", Self.script, png.path] + (rows.map { [String($0)] } ?? []))
        guard result.status == 0 else { throw BrowserFailure(message: "cannot read \(png.path): \(result.stderr)") }
        return try JSONDecoder().decode(Count.self, from: Data(result.stdout.utf8))
    }
}
