import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

@Suite struct CPUPowerTableTests {
    let table = CPUPowerTable.bundled

    @Test func bundledTableIsCodeCarbons() throws {
        let raw = try String(contentsOf: TestSupport.sharedData.appendingPathComponent("reference/codecarbon/cpu_power.csv"), encoding: .utf8)
        // 4,918 rows, of which four old Celerons have malformed TDPs such as '27.29.5' and one a TDP of 0.
        #expect(raw.split(separator: "\n").count - 1 == 4918)
        #expect(table.count == 4913)
        #expect(table.match(modelName: "Intel Celeron 1000A") == nil)
    }

    @Test(arguments: [
        ("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", "Intel Xeon Platinum 8375C", 300.0),
        ("AMD EPYC 7763 64-Core Processor", "AMD EPYC 7763", 280.0),
        ("AMD Ryzen 9 5950X 16-Core Processor", "AMD Ryzen 9 5950X", 105.0),
        ("Intel(R) Core(TM) i7-10700K CPU @ 3.80GHz", "Intel Core i7-10700K", 125.0),
        ("Apple M1", "Apple M1", 10.0),
        ("AMD EPYC 9654 96-Core Processor", "AMD EPYC 9654", 360.0),
        ("Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz", "Intel Xeon E5-2686 v4", 145.0),
        ("Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", "Intel Xeon Gold 6130", 125.0),
        ("AMD Opteron(tm) Processor 6276", "AMD Opteron 6276", 115.0),
        ("AMD Opteron(tm) Processor 6180 SE", "AMD Opteron 6180 SE", 140.0),
        ("Apple M2", "Apple M2", 22.0),
        ("Apple M2 Pro", "Apple M2 Pro", 35.0),
        ("12th Gen Intel(R) Core(TM) i7-12700H", "Intel Core i7-12700H", 45.0),
        ("  amd   epyc 7763  ", "AMD EPYC 7763", 280.0),
    ])
    func matchesRealModelNames(_ model: String, _ entry: String, _ watts: Double) throws {
        let found = table.match(modelName: model)
        let m = try #require(found, "no match for \(model)")
        #expect(m.entry == entry)
        #expect(m.tdp.watts == watts)
        #expect(m.method.label == "estimated:cpu-tdp-table")
        #expect(m.method.detail == "CodeCarbon 3.3.2 cpu_power.csv: '\(entry)' \(Format.number(watts)) W")
    }

    @Test(arguments: [
        "AMD EPYC", "AMD EPYC Processor", "Intel(R) Xeon(R) CPU @ 2.20GHz", "", "   ", "Apple M9",
        "QEMU Virtual CPU version 2.5+", "Intel(R) Xeon(R) Platinum 9999Z CPU @ 2.90GHz",
    ])
    func vagueOrUnknownNamesDoNotMatch(_ model: String) {
        #expect(table.match(modelName: model) == nil)
    }

    @Test func perThreadFallback() {
        let f = CPUPowerTable.perThreadFallback(threads: 16)
        #expect(f.value.watts == 64)
        #expect(f.method.label == "estimated:per-thread-constant")
        #expect(f.method.detail?.contains("4 W per hardware thread") == true)
    }

    @Test func customTableWithQuotedNames() throws {
        let csv = "Name,TDP\n\"Intel EP80579 Integrated, 1200 MHz\",19.0\nAMD EPYC 7763,280\n"
        let t = try CPUPowerTable(csvData: Data(csv.utf8))
        #expect(t.count == 2)
        #expect(t.match(modelName: "Intel EP80579 Integrated, 1200 MHz")?.tdp.watts == 19)
        #expect(throws: GreenlightError.self) { try CPUPowerTable(csvData: Data("Model,Watts\nx,1\n".utf8)) }
        #expect(try CPUPowerTable(csvData: Data("Name,TDP\nx 1,abc\ny 2,5\n".utf8)).count == 1)
    }
}

@Suite struct PowerModelTests {
    @Test(arguments: [(0.0, 10.0), (1.0, 100.0), (0.5, 55.0), (2.0, 100.0), (-1.0, 10.0), (Double.nan, 10.0)])
    func cpuLinearModel(_ u: Double, _ watts: Double) {
        #expect(abs(CPUPowerModel.power(tdp: Power(watts: 100), utilization: u).watts - watts) < 1e-12)
    }

    @Test func cpuIdleIsTenPercent() {
        #expect(CPUPowerModel.idlePower(tdp: Power(watts: 280)).watts == 28)
        #expect(CPUPowerModel.methodID == "tdp-linear-v1")
        #expect(CPUPowerModel.method(tdp: Power(watts: 280), tdpSource: "table").label == "estimated:tdp-linear-v1")
    }

    @Test func ramThreeWattsPerEightGB() {
        #expect(RAMPowerModel.power(memoryBytes: 8 << 30).watts == 3)
        #expect(RAMPowerModel.power(memoryBytes: 16 << 30).watts == 6)
        #expect(RAMPowerModel.power(memoryBytes: 0).watts == 0)
        #expect(RAMPowerModel.method.label == "estimated:ram-0.375w-per-gb")
    }
}
