import Foundation
import GreenlightCore
@testable import GreenlightPrivacy
import GreenlightTestSupport
import Testing

/// Vectors from the age testkit (C2SP/CCTV `age/testdata`, also FiloSottile/age `testdata/testkit`; 0BSD/CC0),
/// the textual part of each file as published. The binary payloads of those files are not reproduced here: every
/// vector below fails or succeeds in the header, so each test appends a payload made with the vector's file key
/// (a valid STREAM of "age", the payload all these vectors carry). Payload rules are covered by AgeStreamTests.
struct AgeTestkitVector: Sendable, CustomStringConvertible {
    enum Expect: String, Sendable {
        case success, noMatch = "no match", hmacFailure = "HMAC failure", headerFailure = "header failure"
    }

    var name: String
    var expect: Expect
    var identities: [String] = []
    var passphrases: [String] = []
    var header: String
    /// Applied to the header's bytes: the vectors with CR characters, which the published text lost.
    var transform: (@Sendable ([UInt8]) -> [UInt8])?

    var description: String { name }
}

/// "YELLOW SUBMARINE", the file key of every vector.
let testkitFileKey = Array("YELLOW SUBMARINE".utf8)
let idX = "AGE-SECRET-KEY-1XMWWC06LY3EE5RYTXM9MFLAZ2U56JJJ36S0MYPDRWSVLUL66MV4QX3S7F6"
let idE = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"
let id4 = "AGE-SECRET-KEY-143WN7DCXU4G8R5AXQSSYD9AEPYDNT3HXSLWSPK36CDU6E8M59SSSAGZ3KG"
let stanzaX = "-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\nEmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U\n"
let stanzaE = "-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\nhjabGXwSLQ9c3S6Lw2i+S2Tu2fiwQHHslbBN6B41FLE\n"
let v1 = "age-encryption.org/v1\n"

let testkitVectors: [AgeTestkitVector] = [
    .init(name: "x25519", expect: .success, identities: [idX],
          header: v1 + stanzaX + "--- Vn+54jqiiUCE+WZcEVY3f1sqHjlu/z1LCQ/T7Xm7qI0\n"),
    .init(name: "x25519_multiple_recipients", expect: .success, identities: [idX], header: v1
        + "-> X25519 ajtqAvDEkVNr2B7zUOtq2mAQXDSBlNrVAuM/dKb5sT4\n0evrK/HQXVsQ4YaDe+659l5OQzvAzD2ytLGHQLQiqxg\n"
        + "-> X25519 0qC7u6AbLxuwnM8tPFOWVtWZn/ZZe7z7gcsP5kgA0FI\nT/PZg76MmVt2IaLntrxppzDnzeFDYHsHFcnTnhbRLQ8\n"
        + "--- 7W07ef2PhsTAl74pn+9vSj/Xzukwa6SuTqMc16cdBk0\n"),
    .init(name: "x25519_grease", expect: .success, identities: [idX],
          header: v1 + "-> grease\n\n" + stanzaX + "-> grease\n\n--- 7NLrfbRUZt6qK0pdtARUf59dHwo12ReldjJKjMlbE3I\n"),
    .init(name: "stanza_empty_body", expect: .success, identities: [idX],
          header: v1 + stanzaX + "-> empty\n\n--- 697zSC9pa/ZLNIaXGtuwcUobmxv+Dpx48Hv0papk5c0\n"),
    .init(name: "stanza_empty_last_line", expect: .success, identities: [idX], header: v1 + stanzaX
        + "-> stanza\nQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n\n"
        + "--- +3PC416gxa7Mk7WxpX0kb6DVfSuCun0niGre+G4bZhE\n"),
    .init(name: "stanza_valid_characters", expect: .success, identities: [idX], header: v1
        + "-> !\"#$%&' ()*+,-./ 01234567 89:;<=>? @ABCDEFG HIJKLMNO\n\n"
        + "-> PQRSTUVW XYZ[\\]^_ `abcdefg hijklmno pqrstuvw xyz{|}~\n\n"
        + stanzaX + "--- x538z9xJq9XEK1aTTTv80aWDVvVdROvaXn2tpqXPC8g\n"),
    .init(name: "valid_characters", expect: .success, identities: [idX], header: v1
        + "-> !\"#$%&' ()*+,-./ 01234567 89:;<=>? @ABCDEFG HIJKLMNO PQRSTUVW XYZ[\\]^_ `abcdefg hijklmno pqrstuvw xyz{|}~\n\n"
        + stanzaX + "--- XdSsgCFKtyPBxU0ard+ElUYUfOp6XQtDhzDGFUCLbjo\n"),
    .init(name: "x25519_lowercase", expect: .noMatch, identities: [idX], header: v1
        + "-> x25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\nEmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U\n"
        + "--- SwXKO3dXLh9l5QiSgMWgPhCkwstT8oB4jLDv7aBgC+c\n"),
    .init(name: "x25519_no_match", expect: .noMatch, identities: [id4], header: v1
        + "-> X25519 ajtqAvDEkVNr2B7zUOtq2mAQXDSBlNrVAuM/dKb5sT4\nHUKtz0R2j5Bl2ER7HhAZrURikCFpiIjNa0KjHcjbAGU\n"
        + "--- rrpTlvKEKrK3EqhoOPJeP1KE8O1d2arrRez77mwekRc\n"),
    .init(name: "x25519_bad_tag", expect: .noMatch, identities: [idX], header: v1
        + "-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\nEmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw0o\n"
        + "--- tG0k9bg4iIuBdMWb13n7FFYDzoBbtsLppNLhbh22aKg\n"),
    .init(name: "x25519_low_order", expect: .headerFailure, identities: [idE], header: v1
        + "-> X25519 X5yVvKNQjCSx0LFVnIPvWwREXMRYHI6G2CJO3dCfEdc\n3E0NpFans/m0WLWF7+54ZBdNj3iqQqpraGDFiaRkvBA\n"
        + "--- sXw327YMT1/ULXe+ZyRMbMY0Z2jnWHGgI9j1we6yQ8A\n"),
    .init(name: "x25519_identity", expect: .headerFailure, identities: [idE], header: v1
        + "-> X25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nW3E/OCRme9TiTY97JoK31Z71arNur77WIIdB90XnN3M\n"
        + "--- Pne3IPMDvBj7wRbPMcNViffpVZAx814tgMxp8AwyMhs\n"),
    .init(name: "x25519_short_share", expect: .headerFailure, identities: [idE], header: v1
        + "-> X25519 l7o4oTX9X5E3/KODa/7CQ0CrA9fKMWsm9IJjYzSlJg\nyUGP5aPob6YJ+vzRfBtDT9D1K/wmyheZE/Xl/mDSKA4\n"
        + "--- Zn1/VRtHpD93HtIXSv1S++POXeKcQF7w1+hpXhMiAbk\n"),
    .init(name: "x25519_not_canonical_share", expect: .headerFailure, identities: [idX], header: v1
        + "-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCd\nEmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U\n"
        + "--- AO6haEGU6BGJ8Tzeqnr2fSLEo31JrWodGtZuCZmijI8\n"),
    .init(name: "x25519_not_canonical_body", expect: .headerFailure, identities: [idX], header: v1
        + "-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\nEmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7V\n"
        + "--- eSjjCjQyp30yHDPwCztKS+1txs+aoCa5ERz8jeEp+9A\n"),
    .init(name: "x25519_extra_argument", expect: .headerFailure, identities: [idX], header: v1
        + "-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc 1234\nEmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U\n"
        + "--- hQQySEUXL8pOuIOuw0qXzi66RphDJP9IKMNEChNJIPk\n"),
    .init(name: "version_unsupported", expect: .headerFailure, identities: [idX],
          header: "age-encryption.org/v1234\n" + stanzaX + "--- 38AL8Mr4VwmS6CNbM4bc7u3WwGBDqsMTRHOuYJ9ckqs\n"),
    .init(name: "header_crlf", expect: .headerFailure, identities: [idE],
          header: v1 + stanzaE + "--- 2KIGb7ye32MWtUuEVWkO3MP6qCDLzOvT9wF06lelBSI\n",
          transform: { bytes in bytes.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] } }),
    .init(name: "hmac_extra_space", expect: .headerFailure, identities: [idE],
          header: v1 + stanzaE + "---  WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg\n"),
    .init(name: "hmac_garbage", expect: .headerFailure, identities: [idE],
          header: v1 + stanzaE + "--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNgAAA\n"),
    .init(name: "hmac_missing", expect: .headerFailure, identities: [idE], header: v1 + stanzaE + "--- \n"),
    .init(name: "hmac_no_space", expect: .headerFailure, identities: [idE],
          header: v1 + stanzaE + "---WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg\n"),
    .init(name: "hmac_not_canonical", expect: .headerFailure, identities: [idE],
          header: v1 + stanzaE + "--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNh\n"),
    .init(name: "hmac_trailing_space", expect: .headerFailure, identities: [idE],
          header: v1 + stanzaE + "--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg \n"),
    .init(name: "hmac_truncated", expect: .headerFailure, identities: [idE], header: v1 + stanzaE + "--- WyJp\n"),
    .init(name: "stanza_bad_start", expect: .headerFailure, identities: [idX],
          header: v1 + stanzaX + "-- stanza\n\n--- lpxzkyQGe/sA7F1yh4c6KVZV7//jANm5lYefTToioXs\n"),
    .init(name: "stanza_base64_padding", expect: .headerFailure, identities: [idX], header: v1 + stanzaX
        + "-> stanza\nQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\nQUE=\n"
        + "--- OtG7IuNHaf2SHZuowmxg/fhbhtz0/DI5g5OGd7WH7S0\n"),
    .init(name: "stanza_empty_argument", expect: .headerFailure, identities: [idX],
          header: v1 + stanzaX + "-> stanza  argument\n\n--- bosBxVRBzKF9emyxQ9BERq7+D5JKU+lvbEsL8UHJ/SA\n"),
    .init(name: "stanza_invalid_character", expect: .headerFailure, identities: [idX],
          header: v1 + stanzaX + "-> stanza \u{E8}\n\n--- sTIB/0Fc74rhpjC4RAxoR3E01eVTTnWruaD+c5QWjKI\n"),
    .init(name: "stanza_long_line", expect: .headerFailure, identities: [idX], header: v1 + stanzaX
        + "-> stanza\n" + String(repeating: "A", count: 68) + "\n\n--- tnRUR2vmmU92czsjnioF5ujgXUetUhzUoQPPGT9wmug\n"),
    .init(name: "stanza_missing_body", expect: .headerFailure, identities: [idX],
          header: v1 + stanzaX + "-> empty\n--- CDgFIIJ1wE4CpW6zG+LVZ6/G/RCNTH6ZUVGp2NbeIkU\n"),
    .init(name: "stanza_missing_final_line", expect: .headerFailure, identities: [idX], header: v1 + stanzaX
        + "-> stanza\n" + String(repeating: "A", count: 64) + "\n--- GRjUy1ShNhFoV3cQikdtUZqDeDEZSrbtNXUgDtDbwC8\n"),
    .init(name: "stanza_multiple_short_lines", expect: .headerFailure, identities: [idX], header: v1 + stanzaX
        + "-> stanza\n" + String(repeating: "A", count: 32) + "\n" + String(repeating: "A", count: 32)
        + "\n--- ct87HSIMoTC4nUsQva+8AeKc2bK2q8b9sPjRhjuf1us\n"),
    .init(name: "stanza_no_arguments", expect: .headerFailure, identities: [idX],
          header: v1 + stanzaX + "->\n\n--- B0qjnUjVajTa8I4Uia49g1c4DMQQN6u9m9QOSS1HLks\n"),
    .init(name: "stanza_not_canonical", expect: .headerFailure, identities: [idX], header: v1 + stanzaX
        + "-> stanza\nQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\nQUF\n"
        + "--- nQM2VCzmNLPrUurNWN+SW9wVp/9uTMQ/6CTUM7l8c84\n"),
    // The published text lost the CR that ends the 63 A's.
    .init(name: "stanza_spurious_cr", expect: .headerFailure, identities: [idX], header: v1 + stanzaX
        + "-> stanza\n" + String(repeating: "A", count: 63) + "\r\n--- MZaFAh8ldzU0F88NJjLx5yd7fnd57XS5COowmgvQtXQ\n"),
    .init(name: "scrypt_and_x25519", expect: .headerFailure, identities: [id4], passphrases: ["password"], header: v1
        + "-> X25519 ajtqAvDEkVNr2B7zUOtq2mAQXDSBlNrVAuM/dKb5sT4\nU+hKlJ4isweJ9PKG7pgscmG3cPASLgTw7SOBpbZ8x2U\n"
        + "-> scrypt 3d9y0G+8q1ffPQ0xJJatIQ 10\nfoZolxuhRSL7IG7oaR+456IzkHtvue7j4mUjh3DB6EI\n"
        + "--- yp4Z0lV1LEdkm1+uDCuPUV+9hIXbPKrBXKQ/f5Y03As\n"),
    .init(name: "scrypt_double", expect: .headerFailure, passphrases: ["password", "hunter2"], header: v1
        + "-> scrypt rF0/NwblUHHTpgQgRpe5CQ 10\ngUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY\n"
        + "-> scrypt GzXG5ofdANo6w3msn3QsIQ 10\nOveITuwxakv7k2oLnioNYF4Bhgz9KZ36pb098wDoAv8\n"
        + "--- a5d+4Ay1evJhoDskIzuTZV9bBgKk4573VZNfuoWJDPE\n"),
    .init(name: "scrypt_work_factor_23", expect: .headerFailure, passphrases: ["password"], header: v1
        + "-> scrypt rF0/NwblUHHTpgQgRpe5CQ 23\nqW9eVsT0NVb/Vswtw8kPIxUnaYmm9Px1dYmq2+4+qZA\n"
        + "--- 38TpQMxQRRNMfmYYpBX6DDrPx4/QY5UmJnhPyVoX/cw\n"),
    .init(name: "scrypt_work_factor_negative", expect: .headerFailure, passphrases: ["password"], header: v1
        + "-> scrypt rF0/NwblUHHTpgQgRpe5CQ -10\ngUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY\n"
        + "--- 8i2OZ5glMFFnnNyfhPN9VvvEDsJzw/Q8X4th/e7rjC0\n"),
    .init(name: "scrypt_work_factor_zero", expect: .headerFailure, passphrases: ["password"], header: v1
        + "-> scrypt rF0/NwblUHHTpgQgRpe5CQ 0\ngUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY\n"
        + "--- a+ZwnySFgU+1ZDOps5Ba45mz9PC/mrkOlb068FfXMS8\n"),
    .init(name: "scrypt_not_canonical_salt", expect: .headerFailure, passphrases: ["password"], header: v1
        + "-> scrypt rF0/NwblUHHTpgQgRpe5CR 10\ngUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY\n"
        + "--- ICTA8viD2DrPbktjxaSm4Pvgd3DKGiJSL/vdStr9MYs\n"),
    .init(name: "scrypt_salt_missing", expect: .headerFailure, passphrases: ["password"], header: v1
        + "-> scrypt 10\nW0mMthyhNJOV3debCwkQcUlNx/i6Ss/A07aQCrG5Gcw\n"
        + "--- 1QsPcEbBSylfP4apakJqtDBJMrpd81rPuSLTCvdZx6E\n"),
]

@Suite("age testkit vectors")
struct AgeTestkitTests {
    static func classify(_ error: any Error) -> AgeTestkitVector.Expect? {
        // Each failure but a malformed header has one fixed error; a malformed header says what is wrong with it.
        guard let e = error as? GreenlightError, e.code == .invalidInput else { return nil }
        if e == AgeError.noMatch { return .noMatch }
        if e == AgeError.headerMAC { return .hmacFailure }
        return e == AgeError.payload ? nil : .headerFailure
    }

    @Test("each vector fails or succeeds as the testkit expects", arguments: testkitVectors)
    func vector(_ v: AgeTestkitVector) throws {
        var header = Array(v.header.utf8)
        if let transform = v.transform { header = transform(header) }
        let payload = try AgeStream.craftPayload(fileKey: testkitFileKey, nonce: Array(repeating: 7, count: 16),
                                                 chunks: [(Array("age".utf8), true)])
        var identities: [any AgeIdentity] = try v.identities.map { try AgeX25519Identity($0) }
        identities += v.passphrases.map { AgeScryptIdentity(passphrase: $0) }
        let file = Data(header + payload)
        switch v.expect {
        case .success:
            #expect(try AgeDecryptor.decrypt(file, identities: identities) == Data("age".utf8))
        default:
            do {
                let out = try AgeDecryptor.decrypt(file, identities: identities)
                Issue.record("\(v.name) decrypted (\(out.count) bytes) but should fail: \(v.expect.rawValue)")
            } catch {
                #expect(Self.classify(error) == v.expect, "\(v.name): \(error)")
            }
        }
    }

    @Test("the header MAC line of an unaltered vector header verifies, and a flipped MAC is an HMAC failure")
    func hmacControl() throws {
        // hmac_* vectors alter this line; unaltered, it is the header's true MAC.
        let good = v1 + stanzaE + "--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg\n"
        let bad = v1 + stanzaE + "--- XyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg\n"
        let payload = try AgeStream.craftPayload(fileKey: testkitFileKey, nonce: Array(repeating: 1, count: 16), chunks: [(Array("age".utf8), true)])
        let identity = try AgeX25519Identity(idE)
        #expect(try AgeDecryptor.decrypt(Data(Array(good.utf8) + payload), identities: [identity]) == Data("age".utf8))
        #expect(throws: AgeError.headerMAC) { try AgeDecryptor.decrypt(Data(Array(bad.utf8) + payload), identities: [identity]) }
    }

    @Test("scrypt known answers: the testkit's stanzas unwrap to the file key")
    func scryptKnownAnswer() throws {
        let stanza = AgeStanza(type: "scrypt", arguments: ["rF0/NwblUHHTpgQgRpe5CQ", "10"],
                               body: try #require(AgeBase64.decode("gUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY")))
        #expect(try AgeScryptIdentity(passphrase: "password").unwrap([stanza]) == testkitFileKey)
        #expect(try AgeScryptIdentity(passphrase: "hunter2").unwrap([stanza]) == nil)
        // The work factor limit is checked before any scrypt work.
        #expect(throws: GreenlightError.self) { try AgeScryptIdentity(passphrase: "password", maxWorkFactor: 9).unwrap([stanza]) }
    }

    @Test("X25519 known answer: the testkit's stanza unwraps to the file key")
    func x25519KnownAnswer() throws {
        let stanza = AgeStanza(type: "X25519", arguments: ["TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc"],
                               body: try #require(AgeBase64.decode("EmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U")))
        #expect(try AgeX25519Identity(idX).unwrap([stanza]) == testkitFileKey)
        #expect(try AgeX25519Identity(idE).unwrap([stanza]) == nil)
    }
}
