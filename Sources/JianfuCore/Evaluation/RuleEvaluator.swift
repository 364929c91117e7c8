/// Evaluates one rule for one profile: scope, windows, pieces of the year, conditions and saving.
struct RuleEvaluator {
    let policy: PolicySet
    let plan: YearPlan
    let regionSlot: Int?
    let industrySlot: Int?

    init(policy: PolicySet, plan: YearPlan) {
        self.policy = policy
        self.plan = plan
        regionSlot = policy.regionSlot
        industrySlot = policy.industrySlot
    }

    /// The scope test: region by code prefix, industry by section letter; unknown when the code is missing.
    func scopeTest(_ rule: Rule, _ profile: Profile) -> (Tri, [FieldRef], Failure?) {
        var tri = Tri.yes
        var deps: [FieldRef] = []
        if !rule.scopeRegionBytes.isEmpty {
            if let code = profile.string(regionSlot) {
                // Bytes rather than hasPrefix: Foundation's hasPrefix goes through CFString, slow per profile.
                if !rule.scopeRegionBytes.contains(where: { RuleEvaluator.hasPrefix(code, $0) }) { return (.no, [], .region(code)) }
            } else {
                tri = .unknown
                if let s = regionSlot { deps.append(FieldRef(field: s)) }
            }
        }
        if !rule.scopeSectionBytes.isEmpty {
            if let code = profile.string(industrySlot), let first = code.utf8.first {
                let section = first >= 0x61 && first <= 0x7A ? first - 0x20 : first
                if !rule.scopeSectionBytes.contains(section) { return (.no, [], .industry(code)) }
            } else {
                tri = .unknown
                if let s = industrySlot { deps.append(FieldRef(field: s)) }
            }
        }
        return (tri, deps, nil)
    }

    /// An evaluator for `profile`, to be passed to every `evaluate` of one check.
    static func hasPrefix(_ s: String, _ p: [UInt8]) -> Bool {
        let r = s.utf8.withContiguousStorageIfAvailable { a in
            guard a.count >= p.count else { return false }
            for k in 0..<p.count where a[k] != p[k] { return false }
            return true
        }
        return r ?? s.utf8.starts(with: p)
    }

    func evaluator(for profile: Profile) -> Evaluator {
        Evaluator(policy: policy, profile: profile, params: plan.janParams, piece: plan.range, year: plan.range, proration: .days)
    }

    func evaluate(_ ruleIndex: Int, _ profile: Profile, trace: Bool, using ev: inout Evaluator) -> RuleResult {
        let rule = policy.rules[ruleIndex]
        let rp = plan.rules[ruleIndex]
        var result = RuleResult(rule: ruleIndex, status: .undetermined)
        guard rp.inForce else { result.status = .notInForce; return result }

        let (scopeTri, scopeDeps, scopeFailure) = scopeTest(rule, profile)
        ev.reset(params: rp.segments.first?.params ?? plan.janParams, piece: rp.base, proration: rule.proration)

        // The enterprise's own window, when the rule has one.
        var ewTri = Tri.yes
        var ewDeps: [FieldRef] = []
        var span = rp.base
        if let fromCode = rule.windowFromCode, let untilCode = rule.windowUntilCode {
            let a = ev.eval(fromCode), b = ev.eval(untilCode)
            if case .date(let d1?) = a.kind, case .date(let d2?) = b.kind {
                let w = DayRange(d1, d2)
                result.enterpriseWindow = w
                span = rp.base.intersection(w)
                if span.isEmpty {
                    if scopeTri == .no { result.status = .ineligible; result.failure = scopeFailure; return result }
                    result.status = .ineligible
                    result.failure = .enterpriseWindow(w)
                    return result
                }
            } else {
                ewTri = .unknown
                ewDeps = mergeDeps(a.deps, b.deps)
            }
        }

        // Pieces: the plan's segments, narrowed to the enterprise window and cut where the rule asks.
        var cutDays: [Day] = []
        for c in rule.cutCodes {
            if case .date(let d?) = ev.eval(c).kind, d > span.start, d < span.end { cutDays.append(d) }
        }
        // Pieces as (range, segment index): no segment (and its parameter arrays) is copied per piece.
        // The evaluator's buffer, reused rule after rule: no allocation per rule.
        var pieces = ev.takePieceBuffer()
        defer { ev.returnPieceBuffer(pieces) }
        for (k, seg) in rp.segments.enumerated() {
            let r = seg.range.intersection(span)
            if r.isEmpty { continue }
            var start = r.start
            for d in cutDays.sorted() where d > start && d < r.end {
                pieces.append((DayRange(start, d), k))
                start = d
            }
            pieces.append((DayRange(start, r.end), k))
            if rule.proration == .none { break }
        }

        var low = Interval(Rational.zero), high = Interval(Rational.zero), amount = Interval(Rational.zero)
        var anyYes = false, anyUnknown = false
        var deps: [FieldRef] = []
        var firstFailure: Failure? = scopeFailure
        var capValue: Value?
        var share = Rational.zero
        for (range, segIndex) in pieces {
            ev.params = rp.segments[segIndex].params
            ev.piece = range
            ev.locals.removeAll(keepingCapacity: true)
            for c in rule.letCodes { ev.locals.append(ev.eval(c)) }
            var holds = scopeTri == .no ? Tri.no : (scopeTri == .unknown || ewTri == .unknown ? Tri.unknown : Tri.yes)
            var pieceDeps = scopeDeps + ewDeps
            var condTris: [Tri] = []
            for (ci, c) in rule.conditionCodes.enumerated() {
                if holds == .no && !trace { break }
                let v = ev.eval(c)
                condTris.append(v.tri)
                switch v.tri {
                case .no:
                    if holds != .no, firstFailure == nil { firstFailure = .condition(ci) }
                    holds = .no
                case .unknown:
                    if holds != .no { holds = .unknown; pieceDeps = mergeDeps(pieceDeps, v.deps) }
                case .yes: break
                }
            }
            let w = ev.weight(range)
            var pl: Interval?, ph: Interval?, pa: Interval?
            if holds != .no {
                if let f = rule.lowCode {
                    let v = ev.eval(f)
                    pl = v.interval
                    if v.interval.point == nil { pieceDeps = mergeDeps(pieceDeps, v.deps) }
                }
                if let f = rule.highCode {
                    if rule.isRange {
                        let v = ev.eval(f)
                        ph = v.interval
                        if v.interval.point == nil { pieceDeps = mergeDeps(pieceDeps, v.deps) }
                    } else {
                        ph = pl
                    }
                }
                if let f = rule.amountCode {
                    let v = ev.eval(f)
                    pa = v.interval
                    if v.interval.point == nil { pieceDeps = mergeDeps(pieceDeps, v.deps) }
                }
                if capValue == nil, let cap = rule.capCode {
                    let v = ev.eval(cap)
                    capValue = v
                }
                if holds == .yes, result.rateBase == nil, let base = rule.claimBase {
                    result.rateBase = ev.eval(base.code).interval.point
                    result.rateLow = rule.claimRateLow.flatMap { ev.eval($0.code).interval.point }
                    result.rateHigh = rule.claimRateHigh.flatMap { ev.eval($0.code).interval.point }
                }
                let wi = Interval(w)
                func add(_ acc: inout Interval, _ x: Interval?) {
                    guard let x, let scaled = x.multiplied(by: wi) else { return }
                    let part = holds == .yes ? scaled : scaled.hull(Interval(Rational.zero))
                    acc = acc.adding(part) ?? .all
                }
                add(&low, pl); add(&high, ph); add(&amount, pa)
                if holds == .yes {
                    anyYes = true
                    share = share.adding(w) ?? share
                    if (pl != nil && pl?.point == nil) || (ph != nil && ph?.point == nil) || (pa != nil && pa?.point == nil) { anyUnknown = true }
                } else {
                    anyUnknown = true
                }
                deps = mergeDeps(deps, pieceDeps)
            }
            if trace {
                let seg = rp.segments[segIndex]
                let used = rule.params.compactMap { p -> (slot: Int, value: Rational, from: Day)? in
                    guard let v = seg.params[p], let f = seg.paramFrom[p] else { return nil }
                    return (p, v, f)
                }
                result.pieces.append(PieceTrace(range: range, weight: w, params: used, lets: ev.locals, conditions: condTris,
                                                scope: scopeTri, enterpriseWindow: ewTri, low: pl, high: ph, amount: pa, holds: holds))
            }
        }
        result.capAmount = capValue?.interval.point
        if let capValue {
            low = low.minimum(capValue.interval)
            high = high.minimum(capValue.interval)
            if capValue.interval.point == nil, anyYes || anyUnknown {
                // The cap only matters when it can bind.
                if Bound.cmp(capValue.interval.lo, high.hi) < 0 { anyUnknown = true; deps = mergeDeps(deps, capValue.deps) }
            }
        }
        if !ev.problems.isEmpty { result.problems = ev.problems }
        if !ev.assumed.isEmpty { result.assumed = ev.assumed }
        result.share = share

        if !anyYes && !anyUnknown {
            result.status = .ineligible
            result.failure = firstFailure ?? scopeFailure
            if result.failure == nil, pieces.isEmpty { result.failure = .windowOutsideYear }
            return result
        }
        if anyUnknown {
            result.status = .undetermined
            result.missing = deps.sorted()
            if case .finite(let h) = high.hi { result.possibleHigh = h.roundedToFen() }
            return result
        }
        result.status = .eligible
        if rule.kind != .informational {
            guard let l = low.point, let h = high.point, let lf = l.roundedToFen(), let hf = h.roundedToFen() else {
                result.status = .undetermined
                result.problems.append("a number is too large to compute exactly")
                return result
            }
            result.low = lf
            result.high = hf
            result.exactHigh = h
            if rule.kind == .liquidity, let a = amount.point { result.amount = a.roundedToFen() }
        }
        return result
    }
}

extension RuleEvaluator {
    /// Evaluates `code` in the context of the rule's first piece of the year (parameters in force, `let`s
    /// computed), for guidance that inspects a condition's parts.
    func valueInFirstPiece(_ ruleIndex: Int, _ profile: Profile, _ code: Code, item: (field: Int, index: Int)? = nil) -> Value? {
        firstPiece(ruleIndex, profile)?.value(code, item: item)
    }

    /// The rule's first piece of the year for `profile`, its `let`s computed once: guidance asks about many parts
    /// and many list items, and recomputing the `let`s (which may sum a whole list) per question would cost the
    /// list's length per item.
    func firstPiece(_ ruleIndex: Int, _ profile: Profile) -> FirstPiece? {
        let rule = policy.rules[ruleIndex]
        let rp = plan.rules[ruleIndex]
        guard rp.inForce, let seg = rp.segments.first else { return nil }
        var ev = Evaluator(policy: policy, profile: profile, params: seg.params, piece: seg.range, year: plan.range, proration: rule.proration)
        for l in rule.lets { ev.locals.append(ev.eval(l.formula.code)) }
        return FirstPiece(evaluator: ev)
    }
}

/// One rule's first piece of the year for one profile, ready to evaluate parts of its conditions.
struct FirstPiece {
    fileprivate let evaluator: Evaluator

    /// The value of `code`, with `item` of a list as the current item (for an aggregate's filter).
    func value(_ code: Code, item: (field: Int, index: Int)? = nil) -> Value {
        var ev = evaluator
        if let item { ev.focus(field: item.field, index: item.index) }
        return ev.eval(code)
    }

    /// The value of `code` with `item` of a list replaced by `replacement` (the other items and the `let`s as they
    /// are): a changed loan tried without copying the list.
    func value(_ code: Code, item: (field: Int, index: Int), replacement: FieldValue?) -> Value {
        var ev = evaluator
        ev.focus(field: item.field, index: item.index, value: replacement)
        return ev.eval(code)
    }
}
