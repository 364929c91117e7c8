/// The enterprise report of `jianfu check`: summary, then eligible, superseded, undetermined, ineligible and
/// not-in-force rules, each with its citation and one-line reason.
public struct CheckReport {
    public let policy: PolicySet
    public let profile: Profile
    public let result: CheckResult
    public let words: Words

    /// Deciding questions and near misses, when the caller computed them.
    public var questions: [Question] = []
    public var nearMisses: [NearMiss] = []

    public init(policy: PolicySet, profile: Profile, result: CheckResult, lang: Lang) {
        self.policy = policy; self.profile = profile; self.result = result
        words = Words(policy: policy, lang: lang)
    }

    /// The report with deciding questions and near misses computed by `engine`.
    public init(engine: Engine, profile: Profile, result: CheckResult, lang: Lang) {
        self.init(policy: engine.policy, profile: profile, result: result, lang: lang)
        questions = engine.questions(profile, result)
        nearMisses = engine.nearMisses(profile, result: result)
    }

    private func t(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { words.t(zh(), en()) }

    /// Rules in report order for one status.
    func rules(_ status: RuleStatus) -> [RuleResult] {
        let rs = result.results.filter { $0.status == status }
        // Largest savings first: what matters most to the enterprise comes first.
        if status == .eligible || status == .superseded {
            return rs.filter { policy.rules[$0.rule].kind != .informational }.sorted { ($0.high ?? 0) > ($1.high ?? 0) }
        }
        if status == .undetermined { return rs.sorted { ($0.possibleHigh ?? Int128.max) > ($1.possibleHigh ?? Int128.max) } }
        return rs
    }

    /// Eligible rules whose text sets no amount.
    func informational() -> [RuleResult] {
        result.results.filter { $0.status == .eligible && policy.rules[$0.rule].kind == .informational }
    }

    public func amountText(_ r: RuleResult) -> String {
        guard let l = r.low, let h = r.high else { return "—" }
        return l == h ? Money.format(fen: l) : Money.format(fen: l) + " – " + Money.format(fen: h)
    }

    func totalText(_ low: Int128, _ high: Int128) -> String {
        let yuan = low == high ? Money.format(fen: low) : Money.format(fen: low) + " – " + Money.format(fen: high)
        let wan = low == high ? Money.formatWan(fen: low) : Money.formatWan(fen: low) + " – " + Money.formatWan(fen: high)
        return t("\(yuan) 元（\(wan) 万元）", "\(yuan) yuan (\(wan) 万元)")
    }

    // MARK: text

    public func text() -> String {
        var out: [String] = []
        let id = profile.string(policy.schema.fieldIndex("id")) ?? ""
        let name = profile.string(policy.schema.fieldIndex("name")) ?? ""
        out.append(t("Jianfu 减负政策体检报告", "Jianfu cost-reduction check"))
        let who = [name, id].filter { !$0.isEmpty }.joined(separator: " · ")
        out.append(t("企业：", "Enterprise: ") + (who.isEmpty ? profile.origin : who) + t("　评价年度：", "   Year: ") + String(result.year))
        out.append("")
        let tot = result.totals
        out.append(t("预计年度减负合计：", "Estimated annual saving: ") + totalText(tot.low, tot.high))
        if tot.undetermined > 0 {
            out.append(t("　另有 \(tot.undetermined) 条规则待确定，合计为下限。", "  \(tot.undetermined) rule(s) undetermined: the total is a lower bound."))
        }
        if tot.liquidity > 0 {
            out.append(t("　退还/缓缴资金（流动性，不计入减负）：\(Money.format(fen: tot.liquidity)) 元",
                         "  Money refunded or deferred (liquidity, not added to savings): \(Money.format(fen: tot.liquidity)) yuan"))
        }
        out.append("")
        out.append(t("按类别：", "By category:"))
        var categories = TextTable([(t("类别", "category"), .left), (t("减负（元）", "saving (yuan)"), .right)])
        for c in policy.catalog.categories {
            guard let v = tot.byCategory[c.id] else { continue }
            categories.add([c.text(words.lang), v.low == v.high ? Money.format(fen: v.low) : Money.format(fen: v.low) + " – " + Money.format(fen: v.high)])
        }
        out += categories.lines()
        let sections: [(RuleStatus, String, String)] = [
            (.eligible, "一、可享受的政策", "1. Eligible reliefs"),
            (.superseded, "二、同组就高不重复（未计入）", "2. Superseded within an exclusive group (not counted)"),
            (.undetermined, "三、待确定（请补充以下信息）", "3. Undetermined (facts to provide)"),
            (.ineligible, "四、不符合条件", "4. Not eligible"),
            (.notInForce, "五、不在有效期内", "5. Not in force in the year"),
        ]
        for (status, zh, en) in sections {
            let rs = rules(status)
            if !rs.isEmpty {
                out.append("")
                out.append(t(zh, en) + t("（\(rs.count)）", " (\(rs.count))"))
                for r in rs { out += ruleLines(r) }
            }
            if status == .undetermined && !questions.isEmpty {
                out.append("")
                out.append(t("　请先补充（按可决定的金额排序）：", "   Facts to provide first (by the money they decide):"))
                for (i, q) in questions.prefix(8).enumerated() {
                    out.append("  \(i + 1). " + words.fieldTitle(q.field) + t("：", ": ") + words.why(q))
                }
                if questions.count > 8 { out.append(t("  …另有 \(questions.count - 8) 项（见 --format json 或 jianfu ask）", "  … \(questions.count - 8) more (see --format json or jianfu ask)")) }
            }
            if status == .ineligible && !nearMisses.isEmpty {
                out.append("")
                out.append(t("　差一点就符合：", "   Near misses:"))
                for m in nearMisses { out.append("  " + words.nearMiss(m)) }
            }
            if status == .eligible {
                let info = informational()
                guard !info.isEmpty else { continue }
                out.append("")
                out.append(t("　另可享受（原文未规定金额，不作估算）（\(info.count)）", "   Also applies (the text sets no amount) (\(info.count))"))
                for r in info {
                    let rule = policy.rules[r.rule]
                    out.append("  " + TextWidth.padRight(rule.id, 34) + " " + rule.title(words.lang) + "  [" + words.citation(rule) + "]")
                }
            }
        }
        out.append("")
        out.append(footer())
        return out.joined(separator: "\n") + "\n"
    }

    func ruleLines(_ r: RuleResult) -> [String] {
        let rule = policy.rules[r.rule]
        var lines: [String] = []
        let head = "  " + TextWidth.padRight(rule.id, 34) + " " + TextWidth.padRight(TextWidth.truncate(rule.title(words.lang), 40), 40)
        switch r.status {
        case .eligible, .superseded:
            var amount = amountText(r)
            if rule.kind == .informational { amount = t("未估算", "not estimated") }
            lines.append(head + " " + TextWidth.padLeft(amount, 26))
        case .undetermined:
            let upTo = r.possibleHigh.map { t("　至多 ", "  up to ") + Money.format(fen: $0) } ?? ""
            lines.append(head + upTo)
        default:
            lines.append(head)
        }
        lines.append("      " + t("依据：", "Cites: ") + words.citation(rule))
        lines.append("      " + words.reason(r, profile, year: result.year))
        if let a = r.amount, rule.kind == .liquidity {
            lines.append("      " + t("退还/缓缴金额 \(Money.format(fen: a)) 元；减负按融资成本计", "amount refunded/deferred \(Money.format(fen: a)); the saving is its financing value"))
        }
        if r.status == .eligible || r.status == .undetermined {
            for a in words.assumptions(r) { lines.append("      " + t("说明：", "Note: ") + a) }
        }
        return lines
    }

    func footer() -> String {
        t("规则包 sha256:\(policy.hash)　评价年度 \(result.year)　jianfu \(JianfuVersion.string)",
          "rule pack sha256:\(policy.hash)   year \(result.year)   jianfu \(JianfuVersion.string)")
    }

    // MARK: JSON

    public func json() -> String {
        var w = JSONWriter()
        write(into: &w)
        return w.text + "\n"
    }

    /// The documented JSON schema (README, "check --format json").
    public func write(into w: inout JSONWriter) {
        w.beginObject()
        w.string("jianfu_version", JianfuVersion.string)
        w.string("rule_pack", "sha256:" + policy.hash)
        w.int("year", result.year)
        w.string("lang", words.lang.rawValue)
        w.beginObject("profile")
        w.string("id", profile.string(policy.schema.fieldIndex("id")))
        w.string("name", profile.string(policy.schema.fieldIndex("name")))
        w.string("origin", profile.origin)
        w.endObject()
        let tot = result.totals
        w.beginObject("totals")
        w.money("saving_low", fen: tot.low)
        w.money("saving_high", fen: tot.high)
        w.money("liquidity_amount", fen: tot.liquidity)
        w.int("eligible_rules", tot.eligible)
        w.int("undetermined_rules", tot.undetermined)
        w.bool("is_lower_bound", tot.undetermined > 0)
        w.beginArray("by_category")
        for c in policy.catalog.categories {
            guard let v = tot.byCategory[c.id] else { continue }
            w.beginObject()
            w.string("category", c.id)
            w.string("label", c.text(words.lang))
            w.money("low", fen: v.low)
            w.money("high", fen: v.high)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.beginArray("rules")
        for r in result.results { writeRule(r, into: &w) }
        w.endArray()
        w.beginArray("questions")
        for q in questions {
            w.beginObject()
            w.string("field", policy.schema.fields[q.field].name)
            w.string("label", policy.schema.fields[q.field].label(words.lang))
            w.strings("rules", q.rules.map { policy.rules[$0].id })
            w.money("at_stake", fen: q.atStake)
            w.bool("unbounded", q.unbounded)
            w.string("why", words.why(q))
            w.endObject()
        }
        w.endArray()
        w.beginArray("near_misses")
        for m in nearMisses {
            w.beginObject()
            w.string("rule", policy.rules[m.rule].id)
            w.string("field", m.item.map { i in words.path(FieldRef(field: m.field, item: i, key: m.key ?? -1)) } ?? policy.schema.fields[m.field].name)
            w.raw("from", m.from.description)
            w.raw("to", m.to.description)
            w.bool("bound_excluded", m.strict)
            w.money("saving_low", fen: m.low)
            w.money("saving_high", fen: m.high)
            w.money("gain_low", fen: m.gainLow)
            w.money("gain_high", fen: m.gainHigh)
            w.money("total_low", fen: m.totalLow)
            w.money("total_high", fen: m.totalHigh)
            w.string("text", words.nearMiss(m))
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    public func writeRule(_ r: RuleResult, into w: inout JSONWriter) {
        let rule = policy.rules[r.rule]
        w.beginObject()
        let fixed = policy.fragments.parts(policy, RuleFragments.Key(lang: words.lang, depth: w.depth, indent: w.indentWidth))[r.rule]
        w.appendMembers(fixed.identity)
        w.string("status", r.status.rawValue)
        w.appendMembers(fixed.description)
        if r.status == .eligible || r.status == .superseded, rule.kind != .informational {
            w.beginObject("saving")
            w.money("low", fen: r.low)
            w.money("high", fen: r.high)
            w.endObject()
        } else {
            w.null("saving")
        }
        if rule.kind == .liquidity { w.money("amount", fen: r.amount) }
        w.string("reason", words.reason(r, profile, year: result.year))
        if case .condition(let ci)? = r.failure, r.status == .ineligible {
            w.beginObject("failed_condition")
            w.string("id", rule.conditions[ci].id)
            w.string("text", rule.conditions[ci].text(words.lang))
            w.string("expr", rule.conditions[ci].formula.text)
            w.beginObject("values")
            for (k, v) in words.conditionValues(rule, ci, r, profile) { w.string(k, v) }
            w.endObject()
            w.endObject()
        }
        if r.status == .undetermined {
            w.beginArray("missing")
            for m in r.missing {
                w.beginObject()
                w.string("path", words.path(m))
                w.string("label", words.fieldLabel(m))
                w.endObject()
            }
            w.endArray()
            w.strings("problems", r.problems)
            w.money("possible_high", fen: r.possibleHigh)
        }
        if let s = r.supersededBy { w.string("superseded_by", policy.rules[s].id) }
        if let s = r.mayOutrank { w.string("may_outrank", policy.rules[s].id) }
        w.appendMembers(fixed.window)
        if let e = r.enterpriseWindow {
            w.beginObject("enterprise_window")
            w.string("from", e.start.description)
            w.string("until_exclusive", e.end.description)
            w.endObject()
        }
        if let s = r.share, r.status == .eligible || r.status == .superseded { w.string("share_of_year", s.fractionText) }
        w.strings("assumptions", r.status == .eligible || r.status == .undetermined ? words.assumptions(r) : [])
        w.endObject()
    }
}
