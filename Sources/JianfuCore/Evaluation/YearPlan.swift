/// The parts of a rule's evaluation that depend only on the policy and the year: whether it is in force,
/// and its segments of the year with the parameter values in force on each. Built once per year and shared
/// by every profile evaluated for that year.
final class RulePlan: Sendable {
    struct Segment: Sendable {
        var range: DayRange
        var params: [Rational?]
        var paramFrom: [Day?]
        /// The segment's weight in the year in the rule's proration unit (a piece that is the whole segment).
        var weight: Rational
    }
    let inForce: Bool
    /// year ∩ window.
    let base: DayRange
    let segments: [Segment]

    init(inForce: Bool, base: DayRange, segments: [Segment]) {
        self.inForce = inForce; self.base = base; self.segments = segments
    }
}

/// The plans of every rule for one calendar year.
public struct YearPlan: Sendable {
    public let year: Int
    public let range: DayRange
    let rules: [RulePlan]
    /// All parameter values on 1 January (for defaults evaluated outside a rule).
    let janParams: [Rational?]

    init?(policy: PolicySet, year: Int) {
        guard let range = DayRange.year(year) else { return nil }
        self.year = year
        self.range = range
        janParams = policy.parameters.map { $0.value(on: range.start)?.value }
        rules = policy.rules.map { rule in
            let base = range.intersection(rule.window)
            guard !base.isEmpty else { return RulePlan(inForce: false, base: base, segments: []) }
            var cuts = Set<Int32>([base.start.raw, base.end.raw])
            for p in rule.params {
                for v in policy.parameters[p].values where v.from > base.start && v.from < base.end { cuts.insert(v.from.raw) }
            }
            let sorted = cuts.sorted()
            var segments: [RulePlan.Segment] = []
            for k in 0..<(sorted.count - 1) {
                let seg = DayRange(Day(raw: sorted[k]), Day(raw: sorted[k + 1]))
                let vals = policy.parameters.map { $0.value(on: seg.start) }
                segments.append(RulePlan.Segment(range: seg, params: vals.map { $0?.value }, paramFrom: vals.map { $0?.from },
                                                 weight: Evaluator.weight(seg, year: range, proration: rule.proration)))
            }
            return RulePlan(inForce: true, base: base, segments: segments)
        }
    }
}
