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

/// A rule compiled for population runs: its expressions as point closures (the `let`s as one closure that stores
/// them, the conditions as one conjunction) and what the evaluation loop needs of the rule, so the loop touches one
/// object per rule.
final class PointRule: Sendable {
    let kind: BenefitKind
    let proration: Proration
    let isRange: Bool
    /// The rule's scope by index among the distinct scopes (evaluated once per profile).
    let scope: Int
    /// Each rule's exclusive group by index, or -1.
    let group: Int
    let lets: PointRun?
    /// All conditions: false as soon as one is false, nil when none is false but one is unknown.
    let conditions: PointBool
    let low: PointNum?
    let high: PointNum?
    let amount: PointNum?
    let cap: PointNum?
    let windowFrom: PointDay?
    let windowUntil: PointDay?
    /// Appends the rule's cut dates that fall inside the span; an unknown one cuts nothing, as in the interval
    /// evaluator. One closure rather than an array, so no array is walked (and counted) per rule.
    let cuts: (@Sendable (inout PointFrame, inout [Day], DayRange) -> Void)?

    init(_ rule: Rule, policy: PolicySet, scope: Int, group: Int) {
        var c = PointCompiler(policy: policy)
        c.localTypes = rule.lets.map(\.formula.type)
        kind = rule.kind; proration = rule.proration; isRange = rule.isRange
        self.scope = scope; self.group = group
        lets = c.run(rule.lets.map(\.formula.code))
        conditions = c.conjunction(rule.conditions.map(\.formula.code))
        let compiler = c
        func num(_ f: Formula?) -> PointNum? { f.map { compiler.num($0.code) } }
        low = num(rule.savingLow); high = num(rule.savingHigh); amount = num(rule.amount); cap = num(rule.cap)
        windowFrom = rule.enterpriseWindow.map { c.day($0.from.code) }
        windowUntil = rule.enterpriseWindow.map { c.day($0.until.code) }
        var cutAll: (@Sendable (inout PointFrame, inout [Day], DayRange) -> Void)?
        for code in rule.cuts {
            let day = c.day(code.code)
            let one: @Sendable (inout PointFrame, inout [Day], DayRange) -> Void = { f, days, span in
                if let d = day(&f), d > span.start && d < span.end { days.append(d) }
            }
            if let before = cutAll { cutAll = { f, days, span in before(&f, &days, span); one(&f, &days, span) } } else { cutAll = one }
        }
        cuts = cutAll
    }
}

/// The catalog compiled for population runs. Built once per engine; independent of parameter values (reforms
/// and years reuse it).
final class PointProgram: Sendable {
    let rules: [PointRule]
    let groupCount: Int
    /// The distinct scopes: region code prefixes and section letters.
    let scopes: [(regions: [[UInt8]], sections: [UInt8])]
    /// The most `let`s of any rule.
    let localCount: Int

    init(policy: PolicySet) {
        var groups: [String] = []
        var scopeNames: [String] = []
        var scopes: [(regions: [[UInt8]], sections: [UInt8])] = []
        var rules: [PointRule] = []
        for rule in policy.rules {
            var g = -1
            if let name = rule.group {
                if let k = groups.firstIndex(of: name) { g = k } else { groups.append(name); g = groups.count - 1 }
            }
            var sc = scopeNames.firstIndex(of: rule.scope.name) ?? -1
            if sc < 0 {
                scopeNames.append(rule.scope.name)
                scopes.append((rule.scopeRegionBytes, rule.scopeSectionBytes))
                sc = scopes.count - 1
            }
            rules.append(PointRule(rule, policy: policy, scope: sc, group: g))
        }
        self.rules = rules
        self.scopes = scopes
        groupCount = groups.count
        localCount = policy.rules.map(\.lets.count).max() ?? 0
    }
}

/// Evaluates the catalog for one profile after another, for population runs: one per thread, buffers reused.
///
/// Each rule is first evaluated on known values only (`PointCode`); a rule that meets a missing fact, undefined
/// arithmetic or an overflow is evaluated again by the interval evaluator, so every tally equals what `check`
/// gives, to the fen.
public struct PopulationEvaluator {
    /// One piece of a rule's year in the plan: its days, weight and parameters.
    private struct Segment {
        var range: DayRange
        var weight: Rational
        /// Index into `paramSets` (segments with the same values share one).
        var params: Int
    }

    /// A rule's plan for the year, flat: in force, year ∩ window, and its segments in `segments`.
    private struct PlanRule {
        var inForce: Bool
        var base: DayRange
        var firstSegment: Int
        var segmentCount: Int
    }

    public let engine: Engine
    private let program: PointProgram
    private let regionSlot: Int?
    private let industrySlot: Int?
    private var plan: YearPlan
    private var planRules: [PlanRule] = []
    private var segments: [Segment] = []
    private var paramSets: [[Rational?]] = []
    /// The parameter set `frame.params` holds, so it is assigned only when it changes.
    private var currentParams = -1
    private var ruleEvaluator: RuleEvaluator
    /// Rules switched off (`--reform` disabling a rule): reported as not in force.
    private let enabled: [Bool]
    private var frame: PointFrame
    private var pieces: [(range: DayRange, segment: Int)] = []
    private var cutDays: [Day] = []
    private var winners: [Int]
    private var winnerHigh: [Rational]
    /// The exact high end of each rule's saving, for 就高不重复.
    private var exactHigh: [Rational]
    /// Each scope's test for the current profile: 0 no, 1 yes, 2 unknown, 3 not yet tested.
    private var scopeState: [UInt8]
    private var regionCode: String?
    private var sectionLetter: UInt8?
    /// The tallies of the last profile, in catalog order.
    public private(set) var tallies: [Tally]
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
        enabled = engine.policy.rules.indices.map { !disabled.contains($0) }
        frame = PointFrame(values: [], params: plan.janParams, year: plan.range, localCount: program.localCount)
        winners = Array(repeating: -1, count: program.groupCount)
        winnerHigh = Array(repeating: .zero, count: program.groupCount)
        exactHigh = Array(repeating: .zero, count: engine.policy.rules.count)
        scopeState = Array(repeating: 3, count: program.scopes.count)
        tallies = Array(repeating: Tally(status: .notInForce), count: engine.policy.rules.count)
        flatten()
    }

    /// Copies the year's plan into flat arrays the loop reads without reference counting per rule.
    private mutating func flatten() {
        planRules.removeAll(keepingCapacity: true)
        segments.removeAll(keepingCapacity: true)
        paramSets = [plan.janParams.map { $0 }]
        currentParams = -1
        for rp in plan.rules {
            planRules.append(PlanRule(inForce: rp.inForce, base: rp.base, firstSegment: segments.count, segmentCount: rp.segments.count))
            for seg in rp.segments {
                var k = paramSets.firstIndex { $0 == seg.params } ?? -1
                // A fresh copy (map), not the plan's buffer, which other threads share.
                if k < 0 { paramSets.append(seg.params.map { $0 }); k = paramSets.count - 1 }
                segments.append(Segment(range: seg.range, weight: seg.weight, params: k))
            }
        }
    }

    private mutating func useParams(_ k: Int) {
        if k != currentParams { frame.params = paramSets[k]; currentParams = k }
    }

    /// Evaluates every rule for `profile` in `year` (the plan is fetched again only when the year changes).
    public mutating func evaluate(_ profile: Profile, year: Int) -> Bool {
        if year != plan.year {
            guard let p = engine.plan(year) else { return false }
            plan = p
            ruleEvaluator = RuleEvaluator(policy: engine.policy, plan: p)
            frame = PointFrame(values: [], params: p.janParams, year: p.range, localCount: program.localCount)
            flatten()
        }
        frame.values = profile.values
        frame.item = nil
        regionCode = profile.string(regionSlot)
        sectionLetter = profile.string(industrySlot)?.utf8.first.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        for k in scopeState.indices { scopeState[k] = 3 }
        var full: Evaluator?
        for i in tallies.indices {
            guard enabled[i] else { tallies[i] = Tally(status: .notInForce); continue }
            if point(i) { continue }
            fallbacks += 1
            var ev = full ?? ruleEvaluator.evaluator(for: profile)
            let r = ruleEvaluator.evaluate(i, profile, trace: false, using: &ev)
            tallies[i] = Tally(r)
            exactHigh[i] = r.exactHigh ?? .zero
            full = ev
        }
        resolveGroups()
        return true
    }

    /// 就高不重复, as `Engine.resolveGroups`: the eligible member with the largest exact high end, ties to the first.
    private mutating func resolveGroups() {
        guard program.groupCount > 0 else { return }
        for g in winners.indices { winners[g] = -1 }
        for i in tallies.indices where tallies[i].status == .eligible && tallies[i].hasSaving {
            let g = program.rules[i].group
            guard g >= 0 else { continue }
            if winners[g] >= 0, winnerHigh[g] >= exactHigh[i] { continue }
            winners[g] = i
            winnerHigh[g] = exactHigh[i]
        }
        for i in tallies.indices where tallies[i].status == .eligible {
            let g = program.rules[i].group
            if g >= 0, winners[g] >= 0, winners[g] != i { tallies[i].status = .superseded }
        }
    }

    /// The scope test of `RuleEvaluator.scopeTest` for scope `k`, once per profile: 0 no, 1 yes, 2 unknown.
    private mutating func scope(_ k: Int) -> UInt8 {
        if scopeState[k] != 3 { return scopeState[k] }
        let sc = program.scopes[k]
        var state: UInt8 = 1
        if !sc.regions.isEmpty {
            if let code = regionCode {
                if !sc.regions.contains(where: { RuleEvaluator.hasPrefix(code, $0) }) { scopeState[k] = 0; return 0 }
            } else {
                state = 2
            }
        }
        if !sc.sections.isEmpty {
            if let letter = sectionLetter {
                if !sc.sections.contains(letter) { scopeState[k] = 0; return 0 }
            } else {
                state = 2
            }
        }
        scopeState[k] = state
        return state
    }

    /// One rule on known values, into `tallies[i]`; false when the interval evaluator must decide it.
    private mutating func point(_ i: Int) -> Bool {
        let pr = planRules[i]
        guard pr.inForce else { tallies[i] = Tally(status: .notInForce); return true }
        let rule = program.rules[i]
        switch scope(rule.scope) {
        case 0: tallies[i] = Tally(status: .ineligible); return true
        case 1: break
        default: return false
        }
        useParams(pr.segmentCount > 0 ? segments[pr.firstSegment].params : 0)
        frame.piece = pr.base
        frame.proration = rule.proration

        var span = pr.base
        // An unknown enterprise window (a lease without its start date) leaves the rule undecided unless a condition
        // fails on every piece, as in the interval evaluator.
        var windowUnknown = false
        if let from = rule.windowFrom, let until = rule.windowUntil {
            if let a = from(&frame), let b = until(&frame) {
                span = pr.base.intersection(DayRange(a, b))
                if span.isEmpty { tallies[i] = Tally(status: .ineligible); return true }
            } else {
                windowUnknown = true
            }
        }
        if !cutDays.isEmpty { cutDays.removeAll(keepingCapacity: true) }
        if let cuts = rule.cuts { cuts(&frame, &cutDays, span) }
        if cutDays.count > 1 { cutDays.sort() }
        if !pieces.isEmpty { pieces.removeAll(keepingCapacity: true) }
        if cutDays.isEmpty && pr.segmentCount == 1 {
            // The common case: one segment, no cuts.
            let r = segments[pr.firstSegment].range.intersection(span)
            if !r.isEmpty { pieces.append((r, pr.firstSegment)) }
        } else {
            cutPieces(pr, span, rule.proration)
        }

        var low = Rational.zero, high = Rational.zero, amount = Rational.zero
        var anyYes = false
        var cap: Rational?
        var capDone = false
        for (range, k) in pieces {
            useParams(segments[k].params)
            frame.piece = range
            rule.lets?(&frame)
            guard let holds = rule.conditions(&frame) else {
                return false
            }
            if !holds { continue }
            if windowUnknown { return false }
            let w = range == segments[k].range ? segments[k].weight : Evaluator.weight(range, year: plan.range, proration: rule.proration)
            var pl: Rational?, ph: Rational?, pa: Rational?
            if let f = rule.low {
                guard let v = f(&frame) else { return false }
                pl = v
            }
            if let f = rule.high {
                if rule.isRange {
                    guard let v = f(&frame) else { return false }
                    ph = v
                } else {
                    ph = pl
                }
            }
            if let f = rule.amount {
                guard let v = f(&frame) else { return false }
                pa = v
            }
            if !capDone, let f = rule.cap {
                guard let v = f(&frame) else { return false }
                cap = v
                capDone = true
            }
            guard PopulationEvaluator.accumulate(&low, pl, w), PopulationEvaluator.accumulate(&high, ph, w),
                  PopulationEvaluator.accumulate(&amount, pa, w) else { return false }
            anyYes = true
        }
        guard anyYes else { tallies[i] = Tally(status: .ineligible); return true }
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
