/// The checksums and issuing rules that separate real identifiers from numbers shaped like them.
///
/// Each takes the identifier's characters without separators.
public enum PIIValidators {
    /// The Luhn (mod 10) check of payment card numbers (ISO/IEC 7812-1).
    ///
    /// - Parameters:
    ///   - digits: ASCII digits only.
    /// - Returns: Whether the check digit is right; `false` for an empty string or any non-digit.
    public static func luhn<S: StringProtocol>(_ digits: S) -> Bool {
        var sum = 0, double = false, count = 0
        for b in digits.utf8.reversed() {
            guard ByteText.isDigit(b) else { return false }
            var d = Int(b - 0x30)
            if double { d *= 2; if d > 9 { d -= 9 } }
            sum += d
            double.toggle()
            count += 1
        }
        return count > 0 && sum % 10 == 0
    }

    /// The IBAN check (ISO 13616): the country's registry length and ISO 7064 mod 97-10 equal to 1.
    ///
    /// - Parameters:
    ///   - iban: Upper-case letters and digits, no spaces, e.g. `GB82WEST12345698765432`.
    /// - Returns: Whether the country is in the IBAN registry, the length is that country's and the checksum holds.
    public static func iban<S: StringProtocol>(_ iban: S) -> Bool {
        let b = Array(iban.utf8)
        guard b.count >= 5, ByteText.isUpper(b[0]), ByteText.isUpper(b[1]), ByteText.isDigit(b[2]), ByteText.isDigit(b[3]),
              let length = IBANRecognizer.length(b[0], b[1]), length == b.count,
              b.allSatisfy({ ByteText.isDigit($0) || ByteText.isUpper($0) }) else { return false }
        return IBANRecognizer.mod97(b[...]) == 1
    }

    /// Whether a US social security number could have been issued (SSA rules since 2011 randomisation).
    ///
    /// Never issued: area 000, 666 or 900–999; group 00; serial 0000; and numbers published as examples
    /// (078-05-1120, 219-09-9999, 123-45-6789) or made of one repeated digit.
    ///
    /// - Parameters:
    ///   - digits: Nine ASCII digits.
    public static func usSSN<S: StringProtocol>(_ digits: S) -> Bool {
        let b = Array(digits.utf8)
        guard b.count == 9, b.allSatisfy(ByteText.isDigit) else { return false }
        return USSSNRecognizer.valid(area: Int(b[0] - 48) * 100 + Int(b[1] - 48) * 10 + Int(b[2] - 48),
                                     group: Int(b[3] - 48) * 10 + Int(b[4] - 48),
                                     serial: b[5...].reduce(0) { $0 * 10 + Int($1 - 48) },
                                     digits: b[...])
    }

    /// Whether ten digits form a North American Numbering Plan number: area code and exchange start with 2–9.
    ///
    /// N11 service codes (211, …, 911) are not rejected as area codes: generators such as Faker emit them
    /// and people write them, so rejecting them costs recall for little precision.
    ///
    /// - Parameters:
    ///   - digits: Ten ASCII digits, without the country code 1.
    public static func nanp<S: StringProtocol>(_ digits: S) -> Bool {
        let b = Array(digits.utf8)
        guard b.count == 10, b.allSatisfy(ByteText.isDigit) else { return false }
        return PhoneNumberRecognizer.nanp(b[...])
    }
}
