/// The self-contained HTML page of a simulation (`--html FILE`): inline CSS and SVG bar charts, no scripts,
/// fonts or network, so the file can be mailed or archived and opens the same anywhere, phones included.
public struct SimulationHTML {
    public let report: SimulationReport

    public init(report: SimulationReport) { self.report = report }

    var words: Words { report.words }
    var policy: PolicySet { report.policy }
    var comparing: Bool { report.aggregates.count == 2 }
    func t(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { words.t(zh(), en()) }
    func e(_ s: String) -> String { HTMLText.escape(s) }

    /// The page: headline, targets, category/region/size charts, the table by rule, and the rule-pack footer.
    public func render() -> String {
        let title = t("Jianfu 政策影响模拟", "Jianfu policy impact simulation")
        var h = "<!DOCTYPE html>\n<html lang=\"\(words.lang == .zh ? "zh-CN" : "en")\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(e(title))</title>\n<style>\n\(Self.css)</style>\n</head>\n<body>\n<header>\n<h1>\(e(title))</h1>\n"
        for (i, l) in report.labels.enumerated() { h += "<p class=\"sub\">\(e(scenarioName(i))) \(e(l))</p>\n" }
        h += "</header>\n<main>\n"
        h += headline()
        h += targets()
        if comparing { h += categoryComparison() }
        h += "<section>\n<h2>\(e(t("按地区与规模", "By region and size")))</h2>\n<div class=\"grid2\">\n"
        h += groupChart(id: "regions", caption: t("按地区（万元）", "By region (万元)"), keys: regionKeys(), label: regionName, buckets: \.regions)
        h += groupChart(id: "sizes", caption: t("按规模：在职职工人数（万元）", "By size: employees (万元)"), keys: sizeKeys(), label: sizeName, buckets: \.sizes)
        h += "</div>\n</section>\n"
        h += ruleTable()
        h += "</main>\n<footer>\n<p>\(e(t("规则包", "Rule pack"))) sha256:<code>\(e(policy.hash))</code> · jianfu \(e(JianfuVersion.string))</p>\n"
        h += "<p>\(e(t("金额单位：元；图中为万元。区间为“低端 – 高端”。", "Amounts in 元 (yuan); charts in 万元 (10,000 元). Ranges read “low – high”.")))</p>\n"
        h += "</footer>\n</body>\n</html>\n"
        return h
    }

    // MARK: headline

    func scenarioName(_ i: Int) -> String {
        comparing ? t("情景 \(i == 0 ? "A" : "B")：", "Scenario \(i == 0 ? "A" : "B"): ") : t("情景：", "Scenario: ")
    }

    func card(_ key: String, _ value: String, _ extra: String? = nil, cls: String = "") -> String {
        var s = "<div class=\"card\(cls.isEmpty ? "" : " " + cls)\"><div class=\"k\">\(e(key))</div><div class=\"v\">\(e(value))</div>"
        if let extra { s += "<div class=\"x\">\(e(extra))</div>" }
        return s + "</div>\n"
    }

    func headline() -> String {
        var h = "<section>\n<h2>\(e(t("概要", "Headline")))</h2>\n"
        for (i, a) in report.aggregates.enumerated() {
            if comparing { h += "<h3>\(e(scenarioName(i) + report.labels[i]))</h3>\n" }
            h += "<div class=\"cards\">\n"
            h += card(t("读入行数", "Rows read"), Self.count(a.rowsRead),
                      t("评价 \(Self.count(a.evaluated)) + 拒绝 \(Self.count(a.rejected))", "evaluated \(Self.count(a.evaluated)) + rejected \(Self.count(a.rejected))"))
            h += card(t("受益企业", "Beneficiaries"), Self.count(a.total.beneficiaries), t("共评价 \(Self.count(a.evaluated)) 家", "of \(Self.count(a.evaluated)) evaluated"))
            h += card(t("减负合计（元）", "Total saving (元)"), report.range(a.total.low, a.total.high), report.wan(a.total.low, a.total.high) + " 万元", cls: "wide")
            if let m = a.meanPerBeneficiary {
                let median = a.medianBin.map { t("中位数约 ", "median ≈ ") + Money.format(fen: $0.low) + " – " + Money.format(fen: $0.high) }
                h += card(t("受益企业平均（元，按高端）", "Mean per beneficiary (元, high end)"), Money.format(fen: m), median)
            }
            h += card(t("退还/缓缴资金（元，不计入减负）", "Liquidity refunded/deferred (元, not in savings)"), Money.format(fen: a.liquidity))
            h += "</div>\n"
            if a.withUndetermined > 0 {
                h += "<p class=\"warn\">" + e(t("\(Self.count(a.withUndetermined)) 家企业有待确定的规则：合计为下限。",
                                                  "\(Self.count(a.withUndetermined)) enterprises have undetermined rules: the totals are lower bounds.")) + "</p>\n"
            }
        }
        if comparing {
            let a = report.aggregates[0], b = report.aggregates[1]
            h += "<h3>B − A</h3>\n<div class=\"cards\">\n"
            h += card(t("减负合计差额（元，高端）", "Difference in total saving (元, high end)"), report.signed(b.total.high - a.total.high),
                      signedWan(b.total.high - a.total.high) + " 万元", cls: "wide " + Self.sign(b.total.high - a.total.high))
            h += card(t("受益企业差额", "Difference in beneficiaries"), Self.signedCount(b.total.beneficiaries - a.total.beneficiaries),
                      cls: Self.sign(Int128(b.total.beneficiaries - a.total.beneficiaries)))
            h += "</div>\n"
        }
        return h + "</section>\n"
    }

    // MARK: charts

    /// One bar: solid up to `low`, lighter up to `high` (a range); `text` goes in the chart's value column.
    struct Bar {
        var low: Int128
        var high: Int128
        var series: String
        var text: String?
    }

    /// One row: a label line (with an optional right-aligned text), its bars, and an optional note line.
    struct Row {
        var label: String
        var right: String?
        var rightClass = "val"
        var bars: [Bar] = []
        /// Full width of the bar area, in fen.
        var scale: Int128
        /// A target marker, in fen.
        var target: Int128?
        /// Draw a light track under the bars (rows scaled to their own target).
        var track = false
        var note: String?
    }

    func series(_ i: Int) -> String { comparing && i == 0 ? "a" : "b" }

    func wanRange(_ lo: Int128, _ hi: Int128) -> String { report.wan(lo, hi) }

    func signedWan(_ v: Int128) -> String { (v > 0 ? "+" : "") + Money.formatWan(fen: v) }

    /// Totals by category against 51号's targets: each row is scaled to its own target, the marker is the target.
    func targets() -> String {
        guard policy.catalog.targets != nil else { return "" }
        var h = "<section>\n<h2>\(e(t("对照 51号 年度目标", "Against 51号's annual targets")))</h2>\n<div class=\"grid2\">\n"
        for (i, a) in report.aggregates.enumerated() {
            var rows: [Row] = []
            for l in report.targetLines(a) {
                let actual = wanRange(l.low, l.high) + " 万元"
                if !l.quantified {
                    rows.append(Row(label: l.label, right: t("未量化", "not quantified"), scale: 1,
                                    note: t("目录中没有规则量化此项", "no rule of the catalog quantifies this")
                                        + (l.target.map { t("；目标 \(Money.formatWan(fen: $0)) 万元", "; target \(Money.formatWan(fen: $0)) 万元") } ?? "")))
                } else if let target = l.target, target > 0 {
                    let pct = Rational(l.high * 100, target).map { Rational.decimalString($0, scale: 2) } ?? "?"
                    rows.append(Row(label: l.label, right: "\(pct)%", rightClass: "val strong",
                                    bars: [Bar(low: l.low, high: l.high, series: series(i))], scale: max(target, l.high), target: target,
                                    track: true, note: t("\(actual) ／ 目标 \(Money.formatWan(fen: target)) 万元",
                                                        "\(actual) of the \(Money.formatWan(fen: target)) 万元 target")))
                } else {
                    rows.append(Row(label: l.label, right: t("不计入目标", "not in the targets"), scale: 1, note: actual))
                }
            }
            let caption = comparing ? scenarioName(i) + report.labels[i] : t("各类减负与目标（万元）", "Savings by category and targets (万元)")
            h += "<figure>\n<figcaption>\(e(caption))</figcaption>\n"
            h += svgChart(id: "targets-\(i)", title: caption, rows: rows)
            h += "<p class=\"legend\"><span class=\"sw \(series(i))\"></span>\(e(t("低端", "low end")))<span class=\"sw \(series(i))x\"></span>\(e(t("至高端", "up to the high end")))"
            h += "<span class=\"sw tgt\"></span>\(e(t("目标（每行以各自目标为满格；百分比按高端）", "target (each row scaled to its own target; percentages use the high end)")))</p>\n</figure>\n"
        }
        if !comparing { h += categoryTable() }
        return h + "</div>\n</section>\n"
    }

    /// Compare mode: each category A beside B, with B − A.
    func categoryComparison() -> String {
        let a = report.aggregates[0], b = report.aggregates[1]
        let cats = policy.catalog.categories.filter { (a.categories[$0.id]?.high ?? 0) != 0 || (b.categories[$0.id]?.high ?? 0) != 0 }
        let scale = cats.map { max(a.categories[$0.id]?.high ?? 0, b.categories[$0.id]?.high ?? 0) }.max() ?? 1
        var rows: [Row] = []
        for c in cats {
            let x = a.categories[c.id] ?? Aggregate.Bucket(), y = b.categories[c.id] ?? Aggregate.Bucket()
            let d = y.high - x.high
            rows.append(Row(label: c.text(words.lang), right: "B − A " + signedWan(d), rightClass: "val strong " + Self.sign(d),
                            bars: [Bar(low: x.low, high: x.high, series: "a", text: "A " + wanRange(x.low, x.high)),
                                   Bar(low: y.low, high: y.high, series: "b", text: "B " + wanRange(y.low, y.high))],
                            scale: max(scale, 1)))
        }
        let caption = t("按类别：A 与 B（万元）", "By category: A and B (万元)")
        var h = "<section>\n<h2>\(e(t("按类别比较", "By category, compared")))</h2>\n<div class=\"grid2\">\n<figure>\n<figcaption>\(e(caption))</figcaption>\n"
        h += svgChart(id: "categories", title: caption, rows: rows) + legend() + "</figure>\n"
        return h + categoryTable() + "</div>\n</section>\n"
    }

    /// Categories as a table in 万元: beneficiaries and total, or A, B and B − A.
    func categoryTable() -> String {
        let aggs = report.aggregates
        let cats = policy.catalog.categories.filter { c in aggs.contains { ($0.categories[c.id]?.high ?? 0) != 0 } }
        var h = "<div class=\"scroll\"><table class=\"cats\">\n<caption>\(e(t("按类别（万元）", "By category (万元)")))</caption>\n<thead><tr>"
        h += "<th scope=\"col\">\(e(t("类别", "Category")))</th>"
        if comparing {
            h += "<th scope=\"col\" class=\"num\">A</th><th scope=\"col\" class=\"num\">B</th>"
            h += "<th scope=\"col\" class=\"num\">\(e(t("B − A（高端）", "B − A (high end)")))</th>"
        } else {
            h += "<th scope=\"col\" class=\"num\">\(e(t("受益企业", "Beneficiaries")))</th><th scope=\"col\" class=\"num\">\(e(t("合计", "Total")))</th>"
        }
        h += "</tr></thead>\n<tbody>\n"
        func line(_ label: String, _ bs: [Aggregate.Bucket], total: Bool) {
            h += "<tr\(total ? " class=\"total\"" : "")><th scope=\"row\">\(e(label))</th>"
            if comparing {
                for b in bs { h += "<td class=\"num\">\(rangeHTML(b.low, b.high, wan: true))</td>" }
                h += diffCell(bs[1].high - bs[0].high, wan: true)
            } else {
                h += "<td class=\"num\">\(Self.count(bs[0].beneficiaries))</td><td class=\"num\">\(rangeHTML(bs[0].low, bs[0].high, wan: true))</td>"
            }
            h += "</tr>\n"
        }
        for c in cats { line(c.text(words.lang), aggs.map { $0.categories[c.id] ?? Aggregate.Bucket() }, total: false) }
        line(t("合计", "Total"), aggs.map(\.total), total: true)
        return h + "</tbody>\n</table></div>\n"
    }

    /// A low – high range whose ends never break inside a number, but may go on two lines.
    func rangeHTML(_ lo: Int128, _ hi: Int128, wan: Bool = false) -> String {
        let f: (Int128) -> String = wan ? { Money.formatWan(fen: $0) } : { Money.format(fen: $0) }
        if lo == hi { return e(f(lo)) }
        return "<span class=\"n\">\(e(f(lo))) –</span> <span class=\"n\">\(e(f(hi)))</span>"
    }

    func regionKeys() -> [String] { Set(report.aggregates.flatMap { $0.regions.keys }).sorted() }

    func sizeKeys() -> [String] {
        (Aggregate.sizeBands.map(\.id) + ["unknown"]).filter { k in report.aggregates.contains { $0.sizes[k] != nil } }
    }

    func regionName(_ k: String) -> String {
        if k == "unknown" { return t("未填地区", "region not given") }
        return policy.catalog.regions[k].map { k + " " + $0(words.lang) } ?? k
    }

    func sizeName(_ k: String) -> String {
        k == "unknown" ? t("未填人数", "employees not given") : k + t(" 人", " employees")
    }

    /// Regions or size bands on a common scale: one bar per scenario.
    func groupChart(id: String, caption: String, keys: [String], label: (String) -> String,
                            buckets: KeyPath<Aggregate, [String: Aggregate.Bucket]>) -> String {
        let scale = keys.flatMap { k in report.aggregates.map { $0[keyPath: buckets][k]?.high ?? 0 } }.max() ?? 1
        var rows: [Row] = []
        for k in keys {
            let bs = report.aggregates.map { $0[keyPath: buckets][k] ?? Aggregate.Bucket() }
            var row = Row(label: label(k), scale: max(scale, 1))
            if comparing {
                let d = bs[1].high - bs[0].high
                row.right = "B − A " + signedWan(d); row.rightClass = "val strong " + Self.sign(d)
                for (i, b) in bs.enumerated() {
                    row.bars.append(Bar(low: b.low, high: b.high, series: series(i), text: (i == 0 ? "A " : "B ") + wanRange(b.low, b.high)))
                }
            } else {
                let b = bs[0]
                row.right = wanRange(b.low, b.high); row.rightClass = "val strong"
                row.bars = [Bar(low: b.low, high: b.high, series: "b")]
                row.note = t("\(Self.count(b.enterprises)) 家，受益 \(Self.count(b.beneficiaries)) 家",
                             "\(Self.count(b.enterprises)) enterprises, \(Self.count(b.beneficiaries)) benefit")
            }
            rows.append(row)
        }
        if rows.isEmpty { return "<figure>\n<figcaption>\(e(caption))</figcaption>\n<p class=\"legend\">\(e(t("无数据", "no data")))</p>\n</figure>\n" }
        return "<figure>\n<figcaption>\(e(caption))</figcaption>\n" + svgChart(id: id, title: caption, rows: rows) + legend() + "</figure>\n"
    }

    // MARK: table by rule

    func diffCell(_ d: Int128, wan: Bool = false) -> String {
        "<td class=\"num diff \(Self.sign(d))\">\(e(wan ? signedWan(d) : report.signed(d)))</td>"
    }

    func ruleTable() -> String {
        let aggs = report.aggregates
        var h = "<section>\n<h2>\(e(t("按规则", "By rule")))</h2>\n<div class=\"scroll\"><table class=\"rules\">\n"
        h += "<caption>\(e(t("每条规则的企业数与减负合计（元）", "Enterprises and total saving (元) per rule")))</caption>\n<thead>\n"
        let cols = [t("可享受", "eligible"), t("被替代", "superseded"), t("待确定", "undetermined"), t("合计（元）", "total (元)")]
        let rule = "<th scope=\"col\"\(comparing ? " rowspan=\"2\"" : "")>\(e(t("规则", "Rule")))</th>"
        if comparing {
            h += "<tr>\(rule)<th scope=\"colgroup\" colspan=\"4\" class=\"grp\">A</th><th scope=\"colgroup\" colspan=\"4\" class=\"grp\">B</th>"
            h += "<th scope=\"col\" rowspan=\"2\" class=\"num\">\(e(t("B − A（高端）", "B − A (high end)")))</th></tr>\n<tr>"
            for s in 0..<2 { for (k, c) in cols.enumerated() { h += "<th scope=\"col\" class=\"num\(k == 0 && s == 1 ? " sep" : "")\">\(e(c))</th>" } }
            h += "</tr>\n"
        } else {
            h += "<tr>\(rule)"
            for c in cols { h += "<th scope=\"col\" class=\"num\">\(e(c))</th>" }
            h += "</tr>\n"
        }
        h += "</thead>\n<tbody>\n"
        for (i, r) in policy.rules.enumerated() {
            // The title sits under the id rather than in a column of its own, so two scenarios fit a laptop's width.
            h += "<tr><th scope=\"row\"><span class=\"id\">\(e(r.id))</span><span class=\"title\">\(e(r.title(words.lang)))</span></th>"
            for (s, a) in aggs.enumerated() {
                let x = a.rules[i]
                h += "<td class=\"num\(s == 1 ? " sep" : "")\">\(Self.count(x.eligible))</td><td class=\"num\">\(Self.count(x.superseded))</td>"
                h += "<td class=\"num\">\(Self.count(x.undetermined))</td><td class=\"num amt\">\(rangeHTML(x.low, x.high))</td>"
            }
            if comparing { h += diffCell(aggs[1].rules[i].high - aggs[0].rules[i].high) }
            h += "</tr>\n"
        }
        h += "<tr class=\"total\"><th scope=\"row\">\(e(t("合计", "Total")))</th>"
        for (s, a) in aggs.enumerated() {
            h += "<td\(s == 1 ? " class=\"sep\"" : "")></td><td></td><td></td><td class=\"num amt\">\(rangeHTML(a.total.low, a.total.high))</td>"
        }
        if comparing { h += diffCell(aggs[1].total.high - aggs[0].total.high) }
        return h + "</tr>\n</tbody>\n</table></div>\n</section>\n"
    }

    // MARK: small helpers

    static func count(_ n: Int) -> String { (n < 0 ? "-" : "") + Money.group(String(n.magnitude)) }

    static func signedCount(_ n: Int) -> String { (n > 0 ? "+" : "") + count(n) }

    static func sign(_ v: Int128) -> String { v > 0 ? "pos" : (v < 0 ? "neg" : "zero") }

    static func sign(_ v: Int) -> String { sign(Int128(v)) }

    static let css = """
    :root{--fg:#1f2933;--muted:#52606d;--line:#d9e2ec;--bg:#f5f7fa;--card:#fff;--a:#7b8794;--ax:#c3ccd6;--b:#2563eb;--bx:#9dbcf7;--pos:#157f3b;--neg:#b42318;--tgt:#c2410c}
    *{box-sizing:border-box}
    body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 "Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
    header,main,footer{max-width:1180px;margin:0 auto;padding:0 16px}
    h1{font-size:1.6rem;margin:24px 0 6px}
    h2{font-size:1.2rem;margin:32px 0 12px;padding-bottom:4px;border-bottom:2px solid var(--line)}
    h3{font-size:1rem;margin:18px 0 8px;overflow-wrap:anywhere}
    .sub{margin:2px 0;color:var(--muted);overflow-wrap:anywhere}
    .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
    .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:0}
    .card.wide{grid-column:span 2}
    @media (max-width:520px){.cards{gap:8px}.card{padding:8px 10px}.card .v{font-size:1.05rem}}
    .card .k{color:var(--muted);font-size:.85rem}
    .card .v{font-size:1.3rem;font-weight:600;font-variant-numeric:tabular-nums;overflow-wrap:break-word}
    .card .x{color:var(--muted);font-size:.85rem;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
    .card.pos .v{color:var(--pos)}.card.neg .v{color:var(--neg)}
    .warn{background:#fff8e6;border-left:4px solid #d97706;padding:8px 12px;margin:12px 0}
    .grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:16px}
    figure{margin:0 0 16px;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px;min-width:0}
    figcaption{font-weight:600;margin-bottom:8px;overflow-wrap:anywhere}
    svg.chart{display:block;width:100%;height:auto;max-width:560px}
    svg text{fill:var(--fg);font-family:inherit}
    svg .lbl{font-size:14px}
    svg .val{font-size:12.5px;fill:var(--muted)}
    @media (min-width:760px){svg .lbl{font-size:10.5px} svg .val{font-size:9.5px}}
    svg .strong{fill:var(--fg);font-weight:600}
    svg .pos{fill:var(--pos)} svg .neg{fill:var(--neg)}
    svg .track{fill:#e9eef4}
    svg .a{fill:var(--a)} svg .ax{fill:var(--ax)} svg .b{fill:var(--b)} svg .bx{fill:var(--bx)}
    svg .tgt{stroke:var(--tgt);stroke-width:2.5}
    .legend{margin:8px 0 0;font-size:.85rem;color:var(--muted)}
    .legend .sw{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-1px;border-radius:2px}
    .legend .sw:first-child{margin-left:0}
    .sw.a{background:var(--a)}.sw.ax{background:var(--ax)}.sw.b{background:var(--b)}.sw.bx{background:var(--bx)}
    .sw.tgt{background:var(--tgt);width:3px}
    .grid2>.scroll{align-self:start}
    .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;background:var(--card);border:1px solid var(--line);border-radius:8px;margin-bottom:16px}
    table{border-collapse:collapse;width:100%;font-size:.88rem}
    caption{text-align:left;padding:8px 10px;color:var(--muted)}
    th,td{padding:6px 10px;border-top:1px solid var(--line);text-align:left;vertical-align:top}
    thead th{background:#eef2f7;vertical-align:bottom}
    th.grp{text-align:center;border-left:1px solid var(--line)}
    tbody th{font-weight:500}
    .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    td.amt{white-space:normal;min-width:8em}
    .n{white-space:nowrap}
    table.rules tbody th{min-width:15em;max-width:22em}
    .id{display:block;white-space:nowrap;font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.8rem}
    .title{display:block;color:var(--muted);font-size:.82rem}
    .sep{border-left:1px solid var(--line)}
    table.cats tbody th{white-space:nowrap}
    td.diff{font-weight:600}
    td.pos{color:var(--pos);background:#ebf8ef} td.neg{color:var(--neg);background:#fdecea}
    tr.total th,tr.total td{font-weight:700;border-top:2px solid var(--fg)}
    footer{color:var(--muted);font-size:.85rem;padding-bottom:32px;margin-top:24px;overflow-wrap:anywhere}
    footer code{font-size:.8rem}

    """
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// HTML escaping.
public enum HTMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
