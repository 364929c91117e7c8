/// Runs the test cases written as data beside the rules and measures how much of each rule they reach.
public struct PolicyTestRunner: Sendable {
    public let engine: Engine

    public init(engine: Engine) { self.engine = engine }

    /// One expectation that did not hold.
    public struct Failure: Sendable {
        public var testCase: PolicyTestCase
        /// `file:line:col` of the expectation (or of the case, when the year is out of range).
        public var location: String
        /// nil for a case-wide failure (totals, the year).
        public var rule: Int?
        /// (what, expected, got), in words of `what` the file uses (`status`, `saving`, …).
        public var differences: [(what: String, expected: String, got: String)]
        public var result: CheckResult?
    }

    /// Which outcomes of a rule the cases asserted, and which condition values they saw.
    public struct RuleCoverage: Sendable {
        public var rule: Int
        /// Outcomes a test can reach for this rule (eligible always; ineligible with conditions, a scope or an
        /// enterprise window; undetermined when it reads a fact without a default).
        public var reachable: [RuleStatus]
        public var reached: Set<RuleStatus> = []
        /// Per condition: seen true, seen false.
        public var conditions: [(id: String, yes: Bool, no: Bool)]
        public var cases = 0

        public var items: Int { reachable.count + 2 * conditions.count }
        public var covered: Int {
            reachable.filter { reached.contains($0) }.count + conditions.reduce(0) { $0 + ($1.yes ? 1 : 0) + ($1.no ? 1 : 0) }
        }
    }

    public struct Run: Sendable {
        public var cases: Int
        public var expectations: Int
        public var failures: [Failure]
        public var coverage: [RuleCoverage]
        public var passed: Int { expectations - failures.count }

        /// Covered items over all items, in percent (exact, rounded down to a tenth when shown).
        public var coverageShare: Rational {
            let items = coverage.reduce(0) { $0 + $1.items }
            return items == 0 ? .zero : Rational(Int128(coverage.reduce(0) { $0 + $1.covered } * 100), Int128(items)) ?? .zero
        }
    }

    public func run(_ cases: [PolicyTestCase]) -> Run {
        let policy = engine.policy
        var coverage = policy.rules.map { RuleCoverage(rule: $0.index, reachable: Self.reachable($0, policy),
                                                       conditions: $0.conditions.map { ($0.id, false, false) }) }
        var failures: [Failure] = []
        var expectations = 0
        for c in cases {
            expectations += c.expectations.count + (c.totals == nil ? 0 : 1)
            guard let result = engine.check(c.profile, year: c.year, trace: true) else {
                failures.append(Failure(testCase: c, location: c.location, rule: nil,
                                        differences: [("year", "\(c.year)", "—")], result: nil))
                continue
            }
            for x in c.expectations {
                let r = result.results[x.rule]
                record(r, into: &coverage[x.rule])
                let d = differences(x, r)
                if !d.isEmpty { failures.append(Failure(testCase: c, location: x.location, rule: x.rule, differences: d, result: result)) }
            }
            if let t = c.totals {
                var d: [(String, String, String)] = []
                func compare(_ what: String, _ want: Int128?, _ got: Int128) {
                    if let want, want != got { d.append((what, Money.format(fen: want), Money.format(fen: got))) }
                }
                compare("totals.low", t.low, result.totals.low)
                compare("totals.high", t.high, result.totals.high)
                compare("totals.liquidity", t.liquidity, result.totals.liquidity)
                if !d.isEmpty { failures.append(Failure(testCase: c, location: t.location, rule: nil, differences: d, result: result)) }
            }
        }
        return Run(cases: cases.count, expectations: expectations, failures: failures, coverage: coverage)
    }

    func record(_ r: RuleResult, into c: inout RuleCoverage) {
        c.cases += 1
        c.reached.insert(r.status == .superseded ? .eligible : r.status)
        for p in r.pieces {
            for (i, v) in p.conditions.enumerated() where i < c.conditions.count {
                if v == .yes { c.conditions[i].yes = true }
                if v == .no { c.conditions[i].no = true }
            }
        }
        // A failed condition is seen false even when the trace stops before the pieces.
        if case .condition(let i)? = r.failure, i < c.conditions.count { c.conditions[i].no = true }
    }

    func differences(_ x: RuleExpectation, _ r: RuleResult) -> [(what: String, expected: String, got: String)] {
        let policy = engine.policy
        let words = Words(policy: policy, lang: .en)
        var d: [(String, String, String)] = []
        func money(_ f: Int128?) -> String { f.map { Money.format(fen: $0) } ?? "—" }
        if let s = x.status, s != r.status { d.append(("status", s.rawValue, r.status.rawValue)) }
        if x.low != nil || x.high != nil, x.low != r.low || x.high != r.high {
            let want = x.low == x.high ? money(x.low) : "\(money(x.low)) – \(money(x.high))"
            let got = r.low == r.high ? money(r.low) : "\(money(r.low)) – \(money(r.high))"
            d.append(("saving", want, got))
        }
        if x.noSaving, r.low != nil || r.high != nil {
            d.append(("saving", "—", r.low == r.high ? money(r.low) : "\(money(r.low)) – \(money(r.high))"))
        }
        if let a = x.assumed {
            let got = r.assumed.map { policy.schema.fields[$0].name }
            if Set(a) != Set(got) { d.append(("assumed", a.joined(separator: ", "), got.isEmpty ? "—" : got.joined(separator: ", "))) }
        }
        if let a = x.amount, a != r.amount { d.append(("amount", money(a), money(r.amount))) }
        let failedCondition: String? = {
            guard case .condition(let i)? = r.failure else { return nil }
            return policy.rules[r.rule].conditions[i].id
        }()
        if let c = x.failedCondition, c != failedCondition { d.append(("failed_condition", c, failedCondition ?? "—")) }
        if let f = x.failed, f != Self.failureName(r.failure) { d.append(("failed", f, Self.failureName(r.failure) ?? "—")) }
        if let m = x.missing {
            let got = r.missing.map { words.path($0) }
            if m != got { d.append(("missing", m.joined(separator: ", "), got.isEmpty ? "—" : got.joined(separator: ", "))) }
        }
        if let p = x.problem, !r.problems.contains(where: { $0.contains(p) }) {
            d.append(("problem", p, r.problems.isEmpty ? "—" : r.problems.joined(separator: "; ")))
        }
        func id(_ i: Int?) -> String { i.map { policy.rules[$0].id } ?? "—" }
        if let s = x.supersededBy, s != r.supersededBy { d.append(("superseded_by", id(s), id(r.supersededBy))) }
        if let s = x.mayOutrank, s != r.mayOutrank { d.append(("may_outrank", id(s), id(r.mayOutrank))) }
        if let w = x.enterpriseWindow, w != r.enterpriseWindow {
            d.append(("enterprise_window", "\(w.start) – \(w.end)", r.enterpriseWindow.map { "\($0.start) – \($0.end)" } ?? "—"))
        }
        return d
    }

    static func failureName(_ f: JianfuCore.Failure?) -> String? {
        switch f {
        case .region?: return "region"
        case .industry?: return "industry"
        case .enterpriseWindow?: return "enterprise_window"
        case .windowOutsideYear?: return "window_outside_year"
        case .condition?: return "condition"
        case nil: return nil
        }
    }

    /// The outcomes a rule can have, judged from its definition.
    static func reachable(_ rule: Rule, _ policy: PolicySet) -> [RuleStatus] {
        var out: [RuleStatus] = [.eligible]
        if !rule.conditions.isEmpty || !rule.scope.regions.isEmpty || !rule.scope.sections.isEmpty || rule.enterpriseWindow != nil {
            out.append(.ineligible)
        }
        var formulas: [Formula] = rule.conditions.map(\.formula) + rule.lets.map(\.formula) + rule.cuts
        formulas += [rule.savingLow, rule.savingHigh, rule.amount, rule.cap, rule.enterpriseWindow?.from, rule.enterpriseWindow?.until].compactMap { $0 }
        // A fact with a default is missing when what its default reads is (the unemployment base defaults to the payroll).
        var fields = Set(formulas.flatMap(\.fields))
        var queue = Array(fields)
        while let f = queue.popLast() {
            for g in policy.defaults[f]?.fields ?? [] where fields.insert(g).inserted { queue.append(g) }
        }
        if fields.contains(where: { policy.defaults[$0] == nil && policy.schema.fields[$0].name != "year" }) {
            out.append(.undetermined)
        }
        return out
    }
}
