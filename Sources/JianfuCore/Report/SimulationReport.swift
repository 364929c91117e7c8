/// The analyst's report of `jianfu simulate` and `jianfu merge`: totals by rule, category, region and size
/// band, beneficiaries, mean and median, and 51号's targets; with two scenarios, the differences (B − A).
public struct SimulationReport {
    public let policy: PolicySet
    public let labels: [String]
    public let aggregates: [Aggregate]
    public let words: Words

    public init(policy: PolicySet, labels: [String], aggregates: [Aggregate], lang: Lang) {
        self.policy = policy; self.labels = labels; self.aggregates = aggregates
        words = Words(policy: policy, lang: lang)
    }

    private func t(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { words.t(zh(), en()) }

    func range(_ lo: Int128, _ hi: Int128) -> String {
        lo == hi ? Money.format(fen: lo) : Money.format(fen: lo) + " – " + Money.format(fen: hi)
    }

    func wan(_ lo: Int128, _ hi: Int128) -> String {
        lo == hi ? Money.formatWan(fen: lo) : Money.formatWan(fen: lo) + " – " + Money.formatWan(fen: hi)
    }

    /// Category lines compared with 51号's targets: (label, actual low, high, target fen).
    public func targetLines(_ a: Aggregate) -> [(label: String, low: Int128, high: Int128, target: Int128?)] {
        guard let targets = policy.catalog.targets else { return [] }
        var out: [(String, Int128, Int128, Int128?)] = []
        for line in targets.lines {
            var lo: Int128 = 0, hi: Int128 = 0
            for c in line.categories { lo += a.categories[c]?.low ?? 0; hi += a.categories[c]?.high ?? 0 }
            out.append((line.text(words.lang), lo, hi, line.amount.multiplied(by: Rational(100))?.floor()))
        }
        for c in targets.outside {
            out.append((policy.catalog.categoryText(c)(words.lang) + t("（目标外）", " (outside the targets)"), a.categories[c]?.low ?? 0, a.categories[c]?.high ?? 0, nil))
        }
        out.append((t("合计", "Total"), a.total.low, a.total.high, targets.total.multiplied(by: Rational(100))?.floor()))
        return out.map { (label: $0.0, low: $0.1, high: $0.2, target: $0.3) }
    }

    public func text() -> String {
        var out: [String] = [t("Jianfu 政策影响模拟", "Jianfu policy impact simulation")]
        for (i, a) in aggregates.enumerated() {
            out.append("")
            out.append(t("情景 ", "Scenario ") + labels[i])
            out.append(t("读入 \(a.rowsRead) 行 = 评价 \(a.evaluated) + 拒绝 \(a.rejected)", "rows read \(a.rowsRead) = evaluated \(a.evaluated) + rejected \(a.rejected)"))
            out.append(t("受益企业 \(a.total.beneficiaries) / \(a.evaluated)；减负合计 ", "beneficiaries \(a.total.beneficiaries) of \(a.evaluated); total saving ")
                       + range(a.total.low, a.total.high) + t(" 元（\(wan(a.total.low, a.total.high)) 万元）", " yuan (\(wan(a.total.low, a.total.high)) 万元)"))
            if let m = a.meanPerBeneficiary {
                var line = t("受益企业平均 ", "mean per beneficiary ") + Money.format(fen: m)
                if let med = a.medianBin { line += t("；中位数约 ", "; median ≈ ") + Money.format(fen: med.low) + "–" + Money.format(fen: med.high) }
                out.append(line + t(" 元（按高端）", " yuan (high end)"))
            }
            if a.liquidity > 0 { out.append(t("退还/缓缴资金（不计入减负）", "liquidity refunded/deferred (not in savings) ") + Money.format(fen: a.liquidity)) }
            if a.withUndetermined > 0 {
                out.append(t("\(a.withUndetermined) 家企业有待确定的规则：合计为下限", "\(a.withUndetermined) enterprises have undetermined rules: totals are lower bounds"))
            }
            out.append("")
            out.append(t("对照 51号 年度目标：", "Against 51号's annual targets:"))
            for l in targetLines(a) {
                var row = "  " + TextWidth.padRight(l.label, 30) + TextWidth.padLeft(wan(l.low, l.high) + t(" 万元", " 万元"), 30)
                if let target = l.target, target > 0 {
                    let pct = Rational(l.high * 100, target).map { Rational.decimalString($0, scale: 2) } ?? "?"
                    row += TextWidth.padLeft(t("目标 ", "target ") + Money.formatWan(fen: target), 22) + TextWidth.padLeft("\(pct)%", 10)
                }
                out.append(row)
            }
            out.append("")
            out.append(t("按地区：", "By region:"))
            for k in a.regions.keys.sorted() {
                guard let b = a.regions[k] else { continue }
                let name = policy.catalog.regions[k].map { $0(words.lang) } ?? k
                out.append("  " + TextWidth.padRight("\(k) \(name)", 28) + TextWidth.padLeft("\(b.enterprises)", 10) + TextWidth.padLeft("\(b.beneficiaries)", 10) + TextWidth.padLeft(range(b.low, b.high), 34))
            }
            out.append(t("按规模（在职职工人数）：", "By size (employees):"))
            for band in Aggregate.sizeBands.map(\.id) + ["unknown"] {
                guard let b = a.sizes[band] else { continue }
                out.append("  " + TextWidth.padRight(band, 28) + TextWidth.padLeft("\(b.enterprises)", 10) + TextWidth.padLeft("\(b.beneficiaries)", 10) + TextWidth.padLeft(range(b.low, b.high), 34))
            }
        }
        out.append("")
        out.append(t("按规则：", "By rule:") + (aggregates.count == 2 ? t("（B − A）", " (B − A)") : ""))
        out.append("  " + TextWidth.padRight(t("规则", "rule"), 34) + TextWidth.padLeft(t("可享受", "eligible"), 10) + TextWidth.padLeft(t("被替代", "supersed."), 10)
                   + TextWidth.padLeft(t("待确定", "undeterm."), 10) + TextWidth.padLeft(t("合计（元）", "total"), 34))
        for (i, rule) in policy.rules.enumerated() {
            let a = aggregates[0].rules[i]
            var row = "  " + TextWidth.padRight(rule.id, 34) + TextWidth.padLeft("\(a.eligible)", 10) + TextWidth.padLeft("\(a.superseded)", 10)
                + TextWidth.padLeft("\(a.undetermined)", 10) + TextWidth.padLeft(range(a.low, a.high), 34)
            if aggregates.count == 2 {
                let b = aggregates[1].rules[i]
                row += TextWidth.padLeft(range(b.low, b.high), 34) + TextWidth.padLeft(signed(b.high - a.high), 20)
            }
            out.append(row)
        }
        if aggregates.count == 2 {
            out.append("")
            out.append(t("按类别差异（B − A，高端）：", "Difference by category (B − A, high end):"))
            for c in policy.catalog.categories {
                let a = aggregates[0].categories[c.id]?.high ?? 0, b = aggregates[1].categories[c.id]?.high ?? 0
                if a == 0 && b == 0 { continue }
                out.append("  " + TextWidth.padRight(c.text(words.lang), 20) + TextWidth.padLeft(Money.format(fen: a), 24) + TextWidth.padLeft(Money.format(fen: b), 24) + TextWidth.padLeft(signed(b - a), 24))
            }
            let d = aggregates[1].total.high - aggregates[0].total.high
            out.append("  " + TextWidth.padRight(t("合计", "Total"), 20) + TextWidth.padLeft(signed(d), 72))
        }
        out.append("")
        out.append(t("规则包 sha256:", "rule pack sha256:") + policy.hash + "  jianfu " + JianfuVersion.string)
        return out.joined(separator: "\n") + "\n"
    }

    func signed(_ v: Int128) -> String { (v > 0 ? "+" : "") + Money.format(fen: v) }

    public func json() -> String {
        var w = JSONWriter()
        w.beginObject()
        w.string("jianfu_version", JianfuVersion.string)
        w.string("rule_pack", "sha256:" + policy.hash)
        w.beginArray("scenarios")
        for (i, a) in aggregates.enumerated() {
            w.beginObject()
            w.string("label", labels[i])
            w.beginObject("rows")
            w.int("read", a.rowsRead); w.int("evaluated", a.evaluated); w.int("rejected", a.rejected)
            w.endObject()
            w.int("beneficiaries", a.total.beneficiaries)
            w.int("enterprises_with_undetermined", a.withUndetermined)
            w.money("saving_low", fen: a.total.low); w.money("saving_high", fen: a.total.high)
            w.money("liquidity_amount", fen: a.liquidity)
            w.money("mean_per_beneficiary", fen: a.meanPerBeneficiary)
            if let m = a.medianBin {
                w.beginObject("median_per_beneficiary"); w.money("from", fen: m.low); w.money("below", fen: m.high); w.endObject()
            }
            w.beginArray("rules")
            for (ri, r) in a.rules.enumerated() {
                w.beginObject()
                w.string("id", policy.rules[ri].id)
                w.int("eligible", r.eligible); w.int("superseded", r.superseded); w.int("undetermined", r.undetermined)
                w.int("ineligible", r.ineligible); w.int("not_in_force", r.notInForce)
                w.money("low", fen: r.low); w.money("high", fen: r.high)
                if r.liquidity > 0 { w.money("liquidity_amount", fen: r.liquidity) }
                w.endObject()
            }
            w.endArray()
            for (name, dict) in [("categories", a.categories), ("regions", a.regions), ("sizes", a.sizes)] {
                w.beginArray(name)
                for k in dict.keys.sorted() {
                    guard let b = dict[k] else { continue }
                    w.beginObject()
                    w.string("key", k)
                    w.int("enterprises", b.enterprises); w.int("beneficiaries", b.beneficiaries)
                    w.money("low", fen: b.low); w.money("high", fen: b.high)
                    w.endObject()
                }
                w.endArray()
            }
            w.beginArray("targets")
            for l in targetLines(a) {
                w.beginObject()
                w.string("label", l.label); w.money("low", fen: l.low); w.money("high", fen: l.high); w.money("target", fen: l.target)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text + "\n"
    }

    /// One table: section, key, label, then counts and amounts per scenario.
    public func csv() -> String {
        var header = ["section", "key", "label"]
        for l in labels { header += ["\(l):enterprises_or_eligible", "\(l):beneficiaries_or_undetermined", "\(l):low", "\(l):high"] }
        var rows = [header.map(CSVText.escape).joined(separator: ",")]
        func add(_ section: String, _ key: String, _ label: String, _ cells: [[String]]) {
            rows.append(([section, key, label] + cells.flatMap { $0 }).map(CSVText.escape).joined(separator: ","))
        }
        for (i, r) in policy.rules.enumerated() {
            add("rule", r.id, r.title(words.lang), aggregates.map { a in
                let s = a.rules[i]
                return ["\(s.eligible)", "\(s.undetermined)", Money.plain(fen: s.low), Money.plain(fen: s.high)]
            })
        }
        for c in policy.catalog.categories {
            add("category", c.id, c.text(words.lang), aggregates.map { a in
                let b = a.categories[c.id] ?? Aggregate.Bucket()
                return ["\(b.enterprises)", "\(b.beneficiaries)", Money.plain(fen: b.low), Money.plain(fen: b.high)]
            })
        }
        let regionKeys = Set(aggregates.flatMap { $0.regions.keys }).sorted()
        for k in regionKeys {
            add("region", k, policy.catalog.regions[k].map { $0(words.lang) } ?? k, aggregates.map { a in
                let b = a.regions[k] ?? Aggregate.Bucket()
                return ["\(b.enterprises)", "\(b.beneficiaries)", Money.plain(fen: b.low), Money.plain(fen: b.high)]
            })
        }
        for band in Aggregate.sizeBands.map(\.id) + ["unknown"] {
            add("size", band, band, aggregates.map { a in
                let b = a.sizes[band] ?? Aggregate.Bucket()
                return ["\(b.enterprises)", "\(b.beneficiaries)", Money.plain(fen: b.low), Money.plain(fen: b.high)]
            })
        }
        add("total", "all", t("合计", "total"), aggregates.map { a in
            ["\(a.evaluated)", "\(a.total.beneficiaries)", Money.plain(fen: a.total.low), Money.plain(fen: a.total.high)]
        })
        return rows.joined(separator: "\r\n") + "\r\n"
    }
}
