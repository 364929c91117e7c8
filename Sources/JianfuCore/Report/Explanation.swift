/// `jianfu explain`: one rule for one profile, step by step — the quote, the scope, the windows, each piece
/// of the year with the parameters in force, the intermediate values, each condition, and the arithmetic.
public struct Explanation {
    let policy: PolicySet
    let profile: Profile
    let result: CheckResult
    let rule: Rule
    let r: RuleResult
    let words: Words

    public init(policy: PolicySet, profile: Profile, result: CheckResult, rule index: Int, lang: Lang) {
        self.policy = policy; self.profile = profile; self.result = result
        rule = policy.rules[index]; r = result.results[index]
        words = Words(policy: policy, lang: lang)
    }

    private func t(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { words.t(zh(), en()) }

    func interval(_ i: Interval?, money: Bool) -> String {
        guard let i else { return "—" }
        return words.valueText(Value(.number(i)), unit: money ? .number(.money) : nil)
    }

    func lookup(_ piece: PieceTrace?) -> (String) -> String? {
        return { name in
            if let slot = policy.schema.fieldIndex(name) {
                if let v = profile.values[slot] { return v.display(policy.schema.fields[slot]) }
                return nil
            }
            if let dot = name.firstIndex(of: "."), let slot = policy.schema.fieldIndex(String(name[..<dot])),
               case .record(let vals)? = profile.values[slot] {
                let key = String(name[name.index(after: dot)...])
                let spec = policy.schema.fields[slot]
                if let k = spec.keyIndex(key), let v = vals[k] { return v.display(spec.keys[k]) }
                return nil
            }
            if let piece, let p = policy.parameterIndex(name), let v = piece.params.first(where: { $0.slot == p }) {
                return policy.parameters[p].unit == .rate ? Rational.percentText(v.value) : v.value.description
            }
            if let piece, let l = rule.lets.firstIndex(where: { $0.name == name }), l < piece.lets.count {
                return words.valueText(piece.lets[l], unit: rule.lets[l].formula.type)
            }
            return nil
        }
    }

    public func text() -> String {
        var out: [String] = []
        let doc = policy.document(of: rule)
        out.append("\(rule.id)  \(rule.title(words.lang))")
        out.append(t("依据：", "Source: ") + "\(doc.number) \(rule.clause)  \(doc.title(words.lang))")
        out.append(t("原文：“", "Text: “") + rule.quote + "”")
        out.append(t("类别：", "Category: ") + policy.catalog.categoryText(rule.category)(words.lang) + "  " + t("性质：", "Kind: ") + rule.kind.rawValue)
        let scope = rule.scope
        var scopeLine = t("适用范围：", "Scope: ") + scope.text(words.lang)
        if !scope.regions.isEmpty { scopeLine += t("（地区代码 ", " (region codes ") + scope.regions.joined(separator: "/") + t("）", ")") }
        if !scope.sections.isEmpty { scopeLine += t("（行业门类 ", " (sections ") + scope.sections.joined(separator: "、") + t("）", ")") }
        out.append(scopeLine)
        out.append("    region_code = \(fieldOrMissing("region_code")), industry_code = \(fieldOrMissing("industry_code"))")
        out.append(t("有效期：", "In force: ") + words.window(rule) + t("（含首尾日）", " (dates inclusive)"))
        if let ew = rule.enterpriseWindow {
            var line = t("企业自身期间：", "Enterprise window: ") + ew.text(words.lang) + "  [\(ew.from.text), \(ew.until.text))"
            if let w = r.enterpriseWindow { line += " = \(w.start) – \(w.lastDay)" }
            out.append(line)
        }
        out.append(t("年度分摊：", "Proration: ") + prorationText())
        if let g = rule.group { out.append(t("互斥组：", "Exclusive group: ") + policy.catalog.groupText(g)(words.lang)) }
        if let note = rule.note { out.append(t("解读说明：", "Reading: ") + note) }
        out.append("")
        out.append(t("评价年度 ", "Year ") + String(result.year) + t("：", ": ") + words.status(r.status))
        for (k, piece) in r.pieces.enumerated() {
            out.append("")
            let days = piece.range.dayCount
            out.append(t("期间 \(k + 1)：", "Piece \(k + 1): ") + "\(piece.range.start) – \(piece.range.lastDay)" + t("（\(days) 天），权重 ", " (\(days) days), weight ") + weightText(piece))
            for p in piece.params {
                let param = policy.parameters[p.slot]
                let v = param.unit == .rate ? Rational.percentText(p.value) : p.value.description
                out.append("    " + t("参数 ", "parameter ") + "\(param.name) = \(v)" + t("（自 \(p.from) 起；来源：\(param.source(since: p.from))）", " (since \(p.from); source: \(param.source(since: p.from)))"))
            }
            let look = lookup(piece)
            for (i, l) in rule.lets.enumerated() where i < piece.lets.count {
                out.append("    \(l.name) = \(l.formula.text) = \(Render.text(l.formula.expr, look)) = \(words.valueText(piece.lets[i], unit: l.formula.type))")
            }
            if piece.scope != .yes { out.append("    " + mark(piece.scope) + " " + t("适用范围", "scope")) }
            if piece.enterpriseWindow != .yes { out.append("    " + mark(piece.enterpriseWindow) + " " + t("企业自身期间", "enterprise window")) }
            for (i, c) in rule.conditions.enumerated() {
                let tri = i < piece.conditions.count ? piece.conditions[i] : .unknown
                let vals = words.conditionValues(rule, i, r, profile).map { "\($0.0) = \($0.1)" }.joined(separator: ", ")
                out.append("    \(mark(tri)) \(c.text(words.lang))  [\(c.formula.text)]" + (vals.isEmpty ? "" : "  (\(vals))"))
            }
            if piece.holds != .no, let low = rule.savingLow {
                let label = rule.isRange ? t("年度减负（低）", "annual saving (low)") : t("年度减负", "annual saving")
                out.append("    \(label) = \(low.text) = \(Render.text(low.expr, look)) = \(interval(piece.low, money: true))")
                if rule.isRange, let high = rule.savingHigh {
                    out.append("    " + t("年度减负（高）", "annual saving (high)") + " = \(high.text) = \(Render.text(high.expr, look)) = \(interval(piece.high, money: true))")
                }
                if let a = rule.amount {
                    out.append("    " + t("金额", "amount") + " = \(a.text) = \(Render.text(a.expr, look)) = \(interval(piece.amount, money: true))")
                }
                for (label, iv) in [(t("本期", "this piece"), piece.low), (t("本期（高）", "this piece (high)"), rule.isRange ? piece.high : nil)] {
                    guard piece.weight != .one, let p = iv?.point, let part = p.multiplied(by: piece.weight) else { continue }
                    out.append("    \(label): \(money(p)) × \(weightText(piece)) = \(part.description)")
                }
            } else if piece.holds == .no {
                out.append("    " + t("本期条件不满足，不计", "conditions fail on this piece: nothing counted"))
            }
        }
        if let cap = rule.cap { out.append(""); out.append(t("上限：", "Cap: ") + cap.text + " = " + Render.text(cap.expr, lookup(r.pieces.first))) }
        out.append("")
        switch r.status {
        case .eligible, .superseded:
            if rule.kind == .informational {
                out.append(t("结果：符合，原文未规定金额。", "Result: eligible; the text sets no amount."))
            } else {
                out.append(t("结果：", "Result: ") + CheckReport(policy: policy, profile: profile, result: result, lang: words.lang).amountText(r) + t(" 元（各规则结果四舍五入到分一次）", " yuan (rounded half up to the fen once)"))
            }
        default: break
        }
        out.append(words.status(r.status) + t("：", ": ") + words.reason(r, profile, year: result.year))
        for a in words.assumptions(r) { out.append(t("说明：", "Note: ") + a) }
        out.append("")
        out.append(t("规则包 sha256:", "rule pack sha256:") + policy.hash + "  jianfu " + JianfuVersion.string)
        return out.joined(separator: "\n") + "\n"
    }

    func money(_ r: Rational) -> String { r.roundedToFen().map { Money.format(fen: $0) } ?? r.description }

    func weightText(_ p: PieceTrace) -> String { words.weightText(rule, p) }

    func fieldOrMissing(_ name: String) -> String {
        guard let s = policy.schema.fieldIndex(name) else { return "—" }
        return words.fieldValue(profile, s)
    }

    func mark(_ t: Tri) -> String { t == .yes ? "✓" : t == .no ? "✗" : "?" }

    func prorationText() -> String {
        switch rule.proration {
        case .days: return t("按天：期间天数 ÷ 全年天数", "days: days in the piece ÷ days in the year")
        case .months: return t("按月：首日在期间内的月份数 ÷ 12", "months: months whose first day lies in the piece ÷ 12")
        case .none: return t("不分摊：与年度有交集即按全额", "none: the full amount once the window meets the year")
        }
    }
}

/// `jianfu policies list` and `show`.
public struct PolicyListing {
    let policy: PolicySet
    let words: Words

    public init(policy: PolicySet, lang: Lang) { self.policy = policy; words = Words(policy: policy, lang: lang) }

    public func list() -> String {
        var out: [String] = []
        for doc in policy.documents {
            out.append("\(doc.number)  \(doc.title(words.lang))  (\(doc.id), \(doc.ruleIndices.count) rules)")
            for i in doc.ruleIndices {
                let r = policy.rules[i]
                out.append("  " + TextWidth.padRight(r.id, 34) + " " + TextWidth.padRight(r.clause, 10) + " "
                           + TextWidth.padRight(r.kind.rawValue, 14) + " " + TextWidth.padRight(words.window(r), 26) + " " + r.title(words.lang))
            }
        }
        out.append("\(policy.rules.count) rules; rule pack sha256:\(policy.hash)")
        return out.joined(separator: "\n") + "\n"
    }

    public func show(_ index: Int) -> String {
        let r = policy.rules[index]
        let doc = policy.document(of: r)
        var out = ["\(r.id)  \(r.title(words.lang))",
                   "document: \(doc.number) \(r.clause)", "quote: “\(r.quote)”",
                   "category: \(r.category)  kind: \(r.kind.rawValue)  scope: \(r.scope.name)  proration: \(r.proration.rawValue)",
                   "window: \(words.window(r))"]
        if let ew = r.enterpriseWindow { out.append("enterprise window: [\(ew.from.text), \(ew.until.text))  \(ew.text(words.lang))") }
        for c in r.cuts { out.append("cut at: \(c.text)") }
        for l in r.lets { out.append("let \(l.name) = \(l.formula.text)") }
        for c in r.conditions { out.append("condition \(c.id): \(c.formula.text)  — \(c.text(words.lang))") }
        if let l = r.savingLow { out.append(r.isRange ? "saving low: \(l.text)" : "saving: \(l.text)") }
        if r.isRange, let h = r.savingHigh { out.append("saving high: \(h.text)") }
        if let a = r.amount { out.append("amount: \(a.text)") }
        if let c = r.cap { out.append("cap: \(c.text)") }
        if let b = r.claimBase { out.append("claim rate: \(r.claimRateLow?.text ?? "")\(r.isRange || r.claimRateLow?.text != r.claimRateHigh?.text ? " – " + (r.claimRateHigh?.text ?? "") : "") of \(b.text)") }
        if let g = r.group { out.append("group: \(g)") }
        for a in r.assumptions { out.append("assumption: \(a(words.lang))") }
        if let n = r.note { out.append("note: \(n)") }
        out.append("parameters: " + r.params.map { policy.parameters[$0].name }.joined(separator: ", "))
        return out.joined(separator: "\n") + "\n"
    }
}
