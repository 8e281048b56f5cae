import Foundation
import FuzzSupport
import GreenlightCore

// The run report decoder (Report.decode: schema check, then every section's Codable, ISO 8601 dates, units), and
// what reads a decoded report: the summary, the CodeCarbon CSV row, and encoding it again, which must decode.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Data(fuzzBytes(data, size))
    guard let report = try? Report.decode(from: bytes) else { return 0 }
    _ = ReportSummary.render(report)
    for scope in CodeCarbonCSV.Scope.allCases {
        _ = CodeCarbonCSV.line(CodeCarbonCSV.row(for: report, scope: scope, projectName: "p", experimentID: "e"))
    }
    guard let again = try? report.jsonData() else { return 0 }
    do {
        _ = try Report.decode(from: again)
    } catch {
        preconditionFailure("a decoded report, encoded again, does not decode: \(error)")
    }
    return 0
}

/// A measured run with every section filled in (as in CodeCarbonCSVTests).
func handMadeReport() -> Report {
    let started = Date(timeIntervalSince1970: 1_700_000_000)
    let measured = Method(.measured, "rapl")
    let share = Method(.derived, "cpu-time-share")
    let components = [
        EnergyComponent(kind: .cpu, name: "package-0", energy: Energy(joules: 10_000), idleEnergy: Energy(joules: 2_000),
                        processEnergy: Energy(joules: 4_000), meanPower: Power(watts: 100), method: measured, idleMethod: measured, attributionMethod: share),
        EnergyComponent(kind: .gpu, name: "gpu-0 NVIDIA H100 80GB HBM3", energy: Energy(joules: 36_000), idleEnergy: Energy(joules: 3_600),
                        processEnergy: Energy(joules: 18_000), meanPower: Power(watts: 360), method: Method(.measured, "nvml-energy"),
                        idleMethod: measured, attributionMethod: share),
    ]
    let energy = EnergySection.summing(components, duration: .seconds(100), pue: Figure(1.5, Method(.user, "pue")), processMethod: share)
    let location = Location(countryISO3: "DEU", countryName: "Germany")
    let intensity = IntensityFigure(value: CarbonIntensity(gramsPerKilowattHour: 400), method: Method(.estimated, "owid-ember"), location: location, year: 2023)
    let carbon = CarbonSection(intensity: intensity, process: intensity.value * energy.processFacilityEnergy, host: intensity.value * energy.hostFacilityEnergy)
    return Report(
        kind: .run, id: "run-1", createdAt: started.addingTimeInterval(101),
        host: HostInfo(hostname: "h", os: "Linux 6.1.0", cpuModel: "AMD EPYC 7763 64-Core Processor", logicalCPUs: 8,
                       memoryBytes: 16 << 30, gpus: [GPUInfo(index: 0, name: "NVIDIA H100 80GB HBM3")]),
        run: RunInfo(command: ["python", "train.py"], startedAt: started, endedAt: started.addingTimeInterval(100), duration: .seconds(100),
                     exit: ExitInfo(status: .exited, code: 0), interval: .seconds(1), samples: 100),
        process: ProcessUsage(userCPU: .seconds(300), systemCPU: .seconds(100), peakRSSBytes: 3 << 30, meanRSSBytes: 2 << 30,
                              peakThreads: 10, processesSeen: 2, method: Method(.measured, "procfs")),
        energy: energy, carbon: carbon)
}

writeSeedsIfRequested {
    let report = handMadeReport()
    return [
        ("run", Array(try report.jsonData())),
        ("run-compact", Array(try report.jsonData(pretty: false))),
    ]
}

runLibFuzzer(testOneInput)
