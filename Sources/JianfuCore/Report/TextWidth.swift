/// Display width in a terminal: East Asian wide characters (汉字, full-width punctuation) take two columns,
/// so tables with Chinese text line up.
public enum TextWidth {
    public static func width(_ s: String) -> Int {
        var w = 0
        for u in s.unicodeScalars { w += isWide(u) ? 2 : (u.properties.generalCategory == .nonspacingMark ? 0 : 1) }
        return w
    }

    static func isWide(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Pads on the right to `width` columns.
    public static func padRight(_ s: String, _ width: Int) -> String {
        s + String(repeating: " ", count: max(0, width - self.width(s)))
    }

    /// Pads on the left to `width` columns (numbers).
    public static func padLeft(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - self.width(s))) + s
    }

    /// Cuts to at most `width` columns, ending with … when cut.
    public static func truncate(_ s: String, _ width: Int) -> String {
        if self.width(s) <= width { return s }
        var out = "", w = 0
        for ch in s {
            let cw = self.width(String(ch))
            if w + cw > width - 1 { break }
            out.append(ch); w += cw
        }
        return out + "…"
    }
}
