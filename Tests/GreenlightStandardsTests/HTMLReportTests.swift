import Foundation
import GreenlightCore
import GreenlightPolicy
import GreenlightStandards
import GreenlightTestSupport
import Testing

/// Reports, a timeline and a check made in code for the HTML report's tests.
enum HTMLFixtures {
    static let created = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28

    /// A measured run: two components (RAPL and NVML), PUE 1.2, Germany's 2024 intensity, embodied emissions.
    static func run(model: String = "llama-mini", scale: Double = 1, tags: [String: String] = ["team": "nlp"]) -> Report {
        let rapl = Method(.measured, "rapl"), share = Method(.derived, "cpu-time-share")
        let components = [
            EnergyComponent(kind: .cpu, name: "package-0", energy: Energy(joules: 1.8e6 * scale), idleEnergy: Energy(joules: 3.6e5 * scale),
                            processEnergy: Energy(joules: 9e5 * scale), meanPower: Power(watts: 500), method: rapl, idleMethod: rapl,
                            attributionMethod: share),
            EnergyComponent(kind: .gpu, name: "gpu-0 NVIDIA H100", energy: Energy(joules: 2.7e6 * scale), idleEnergy: Energy(joules: 3.6e5 * scale),
                            processEnergy: Energy(joules: 1.9e6 * scale), meanPower: Power(watts: 750),
                            method: Method(.measured, "nvml-energy", detail: "nvmlDeviceGetTotalEnergyConsumption"),
                            idleMethod: rapl, attributionMethod: share),
        ]
        let energy = EnergySection.summing(components, duration: .seconds(3600), pue: Figure(1.2, Method(.user, "pue")), processMethod: share)
        let intensity = IntensityFigure(value: CarbonIntensity(gramsPerKilowattHour: 380), method: Method(.estimated, "owid-ember"),
                                        location: Location(countryISO3: "DEU", countryName: "Germany"), year: 2024)
        let embodied = EmbodiedCarbon(total: CarbonMass(kilograms: 1000), lifetime: .seconds(4 * 8766 * 3600), resourceShare: 1,
                                      timeReserved: .seconds(3600), method: Method(.user, "embodied"))
        let carbon = CarbonSection(intensity: intensity, process: intensity.value * energy.processFacilityEnergy,
                                   host: intensity.value * energy.hostFacilityEnergy, embodied: embodied)
        return Report(
            kind: .run, id: "00000000-0000-0000-0000-00000000000\(Int(scale) % 10)", createdAt: created,
            host: HostInfo(hostname: "h", os: "Linux", cpuModel: "EPYC", logicalCPUs: 8, gpus: [GPUInfo(index: 0, name: "NVIDIA H100")]),
            run: RunInfo(command: ["python", "train.py"], startedAt: created.addingTimeInterval(-3600), endedAt: created,
                         duration: .seconds(3600), exit: ExitInfo(status: .exited, code: 0), interval: .seconds(1), samples: 3600),
            process: ProcessUsage(userCPU: .seconds(3000), systemCPU: .seconds(100), peakRSSBytes: 3 << 30, meanRSSBytes: 2 << 30,
                                  peakThreads: 10, processesSeen: 2, method: Method(.measured, "procfs")),
            energy: energy, carbon: carbon,
            context: ReportContext(stage: .training, model: model, task: "text-generation", tags: tags),
            notes: [Note(.info, code: "pue-given", "PUE 1.2 as given")])
    }

    /// A compression of a 1.2 GB F32 model to Q8_0, without energy or carbon.
    static func compress() -> Report {
        let source = ModelFileInfo(path: "model.safetensors", format: "safetensors", bytes: 1_200_000_000, tensors: 2, parameters: 300_000_000)
        let output = ModelFileInfo(path: "model-q8.gguf", format: "gguf", bytes: 318_750_000, tensors: 2, parameters: 300_000_000)
        let section = CompressionSection(
            source: source, output: output, dryRun: false, targetType: "Q8_0", sourceBytes: 1_200_000_000, outputBytes: 318_750_000,
            bitsPerWeight: 8.5, pruning: nil, sparsity: nil, relativeRMSE: 0.0042,
            tensors: [TensorCompression(name: "w", sourceName: nil, shape: [1000, 300_000], sourceType: "F32", type: "Q8_0",
                                        sourceBytes: 1_200_000_000, bytes: 318_750_000, relativeRMSE: 0.0042, maxAbsError: 0.01,
                                        sparsity: nil, fallback: nil)],
            threads: 4, duration: .seconds(12))
        return Report(kind: .compress, id: "00000000-0000-0000-0000-0000000000c0", createdAt: created, compression: section,
                      context: ReportContext(stage: .compression, model: "bert-mini"))
    }

    /// A privacy report with PII findings and a DP budget.
    static func privacy() -> Report {
        let section = PrivacySection(
            pii: PIISummary(records: 100, findings: ["EMAIL_ADDRESS": 12, "PHONE_NUMBER": 3], method: Method(.estimated, "greenlight-recognizers-v1")),
            differentialPrivacy: DifferentialPrivacySummary(
                dataset: "people.csv", releases: [DPRelease(query: "count", mechanism: "laplace", epsilon: 0.5, delta: 0, sensitivity: 1,
                                                            noiseScale: 2, value: 101.3)],
                epsilonSpent: 0.5, deltaSpent: 0, epsilonBudget: 1, deltaBudget: 0, ledger: ".greenlight/ledger.json"))
        return Report(kind: .privacy, id: "00000000-0000-0000-0000-0000000000d0", createdAt: created, privacy: section)
    }

    /// 120 one-second samples: a CPU package ramping up and down, and a GPU that appears after 10 s.
    static func timeline() -> [TimelineSample] {
        (1...120).map { i in
            let t = Double(i)
            var watts = ["package-0": 100 + 80 * sin(t / 12)]
            if i > 10 { watts["gpu-0 NVIDIA H100"] = 300 + 150 * cos(t / 20) }
            return TimelineSample(t: t, dt: 1, hostCPU: 0.5, treeCPUSeconds: t * 4, treeShare: 0.9, rssBytes: 1 << 30, threads: 10,
                                  processes: 2, watts: watts, joules: watts.mapValues { $0 * t })
        }
    }

    /// A check of `report` with a failing, a warning and a passing rule.
    static func check(_ report: Report, name: String = "train.json") throws -> CheckReport {
        let yaml = """
            rules:
              - {id: budget, severity: high, reference: "EU AI Act Art. 53", assert: "energy.total <= 0.5 kWh"}
              - {id: soft, action: warn, assert: "duration <= 10 min"}
              - {id: fine, assert: "duration <= 2 h"}
            """
        let policy = try PolicyLoader().parse(yaml, source: "policy.yaml")
        let results = PolicyEvaluator(policies: [policy], now: created).evaluate(CheckSubject(name: name, report: report))
        return CheckReport(results: results, policies: ["policy.yaml"], subjects: [name])
    }

    /// The page every chart and section is on: a run with a timeline, a second run, a compression and a check.
    static func fullPage() throws -> HTMLReport {
        let run = run()
        return HTMLReport(entries: [
            .init(name: "train.json", report: run, timeline: timeline()),
            .init(name: "train-2.json", report: HTMLFixtures.run(model: "llama-mini-v2", scale: 2)),
            .init(name: "compress.json", report: compress()),
        ], check: try check(run), title: "Training report", generatedAt: created)
    }
}

@Suite("the HTML report")
struct HTMLReportTests {
    let chartIDs = ["chart-power", "chart-energy", "chart-emissions", "chart-compare", "chart-compression"]

    @Test func aModelNameIsShownOnlyEscaped() throws {
        let hostile = "<script>alert(1)</script>"
        let report = HTMLFixtures.run(model: hostile, tags: ["x": "\"'><img src=x onerror=alert(1)>", "esc": "a\u{1B}[2Jb\u{202E}c"])
        let html = HTMLReport(entries: [.init(name: "<b>name</b>", report: report, timeline: HTMLFixtures.timeline())],
                              check: try HTMLFixtures.check(report, name: "<i>s</i>"), generatedAt: HTMLFixtures.created).render()
        #expect(!html.contains(hostile))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<img") && html.contains("&quot;&#39;&gt;&lt;img src=x"))
        #expect(!html.contains("<b>name</b>") && html.contains("&lt;b&gt;name&lt;/b&gt;"))
        #expect(!html.contains("<i>s</i>"))
        // Control characters and bidirectional overrides are shown, not obeyed.
        #expect(!html.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
        #expect(html.contains("a\\x1B[2Jb\\u{202E}c"))
    }

    @Test func thePageLoadsNothing() throws {
        let html = try HTMLFixtures.fullPage().render()
        let lower = html.lowercased()
        #expect(!lower.contains("<script") && !lower.contains("javascript:"))
        for attribute in ["src=", "href=", "url(", "@import", "<link", "<iframe", "<object", "<embed", "<img"] {
            #expect(!lower.contains(attribute), "the page has \(attribute)")
        }
        #expect(!lower.contains("http://") && !lower.contains("https://"))
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"))
        #expect(html.hasPrefix("<!DOCTYPE html>\n") && html.hasSuffix("</html>\n"))
    }

    @Test func everyChartIsThereWithItsData() throws {
        let html = try HTMLFixtures.fullPage().render()
        for id in chartIDs { #expect(html.contains("<svg id=\"\(id)\""), "\(id) missing") }
        #expect(html.contains("id=\"policy\"") && html.contains("outcome-fail") && html.contains("outcome-warn") && html.contains("outcome-pass"))
        #expect(html.contains("policy.yaml:3") && html.contains("EU AI Act Art. 53") && html.contains("energy.total &lt;= 0.5 kWh"))
        #expect(html.contains("Check failed"))
        // Figures say how they were obtained.
        for method in ["measured:rapl", "measured:nvml-energy", "estimated:owid-ember", "user:pue", "derived:cpu-time-share", "measured:procfs"] {
            #expect(html.contains(method), "\(method) missing")
        }
        #expect(html.contains("Germany") && html.contains("2024") && html.contains("380 gCO2e/kWh"))
        #expect(html.contains("3.76×") && html.contains("8.5 bpw") && html.contains("RMSE 0.0042"))
        #expect(html.contains("Generated <time datetime=\"2026-05-28T20:26:40Z\">"))
    }

    @Test func chartsWithoutDataAreLeftOut() throws {
        let one = HTMLReport(entries: [.init(name: "r.json", report: HTMLFixtures.run())], generatedAt: HTMLFixtures.created).render()
        #expect(one.contains("<svg id=\"chart-energy\"") && one.contains("<svg id=\"chart-emissions\""))
        for id in ["chart-power", "chart-compare", "chart-compression"] { #expect(!one.contains("id=\"\(id)\""), "\(id) present") }
        #expect(!one.contains("id=\"policy\"") && !one.contains("id=\"privacy\""))

        let compress = HTMLReport(entries: [.init(name: "c.json", report: HTMLFixtures.compress(), timeline: [])],
                                  generatedAt: HTMLFixtures.created).render()
        #expect(compress.contains("<svg id=\"chart-compression\""))
        for id in ["chart-power", "chart-energy", "chart-emissions", "chart-compare"] { #expect(!compress.contains("id=\"\(id)\""), "\(id) present") }

        let privacy = HTMLReport(entries: [.init(name: "p.json", report: HTMLFixtures.privacy())], generatedAt: HTMLFixtures.created).render()
        #expect(!privacy.contains("<svg") && privacy.contains("id=\"privacy\""))
        #expect(privacy.contains("EMAIL_ADDRESS") && privacy.contains("people.csv") && privacy.contains("laplace"))

        let empty = HTMLReport(entries: [], generatedAt: HTMLFixtures.created).render()
        #expect(!empty.contains("<svg") && !empty.contains("id=\"charts\""))
    }

    @Test func theSameInputGivesTheSameBytes() throws {
        let first = try HTMLFixtures.fullPage().render()
        let second = try HTMLFixtures.fullPage().render()
        #expect(first == second)
        // A report decoded from its JSON renders as the one it was made from.
        let report = HTMLFixtures.run(tags: ["b": "2", "a": "1", "c": "3"])
        let decoded = try Report.decode(from: report.jsonData())
        let page = { (r: Report) in HTMLReport(entries: [.init(name: "r", report: r)], generatedAt: HTMLFixtures.created).render() }
        #expect(page(report) == page(decoded))
        #expect(page(report).contains("a=1</span> · <span class=\"tag\">b=2</span> · <span class=\"tag\">c=3"))
    }

    @Test func nonFiniteFiguresDrawNoBrokenMarkup() throws {
        var report = HTMLFixtures.run()
        report.energy?.components[0].energy = Energy(joules: .infinity)
        report.energy?.components[1].processEnergy = Energy(joules: .nan)
        let html = HTMLReport(entries: [.init(name: "r", report: report)], generatedAt: HTMLFixtures.created).render()
        #expect(html.contains("<svg id=\"chart-energy\""))
        #expect(!html.contains("=\"nan\"") && !html.contains("=\"inf\"") && !html.contains("=\"-nan\""))
    }
}

@Suite("the timeline file")
struct TimelineFileTests {
    @Test func whatTheWriterWritesReadsBack() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.jsonl").path
        let writer = try TimelineWriter(path: path)
        let samples = HTMLFixtures.timeline()
        for sample in samples { try writer.append(sample) }
        try writer.finish()
        #expect(try TimelineFile.read(path) == samples)
    }

    @Test func blankLinesAreSkipped() throws {
        let line = String(decoding: try JSONEncoder().encode(HTMLFixtures.timeline()[0]), as: UTF8.self)
        let samples = try TimelineFile.parse(Data("\n\(line)\n  \n\(line)\r\n\n".utf8), source: "t.jsonl")
        #expect(samples.count == 2)
    }

    @Test("a bad line is named", arguments: [
        ("{\"t\": 1}", "\"dt\" is missing"),
        ("not json", "not a JSON object"),
        ("{\"t\": \"soon\", \"dt\": 1}", "\"t\" is not a Double"),
        ("[1, 2]", "not a"),
    ])
    func aBadLineIsNamed(_ bad: String, _ problem: String) throws {
        let line = String(decoding: try JSONEncoder().encode(HTMLFixtures.timeline()[0]), as: UTF8.self)
        let text = "\(line)\n\n\(line)\n\(bad)\n\(line)\n"
        let error = expectCode(.invalidInput) { try TimelineFile.parse(Data(text.utf8), source: "run.timeline") }
        #expect(error?.location?.line == 4 && error?.location?.path == "run.timeline")
        #expect(error?.summary.hasPrefix("run.timeline:4: ") == true, "\(error?.message ?? "")")
        #expect(error?.summary.contains(problem) == true, "\(error?.message ?? "")")
    }

    @Test func aMissingFileIsNotFound() {
        let error = expectCode(.notFound) { try TimelineFile.read("/nonexistent/greenlight.timeline") }
        #expect(error?.location?.path == "/nonexistent/greenlight.timeline")
    }
}
