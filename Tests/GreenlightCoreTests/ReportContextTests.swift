import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

@Suite("the report's context: stage, model, task, tags")
struct ReportContextTests {
    @Test func tagsParseAndNothingStatedIsNil() throws {
        let context = try #require(try ReportContext.checked(stage: .training, model: "m", task: nil, tags: ["team=nlp", "url=a=b", "empty="]))
        #expect(context.tags == ["team": "nlp", "url": "a=b", "empty": ""])
        #expect(try ReportContext.checked(stage: nil, model: nil, task: nil, tags: []) == nil)
    }

    @Test("bad tags and names are invalid arguments naming their parameter", arguments: [
        (["team"], nil as String?, "tags"),
        (["=x"], nil, "tags"),
        (["a b=x"], nil, "tags"),
        (["a\u{1B}=x"], nil, "tags"),
        ([String(repeating: "k", count: 65) + "=x"], nil, "tags"),
        (["a=1", "a=2"], nil, "tags"),
        ([], "", "model"),
    ])
    func badInputIsRefused(_ tags: [String], _ model: String?, _ parameter: String) {
        do {
            _ = try ReportContext.checked(stage: nil, model: model, task: nil, tags: tags)
            Issue.record("accepted \(tags) \(String(describing: model))")
        } catch let error as GreenlightError {
            #expect(error.code == .invalidArgument && error.parameter?.name == parameter)
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func contextRoundTripsAndOlderReportsHaveNone() throws {
        var report = Report(kind: .estimate)
        report.context = ReportContext(stage: .fineTuning, model: "llama", task: "qa", tags: ["team": "nlp"])
        let json = try report.jsonData()
        #expect(String(decoding: json, as: UTF8.self).contains(#""stage" : "fine-tuning""#))
        #expect(try Report.decode(from: json).context == report.context)
        // A 1.3 report (no context) still decodes; a context without tags too.
        report.context = nil
        var object = try #require(try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any])
        object["schemaVersion"] = "1.3.0"
        #expect(try Report.decode(from: JSONSerialization.data(withJSONObject: object)).context == nil)
        object["context"] = ["stage": "inference"]
        #expect(try Report.decode(from: JSONSerialization.data(withJSONObject: object)).context == ReportContext(stage: .inference))
    }

    @Test func estimatesCarryTheirContextAndTheSummaryShowsIt() throws {
        let context = ReportContext(stage: .training, model: "gpt\u{1B}[31m", tags: ["team": "nlp"])
        let report = try Estimator.estimate(EstimateRequest(device: "H100", work: .hours(1), context: context))
        #expect(report.context == context)
        let summary = ReportSummary.render(report)
        #expect(summary.contains("context  training · model gpt\\x1B[31m · team=nlp  [given by the user]"))
        #expect(!summary.contains("\u{1B}"))
    }
}

@Suite("a malformed report names where it is malformed")
struct ReportDecodeLocationTests {
    @Test func aSyntaxErrorHasItsLineAndColumn() {
        let text = "{\n  \"schema\": \"greenlight-report\",\n  \"kind\": [1,,2]\n}\n"
        let error = expectCode(.invalidInput) { try Report.decode(from: Data(text.utf8)) }
        #expect(error?.location?.line == 3, "\(error?.message ?? "")")
        #expect(error?.location?.column == 14, "\(error?.message ?? "")")
    }

    @Test func aTypeErrorHasItsField() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Report(kind: .run).jsonData()) as? [String: Any])
        object["context"] = ["tags": ["team": 7]]
        let error = expectCode(.invalidInput) { try Report.decode(from: JSONSerialization.data(withJSONObject: object)) }
        #expect(error?.location?.field == "context.tags.team", "\(error?.message ?? "")")
    }
}
