import Testing
@testable import JianfuCore

/// One accepted input and the exact value it must parse to.
struct AcceptedDecimal: Sendable, CustomStringConvertible {
    let text: String
    let units: Int128
    let scale: Int
    var percent = false
    var description: String { "\"\(text)\"" }
}

@Suite("DecimalText")
struct DecimalTextTests {
    @Test("accepted forms", arguments: [
        // Plain integers, signs and surrounding blanks.
        AcceptedDecimal(text: "0", units: 0, scale: 0),
        AcceptedDecimal(text: "-0", units: 0, scale: 0),
        AcceptedDecimal(text: "123", units: 123, scale: 0),
        AcceptedDecimal(text: "007", units: 7, scale: 0),
        AcceptedDecimal(text: "100", units: 100, scale: 0),
        AcceptedDecimal(text: "+7", units: 7, scale: 0),
        AcceptedDecimal(text: "-7", units: -7, scale: 0),
        AcceptedDecimal(text: "  42\t", units: 42, scale: 0),
        // Thousands separators in groups of three.
        AcceptedDecimal(text: "1,234", units: 1234, scale: 0),
        AcceptedDecimal(text: "12,345,678", units: 12_345_678, scale: 0),
        AcceptedDecimal(text: "1,234,567.89", units: 123_456_789, scale: 2),
        AcceptedDecimal(text: "-999,999.5", units: -9_999_995, scale: 1),
        // Fractions, normalised.
        AcceptedDecimal(text: "0.5", units: 5, scale: 1),
        AcceptedDecimal(text: ".5", units: 5, scale: 1),
        AcceptedDecimal(text: "5.", units: 5, scale: 0),
        AcceptedDecimal(text: "-.25", units: -25, scale: 2),
        AcceptedDecimal(text: "12.50", units: 125, scale: 1),
        AcceptedDecimal(text: "0.000", units: 0, scale: 0),
        AcceptedDecimal(text: "3.0000000000000000000000000000000000000000", units: 3, scale: 0),
        // Scientific notation stays exact.
        AcceptedDecimal(text: "1.5E+06", units: 1_500_000, scale: 0),
        AcceptedDecimal(text: "1.5e6", units: 1_500_000, scale: 0),
        AcceptedDecimal(text: "2e-3", units: 2, scale: 3),
        AcceptedDecimal(text: "1.23E-2", units: 123, scale: 4),
        AcceptedDecimal(text: "-4.5E+00", units: -45, scale: 1),
        AcceptedDecimal(text: "0.01e40", units: 100_000_000_000_000_000_000_000_000_000_000_000_000, scale: 0),
        AcceptedDecimal(text: "1e-30", units: 1, scale: 30),
        // Percent divides by 100 and is flagged.
        AcceptedDecimal(text: "50%", units: 5, scale: 1, percent: true),
        AcceptedDecimal(text: "12.5%", units: 125, scale: 3, percent: true),
        AcceptedDecimal(text: "-3%", units: -3, scale: 2, percent: true),
        AcceptedDecimal(text: "100%", units: 1, scale: 0, percent: true),
        AcceptedDecimal(text: "0%", units: 0, scale: 0, percent: true),
        // Currency signs, before or after the sign, with accounting-format padding.
        AcceptedDecimal(text: "¥1,234.50", units: 12_345, scale: 1),
        AcceptedDecimal(text: "￥100", units: 100, scale: 0),
        AcceptedDecimal(text: "-¥12", units: -12, scale: 0),
        AcceptedDecimal(text: "¥-12", units: -12, scale: 0),
        AcceptedDecimal(text: "¥ 1,234", units: 1234, scale: 0),
        AcceptedDecimal(text: " -￥ 5.00 ", units: -5, scale: 0),
        // Huge values: 30 significant digits, and right up to Int128's limit.
        AcceptedDecimal(text: "123456789012345678901234567890", units: 123_456_789_012_345_678_901_234_567_890, scale: 0),
        AcceptedDecimal(text: "-1234567890.12345678901234567890", units: -12_345_678_901_234_567_890_123_456_789, scale: 19),
        AcceptedDecimal(text: "0.000000000000000000000000000001", units: 1, scale: 30),
        AcceptedDecimal(text: "10000000000000000000000000000000000000", units: 10_000_000_000_000_000_000_000_000_000_000_000_000, scale: 0),
        AcceptedDecimal(text: "170000000000000000000000000000000000000", units: 170_000_000_000_000_000_000_000_000_000_000_000_000, scale: 0),
        AcceptedDecimal(text: "1.7E+38", units: 170_000_000_000_000_000_000_000_000_000_000_000_000, scale: 0),
        AcceptedDecimal(text: "-1.7E+38", units: -170_000_000_000_000_000_000_000_000_000_000_000_000, scale: 0),
        AcceptedDecimal(text: "1.70141183460469231731687303715E38", units: 170_141_183_460_469_231_731_687_303_715_000_000_000, scale: 0),
        AcceptedDecimal(text: "12345678901234567890", units: 12_345_678_901_234_567_890, scale: 0),  // crosses 19 digits
        AcceptedDecimal(text: "10000000000000000000001", units: 10_000_000_000_000_000_000_001, scale: 0),
    ])
    func accepted(_ c: AcceptedDecimal) throws {
        let value = try #require(DecimalText.parse(c.text))
        #expect(value.units == c.units)
        #expect(value.scale == c.scale)
        #expect(value.percent == c.percent)
        #expect(value == DecimalValue(units: c.units, scale: c.scale, percent: c.percent))
    }

    @Test("rejected forms", arguments: [
        "", "   ", "\t",
        "NaN", "nan", "inf", "-inf", "Infinity", "-Infinity",
        "+", "-", ".", "-.", "+.", ".e5", "e5", "E", "1e", "1e+", "1e-", "1e5.5",
        "0x1A", "0x10", "1_000", "１２", "12abc", "abc", "$5", "5-", "(5)", "1 234",
        // Thousands separators in the wrong places.
        "1,23", "1,2345", ",123", "1,", "1234,567", "1,234,56", "1.234,5", "1,,234", "0.123,456",
        // Structure.
        "1..2", "1.2.3", "--1", "+-1", "-¥-1", "¥", "￥", "%", "1%%", "%1", "1%2",
        // Limits: significant digits, scale, exponent and Int128 overflow.
        "1234567890123456789012345678901",
        "1.234567890123456789012345678901",
        "0.0000000000000000000000000000001",
        "1e-31",
        "1e41", "1e-41", "1e+99999999999999999999999",
        "1e39", "0.1e40",
        "1.70141183460469231731687303716E38",
        "171000000000000000000000000000000000000",
        "-171000000000000000000000000000000000000",
        "1000000000000000000000000000000000000000",
    ])
    func rejected(_ text: String) {
        #expect(DecimalText.parse(text) == nil)
    }

    @Test func gb18030CurrencySigns() {
        func parse(_ bytes: [UInt8], gb18030: Bool) -> DecimalValue? {
            bytes.withUnsafeBufferPointer { DecimalText.parse($0, gb18030: gb18030) }
        }
        let fullwidthYen: [UInt8] = [0xA3, 0xA4]  // '￥'.encode('gb18030')
        let yen: [UInt8] = [0x81, 0x30, 0x84, 0x36]  // '¥'.encode('gb18030')
        #expect(parse(fullwidthYen + Array("12".utf8), gb18030: true) == DecimalValue(units: 12, scale: 0))
        #expect(parse(Array("-".utf8) + yen + Array("1,200.5".utf8), gb18030: true) == DecimalValue(units: -12005, scale: 1))
        #expect(parse(fullwidthYen + Array("12".utf8), gb18030: false) == nil)
        // The UTF-8 bytes of ¥ are the character 楼 in GBK, so they are not a sign in GB18030 text.
        #expect(parse([0xC2, 0xA5] + Array("12".utf8), gb18030: true) == nil)
        #expect(parse([0xC2, 0xA5] + Array("12".utf8), gb18030: false) == DecimalValue(units: 12, scale: 0))
    }

    @Test("parseInteger accepts whole counts", arguments: [
        ("1,234", Int64(1234)), ("12.0", 12), ("0", 0), ("-5", -5), ("1.2E+03", 1200), (" 7 ", 7),
        ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min), ("¥100", 100),
    ])
    func integers(_ text: String, _ expected: Int64) {
        #expect(DecimalText.parseInteger(text) == expected)
    }

    @Test("parseInteger rejects fractions, percent and out-of-range", arguments: [
        "12.5", "0.1", "1e-1", "50%", "100%", "9223372036854775808", "-9223372036854775809", "", "abc", "1,23",
    ])
    func nonIntegers(_ text: String) {
        #expect(DecimalText.parseInteger(text) == nil)
    }

    @Test func bytesAndStringAgree() {
        for text in ["1,234.5", "-2e-3", "abc", "50%"] {
            let fromBytes = Array(text.utf8).withUnsafeBufferPointer { DecimalText.parse($0) }
            #expect(fromBytes == DecimalText.parse(text))
        }
    }

    @Test("description", arguments: [
        (Int128(123_456_789), 2, "1234567.89"), (-5, 3, "-0.005"), (0, 0, "0"), (100, 0, "100"),
        (-170_141_183_460_469_231_731_687_303_715_884_105_727, 0, "-170141183460469231731687303715884105727"),
    ])
    func description(_ units: Int128, _ scale: Int, _ expected: String) {
        #expect(DecimalValue(units: units, scale: scale).description == expected)
    }

    @Test func initNormalises() {
        #expect(DecimalValue(units: 1500, scale: 3) == DecimalValue(units: 15, scale: 1))
        #expect(DecimalValue(units: 1500, scale: 3).scale == 1)
        #expect(DecimalValue(units: 0, scale: 5).scale == 0)
    }
}
