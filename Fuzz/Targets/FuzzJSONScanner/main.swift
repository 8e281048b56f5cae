import FuzzSupport
@testable import GreenlightTensors

// The strict JSON parser behind safetensors headers (duplicate keys refused, nesting limited), on any UTF-8 text,
// as SafetensorsHeader calls it after its UTF-8 check.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    guard String(validating: bytes, as: UTF8.self) != nil else { return 0 }
    do {
        let value = try JSONScanner.parse(bytes)
        _ = value.kind
    } catch {
        precondition(error.offset >= 0 && error.offset <= size, "error offset \(error.offset) outside the text")
    }
    return 0
}

writeSeedsIfRequested {
    [
        ("header", Array(#"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}"#.utf8)),
        ("values", Array(#" [1, -0.5e+10, 18446744073709551615, 18446744073709551616, true, false, null, "\u00e9\ud83d\ude00\n\"", {}] "#.utf8)),
        ("deep", Array(String(repeating: "[", count: 130).utf8) + Array(String(repeating: "]", count: 130).utf8)),
        ("dup", Array(#"{"a":1,"a":2}"#.utf8)),
    ]
}

runLibFuzzer(testOneInput)
