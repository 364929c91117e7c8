/// One end of an interval: a number, or unbounded.
public enum Bound: Sendable, Equatable {
    case negInf
    case finite(Rational)
    case posInf

    var rational: Rational? { if case .finite(let r) = self { return r }; return nil }

    /// Ordering of ends; infinities compare as expected.
    static func cmp(_ a: Bound, _ b: Bound) -> Int {
        switch (a, b) {
        case (.negInf, .negInf), (.posInf, .posInf): return 0
        case (.negInf, _), (_, .posInf): return -1
        case (_, .negInf), (.posInf, _): return 1
        case (.finite(let x), .finite(let y)): return x.compare(y)
        }
    }

    var sign: Int {
        switch self { case .negInf: return -1; case .posInf: return 1; case .finite(let r): return r.signum }
    }
}

/// The set of values a number may take: a single exact value when every fact is known, or the range the
/// missing facts allow. This is how three-valued logic extends to arithmetic: a rule is decided whenever
/// every value in the range gives the same answer.
public struct Interval: Sendable, Equatable {
    public private(set) var lo: Bound
    public private(set) var hi: Bound
    /// Set when the interval is known to be one exact value, so `point` needs no comparison (the common case).
    private var exact: Bool

    public init(_ lo: Bound, _ hi: Bound) {
        self.lo = lo; self.hi = hi
        if case .finite(let a) = lo, case .finite(let b) = hi { exact = a.num == b.num && a.den == b.den } else { exact = false }
    }

    public init(_ r: Rational) { lo = .finite(r); hi = .finite(r); exact = true }

    public static func == (a: Interval, b: Interval) -> Bool { a.lo == b.lo && a.hi == b.hi }

    public static let all = Interval(.negInf, .posInf)
    public static let nonNegative = Interval(.finite(.zero), .posInf)
    public static let unit = Interval(.finite(.zero), .finite(.one))

    /// The exact value, when the interval is a single point.
    public var point: Rational? {
        if exact, case .finite(let a) = lo { return a }
        if case .finite(let a) = lo, case .finite(let b) = hi, a == b { return a }
        return nil
    }

    func hull(_ o: Interval) -> Interval {
        Interval(Bound.cmp(lo, o.lo) <= 0 ? lo : o.lo, Bound.cmp(hi, o.hi) >= 0 ? hi : o.hi)
    }

    // Arithmetic returns nil on overflow; the caller turns that into an undetermined value with a message.

    static func add(_ a: Bound, _ b: Bound, up: Bool) -> Bound? {
        if case .finite(let x) = a, case .finite(let y) = b { return x.adding(y).map { .finite($0) } }
        let outward: Bound = up ? .posInf : .negInf
        if a == outward || b == outward { return outward }
        return up ? .negInf : .posInf
    }

    func adding(_ o: Interval) -> Interval? {
        guard let l = Interval.add(lo, o.lo, up: false), let h = Interval.add(hi, o.hi, up: true) else { return nil }
        return Interval(l, h)
    }

    func negated() -> Interval? {
        func neg(_ b: Bound) -> Bound? {
            switch b { case .negInf: return .posInf; case .posInf: return .negInf; case .finite(let r): return r.negated().map { .finite($0) } }
        }
        guard let l = neg(hi), let h = neg(lo) else { return nil }
        return Interval(l, h)
    }

    func subtracting(_ o: Interval) -> Interval? {
        guard let n = o.negated() else { return nil }
        return adding(n)
    }

    static func mul(_ a: Bound, _ b: Bound) -> Bound? {
        if case .finite(let x) = a, case .finite(let y) = b { return x.multiplied(by: y).map { .finite($0) } }
        // 0 × ∞ is taken as 0: the bounds come from domains where an unbounded factor meets an exact zero.
        let s = a.sign * b.sign
        return s == 0 ? .finite(.zero) : (s > 0 ? .posInf : .negInf)
    }

    func multiplied(by o: Interval) -> Interval? {
        if let p = point, let q = o.point { return p.multiplied(by: q).map { Interval($0) } }
        // A range times one value (the common case: a missing amount times a rate): two products, in order.
        if let q = o.point ?? point {
            let range = o.point != nil ? self : o
            guard let a = Interval.mul(range.lo, .finite(q)), let b = Interval.mul(range.hi, .finite(q)) else { return nil }
            return q.signum >= 0 ? Interval(a, b) : Interval(b, a)
        }
        // The four products of the ends, without an array (this runs per row in the batch code).
        guard let a = Interval.mul(lo, o.lo), let b = Interval.mul(lo, o.hi),
              let c = Interval.mul(hi, o.lo), let d = Interval.mul(hi, o.hi) else { return nil }
        var l = a, h = a
        func take(_ p: Bound) {
            if Bound.cmp(p, l) < 0 { l = p }
            if Bound.cmp(p, h) > 0 { h = p }
        }
        take(b); take(c); take(d)
        return Interval(l, h)
    }

    /// Division by an interval that excludes zero.
    func divided(by o: Interval) -> Interval? {
        if let p = point, let q = o.point { return p.divided(by: q).map { Interval($0) } }
        func inv(_ b: Bound) -> Bound? {
            switch b {
            case .negInf, .posInf: return .finite(.zero)
            case .finite(let r): return Rational.one.divided(by: r).map { .finite($0) }
            }
        }
        guard let a = inv(o.hi), let b = inv(o.lo) else { return nil }
        return multiplied(by: Interval(a, b))
    }

    var containsZero: Bool { Bound.cmp(lo, .finite(.zero)) <= 0 && Bound.cmp(hi, .finite(.zero)) >= 0 }

    func minimum(_ o: Interval) -> Interval {
        Interval(Bound.cmp(lo, o.lo) <= 0 ? lo : o.lo, Bound.cmp(hi, o.hi) <= 0 ? hi : o.hi)
    }

    func maximum(_ o: Interval) -> Interval {
        Interval(Bound.cmp(lo, o.lo) >= 0 ? lo : o.lo, Bound.cmp(hi, o.hi) >= 0 ? hi : o.hi)
    }
}

/// The rules of arithmetic on ranges that both executions share: the interval evaluator, value by value, and
/// the batch code, register by register, where a cell is not one exact value.
extension Interval {
    /// An exact zero times anything, known or not, is zero.
    @inline(__always)
    static func hasExactZero(_ x: Interval, _ y: Interval) -> Bool { x.point?.isZero == true || y.point?.isZero == true }

    /// `x × y`; nil on overflow.
    static func product(_ x: Interval, _ y: Interval) -> Interval? {
        hasExactZero(x, y) ? Interval(.zero) : x.multiplied(by: y)
    }

    /// `x ÷ y`; nil where the divisor may be zero or on overflow (the interval evaluator says which).
    static func quotient(_ x: Interval, _ y: Interval) -> Interval? {
        if y.point?.isZero == true || y.containsZero { return nil }
        return x.divided(by: y)
    }

    /// What a `count` or `sum` gives over a list that is missing altogether: one unknown item stands for any
    /// number of items. `filter` is the filter's truth for that item, `item` the summed value's range (nil: no
    /// value formula).
    static func ofMissingList(count: Bool, filter: Tri, item: Interval?) -> Interval {
        if filter == .no { return Interval(.zero) }
        if count { return .nonNegative }
        let v = item ?? .all
        return Interval(v.lo.sign >= 0 ? .finite(.zero) : .negInf, v.hi.sign <= 0 ? .finite(.zero) : .posInf)
    }

    /// What one item adds to a `count` (`value` nil) or a `sum` whose filter for it is `filter` (not false):
    /// an item that may or may not count adds between nothing and all of it.
    static func itemContribution(filter: Tri, value: Interval?) -> Interval {
        let v = value ?? Interval(.one)
        return filter == .yes ? v : v.hull(Interval(.zero))
    }
}
