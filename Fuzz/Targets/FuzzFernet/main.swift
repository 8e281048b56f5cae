import Crypto
import Foundation
import FuzzSupport
@testable import GreenlightPrivacy

// Fernet tokens under a fixed key: base64url decoding, version and length checks, the HMAC, AES-CBC and its
// padding, TTL and clock-skew arithmetic. Byte 0 picks the mode. Even: the rest is a token as text. Odd: the rest
// is a token's raw fields (timestamp, IV, ciphertext) signed with the real key, so that decryption, padding
// checks and the time rules run on arbitrary ciphertext and timestamps.

let fernet = try! Fernet(key: "dGhpcyBpcyBhIGZpeGVkIGZ1enogZmVybmV0IGtleSE=")
let rotation = try! MultiFernet(keys: ["MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "dGhpcyBpcyBhIGZpeGVkIGZ1enogZmVybmV0IGtleSE="])
let now = Date(timeIntervalSince1970: 1_800_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    guard let mode = bytes.first else { return 0 }
    let token: String
    if mode & 1 == 0 {
        token = String(decoding: bytes.dropFirst(), as: UTF8.self)
        _ = try? Fernet(key: token)
    } else {
        var raw: [UInt8] = [Fernet.version] + bytes.dropFirst()
        let mac = HMAC<SHA256>.authenticationCode(for: raw, using: fernet.signingKey)
        raw += Array(mac)
        token = Fernet.base64URLEncode(Data(raw))
    }
    _ = try? fernet.decrypt(token)
    _ = try? fernet.decrypt(token, ttl: .seconds(3600), now: now)
    _ = try? fernet.decrypt(token, ttl: .seconds(Int64.max), now: now)
    _ = try? fernet.decrypt(token, ttl: .zero, now: Date(timeIntervalSince1970: 0))
    _ = try? fernet.extractTimestamp(token)
    _ = try? rotation.decrypt(token, ttl: .seconds(60), now: now)
    return 0
}

writeSeedsIfRequested {
    let iv = [UInt8](repeating: 0x10, count: 16)
    func token(_ text: String, _ timestamp: UInt64) throws -> [UInt8] {
        [0] + Array(try fernet.encrypt(Data(text.utf8), timestamp: timestamp, iv: iv).utf8)
    }
    func fields(_ timestamp: UInt64, _ ciphertext: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [1]
        withUnsafeBytes(of: timestamp.bigEndian) { out += $0 }
        return out + iv + ciphertext
    }
    return [
        ("token", try token("hello", 1_799_999_000)),
        ("token-empty", try token("", 0)),
        ("token-long", try token(String(repeating: "x", count: 100), UInt64.max)),
        ("fields-one-block", fields(1_800_000_000, [UInt8](repeating: 0xAB, count: 16))),
        ("fields-future", fields(UInt64.max, [UInt8](repeating: 0x01, count: 32))),
        ("python-style", [0] + Array("gAAAAABk0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000==".utf8)),
    ]
}

runLibFuzzer(testOneInput)
