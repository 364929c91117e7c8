/// One rule's outcome in a population run: what aggregates need, without reasons or traces. Small and free of
/// references, so a profile's tallies are written without reference counting.
public struct Tally: Sendable, Equatable {
    public var status: RuleStatus
    /// Whether `low` and `high` hold a saving (as `RuleResult.low` and `high` are set).
    public var hasSaving: Bool
    /// Whether `amount` holds a liquidity amount.
    public var hasAmount: Bool
    /// Saving in fen.
    public var low: Int128
    public var high: Int128
    /// Liquidity rules: the amount refunded or deferred, in fen.
    public var amount: Int128

    init(status: RuleStatus, low: Int128? = nil, high: Int128? = nil, amount: Int128? = nil) {
        self.status = status
        hasSaving = low != nil && high != nil
        hasAmount = amount != nil
        self.low = low ?? 0; self.high = high ?? 0; self.amount = amount ?? 0
    }

    init(_ r: RuleResult) { self.init(status: r.status, low: r.low, high: r.high, amount: r.amount) }
}

/// Evaluates the catalog for one profile after another, for population runs: one per thread, buffers reused.
///
/// Each rule is first evaluated on known values only (`PointCode`); a rule that meets a missing fact, undefined
/// arithmetic or an overflow is evaluated again by the interval evaluator, so every tally equals what `check`
/// gives, to the fen.
public struct PopulationEvaluator {
    public let engine: Engine
    private let program: PointProgram
    private let regionSlot: Int?
    private let industrySlot: Int?
    private var plan: YearPlan
    private var ruleEvaluator: RuleEvaluator
    /// Every rule's step, chained into one closure (see `PointState.chain`).
    private let run: PointState.Step
    private var state: PointState
    private var winners: [Int]
    private var winnerHigh: [Rational]
    /// The tallies of the last profile, in catalog order.
    public var tallies: [Tally] { state.tallies }
    /// Rules the interval evaluator had to decide (missing facts and the like), over all profiles so far.
    public private(set) var fallbacks = 0

    /// nil when `year` has no plan (outside the calendar's range).
    public init?(engine: Engine, year: Int, disabled: Set<Int> = []) {
        guard let plan = engine.plan(year) else { return nil }
        self.engine = engine
        // Its own closures, not the engine's: calling a closure counts a reference to its context, and two threads
        // counting references to one object fight over its cache line (measured: a quarter of a population run).
        program = PointProgram(policy: engine.policy)
        regionSlot = engine.policy.regionSlot
        industrySlot = engine.policy.industrySlot
        self.plan = plan
        ruleEvaluator = RuleEvaluator(policy: engine.policy, plan: plan)
        run = PointState.chain(program, disabled: disabled)
        state = PointState(plan: plan, program: program, ruleCount: engine.policy.rules.count)
        winners = Array(repeating: -1, count: program.groupCount)
        winnerHigh = Array(repeating: .zero, count: program.groupCount)
    }

    /// Evaluates every rule for `profile` in `year` (the plan is fetched again only when the year changes).
    public mutating func evaluate(_ profile: Profile, year: Int) -> Bool {
        if year != plan.year {
            guard let p = engine.plan(year) else { return false }
            plan = p
            ruleEvaluator = RuleEvaluator(policy: engine.policy, plan: p)
            state = PointState(plan: p, program: program, ruleCount: engine.policy.rules.count)
        }
        state.start(profile, regionSlot: regionSlot, industrySlot: industrySlot)
        run(&state)
        if !state.undecided.isEmpty {
            var ev = ruleEvaluator.evaluator(for: profile)
            for i in state.undecided {
                fallbacks += 1
                let r = ruleEvaluator.evaluate(i, profile, trace: false, using: &ev)
                state.tallies[i] = Tally(r)
                state.exactHigh[i] = r.exactHigh ?? .zero
            }
        }
        resolveGroups()
        return true
    }

    /// 就高不重复, as `Engine.resolveGroups`: the eligible member with the largest exact high end, ties to the first.
    private mutating func resolveGroups() {
        guard program.groupCount > 0 else { return }
        for g in winners.indices { winners[g] = -1 }
        for i in state.tallies.indices where state.tallies[i].status == .eligible && state.tallies[i].hasSaving {
            let g = program.rules[i].group
            guard g >= 0 else { continue }
            if winners[g] >= 0, winnerHigh[g] >= state.exactHigh[i] { continue }
            winners[g] = i
            winnerHigh[g] = state.exactHigh[i]
        }
        for i in state.tallies.indices where state.tallies[i].status == .eligible {
            let g = program.rules[i].group
            if g >= 0, winners[g] >= 0, winners[g] != i { state.tallies[i].status = .superseded }
        }
    }
}

/// Everything the rules of the population path read and write for one profile: the frame the closures see, the
/// year's plan in flat arrays, the scope tests and the tallies.
struct PointState {
    typealias Step = @Sendable (inout PointState) -> Void

    /// One piece of a rule's year in the plan: its days, weight and parameters.
    struct Segment {
        var range: DayRange
        var weight: Rational
        /// Index into `paramSets` (segments with the same values share one).
        var params: Int
    }

    /// A rule's plan for the year, flat: in force, year ∩ window, and its segments in `segments`.
    struct PlanRule {
        var inForce: Bool
        var base: DayRange
        var firstSegment: Int
        var segmentCount: Int
    }

    /// What the loop needs of a rule besides its closures.
    struct RuleInfo: Sendable {
        var kind: BenefitKind
        var proration: Proration
        var scope: Int
        var hasCap: Bool
        /// Whether the rule has an enterprise window or cut dates.
        var hasSpan: Bool
    }

    var frame: PointFrame
    let year: DayRange
    var planRules: [PlanRule] = []
    var segments: [Segment] = []
    var paramSets: [[Rational?]] = []
    /// Parameters per set (each set's length in `frame.paramTable`).
    var paramCount = 0
    var pieces: [(range: DayRange, segment: Int)] = []
    var cutDays: [Day] = []
    let scopes: [(regions: [[UInt8]], sections: [UInt8])]
    /// Each scope's test for the current profile: 0 no, 1 yes, 2 unknown, 3 not yet tested.
    var scopeState: [UInt8]
    var regionCode: String?
    var sectionLetter: UInt8?
    var tallies: [Tally]
    /// The exact high end of each rule's saving, for 就高不重复.
    var exactHigh: [Rational]
    /// Rules the point path could not decide for this profile.
    var undecided: [Int] = []

    /// Copies the year's plan into flat arrays of this thread's own (a fresh copy of each parameter array, not
    /// the plan's buffer, which other threads share).
    init(plan: YearPlan, program: PointProgram, ruleCount: Int) {
        year = plan.range
        frame = PointFrame(fieldCount: program.fieldCount, paramTable: [], year: plan.range, localCount: program.localCount)
        scopes = program.scopes.map { ($0.regions.map { $0.map { $0 } }, $0.sections.map { $0 }) }
        scopeState = Array(repeating: 3, count: scopes.count)
        tallies = Array(repeating: Tally(status: .notInForce), count: ruleCount)
        exactHigh = Array(repeating: Rational(0), count: ruleCount)
        paramSets = [plan.janParams.map { $0 }]
        for rp in plan.rules {
            planRules.append(PlanRule(inForce: rp.inForce, base: rp.base, firstSegment: segments.count, segmentCount: rp.segments.count))
            for seg in rp.segments {
                var k = paramSets.firstIndex { $0 == seg.params } ?? -1
                if k < 0 { paramSets.append(seg.params.map { $0 }); k = paramSets.count - 1 }
                segments.append(Segment(range: seg.range, weight: seg.weight, params: k))
            }
        }
        paramCount = plan.janParams.count
        frame.paramTable = paramSets.flatMap { $0 }
    }

    mutating func start(_ profile: Profile, regionSlot: Int?, industrySlot: Int?) {
        frame.load(profile.values)
        regionCode = profile.string(regionSlot)
        sectionLetter = profile.string(industrySlot)?.utf8.first.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        for k in scopeState.indices { scopeState[k] = 3 }
        if !undecided.isEmpty { undecided.removeAll(keepingCapacity: true) }
    }

    /// Every rule's step chained into one closure, as a balanced tree: each closure calls the two it captured, and
    /// calling a captured closure costs no reference counting, where calling one loaded from an array or an object
    /// does (per rule, per profile).
    /// Rules in `skipping` are left alone (another path evaluates them).
    static func chain(_ program: PointProgram, disabled: Set<Int>, skipping: Set<Int> = []) -> Step {
        let steps: [Step] = program.rules.enumerated().map { i, rule in
            if skipping.contains(i) { return { _ in } }
            if disabled.contains(i) { return { s in s.tallies[i] = Tally(status: .notInForce) } }
            let info = RuleInfo(kind: rule.kind, proration: rule.proration, scope: rule.scope, hasCap: rule.hasCap, hasSpan: rule.span != nil)
            // Non-optional closures: unwrapping an optional one per call counts a reference.
            let span: PointRule.SpanFunction = rule.span ?? { _, base, _ in PointRule.Span(range: base, windowUnknown: false, isEmpty: false) }
            let piece = rule.piece
            return { s in if !s.point(i, info, span, piece) { s.undecided.append(i) } }
        }
        func tree(_ part: ArraySlice<Step>) -> Step {
            if part.count == 1, let only = part.first { return only }
            if part.isEmpty { return { _ in } }
            let mid = part.startIndex + part.count / 2
            let left = tree(part[part.startIndex..<mid]), right = tree(part[mid...])
            return { s in left(&s); right(&s) }
        }
        return tree(steps[...])
    }

    private mutating func useParams(_ k: Int) { frame.paramBase = k * paramCount }

    /// The scope test of `RuleEvaluator.scopeTest` for scope `k`, once per profile: 0 no, 1 yes, 2 unknown.
    private mutating func scope(_ k: Int) -> UInt8 {
        if scopeState[k] != 3 { return scopeState[k] }
        var state: UInt8 = 1
        if !scopes[k].regions.isEmpty {
            if let code = regionCode {
                if !scopes[k].regions.contains(where: { RuleEvaluator.hasPrefix(code, $0) }) { scopeState[k] = 0; return 0 }
            } else {
                state = 2
            }
        }
        if !scopes[k].sections.isEmpty {
            if let letter = sectionLetter {
                if !scopes[k].sections.contains(letter) { scopeState[k] = 0; return 0 }
            } else {
                state = 2
            }
        }
        scopeState[k] = state
        return state
    }

    /// One rule on known values, into `tallies[i]`; false when the interval evaluator must decide it.
    mutating func point(_ i: Int, _ rule: RuleInfo, _ spanOf: PointRule.SpanFunction, _ piece: PointRule.PieceFunction) -> Bool {
        let pr = planRules[i]
        guard pr.inForce else { tallies[i] = Tally(status: .notInForce); return true }
        switch scope(rule.scope) {
        case 0: tallies[i] = Tally(status: .ineligible); return true
        case 1: break
        default: return false
        }
        useParams(pr.segmentCount > 0 ? segments[pr.firstSegment].params : 0)
        frame.piece = pr.base
        frame.proration = rule.proration

        var span = pr.base
        var windowUnknown = false
        if !cutDays.isEmpty { cutDays.removeAll(keepingCapacity: true) }
        if rule.hasSpan {
            let o = spanOf(&frame, pr.base, &cutDays)
            if o.isEmpty { tallies[i] = Tally(status: .ineligible); return true }
            span = o.range
            windowUnknown = o.windowUnknown
            if cutDays.count > 1 { cutDays.sort() }
        }
        if cutDays.isEmpty && pr.segmentCount == 1 {
            // The common case: one segment, no cuts, one piece.
            let r = segments[pr.firstSegment].range.intersection(span)
            if r.isEmpty { tallies[i] = Tally(status: .ineligible); return true }
            return onePiece(i, rule, piece, r, pr.firstSegment, windowUnknown)
        }
        if !pieces.isEmpty { pieces.removeAll(keepingCapacity: true) }
        cutPieces(pr, span, rule.proration)

        var low = Rational(0), high = Rational(0), amount = Rational(0)
        var anyYes = false
        var cap: Rational?
        var capDone = !rule.hasCap
        for (range, k) in pieces {
            useParams(segments[k].params)
            frame.piece = range
            let o = piece(&frame, !capDone)
            if o.state == 1 { continue }
            // Undecided on known values, or holding while the enterprise window is unknown: the interval
            // evaluator decides.
            if o.state == 0 || windowUnknown { return false }
            let w = weight(range, k, rule.proration)
            if !capDone { cap = o.cap; capDone = true }
            guard PointState.accumulate(&low, o.low, w), PointState.accumulate(&high, o.high, w),
                  PointState.accumulate(&amount, o.amount, w) else { return false }
            anyYes = true
        }
        guard anyYes else { tallies[i] = Tally(status: .ineligible); return true }
        return grant(i, rule, low, high, amount, cap)
    }

    /// A rule with one piece: no sums, and no multiplication when the piece is the whole year.
    private mutating func onePiece(_ i: Int, _ rule: RuleInfo, _ piece: PointRule.PieceFunction, _ range: DayRange, _ k: Int,
                                   _ windowUnknown: Bool) -> Bool {
        frame.piece = range
        let o = piece(&frame, rule.hasCap)
        if o.state == 1 { tallies[i] = Tally(status: .ineligible); return true }
        if o.state == 0 || windowUnknown { return false }
        let w = weight(range, k, rule.proration)
        guard let low = PointState.weighted(o.low, w), let high = PointState.weighted(o.high, w),
              let amount = PointState.weighted(o.amount, w) else { return false }
        return grant(i, rule, low, high, amount, o.cap)
    }

    /// A piece's weight in the year: the plan's, when the piece is its whole segment.
    private func weight(_ range: DayRange, _ k: Int, _ proration: Proration) -> Rational {
        range == segments[k].range ? segments[k].weight : Evaluator.weight(range, year: year, proration: proration)
    }

    /// `x × weight` (zero for no value); nil on overflow.
    private static func weighted(_ x: Rational?, _ weight: Rational) -> Rational? {
        guard let x else { return Rational(0) }
        return weight.num == weight.den ? x : x.multiplied(by: weight)
    }

    /// An eligible rule's tally: the cap applied, rounded to fen once.
    private mutating func grant(_ i: Int, _ rule: RuleInfo, _ low: Rational, _ high: Rational, _ amount: Rational, _ cap: Rational?) -> Bool {
        var low = low, high = high
        if let cap {
            if cap < low { low = cap }
            if cap < high { high = cap }
        }
        if rule.kind == .informational { tallies[i] = Tally(status: .eligible); return true }
        guard let lf = low.roundedToFen(), let hf = high.roundedToFen() else { return false }
        var a: Int128?
        if rule.kind == .liquidity {
            guard let v = amount.roundedToFen() else { return false }
            a = v
        }
        tallies[i] = Tally(status: .eligible, low: lf, high: hf, amount: a)
        exactHigh[i] = high
        return true
    }

    /// The rule's pieces: its segments narrowed to `span` and cut at `cutDays`.
    private mutating func cutPieces(_ pr: PlanRule, _ span: DayRange, _ proration: Proration) {
        for k in pr.firstSegment..<(pr.firstSegment + pr.segmentCount) {
            let r = segments[k].range.intersection(span)
            if r.isEmpty { continue }
            var start = r.start
            for d in cutDays where d > start && d < r.end {
                pieces.append((DayRange(start, d), k))
                start = d
            }
            pieces.append((DayRange(start, r.end), k))
            if proration == .none { break }
        }
    }

    /// `acc += x × weight`; false on overflow.
    private static func accumulate(_ acc: inout Rational, _ x: Rational?, _ weight: Rational) -> Bool {
        guard let x else { return true }
        guard let part = x.multiplied(by: weight), let sum = acc.adding(part) else { return false }
        acc = sum
        return true
    }
}
