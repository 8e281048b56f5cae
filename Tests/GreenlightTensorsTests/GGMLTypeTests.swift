import Testing
@testable import GreenlightTensors

@Suite struct GGMLTypeTests {
    @Test func blockSizesMatchGGUFPy() {
        #expect(GGMLType.q8_0.byteCount(elements: 64) == 68)
        #expect(GGMLType.q4_K.byteCount(elements: 256) == 144)
        #expect(GGMLType.q4_0.byteCount(elements: 33) == nil)
        #expect(GGMLType(name: "q6_k") == .q6_K)
    }
}
