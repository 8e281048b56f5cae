import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

@Suite("greenlight run, end to end")
struct RunCommandTests {
    @Test("exit codes propagate", arguments: [0, 3, 255])
    func exitCodePropagates(code: Int32) throws {
        let r = try CLI.run(["run", "--quiet", "--", "/bin/sh", "-c", "exit \(code)"])
        #expect(r.status == code)
    }

    @Test("a child killed by SIGKILL gives 137 and the report is still written, saying so")
    func reportWrittenAfterSIGKILL() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("run.json")
        let r = try CLI.run(["run", "--json", json.path, "--", "/bin/sh", "-c", "kill -9 $$"])
        #expect(r.status == 137)
        let report = try CLI.report(at: json)
        #expect(report.run?.exit.status == .signaled)
        #expect(report.run?.exit.signal == 9)
        #expect(report.notes.contains { $0.code == "child-signaled" })
        #expect(r.stderr.contains("killed by signal 9"))
    }

    @Test("command not found exits 127 with a clear message and writes nothing")
    func commandNotFound() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("run.json")
        let r = try CLI.run(["run", "--json", json.path, "--", "no-such-command-greenlight"])
        #expect(r.status == 127)
        #expect(r.stderr.contains("command not found: no-such-command-greenlight"))
        #expect(!FileManager.default.fileExists(atPath: json.path))
    }

    @Test("the JSON report validates against docs/report.schema.json and its parts add up")
    func reportIsValidAndAddsUp() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("run.json")
        let r = try CLI.run([
            "run", "--quiet", "--interval", "0.02", "--country", "FRA", "--unit", "batch", "--units", "4",
            "--embodied-kg", "1000", "--pue", "1.2", "--stage", "training", "--model", "toy", "--tag", "team=nlp",
            "--tag", "run.id=7", "--json", json.path, "--",
            "/bin/sh", "-c", "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try schemaViolation(of: json) == nil)
        let report = try CLI.report(at: json)
        let energy = try #require(report.energy)
        let sum = energy.components.reduce(0) { $0 + $1.energy.joules }
        #expect(abs(sum - energy.host.total.joules) < 1e-9)
        #expect(abs(energy.host.idle.joules + energy.host.active.joules - energy.host.total.joules) < 1e-9)
        #expect(energy.process.energy.joules <= energy.host.active.joules + 1e-9)
        #expect(energy.process.energy.joules > 0)
        #expect(energy.pue.value == 1.2 && energy.pue.method.kind == .user)
        #expect(report.context == ReportContext(stage: .training, model: "toy", tags: ["team": "nlp", "run.id": "7"]))
        // Every figure says how it was obtained.
        for c in energy.components { #expect(!c.method.source.isEmpty) }
        let carbon = try #require(report.carbon)
        #expect(carbon.intensity.location.countryISO3 == "FRA")
        #expect(abs(carbon.process.grams - carbon.intensity.value.gramsPerKilowattHour * energy.processFacilityEnergy.kilowattHours) < 1e-12)
        let sci = try #require(report.sci)
        let m = try #require(carbon.embodied).attributed.grams
        #expect(abs(sci.score.grams - (carbon.process.grams + m) / 4) < 1e-12)
        let cpu = try #require(report.process)
        #expect(cpu.cpuTime.seconds > 0.05)
    }

    @Test("the whole tree is followed: forked workers' CPU time is counted")
    func treeIsFollowed() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("run.json")
        let busy = "i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done"
        let r = try CLI.run(["run", "--quiet", "--interval", "0.02", "--json", json.path, "--",
                             "/bin/sh", "-c", "(\(busy)) & (\(busy)) & wait"])
        #expect(r.status == 0)
        let report = try CLI.report(at: json)
        let usage = try #require(report.process)
        #expect(usage.processesSeen >= 2)
        // Two workers each busy for a similar time: the tree's CPU time is well above one worker's wall share.
        #expect(usage.cpuTime.seconds > 0.2)
    }

    @Test("no location: world average used, and both the report and stderr say so")
    func noSilentDefault() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("run.json")
        let r = try CLI.run(["run", "--json", json.path, "--", "/bin/true"])
        #expect(r.status == 0)
        let report = try CLI.report(at: json)
        #expect(report.carbon?.intensity.method.kind == .default)
        #expect(report.notes.contains { $0.code == "default-intensity" && $0.parameter == "location" })
        #expect(r.stderr.contains("world-average"))
        // The library names the setting; the CLI prints the flags that give it.
        #expect(r.stderr.contains("in gCO2e/kWh. (--country/--region, --cloud or --intensity)"), "\(r.stderr)")
    }

    @Test("an unknown country fails before the command runs, suggesting the closest codes")
    func unknownCountryFailsFast() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let marker = dir.appendingPathComponent("ran")
        let json = dir.appendingPathComponent("run.json")
        let r = try CLI.run(["run", "--country", "GER", "--json", json.path, "--", "/usr/bin/touch", marker.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("DEU"))
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        #expect(!FileManager.default.fileExists(atPath: json.path))
    }

    @Test("bad options are refused with a clear message", arguments: [
        ["run", "--interval", "0.001", "--", "/bin/true"],
        ["run", "--pue", "0.5", "--", "/bin/true"],
        ["run", "--cloud", "nowhere", "--", "/bin/true"],
        ["run", "--unit", "inference", "--", "/bin/true"],
        ["run"],
    ])
    func badOptions(arguments: [String]) throws {
        let r = try CLI.run(arguments)
        #expect(r.status != 0)
        #expect(!r.stderr.isEmpty)
    }

    @Test("an unwritable --json path fails with a non-zero exit and leaves no file")
    func unwritableJSON() throws {
        let r = try CLI.run(["run", "--quiet", "--json", "/nonexistent-dir/run.json", "--", "/bin/true"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("/nonexistent-dir"))
    }

    @Test("--csv appends CodeCarbon rows under one header; --timeline writes one line per sample")
    func csvAndTimeline() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("emissions.csv")
        let timeline = dir.appendingPathComponent("timeline.jsonl")
        let json = dir.appendingPathComponent("run.json")
        for scope in ["process", "machine"] {
            let r = try CLI.run(["run", "--quiet", "--scope", scope, "--csv", csv.path, "--timeline", timeline.path,
                                 "--json", json.path, "--interval", "0.02", "--", "/bin/sleep", "0.2"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == CodeCarbonCSV.header.joined(separator: ","))
        #expect(lines[1].contains(",process,"))
        #expect(lines[2].contains(",machine,"))
        let samples = try String(contentsOf: timeline, encoding: .utf8).split(separator: "\n")
        let report = try CLI.report(at: json)
        #expect(samples.count == report.run?.samples)
        #expect(samples.count >= 5)
        let first = try JSONDecoder().decode(TimelineSample.self, from: Data(samples[0].utf8))
        #expect(first.dt > 0)
    }

    @Test("SIGTERM sent to greenlight is forwarded; greenlight exits with the child's code and writes the report")
    func sigtermForwarded() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("run.json")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        let started = dir.appendingPathComponent("started")
        p.arguments = ["run", "--quiet", "--json", json.path, "--", "/bin/sh", "-c",
                       "trap 'exit 42' TERM; touch '\(started.path)'; while :; do sleep 0.05; done"]
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Signal only once the child runs: before that, SIGTERM rightly ends greenlight itself.
        let startDeadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: started.path) && Date() < startDeadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        Thread.sleep(forTimeInterval: 0.1)
        kill(p.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            Issue.record("greenlight did not exit within 10 s of SIGTERM")
        }
        p.waitUntilExit()
        #expect(p.terminationReason == .exit)
        #expect(p.terminationStatus == 42)
        let report = try CLI.report(at: json)
        #expect(report.run?.exit.code == 42)
    }
}
