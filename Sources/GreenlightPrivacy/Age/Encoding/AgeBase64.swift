/// Standard base64 (RFC 4648 §4) without `=` padding, as the age header uses it.
///
/// The decoder is strict, as the age spec requires: it rejects padding, characters outside the standard alphabet
/// (including whitespace and CR) and non-canonical encodings, whose unused trailing bits are not zero.
enum AgeBase64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 0xFF for bytes outside the alphabet.
    static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    static func isBase64Character(_ c: UInt8) -> Bool { values[Int(c)] != 0xFF }

    /// Encodes without padding.
    static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var it = bytes.makeIterator()
        while let a = it.next() {
            let b = it.next(), c = it.next()
            out.append(alphabet[Int(a >> 2)])
            out.append(alphabet[Int((a & 0x03) << 4 | (b ?? 0) >> 4)])
            guard let b else { break }
            out.append(alphabet[Int((b & 0x0F) << 2 | (c ?? 0) >> 6)])
            guard let c else { break }
            out.append(alphabet[Int(c & 0x3F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes canonical unpadded base64; nil for anything else.
    static func decode<Text: Collection<UInt8>>(_ text: Text) -> [UInt8]? {
        let chars = Array(text)
        guard chars.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var i = 0
        while i < chars.count {
            let n = min(4, chars.count - i)
            var v: [UInt8] = [0, 0, 0, 0]
            for j in 0..<n {
                let x = values[Int(chars[i + j])]
                guard x != 0xFF else { return nil }
                v[j] = x
            }
            out.append(v[0] << 2 | v[1] >> 4)
            if n == 2 {
                guard v[1] & 0x0F == 0 else { return nil } // non-canonical trailing bits
                break
            }
            out.append(v[1] << 4 | v[2] >> 2)
            if n == 3 {
                guard v[2] & 0x03 == 0 else { return nil }
                break
            }
            out.append(v[2] << 6 | v[3])
            i += 4
        }
        return out
    }

    static func decode(_ text: String) -> [UInt8]? { decode(Array(text.utf8)) }
}
