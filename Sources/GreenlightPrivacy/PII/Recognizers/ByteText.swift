/// UTF-8 text as bytes, with the character tests the recognizers share.
///
/// Every recognizer matches ASCII structure (digits, `@`, `.`, `:`), so they scan bytes rather than
/// `Character`s: grapheme breaking costs far more than the matching itself. Bytes ≥ 0x80 (parts of
/// non-ASCII scalars) count as word characters, so a span never starts or ends inside a word like `Zoë`.
struct ByteText {
    let bytes: UnsafeBufferPointer<UInt8>
    var count: Int { bytes.count }

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    @inline(__always) subscript(i: Int) -> UInt8 { bytes[i] }

    /// The byte at `i`, or 0 outside the text, so look-arounds need no bounds checks.
    @inline(__always) func at(_ i: Int) -> UInt8 { i >= 0 && i < bytes.count ? bytes[i] : 0 }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b &- 0x61 < 26 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isAlpha(b) }
    @inline(__always) static func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20) &- 0x61 < 6 }
    /// Letters, digits and any byte of a non-ASCII scalar.
    @inline(__always) static func isWord(_ b: UInt8) -> Bool { isAlnum(b) || b >= 0x80 }
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// Whether a number may start at `i`: no word character before it, and not the continuation of a
    /// longer dotted or dashed number (`1.2.3.4.5`, `12-34`).
    @inline(__always) func numberStartsAt(_ i: Int) -> Bool {
        let prev = at(i - 1)
        if ByteText.isWord(prev) { return false }
        if prev == UInt8(ascii: ".") || prev == UInt8(ascii: "-") || prev == UInt8(ascii: "/") || prev == UInt8(ascii: ":") {
            return !ByteText.isDigit(at(i - 2))
        }
        return true
    }

    /// Whether a number may end before `i`: the mirror of ``numberStartsAt(_:)``.
    @inline(__always) func numberEndsAt(_ i: Int) -> Bool {
        let next = at(i)
        if ByteText.isWord(next) { return false }
        if next == UInt8(ascii: ".") || next == UInt8(ascii: "-") || next == UInt8(ascii: "/") || next == UInt8(ascii: ":") {
            return !ByteText.isDigit(at(i + 1))
        }
        return true
    }

    /// Whether one of `words` (lowercase ASCII) appears as a whole word in the `window` bytes before `i`.
    ///
    /// Used for negative context: a Luhn-valid number right after "order number" is an order number.
    func precededByWord(_ i: Int, within window: Int, oneOf words: [[UInt8]]) -> Bool {
        let lo = max(0, i - window)
        var end = i
        while end > lo {
            // Find the end of the previous word.
            while end > lo, !ByteText.isAlpha(bytes[end - 1]) { end -= 1 }
            var start = end
            while start > lo, ByteText.isAlpha(bytes[start - 1]) { start -= 1 }
            if start == end { break }
            if start == lo, lo > 0, ByteText.isAlpha(bytes[lo - 1]) { break }
            for w in words where w.count == end - start {
                var same = true
                for k in 0..<w.count where bytes[start + k] | 0x20 != w[k] { same = false; break }
                if same { return true }
            }
            end = start
        }
        return false
    }

    /// Reads a run of ASCII digits from `i`; returns its end.
    @inline(__always) func digitRun(from i: Int) -> Int {
        var j = i
        while j < bytes.count, ByteText.isDigit(bytes[j]) { j += 1 }
        return j
    }

    /// The value of the digits in `start..<end` (at most 18 digits).
    func number(_ start: Int, _ end: Int) -> Int {
        var v = 0
        for k in start..<end { v = v &* 10 &+ Int(bytes[k] &- 0x30) }
        return v
    }
}

/// A finding in byte offsets, before overlaps are resolved and offsets converted to code points.
struct Candidate: Sendable, Hashable {
    var type: PIIEntityType
    var start: Int
    var end: Int
    var score: Double
    var length: Int { end - start }
}
