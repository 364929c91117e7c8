/// The SVG charts of the simulation page: horizontal bars with wrapped labels, scaled per row or on a
/// common scale, legible at a phone's width.
extension SimulationHTML {
    // The viewBox is narrow (360 units) so text stays legible at a phone's width; on wide screens the CSS
    // shrinks the text instead of letting it grow with the chart. Widths below are estimated at the phone sizes.
    static let chartWidth = 360.0, labelSize = 14.0, valueSize = 12.5

    /// An SVG of horizontal bars with labels above them; nothing overlaps: long labels wrap and a right text
    /// that does not fit beside the label gets its own line.
    func svgChart(id: String, title: String, rows: [Row]) -> String {
        let w = Self.chartWidth
        let texts = rows.flatMap { $0.bars.compactMap(\.text) }
        let column = texts.isEmpty ? 0 : (texts.map { Self.textWidth($0, Self.valueSize) }.max() ?? 0) + 10
        let barArea = w - column, barHeight = 14.0, barGap = 4.0, line = 18.0
        var y = 2.0
        var body = ""
        func text(_ s: String, _ cls: String, x: Double, baseline: Double, end: Bool = false) {
            body += "<text class=\"\(cls)\" x=\"\(fmt(x))\" y=\"\(fmt(baseline))\"\(end ? " text-anchor=\"end\"" : "")>\(e(s))</text>"
        }
        for row in rows {
            var labelLines: [String]
            var rightOwnLine = false
            if let r = row.right {
                let rw = Self.textWidth(r, Self.valueSize) + 10
                if Self.textWidth(row.label, Self.labelSize) + rw <= w {
                    labelLines = [row.label]
                } else if w - rw >= w / 2 {
                    labelLines = Self.wrap(row.label, w - rw, Self.labelSize)
                } else {
                    labelLines = Self.wrap(row.label, w, Self.labelSize); rightOwnLine = true
                }
            } else {
                labelLines = Self.wrap(row.label, w, Self.labelSize)
            }
            for (k, l) in labelLines.enumerated() {
                text(l, "lbl", x: 0, baseline: y + 14)
                if k == 0, !rightOwnLine, let r = row.right { text(r, row.rightClass, x: w, baseline: y + 14, end: true) }
                y += line
            }
            if rightOwnLine, let r = row.right { text(r, row.rightClass, x: w, baseline: y + 13, end: true); y += line }
            var by = y + 2
            let top = by
            for bar in row.bars {
                if row.track { body += rect("track", 0, by, barArea, barHeight) }
                let lo = length(bar.low, row.scale, barArea), hi = length(bar.high, row.scale, barArea)
                if lo > 0 { body += rect(bar.series, 0, by, lo, barHeight) }
                if hi > lo { body += rect(bar.series + "x", lo, by, hi - lo, barHeight) }
                if let t = bar.text { text(t, "val", x: w, baseline: by + 11, end: true) }
                by += barHeight + barGap
            }
            if let target = row.target, row.scale > 0, !row.bars.isEmpty {
                let x = length(target, row.scale, barArea)
                body += "<line class=\"tgt\" x1=\"\(fmt(x))\" y1=\"\(fmt(top - 3))\" x2=\"\(fmt(x))\" y2=\"\(fmt(by - barGap + 3))\"/>"
            }
            y = row.bars.isEmpty ? y : by - barGap + 2
            if let n = row.note {
                for l in Self.wrap(n, w, Self.valueSize) { text(l, "val", x: 0, baseline: y + 14); y += 16 }
            }
            y += 10
        }
        return "<svg class=\"chart\" width=\"100%\" viewBox=\"0 0 \(fmt(w)) \(fmt(y))\" role=\"img\" aria-labelledby=\"\(id)-t\">"
            + "<title id=\"\(id)-t\">\(e(title))</title>" + body + "</svg>\n"
    }

    func rect(_ cls: String, _ x: Double, _ y: Double, _ w: Double, _ h: Double) -> String {
        "<rect class=\"\(cls)\" x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(w))\" height=\"\(fmt(h))\"/>"
    }

    func length(_ v: Int128, _ scale: Int128, _ area: Double) -> Double {
        guard scale > 0, v > 0 else { return 0 }
        let l = Double(v) / Double(scale) * area
        return min(area, max(l, 1))  // a non-zero amount stays visible
    }

    func fmt(_ d: Double) -> String {
        let r = (d * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// A generous estimate of rendered width: CJK and full-width characters are 1 em, Latin about 0.6 em.
    static func textWidth(_ s: String, _ size: Double) -> Double {
        var em = 0.0
        for u in s.unicodeScalars {
            switch u.value {
            case 0x20, 0x2C, 0x2E, 0x3A, 0x3B, 0x28, 0x29: em += 0.32
            case ..<0x2E80: em += 0.62
            default: em += 1.0
            }
        }
        return em * size
    }

    /// Greedy line breaking: at spaces in Latin text, between any two characters in Chinese.
    static func wrap(_ s: String, _ width: Double, _ size: Double) -> [String] {
        var tokens: [String] = []
        var word = ""
        for ch in s {
            if ch == " " { tokens.append(word + " "); word = "" }
            else if ch.unicodeScalars.first.map({ $0.value >= 0x2E80 }) == true {
                if !word.isEmpty { tokens.append(word); word = "" }
                tokens.append(String(ch))
            } else { word.append(ch) }
        }
        if !word.isEmpty { tokens.append(word) }
        var lines: [String] = [], current = ""
        for tok in tokens {
            if !current.isEmpty, textWidth(current + tok.trimmingSpaces, size) > width {
                lines.append(current.trimmingSpaces); current = ""
            }
            current += tok
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current.trimmingSpaces) }
        return lines
    }

    func legend() -> String {
        var s = "<p class=\"legend\">"
        if comparing {
            s += "<span class=\"sw a\"></span>A \(e(report.labels[0]))<span class=\"sw b\"></span>B \(e(report.labels[1]))"
        } else {
            s += "<span class=\"sw b\"></span>\(e(t("低端", "low end")))<span class=\"sw bx\"></span>\(e(t("至高端", "up to the high end")))"
        }
        return s + "</p>\n"
    }
}
