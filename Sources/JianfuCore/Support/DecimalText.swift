// Exact decimal numbers from spreadsheet text.
//
// Population counts and amounts must survive parsing without binary floating-point rounding, so
// the value is kept as an integer count of 10^-scale units. Parsing works on raw cell bytes so
// the CSV reader can hand cells over without building a String first.

/// An exact decimal: `units / 10^scale`, normalised so `scale` is 0 or the last fractional digit is non-zero.
public struct DecimalValue: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The value in units of 10^-scale.
    public var units: Int128
    /// Number of fractional digits, 0...30.
    public var scale: Int
    /// Whether the text ended in `%` (already divided by 100), so callers can refuse it where it makes no sense.
    public var percent: Bool

    /// Makes a value, stripping trailing fractional zeros so equal numbers compare equal.
    public init(units: Int128, scale: Int, percent: Bool = false) {
        var units = units
        var scale = scale
        while scale > 0 && units % 10 == 0 {
            units /= 10
            scale -= 1
        }
        self.units = units
        self.scale = scale
        self.percent = percent
    }

    /// Stores already-normalised parts; skips the Int128 remainder, which is a slow library call.
    init(normalisedUnits units: Int128, scale: Int, percent: Bool) {
        self.units = units
        self.scale = scale
        self.percent = percent
    }

    /// Plain decimal notation, e.g. "-1234.5" (no thousands separators, no percent sign).
    public var description: String {
        let digits = String(units.magnitude)
        let sign = units < 0 ? "-" : ""
        guard scale > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
        let cut = padded.index(padded.endIndex, offsetBy: -scale)
        return sign + padded[..<cut] + "." + padded[cut...]
    }
}

/// Parses numbers as spreadsheets write them: `1,234.5`, `-¥1,234`, `1.5E+06`, `12%`.
public enum DecimalText {
    /// Largest number of significant digits accepted; keeps every intermediate well inside Int128.
    public static let maxSignificantDigits = 30
    /// Largest accepted `scale` (fractional digits after normalisation).
    public static let maxScale = 30
    /// Largest accepted written exponent magnitude, as in `1E+40`.
    public static let maxExponent = 40

    /// Parses UTF-8 (or, with `gb18030: true`, GB18030) cell bytes; nil if they are not one number.
    /// The encoding only matters for the ¥/￥ sign, whose bytes differ between the two.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, gb18030: Bool = false) -> DecimalValue? {
        var i = 0
        var n = bytes.count
        while i < n && isBlank(bytes[i]) { i += 1 }
        while n > i && isBlank(bytes[n - 1]) { n -= 1 }
        guard i < n else { return nil }

        // Sign and currency sign come in either order: Excel writes both "-¥12" and "¥-12".
        var negative = false
        var sawSign = false
        if bytes[i] == plus || bytes[i] == minus {
            negative = bytes[i] == minus
            sawSign = true
            i += 1
        }
        if i < n && bytes[i] >= 0x80, let length = currencyLength(bytes, at: i, end: n, gb18030: gb18030) {
            i += length
            while i < n && isBlank(bytes[i]) { i += 1 }  // accounting format pads after the sign
            if !sawSign && i < n && (bytes[i] == plus || bytes[i] == minus) {
                negative = bytes[i] == minus
                i += 1
            }
        }

        var mantissa = Mantissa()
        var integerDigits = 0
        var fractionDigits = 0

        // Integer part, with thousands separators only in complete groups of three.
        var groupLength = 0
        var sawSeparator = false
        while i < n {
            let b = bytes[i]
            if b &- zero < 10 {
                guard mantissa.add(b &- zero) else { return nil }
                integerDigits += 1
                groupLength += 1
            } else if b == comma {
                let validGroup = sawSeparator ? groupLength == 3 : (1...3).contains(groupLength)
                guard validGroup else { return nil }
                sawSeparator = true
                groupLength = 0
            } else {
                break
            }
            i += 1
        }
        if sawSeparator && groupLength != 3 { return nil }

        if i < n && bytes[i] == dot {
            i += 1
            while i < n, bytes[i] &- zero < 10 {
                guard mantissa.add(bytes[i] &- zero) else { return nil }
                fractionDigits += 1
                i += 1
            }
        }
        guard integerDigits + fractionDigits > 0 else { return nil }

        var exponent = 0
        if i < n && (bytes[i] == 0x65 || bytes[i] == 0x45) {  // e, E
            i += 1
            var exponentNegative = false
            if i < n && (bytes[i] == plus || bytes[i] == minus) {
                exponentNegative = bytes[i] == minus
                i += 1
            }
            let digitsStart = i
            while i < n, bytes[i] &- zero < 10 {
                exponent = exponent * 10 + Int(bytes[i] &- zero)
                guard exponent <= maxExponent else { return nil }  // also stops Int overflow
                i += 1
            }
            guard i > digitsStart else { return nil }
            if exponentNegative { exponent = -exponent }
        }

        var percent = false
        if i < n && bytes[i] == 0x25 {  // %
            percent = true
            i += 1
        }
        guard i == n else { return nil }

        if mantissa.significant == 0 { return DecimalValue(normalisedUnits: 0, scale: 0, percent: percent) }
        var units = mantissa.value
        let power = mantissa.pendingZeros + exponent - fractionDigits - (percent ? 2 : 0)
        if power >= 0 {
            // Checked by comparison: Int128's checked multiply is a slow library call.
            for _ in 0..<power {
                guard units <= int128MaxOverTen else { return nil }
                units = units &* 10
            }
        } else if -power > maxScale {
            return nil
        }
        // `units` has no trailing zeros here, so the value is already normalised.
        return DecimalValue(normalisedUnits: negative ? -units : units, scale: max(0, -power), percent: percent)
    }

    /// Parses a String; see `parse(_:gb18030:)` for the accepted forms.
    public static func parse(_ s: String) -> DecimalValue? {
        var s = s
        return s.withUTF8 { parse($0) }
    }

    /// Parses a whole count: accepts `1,234`, `12.0` and `1.2E+03`, rejects fractions, `%` and values outside Int64.
    public static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>, gb18030: Bool = false) -> Int64? {
        guard let value = parse(bytes, gb18030: gb18030), value.scale == 0, !value.percent else { return nil }
        return Int64(exactly: value.units)
    }

    /// Parses a whole count from a String; see `parseInteger(_:gb18030:)`.
    public static func parseInteger(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { parseInteger($0) }
    }

    // MARK: - Helpers

    private static let zero: UInt8 = 0x30, comma: UInt8 = 0x2C, dot: UInt8 = 0x2E
    private static let plus: UInt8 = 0x2B, minus: UInt8 = 0x2D

    /// Int128.max / 10, written out so the overflow check is a plain comparison.
    private static let int128MaxOverTen: Int128 = 17_014_118_346_046_923_173_168_730_371_588_410_572

    @inline(__always)
    private static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// Mantissa digits without leading or trailing zeros. Trailing zeros wait in `pendingZeros`, so
    /// "1000…0" is one significant digit and accumulating never overflows; the first 19 significant
    /// digits go into a UInt64 because 128-bit arithmetic costs more in the per-cell hot path.
    struct Mantissa {
        private var narrow: UInt64 = 0
        private var wide: Int128 = 0
        private(set) var significant = 0
        private(set) var pendingZeros = 0

        /// Adds one digit; false once there are more than `maxSignificantDigits` significant digits.
        @inline(__always)
        mutating func add(_ digit: UInt8) -> Bool {
            if digit == 0 {
                if significant > 0 { pendingZeros += 1 }  // leading zeros are not significant
                return true
            }
            significant += pendingZeros + 1
            if significant <= 19 {
                // < 10^19 < UInt64.max, so wrapping operations cannot wrap.
                for _ in 0..<pendingZeros { narrow = narrow &* 10 }
                narrow = narrow &* 10 &+ UInt64(digit)
            } else {
                guard significant <= maxSignificantDigits else { return false }
                if wide == 0 { wide = Int128(narrow) }
                // < 10^30, far below Int128.max.
                for _ in 0..<pendingZeros { wide = wide &* 10 }
                wide = wide &* 10 &+ Int128(digit)
            }
            pendingZeros = 0
            return true
        }

        /// The significant digits as an integer.
        var value: Int128 { significant <= 19 ? Int128(narrow) : wide }
    }

    /// Byte length of a ¥ (U+00A5) or ￥ (U+FFE5) sign at `i` in the given encoding, or nil.
    private static func currencyLength(
        _ bytes: UnsafeBufferPointer<UInt8>, at i: Int, end n: Int, gb18030: Bool
    ) -> Int? {
        func matches(_ pattern: [UInt8]) -> Bool {
            guard n - i >= pattern.count else { return false }
            for k in 0..<pattern.count where bytes[i + k] != pattern[k] { return false }
            return true
        }
        // Only check signs in the cell's own encoding: the UTF-8 bytes of ¥ (C2 A5) are 楼 in GBK.
        let signs: [[UInt8]] = gb18030 ? [[0xA3, 0xA4], [0x81, 0x30, 0x84, 0x36]] : [[0xC2, 0xA5], [0xEF, 0xBF, 0xA5]]
        for sign in signs where matches(sign) { return sign.count }
        return nil
    }
}
