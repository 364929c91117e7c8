/// Turns results into sentences for accountants and officers, in Chinese or English. Every report format
/// (text, JSON, CSV, HTML, audit) takes its words from here, so they never disagree.
public struct Words: Sendable {
    public let policy: PolicySet
    public let lang: Lang

    public init(policy: PolicySet, lang: Lang) { self.policy = policy; self.lang = lang }

    /// The text in the report language; only that one is built (the arguments are autoclosures).
    func t(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { lang == .zh ? zh() : en() }

    public func status(_ s: RuleStatus) -> String {
        switch s {
        case .eligible: return t("可享受", "eligible")
        case .superseded: return t("被替代", "superseded")
        case .undetermined: return t("待确定", "undetermined")
        case .ineligible: return t("不符合", "ineligible")
        case .notInForce: return t("不在有效期", "not in force")
        }
    }

    /// `turnover_loans[0].days` for a fact reference.
    public func path(_ ref: FieldRef) -> String {
        let spec = policy.schema.fields[Int(ref.field)]
        var p = spec.name
        if ref.item >= 0 { p += "[\(ref.item)]" }
        if ref.key >= 0 {
            let keys = ref.item >= 0 || spec.kind == .list ? (spec.item?.keys ?? []) : spec.keys
            if Int(ref.key) < keys.count { p += "." + keys[Int(ref.key)].name }
        }
        return p
    }

    /// `land_use_tax (城镇土地使用税, 元)`.
    public func fieldLabel(_ ref: FieldRef) -> String {
        let spec = policy.schema.fields[Int(ref.field)]
        var label = spec.label(lang)
        if ref.key >= 0 {
            let keys = ref.item >= 0 || spec.kind == .list ? (spec.item?.keys ?? []) : spec.keys
            if Int(ref.key) < keys.count { label += " · " + keys[Int(ref.key)].label(lang) }
        }
        return label
    }

    public func citation(_ rule: Rule) -> String {
        policy.document(of: rule).number + " " + rule.clause
    }

    public func window(_ rule: Rule) -> String {
        if let u = rule.windowUntil { return "\(rule.windowFrom) – \(u)" }
        return t("\(rule.windowFrom) 起", "from \(rule.windowFrom)")
    }

    func dateRange(_ r: DayRange) -> String { "\(r.start) – \(r.lastDay)" }

    /// The value of a field as the profile gives it, or its default, or "missing".
    public func fieldValue(_ profile: Profile, _ slot: Int) -> String {
        let spec = policy.schema.fields[slot]
        if let v = profile.values[slot] { return v.display(spec) }
        return t("缺失", "missing")
    }

    func valueText(_ v: Value, unit: VType?) -> String {
        switch v.kind {
        case .number(let i):
            if let p = i.point {
                if case .number(.money)? = unit { return p.roundedToFen().map { Money.format(fen: $0) } ?? p.description }
                if case .number(.rate)? = unit { return Rational.percentText(p) }
                return p.description
            }
            func b(_ x: Bound) -> String { if case .finite(let r) = x { return r.description }; return "∞" }
            return t("未知", "unknown") + " [\(b(i.lo)), \(b(i.hi))]"
        case .bool(let tri): return tri == .yes ? "true" : tri == .no ? "false" : t("未知", "unknown")
        case .string(let s): return s ?? t("未知", "unknown")
        case .date(let d): return d?.description ?? t("未知", "unknown")
        case .duration(let d): return d.description
        }
    }

    /// The facts a condition reads with their values: `evaluation_grade = C, ratio = 0.45`.
    public func conditionValues(_ rule: Rule, _ ci: Int, _ result: RuleResult, _ profile: Profile) -> [(String, String)] {
        let c = rule.conditions[ci]
        var out: [(String, String)] = c.formula.fields.map { (policy.schema.fields[$0].name, fieldValue(profile, $0)) }
        if let piece = result.pieces.first {
            for l in c.formula.lets where l < piece.lets.count {
                out.append((rule.lets[l].name, valueText(piece.lets[l], unit: rule.lets[l].formula.type)))
            }
        }
        return out
    }

    /// One line saying why the rule has its status.
    public func reason(_ result: RuleResult, _ profile: Profile, year: Int) -> String {
        let rule = policy.rules[result.rule]
        switch result.status {
        case .eligible:
            var parts: [String] = []
            let meets = policy.fragments.meets(policy, lang)[result.rule]
            if !meets.isEmpty { parts.append(meets) }
            if let s = result.share, s != .one, rule.proration != .none {
                parts.append(shareText(result, s))
            }
            if rule.kind == .informational { parts.append(t("原文未规定金额，不作估算", "the text sets no amount; none is estimated")) }
            if parts.isEmpty { parts.append(t("适用范围内，且在有效期内", "in scope and in force")) }
            return parts.joined(separator: t("；", "; "))
        case .superseded:
            let by = result.supersededBy.map { policy.rules[$0] }
            let g = rule.group.map { policy.catalog.groupText($0)(lang) } ?? ""
            return t("与 \(by?.id ?? "?") 同属“\(g)”，就高不重复享受，后者金额更高",
                     "same group as \(by?.id ?? "?") (\(g)): only the larger relief is granted")
        case .undetermined:
            var parts: [String] = []
            if !result.problems.isEmpty { parts.append(result.problems.joined(separator: t("；", "; "))) }
            if !result.missing.isEmpty {
                parts.append(t("需要：", "needs: ") + result.missing.map { path($0) + t("（", " (") + fieldLabel($0) + t("）", ")") }.joined(separator: t("、", ", ")))
            }
            if let w = result.mayOutrank {
                parts.append(t("可能高于同组已给予的 \(policy.rules[w].id)", "could outrank \(policy.rules[w].id), granted in its group"))
            }
            return parts.joined(separator: t("；", "; "))
        case .ineligible:
            switch result.failure {
            case .region(let code)?:
                let name = policy.catalog.regions[code].map { $0(lang) } ?? code
                return t("所在地区 \(code)（\(name)）不在适用范围（\(rule.scope.text.zh)）",
                         "region \(code) (\(name)) is outside the scope (\(rule.scope.text.en))")
            case .industry(let code)?:
                return t("行业 \(code) 不在适用范围（\(rule.scope.text.zh)）", "industry \(code) is outside the scope (\(rule.scope.text.en))")
            case .enterpriseWindow(let w)?:
                let ew = rule.enterpriseWindow?.text(lang) ?? ""
                return t("企业自身期间（\(ew)）\(dateRange(w)) 与政策有效期在 \(year) 年内无交集",
                         "the enterprise's own window (\(ew)) \(dateRange(w)) does not meet the rule's window within \(year)")
            case .condition(let ci)?:
                let vals = conditionValues(rule, ci, result, profile).map { "\($0.0) = \($0.1)" }.joined(separator: ", ")
                return t("未满足：", "fails: ") + rule.conditions[ci].text(lang) + (vals.isEmpty ? "" : t("（", " (") + vals + t("）", ")"))
            case .windowOutsideYear?, nil:
                return t("本年度内无适用期间", "no part of the year is covered")
            }
        case .notInForce:
            return t("有效期 \(window(rule))，不含 \(year) 年", "in force \(window(rule)), not in \(year)")
        }
    }


    /// `按 275/365 天计（2017-04-01 – 2017-12-31）`: the part of the year the rule covered.
    func shareText(_ r: RuleResult, _ share: Rational) -> String {
        let rule = policy.rules[r.rule]
        let held = r.pieces.filter { $0.holds == .yes }
        guard let first = held.first, let last = held.last else {
            return t("按年度内适用比例 \(share.fractionText) 计", "prorated by \(share.fractionText) of the year")
        }
        let span = "\(first.range.start) – \(last.range.lastDay)"
        switch rule.proration {
        case .days:
            let days = held.reduce(0) { $0 + $1.range.dayCount }
            let yearDays = Day.isLeap(first.range.start.year) ? 366 : 365
            return t("按 \(days)/\(yearDays) 天计（\(span)）", "prorated \(days)/\(yearDays) days (\(span))")
        case .months:
            let months = (share.multiplied(by: Rational(12)) ?? share).fractionText
            return t("按 \(months)/12 个月计（\(span)）", "prorated \(months)/12 months (\(span))")
        case .none:
            return ""
        }
    }

    /// Assumptions stated with a result: the rule's own and the defaults used.
    public func assumptions(_ result: RuleResult) -> [String] {
        let rule = policy.rules[result.rule]
        var out = rule.assumptions.map { $0(lang) }
        for slot in result.assumed {
            let f = policy.schema.fields[slot]
            // Show the default with the parameter values in force: annual_payroll × 2% × 40%.
            var text = f.defaultText ?? ""
            if let d = policy.defaults[slot] {
                let params = result.pieces.first?.params ?? []
                text = Render.text(d.expr) { name in
                    guard let p = policy.parameterIndex(name), let v = params.first(where: { $0.slot == p }) else { return nil }
                    return policy.parameters[p].unit == .rate ? Rational.percentText(v.value) : v.value.description
                }
            }
            out.append(t("假定：\(f.name) = \(text)（未提供，按默认）", "assumed: \(f.name) = \(text) (not given; the default)"))
        }
        return out
    }
}

extension Rational {
    /// `140/365`, or `1` for whole numbers.
    public var fractionText: String {
        let r = reduced()
        return r.den == 1 ? String(r.num) : "\(r.num)/\(r.den)"
    }
}

extension Words {
    /// The arithmetic behind a saving, from the trace: `36,000.00 × 28/73 = 13,808.22`.
    public func arithmetic(_ r: RuleResult) -> String {
        let rule = policy.rules[r.rule]
        guard r.status == .eligible || r.status == .superseded, rule.kind != .informational else { return "" }
        func side(_ pick: (PieceTrace) -> Interval?, _ total: Int128?) -> String {
            var terms: [String] = []
            for p in r.pieces where p.holds == .yes {
                guard let v = pick(p)?.point else { continue }
                let annual = v.roundedToFen().map { Money.format(fen: $0) } ?? v.description
                terms.append(p.weight == .one ? annual : "\(annual) × \(weightText(rule, p))")
            }
            var s = terms.joined(separator: " + ")
            if let cap = r.capAmount, let c = cap.roundedToFen() {
                s = "min(\(s), " + t("上限 ", "cap ") + Money.format(fen: c) + ")"
            }
            if terms.count == 1 && !s.contains("×") && r.capAmount == nil { return s }
            return s + " = " + (total.map { Money.format(fen: $0) } ?? "?")
        }
        if rule.isRange {
            return t("低：", "low: ") + side({ $0.low }, r.low) + t("；高：", "; high: ") + side({ $0.high }, r.high)
        }
        var s = side({ $0.low }, r.low)
        if rule.kind == .liquidity, let a = r.amount {
            s = t("退还/缓缴 ", "amount ") + Money.format(fen: a) + t("；融资成本 ", "; financing value ") + s
        }
        return s
    }
}

extension Words {
    /// `140/365` for days (not reduced, so the days show), `8/12` for months.
    public func weightText(_ rule: Rule, _ p: PieceTrace) -> String {
        switch rule.proration {
        case .days: return "\(p.range.dayCount)/\(Day.isLeap(p.range.start.year) ? 366 : 365)"
        case .months: return ((p.weight.multiplied(by: Rational(12)) ?? p.weight).fractionText) + "/12"
        case .none: return "1"
        }
    }

    /// `land_use_tax（城镇土地使用税，元）`.
    public func fieldTitle(_ slot: Int) -> String {
        let f = policy.schema.fields[slot]
        return f.name + t("（", " (") + f.label(lang) + (f.unit.map { t("，", ", ") + $0 } ?? "") + t("）", ")")
    }

    /// Why a question is asked: the rules it decides and the money at stake.
    public func why(_ q: Question) -> String {
        let ids = q.rules.map { policy.rules[$0].id }
        let list = ids.prefix(4).joined(separator: t("、", ", ")) + (ids.count > 4 ? t(" 等", " …") : "")
        let stake: String
        if q.unbounded, let p = q.proportion, p > .zero {
            let pct = Rational.decimalString(p.multiplied(by: Rational(100)) ?? p, scale: 2)
            stake = t("本年度约为其 \(pct)%", "worth about \(pct)% of it this year")
        } else if q.unbounded { stake = t("金额随答案而定", "the amount depends on the answer") }
        else if q.atStake > 0 { stake = t("涉及金额至多 ", "worth up to ") + Money.format(fen: q.atStake) + t(" 元", " yuan") }
        else { stake = t("决定是否适用", "decides whether they apply") }
        return t("决定 \(ids.count) 条规则（\(list)），\(stake)", "decides \(ids.count) rule(s) (\(list)); \(stake)")
    }

    /// `tax_per_mu 135,000.00 → 150,000.00 (ratio 45% → 50%): 52-7-1-…, total saving up by 0.00 – 34,520.55 yuan (total … → …)`.
    public func nearMiss(_ m: NearMiss) -> String {
        var spec = policy.schema.fields[m.field]
        var name = spec.name
        if let i = m.item, let k = m.key, let itemSpec = spec.item, k < itemSpec.keys.count {
            name = path(FieldRef(field: m.field, item: i, key: k))
            spec = itemSpec.keys[k]
        }
        func show(_ r: Rational) -> String { FieldValue.number(r).display(spec) }
        var s = "\(name) \(show(m.from)) → "
        if m.strict {
            s += (m.up ? t("高于 ", "above ") : t("低于 ", "below ")) + show(m.to) + t("（不含）", " (excluded)")
        } else {
            s += show(m.to)
        }
        if let c = m.compared {
            let to = m.strict ? (m.up ? t("高于 ", "above ") : t("低于 ", "below ")) + Rational.percentText(c.to) : Rational.percentText(c.to)
            s += t("（", " (") + "\(c.name) \(Rational.percentText(c.from)) → \(to)" + t("）", ")")
        }
        let rule = policy.rules[m.rule]
        func span(_ l: Int128, _ h: Int128) -> String { l == h ? Money.format(fen: l) : Money.format(fen: l) + " – " + Money.format(fen: h) }
        let before = span(m.beforeLow, m.beforeHigh), after = span(m.totalLow, m.totalHigh)
        return s + t("：", ": ") + rule.id + t("，合计减负增加 ", ", total saving up by ") + span(m.gainLow, m.gainHigh)
            + t(" 元（合计 \(before) → \(after) 元）", " yuan (total \(before) → \(after) yuan)")
    }
}
