import Testing
@Test func placeholderMeter() { #expect(Bool(true)) }
