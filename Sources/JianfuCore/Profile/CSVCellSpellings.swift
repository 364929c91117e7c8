/// The cell spellings the fast CSV readers take straight from the bytes: plain and grouped decimals, decimals eight
/// bytes at a time, booleans, valid text. Each gives exactly what the general reader (`cell`) gives, or nil.
extension CSVProfileMapper {
    /// `-?digits(.digits)?` with at most 18 digits, as units and 10^(fraction digits); nil for any other spelling
    /// (which `DecimalText.parse` then reads: signs, separators, percentages, exponents, blanks).
    @inline(__always)
    static func plainDecimal(_ b: UnsafeBufferPointer<UInt8>) -> (units: Int64, power: Int64)? {
        var i = 0
        let n = b.count
        guard n > 0 else { return nil }
        let negative = b[0] == 0x2D
        if negative { i = 1 }
        var units: Int64 = 0, power: Int64 = 1, digits = 0, sawDot = false
        while i < n {
            let d = b[i] &- 0x30
            if d < 10 {
                units = units &* 10 &+ Int64(d)
                digits += 1
                if sawDot { power &*= 10 }
            } else if b[i] == 0x2E && !sawDot && digits > 0 {
                sawDot = true
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0, digits <= 18, !sawDot || power > 1 else { return nil }
        return (negative ? -units : units, power)
    }

    /// Whether a cell's bytes are text the general reader would decode: ASCII, valid UTF-8, or GB18030 of ASCII
    /// and two-byte characters. False leaves the cell to the general reader, which decides.
    @inline(__always)
    static func isText(_ b: UnsafeBufferPointer<UInt8>, gb18030: Bool) -> Bool {
        b.allSatisfy({ $0 < 0x80 }) || (gb18030 ? GB18030Check.isTwoByteText(b) : UTF8Check.check(b) == .valid)
    }

    /// A plain decimal at `q` in the `n` bytes at `b` that ends at a comma, with at most 8 digits before its dot
    /// and 8 after: units, 10^(fraction digits) and the comma's index, read eight bytes at a time; nil for
    /// anything else (the byte loop then reads it: more digits, the record's last cell, other spellings).
    @inline(__always)
    static func wordDecimal(_ b: UnsafeMutablePointer<UInt8>, _ q: Int, _ n: Int) -> (units: Int64, power: Int64, end: Int)? {
        guard q &+ 8 <= n else { return nil }
        let x = UnsafeRawPointer(b + q).loadUnaligned(as: UInt64.self).littleEndian
        let k = digitRun(x)
        let t = q &+ k
        guard k > 0, t < n else { return nil }
        var units = Int64(digitsValue(x, k)), power: Int64 = 1
        switch b[t] {
        case 0x2C: return (units, 1, t)
        case 0x2E:
            let f = t &+ 1
            guard f &+ 8 <= n else { return nil }
            let y = UnsafeRawPointer(b + f).loadUnaligned(as: UInt64.self).littleEndian
            let k2 = digitRun(y)
            let e = f &+ k2
            guard k2 > 0, e < n, b[e] == 0x2C else { return nil }
            for _ in 0..<k2 { power &*= 10 }
            units = units &* power &+ Int64(digitsValue(y, k2))
            return (units, power, e)
        default: return nil
        }
    }

    /// How many of the eight bytes of `x` (first byte lowest) are ASCII digits before the first that is not. A
    /// byte's high bit is set in `d` where it is below "0" (the borrow only reaches later bytes) and in
    /// `d + 0x76` where it is above "9" (a digit's cannot carry).
    @inline(__always)
    static func digitRun(_ x: UInt64) -> Int {
        let d = x &- 0x3030_3030_3030_3030
        let bad = (d | (d &+ 0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080
        return bad == 0 ? 8 : bad.trailingZeroBitCount >> 3
    }

    /// The number the first `k` (1...8) bytes of `x` spell, all digits: pairs, then fours, then eights combined.
    @inline(__always)
    static func digitsValue(_ x: UInt64, _ k: Int) -> UInt64 {
        var v = (x & 0x0F0F_0F0F_0F0F_0F0F) << UInt64(64 - 8 * k)
        v = (v &* 10 &+ (v >> 8)) & 0x00FF_00FF_00FF_00FF
        v = (v &* 100 &+ (v >> 16)) & 0x0000_FFFF_0000_FFFF
        return (v &* 10000 &+ (v >> 32)) & 0x0000_0000_FFFF_FFFF
    }

    /// `-?d{1,3}(,ddd)+(.digits)?` (thousands separators as spreadsheets write them, the cell quoted) with at
    /// most 18 digits, as units and 10^(fraction digits): the value `DecimalText.parse` reads; nil for any other
    /// spelling (which it then reads).
    static func groupedDecimal(_ b: UnsafeBufferPointer<UInt8>) -> (units: Int64, power: Int64)? {
        let n = b.count
        guard n > 0 else { return nil }
        let negative = b[0] == 0x2D
        var i = negative ? 1 : 0
        var units: Int64 = 0, digits = 0, group = 0, sawComma = false
        while i < n {
            let d = b[i] &- 0x30
            if d < 10 {
                units = units &* 10 &+ Int64(d)
                digits += 1; group += 1
            } else if b[i] == 0x2C {
                guard sawComma ? group == 3 : (group >= 1 && group <= 3) else { return nil }
                sawComma = true; group = 0
            } else {
                break
            }
            i += 1
        }
        guard sawComma, group == 3 else { return nil }
        var power: Int64 = 1
        if i < n {
            guard b[i] == 0x2E else { return nil }
            i += 1
            let start = i
            while i < n, b[i] &- 0x30 < 10 {
                units = units &* 10 &+ Int64(b[i] &- 0x30)
                digits += 1; power &*= 10
                i += 1
            }
            guard i == n, i > start else { return nil }
        }
        guard digits <= 18 else { return nil }
        return (negative ? -units : units, power)
    }

    /// The spellings spreadsheets write for a boolean, exactly as given (no blanks); nil for any other.
    @inline(__always)
    static func plainBool(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch b.count {
        case 1: return b[0] == 0x31 ? true : (b[0] == 0x30 ? false : nil)
        case 4:
            let s = (b[0], b[1], b[2], b[3])
            if s == (0x74, 0x72, 0x75, 0x65) || s == (0x54, 0x52, 0x55, 0x45) || s == (0x54, 0x72, 0x75, 0x65) { return true }
            return nil
        case 5:
            let s = (b[0], b[1], b[2], b[3], b[4])
            if s == (0x66, 0x61, 0x6C, 0x73, 0x65) || s == (0x46, 0x41, 0x4C, 0x53, 0x45) || s == (0x46, 0x61, 0x6C, 0x73, 0x65) { return false }
            return nil
        default: return nil
        }
    }
}
