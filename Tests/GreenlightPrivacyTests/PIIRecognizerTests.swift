import GreenlightCore
import GreenlightPrivacy
import Testing

/// The single finding of `type` in `text`, as the matched substring.
private func found(_ text: String, _ type: PIIEntityType) -> [String] {
    let scalars = Array(text.unicodeScalars)
    return PIIAnalyzer().analyze(text).filter { $0.entityType == type }.map {
        String(String.UnicodeScalarView(scalars[$0.start..<$0.end]))
    }
}

@Suite("PII recognizers")
struct PIIRecognizerTests {
    @Test("validators", arguments: [
        ("4111111111111111", true), ("4111111111111112", false), ("79927398713", true), ("", false), ("12a4", false),
    ])
    func luhn(_ digits: String, _ valid: Bool) {
        #expect(PIIValidators.luhn(digits) == valid)
    }

    @Test("IBAN validator: registry length and mod 97")
    func ibanValidator() {
        for good in ["GB82WEST12345698765432", "DE89370400440532013000", "FR1420041010050500013M02606",
                     "NL91ABNA0417164300", "BE68539007547034", "NO9386011117947"] {
            #expect(PIIValidators.iban(good), "\(good)")
        }
        for bad in ["GB82WEST12345698765433", "DE8937040044053201300", "XX82WEST12345698765432", "GB82west12345698765432"] {
            #expect(!PIIValidators.iban(bad), "\(bad)")
        }
    }

    @Test("SSN validator rejects what the SSA never issues")
    func ssnValidator() {
        #expect(PIIValidators.usSSN("813946450"))
        for bad in ["000123456", "666123456", "912345678", "123004567", "123450000", "078051120", "111111111", "12345678"] {
            #expect(!PIIValidators.usSSN(bad), "\(bad)")
        }
        #expect(PIIValidators.nanp("2259851781"))
        #expect(!PIIValidators.nanp("1259851781") && !PIIValidators.nanp("2250851781"))
    }

    @Test("e-mail addresses")
    func email() {
        #expect(found("mail jane.doe+tag@mail.example.co.uk.", .emailAddress) == ["jane.doe+tag@mail.example.co.uk"])
        #expect(found("(o'brien@example.org)", .emailAddress) == ["o'brien@example.org"])
        #expect(found("user@localhost, a@b.c, @handle, x@1.2", .emailAddress).isEmpty)
    }

    @Test("phone numbers: US, UK, DE, FR, NL, international and national", arguments: [
        "(225)985-1781x28657", "797.329.8063", "001-829-647-4488x889", "4114100054", "+1-312-938-5927x756",
        "(212) 555-0199", "1-800-555-0199 ext. 12", "+44 20 7946 0958", "+44 (0)20 7946 0958", "020 7946 0958",
        "07700 900123", "+49 30 12345678", "030 12345678", "0151-23456789", "089/1234567", "+33 1 23 45 67 89",
        "01 23 45 67 89", "0033 6 12 34 56 78", "+31 20 123 4567", "020-1234567", "06-12345678", "+31 6 12345678",
        "+49(0)5084 18703", "+44(0)1134960817", "+31(0)620-210345", "+44(0)3069990217",
    ])
    func phone(_ number: String) {
        #expect(found("Call \(number) today.", .phoneNumber) == [number])
    }

    @Test("not phone numbers: dates, times, amounts, IPs, versions, SSNs, order numbers", arguments: [
        "on 2024-03-05 at 10:30", "costs 42.50 EUR", "from 153.223.219.47", "build 0.20.69", "SSN 813-94-6450",
        "Order number 675959838670", "room 4.12", "05.03.2024", "123-456-7890", "call 12345",
        "dial +49 (0) 0460 598497 now",
    ])
    func notPhone(_ text: String) {
        #expect(found(text, .phoneNumber).isEmpty)
    }

    @Test("credit cards: Luhn, groups, no order numbers")
    func creditCard() {
        #expect(found("card 4111 1111 1111 1111.", .creditCard) == ["4111 1111 1111 1111"])
        #expect(found("amex 3782-822463-10005 ok", .creditCard) == ["3782-822463-10005"])
        #expect(found("retry with 501808063603.", .creditCard) == ["501808063603"])
        #expect(found("card 4111111111111112", .creditCard).isEmpty)  // Luhn fails
        #expect(found("Order number 4111111111111111 shipped", .creditCard).isEmpty)  // Luhn passes, but an order
        #expect(found("Order number 675959838670 shipped", .creditCard).isEmpty)
        #expect(found("id 0000000000000000", .creditCard).isEmpty)
        #expect(found("card 4111 1111 1111 1111 2024", .creditCard) == ["4111 1111 1111 1111"])
    }

    @Test("IBANs: contiguous and grouped; bad checksums and lengths rejected")
    func iban() {
        #expect(found("to GB82WEST12345698765432 now", .ibanCode) == ["GB82WEST12345698765432"])
        #expect(found("to GB82 WEST 1234 5698 7654 32.", .ibanCode) == ["GB82 WEST 1234 5698 7654 32"])
        #expect(found("Konto DE89 3704 0044 0532 0130 00", .ibanCode) == ["DE89 3704 0044 0532 0130 00"])
        #expect(found("Old account GB76GSVN93716487059640 was closed", .ibanCode).isEmpty)
        #expect(found("to GB82WEST1234569876543 now", .ibanCode).isEmpty)
    }

    @Test("IP addresses: v4, v6 full and compressed; not versions, times or MACs")
    func ip() {
        #expect(found("Server 36.9.241.52, backup c954:6b43:9f9d:129:8a44:9ebf:89d9:bf02.", .ipAddress)
                == ["36.9.241.52", "c954:6b43:9f9d:129:8a44:9ebf:89d9:bf02"])
        #expect(found("fe80::1ff:fe23:4567:890a and ::1 and 2001:db8::8a2e:370:7334 and ::ffff:192.0.2.128", .ipAddress)
                == ["fe80::1ff:fe23:4567:890a", "::1", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.128"])
        #expect(found("build 1.2.3.4 and 10.0.0.256 and 1.2.3.4.5 and 01.2.3.4", .ipAddress).isEmpty)
        #expect(found("at 10:30:15, mac 00:1a:2b:3c:4d:5e", .ipAddress).isEmpty)
    }

    @Test("SSNs: valid ones, with context for bare digits; invalid areas, groups, serials rejected")
    func ssn() {
        #expect(found("SSN on file: 813-94-6450.", .usSSN) == ["813-94-6450"])
        #expect(found("SSN: 813946450", .usSSN) == ["813946450"])
        #expect(found("zip 813946450", .usSSN).isEmpty)
        for bad in ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000"] {
            #expect(found("SSN \(bad)", .usSSN).isEmpty, "\(bad)")
        }
    }

    @Test("URLs")
    func url() {
        #expect(found("see https://example.org/a?b=1#c).", .url) == ["https://example.org/a?b=1#c"])
        #expect(found("see (www.example.com/path_(x)) now", .url) == ["www.example.com/path_(x)"])
        #expect(found("mail me@example.org or see report.pdf", .url).isEmpty)
    }

    @Test("dates, with a time when attached; bare times are not reported")
    func dateTime() {
        #expect(found("on 2024-03-05T10:30:00Z and 03/05/2024, March 5, 2024 and 5 Mar. 2024", .dateTime)
                == ["2024-03-05T10:30:00Z", "03/05/2024", "March 5, 2024", "5 Mar. 2024"])
        #expect(found("at 10:30, version 1.2.2024x, 2024-02-30, 13/13/2024", .dateTime).isEmpty)
    }

    @Test("person heuristic: names, honorifics, suffixes")
    func person() {
        #expect(found("Customer Jennifer King can be reached", .person) == ["Jennifer King"])
        #expect(found("Mr. Derek Mcneil Jr. called", .person) == ["Mr. Derek Mcneil Jr."])
        #expect(found("Mrs. Terri Hammond MD wrote to Dr. Élodie Brûlé.", .person) == ["Mrs. Terri Hammond MD", "Dr. Élodie Brûlé"])
        #expect(found("Patient Lina van den Berg was admitted.", .person) == ["Lina van den Berg"])
        #expect(found("The Server said SSN on file. Do not share.", .person).isEmpty)
    }

    @Test("offsets are code points, whatever comes before the span")
    func codePointOffsets() {
        let text = "Zoë 👩‍👩‍👧 écrit à zoe@example.org"
        let f = PIIAnalyzer(entities: [.emailAddress]).analyze(text)
        // Z o ë ␠ 👩 ZWJ 👩 ZWJ 👧 ␠ é c r i t ␠ à ␠ = 18 scalars before the address.
        #expect(f == [PIIFinding(entityType: .emailAddress, start: 18, end: 33, score: 1.0)])
        #expect(Array(text.unicodeScalars).count == 33)
    }

    @Test("overlaps: the containing span wins; same span keeps the higher score")
    func overlaps() {
        let f = PIIAnalyzer().analyze("open http://36.9.241.52/x now")
        #expect(f.map(\.entityType) == [.url])
        #expect(PIIAnalyzer(entities: [.ipAddress]).analyze("open http://36.9.241.52/x now").map(\.start) == [12])
    }
}
