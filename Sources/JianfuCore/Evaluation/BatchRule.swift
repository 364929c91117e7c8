/// A rule compiled for batches: every expression runs once per batch over the rows still in play, so the cost
/// per row is the arithmetic, not calls. nil from `init` when some expression is not covered (that rule then runs
/// on the point closures, row by row).
final class BatchRule: Sendable {
    let kind: BenefitKind
    let proration: Proration
    let scope: Int
    let hasCap: Bool
    let isRange: Bool
    /// The enterprise window's first day and day after.
    let window: (from: BatchDay, until: BatchDay)?
    /// Days that cut the rule's span into pieces (each row's own).
    let cuts: [BatchDay]
    /// The `let`s the conditions read (directly or through other `let`s), each computed over the selection into
    /// its register before the conditions; then the others, only where the conditions hold.
    let conditionLets: [BatchRun]
    let otherLets: [BatchRun]
    let conditions: BatchFlag
    /// Each condition alone (nil when one is not covered), for the rows left to the interval evaluator: with
    /// each condition's outcome, the outcome there depends on `keySlots` and on the slots of the conditions
    /// that are unknown (`conditionSlots`), not on the values of those that hold.
    let conditionParts: [BatchFlag]?
    let keySlots: [Int]
    let conditionSlots: [[Int]]
    let low: BatchNum?
    let high: BatchNum?
    let amount: BatchNum?
    let cap: BatchNum?

    init?(_ rule: Rule, policy: PolicySet, scope: Int, localCount: Int, usage: BatchCompiler.Usage) {
        let c = BatchCompiler(policy: policy, localCount: localCount, usage: usage, localTypes: rule.lets.map(\.formula.type))
        kind = rule.kind; proration = rule.proration; self.scope = scope
        hasCap = rule.cap != nil; isRange = rule.isRange
        do throws(BatchCompiler.Unsupported) {
            if let w = rule.enterpriseWindow {
                window = (try c.day(w.from.code, 0), try c.day(w.until.code, 1))
            } else {
                window = nil
            }
            // Each read as soon as it is computed, so all share temporary 2.
            var cuts: [BatchDay] = []
            for cut in rule.cuts { cuts.append(try c.day(cut.code, 2)) }
            self.cuts = cuts
            // Lets are pure: one the conditions do not read need not be computed where they fail.
            var needed = Set(rule.conditions.flatMap(\.formula.lets))
            var todo = Array(needed)
            while let l = todo.popLast() {
                guard l < rule.lets.count else { continue }
                for m in rule.lets[l].formula.lets where !needed.contains(m) { needed.insert(m); todo.append(m) }
            }
            var before: [BatchRun] = [], after: [BatchRun] = []
            for (slot, binding) in rule.lets.enumerated() {
                let store = try BatchRule.store(binding.formula.code, into: c.local(slot), c)
                if needed.contains(slot) { before.append(store) } else { after.append(store) }
            }
            conditionLets = before; otherLets = after
            var cond = BatchFlag.value(1)
            for condition in rule.conditions {
                cond = try BatchRule.both(cond, c.flag(condition.formula.code, 1), c)
            }
            conditions = cond
            var parts: [BatchFlag]? = []
            for condition in rule.conditions {
                do { parts?.append(try c.flag(condition.formula.code, 0)) } catch { parts = nil }
            }
            conditionParts = parts
            func num(_ f: Formula?, _ d: Int) throws(BatchCompiler.Unsupported) -> BatchNum? {
                guard let f else { return nil }
                return try c.num(f.code, d)
            }
            // Each in its own temporary: all four are read after they are computed.
            low = try num(rule.savingLow, 0); high = try num(rule.savingHigh, 1)
            amount = try num(rule.amount, 2); cap = try num(rule.cap, 3)
        } catch {
            return nil
        }
        var others: [Formula?] = [rule.savingLow, rule.savingHigh, rule.amount, rule.cap, rule.enterpriseWindow?.from, rule.enterpriseWindow?.until]
        others += rule.cuts
        keySlots = BatchProgram.slots(read: BatchRule.withLets(others.compactMap { $0 }, rule), policy)
        conditionSlots = rule.conditions.map { BatchProgram.slots(read: BatchRule.withLets([$0.formula], rule), policy) }
    }

    /// `formulas` with the `let`s they read, directly or through other `let`s.
    static func withLets(_ formulas: [Formula], _ rule: Rule) -> [Formula] {
        var seen = Set<Int>(), out = formulas
        var todo = formulas.flatMap(\.lets)
        while let l = todo.popLast() {
            guard l < rule.lets.count, seen.insert(l).inserted else { continue }
            out.append(rule.lets[l].formula)
            todo += rule.lets[l].formula.lets
        }
        return out
    }

    /// `x and y` in three values, into register 0: `x` is copied there first, as `y` (from register 1 up) may
    /// overwrite the register `x` was computed in; `y` runs only where `x` is not false.
    private static func both(_ x: BatchFlag, _ y: BatchFlag, _ c: BatchCompiler) -> BatchFlag {
        if case .value(1) = x { return y }
        let r = c.temp(0)
        return .column(r, { m, s in
            let p = x.prepare(m, s)
            let out = m.flag + r * m.width, narrow = m.narrow
            var k = 0
            for j in 0..<s.count {
                let i = Int(s.index[j])
                let v = p[i]
                out[i] = v
                if v != 0 { narrow[k] = Int32(i); k += 1 }
            }
            guard k > 0 else { return }
            let q = y.prepare(m, BatchSelection(index: narrow, count: k))
            for j in 0..<k {
                let i = Int(narrow[j])
                out[i] = BatchCompiler.combine(out[i], q[i], 0)
            }
        })
    }

    /// A `let`: computed in temporaries from 0, then copied into its own register.
    private static func store(_ code: Code, into reg: Int, _ c: BatchCompiler) throws(BatchCompiler.Unsupported) -> BatchRun {
        switch c.shape(code) {
        case .num:
            let x = try c.num(code, 0)
            return { m, s in let v = x.prepare(m, s); s.forEach { BatchCompiler.copy(m, reg, $0, v) } }
        case .flag:
            let x = try c.flag(code, 0)
            return { m, s in let v = x.prepare(m, s); s.forEach { m.flag[reg * m.width + $0] = v[$0] } }
        case .text:
            let x = try c.text(code, 0)
            return { m, s in let v = x.prepare(m, s); s.forEach { m.text[reg * m.width + $0] = v($0) } }
        case .day, .other:
            let x = try c.day(code, 0)
            return { m, s in let v = x.prepare(m, s); s.forEach { BatchCompiler.putDay(m, reg, $0, v($0)) } }
        }
    }
}

/// The catalog compiled for batches, with the register count its expressions need.
final class BatchProgram: Sendable {
    /// Per rule; nil for a rule that runs on the point closures.
    let rules: [BatchRule?]
    let registers: Int
    /// The field slots any rule (or default) reads, for the loader.
    let usedSlots: [Int]
    /// The most cut dates of any rule.
    let maxCuts: Int
    /// Per slot: whether a rule, a default read by one, the scopes or the aggregates read it.
    let reads: [Bool]
    /// Per rule: the slots its formulas read (through defaults too). With its scope decided, the interval
    /// evaluator's outcome for the rule depends on these values alone.
    let ruleSlots: [[Int]]

    init(policy: PolicySet, points: PointProgram) {
        let usage = BatchCompiler.Usage()
        var rules: [BatchRule?] = []
        for (i, rule) in policy.rules.enumerated() {
            rules.append(BatchRule(rule, policy: policy, scope: points.rules[i].scope, localCount: points.localCount, usage: usage))
        }
        self.rules = rules
        maxCuts = rules.map { $0?.cuts.count ?? 0 }.max() ?? 0
        registers = policy.schema.fields.count + points.localCount + usage.depth + 1
        // Every scalar field: reading all of them costs little, and the set stays right as rules change.
        usedSlots = policy.schema.fields.indices.filter { PointCompiler.shape(policy.schema.fields[$0].kind) != .other }
        reads = BatchProgram.reads(policy)
        ruleSlots = policy.rules.map { BatchProgram.slots(read: BatchProgram.formulas($0), policy) }
    }

    static func formulas(_ rule: Rule) -> [Formula] {
        var formulas: [Formula?] = rule.lets.map(\.formula) + rule.conditions.map(\.formula) + rule.cuts
        formulas += [rule.savingLow, rule.savingHigh, rule.amount, rule.cap, rule.enterpriseWindow?.from, rule.enterpriseWindow?.until]
        return formulas.compactMap { $0 }
    }

    /// The slots `formulas` read, with the slots the defaults of those slots read, sorted.
    static func slots(read formulas: [Formula], _ policy: PolicySet) -> [Int] {
        var seen = Set<Int>()
        var todo = formulas.flatMap(\.fields)
        while let slot = todo.popLast() {
            guard slot < policy.schema.fields.count, seen.insert(slot).inserted else { continue }
            todo += policy.defaults[slot]?.fields ?? []
        }
        return seen.sorted()
    }

    static func reads(_ policy: PolicySet) -> [Bool] {
        var out = Array(repeating: false, count: policy.schema.fields.count)
        var todo: [Int] = []
        func mark(_ slot: Int?) {
            guard let slot, slot < out.count, !out[slot] else { return }
            out[slot] = true
            todo.append(slot)
        }
        for rule in policy.rules { for f in formulas(rule) { f.fields.forEach { mark($0) } } }
        for name in ["year", "employees"] { mark(policy.schema.fieldIndex(name)) }
        mark(policy.regionSlot); mark(policy.industrySlot)
        // A missing field's default may read other fields.
        while let slot = todo.popLast() { policy.defaults[slot]?.fields.forEach { mark($0) } }
        return out
    }
}
