import Testing
import DigitsKit
@testable import DigitsModelFile

@Suite struct StrictJSONTests {
    /// The value written back as compact JSON-like text, to compare parses with a string.
    static func render(_ value: StrictJSON.Value) -> String {
        switch value {
        case .object(let members): "{" + members.map { "\($0.key)=\(render($0.value))" }.joined(separator: ",") + "}"
        case .array(let elements): "[" + elements.map(render).joined(separator: ",") + "]"
        case .string(let text): "'\(text)'"
        case .number(let text): text
        case .bool(let flag): "\(flag)"
        case .null: "null"
        }
    }

    static func parse(_ text: String) throws -> String {
        render(try StrictJSON.parse(Array(text.utf8)))
    }

    @Test func parsesEveryKindOfValueKeepingKeyOrder() throws {
        let text = #" {"z": [1, -2.5e+3, 0, 1E2], "a": {"t": true, "f": false, "n": null}, "e": [], "o": {}} "#
        #expect(try Self.parse(text) == "{z=[1,-2.5e+3,0,1E2],a={t=true,f=false,n=null},e=[],o={}}")
    }

    @Test func decodesStringEscapes() throws {
        #expect(
            try Self.parse(#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4e2d\ud83d\ude00", "raw é"]"#)
                == "['a\"b\\c/d\u{8}\u{C}\n\r\t','é中😀','raw é']")
    }

    @Test func rejectsWhatStrictJSONForbids() {
        for text in [
            "", "[1,]", "[1 2]", "{\"a\" 1}", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "\"\\x\"",
            "\"\\u12G4\"", "\"\\udc00\"", "[\"\t\"]", "NaN", "{\"a\":1}}", "[", "\"abc",
        ] {
            #expect(throws: StrictJSON.ParseError.self, "\(text)") { try StrictJSON.parse(Array(text.utf8)) }
        }
    }

    @Test func nonNegativeIntAcceptsOnlyPlainDigitsThatFit() {
        #expect(StrictJSON.Value.number("0").nonNegativeInt == 0)
        #expect(StrictJSON.Value.number("9223372036854775807").nonNegativeInt == Int.max)
        #expect(StrictJSON.Value.number("9223372036854775808").nonNegativeInt == nil)
        #expect(StrictJSON.Value.number("-1").nonNegativeInt == nil)
        #expect(StrictJSON.Value.number("1e3").nonNegativeInt == nil)
        #expect(StrictJSON.Value.string("3").nonNegativeInt == nil)
    }

    @Test func writtenStringsParseBackToThemselves() throws {
        let original = "quote \" backslash \\ controls \u{0}\u{1F}\n\t ünïcödé 😀"
        var bytes: [UInt8] = []
        StrictJSON.appendQuoted(original, to: &bytes)
        guard case .string(let parsed) = try StrictJSON.parse(bytes) else {
            Issue.record("not parsed as a string")
            return
        }
        #expect(parsed == original)
    }
}
