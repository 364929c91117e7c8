/// Where the batch code cannot decide a rule for a row (a missing fact, undefined arithmetic, an overflow), the
/// interval evaluator decides it, and rows alike in what the outcome depends on share it.
extension BatchEvaluator {
    /// The rules the batch code left undecided, by the interval evaluator, row by row. An outcome is kept for
    /// each rule and the values it reads (with its scope test): rows alike in those get it without evaluating
    /// again (rules whose inputs rarely repeat stop being kept).
    mutating func decideUndecided(_ profile: (Int) -> Profile?) {
        let results = scratch.results, w = BatchEvaluator.width
        undecided.sort { $0.row < $1.row }
        var k = 0
        while k < undecided.count {
            let r = undecided[k].row
            var p: Profile?
            var ev: Evaluator?
            var given: Bool?
            while k < undecided.count && undecided[k].row == r {
                let i = undecided[k].rule
                k += 1
                fallbacks += 1
                fallbacksByRule[i] += 1
                var key: FallbackKey?
                let taken = scratch.hasOutcomes[i * w + r] != 0
                scratch.hasOutcomes[i * w + r] = 0
                if fallbackCache.keeps(i) {
                    let scope = scratch.scopeTests[points.rules[i].scope * w + r]
                    if taken, let rule = program.rules[i] {
                        key = reducedKey(rule, i, r)
                    } else {
                        var values = program.ruleSlots[i].map { memory.value($0, row: r) }
                        // An undecided scope depends on the region and industry too.
                        if scope != 1 { values += [regionSlot, industrySlot].map { $0.flatMap { memory.value($0, row: r) } } }
                        key = FallbackKey(rule: i, scope: scope, values: values)
                    }
                    if let hit = fallbackCache.find(key!) {
                        results.set(i * w + r, hit.tally)
                        scratch.exactHigh[i * w + r] = hit.exactHigh
                        continue
                    }
                }
                if given == nil {
                    p = profile(r)
                    given = p != nil
                }
                // A row in the registers alone: a profile of the fields this rule reads, so the rows' outcome
                // depends on those fields alone (as the cache's key).
                if given == false { p = memory.profile(row: r, slots: fallbackSlots[i]); ev = nil }
                if ev == nil, let p { ev = ruleEvaluator.evaluator(for: p) }
                guard let row = p, var e = ev else { continue }
                let result = ruleEvaluator.evaluate(i, row, trace: false, using: &e)
                ev = e
                let tally = Tally(result), high = result.exactHigh ?? .zero
                results.set(i * w + r, tally)
                scratch.exactHigh[i * w + r] = high
                if let key { fallbackCache.keep(key, tally, high) }
            }
        }
    }

    /// The key of rule `i` for row `r` in scope, from its conditions' outcomes: the values of the slots the
    /// saving, cap and window read, and of those read by conditions whose outcome is unknown (a condition that
    /// holds gives the interval evaluator its truth alone). Kept apart from full keys by its scope code.
    private func reducedKey(_ rule: BatchRule, _ i: Int, _ r: Int) -> FallbackKey {
        let w = BatchEvaluator.width, per = scratch.conditions
        var values: [FieldValue?] = []
        var slots = rule.keySlots
        for k in rule.conditionSlots.indices {
            let outcome = scratch.outcomes[(i * w + r) * per + k]
            values.append(.number(Rational(Int(outcome))))
            if outcome != 1 { slots += rule.conditionSlots[k] }
        }
        for slot in Set(slots).sorted() { values.append(.number(Rational(slot))); values.append(memory.value(slot, row: r)) }
        return FallbackKey(rule: i, scope: 0xFF, values: values)
    }

    /// Each condition's outcome for the live rows the interval evaluator is to decide (one piece, the memory
    /// still as the rule left it), so that rows alike in what the outcome depends on share it.
    func takeOutcomes(_ rule: BatchRule, _ i: Int, _ live: Int) {
        guard let parts = rule.conditionParts, fallbackCache.keeps(i) else { return }
        let s = scratch, m = memory, sel = memory.selection, rows = s.rows, w = BatchEvaluator.width
        var dead = 0
        for j in 0..<live where s.dead[Int(rows[j])] == BatchScratch.fallback { sel[dead] = rows[j]; dead += 1 }
        guard dead > 0 else { return }
        let deadRows = BatchSelection(index: sel, count: dead), per = s.conditions
        for (k, part) in parts.enumerated() {
            let v = part.prepare(m, deadRows)
            for j in 0..<dead {
                let r = Int(sel[j])
                s.outcomes[(i * w + r) * per + k] = v[r]
            }
        }
        for j in 0..<dead { s.hasOutcomes[i * w + Int(sel[j])] = 1 }
    }
}
