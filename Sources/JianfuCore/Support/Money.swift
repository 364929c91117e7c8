/// Formatting of amounts in fen (分) for reports: `1,234,567.89`, and 万元 for large totals.
public enum Money {
    /// `12345678` fen → `123,456.78`.
    public static func format(fen: Int128, grouping: Bool = true) -> String {
        let neg = fen < 0
        let mag = fen.magnitude
        if mag <= UInt128(UInt64.max) {
            // Digits written right to left into a small buffer: reports format every amount they show.
            var v = UInt64(mag)
            var buf = [UInt8](repeating: 0, count: 40)
            var k = buf.count
            for _ in 0..<2 { k -= 1; buf[k] = 0x30 + UInt8(v % 10); v /= 10 }
            k -= 1; buf[k] = 0x2E
            var digits = 0
            repeat {
                if grouping && digits > 0 && digits % 3 == 0 { k -= 1; buf[k] = 0x2C }
                k -= 1; buf[k] = 0x30 + UInt8(v % 10); v /= 10
                digits += 1
            } while v > 0
            if neg { k -= 1; buf[k] = 0x2D }
            return String(decoding: buf[k...], as: UTF8.self)
        }
        let yuan = String(mag / 100)
        let cents = mag % 100
        let grouped = grouping ? group(yuan) : yuan
        return (neg ? "-" : "") + grouped + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// `12345678900` fen → `12,345.68` (万元, two decimals, half up).
    public static func formatWan(fen: Int128) -> String {
        let neg = fen < 0
        let mag = fen.magnitude
        // 1万元 = 1,000,000 fen; keep two decimals of 万元 = 10,000 fen units.
        var units = mag / 10_000
        if (mag % 10_000) * 2 >= 10_000 { units += 1 }
        let whole = group(String(units / 100))
        let frac = units % 100
        return (neg && units > 0 ? "-" : "") + whole + "." + (frac < 10 ? "0" : "") + String(frac)
    }

    static func group(_ digits: String) -> String {
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }

    /// Plain decimal for machine output: `1234.50`.
    public static func plain(fen: Int128) -> String { format(fen: fen, grouping: false) }
}
