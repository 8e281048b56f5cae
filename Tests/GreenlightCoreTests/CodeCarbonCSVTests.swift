import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

private func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("greenlight-csv-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// A measured run with every section filled in, with numbers easy to check by hand.
private func handMadeReport(id: String = "run-1", location: Location = Location(countryISO3: "DEU", countryName: "Germany")) -> Report {
    let started = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14T22:13:20Z
    let measured = Method(.measured, "rapl")
    let share = Method(.derived, "cpu-time-share")
    let components = [
        EnergyComponent(kind: .cpu, name: "package-0", energy: Energy(joules: 10_000), idleEnergy: Energy(joules: 2_000),
                        processEnergy: Energy(joules: 4_000), meanPower: Power(watts: 100), method: measured, idleMethod: measured, attributionMethod: share),
        EnergyComponent(kind: .dram, name: "dram-0", energy: Energy(joules: 1_000), idleEnergy: Energy(joules: 500),
                        processEnergy: Energy(joules: 250), meanPower: Power(watts: 10), method: measured, idleMethod: measured, attributionMethod: share),
        EnergyComponent(kind: .gpu, name: "gpu-0 NVIDIA H100 80GB HBM3", energy: Energy(joules: 36_000), idleEnergy: Energy(joules: 3_600),
                        processEnergy: Energy(joules: 18_000), meanPower: Power(watts: 360), method: Method(.measured, "nvml-energy"),
                        idleMethod: measured, attributionMethod: share),
    ]
    let energy = EnergySection.summing(components, duration: .seconds(100), pue: Figure(1.5, Method(.user, "pue")), processMethod: share)
    let intensity = IntensityFigure(value: CarbonIntensity(gramsPerKilowattHour: 400), method: Method(.estimated, "owid-ember"), location: location, year: 2023)
    let carbon = CarbonSection(intensity: intensity, process: intensity.value * energy.processFacilityEnergy, host: intensity.value * energy.hostFacilityEnergy)
    return Report(
        kind: .run, id: id, createdAt: started.addingTimeInterval(101),
        host: HostInfo(hostname: "h", os: "Linux 6.1.0", cpuModel: "AMD EPYC 7763 64-Core Processor", logicalCPUs: 8,
                       memoryBytes: 16 << 30, gpus: [GPUInfo(index: 0, name: "NVIDIA H100 80GB HBM3"), GPUInfo(index: 1, name: "NVIDIA H100 80GB HBM3")]),
        run: RunInfo(command: ["python", "train.py"], startedAt: started, endedAt: started.addingTimeInterval(100), duration: .seconds(100),
                     exit: ExitInfo(status: .exited, code: 0), interval: .seconds(1), samples: 100),
        process: ProcessUsage(userCPU: .seconds(300), systemCPU: .seconds(100), peakRSSBytes: 3 << 30, meanRSSBytes: 2 << 30,
                              peakThreads: 10, processesSeen: 2, method: Method(.measured, "procfs")),
        energy: energy, carbon: carbon)
}

private func column(_ row: [String], _ name: String) -> String {
    row[CodeCarbonCSV.header.firstIndex(of: name)!]
}

private func number(_ row: [String], _ name: String) throws -> Double {
    try #require(Double(column(row, name)), "\(name) = '\(column(row, name))'")
}

@Suite struct CodeCarbonCSVTests {
    @Test func headerMatchesCodeCarbonFixtureByteForByte() throws {
        let url = try #require(Bundle.module.url(forResource: "codecarbon-header", withExtension: "csv", subdirectory: "Fixtures"))
        let fixture = try Data(contentsOf: url)
        #expect(Data(CodeCarbonCSV.line(CodeCarbonCSV.header).utf8) == fixture)
        #expect(CodeCarbonCSV.header.count == 38)
    }

    @Test func processScopeValuesAndUnits() throws {
        let row = CodeCarbonCSV.row(for: handMadeReport(), scope: .process, projectName: "proj", experimentID: "exp")
        #expect(row.count == 38)
        #expect(column(row, "timestamp") == "2023-11-14T22:15:00")  // the end of the run, UTC
        #expect(column(row, "project_name") == "proj")
        #expect(column(row, "run_id") == "run-1")
        #expect(column(row, "experiment_id") == "exp")
        #expect(try number(row, "duration") == 100)
        // Process energies × PUE 1.5: cpu 6000 J, gpu 27000 J, ram 375 J.
        #expect(abs(try number(row, "cpu_energy") - 6_000 / 3.6e6) < 1e-15)
        #expect(abs(try number(row, "gpu_energy") - 27_000 / 3.6e6) < 1e-15)
        #expect(abs(try number(row, "ram_energy") - 375 / 3.6e6) < 1e-15)
        #expect(abs(try number(row, "energy_consumed") - 33_375 / 3.6e6) < 1e-15)
        #expect(abs(try number(row, "cpu_power") - 60) < 1e-9)
        #expect(abs(try number(row, "gpu_power") - 270) < 1e-9)
        #expect(abs(try number(row, "ram_power") - 3.75) < 1e-9)
        // 33375 J = 0.00927083 kWh × 400 g/kWh = 3.7083 g = 0.0037083 kg.
        let kg = 33_375 / 3.6e6 * 400 / 1000
        #expect(abs(try number(row, "emissions") - kg) < 1e-12)
        #expect(abs(try number(row, "emissions_rate") - kg / 100) < 1e-14)
        #expect(column(row, "country_name") == "Germany")
        #expect(column(row, "country_iso_code") == "DEU")
        #expect(column(row, "region") == "")
        #expect(column(row, "os") == "Linux 6.1.0")
        #expect(column(row, "python_version") == "")
        #expect(column(row, "codecarbon_version") == "greenlight-\(GreenlightVersion.string)")
        #expect(column(row, "cpu_count") == "8")
        #expect(column(row, "cpu_model") == "AMD EPYC 7763 64-Core Processor")
        #expect(column(row, "gpu_count") == "2")
        #expect(column(row, "gpu_model") == "2 x NVIDIA H100 80GB HBM3")
        #expect(column(row, "longitude") == "" && column(row, "latitude") == "")
        #expect(try number(row, "ram_total_size") == 16)
        #expect(column(row, "tracking_mode") == "process")
        // 400 CPU-seconds over 100 s on 8 CPUs = 50 %; 2 GiB of 16 GiB = 12.5 %.
        #expect(try number(row, "cpu_utilization_percent") == 50)
        #expect(column(row, "gpu_utilization_percent") == "")
        #expect(try number(row, "ram_utilization_percent") == 12.5)
        #expect(try number(row, "ram_used_gb") == 2)
        #expect(column(row, "on_cloud") == "N")
        #expect(try number(row, "pue") == 1.5)
        #expect(try number(row, "wue") == 0)
        #expect(try number(row, "water_consumed") == 0)
    }

    @Test func machineScopeUsesHostFigures() throws {
        let report = handMadeReport()
        let row = CodeCarbonCSV.row(for: report, scope: .machine, projectName: "p", experimentID: "")
        #expect(abs(try number(row, "cpu_energy") - 15_000 / 3.6e6) < 1e-15)
        #expect(abs(try number(row, "gpu_energy") - 54_000 / 3.6e6) < 1e-15)
        #expect(abs(try number(row, "ram_energy") - 1_500 / 3.6e6) < 1e-15)
        #expect(abs(try number(row, "cpu_power") - 150) < 1e-9)
        #expect(abs(try number(row, "emissions") - (try #require(report.carbon)).host.kilograms) < 1e-15)
        #expect(column(row, "tracking_mode") == "machine")
        #expect(column(row, "cpu_utilization_percent") == "")
    }

    @Test func cloudLocationAndEstimate() throws {
        let r = try Estimator.estimate(EstimateRequest(device: "H100", count: 8, work: .hours(1), location: .cloud(provider: "gcp", region: "us-central1")))
        let row = CodeCarbonCSV.row(for: r, scope: .process, projectName: "p", experimentID: "")
        #expect(column(row, "on_cloud") == "Y")
        #expect(column(row, "cloud_provider") == "gcp")
        #expect(column(row, "cloud_region") == "us-central1")
        #expect(column(row, "region") == "Iowa")
        #expect(column(row, "gpu_count") == "8")
        #expect(column(row, "gpu_model") == "8 x H100 SXM")
        #expect(try number(row, "gpu_utilization_percent") == 100)
        #expect(abs(try number(row, "gpu_energy") - 5.6) < 1e-12)
        #expect(try number(row, "duration") == 3600)
    }

    @Test func rfc4180Quoting() {
        #expect(CodeCarbonCSV.line(["a", "b,c", "say \"hi\"", "two\nlines", ""]) == "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\n")
    }

    @Test func appendWritesHeaderOnceThenRows() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("emissions.csv").path
        try CodeCarbonCSV.append(handMadeReport(id: "a"), to: path, scope: .process)
        try CodeCarbonCSV.append(handMadeReport(id: "b", location: Location(countryName: "Korea, Republic of")), to: path, scope: .machine, projectName: "x", experimentID: "e")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4 && lines.last == "")
        #expect(String(lines[0]) + "\n" == CodeCarbonCSV.line(CodeCarbonCSV.header))
        #expect(lines[2].contains("\"Korea, Republic of\""))
        #expect(lines[2].contains(",machine,"))
    }

    @Test func appendRefusesForeignHeaderAndLeavesFileUntouched() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("other.csv").path
        let original = "a,b,c\n1,2,3\n"
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        expectCode(.invalidInput) { try CodeCarbonCSV.append(handMadeReport(), to: path, scope: .process) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == original)
    }

    @Test func appendFollowsReorderedHeaderAndMissingFinalNewline() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("reordered.csv").path
        let reversed = Array(CodeCarbonCSV.header.reversed())
        try (reversed.joined(separator: ",") + "\n" + Array(repeating: "x", count: 38).joined(separator: ",")).write(toFile: path, atomically: true, encoding: .utf8)
        try CodeCarbonCSV.append(handMadeReport(id: "rev"), to: path, scope: .process)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let fields = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let expected = CodeCarbonCSV.row(for: handMadeReport(id: "rev"), scope: .process, projectName: "greenlight", experimentID: "")
        #expect(fields == expected.reversed())
    }

    @Test func concurrentAppendsLoseAndInterleaveNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("concurrent.csv").path
        let writers = 8, rows = 25
        let failures = ErrorCounter()
        DispatchQueue.concurrentPerform(iterations: writers) { w in
            for i in 0..<rows {
                do {
                    try CodeCarbonCSV.append(handMadeReport(id: "w\(w)-r\(i)"), to: path, scope: .process, projectName: "concurrent")
                } catch {
                    failures.increment()
                }
            }
        }
        #expect(failures.value == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 1 + writers * rows)
        let headerLine = CodeCarbonCSV.header.joined(separator: ",")
        #expect(lines.filter { $0 == headerLine }.count == 1)
        #expect(lines.first == headerLine)
        var ids = Set<String>()
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields.count == 38, "interleaved line: \(line)")
            if fields.count == 38 { ids.insert(String(fields[2])) }
        }
        #expect(ids.count == writers * rows)
    }
}

/// A thread-safe counter for the concurrency test.
private final class ErrorCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
