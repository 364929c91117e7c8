extension Rational {
    /// Reads JSON number text (`-12.5e3`) exactly; nil when it is out of range (more than 30 significant
    /// digits or an exponent beyond ±30) rather than rounding it.
    public static func parse(jsonNumber text: String) -> Rational? {
        var units: Int128 = 0
        var scale = 0
        var exp = 0
        var neg = false
        var expNeg = false
        var inFrac = false, inExp = false
        var digits = 0
        for u in text.utf8 {
            switch u {
            case UInt8(ascii: "-") where !inExp: neg = true
            case UInt8(ascii: "-"): expNeg = true
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "."): inFrac = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExp = true
            case 48...57:
                let d = Int(u - 48)
                if inExp {
                    exp = exp * 10 + d
                    if exp > 60 { return nil }
                } else {
                    if units == 0 && d == 0 { if inFrac { scale += 1 }; continue }
                    digits += 1
                    if digits > 30 { return nil }
                    units = units * 10 + Int128(d)
                    if inFrac { scale += 1 }
                }
            default: return nil
            }
        }
        if expNeg { exp = -exp }
        var s = scale - exp
        if neg { units = -units }
        while s < 0 {
            let (m, o) = units.multipliedReportingOverflow(by: 10)
            if o { return nil }
            units = m; s += 1
        }
        if s > 36 { return units == 0 ? .zero : nil }
        return Rational(units: units, scale: s)
    }
}
