/// Evaluates the catalog for a batch of profiles at a time, for population runs: one per thread, memory reused.
///
/// Each rule runs as batch code (`BatchRule`): one expression at a time over every row of the batch still in
/// play, piece by piece of the year. A rule the batch compiler does not cover runs on the point closures row by
/// row, and a rule that meets a missing fact, undefined arithmetic or an overflow is evaluated again by the
/// interval evaluator. So every tally equals what `check` gives, to the fen.
public struct BatchEvaluator {
    /// Rows per batch: the registers of a batch stay in the core's cache.
    public static let width = 512

    public let engine: Engine
    let points: PointProgram
    let program: BatchProgram
    private let disabled: Set<Int>
    let regionSlot: Int?
    let industrySlot: Int?
    private var plan: YearPlan
    var ruleEvaluator: RuleEvaluator
    /// The year's plan in flat arrays, and the point path for rules run row by row.
    private var state: PointState
    private var rowSteps: PointState.Step
    private var rowRules: [Int] = []
    private var batchRules: [Int] = []
    /// The batch's columns and registers; loaders write rows into its field registers.
    let memory: BatchMemory
    let scratch: BatchScratch
    private let ruleCount: Int
    var undecided: [(row: Int, rule: Int)] = []
    private var winners: [Int]
    var fallbackCache: FallbackCache
    /// The rules in an exclusive group, in catalog order, with their group; each rule's group or -1.
    private let grouped: [(rule: Int, group: Int)]
    private let ruleGroup: [Int]
    private var winnerHigh: [Rational]
    /// Per rule: the fields a profile made back from the registers holds for the interval evaluator (the rule's
    /// slots, its scope's and the year).
    let fallbackSlots: [[Int]]
    /// The tallies of the last batch, rule by rule.
    public var results: BatchResults { BatchResults(tallies: scratch.results, width: BatchEvaluator.width, ruleCount: ruleCount) }
    /// How many rules run as batch code, and how many row by row, for the current year.
    public var split: (batch: Int, row: Int) { (batchRules.count, rowRules.count) }
    /// Rules run row by row for the current year.
    public var rowRuleIDs: [String] { rowRules.map { engine.policy.rules[$0].id } }
    /// Rows of the last batch.
    public private(set) var count = 0
    /// Rules the interval evaluator had to decide, over all batches so far, in all and per rule.
    public internal(set) var fallbacks = 0
    public internal(set) var fallbacksByRule: [Int]

    /// nil when `year` has no plan (outside the calendar's range).
    public init?(engine: Engine, year: Int, disabled: Set<Int> = []) {
        guard let plan = engine.plan(year) else { return nil }
        self.engine = engine
        points = PointProgram(policy: engine.policy)
        program = BatchProgram(policy: engine.policy, points: points)
        self.disabled = disabled
        regionSlot = engine.policy.regionSlot
        industrySlot = engine.policy.industrySlot
        ruleCount = engine.policy.rules.count
        fallbacksByRule = Array(repeating: 0, count: ruleCount)
        fallbackCache = FallbackCache(ruleCount: ruleCount)
        self.plan = plan
        ruleEvaluator = RuleEvaluator(policy: engine.policy, plan: plan)
        state = PointState(plan: plan, program: points, ruleCount: ruleCount)
        rowSteps = { _ in }
        let w = BatchEvaluator.width
        memory = BatchMemory(width: w, schema: engine.policy.schema, registers: program.registers, year: plan.range,
                             usedSlots: program.usedSlots, reads: program.reads)
        scratch = BatchScratch(width: w, rules: ruleCount, scopes: points.scopes.count, cuts: program.maxCuts,
                               conditions: engine.policy.rules.map(\.conditions.count).max() ?? 0)
        winners = Array(repeating: -1, count: points.groupCount)
        let pointRules = points.rules
        grouped = pointRules.indices.compactMap { i in pointRules[i].group >= 0 ? (i, pointRules[i].group) : nil }
        ruleGroup = pointRules.map(\.group)
        winnerHigh = Array(repeating: .zero, count: points.groupCount)
        let policy = engine.policy
        let common = [regionSlot, industrySlot, policy.schema.fieldIndex("year")].compactMap { $0 }
        fallbackSlots = program.ruleSlots.map { Array(Set($0 + common)).sorted() }
        usePlan(plan)
    }

    /// The rules' tallies for row `row` of the last batch, in catalog order, groups resolved.
    public func tallies(_ row: Int) -> [Tally] { (0..<ruleCount).map { scratch.results.tally($0 * BatchEvaluator.width + row) } }

    /// Splits the rules between batch code and row-by-row code for `plan`, and loads its parameters.
    private mutating func usePlan(_ plan: YearPlan) {
        self.plan = plan
        ruleEvaluator = RuleEvaluator(policy: engine.policy, plan: plan)
        state = PointState(plan: plan, program: points, ruleCount: ruleCount)
        memory.setParams(state.frame.paramTable)
        memory.year = plan.range
        rowRules = []; batchRules = []
        for i in 0..<ruleCount where !disabled.contains(i) {
            if program.rules[i] != nil { batchRules.append(i) } else { rowRules.append(i) }
        }
        rowSteps = PointState.chain(points, disabled: [], skipping: Set(batchRules).union(disabled))
        fallbackCache = FallbackCache(ruleCount: ruleCount)
    }

    /// Evaluates every rule for each profile (at most `width` of them: a caller splits longer runs), all in
    /// `year`; false when the year has no plan.
    public mutating func evaluate(_ profiles: UnsafeBufferPointer<Profile>, year: Int) -> Bool {
        precondition(profiles.count <= BatchEvaluator.width, "a batch holds at most \(BatchEvaluator.width) profiles")
        let n = profiles.count
        for r in 0..<n { memory.load(row: r, profiles[r].values, used: memory.usedSlots) }
        return evaluate(count: n, year: year) { profiles[$0] }
    }

    /// Evaluates every rule for rows 0..<n already loaded into `memory`, all in `year`. `profile` gives a row as a
    /// `Profile` for the interval evaluator (only where it must decide) and for rules run row by row; nil where
    /// the row is in the registers alone: the interval evaluator then reads a profile made back from them with
    /// the fields the rule reads.
    mutating func evaluate(count n: Int, year: Int, profile: (Int) -> Profile?) -> Bool {
        if year != plan.year {
            guard let p = engine.plan(year) else { return false }
            usePlan(p)
        }
        count = n
        let results = scratch.results, rc = ruleCount, w = BatchEvaluator.width
        for r in 0..<n { testScopes(r) }
        if !undecided.isEmpty { undecided.removeAll(keepingCapacity: true) }
        for i in disabled where i < rc {
            for r in 0..<n { results.set(i * w + r, .notInForce) }
        }
        if !rowRules.isEmpty {
            for r in 0..<n {
                state.start(profile(r) ?? memory.profile(row: r, origin: ""), regionSlot: regionSlot, industrySlot: industrySlot)
                rowSteps(&state)
                for i in rowRules {
                    results.set(i * w + r, state.tallies[i])
                    scratch.exactHigh[i * w + r] = state.exactHigh[i]
                }
                for i in state.undecided { undecided.append((r, i)) }
            }
        }
        for i in batchRules { run(i, n) }
        if !undecided.isEmpty { decideUndecided(profile) }
        if points.groupCount > 0 { for r in 0..<n { resolveGroups(r) } }
        return true
    }

    /// Each scope's test for row `r`, as `PointState.scope`, from the region and industry registers: 0 no,
    /// 1 yes, 2 unknown.
    private func testScopes(_ r: Int) {
        let w = BatchEvaluator.width
        let code = regionSlot.flatMap { memory.text[$0 * w + r] }
        let letter = industrySlot.flatMap { memory.text[$0 * w + r] }?.utf8.first.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        for (k, scope) in points.scopes.enumerated() {
            var test: UInt8 = 1
            if !scope.regions.isEmpty {
                if let code {
                    if !scope.regions.contains(where: { RuleEvaluator.hasPrefix(code, $0) }) { scratch.scopeTests[k * w + r] = 0; continue }
                } else {
                    test = 2
                }
            }
            if !scope.sections.isEmpty {
                if let letter {
                    if !scope.sections.contains(letter) { scratch.scopeTests[k * w + r] = 0; continue }
                } else {
                    test = 2
                }
            }
            scratch.scopeTests[k * w + r] = test
        }
    }

    /// Rule `i` over rows 0..<n as batch code, as `PointState.point` decides each row: piece by piece (each
    /// segment of the year the rule's parameters cut, cut again at the row's cut dates), summing what each
    /// piece gives.
    private mutating func run(_ i: Int, _ n: Int) {
        guard let rule = program.rules[i] else { return }
        let pr = state.planRules[i]
        let results = scratch.results, s = scratch, w = BatchEvaluator.width
        guard pr.inForce else {
            for r in 0..<n { results.set(i * w + r, .notInForce) }
            return
        }
        let m = memory, sel = memory.selection, rows = s.rows
        // In scope; each live row starts with the rule's whole base as its span and piece, and nothing summed.
        var live = 0
        let scopeBase = rule.scope * BatchEvaluator.width
        let base = (start: pr.base.start.raw, end: pr.base.end.raw)
        // Only the state this rule's shape reads is set: the piece before the window and cuts, window and cut
        // flags, the cap, the first segment of a rule without proration.
        let spanned = rule.window != nil || !rule.cuts.isEmpty, noProration = rule.proration == .none
        let onePiece = !spanned && pr.segmentCount == 1
        for r in 0..<n {
            let test = s.scopeTests[scopeBase + r]
            switch test {
            case 0: results.set(i * w + r, .ineligible)
            default:
                // An unknown scope (no region or industry code): the row is undetermined wherever the rule's
                // conditions do not fail, as the interval evaluator has it.
                s.scopeUnknown[r] = test == 1 ? 0 : 1
                rows[live] = Int32(r); live += 1
                if !onePiece { s.spanStart[r] = base.start; s.spanEnd[r] = base.end }
                s.holdsAny[r] = 0; s.dead[r] = 0
                if spanned {
                    m.pieceStart[r] = base.start; m.pieceEnd[r] = base.end
                    s.windowUnknown[r] = 0; s.cutCount[r] = 0
                }
                if noProration { s.usedSegment[r] = 0 }
                if rule.hasCap { s.capValue[r] = nil; s.capDone[r] = 0 }
            }
        }
        guard live > 0 else { return }
        m.paramBase = state.segments[pr.firstSegment].params * state.paramCount
        m.proration = rule.proration
        // The enterprise window and cut dates, read while the piece is the rule's whole base.
        if let window = rule.window {
            let all = BatchSelection(index: rows, count: live)
            let from = window.from.prepare(m, all), until = window.until.prepare(m, all)
            var kept = 0
            for j in 0..<live {
                let r = Int(rows[j])
                if let a = from(r), let b = until(r) {
                    let span = pr.base.intersection(DayRange(Day(raw: a), Day(raw: b)))
                    if span.isEmpty { results.set(i * w + r, .ineligible); continue }
                    s.spanStart[r] = span.start.raw; s.spanEnd[r] = span.end.raw
                } else {
                    s.windowUnknown[r] = 1
                }
                rows[kept] = Int32(r); kept += 1
            }
            live = kept
            guard live > 0 else { return }
        }
        if onePiece {
            // One piece, the same for every row: the segment ∩ the rule's base, with one weight.
            let segment = state.segments[pr.firstSegment]
            let start = max(segment.range.start.raw, base.start), end = min(segment.range.end.raw, base.end)
            if start < end {
                m.paramBase = segment.params * state.paramCount
                let range = DayRange(Day(raw: start), Day(raw: end))
                let weight = range == segment.range ? segment.weight : Evaluator.weight(range, year: plan.range, proration: rule.proration)
                for j in 0..<live {
                    let r = Int(rows[j])
                    m.pieceStart[r] = start; m.pieceEnd[r] = end
                    sel[j] = rows[j]
                }
                if runPiece(rule, BatchSelection(index: sel, count: live), segment, weight: weight) > 0 { takeOutcomes(rule, i, live) }
            }
            finish(rule, i, live)
            return
        }
        let maxCuts = program.maxCuts
        for cut in rule.cuts {
            let day = cut.prepare(m, BatchSelection(index: rows, count: live))
            for j in 0..<live {
                let r = Int(rows[j])
                // An unknown cut date cuts nothing, as in the interval evaluator.
                if let d = day(r), d > s.spanStart[r] && d < s.spanEnd[r] {
                    let at = r * maxCuts
                    var k = Int(s.cutCount[r])
                    // Kept sorted as they come.
                    while k > 0 && s.cuts[at + k - 1] > d { s.cuts[at + k] = s.cuts[at + k - 1]; k -= 1 }
                    s.cuts[at + k] = d
                    s.cutCount[r] += 1
                }
            }
        }
        for k in pr.firstSegment..<(pr.firstSegment + pr.segmentCount) {
            let segment = state.segments[k]
            m.paramBase = segment.params * state.paramCount
            for piece in 0...rule.cuts.count {
                var count = 0
                for j in 0..<live {
                    let r = Int(rows[j])
                    // Proration "none": only the first segment the span meets counts.
                    guard s.dead[r] == 0 else { continue }
                    if noProration {
                        let used = s.usedSegment[r]
                        guard used == 0 || used == Int32(k + 1) else { continue }
                    }
                    guard let range = s.piece(piece, of: r, in: segment.range, maxCuts: maxCuts, cut: spanned) else { continue }
                    if noProration && piece == 0 { s.usedSegment[r] = Int32(k + 1) }
                    m.pieceStart[r] = range.start.raw; m.pieceEnd[r] = range.end.raw
                    sel[count] = Int32(r); count += 1
                }
                guard count > 0 else { continue }
                runPiece(rule, BatchSelection(index: sel, count: count), segment, weight: nil)
            }
        }
        finish(rule, i, live)
    }

    /// Each live row's tally for rule `i` from its sums: undetermined where a piece might hold or a value it
    /// gives is a range, or the row left to the interval evaluator (`BatchScratch.fallback`).
    @inline(__always)
    private mutating func finish(_ rule: BatchRule, _ i: Int, _ live: Int) {
        let results = scratch.results, s = scratch, w = BatchEvaluator.width, rows = s.rows
        let grouped = ruleGroup[i] >= 0
        for j in 0..<live {
            let r = Int(rows[j])
            switch s.dead[r] {
            case 0: break
            case BatchScratch.undetermined: results.set(i * w + r, .undetermined); continue
            default: undecided.append((r, i)); continue
            }
            guard s.holdsAny[r] != 0 else { results.set(i * w + r, .ineligible); continue }
            guard let granted = grant(rule, r, into: i * w + r) else { undecided.append((r, i)); continue }
            if !granted { results.set(i * w + r, .undetermined); continue }
            // Only 就高不重复 reads the exact high end.
            if grouped { s.exactHigh[i * w + r] = s.sumHigh[r] }
        }
    }

    /// One piece of the year for the selected rows: `let`s, conditions, and what the rule gives where they hold.
    /// `weight`: the piece's share of the year where it is the same for every row. A row whose piece may or
    /// may not hold (a condition unknown, or holding with the scope or the enterprise window unknown) is
    /// undetermined, whatever its other pieces give.
    /// Returns how many rows it left to the interval evaluator.
    @discardableResult
    private func runPiece(_ rule: BatchRule, _ pieceRows: BatchSelection, _ segment: PointState.Segment, weight: Rational?) -> Int {
        let m = memory, s = scratch, sel = pieceRows.index
        for store in rule.conditionLets { store(m, pieceRows) }
        let holds = rule.conditions.prepare(m, pieceRows)
        var kept = 0, dead = 0
        for j in 0..<pieceRows.count {
            let r = Int(sel[j])
            switch holds[r] {
            case 0: continue
            case 1 where (rule.window == nil || s.windowUnknown[r] == 0) && s.scopeUnknown[r] == 0: sel[kept] = Int32(r); kept += 1
            default: s.dead[r] = BatchScratch.undetermined
            }
        }
        guard kept > 0 else { return dead }
        let rows = BatchSelection(index: sel, count: kept)
        for store in rule.otherLets { store(m, rows) }
        let low = rule.low?.prepare(m, rows), high = rule.isRange ? rule.high?.prepare(m, rows) : nil
        let amount = rule.amount?.prepare(m, rows), cap = rule.cap?.prepare(m, rows)
        for j in 0..<kept {
            let r = Int(sel[j])
            let code = add(rule, r, segment, weight, low: low, high: high, amount: amount, cap: cap)
            if code != 0 { s.dead[r] = code }
            if code == BatchScratch.fallback { dead += 1 }
        }
        return dead
    }

    /// Adds what row `r`'s piece gives (weighted by its share of the year) to the row's sums, and takes the cap
    /// from its first piece that holds: 0, or `BatchScratch.undetermined` where a value is a range, or
    /// `BatchScratch.fallback` on overflow.
    @inline(__always)
    private func add(_ rule: BatchRule, _ r: Int, _ segment: PointState.Segment, _ weight: Rational?, low: NumReader?,
                     high: NumReader?, amount: NumReader?, cap: NumReader?) -> UInt8 {
        let s = scratch
        var lowValue: Rational?, highValue: Rational?, amountValue: Rational?
        if let low { guard let v = low(r) else { return BatchScratch.undetermined }; lowValue = v }
        if rule.high != nil {
            if let high { guard let v = high(r) else { return BatchScratch.undetermined }; highValue = v } else { highValue = lowValue }
        }
        if let amount { guard let v = amount(r) else { return BatchScratch.undetermined }; amountValue = v }
        if rule.hasCap && s.capDone[r] == 0 {
            s.capDone[r] = 1
            if let cap {
                // A cap that is a range decides nothing yet: `grant` tells whether it can bind.
                if let v = cap(r) { s.capValue[r] = v } else { s.capRange[r] = cap.interval(r); s.capDone[r] = 2 }
            }
        }
        let w: Rational
        if let weight {
            w = weight
        } else {
            let piece = DayRange(Day(raw: memory.pieceStart[r]), Day(raw: memory.pieceEnd[r]))
            w = piece == segment.range ? segment.weight : Evaluator.weight(piece, year: plan.range, proration: rule.proration)
        }
        let first = s.holdsAny[r] == 0
        s.holdsAny[r] = 1
        guard BatchScratch.sum(s.sumLow + r, lowValue, w, first) else { return BatchScratch.fallback }
        // Without a range the high end is the low end: summed once.
        if !rule.isRange && rule.high != nil {
            s.sumHigh[r] = s.sumLow[r]
        } else {
            guard BatchScratch.sum(s.sumHigh + r, highValue, w, first) else { return BatchScratch.fallback }
        }
        guard rule.amount == nil || BatchScratch.sum(s.sumAmount + r, amountValue, w, first) else { return BatchScratch.fallback }
        return 0
    }

    /// Row `r`'s tally where the rule holds, written to `out`: its sums capped and rounded to fen once (as
    /// `PointState.grant`). false where the interval evaluator finds it undetermined (a cap that is a range and
    /// can bind, a saving too large to round), nil on overflow (the interval evaluator decides).
    @inline(__always)
    private func grant(_ rule: BatchRule, _ r: Int, into cell: Int) -> Bool? {
        let s = scratch
        var l = s.sumLow[r], h = s.sumHigh[r]
        if rule.hasCap {
            if s.capDone[r] == 2 {
                // As `RuleEvaluator.evaluate`: a range cap that can bind leaves the saving undetermined.
                let c = s.capRange[r]
                if Bound.cmp(c.lo, .finite(h)) < 0 { return false }
                guard let lc = Interval(l).minimum(c).point, let hc = Interval(h).minimum(c).point else { return false }
                l = lc; h = hc
            } else if let c = s.capValue[r] {
                if c < l { l = c }
                if c < h { h = c }
            }
        }
        s.sumHigh[r] = h
        if rule.kind == .informational { s.results.set(cell, .eligible); return true }
        // Without a range the high end is the low end, summed the same way: rounded once.
        let sameEnds = !rule.isRange && rule.high != nil
        guard let lf = l.roundedToFen(), let hf = sameEnds ? lf : h.roundedToFen() else { return false }
        var amount: Int128?
        if rule.kind == .liquidity {
            // No amount formula: nothing was summed, the amount is zero.
            guard let v = rule.amount == nil ? 0 : s.sumAmount[r].roundedToFen() else { return nil }
            amount = v
        }
        s.results.grant(cell, low: lf, high: hf, amount: amount)
        return true
    }

    /// 就高不重复 for row `r`, as `Engine.resolveGroups`: the eligible member with the largest exact high end, ties
    /// to the first.
    private mutating func resolveGroups(_ r: Int) {
        for g in winners.indices { winners[g] = -1 }
        let w = BatchEvaluator.width, results = scratch.results, exactHigh = scratch.exactHigh
        for (i, g) in grouped where results.code[i * w + r] & BatchTallies.statusMask == 0 && results.code[i * w + r] & BatchTallies.hasSaving != 0 {
            if winners[g] >= 0, winnerHigh[g] >= exactHigh[i * w + r] { continue }
            winners[g] = i
            winnerHigh[g] = exactHigh[i * w + r]
        }
        for (i, g) in grouped where results.code[i * w + r] & BatchTallies.statusMask == 0 {
            if winners[g] >= 0, winners[g] != i { results.supersede(i * w + r) }
        }
    }
}
