import Foundation
import FuzzSupport
@testable import GreenlightPrivacy

// The JSON Lines splicer of `privacy anonymize`: for a line JSONSerialization accepts as an object, JSONObjectLine
// finds each top-level member's bytes, and the anonymizer writes the record back as `{` members `,` `}` with some
// members replaced by `JSONObjectLine.quoted(key):quoted(value)`. Both the untouched and the replaced record must
// be JSON again, with the same members.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    // One record per line, as LineReader splits them.
    for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
        check(line.last == 0x0D ? line.dropLast() : line)
    }
    return 0
}

func check(_ line: ArraySlice<UInt8>) {
    guard let record = (try? JSONSerialization.jsonObject(with: Data(line))) as? NSDictionary else { return }
    // A refusal is the anonymizer's "not a JSON object" error: JSONSerialization also takes some lines that are not
    // RFC 8259 JSON (a trailing comma in an object), which the splicer rightly refuses.
    guard let object = JSONObjectLine(line) else { return }
    var same: [UInt8] = [UInt8(ascii: "{")]
    var replaced: [UInt8] = [UInt8(ascii: "{")]
    var keys: [String] = []
    for (k, member) in object.members.enumerated() {
        precondition(member.member.lowerBound >= line.startIndex && member.member.upperBound <= line.endIndex)
        if k > 0 { same.append(UInt8(ascii: ",")); replaced.append(UInt8(ascii: ",")) }
        same += line[member.member]
        // The key as JSON decodes it, from its raw bytes between the quotes.
        let keyLiteral = [UInt8(ascii: "[")] + [UInt8(ascii: "\"")] + member.rawKey + [UInt8(ascii: "\"")] + [UInt8(ascii: "]")]
        guard let key = ((try? JSONSerialization.jsonObject(with: Data(keyLiteral))) as? [String])?.first else {
            preconditionFailure("member key bytes are not a JSON string")
        }
        keys.append(key)
        replaced += JSONObjectLine.quoted(key) + [UInt8(ascii: ":")] + JSONObjectLine.quoted("<\(key)>")
    }
    same.append(UInt8(ascii: "}"))
    replaced.append(UInt8(ascii: "}"))
    precondition(Set(keys) == Set(record.allKeys.compactMap { $0 as? String }), "members differ from the object's keys")
    guard let back = (try? JSONSerialization.jsonObject(with: Data(same))) as? NSDictionary else {
        preconditionFailure("the spliced record is not JSON")
    }
    precondition(back.isEqual(record), "the spliced record differs from the line")
    guard let swapped = (try? JSONSerialization.jsonObject(with: Data(replaced))) as? [String: String] else {
        preconditionFailure("the record with replaced members is not JSON")
    }
    for key in keys { precondition(swapped[key] == "<\(key)>", "a replaced member does not read back") }
}

writeSeedsIfRequested {
    [
        ("nested", Array(#"{"id": 1, "text": "call 555-0100", "tags": ["a", {"b": "}"}], "n": null, "ok": true, "x": -1.5e3}"#.utf8)),
        ("escapes", Array(#"{"k\"ey": "v\\", "\u00e9": "\ud83d\ude00", "tab": "\t"}"#.utf8) + [0x0D, 0x0A] + Array("{}\n".utf8)),
        ("spaces", Array(" { \"a\" :\t[ 1 , 2 ] , \"b\" : { } } ".utf8)),
    ]
}

runLibFuzzer(testOneInput)
