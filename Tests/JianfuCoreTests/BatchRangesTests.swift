import Foundation
import Testing
@testable import JianfuCore

/// Issue 15: where a fact is missing the batch code computes the range its domain allows, as the interval
/// evaluator does, and decides from it: no row goes to the interval evaluator, and each outcome is the one
/// `check` gives, worked out here by hand.
@Suite struct BatchRangesTests {
    /// 52号 二(五) with its income condition replaced by `condition` (and `cap` added when given), evaluated for
    /// one profile both ways. The profile: 50 employees, 5,000,000 元 of assets, taxable income 100,000 元 at
    /// 25%: eligible, it saves 100,000 × (25% − 10%) = 15,000.00 元.
    /// `registered`: whether the profile gives its registration date.
    static func smallProfit(_ condition: String, cap: String? = nil, extra: String = "", registered: Bool = true) throws -> (batch: Tally, check: Tally, fallbacks: Int) {
        let scratch = try ScratchPolicies()
        try scratch.replace(in: "documents/qzbf-2017-52.json",
                            #""expr": "taxable_income > 0 and taxable_income <= small_profit_income_ceiling""#,
                            with: "\"expr\": \"\(condition)\"")
        if let cap {
            try scratch.replace(in: "documents/qzbf-2017-52.json",
                                #""saving": "taxable_income * max(0, income_tax_rate - small_profit_effective_rate)","#,
                                with: #""saving": "taxable_income * max(0, income_tax_rate - small_profit_effective_rate)", "cap": ""# + cap + "\",")
        }
        let policy = try scratch.load().get()
        let engine = Engine(policy: policy)
        let rule = try #require(policy.ruleIndex("52-2-5-small-profit"))
        let json = """
            {"year": 2017, "region_code": "330802", "industry_code": "F5191",\(registered ? " \"registered_on\": \"2010-01-01\"," : "")
             "employees": 50, "total_assets": 5000000, "taxable_income": 100000, "income_tax_rate": 0.25\(extra)}
            """
        let profile = try ProfileReader(schema: policy.schema).read(try JSONParser.parse(json), origin: "t").get()
        var batch = try #require(BatchEvaluator(engine: engine, year: 2017))
        #expect([profile].withUnsafeBufferPointer { batch.evaluate($0, year: 2017) })
        let check = try #require(engine.check(profile, year: 2017, trace: false))
        return (batch.tallies(0)[rule], Tally(check.results[rule]), batch.fallbacks)
    }

    static let saved = Tally(status: .eligible, low: Fixture.fen("15000.00"), high: Fixture.fen("15000.00"))

    @Test(arguments: [
        // A missing amount of money is at least 0: `>= 0` holds, `< 0` fails, `> 0` is open.
        ("rd_expense >= 0", RuleStatus.eligible),
        ("rd_expense < 0", .ineligible),
        ("rd_expense > 0", .undetermined),
        // Bounds add: 1 + [0, ∞) is at least 1.
        ("rd_expense + 1 >= 1", .eligible),
        ("rd_expense * 0 == 0", .eligible),
        // Both branches give 5: the value is known whichever the condition.
        ("(if rd_expense > 10 then 5 else 5) == 5", .eligible),
        ("(if rd_expense > 10 then 5 else 6) == 5", .undetermined),
        // A missing list: its unknown items' filter fails whatever they are (a fee is at least 0).
        ("sum(association_fees, annual_fee < 0, annual_fee) == 0", .eligible),
        ("count(association_fees, annual_fee < 0) == 0", .eligible),
        ("count(association_fees, annual_fee >= 0) == 0", .undetermined),
        ("not any(association_fees, annual_fee < 0)", .eligible),
        ("all(association_fees, annual_fee >= 0)", .eligible),
        ("all(association_fees, annual_fee > 0)", .undetermined),
        // An unknown span of the year is a share between 0 and all of it.
        ("share(registered_on, registered_on) >= 0", .eligible),
        ("share(registered_on, registered_on) > 0", .undetermined),
    ])
    func aMissingFactIsDecidedFromItsDomain(condition: String, expected: RuleStatus) throws {
        // The share cases leave the registration date out.
        let got = try Self.smallProfit(condition, registered: !condition.contains("registered_on"))
        #expect(got.batch == got.check)
        #expect(got.fallbacks == 0)
        #expect(got.batch.status == expected)
        if expected == .eligible { #expect(got.batch == Self.saved) }
        if expected != .eligible { #expect(got.batch.hasSaving == false) }
    }

    /// A cap that is a range: it decides nothing where its least value is at least the saving, and leaves the
    /// saving undetermined where it can bind.
    @Test func aCapThatIsARangeBindsOnlyWhereItCan() throws {
        let free = try Self.smallProfit("taxable_income > 0", cap: "rd_expense + 20000")
        #expect(free.batch == free.check && free.fallbacks == 0)
        #expect(free.batch == Self.saved)
        let binding = try Self.smallProfit("taxable_income > 0", cap: "rd_expense + 10000")
        #expect(binding.batch == binding.check && binding.fallbacks == 0)
        #expect(binding.batch.status == .undetermined)
        // Known, the cap binds: min(15,000, 4,000 + 10,000) = 14,000.00.
        let known = try Self.smallProfit("taxable_income > 0", cap: "rd_expense + 10000", extra: ", \"rd_expense\": 4000")
        #expect(known.batch == known.check)
        #expect(known.batch == Tally(status: .eligible, low: Fixture.fen("14000.00"), high: Fixture.fen("14000.00")))
    }

    /// Without a region code the scope test is unknown: each rule is undetermined where its conditions do not
    /// fail, ineligible where one does, decided by the batch code.
    @Test func anUnknownScopeIsDecidedInTheBatch() throws {
        var profiles: [Profile] = []
        for k in 0..<40 {
            profiles.append(try Fixture.profile("""
                {"year": 2017, "industry_code": "\(k % 2 == 0 ? "C3489" : "F5191")", "registered_on": "2010-01-01",
                 "employees": \(20 + k * 7), "total_assets": \(2_000_000 + k * 900_000), "taxable_income": \(k * 20_000),
                 "income_tax_rate": 0.25, "land_use_tax": 80000, "industry_tax_per_mu": 300000, "evaluation_grade": "A"}
                """))
        }
        var batch = try #require(BatchEvaluator(engine: Fixture.engine, year: 2017))
        #expect(profiles.withUnsafeBufferPointer { batch.evaluate($0, year: 2017) })
        var undetermined = 0, ineligible = 0
        for (r, p) in profiles.enumerated() {
            let check = try #require(Fixture.engine.check(p, year: 2017, trace: false))
            let tallies = batch.tallies(r)
            for i in tallies.indices {
                #expect(tallies[i] == Tally(check.results[i]), "row \(r) \(Fixture.policy.rules[i].id)")
                if tallies[i].status == .undetermined { undetermined += 1 }
                if tallies[i].status == .ineligible { ineligible += 1 }
            }
        }
        // 52号 二(五) is national: it does not need the region, so it is decided (eligible where small).
        let smallProfit = try #require(Fixture.policy.ruleIndex("52-2-5-small-profit"))
        #expect(batch.tallies(1)[smallProfit] == Tally(status: .eligible, low: Fixture.fen("3000.00"), high: Fixture.fen("3000.00")))
        #expect(undetermined > 40 && ineligible > 40)
        #expect(batch.fallbacks == 0)
    }
}

/// Issue 15.4: every catalog rule runs as batch code (none row by row on the point closures) in every year.
@Test func everyCatalogRuleCompilesToBatchCode() throws {
    let policy = Fixture.policy
    let program = BatchProgram(policy: policy, points: PointProgram(policy: policy))
    for (i, rule) in program.rules.enumerated() where rule == nil {
        Issue.record("\(policy.rules[i].id) does not compile to batch code")
    }
    for year in 2016...2021 {
        let batch = try #require(BatchEvaluator(engine: Fixture.engine, year: year))
        #expect(batch.split.row == 0 && batch.split.batch == policy.rules.count, "\(year): \(batch.rowRuleIDs)")
    }
}
