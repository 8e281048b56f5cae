import GreenlightCore
import GreenlightTestSupport
import Testing

@Suite struct HardwareCatalogueTests {
    let catalogue = HardwareCatalogue.bundled

    @Test(arguments: [
        ("H100 SXM", 700.0), ("H100 PCIe", 350.0), ("H200 SXM", 700.0), ("A100 SXM 80GB", 400.0),
        ("A100 PCIe 80GB", 300.0), ("L40S", 350.0), ("L4", 72.0), ("A10", 150.0), ("T4", 70.0),
        ("V100 SXM2", 300.0), ("RTX 4090", 450.0), ("B200", 1000.0), ("MI300X", 750.0),
        ("EPYC 9654", 360.0), ("Xeon Platinum 8480+", 350.0),
    ])
    func requiredDevicesAndTDPs(_ name: String, _ watts: Double) throws {
        let d = try catalogue.device(named: name)
        #expect(d.name == name)
        #expect(d.tdp.watts == watts)
        #expect(!d.source.isEmpty)
        #expect(d.tdpFigure.method.label == "estimated:hardware-catalogue")
    }

    @Test(arguments: [
        ("H100", "H100 SXM"), ("h100", "H100 SXM"), ("NVIDIA H100 80GB HBM3", "H100 SXM"), ("h100-sxm", "H100 SXM"),
        ("a100", "A100 SXM 80GB"), ("NVIDIA A100-SXM4-80GB", "A100 SXM 80GB"), ("nvidia l4", "L4"),
        ("Tesla T4", "T4"), ("AMD Instinct MI300X", "MI300X"), ("mi300x", "MI300X"), ("geforce rtx 4090", "RTX 4090"),
        ("NVIDIA H100 PCIe", "H100 PCIe"), ("h200", "H200 SXM"),
    ])
    func aliases(_ input: String, _ name: String) throws {
        #expect(try catalogue.device(named: input).name == name)
    }

    @Test func denseBF16Rates() throws {
        #expect(try catalogue.device(named: "H100").peak(.bf16) == 989.5e12)
        #expect(try catalogue.device(named: "A100").peak(.bf16) == 312e12)
        #expect(try catalogue.device(named: "MI300X").peak(.fp8) == 2614.9e12)
        #expect(try catalogue.device(named: "T4").peak(.bf16) == nil)
        #expect(try catalogue.device(named: "EPYC 9654").kind == .cpu)
        // Every GPU has at least an fp32 figure; every figure is positive.
        for d in catalogue.devices where d.kind == .gpu {
            #expect(d.peak(.fp32) != nil, "\(d.name)")
            #expect(d.peakFLOPS.values.allSatisfy { $0 > 0 })
        }
    }

    @Test func unknownDeviceSuggests() throws {
        // The suggestion is what the user acts on, so the message is checked for it.
        let e = try #require(expectCode(.notFound) { try catalogue.device(named: "H10") })
        #expect(e.message.contains("H100 SXM"))
        expectCode(.notFound) { try catalogue.device(named: "TPU v5p") }
    }

    @Test func precisionParsing() throws {
        #expect(try Precision(parsing: "BF16") == .bf16)
        #expect(try Precision(parsing: "bfloat16") == .bf16)
        #expect(try Precision(parsing: "half") == .fp16)
        #expect(try Precision(parsing: "float32") == .fp32)
        let e = try #require(expectCode(.notFound) { try Precision(parsing: "bf61") })
        #expect(e.message.contains("bf16"), "suggests the closest")
    }
}
