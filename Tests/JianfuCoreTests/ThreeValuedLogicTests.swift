import Testing
@testable import JianfuCore

private let parameterEnv: [String: (Int, NumUnit)] = {
    var env: [String: (Int, NumUnit)] = [:]
    for (i, p) in Fixture.policy.parameters.enumerated() { env[p.name] = (i, p.unit) }
    return env
}()

private func slot(_ field: String) -> Int { Fixture.policy.schema.fieldIndex(field) ?? -1 }

/// Evaluates one expression against the catalog's schema for a profile, over the whole of 2018.
private func evaluate(_ text: String, _ profile: String = "{}") throws -> (value: Value, problems: [String]) {
    let env = CompileEnv(schema: Fixture.policy.schema, params: parameterEnv)
    let (formula, _) = try FormulaCompiler.compile(text, env: env, location: ("t", 1, 1)).get()
    guard let year = DayRange.year(2018) else { throw TestError("no 2018") }
    var ev = Evaluator(policy: Fixture.policy, profile: try Fixture.profile(profile),
                       params: Fixture.policy.parameters.map { $0.value(on: year.start)?.value },
                       piece: year, year: year, proration: .days)
    let v = ev.eval(formula.code)
    return (v, ev.problems)
}

private func truth(_ text: String, _ profile: String = "{}") throws -> Tri {
    try evaluate(text, profile).value.tri
}

@Suite("Three-valued logic")
struct ThreeValuedLogicTests {
    // is_tech_sme, land_use_tax, employees, evaluation_grade and turnover_loans have no default, so "{}" leaves
    // them missing: a bool is unknown, money is [0, ∞), an int is [min, ∞), a list may hold anything.
    @Test("Kleene connectives with a missing fact", arguments: [
        ("false and is_tech_sme", Tri.no),
        ("is_tech_sme and false", .no),
        ("true or is_tech_sme", .yes),
        ("is_tech_sme or true", .yes),
        ("true and is_tech_sme", .unknown),
        ("false or is_tech_sme", .unknown),
        ("not is_tech_sme", .unknown),
        ("not (false and is_tech_sme)", .yes),
        ("is_tech_sme and not is_tech_sme", .unknown),
    ])
    func connectives(_ text: String, _ expected: Tri) throws {
        #expect(try truth(text) == expected)
    }

    @Test("comparisons decide whenever the whole range agrees", arguments: [
        ("land_use_tax >= 0", Tri.yes),  // money ≥ 0
        ("land_use_tax < 0", .no),
        ("land_use_tax == -1", .no),
        ("land_use_tax != -1", .yes),
        ("land_use_tax > 0", .unknown),
        ("land_use_tax + 1 > 0", .yes),  // [1, ∞) > 0
        ("land_use_tax - 1 >= 0", .unknown),
        ("-land_use_tax <= 0", .yes),
        ("land_use_tax * 2 >= 0", .yes),
        ("taxable_income >= 0", .unknown),  // signed money: (-∞, ∞)
        ("employees >= 0", .yes),
        ("employees > 0", .unknown),
        ("land_use_tax * 0 == 0", .yes),  // an exact zero factor decides the product
        ("min(land_use_tax, 0) == 0", .yes),
        ("max(land_use_tax, 100) >= 100", .yes),
        ("land_use_tax / 2 >= 0", .yes),
        ("evaluation_grade in ['A', 'B']", .unknown),
        ("section(industry_code) == 'C'", .unknown),
        ("registered_on + 2y > @2017-01-01", .unknown),
    ])
    func rangeComparisons(_ text: String, _ expected: Tri) throws {
        #expect(try truth(text) == expected)
    }

    @Test("aggregates over missing lists and missing item keys", arguments: [
        ("any(turnover_loans, days >= 1)", "{}", Tri.unknown),  // the list may be empty
        ("all(turnover_loans, days >= 1)", "{}", .yes),  // days has min 1
        ("any(turnover_loans, days >= 1)", #"{"turnover_loans": [{"amount": 100}]}"#, .yes),
        ("any(turnover_loans, days > 15)", #"{"turnover_loans": [{"amount": 100, "days": 5}]}"#, .no),
        ("any(turnover_loans, days > 15)", #"{"turnover_loans": [{"amount": 100}]}"#, .unknown),
        ("all(turnover_loans, days > 15)", #"{"turnover_loans": [{"days": 20}, {"days": 3}]}"#, .no),
        ("any(turnover_loans, days > 15)", #"{"turnover_loans": []}"#, .no),
        ("all(turnover_loans, days > 15)", #"{"turnover_loans": []}"#, .yes),
        ("any(guarantees, annual_rate <= 1)", #"{"guarantees": [{"amount": 1}]}"#, .yes),  // a rate lies in [0, 1]
        ("count(turnover_loans, days < 1) == 0", "{}", .yes),
        ("any(monthly_wages, it > 100)", #"{"monthly_wages": [50, 150]}"#, .yes),
    ])
    func aggregates(_ text: String, _ profile: String, _ expected: Tri) throws {
        #expect(try truth(text, profile) == expected)
    }

    @Test func ifWithMissingConditionAndEqualBranchesIsKnown() throws {
        let v = try evaluate("if is_tech_sme then 5 else 5").value
        #expect(v.interval.point == Rational(5))
        #expect(v.isKnown)
        #expect(v.deps.isEmpty)
    }

    @Test func ifWithMissingConditionAndDifferentBranchesIsTheirHull() throws {
        let v = try evaluate("if is_tech_sme then 5 else 6").value
        #expect(v.interval == Interval(.finite(Rational(5)), .finite(Rational(6))))
        #expect(v.deps == [FieldRef(field: slot("is_tech_sme"))])
    }

    @Test func unknownResultsNameTheMissingFacts() throws {
        let v = try evaluate("land_use_tax > 0 and is_tech_sme").value
        #expect(v.tri == .unknown)
        #expect(Set(v.deps) == [FieldRef(field: slot("land_use_tax")), FieldRef(field: slot("is_tech_sme"))])
    }

    @Test func decidedResultsCarryNoMissingFacts() throws {
        #expect(try evaluate("false and is_tech_sme").value.deps.isEmpty)
        #expect(try evaluate("land_use_tax >= 0").value.deps.isEmpty)
        #expect(try evaluate("is_tech_sme or land_use_tax >= 0").value.deps.isEmpty)
    }

    @Test func missingItemKeyIsNamedWithItsIndex() throws {
        let v = try evaluate("any(turnover_loans, days > 15)", #"{"turnover_loans": [{"amount": 1, "days": 2}, {"amount": 1}]}"#).value
        #expect(v.tri == .unknown)
        #expect(v.deps == [FieldRef(field: slot("turnover_loans"), item: 1, key: 1)])
    }

    @Test func defaultsFillMissingFields() throws {
        // income_tax_rate defaults to 25% in the schema.
        #expect(try evaluate("income_tax_rate").value.interval.point == Rational(1, 4))
        #expect(try truth("disabled_employees == 0") == .yes)
    }

    @Test func divisionByAKnownZeroIsAProblem() throws {
        let (v, problems) = try evaluate("land_use_tax / employees", #"{"land_use_tax": 100, "employees": 0}"#)
        #expect(!v.isKnown)
        #expect(problems == ["employees must be positive (it is a divisor, here 0)"])
    }

    @Test func divisionByAConstantZeroIsAProblem() throws {
        let (v, problems) = try evaluate("land_use_tax / 0", #"{"land_use_tax": 100}"#)
        #expect(!v.isKnown)
        #expect(problems.count == 1)
    }

    @Test func divisionByAMissingFactIsUnknownWithoutAProblem() throws {
        let (v, problems) = try evaluate("land_use_tax / employees", #"{"land_use_tax": 100}"#)
        #expect(!v.isKnown)
        #expect(v.deps.contains(FieldRef(field: slot("employees"))))
        #expect(problems.isEmpty)
    }

    @Test func shortCircuitAvoidsADivisionTheFactsAlreadyDecide() throws {
        let facts = #"{"land_use_tax": 100, "employees": 0}"#
        let guarded = try evaluate("employees == 0 or land_use_tax / employees > 1", facts)
        #expect(guarded.value.tri == .yes)
        #expect(guarded.problems.isEmpty)
        let chosen = try evaluate("if employees == 0 then 0 else land_use_tax / employees", facts)
        #expect(chosen.value.interval.point == Rational.zero)
        #expect(chosen.problems.isEmpty)
    }

    @Test func knownArithmeticIsExact() throws {
        // 30% × 100,000 = 30,000 exactly; 1/3 of 100 stays 100/3.
        #expect(try evaluate("30% * land_use_tax", #"{"land_use_tax": 100000}"#).value.interval.point == Rational(30_000))
        #expect(try evaluate("land_use_tax / 3", #"{"land_use_tax": 100}"#).value.interval.point == Rational(100, 3))
    }

    @Test func sumOverKnownItemsWithAMissingFilterKeyIsARange() throws {
        // Item 0 counts (days 5 ≤ 15), item 1's days are missing: its 200 may or may not count.
        let v = try evaluate("sum(turnover_loans, days <= 15, amount)",
                             #"{"turnover_loans": [{"amount": 100, "days": 5}, {"amount": 200}]}"#).value
        #expect(v.interval == Interval(.finite(Rational(100)), .finite(Rational(300))))
    }
}

/// The same logic seen through whole rules: a hand-made document added to a copy of the catalog.
@Suite("Three-valued rules")
struct ThreeValuedRuleTests {
    static let rules = [
        TestDocument.rule("zz-false-and-missing", conditions: ["false and is_tech_sme"], saving: "100"),
        TestDocument.rule("zz-true-or-missing", conditions: ["true or is_tech_sme"], saving: "100"),
        TestDocument.rule("zz-same-branches", saving: "if is_tech_sme then 5 else 5"),
        TestDocument.rule("zz-different-branches", saving: "if is_tech_sme then 5 else 6"),
        TestDocument.rule("zz-money-not-negative", conditions: ["land_use_tax >= 0"], saving: "1"),
        TestDocument.rule("zz-money-positive", conditions: ["land_use_tax > 0"], saving: "1"),
        TestDocument.rule("zz-divide", saving: "land_use_tax / employees"),
        TestDocument.rule("zz-divide-decided", conditions: ["employees > 10"], saving: "land_use_tax / employees"),
        TestDocument.rule("zz-missing-list", conditions: ["any(turnover_loans, days > 15)"], saving: "1"),
    ]

    /// Loaded once: the catalog plus the test document.
    static let policy: Result<PolicySet, Diagnostics> = {
        do {
            let folder = try ScratchPolicies()
            try folder.write("documents/zz-test.json", TestDocument.document(rules: rules))
            return folder.load()
        } catch {
            return .failure(Diagnostics([Diagnostic("setup", "\(error)")]))
        }
    }()

    private func result(_ rule: String, _ profile: String) throws -> RuleResult {
        let policy = try ThreeValuedRuleTests.policy.get()
        let node = try JSONParser.parse(profile)
        let p = try ProfileReader(schema: policy.schema).read(node, origin: "test").get()
        guard let i = policy.ruleIndex(rule), let r = Engine(policy: policy).check(p, year: 2018) else { throw TestError("no \(rule)") }
        return r.results[i]
    }

    @Test func falseAndMissingMakesTheRuleIneligible() throws {
        let r = try result("zz-false-and-missing", "{}")
        #expect(r.status == .ineligible)
        #expect(r.failure == .condition(0))
        #expect(r.missing.isEmpty)
    }

    @Test func trueOrMissingMakesTheRuleEligible() throws {
        // Whole year 2018 in force, proration by days: 100 × 365/365 = 100.00.
        let r = try result("zz-true-or-missing", "{}")
        #expect(r.status == .eligible)
        #expect(r.low == 10_000)
    }

    @Test func equalBranchesUnderAMissingConditionGiveAKnownSaving() throws {
        let r = try result("zz-same-branches", "{}")
        #expect(r.status == .eligible)
        #expect(r.low == 500 && r.high == 500)
    }

    @Test func differentBranchesLeaveTheRuleUndeterminedNamingTheFact() throws {
        let r = try result("zz-different-branches", "{}")
        #expect(r.status == .undetermined)
        #expect(r.missing == [FieldRef(field: Fixture.policy.schema.fieldIndex("is_tech_sme") ?? -1)])
        #expect(r.possibleHigh == 600)
    }

    @Test func missingMoneyIsNotNegative() throws {
        #expect(try result("zz-money-not-negative", "{}").status == .eligible)
        let positive = try result("zz-money-positive", "{}")
        #expect(positive.status == .undetermined)
        #expect(positive.missing == [FieldRef(field: Fixture.policy.schema.fieldIndex("land_use_tax") ?? -1)])
    }

    @Test func divisionByKnownZeroLeavesTheRuleUndeterminedWithAProblem() throws {
        let r = try result("zz-divide", #"{"land_use_tax": 100, "employees": 0}"#)
        #expect(r.status == .undetermined)
        #expect(r.problems.contains { $0.contains("employees must be positive") })
    }

    @Test func divisionIsNotReachedWhenAConditionAlreadyFails() throws {
        let r = try result("zz-divide-decided", #"{"land_use_tax": 100, "employees": 0}"#)
        #expect(r.status == .ineligible)
        #expect(r.problems.isEmpty)
    }

    @Test func missingListLeavesTheRuleUndeterminedNamingTheList() throws {
        let r = try result("zz-missing-list", "{}")
        #expect(r.status == .undetermined)
        #expect(r.missing == [FieldRef(field: Fixture.policy.schema.fieldIndex("turnover_loans") ?? -1)])
        let decided = try result("zz-missing-list", #"{"turnover_loans": [{"amount": 5, "days": 3}]}"#)
        #expect(decided.status == .ineligible)
    }
}
