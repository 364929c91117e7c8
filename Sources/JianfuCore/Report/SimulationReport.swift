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
    /// Category lines compared with 51号's targets: (label, actual low, high, target fen, whether any rule of the
    /// catalog computes an amount in these categories — a target no rule quantifies is not a 0% result).
    public func targetLines(_ a: Aggregate) -> [(label: String, low: Int128, high: Int128, target: Int128?, quantified: Bool)] {
        guard let targets = policy.catalog.targets else { return [] }
        var out: [(label: String, low: Int128, high: Int128, target: Int128?, quantified: Bool)] = []
        for line in targets.lines {
            var lo: Int128 = 0, hi: Int128 = 0
            for c in line.categories { lo += a.categories[c]?.low ?? 0; hi += a.categories[c]?.high ?? 0 }
            out.append((line.text(words.lang), lo, hi, line.amount.multiplied(by: Rational(100))?.floor(), quantifies(line.categories)))
        }
        for c in targets.outside {
            out.append((policy.catalog.categoryText(c)(words.lang) + t("（目标外）", " (outside the targets)"), a.categories[c]?.low ?? 0, a.categories[c]?.high ?? 0, nil, quantifies([c])))
        }
        out.append((t("合计", "Total"), a.total.low, a.total.high, targets.total.multiplied(by: Rational(100))?.floor(), true))
        return out
    }

    /// Whether a rule of the catalog computes a saving in one of these categories.
    public func quantifies(_ categories: [String]) -> Bool {
        policy.rules.contains { $0.savingLow != nil && categories.contains($0.category) }
    }

    func bucketColumns(_ key: String) -> [(String, TextTable.Align)] {
        [(key, .left), (t("企业", "enterprises"), .right), (t("受益企业", "beneficiaries"), .right), (t("减负（元）", "saving (yuan)"), .right)]
    }

    func bucketRow(_ key: String, _ b: Aggregate.Bucket) -> [String] {
        [key, "\(b.enterprises)", "\(b.beneficiaries)", range(b.low, b.high)]
    }

    func ruleAmount(_ rule: Rule, _ low: Int128, _ high: Int128) -> String {
        rule.savingLow == nil ? t("未量化", "not quantified") : range(low, high)
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
            out.append(t("对照 51号 年度目标（百分比按高端）：", "Against 51号's annual targets (percentages use the high end):"))
            var targets = TextTable([(t("类别", "category"), .left), (t("减负（万元）", "saving (万元)"), .right),
                                     (t("目标（万元）", "target (万元)"), .right), (t("完成", "reached"), .right), ("", .left)])
            for l in targetLines(a) {
                guard l.quantified else {
                    targets.add([l.label, "—", l.target.map { Money.formatWan(fen: $0) } ?? "", "—", t("目录中没有规则量化此项", "no rule of the catalog quantifies this")])
                    continue
                }
                var row = [l.label, wan(l.low, l.high)]
                if let target = l.target, target > 0 {
                    let pct = Rational(l.high * 100, target).map { Rational.decimalString($0, scale: 2) } ?? "?"
                    row += [Money.formatWan(fen: target), "\(pct)%"]
                }
                targets.add(row)
            }
            out += targets.lines()
            out.append("")
            out.append(t("按地区：", "By region:"))
            var regions = TextTable(bucketColumns(t("地区", "region")))
            for k in a.regions.keys.sorted() {
                guard let b = a.regions[k] else { continue }
                let name = policy.catalog.regions[k].map { $0(words.lang) } ?? k
                regions.add(bucketRow("\(k) \(name)", b))
            }
            out += regions.lines()
            out.append("")
            out.append(t("按规模（在职职工人数）：", "By size (employees):"))
            var sizes = TextTable(bucketColumns(t("职工人数", "employees")))
            for band in Aggregate.sizeBands.map(\.id) + ["unknown"] {
                guard let b = a.sizes[band] else { continue }
                sizes.add(bucketRow(band == "unknown" ? t("未知", "unknown") : band, b))
            }
            out += sizes.lines()
        }
        out.append("")
        out.append(t("按规则：", "By rule:") + (aggregates.count == 2 ? t("（B − A）", " (B − A)") : ""))
        var columns: [(String, TextTable.Align)] = [(t("规则", "rule"), .left), (t("可享受", "eligible"), .right), (t("被替代", "superseded"), .right),
                                                    (t("待确定", "undetermined"), .right)]
        if aggregates.count == 2 {
            columns += [(t("合计 A（元）", "total A (yuan)"), .right), (t("合计 B（元）", "total B (yuan)"), .right), (t("B − A（高端）", "B − A (high end)"), .right)]
        } else {
            columns.append((t("合计（元）", "total (yuan)"), .right))
        }
        var rules = TextTable(columns)
        for (i, rule) in policy.rules.enumerated() {
            let a = aggregates[0].rules[i]
            var row = [rule.id, "\(a.eligible)", "\(a.superseded)", "\(a.undetermined)", ruleAmount(rule, a.low, a.high)]
            if aggregates.count == 2 {
                let b = aggregates[1].rules[i]
                row += [ruleAmount(rule, b.low, b.high), rule.savingLow == nil ? "" : signed(b.high - a.high)]
            }
            rules.add(row)
        }
        out += rules.lines()
        if policy.rules.contains(where: { $0.savingLow == nil }) {
            out.append(t("  “未量化”：条款没有可计算的金额，只统计可享受的企业数。", "  \"not quantified\": the clause gives no amount to compute; only the eligible enterprises are counted."))
        }
        if aggregates.count == 2 {
            out.append("")
            out.append(t("按类别差异（B − A，高端）：", "Difference by category (B − A, high end):"))
            var diff = TextTable([(t("类别", "category"), .left), (t("A（元）", "A (yuan)"), .right), (t("B（元）", "B (yuan)"), .right), (t("B − A", "B − A"), .right)])
            for c in policy.catalog.categories {
                let a = aggregates[0].categories[c.id]?.high ?? 0, b = aggregates[1].categories[c.id]?.high ?? 0
                if a == 0 && b == 0 { continue }
                diff.add([c.text(words.lang), Money.format(fen: a), Money.format(fen: b), signed(b - a)])
            }
            let a = aggregates[0].total.high, b = aggregates[1].total.high
            diff.add([t("合计", "Total"), Money.format(fen: a), Money.format(fen: b), signed(b - a)])
            out += diff.lines()
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
