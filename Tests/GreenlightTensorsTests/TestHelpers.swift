import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

/// A temporary directory removed at the end of a test.
final class Scratch {
    let url: URL
    init() throws { url = try TestSupport.temporaryDirectory() }
    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let p = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    /// Every entry in the directory (temporary files included).
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}

func readBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Expects `body` to throw a ``GreenlightError`` with `code` whose message contains `fragment`; returns the message.
///
/// The code is what callers decide on. The fragment says which of the format's many rules rejected the input
/// (every one of them is `invalidInput`), which no field of the error carries.
@discardableResult
func expectError(
    _ fragment: String, code: GreenlightError.Code = .invalidInput, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> String? {
    guard let error = expectCode(code, "\(fragment)", sourceLocation: sourceLocation, body) else { return nil }
    #expect(error.message.contains(fragment), "message: \(error.message)", sourceLocation: sourceLocation)
    return error.message
}

/// Little-endian byte building for hand-made files.
struct Bytes {
    var data: [UInt8] = []
    mutating func u8(_ v: UInt8) { data.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func raw(_ s: String) { data.append(contentsOf: Array(s.utf8)) }
    mutating func str(_ s: String) { u64(UInt64(s.utf8.count)); raw(s) }
    mutating func zeros(_ n: Int) { data.append(contentsOf: [UInt8](repeating: 0, count: n)) }
    mutating func pad(to alignment: Int) { zeros((alignment - data.count % alignment) % alignment) }
}
