/// An exact rational number: money, rates and shares of the year are all kept exact until the final rounding.
///
/// The fraction is not kept reduced after every operation (a gcd per multiply would dominate the hot path);
/// it is reduced only when a denominator grows large or a product would overflow `Int128`.
public struct Rational: Sendable, CustomStringConvertible {
    public private(set) var num: Int128
    /// Always positive.
    public private(set) var den: Int128

    // Computed, so they fold to constants (a stored static is a lazily initialised global, checked per use).
    public static var zero: Rational { Rational(unchecked: 0, 1) }
    public static var one: Rational { Rational(unchecked: 1, 1) }

    /// An integer value.
    public init(_ value: Int) { num = Int128(value); den = 1 }
    /// An integer value.
    public init(_ value: Int128) { num = value; den = 1 }

    /// `num / den`, or nil for a zero denominator.
    public init?(_ num: Int128, _ den: Int128) {
        guard den != 0 else { return nil }
        if den < 0 {
            guard num != Int128.min, den != Int128.min else { return nil }
            self.num = -num; self.den = -den
        } else {
            self.num = num; self.den = den
        }
    }

    private init(unchecked num: Int128, _ den: Int128) { self.num = num; self.den = den }

    /// `units / 10^scale`, as decimal text is read.
    public init?(units: Int128, scale: Int) {
        guard scale >= 0, scale <= 36 else { return nil }
        if scale <= 18 && Rational.fits64(units) && units != Int128(Int64.min) {
            // Read for every number cell of a population: reduce by the 2s and 5s of 10^scale directly, no gcd.
            self.init(decimal: Int64(units), scale: scale)
            return
        }
        var d: Int128 = 1
        for _ in 0..<scale { d *= 10 }
        self.init(unchecked: units, d)
        self = self.reduced()
    }

    /// `units / power` (power a power of ten up to 10^18) as it stands, not reduced: equal in value to the reduced fraction
    /// (comparison, hashing and rounding are by value), for reading a population's cells.
    init(plainDecimal units: Int64, power: Int64) {
        self.init(unchecked: Int128(units), Int128(power))
    }

    /// `units / 10^scale` (0 ≤ scale ≤ 18, units not Int64.min), reduced by the 2s and 5s of 10^scale.
    init(decimal units: Int64, scale: Int) {
        var u = units, s = scale
        while s > 0 && u % 10 == 0 { u /= 10; s -= 1 }
        guard s > 0 else { self.init(unchecked: Int128(u), 1); return }
        var d: Int64 = 1
        for _ in 0..<s { d &*= 10 }
        // After the 10s, at most one of 2 and 5 still divides both.
        if u & 1 == 0 {
            let t = min(u.trailingZeroBitCount, s)
            u >>= t; d >>= t
        } else {
            var fives = s
            while fives > 0 && u % 5 == 0 { u /= 5; d /= 5; fives -= 1 }
        }
        self.init(unchecked: Int128(u), Int128(d))
    }

    public var isZero: Bool { num == 0 }
    public var isNegative: Bool { num < 0 }
    public var isInteger: Bool { den == 1 || num % den == 0 }
    public var signum: Int { num == 0 ? 0 : (num < 0 ? -1 : 1) }

    /// The same value with numerator and denominator coprime.
    public func reduced() -> Rational {
        let g = Rational.gcd(num.magnitude, den.magnitude)
        if g <= 1 { return self }
        if Rational.fits64(num) && Rational.fits64(den) {
            let g64 = Int64(g)
            return Rational(unchecked: Int128(Int64(num) / g64), Int128(Int64(den) / g64))
        }
        let gi = Int128(g)
        return Rational(unchecked: num / gi, den / gi)
    }

    static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        if a >> 64 == 0 && b >> 64 == 0 {
            // 64-bit remainders are machine instructions; 128-bit ones are library calls.
            var x = UInt64(truncatingIfNeeded: a), y = UInt64(truncatingIfNeeded: b)
            while y != 0 { (x, y) = (y, x % y) }
            return UInt128(x)
        }
        var a = a, b = b
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    // MARK: arithmetic (nil on overflow that reduction cannot avoid)

    public func adding(_ other: Rational) -> Rational? {
        if den == other.den {
            let (s, o) = num.addingReportingOverflow(other.num)
            if !o { return Rational(unchecked: s, den).tidy() }
        }
        if let r = Rational.addRaw(self, other) { return r.tidy() }
        return Rational.addRaw(self.reduced(), other.reduced())?.tidy()
    }

    /// Whether `v` fits in 64 bits: products of two such values cannot overflow `Int128`, so the common case
    /// skips the overflow-checked 128-bit multiply (a library call) and division.
    @inline(__always)
    static func fits64(_ v: Int128) -> Bool { v == Int128(Int64(truncatingIfNeeded: v)) }

    /// The product of two values that fit in 64 bits, as one 64 × 64 → 128-bit multiply (a full 128-bit multiply
    /// is three).
    @inline(__always)
    static func wide(_ a: Int128, _ b: Int128) -> Int128 {
        let (high, low) = Int64(truncatingIfNeeded: a).multipliedFullWidth(by: Int64(truncatingIfNeeded: b))
        return Int128(high) << 64 | Int128(low)
    }

    private static func addRaw(_ a: Rational, _ b: Rational) -> Rational? {
        if fits64(a.num) && fits64(a.den) && fits64(b.num) && fits64(b.den) {
            // |x|, |y| < 2^126, so x + y cannot overflow either.
            return Rational(unchecked: wide(a.num, b.den) &+ wide(b.num, a.den), wide(a.den, b.den))
        }
        let (x, o1) = a.num.multipliedReportingOverflow(by: b.den)
        let (y, o2) = b.num.multipliedReportingOverflow(by: a.den)
        let (d, o3) = a.den.multipliedReportingOverflow(by: b.den)
        if o1 || o2 || o3 { return nil }
        let (s, o4) = x.addingReportingOverflow(y)
        return o4 ? nil : Rational(unchecked: s, d)
    }

    public func negated() -> Rational? {
        num == Int128.min ? nil : Rational(unchecked: -num, den)
    }

    public func subtracting(_ other: Rational) -> Rational? {
        guard let n = other.negated() else { return nil }
        return adding(n)
    }

    public func multiplied(by other: Rational) -> Rational? {
        if let r = Rational.mulRaw(self, other) { return r.tidy() }
        // Cross-reduce before giving up: (a/b)(c/d) = (a/g1)(c/g2) / ((d/g1)(b/g2)).
        let a = self.reduced(), b = other.reduced()
        let g1 = Int128(Rational.gcd(a.num.magnitude, b.den.magnitude))
        let g2 = Int128(Rational.gcd(b.num.magnitude, a.den.magnitude))
        let x = Rational(unchecked: a.num / max(g1, 1), a.den / max(g2, 1))
        let y = Rational(unchecked: b.num / max(g2, 1), b.den / max(g1, 1))
        return Rational.mulRaw(x, y)?.tidy()
    }

    private static func mulRaw(_ a: Rational, _ b: Rational) -> Rational? {
        if fits64(a.num) && fits64(a.den) && fits64(b.num) && fits64(b.den) {
            return Rational(unchecked: wide(a.num, b.num), wide(a.den, b.den))
        }
        let (n, o1) = a.num.multipliedReportingOverflow(by: b.num)
        let (d, o2) = a.den.multipliedReportingOverflow(by: b.den)
        return (o1 || o2) ? nil : Rational(unchecked: n, d)
    }

    /// nil for division by zero or overflow.
    public func divided(by other: Rational) -> Rational? {
        guard other.num != 0 else { return nil }
        guard let inv = Rational(other.den, other.num) else { return nil }
        return multiplied(by: inv)
    }

    /// Keeps denominators from growing without bound along long chains.
    private func tidy() -> Rational {
        den > 1_000_000_000_000_000_000 ? reduced() : self
    }

    // MARK: comparison

    /// Exact three-way comparison.
    public func compare(_ other: Rational) -> Int {
        if den == other.den { return num < other.num ? -1 : (num == other.num ? 0 : 1) }
        if Rational.fits64(num) && Rational.fits64(den) && Rational.fits64(other.num) && Rational.fits64(other.den) {
            let x = Rational.wide(num, other.den), y = Rational.wide(other.num, den)
            return x < y ? -1 : (x == y ? 0 : 1)
        }
        let (x, o1) = num.multipliedReportingOverflow(by: other.den)
        let (y, o2) = other.num.multipliedReportingOverflow(by: den)
        if !o1 && !o2 { return x < y ? -1 : (x == y ? 0 : 1) }
        // Rare: compare via integer parts and remainders, which cannot overflow further.
        let a = reduced(), b = other.reduced()
        let qa = a.num / a.den - (a.num % a.den < 0 ? 1 : 0)
        let qb = b.num / b.den - (b.num % b.den < 0 ? 1 : 0)
        if qa != qb { return qa < qb ? -1 : 1 }
        let ra = Rational(unchecked: a.num - qa * a.den, a.den)
        let rb = Rational(unchecked: b.num - qb * b.den, b.den)
        if ra.num == 0 || rb.num == 0 { return ra.num == rb.num ? 0 : (ra.num == 0 ? -1 : 1) }
        // Compare the reciprocals of the fractional parts (both in (0, 1)), reversed.
        return -Rational(unchecked: ra.den, ra.num).compare(Rational(unchecked: rb.den, rb.num))
    }

    // MARK: rounding

    /// Rounded half up (half away from zero) to hundredths: the value in fen.
    public func roundedToFen() -> Int128? {
        if Rational.fits64(num) {
            // |num| < 2^63, so num × 100 fits in 128 bits: no overflow-checked multiply (a library call).
            return Rational.roundHalfAway(num &* 100, den)
        }
        let (n, o) = num.multipliedReportingOverflow(by: 100)
        if o { return reduced().roundedToFenReduced() }
        return Rational.roundHalfAway(n, den)
    }

    private func roundedToFenReduced() -> Int128? {
        let q = num / den, r = num % den
        let (qf, o) = q.multipliedReportingOverflow(by: 100)
        if o { return nil }
        guard let frac = Rational(r, den), let f = frac.multiplied(by: Rational(100)) else { return nil }
        guard let fr = Rational.roundHalfAway(f.num, f.den) else { return nil }
        return qf + fr
    }

    static func roundHalfAway(_ n: Int128, _ d: Int128) -> Int128? {
        if fits64(n) && fits64(d) && d > 0 && n != Int128(Int64.min) {
            // 64-bit division is a machine instruction; 128-bit division is a library call.
            let n64 = Int64(n), d64 = Int64(d)
            let q = n64 / d64, r = (n64 % d64).magnitude
            if r >= d64.magnitude - r { return Int128(n64 < 0 ? q - 1 : q + 1) }
            return Int128(q)
        }
        let q = n / d, r = n % d
        let twice = r.magnitude.multipliedReportingOverflow(by: 2)
        if twice.overflow || twice.partialValue >= d.magnitude { return n < 0 ? q - 1 : q + 1 }
        return q
    }

    /// Floor to an integer.
    public func floor() -> Int128 {
        if den == 1 { return num }
        if Rational.fits64(num) && Rational.fits64(den) {
            // 64-bit division is a machine instruction; 128-bit division is a library call.
            let n = Int64(num), d = Int64(den)
            let q = n / d
            return Int128(n % d != 0 && n < 0 ? q - 1 : q)
        }
        let q = num / den
        return (num % den != 0 && num < 0) ? q - 1 : q
    }

    /// A plain decimal rendering for traces: exact when the value has a finite decimal expansion, else a
    /// fraction `a/b` followed by an approximation.
    public var description: String {
        let r = reduced()
        if r.den == 1 { return String(r.num) }
        var d = r.den, twos = 0, fives = 0
        while d % 2 == 0 { d /= 2; twos += 1 }
        while d % 5 == 0 { d /= 5; fives += 1 }
        if d == 1 {
            let scale = max(twos, fives)
            return Rational.decimalString(r, scale: scale)
        }
        return "\(r.num)/\(r.den) (≈\(Rational.decimalString(r, scale: 6)))"
    }

    /// Rendering with exactly `scale` fractional digits, rounded half away from zero.
    public static func decimalString(_ r: Rational, scale: Int) -> String {
        var p: Int128 = 1
        for _ in 0..<scale { p *= 10 }
        guard let scaled = r.multiplied(by: Rational(p)), let q = roundHalfAway(scaled.num, scaled.den) else {
            return "\(r.num)/\(r.den)"
        }
        let neg = q < 0
        var digits = String(q.magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return (neg ? "-" : "") + digits
    }
}

extension Rational: Equatable, Hashable, Comparable {
    public static func == (a: Rational, b: Rational) -> Bool { a.compare(b) == 0 }
    public static func < (a: Rational, b: Rational) -> Bool { a.compare(b) < 0 }
    public func hash(into hasher: inout Hasher) {
        let r = reduced()
        hasher.combine(r.num); hasher.combine(r.den)
    }
}
