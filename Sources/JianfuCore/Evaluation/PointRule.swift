/// A rule compiled for population runs, as two closures: where it applies in the year (its enterprise window
/// and cut dates) and what it gives on one piece of the year. The loop calls one or two closures per rule; the
/// closures they capture are called from inside, where calling costs no reference counting.
final class PointRule: Sendable {
    /// Where a rule applies: its span of the year, or nothing.
    struct Span {
        var range: DayRange
        /// The enterprise window is unknown: the span is the whole base, and only a failing condition decides.
        var windowUnknown: Bool
        var isEmpty: Bool
    }

    /// The outcome on one piece of the year.
    struct Piece {
        /// 0: undecided on known values (the interval evaluator decides); 1: a condition fails; 2: they hold.
        var state: UInt8
        var low: Rational?
        var high: Rational?
        var amount: Rational?
        var cap: Rational?

        static let undecided = Piece(state: 0)
        static let fails = Piece(state: 1)
    }

    typealias SpanFunction = @Sendable (inout PointFrame, DayRange, inout [Day]) -> Span
    typealias PieceFunction = @Sendable (inout PointFrame, Bool) -> Piece

    let kind: BenefitKind
    let proration: Proration
    /// The rule's scope by index among the distinct scopes (evaluated once per profile).
    let scope: Int
    /// Each rule's exclusive group by index, or -1.
    let group: Int
    let hasCap: Bool
    /// The span, appending cut dates inside it to the array; nil for a rule with no enterprise window and no cuts.
    let span: SpanFunction?
    /// The piece outcome; the Bool asks for the cap (taken from the first piece that holds).
    let piece: PieceFunction

    init(_ rule: Rule, policy: PolicySet, scope: Int, group: Int) {
        var c = PointCompiler(policy: policy)
        c.localTypes = rule.lets.map(\.formula.type)
        kind = rule.kind; proration = rule.proration
        self.scope = scope; self.group = group
        hasCap = rule.cap != nil
        span = PointRule.span(rule, c)
        piece = PointRule.piece(rule, c)
    }

    private static func span(_ rule: Rule, _ c: PointCompiler) -> SpanFunction? {
        guard rule.enterpriseWindow != nil || !rule.cuts.isEmpty else { return nil }
        let from = rule.enterpriseWindow.map { c.day($0.from.code) }
        let until = rule.enterpriseWindow.map { c.day($0.until.code) }
        // An unknown cut date cuts nothing, as in the interval evaluator.
        var cutAll: (@Sendable (inout PointFrame, inout [Day], DayRange) -> Void)?
        for code in rule.cuts {
            let day = c.day(code.code)
            let one: @Sendable (inout PointFrame, inout [Day], DayRange) -> Void = { f, days, span in
                if let d = day(&f), d > span.start && d < span.end { days.append(d) }
            }
            if let before = cutAll { cutAll = { f, days, span in before(&f, &days, span); one(&f, &days, span) } } else { cutAll = one }
        }
        let cuts = cutAll
        return { f, base, days in
            var out = Span(range: base, windowUnknown: false, isEmpty: false)
            if let from, let until {
                if let a = from(&f), let b = until(&f) {
                    out.range = base.intersection(DayRange(a, b))
                    if out.range.isEmpty { out.isEmpty = true; return out }
                } else {
                    out.windowUnknown = true
                }
            }
            cuts?(&f, &days, out.range)
            return out
        }
    }

    private static func piece(_ rule: Rule, _ c: PointCompiler) -> PieceFunction {
        // Non-optional closures: unwrapping an optional one per call counts a reference.
        let lets: PointRun = c.run(rule.lets.map(\.formula.code)) ?? { _ in }
        let conditions = c.conjunction(rule.conditions.map(\.formula.code))
        func num(_ f: Formula?) -> PointNum? { f.map { c.num($0.code) } }
        let low = num(rule.savingLow), high = num(rule.savingHigh), amount = num(rule.amount), cap = num(rule.cap)
        let isRange = rule.isRange
        return { f, wantCap in
            lets(&f)
            guard let holds = conditions(&f) else { return .undecided }
            if !holds { return .fails }
            var out = Piece(state: 2)
            if let low {
                guard let v = low(&f) else { return .undecided }
                out.low = v
            }
            if let high {
                if isRange {
                    guard let v = high(&f) else { return .undecided }
                    out.high = v
                } else {
                    out.high = out.low
                }
            }
            if let amount {
                guard let v = amount(&f) else { return .undecided }
                out.amount = v
            }
            if wantCap, let cap {
                guard let v = cap(&f) else { return .undecided }
                out.cap = v
            }
            return out
        }
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
    /// Slots in the schema.
    let fieldCount: Int

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
        fieldCount = policy.schema.fields.count
    }
}
