/// A fact worth asking for: the undetermined rules it helps decide and the money at stake.
public struct Question: Sendable {
    public var field: Int
    public var rules: [Int]
    /// Sum of the bounded "up to" amounts of those rules, in fen.
    public var atStake: Int128
    /// Some rule's amount grows with the answer without a bound the engine can state.
    public var unbounded: Bool
    /// When the saving is proportional to the answer: the share of the answer it is worth this year (high end).
    public var proportion: Rational?
}

/// The smallest change of one fact that would make an ineligible rule eligible.
public struct NearMiss: Sendable {
    public var rule: Int
    public var condition: Int
    public var field: Int
    /// For a key of a list item (`turnover_loans[1].days`): the item and the key.
    public var item: Int?
    public var key: Int?
    public var from: Rational
    /// The value to reach; with `strict`, the bound itself is excluded ("below 200%").
    public var to: Rational
    public var strict: Bool
    /// The value the rule was evaluated with: `to`, or one grain past it when `strict`.
    public var trial: Rational
    /// Whether the fact must rise (false: fall).
    public var up: Bool
    /// The compared value before and at the change (e.g. the 亩产 ratio), when it is not the fact itself.
    public var compared: (name: String, from: Rational, to: Rational)?
    /// The rule's own saving once the fact is changed, in fen.
    public var low: Int128
    public var high: Int128
    /// The enterprise's total saving evaluated again with the changed fact (groups resolved), in fen.
    public var totalLow: Int128 = 0
    public var totalHigh: Int128 = 0
    /// The enterprise's total saving before the change, in fen.
    public var beforeLow: Int128 = 0
    public var beforeHigh: Int128 = 0
    /// The change of the total: after minus before, low ends and high ends apart. In an exclusive group the
    /// relief the rule displaces is accounted, so this can be far less than the rule's own saving.
    public var gainLow: Int128 = 0
    public var gainHigh: Int128 = 0
}

extension Engine {
    /// The facts that would settle the most money among the undetermined rules, largest first.
    public func questions(_ profile: Profile, _ result: CheckResult) -> [Question] {
        var byField: [Int: Question] = [:]
        for r in result.results where r.status == .undetermined {
            let fields = Set(r.missing.map { Int($0.field) })
            for f in fields {
                var q = byField[f] ?? Question(field: f, rules: [], atStake: 0, unbounded: false)
                q.rules.append(r.rule)
                if let h = r.possibleHigh { q.atStake += h } else {
                    q.unbounded = true
                    if fields.count == 1, let p = proportion(profile, result.year, r.rule, f) {
                        q.proportion = (q.proportion ?? .zero).adding(p)
                    }
                }
                byField[f] = q
            }
        }
        return byField.values.sorted {
            if $0.unbounded != $1.unbounded { return $0.unbounded }
            if $0.atStake != $1.atStake { return $0.atStake > $1.atStake }
            if $0.rules.count != $1.rules.count { return $0.rules.count > $1.rules.count }
            if ($0.proportion ?? .zero) != ($1.proportion ?? .zero) { return ($0.proportion ?? .zero) > ($1.proportion ?? .zero) }
            return $0.field < $1.field
        }
    }

    /// How much of an amount field a rule's saving is worth (high end, this year), when it is proportional.
    func proportion(_ profile: Profile, _ year: Int, _ rule: Int, _ field: Int) -> Rational? {
        guard policy.schema.fields[field].kind == .money else { return nil }
        let probe = Rational(1_000_000)
        var a = profile, b = profile
        a.values[field] = .number(.zero)
        b.values[field] = .number(probe)
        // Only the rule itself is evaluated: its own status and amount are what is asked.
        guard let ra = check(a, year: year, only: [rule])?.results[rule], let rb = check(b, year: year, only: [rule])?.results[rule],
              rb.status == .eligible || rb.status == .superseded, let hb = rb.high else { return nil }
        let ha = ra.status == .eligible || ra.status == .superseded ? (ra.high ?? 0) : 0
        return Rational(hb - ha, 100_000_000)
    }

    /// For each rule that fails on exactly one comparison of one actionable fact with a bound, the smallest
    /// change of that fact that qualifies, checked by evaluating the rule again with the changed fact.
    public func nearMisses(_ profile: Profile, result: CheckResult) -> [NearMiss] {
        guard let plan = plan(result.year) else { return [] }
        let ev = RuleEvaluator(policy: policy, plan: plan)
        var out: [NearMiss] = []
        for r in result.results where r.status == .ineligible {
            guard case .condition(let ci)? = r.failure, let piece = r.pieces.first, piece.scope == .yes,
                  piece.enterpriseWindow == .yes,
                  piece.conditions.count == policy.rules[r.rule].conditions.count,
                  piece.conditions.enumerated().allSatisfy({ $0.offset == ci || $0.element == .yes }) else { continue }
            guard var m = nearMiss(r.rule, ci, profile, ev, result.year),
                  let after = check(changed(profile, m), year: result.year)?.totals else { continue }
            m.totalLow = after.low; m.totalHigh = after.high
            m.beforeLow = result.totals.low; m.beforeHigh = result.totals.high
            let gains = (after.low - result.totals.low, after.high - result.totals.high)
            (m.gainLow, m.gainHigh) = (min(gains.0, gains.1), max(gains.0, gains.1))
            // A change that leaves the total where it is (the relief only displaces a larger one) is no advice.
            if m.gainHigh > 0 { out.append(m) }
        }
        return out.sorted { $0.gainHigh != $1.gainHigh ? $0.gainHigh > $1.gainHigh : $0.rule < $1.rule }
    }

    /// The profile with the near miss's fact set to the value it suggests.
    func changed(_ profile: Profile, _ m: NearMiss) -> Profile {
        var p = profile
        write(&p, m.key ?? m.field, m.item.map { (field: m.field, index: $0) }, m.trial)
        return p
    }

    private func conjuncts(_ c: Code) -> [Code] {
        if case .and(let a, let b) = c { return conjuncts(a) + conjuncts(b) }
        return [c]
    }

    /// Schema slots a piece of code reads, through `let`s.
    func fieldsRead(_ c: Code, _ rule: Rule) -> Set<Int> {
        switch c {
        case .field(let s), .recordKey(let s, _): return [s]
        case .local(let l): return l < rule.lets.count ? fieldsRead(rule.lets[l].formula.code, rule) : []
        case .aggregate(_, let f, _, _): return [f]
        case .constant, .param, .itemKey, .item, .periodStart, .periodEnd: return []
        case .negate(let a), .not(let a), .section(let a), .startsWith(let a, _), .dateAdd(let a, _), .member(let a, _):
            return fieldsRead(a, rule)
        case .add(let a, let b), .sub(let a, let b), .mul(let a, let b), .div(let a, let b, _), .compare(_, let a, let b),
             .and(let a, let b), .or(let a, let b), .share(let a, let b):
            return fieldsRead(a, rule).union(fieldsRead(b, rule))
        case .choose(let a, let b, let c): return fieldsRead(a, rule).union(fieldsRead(b, rule)).union(fieldsRead(c, rule))
        case .minimum(let xs), .maximum(let xs): return xs.reduce(into: Set<Int>()) { $0.formUnion(fieldsRead($1, rule)) }
        }
    }

    private func nearMiss(_ ri: Int, _ ci: Int, _ profile: Profile, _ ev: RuleEvaluator, _ year: Int) -> NearMiss? {
        let rule = policy.rules[ri]
        // The rule's `let`s computed once for every question below (they may sum a whole list).
        guard let first = ev.firstPiece(ri, profile) else { return nil }
        var failing: Code?
        for p in conjuncts(rule.conditions[ci].formula.code) {
            let v = first.value(p)
            if v.tri == .no {
                guard failing == nil else { return nil }
                failing = p
            } else if v.tri != .yes { return nil }
        }
        guard let failing else { return nil }
        // Walk down to the comparisons that could mend the failing part: any side of an `or` (the smallest
        // relative change is offered), the branch an `if` takes, and the one failing conjunct of an `and`.
        var candidates: [(Code, (field: Int, index: Int)?)] = []
        var focus: (field: Int, index: Int)? = nil
        func collect(_ c: Code) {
            switch c {
            case .or(let a, let b): collect(a); collect(b)
            case .choose(let cond, let a, let b):
                switch first.value(cond, item: focus).tri {
                case .yes: collect(a)
                case .no: collect(b)
                case .unknown: break
                }
            case .and:
                let failingParts = conjuncts(c).filter { first.value($0, item: focus).tri == .no }
                if failingParts.count == 1 { collect(failingParts[0]) }
            case .aggregate(.any, let field, let filter?, nil) where focus == nil:
                // No item is covered (e.g. every loan was repaid after 15 days): mend one item.
                guard case .list(let items)? = profile.values[field] else { break }
                ListWork.add(items.count)
                for i in items.indices {
                    focus = (field, i)
                    collect(filter)
                }
                focus = nil
            default: candidates.append((c, focus))
            }
        }
        collect(failing)
        // Each candidate's change is worked out on the item or fact alone; the rule is then evaluated again for
        // the smallest relative changes first, until one qualifies. Evaluating it for every candidate would cost
        // the list's length per item (quadratic); `nearMissTrials` bounds the evaluations.
        var proposals: [(change: Proposal, rel: Rational)] = []
        for (c, item) in candidates {
            guard case .compare(let op, let a, let b) = c,
                  let m = propose(ri, op, a, b, profile, ev, first, item: item) else { continue }
            let change = (m.to.subtracting(m.from) ?? .zero)
            let scale = m.from.isZero ? Rational.one : (m.from.isNegative ? m.from.negated() ?? .one : m.from)
            let rel = (change.isNegative ? change.negated() ?? change : change).divided(by: scale) ?? change
            proposals.append((m, rel))
        }
        // Smallest change first; ties go to the candidate met first.
        let order = proposals.indices.sorted { proposals[$0].rel != proposals[$1].rel ? proposals[$0].rel < proposals[$1].rel : $0 < $1 }
        for k in order.prefix(Engine.nearMissTrials) {
            if let m = verify(ri, ci, proposals[k].change, profile, ev, year) { return m }
        }
        return nil
    }

    /// How many candidate changes of one rule are evaluated again before guidance gives up on it.
    static let nearMissTrials = 8

    /// A change of one fact worked out from the comparison alone, before the rule is evaluated again with it.
    private struct Proposal {
        var fact: Code
        var slot: Int
        var item: (field: Int, index: Int)?
        var from: Rational
        /// The value offered (the bound itself when `strict`) and the one tried (just past a strict bound).
        var to: Rational
        var trial: Rational
        var strict: Bool
        var up: Bool
        var comparedFrom: Rational
        var bound: Rational
    }

    /// Reads one fact from a profile: a field, or (with `item`) a key of one list item.
    private func read(_ p: Profile, _ slot: Int, _ item: (field: Int, index: Int)?) -> Rational? {
        guard let item else { return p.number(slot) }
        guard case .list(let items)? = p.values[item.field], item.index < items.count,
              case .record(let vals) = items[item.index], slot < vals.count, case .number(let r)? = vals[slot] else { return nil }
        return r
    }

    /// The list item with key `slot` set to `v`.
    private func changedItem(_ p: Profile, _ slot: Int, _ item: (field: Int, index: Int), _ v: Rational) -> FieldValue? {
        guard case .list(let items)? = p.values[item.field], item.index < items.count,
              case .record(var vals) = items[item.index], slot < vals.count else { return nil }
        vals[slot] = .number(v)
        return .record(vals)
    }

    /// Writes one fact into a profile (a copy of the list when it is an item's key).
    private func write(_ p: inout Profile, _ slot: Int, _ item: (field: Int, index: Int)?, _ v: Rational) {
        guard let item else { p.values[slot] = .number(v); return }
        guard let changed = changedItem(p, slot, item, v), case .list(var items)? = p.values[item.field] else { return }
        ListWork.add(items.count)
        items[item.index] = changed
        p.values[item.field] = .list(items)
    }

    /// The change of the one actionable fact in `fact op bound` that makes the comparison hold: a profile field,
    /// or (with `item`) a key of one list item.
    private func propose(_ ri: Int, _ op0: CmpOp, _ a: Code, _ b: Code, _ profile: Profile, _ ev: RuleEvaluator,
                         _ first: FirstPiece, item: (field: Int, index: Int)? = nil) -> Proposal? {
        let rule = policy.rules[ri]
        func itemKeys(_ c: Code) -> Set<Int> {
            switch c {
            case .itemKey(let k): return [k]
            case .negate(let x): return itemKeys(x)
            case .add(let x, let y), .sub(let x, let y), .mul(let x, let y), .div(let x, let y, _): return itemKeys(x).union(itemKeys(y))
            default: return []
            }
        }
        func actionable(_ c: Code) -> Set<Int> { fieldsRead(c, rule).filter { policy.schema.fields[$0].actionable } }
        var (op, fact, bound) = (op0, a, b)
        let facts: (Code) -> Set<Int> = item == nil ? actionable : itemKeys
        if facts(fact).isEmpty {
            (fact, bound) = (bound, fact)
            op = CmpOp.flipped(op)
        }
        let factSlots = facts(fact)
        guard factSlots.count == 1, let slot = factSlots.first, facts(bound).isEmpty else { return nil }
        // The spec of the fact.
        let spec: FieldSpec
        if let item {
            guard let itemSpec = policy.schema.fields[item.field].item, slot < itemSpec.keys.count else { return nil }
            spec = itemSpec.keys[slot]
        } else {
            spec = policy.schema.fields[slot]
        }
        guard [.money, .int, .rate].contains(spec.kind), let f0 = read(profile, slot, item) else { return nil }
        guard let v0 = first.value(fact, item: item).interval.point,
              let bv = first.value(bound, item: item).interval.point else { return nil }
        let step = spec.kind == .rate ? Rational(1, 100) ?? .one : Rational.one
        guard let f1 = f0.adding(step) else { return nil }
        // The compared value with the fact one step on: on the changed item alone when the comparison reads the
        // list only through that item, else on a changed profile.
        let probed: Value?
        if let item, !fieldsRead(fact, rule).contains(item.field) {
            probed = first.value(fact, item: item, replacement: changedItem(profile, slot, item, f1))
        } else {
            var probe = profile
            write(&probe, slot, item, f1)
            probed = ev.valueInFirstPiece(ri, probe, fact, item: item)
        }
        guard let v1 = probed?.interval.point,
              let slope = v1.subtracting(v0)?.divided(by: step), !slope.isZero,
              let delta = bv.subtracting(v0)?.divided(by: slope), var target = f0.adding(delta) else { return nil }
        let strict = op == .lt || op == .gt
        // The fact moves up when the compared value must rise and the slope is positive (or both reversed).
        let mustRise = op == .gt || op == .ge
        let up = mustRise == (slope.signum > 0)
        let unit: Rational = spec.kind == .int ? .one : spec.kind == .money ? (Rational(1, 100) ?? .one) : (Rational(1, 10_000) ?? .one)
        // Snap to the field's grain (whole people, fen, basis points) on the qualifying side.
        if let snapped = Engine.snap(target, unit, up: up) { target = snapped }
        var trial = target
        if strict, let s = snapped(target, unit, up: up, strictly: true) { trial = s }
        if spec.kind == .int, trial < Rational(spec.min ?? 0) { return nil }
        if !spec.signed, trial.isNegative { return nil }
        if spec.kind == .rate, trial > .one || trial.isNegative { return nil }
        return Proposal(fact: fact, slot: slot, item: item, from: f0, to: strict ? target : trial, trial: trial,
                        strict: strict, up: up, comparedFrom: v0, bound: bv)
    }

    /// The rule evaluated again with the proposed change: a near miss when it then qualifies.
    private func verify(_ ri: Int, _ ci: Int, _ m: Proposal, _ profile: Profile, _ ev: RuleEvaluator, _ year: Int) -> NearMiss? {
        let rule = policy.rules[ri]
        var probe = profile
        write(&probe, m.slot, m.item, m.trial)
        // Eligible or superseded both qualify, so the rule alone is evaluated (no group resolution needed).
        guard let after = self.check(probe, year: year, only: [ri])?.results[ri],
              after.status == .eligible || after.status == .superseded, let low = after.low, let high = after.high else { return nil }
        var compared: (String, Rational, Rational)?
        if case .local(let l) = m.fact, l < rule.lets.count, let vt = ev.valueInFirstPiece(ri, probe, m.fact)?.interval.point {
            compared = (rule.lets[l].name, m.comparedFrom, m.strict ? m.bound : vt)
        }
        return NearMiss(rule: ri, condition: ci, field: m.item?.field ?? m.slot, item: m.item?.index, key: m.item == nil ? nil : m.slot,
                        from: m.from, to: m.to, strict: m.strict, trial: m.trial, up: m.up,
                        compared: compared.map { (name: $0.0, from: $0.1, to: $0.2) }, low: low, high: high)
    }

    static func snap(_ x: Rational, _ unit: Rational, up: Bool) -> Rational? {
        guard let q = x.divided(by: unit) else { return nil }
        var n = q.floor()
        if up && Rational(n) != q { n += 1 }
        return Rational(n).multiplied(by: unit)
    }

    private func snapped(_ x: Rational, _ unit: Rational, up: Bool, strictly: Bool) -> Rational? {
        guard let s = Engine.snap(x, unit, up: up) else { return nil }
        if s != x { return s }
        return up ? s.adding(unit) : s.subtracting(unit)
    }
}

extension CmpOp {
    /// The same comparison with its sides swapped.
    static func flipped(_ op: CmpOp) -> CmpOp {
        switch op {
        case .lt: return .gt
        case .le: return .ge
        case .gt: return .lt
        case .ge: return .le
        case .eq, .ne: return op
        }
    }
}
