import Testing
@testable import JianfuCore

private func failure(_ text: String) -> JSONParser.Failure? {
    failure(Array(text.utf8))
}

private func failure(_ bytes: [UInt8]) -> JSONParser.Failure? {
    do {
        _ = try JSONParser.parse(bytes)
        return nil
    } catch {
        return error
    }
}

@Suite("JSON parser")
struct JSONParserTests {
    /// Each row marks with 1️⃣ where the error must point; line and column (characters) come from the marker.
    @Test("errors name line and column", arguments: [
        ("bad literal after Chinese key", "{\"a\": 1,\n  \"名称\": 1️⃣tru}", "expected a JSON value"),
        ("truncated array", "{\"a\": [1, 21️⃣", "truncated"),
        ("truncated object", "{\"a\": 11️⃣", "truncated"),
        ("truncated after colon", "{\"a\": 1️⃣", "truncated"),
        ("unterminated string", "{\"a\": 1️⃣\"abc", "unterminated string"),
        ("duplicate key", "{\"a\": 1,\n \"b\": 2,\n 1️⃣\"a\": 3}", "duplicate key \"a\""),
        ("duplicate Chinese key", "{\"税额\": 1, 1️⃣\"税额\": 2}", "duplicate key \"税额\""),
        ("NaN", "[1, 1️⃣NaN]", "NaN and Infinity"),
        ("Infinity", "{\"x\": 1️⃣Infinity}", "NaN and Infinity"),
        ("leading zero", "[1️⃣01]", "leading zero"),
        ("negative leading zero", "[-1️⃣01]", "leading zero"),
        ("invalid escape", "[\"ab1️⃣\\x\"]", "invalid escape"),
        ("trailing comma in object", "{\"a\": 1,1️⃣}", "expected a key"),
        ("trailing comma in array", "[1,1️⃣]", "expected a JSON value"),
        ("single quotes", "{1️⃣'a': 1}", "expected a key in double quotes"),
        ("missing colon", "{\"a\" 1️⃣1}", "expected ':'"),
        ("missing comma", "[1 1️⃣2]", "expected ',' or ']'"),
        ("trailing content", "{} 1️⃣x", "after the JSON value"),
        ("emoji counts one column", "[\"😀\", 1️⃣x]", "expected a JSON value"),
        ("CRLF line breaks", "{\r\n\"a\":\r\n 1️⃣?}", "expected a JSON value"),
        ("line break in a string", "[\"a1️⃣\n\"]", "line break inside a string"),
        ("tab in a string", "[\"a1️⃣\t\"]", "control character"),
        ("plus sign", "[1️⃣+1]", "expected a JSON value"),
    ])
    func errorPositions(_ why: String, _ marked: String, _ message: String) {
        let m = MarkedText(marked)
        guard let f = failure(m.text) else { Issue.record("\(why): parsed"); return }
        #expect((f.line, f.column) == (m.line, m.column), "\(why): \(f)")
        #expect(f.message.contains(message), "\(why): \(f)")
        #expect(f.description == "\(f.line):\(f.column): \(f.message)")
    }

    @Test("malformed numbers", arguments: ["1.", "1e", "1e+", "-", ".5", "0x10", "1.e5", "--1"])
    func malformedNumbers(_ text: String) {
        #expect(failure("[\(text)]") != nil)
    }

    @Test("other malformed input", arguments: ["-Infinity", "nul", "True", "[1] [2]", "{\"a\" :: 1}", "\"\\u12G4\"", "\"\\u00\""])
    func otherMalformed(_ text: String) {
        #expect(failure(text) != nil)
    }

    @Test("empty input", arguments: ["", "   ", "\n\t\r\n"])
    func emptyInput(_ text: String) {
        #expect(failure(text)?.message.contains("empty input") == true)
    }

    @Test func byteOrderMarkAloneIsEmpty() {
        #expect(failure([0xEF, 0xBB, 0xBF])?.message.contains("empty input") == true)
    }

    @Test func byteOrderMarkIsSkippedAndNotCounted() throws {
        let node = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{\"a\": 1}".utf8))
        #expect(node.column == 1)
        #expect(node.objectMembers?.first?.keyColumn == 2)
    }

    @Test func nodesAndKeysRememberTheirPositions() throws {
        let text = "{\n  \"名称\": {\"甲\": [1, \"二\"]},\n  \"b\": null\n}"
        let root = try JSONParser.parse(text)
        let members = try #require(root.objectMembers)
        #expect((members[0].keyLine, members[0].keyColumn) == (2, 3))
        #expect((members[1].keyLine, members[1].keyColumn) == (3, 3))
        let inner = try #require(root["名称"])
        #expect((inner.line, inner.column) == (2, 9))  // `  "名称": {` — the brace is the 9th character
        let items = try #require(inner["甲"]?.arrayItems)
        #expect((items[1].line, items[1].column) == (2, 19))
        #expect(items[1].stringValue == "二")
        #expect(root["b"]?.isNull == true)
    }

    @Test func sameKeyInDifferentObjectsIsNotADuplicate() throws {
        let root = try JSONParser.parse("{\"a\": {\"x\": 1}, \"b\": {\"x\": 2}}")
        #expect(root["a"]?["x"] != nil)
        #expect(root["b"]?["x"] != nil)
    }

    @Test func tenThousandLevelsOfNestingGiveAnError() {
        let arrays = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(failure(arrays)?.message.contains("nested") == true)
        let objects = String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(failure(objects)?.message.contains("nested") == true)
        #expect(failure(String(repeating: "[", count: 100_000)) != nil)
    }

    @Test func longSingleLineParsesInLinearTime() throws {
        // A minified file (a population exported by `jq -c`) has every value on one line. 20,000 numbers on
        // one line must cost about what they cost on 20,000 lines; a column scan from the line start for
        // every value makes it quadratic (seconds instead of milliseconds).
        let oneLine = "[" + Array(repeating: "1", count: 20_000).joined(separator: ",") + "]"
        let start = ContinuousClock.now
        let items = try JSONParser.parse(oneLine).arrayItems
        let elapsed = ContinuousClock.now - start
        #expect(items?.count == 20_000)
        #expect(items?.last?.column == 40_000)
        #expect(elapsed < .seconds(2), "parsing 40 kB on one line took \(elapsed)")
    }

    @Test func nestingUpToTheLimitParses() throws {
        let depth = JSONParser.maxDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        _ = try JSONParser.parse(text)
        #expect(failure("[" + text + "]") != nil)
    }

    @Test("escapes decode", arguments: [
        ("\"a\\\"b\"", "a\"b"), ("\"\\\\\"", "\\"), ("\"\\/\"", "/"), ("\"\\b\\f\\n\\r\\t\"", "\u{8}\u{C}\n\r\t"),
        ("\"\\u00e9\"", "é"), ("\"\\u4E2D\"", "中"), ("\"\\uD83D\\uDE00\"", "😀"), ("\"衢州\"", "衢州"),
    ])
    func escapes(_ text: String, _ expected: String) throws {
        #expect(try JSONParser.parse(text).stringValue == expected)
    }

    @Test("lone surrogates are rejected", arguments: ["\"\\uD800\"", "\"\\uDC00\"", "\"\\uD800\\u0041\"", "\"\\uD800x\""])
    func loneSurrogates(_ text: String) {
        #expect(failure(text)?.message.contains("surrogate") == true)
    }

    /// Objects of many keys (a profile has about 40) find duplicates by a table, not a scan: the same key, at the
    /// same place, as in a small object.
    @Test(arguments: [8, 9, 40, 1_000])
    func duplicateKeysInLargeObjects(keys: Int) throws {
        let distinct = (0..<keys).map { "\"key_\($0)\": \($0)" }
        let node = try JSONParser.parse(Array(("{" + distinct.joined(separator: ",\n") + "}").utf8))
        #expect(node.objectMembers?.count == keys)
        // A repeat of an early key, then of the last one, on its own line: the error names that line, column 1.
        for repeated in [2, keys - 1] {
            let text = "{" + distinct.joined(separator: ",\n") + ",\n\"key_\(repeated)\": 0, \"after\": 1}"
            let f = try #require(failure(text))
            #expect(f.message == "duplicate key \"key_\(repeated)\"" && f.line == keys + 1 && f.column == 1)
        }
        // Keys equal as Swift strings but not as bytes (K and the Kelvin sign, U+212A), as a `Set` finds them.
        let kelvin = "{" + distinct.joined(separator: ", ") + ", \"K\": 1, \"\u{212A}\": 2}"
        #expect(failure(kelvin)?.message.hasPrefix("duplicate key") == true)
        let kelvinFirst = "{" + distinct.joined(separator: ", ") + ", \"\u{212A}\": 1, \"K\": 2}"
        #expect(failure(kelvinFirst)?.message.hasPrefix("duplicate key") == true)
    }

    @Test func invalidUTF8InAStringIsRejected() {
        #expect(failure([0x22, 0xFF, 0x22])?.message.contains("UTF-8") == true)
        #expect(failure([0x22, 0xE4, 0xB8, 0x22])?.message.contains("UTF-8") == true)
        // Overlong, a surrogate, beyond U+10FFFF, a stray continuation byte.
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80]] {
            #expect(failure([0x22] + bad + [0x22])?.message.contains("UTF-8") == true, "\(bad)")
        }
        // Two, three and four bytes, kept as written.
        let node = try? JSONParser.parse([0x22] + Array("é企业𠀀".utf8) + [0x22])
        if case .string(let s)? = node?.value { #expect(s == "é企业𠀀") } else { Issue.record("expected a string") }
    }

    @Test func numbersKeepTheirText() throws {
        let items = try #require(try JSONParser.parse("[0.1, 1e400, -0, 12.50, 1E+2]").arrayItems)
        let texts = items.map { n -> String in if case .number(let t) = n.value { return t } else { return "?" } }
        #expect(texts == ["0.1", "1e400", "-0", "12.50", "1E+2"])
    }

    @Test("numbers are read exactly", arguments: [
        ("0.1", Rational(1, 10)!), ("12.50", Rational(25, 2)!), ("-12.5e3", Rational(-12_500)), ("1E+2", Rational(100)),
        ("1e-2", Rational(1, 100)!), ("0", Rational.zero), ("-0", Rational.zero), ("0.000", Rational.zero),
        ("123456789012345678901234567890", Rational(Int128(123_456_789_012_345_678_901_234_567_890))),
    ])
    func exactNumbers(_ text: String, _ expected: Rational) throws {
        let r = try #require(Rational.parse(jsonNumber: text))
        #expect(r == expected)
    }

    @Test func pointOneIsExactlyOneTenth() throws {
        let r = try #require(Rational.parse(jsonNumber: "0.1"))
        #expect((r.num, r.den) == (1, 10))
        let two = try #require(Rational.parse(jsonNumber: "0.2"))
        let sum = try #require(r.adding(two))
        #expect(sum == Rational.parse(jsonNumber: "0.3"))
    }

    @Test("numbers out of exact range are refused, not rounded", arguments: [
        "1e400", "1e-400", "1e40", "1e-40", "1234567890123456789012345678901", "-1e400",
    ])
    func outOfRange(_ text: String) {
        #expect(Rational.parse(jsonNumber: text) == nil)
    }
}

@Suite("JSON writer")
struct JSONWriterTests {
    @Test("strings are escaped", arguments: [
        ("plain", "\"plain\""), ("a\"b", "\"a\\\"b\""), ("back\\slash", "\"back\\\\slash\""), ("l1\nl2", "\"l1\\nl2\""),
        ("\r\t", "\"\\r\\t\""), ("\u{1}", "\"\\u0001\""), ("\u{1F}", "\"\\u001f\""), ("中文 😀 /", "\"中文 😀 /\""),
    ])
    func quote(_ s: String, _ expected: String) {
        #expect(JSONWriter.quote(s) == expected)
    }

    @Test("quoted strings parse back to themselves", arguments: ["", "a\"b\\c", "\u{0}\u{7}\u{1B}\u{7F}", "衢政办发〔2017〕52号", "tab\there", "😀é"])
    func roundTrip(_ s: String) throws {
        #expect(try JSONParser.parse(JSONWriter.quote(s)).stringValue == s)
    }

    private func sample(indent: Int) -> String {
        var w = JSONWriter(indent: indent)
        w.beginObject()
        w.string("name", "甲")
        w.int("n", 3)
        w.money("saving", fen: 123_450)
        w.money("negative", fen: -5)
        w.null("none")
        w.bool("ok", true)
        w.strings("ids", ["a", "b"])
        w.beginObject("empty")
        w.endObject()
        w.endObject()
        return w.text
    }

    @Test func compactOutput() {
        #expect(sample(indent: 0)
            == #"{"name":"甲","n":3,"saving":1234.50,"negative":-0.05,"none":null,"ok":true,"ids":["a","b"],"empty":{}}"#)
    }

    @Test func indentedOutput() throws {
        let expected = """
        {
          "name": "甲",
          "n": 3,
          "saving": 1234.50,
          "negative": -0.05,
          "none": null,
          "ok": true,
          "ids": [
            "a",
            "b"
          ],
          "empty": {}
        }
        """
        #expect(sample(indent: 2) == expected)
        _ = try JSONParser.parse(sample(indent: 2))
    }
}
