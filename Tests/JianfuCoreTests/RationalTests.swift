import Testing
@testable import JianfuCore

@Suite("Rational")
struct RationalTests {
    @Test func arithmeticIsExact() {
        let third = Rational(1, 3)!, sixth = Rational(1, 6)!
        #expect(third.adding(sixth) == Rational(1, 2))
        #expect(third.subtracting(sixth) == sixth)
        #expect(third.multiplied(by: Rational(3)) == Rational.one)
        #expect(third.divided(by: sixth) == Rational(2))
        // The textbook float failure: 0.1 + 0.2 is exactly 0.3.
        #expect(Rational(1, 10)!.adding(Rational(2, 10)!) == Rational(3, 10))
    }

    @Test func signLivesInTheNumerator() throws {
        let r = try #require(Rational(1, -2))
        #expect(r.num == -1 && r.den == 2)
        #expect(r.isNegative && r.signum == -1)
    }

    @Test func equalValuesAreEqualAndHashAlike() {
        #expect(Rational(2, 4) == Rational(1, 2))
        #expect(Rational(2, 4)!.hashValue == Rational(1, 2)!.hashValue)
        #expect(Set([Rational(2, 4)!, Rational(1, 2)!, Rational(3, 6)!]).count == 1)
    }

    @Test func zeroDenominatorsAndDivisionByZeroAreNil() {
        #expect(Rational(1, 0) == nil)
        #expect(Rational.one.divided(by: .zero) == nil)
    }

    @Test func overflowIsNilNotATrap() {
        #expect(Rational(Int128.max).adding(.one) == nil)
        #expect(Rational(Int128.max).multiplied(by: Rational(2)) == nil)
        #expect(Rational(Int128.min).negated() == nil)
    }

    @Test func crossReductionAvoidsAvoidableOverflow() throws {
        // 10^20 × (10^19 / 10^20): the raw product 10^39 overflows Int128, the value 10^19 does not.
        let big = Int128(100_000_000_000_000_000_000)
        let a = Rational(big)
        let b = try #require(Rational(big / 10, big))
        #expect(a.multiplied(by: b) == Rational(big / 10))
    }

    @Test func comparisonIsExactWithHugeDenominators() throws {
        // (max−1)/max > (max−2)/(max−1): both just below 1, the cross products overflow.
        let m = Int128.max
        let a = try #require(Rational(m - 1, m)), b = try #require(Rational(m - 2, m - 1))
        #expect(a.compare(b) == 1)
        #expect(b.compare(a) == -1)
        #expect(a < Rational.one)
        let half = try #require(Rational(m, 2)), third = try #require(Rational(m, 3))
        #expect(half > third)
    }

    @Test("rounding to the fen is half up, away from zero", arguments: [
        ("0.005", Int128(1)), ("0.00499", 0), ("0.004999999999999", 0), ("-0.005", -1), ("-0.00499", 0),
        ("370.365", 37037), ("1.234", 123), ("-1.235", -124), ("0", 0), ("12345.675", 1_234_568),
        ("11506.849315", 1_150_685),
    ])
    func roundToFen(_ text: String, _ fen: Int128) throws {
        #expect(try #require(Rational.parse(jsonNumber: text)).roundedToFen() == fen)
    }

    @Test func roundingFractionsWithoutFiniteDecimals() {
        #expect(Rational(1, 3)!.roundedToFen() == 33)
        #expect(Rational(2, 3)!.roundedToFen() == 67)
        #expect(Rational(-2, 3)!.roundedToFen() == -67)
        // 30% × 100,000 × 140/365 = 11,506.849… → 1,150,685 fen.
        #expect(Rational(30_000 * 140, 365)!.roundedToFen() == 1_150_685)
    }

    @Test func roundingHugeValues() throws {
        // 10 + 10^-36: the numerator × 100 overflows, the reduced path still rounds to 10.00.
        let tenPlus = try #require(Rational(Int128(10_000_000_000_000_000_000_000_000_000_000_000_001), Int128(1_000_000_000_000_000_000_000_000_000_000_000_000)))
        #expect(tenPlus.roundedToFen() == 1000)
        #expect(Rational(Int128(10_000_000_000_000_000_000_000_000_000_000_000_000)).roundedToFen() == nil)
    }

    @Test func floorRoundsDown() {
        #expect(Rational(7, 2)!.floor() == 3)
        #expect(Rational(-1, 2)!.floor() == -1)
        #expect(Rational(-4, 2)!.floor() == -2)
    }

    @Test("descriptions are exact decimals or fractions", arguments: [
        (Rational(5, 2)!, "2.5"), (Rational(-1, 8)!, "-0.125"), (Rational(3), "3"), (Rational(1, 3)!, "1/3 (≈0.333333)"),
        (Rational(3, 10)!, "0.3"),
    ])
    func descriptions(_ r: Rational, _ text: String) {
        #expect(r.description == text)
    }

    @Test func percentText() {
        #expect(Rational.percentText(Rational(3, 10)!) == "30%")
        #expect(Rational.percentText(Rational(16, 100_000)!) == "0.016%")
    }
}

@Suite("Money formatting")
struct MoneyFormatTests {
    @Test("yuan with thousands separators", arguments: [
        (Int128(12_345_678), "123,456.78"), (0, "0.00"), (5, "0.05"), (99_999, "999.99"), (100_000, "1,000.00"),
        (100_000_000, "1,000,000.00"), (-123_456, "-1,234.56"), (-1, "-0.01"),
    ])
    func format(_ fen: Int128, _ text: String) {
        #expect(Money.format(fen: fen) == text)
    }

    @Test func plainHasNoSeparators() {
        #expect(Money.plain(fen: 123_456_789) == "1234567.89")
        #expect(Money.format(fen: 123_456_789, grouping: false) == "1234567.89")
    }

    @Test("万元 with two decimals, half up", arguments: [
        (Int128(12_345_678_900), "12,345.68"), (1_000_000, "1.00"), (4_999, "0.00"), (5_000, "0.01"), (14_999, "0.01"),
        (15_000, "0.02"), (-1_500_000, "-1.50"), (0, "0.00"), (123_456_789_000_000, "123,456,789.00"),
    ])
    func formatWan(_ fen: Int128, _ text: String) {
        #expect(Money.formatWan(fen: fen) == text)
    }

    @Test func tinyNegativeAmountsInWanDoNotShowMinusZero() {
        // −49.99 元 is −0.004999 万元, which rounds to 0.00: a report should not print "-0.00".
        #expect(Money.formatWan(fen: -4_999) == "0.00")
    }
}

@Suite struct RationalDecimalReadingTests {
    /// Decimal text is read already reduced, by the fast path and by the general one alike.
    @Test(arguments: [(Int128(123450), 2), (-6, 1), (25, 2), (0, 2), (125, 3), (-40, 3), (7, 0), (1_000_000, 6), (3, 18), (48, 2)])
    func decimalUnitsAreReducedLikeGCD(units: Int128, scale: Int) throws {
        let r = try #require(Rational(units: units, scale: scale))
        var d: Int128 = 1
        for _ in 0..<scale { d *= 10 }
        let g = try #require(Rational(units, d)).reduced()
        #expect(r.num == g.num && r.den == g.den)
    }

    /// Products of 64-bit operands take one widening multiply; signs and the largest magnitudes come out exact.
    static let operandPairs: [(Int64, Int64)] = [(.max, .max), (.min + 1, .max), (-3, 5), (-7, -9), (.max, -1), (0, .min + 1)]

    @Test(arguments: operandPairs)
    func sixtyFourBitProductsAreExact(a: Int64, b: Int64) throws {
        let x = try #require(Rational(Int128(a), 7)), y = try #require(Rational(Int128(b), 3))
        let p = try #require(x.multiplied(by: y))
        // (a/7)(b/3) = ab/21, compared through cross-multiplication in 128 bits.
        #expect(p == Rational(Int128(a) * Int128(b), 21))
        let sum = try #require(x.adding(y))
        #expect(sum == Rational(Int128(a) * 3 + Int128(b) * 7, 21))
        #expect(x.compare(y) == (Int128(a) * 3 < Int128(b) * 7 ? -1 : (Int128(a) * 3 == Int128(b) * 7 ? 0 : 1)))
    }
}
