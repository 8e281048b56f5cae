import Foundation
import GreenlightCore
import Testing

/// Inputs that the libFuzzer targets (Fuzz/, Scripts/fuzz.sh) found to trap, kept as they were found.
@Suite struct FuzzFindingsCoreTests {
    /// FuzzReport: a report whose `intervalSeconds` is beyond Int64 nanoseconds trapped in `Duration.seconds`
    /// ("Double value cannot be converted to Int64") while decoding.
    @Test func reportWithHugeIntervalDecodes() throws {
        let input = Self.hugeIntervalReport
        let report = try Report.decode(from: Data(input.utf8))
        let run = try #require(report.run)
        #expect(run.interval == Duration(secondsComponent: Int64.max, attosecondsComponent: 0))
        #expect(run.duration == .seconds(100))
        // Encoding it again gives a report that decodes.
        _ = try Report.decode(from: report.jsonData())
    }

    /// FuzzReport: the summary of a report whose `durationSeconds` is near Int64.max trapped in `Format.duration`
    /// ("Double value cannot be converted to Int because the result would be greater than Int.max").
    @Test func summaryOfAReportWithAHugeDurationRenders() throws {
        var report = try Report.decode(from: Data(Self.hugeIntervalReport.utf8))
        report.run?.duration = Duration(secondsComponent: Int64.max, attosecondsComponent: 0)
        let summary = ReportSummary.render(report)
        #expect(summary.contains("h"))
    }

    /// FuzzReport: `userCPUSeconds` saturated at Int64.max seconds plus `systemCPUSeconds` is a CPU time beyond
    /// Int64 seconds, and `Duration.components` trapped ("Not enough bits to represent the passed value").
    @Test func summaryOfAReportWithCPUTimeBeyondInt64SecondsRenders() throws {
        var report = try Report.decode(from: Data(Self.hugeIntervalReport.utf8))
        report.process?.userCPU = .seconds(3.9e126)
        let cpu = try #require(report.process?.cpuTime)
        #expect(cpu.seconds == 9.223372036854776e18 + 100)
        #expect(cpu.wholeNanoseconds == .max)
        #expect((Duration.zero - cpu).wholeNanoseconds == .min)
        _ = ReportSummary.render(report)
        for scope in CodeCarbonCSV.Scope.allCases {
            _ = CodeCarbonCSV.line(CodeCarbonCSV.row(for: report, scope: scope, projectName: "p", experimentID: "e"))
        }
    }

    /// Every duration a report can hold formats, whole minutes where they fit and plain hours beyond.
    @Test func everyDurationFormats() {
        let cases: [(Duration, String)] = [
            (.seconds(1.5), "1.5 s"),
            (.seconds(754), "12 min 34 s"),
            (.seconds(18_120), "5 h 2 min"),
            (.seconds(3_599_999_999), "999999 h 59 min"),
            (.seconds(3.6e9), "1000000 h"),
            (Duration(secondsComponent: Int64.max, attosecondsComponent: 0), "2.562e+15 h"),
            (Duration(secondsComponent: Int64.min, attosecondsComponent: 0), "-9.223e+18 s"),
            (.seconds(-90), "-90 s"),
        ]
        for (duration, text) in cases {
            #expect(Format.duration(duration) == text, "\(duration)")
        }
    }

    @Test func durationFromSecondsSaturatesInsteadOfTrapping() {
        let top = Duration(secondsComponent: Int64.max, attosecondsComponent: 0)
        let bottom = Duration(secondsComponent: Int64.min, attosecondsComponent: 0)
        #expect(Duration.seconds(1e126) == top)
        #expect(Duration.seconds(-1e126) == bottom)
        #expect(Duration.seconds(Double.infinity) == top)
        #expect(Duration.seconds(-Double.infinity) == bottom)
        #expect(Duration.seconds(Double.nan) == .zero)
        // Beyond Int64 nanoseconds (292 years) but within Int64 seconds: exact, not saturated.
        #expect(Duration.seconds(9.3e9) == .seconds(9_300_000_000 as Int64))
        #expect(Duration.seconds(1.5) == .milliseconds(1500))
        #expect(Duration.seconds(-2.5e-9) == .nanoseconds(-3))
    }

    static let hugeIntervalReport = #"""
{"carbon":{"hostGrams":7.666666666666666,"intensity":{"gramsPerKWh":400,"location":{"countryISO3":"DEU","countryName":"Germany"},"method":{"kind":"estimated","source":"owid-ember"},"year":2023},"processGrams":3.6666666666666665},"createdAt":"0223-11-14T22:15:01.000Z","energy":{"components":[{"activeJoules":8000,"attributionMethod":{"kind":"derived","source":"cpu-time-share"},"idleJoules":2000,"idleMethod":{"kind":"measured","source":"rapl"},"joules":10000,"kind":"cpu","meanWatts":100,"method":{"kind":"measured","source":"rapl"},"name":"package-0","processJoules":4000},{"activeJoules":32400,"attributionMethod":{"kind":"derived","source":"cpu-time-share"},"idleJoules":3600,"idleMethod":{"kind":"measured","source":"rapl"},"joules":36000,"kind":"gpu","meanWatts":360,"method":{"kind":"measured","source":"nvml-energy"},"name":"gpu-0 NVIDIA H100 80GB HBM3","processJoules":18000}],"host":{"activeJoules":40400,"idleJoules":5600,"meanWatts":460,"totalJoules":46000},"hostFacilityJoules":69000,"process":{"joules":22000,"method":{"kind":"derived","source":"cpu-time-share"},"shareOfActive":0.5445544554455446},"processFacilityJoules":33000,"pue":{"method":{"kind":"user","source":"pue"},"value":1.5}},"host":{"cpuModel":"AMD EPYC 7763 64-Core Processor","gpus":[{"index":0,"name":"NVIDIA H100 80GB HBM3"}],"hostname":"h","logicalC0PUs":8,"memoryBytes":17179869184,"os":"Linux 6.1.0"},"id":"run-1","kind":"run","notes":[],"process":{"cpuSeconds":400,"meanRSSBytes":2147483648,"method":{"kind":"measured","source":"procfs"},"peakRSSBytes":3221225472,"peakThreads":10,"processesSeen":2,"systemCPUSeconds":100,"userCPUSeconds":300},"run":{"command":["python","train.py"],"durationSeconds":100,"endedAt":"2023-11-14T22:15:00.000Z","exit":{"code":0,"coreDumped":false,"status":"exited"},"intervalSeconds":111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111,"samples":100,"startedAt":"1011-11-14T22:13:20.000Z"},"schema":"greenlight-report","schemaVersion":"1.1.0","tool":{"name":"greenlight","version":"0.1.0"}}
"""#
}
