/// A tax officer's verdict on one claim.
public enum Verdict: String, Sendable, CaseIterable {
    case approve, reduce, reject
    case needsInfo = "needs_info"
    case error
}

/// The verdict on one claim, with the entitlement it was compared with and the reasons.
public struct ClaimVerdict: Sendable {
    public var claim: Claim
    public var verdict: Verdict
    public var ruleIndex: Int?
    /// The engine's result for the rule (nil for error verdicts).
    public var result: RuleResult?
    /// The amount claimed, in fen (rounded half up); for a rate-only claim, the amount the rate implies.
    public var claimedFen: Int128?
    /// The entitlement in fen (the high end for a range; the liquidity amount for liquidity rules).
    public var allowedFen: Int128?
    public var allowedLowFen: Int128?
    /// What the enterprise gets on this verdict (approve: the claim; reduce: the entitlement; else 0).
    public var grantedFen: Int128 = 0
    public var excessFen: Int128?
    /// The rate the text allows (low, high), when a rate was claimed.
    public var allowedRate: (low: Rational, high: Rational)?
    public var reasons: [String] = []
    /// The claim this one conflicts with.
    public var conflictWith: String?
    /// Facts to request (needs_info).
    public var request: [String] = []
}

/// Judges a batch of claims against the engine's entitlements. The batch always completes.
public struct Auditor {
    public let engine: Engine
    public let words: Words
    /// Profiles by id: each with its year (nil: serves any year).
    let profiles: [String: [(year: Int?, profile: Profile)]]

    public init(engine: Engine, profiles: [Profile], lang: Lang) {
        self.engine = engine
        words = Words(policy: engine.policy, lang: lang)
        var byID: [String: [(Int?, Profile)]] = [:]
        let idSlot = engine.policy.schema.fieldIndex("id")
        for p in profiles {
            guard let id = p.string(idSlot) else { continue }
            byID[id, default: []].append((engine.year(of: p, override: nil), p))
        }
        self.profiles = byID.mapValues { $0.map { (year: $0.0, profile: $0.1) } }
    }

    private func t(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { words.t(zh(), en()) }

    /// The profile for an enterprise and year: an exact year wins, a profile without a year serves any year.
    func profile(_ id: String, _ year: Int) -> Result<Profile, FieldDomain.Message> {
        guard let list = profiles[id] else {
            return .failure(FieldDomain.Message(text: t("未知企业编号 \(id)：--profiles 中没有该企业", "unknown enterprise_id \(id): no such profile in --profiles")))
        }
        let exact = list.filter { $0.year == year }
        if exact.count > 1 { return .failure(FieldDomain.Message(text: t("企业 \(id) 有两份 \(year) 年的档案", "two profiles with id \(id) and year \(year)"))) }
        if let p = exact.first { return .success(p.profile) }
        let open = list.filter { $0.year == nil }
        if open.count > 1 { return .failure(FieldDomain.Message(text: t("企业 \(id) 有两份未注明年度的档案", "two profiles with id \(id) and no year"))) }
        if let p = open.first { return .success(p.profile) }
        return .failure(FieldDomain.Message(text: t("企业 \(id) 没有 \(year) 年的档案", "no profile of \(id) for \(year)")))
    }

    public func audit(_ claims: [Claim]) -> [ClaimVerdict] {
        var cache: [String: CheckResult] = [:]
        var verdicts: [ClaimVerdict] = []
        var keys: [String?] = []
        for c in claims {
            let (v, key) = judge(c, &cache)
            verdicts.append(v)
            keys.append(key)
        }
        resolveConflicts(&verdicts, keys, cache)
        return verdicts
    }

    func judge(_ c: Claim, _ cache: inout [String: CheckResult]) -> (ClaimVerdict, String?) {
        var v = ClaimVerdict(claim: c, verdict: .error)
        v.claimedFen = c.amount?.roundedToFen()
        if !c.errors.isEmpty { v.reasons = c.errors; return (v, nil) }
        let policy = engine.policy
        guard let ruleID = c.ruleID else { v.reasons = [t("缺少 rule_id", "missing rule_id")]; return (v, nil) }
        guard let ri = policy.ruleIndex(ruleID) else {
            v.reasons = [t("未知规则编号 \(ruleID)", "unknown rule id \(ruleID)") + Suggest.hint(ruleID, in: policy.rules.map(\.id), lang: words.lang)]
            return (v, nil)
        }
        v.ruleIndex = ri
        let rule = policy.rules[ri]
        guard let year = c.year else { v.reasons = [t("缺少年度", "missing year")]; return (v, nil) }
        if c.amount == nil && c.rate == nil {
            v.reasons = [t("既无申请金额也无申请比例", "neither claimed_amount nor claimed_rate")]; return (v, nil)
        }
        if c.rate != nil && rule.claimBase == nil {
            v.reasons = [t("规则 \(rule.id) 不按比例申请（其减负不是“比例 × 基数”）", "rule \(rule.id) cannot be claimed as a rate (its saving is not a rate times a base)")]
            return (v, nil)
        }
        let profile: Profile
        let key: String
        if let p = c.profile {
            profile = p
            // An inline profile with an id is the same enterprise as that id elsewhere in the batch.
            if let id = p.string(engine.policy.schema.fieldIndex("id")) ?? c.enterpriseID { key = "id:" + id } else { key = "inline:" + c.claimID }
        } else if let id = c.enterpriseID {
            switch self.profile(id, year) {
            case .success(let p): profile = p
            case .failure(let m): v.reasons = [m.text]; return (v, nil)
            }
            key = "id:" + id
        } else {
            v.reasons = [t("缺少企业：需要 enterprise_id 或内嵌 profile", "no enterprise: give enterprise_id or an inline profile")]
            return (v, nil)
        }
        let cacheKey = key + "@\(year)"
        let check: CheckResult
        if let cached = cache[cacheKey] { check = cached } else {
            guard let r = engine.check(profile, year: year, trace: true) else { v.reasons = ["year out of range"]; return (v, nil) }
            cache[cacheKey] = r
            check = r
        }
        let r = check.results[ri]
        v.result = r
        decide(&v, rule, r, profile, year)
        return (v, cacheKey)
    }

    func decide(_ v: inout ClaimVerdict, _ rule: Rule, _ r: RuleResult, _ profile: Profile, _ year: Int) {
        let c = v.claim
        v.claimedFen = c.amount?.roundedToFen()
        switch r.status {
        case .ineligible, .notInForce, .superseded:
            v.verdict = .reject
            v.reasons = [words.reason(r, profile, year: year)]
            return
        case .undetermined:
            v.verdict = .needsInfo
            v.request = r.missing.map { words.path($0) + "（\(words.fieldLabel($0))）" }
            v.reasons = [words.reason(r, profile, year: year)]
            return
        case .eligible:
            break
        }
        if rule.kind == .informational {
            v.verdict = .needsInfo
            v.reasons = [t("符合条件，但原文未规定金额，需按具体办法核定", "eligible, but the text sets no amount: it must be assessed under the detailed rules")]
            return
        }
        let allowed = rule.kind == .liquidity ? (r.amount ?? 0) : (r.high ?? 0)
        v.allowedFen = allowed
        v.allowedLowFen = rule.kind == .liquidity ? r.amount : r.low
        var over = false
        var notes: [String] = []
        if let claimed = v.claimedFen {
            if claimed > allowed {
                over = true
                v.excessFen = claimed - allowed
                notes.append(t("申请 \(Money.format(fen: claimed)) 元超过可享受的 \(Money.format(fen: allowed)) 元，超出 \(Money.format(fen: claimed - allowed)) 元",
                               "claimed \(Money.format(fen: claimed)) exceeds the entitlement \(Money.format(fen: allowed)) by \(Money.format(fen: claimed - allowed))"))
            } else if claimed < allowed {
                notes.append(t("申请低于可享受额，最多可申请 \(Money.format(fen: allowed)) 元", "below the entitlement: up to \(Money.format(fen: allowed)) could have been claimed"))
            }
        }
        if let rate = c.rate, let high = r.rateHigh {
            let low = r.rateLow ?? high
            v.allowedRate = (low, high)
            // The amount the rate implies: rate × base × the rule's share of the year, capped like the saving.
            var implied: Rational?
            if let base = r.rateBase, let share = r.share, let x = rate.multiplied(by: base)?.multiplied(by: share) {
                implied = x
                if let cap = r.capAmount, cap < x { implied = cap }
            }
            let impliedFen = implied?.roundedToFen()
            if v.claimedFen == nil { v.claimedFen = impliedFen }
            let rateText = low == high ? Rational.percentText(high) : Rational.percentText(low) + "–" + Rational.percentText(high)
            if rate > high {
                over = true
                notes.append(t("申请比例 \(Rational.percentText(rate)) 超过原文规定的 \(rateText)，可享受比例至多 \(Rational.percentText(high))",
                               "claimed rate \(Rational.percentText(rate)) exceeds the text's \(rateText): at most \(Rational.percentText(high))"))
                if c.amount == nil, let i = impliedFen { v.excessFen = max(0, i - allowed) }
            } else if let i = impliedFen, c.amount == nil {
                notes.append(t("申请比例 \(Rational.percentText(rate)) 折合 \(Money.format(fen: i)) 元", "the claimed rate \(Rational.percentText(rate)) implies \(Money.format(fen: i))"))
                if i < allowed {
                    notes.append(t("低于可享受额，最多可申请 \(Money.format(fen: allowed)) 元（比例至多 \(Rational.percentText(high))）",
                                   "below the entitlement: up to \(Money.format(fen: allowed)) (a rate of \(Rational.percentText(high))) could have been claimed"))
                }
            }
        }
        v.verdict = over ? .reduce : .approve
        // Never grant more than was asked for, nor more than the entitlement.
        v.grantedFen = min(v.claimedFen ?? allowed, allowed)
        if over, let claimed = c.amount?.roundedToFen(), claimed <= allowed {
            notes.removeAll { $0.hasPrefix(t("申请低于", "below the entitlement")) }
        }
        v.reasons = notes.isEmpty ? [t("在可享受额度内", "within the entitlement")] : notes
        v.reasons.append(t("计算：", "arithmetic: ") + words.arithmetic(r))
    }

    /// 就高不重复 and double claims: within one enterprise and year, only the claim for the granted rule (or the
    /// first claim of a rule claimed twice) is judged; the other eligible ones are rejected as conflicts.
    func resolveConflicts(_ verdicts: inout [ClaimVerdict], _ keys: [String?], _ cache: [String: CheckResult]) {
        let policy = engine.policy
        var firstOfRule: [String: Int] = [:]
        var byKey: [String: [Int]] = [:]
        for (i, k) in keys.enumerated() { if let k { byKey[k, default: []].append(i) } }
        for (key, idxs) in byKey {
            for i in idxs {
                guard let ri = verdicts[i].ruleIndex else { continue }
                let k = "\(key)#\(ri)"
                if let first = firstOfRule[k] {
                    if [.approve, .reduce].contains(verdicts[i].verdict) || verdicts[i].result?.status == .eligible {
                        conflict(&verdicts[i], with: verdicts[first].claim.claimID, sameRule: true)
                    }
                } else {
                    firstOfRule[k] = i
                }
            }
            guard let check = cache[key] else { continue }
            for i in idxs {
                guard let ri = verdicts[i].ruleIndex, let group = policy.rules[ri].group,
                      verdicts[i].result?.status == .superseded, let winner = verdicts[i].result?.supersededBy,
                      let w = idxs.first(where: { verdicts[$0].ruleIndex == winner }) else { continue }
                _ = check
                conflict(&verdicts[i], with: verdicts[w].claim.claimID, sameRule: false, group: group)
            }
        }
    }

    func conflict(_ v: inout ClaimVerdict, with other: String, sameRule: Bool, group: String? = nil) {
        v.verdict = .reject
        v.conflictWith = other
        v.grantedFen = 0
        v.excessFen = nil
        v.allowedFen = nil
        v.allowedLowFen = nil
        if sameRule {
            v.reasons = [t("冲突：同一企业同一年度已就该规则提出申请 \(other)", "conflict: the same rule is already claimed for this enterprise and year by claim \(other)")]
        } else {
            let g = group.map { engine.policy.catalog.groupText($0)(words.lang) } ?? ""
            v.reasons = [t("冲突：与申请 \(other) 同属“\(g)”，就高不重复享受，以 \(other) 为准",
                           "conflict: same exclusive group (\(g)) as claim \(other), which is granted")]
        }
    }
}
