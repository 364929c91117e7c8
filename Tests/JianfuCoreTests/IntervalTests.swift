import Testing
@testable import JianfuCore

private func iv(_ lo: Int, _ hi: Int) -> Interval { Interval(.finite(Rational(lo)), .finite(Rational(hi))) }
private func atLeast(_ lo: Int) -> Interval { Interval(.finite(Rational(lo)), .posInf) }
private func atMost(_ hi: Int) -> Interval { Interval(.negInf, .finite(Rational(hi))) }
private func q(_ n: Int, _ d: Int) -> Bound { .finite(Rational(Int128(n), Int128(d)) ?? .zero) }

@Suite("Interval")
struct IntervalTests {
    @Test("bounds order with infinities at the ends", arguments: [
        (Bound.negInf, Bound.negInf, 0), (.negInf, .finite(.zero), -1), (.negInf, .posInf, -1),
        (.posInf, .posInf, 0), (.posInf, .finite(Rational(1_000_000)), 1), (.posInf, .negInf, 1),
        (.finite(Rational(1)), .finite(Rational(2)), -1), (.finite(Rational(2)), .negInf, 1),
        (.finite(Rational(1, 2)!), .finite(Rational(2, 4)!), 0),
    ])
    func boundOrder(_ a: Bound, _ b: Bound, _ expected: Int) {
        #expect(Bound.cmp(a, b) == expected)
    }

    @Test func pointIsExactValueOnly() {
        #expect(Interval(Rational(7)).point == Rational(7))
        #expect(iv(1, 2).point == nil)
        #expect(Interval.nonNegative.point == nil)
        #expect(Interval.all.point == nil)
    }

    @Test("addition", arguments: [
        (iv(1, 2), iv(3, 4), iv(4, 6)),
        (Interval.nonNegative, Interval(Rational(1)), atLeast(1)),
        (Interval.all, Interval(Rational(1)), Interval.all),
        (atMost(0), atLeast(0), Interval.all),
        (iv(-5, -1), iv(2, 3), iv(-3, 2)),
    ])
    func addition(_ a: Interval, _ b: Interval, _ expected: Interval) {
        #expect(a.adding(b) == expected)
        #expect(b.adding(a) == expected)
    }

    @Test func negationAndSubtraction() {
        #expect(iv(1, 2).negated() == iv(-2, -1))
        #expect(Interval.nonNegative.negated() == atMost(0))
        #expect(iv(1, 2).subtracting(Interval.nonNegative) == atMost(2))
        #expect(iv(5, 10).subtracting(iv(1, 2)) == iv(3, 9))
    }

    @Test("multiplication takes the extreme products", arguments: [
        (iv(-1, 2), iv(3, 4), iv(-4, 8)),
        (iv(-2, -1), iv(-3, -2), iv(2, 6)),
        (iv(-2, 3), iv(-5, 4), iv(-15, 12)),
        (Interval.nonNegative, Interval.unit, Interval.nonNegative),  // money × rate
        (Interval.nonNegative, iv(-1, 1), Interval.all),
        (Interval.nonNegative, Interval(Rational.zero), Interval(Rational.zero)),  // 0 × ∞ taken as 0
        (atMost(-1), atLeast(1), atMost(-1)),
    ])
    func multiplication(_ a: Interval, _ b: Interval, _ expected: Interval) {
        #expect(a.multiplied(by: b) == expected)
        #expect(b.multiplied(by: a) == expected)
    }

    @Test("division by an interval without zero", arguments: [
        (iv(1, 2), iv(2, 4), Interval(q(1, 4), q(1, 1))),
        (Interval(Rational(1)), atLeast(1), Interval(q(0, 1), q(1, 1))),
        (iv(-1, 1), iv(-2, -1), iv(-1, 1)),
        (Interval(Rational(1)), Interval(Rational(3)), Interval(Rational(1, 3)!)),
        (iv(6, 6), iv(2, 3), iv(2, 3)),
    ])
    func division(_ a: Interval, _ b: Interval, _ expected: Interval) {
        #expect(a.divided(by: b) == expected)
    }

    @Test func divisionByExactZeroIsNil() {
        #expect(Interval(Rational(1)).divided(by: Interval(Rational.zero)) == nil)
    }

    @Test func containsZero() {
        #expect(Interval.nonNegative.containsZero)
        #expect(iv(-1, 1).containsZero)
        #expect(Interval(Rational.zero).containsZero)
        #expect(!iv(1, 2).containsZero)
        #expect(!atMost(-1).containsZero)
        #expect(!atLeast(1).containsZero)
    }

    @Test func minimumMaximumAndHull() {
        #expect(Interval.nonNegative.minimum(Interval(Rational(5))) == iv(0, 5))
        #expect(Interval.nonNegative.maximum(Interval(Rational(5))) == atLeast(5))
        #expect(iv(1, 2).hull(iv(5, 6)) == iv(1, 6))
        #expect(iv(1, 6).hull(iv(2, 3)) == iv(1, 6))
        #expect(atMost(0).hull(atLeast(0)) == Interval.all)
    }

    @Test func overflowGivesNilNotATrap() {
        let huge = Interval(Rational(Int128.max))
        #expect(huge.adding(huge) == nil)
        #expect(huge.multiplied(by: Interval(Rational(2))) == nil)
        #expect(Interval(Rational(Int128.min + 1)).subtracting(Interval(Rational(2))) == nil)
    }

    @Test func exactFractionsSurviveArithmetic() {
        // [1/3, 1/2] + [1/6, 1/6] = [1/2, 2/3]
        let a = Interval(q(1, 3), q(1, 2))
        #expect(a.adding(Interval(Rational(1, 6)!)) == Interval(q(1, 2), q(2, 3)))
    }
}
