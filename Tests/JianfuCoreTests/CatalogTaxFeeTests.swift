import Testing
@testable import JianfuCore

// Hand-computed cases for the catalog (Policies/documents/qzbf-2017-52.json), read against
// /work/shared/POLICY-NOTES.md. Every expected figure is computed by hand in the comment beside it:
// exact fractions, rounded half up to the fen once at the end. Days: 2017-08-14..12-31 = 140,
// 2017-04-01..12-31 = 275, 2017-07-01..12-31 = 184 (2017 has 365 days, 2016 has 366).
// This file: shared helpers and 52号 二 (taxes and fees, rules 1–12).

/// Profiles and expectations shared by the catalog rule tests.
enum CatalogFixture {
    /// An industrial enterprise (C2614 manufacturing) in 柯城区 330802: inside every scope
    /// (urban-industrial, zhejiang, national, quzhou), with extra JSON members.
    static func urban(_ members: String = "") -> String {
        "{\"region_code\": \"330802\", \"industry_code\": \"C2614\"" + (members.isEmpty ? "" : ", " + members) + "}"
    }

    /// Any profile from its JSON members.
    static func profile(_ members: String) -> String { "{" + members + "}" }

    static func day(_ iso: String) -> Day { Day(iso: iso)! }

    static func range(_ from: String, _ until: String) -> DayRange { DayRange(day(from), day(until)) }

    /// The JSON paths of the facts an undetermined result asks for (`turnover_loans[0].days`).
    static func missing(_ r: RuleResult) -> [String] {
        let w = Words(policy: Fixture.policy, lang: .en)
        return r.missing.map { w.path($0) }
    }

    /// The id of the condition that failed, when the failure is a condition.
    static func failedCondition(_ r: RuleResult) -> String? {
        guard case .condition(let i)? = r.failure else { return nil }
        return Fixture.policy.rules[r.rule].conditions[i].id
    }

    static func index(_ id: String) -> Int { Fixture.policy.ruleIndex(id)! }
}

/// What a row of a table expects.
enum CatalogOutcome: Sendable, CustomStringConvertible {
    /// Eligible, saving low = high = this many 元.
    case saving(String)
    /// Ineligible because this condition (by id) fails.
    case failing(String)
    case status(RuleStatus)

    var description: String {
        switch self {
        case .saving(let s): return "saves \(s)"
        case .failing(let c): return "fails \(c)"
        case .status(let s): return s.rawValue
        }
    }
}

/// One table row: a profile, a rule, a year and the hand-computed outcome.
struct CatalogRow: Sendable, CustomTestStringConvertible {
    var note: String
    var rule: String
    var json: String
    var year: Int
    var outcome: CatalogOutcome
    var testDescription: String { "\(rule) \(year): \(note) → \(outcome)" }
}

/// The expectations shared by the catalog suites (a protocol, so that the names stay out of the module's namespace).
protocol CatalogChecks {}

extension CatalogChecks {
    func expectEligible(_ r: RuleResult, _ yuan: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(r.status == .eligible, sourceLocation: sourceLocation)
        #expect(r.low == Fixture.fen(yuan), "low", sourceLocation: sourceLocation)
        #expect(r.high == Fixture.fen(yuan), "high", sourceLocation: sourceLocation)
    }

    func expectIneligible(_ r: RuleResult, failing condition: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(r.status == .ineligible, sourceLocation: sourceLocation)
        #expect(CatalogFixture.failedCondition(r) == condition, sourceLocation: sourceLocation)
    }

    func expectOutcome(_ r: RuleResult, _ outcome: CatalogOutcome, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        switch outcome {
        case .saving(let s): expectEligible(r, s, sourceLocation: sourceLocation)
        case .failing(let c): expectIneligible(r, failing: c, sourceLocation: sourceLocation)
        case .status(let s): #expect(r.status == s, sourceLocation: sourceLocation)
        }
    }

    func expectRow(_ row: CatalogRow, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let r = try Fixture.result(row.json, rule: row.rule, year: row.year)
        expectOutcome(r, row.outcome, sourceLocation: sourceLocation)
    }
}

@Suite struct CatalogTaxFeeTests: CatalogChecks {
    // MARK: 1. 52-2-1-funds — national, from 2017-04-01, days

    @Test func abolishedFundsAreProratedFromTheFirstOfApril() throws {
        // 52号 二(一): (10,000 + 5,000) × 275/365 = 4,125,000/365 = 11,301.369… → 11,301.37
        let json = CatalogFixture.urban(#""utility_surcharge_paid": 10000, "wall_material_fund_paid": 5000"#)
        expectEligible(try Fixture.result(json, rule: "52-2-1-funds", year: 2017), "11301.37")
        // 2018: the whole year, 15,000.00; 2016: before 2017-04-01, not in force.
        expectEligible(try Fixture.result(json, rule: "52-2-1-funds", year: 2018), "15000")
        #expect(try Fixture.result(json, rule: "52-2-1-funds", year: 2016).status == .notInForce)
    }

    @Test func abolishedFundsApplyAnywhereInChina() throws {
        // National scope: a Beijing wholesaler (110105, F5110) in 2018 saves the full 10,000 + 5,000 = 15,000.00.
        let json = CatalogFixture.profile(#""region_code": "110105", "industry_code": "F5110", "utility_surcharge_paid": 10000, "wall_material_fund_paid": 5000"#)
        expectEligible(try Fixture.result(json, rule: "52-2-1-funds", year: 2018), "15000")
    }

    @Test func abolishedFundsWithOneTermMissingAreUndetermined() throws {
        // A sum with a missing term is undetermined, never taken as 0.
        let r = try Fixture.result(CatalogFixture.urban(#""utility_surcharge_paid": 10000"#), rule: "52-2-1-funds", year: 2018)
        #expect(r.status == .undetermined)
        #expect(CatalogFixture.missing(r) == ["wall_material_fund_paid"])
    }

    // MARK: 2. 52-2-2-disabled-exempt — national, from 2017-04-01, days, employees ≤ 30

    @Test func disabledFundExemptionUsesTheFractionalQuota() throws {
        // 52号 二(二): quota = 25 × 1.5% − 0 = 0.375; wage basis = 1,500,000 / 25 = 60,000; fund = 22,500.
        // 2017: 22,500 × 275/365 = 6,187,500/365 = 16,952.054… → 16,952.05
        let json = CatalogFixture.urban(#""employees": 25, "disabled_employees": 0, "annual_payroll": 1500000"#)
        expectEligible(try Fixture.result(json, rule: "52-2-2-disabled-exempt", year: 2017), "16952.05")
        expectEligible(try Fixture.result(json, rule: "52-2-2-disabled-exempt", year: 2018), "22500")
    }

    @Test(arguments: [
        // 30 employees: quota 0.45, basis 1,800,000/30 = 60,000 → fund 27,000.00 (2018, whole year).
        CatalogRow(note: "30 employees", rule: "52-2-2-disabled-exempt",
            json: CatalogFixture.urban(#""employees": 30, "annual_payroll": 1800000"#), year: 2018, outcome: .saving("27000")),
        // 31 employees: above 30(含) → ineligible.
        CatalogRow(note: "31 employees", rule: "52-2-2-disabled-exempt",
            json: CatalogFixture.urban(#""employees": 31, "annual_payroll": 1860000"#), year: 2018, outcome: .failing("small_workforce")),
        // quota max(0, 20 × 1.5% − 1) = 0 → fund 0; the payroll (missing) is not needed → eligible 0.00.
        CatalogRow(note: "quota 0, payroll missing", rule: "52-2-2-disabled-exempt",
            json: CatalogFixture.urban(#""employees": 20, "disabled_employees": 1"#), year: 2018, outcome: .saving("0")),
        // 0 employees: quota 0 → fund 0, no division by zero.
        CatalogRow(note: "0 employees", rule: "52-2-2-disabled-exempt",
            json: CatalogFixture.urban(#""employees": 0, "annual_payroll": 0"#), year: 2018, outcome: .saving("0")),
    ])
    func disabledFundExemptionStopsAtThirtyEmployees(_ row: CatalogRow) throws {
        try expectRow(row)
        let r = try Fixture.result(row.json, rule: row.rule, year: row.year)
        #expect(r.problems.isEmpty)
    }

    // MARK: 2b. 52-2-2-disabled-exempt-2015 — 2015-10-01..2017-03-31, narrowed to [registered_on, +3y)

    @Test(arguments: [
        // quota 18 × 1.5% = 0.27, basis 1,080,000/18 = 60,000, fund 16,200; registered 2015-03-10 → window to 2018-03-10.
        // 2015: 2015-10-01..12-31 = 92 days: 16,200 × 92/365 = 1,490,400/365 = 4,083.287… → 4,083.29
        CatalogRow(note: "2015 from 10-01", rule: "52-2-2-disabled-exempt-2015",
            json: CatalogFixture.urban(#""registered_on": "2015-03-10", "employees": 18, "annual_payroll": 1080000"#), year: 2015,
            outcome: .saving("4083.29")),
        // 2016: the whole leap year, 366/366 → 16,200.00
        CatalogRow(note: "2016 whole year", rule: "52-2-2-disabled-exempt-2015",
            json: CatalogFixture.urban(#""registered_on": "2015-03-10", "employees": 18, "annual_payroll": 1080000"#), year: 2016,
            outcome: .saving("16200")),
        // 2017: until 2017-03-31 = 90 days: 16,200 × 90/365 = 1,458,000/365 = 3,994.520… → 3,994.52
        CatalogRow(note: "2017 until 03-31", rule: "52-2-2-disabled-exempt-2015",
            json: CatalogFixture.urban(#""registered_on": "2015-03-10", "employees": 18, "annual_payroll": 1080000"#), year: 2017,
            outcome: .saving("3994.52")),
        // Registered 2013-06-01: 3 years end 2016-06-01 → 2016-01-01..05-31 = 152 of 366 days:
        // 16,200 × 152/366 = 2,462,400/366 = 6,727.868… → 6,727.87
        CatalogRow(note: "3 years end 2016-06-01", rule: "52-2-2-disabled-exempt-2015",
            json: CatalogFixture.urban(#""registered_on": "2013-06-01", "employees": 18, "annual_payroll": 1080000"#), year: 2016,
            outcome: .saving("6727.87")),
        // 21 employees: above 20(含).
        CatalogRow(note: "21 employees", rule: "52-2-2-disabled-exempt-2015",
            json: CatalogFixture.urban(#""registered_on": "2015-03-10", "employees": 21, "annual_payroll": 1260000"#), year: 2016,
            outcome: .failing("small_workforce")),
        // 2018: after 2017-03-31.
        CatalogRow(note: "2018", rule: "52-2-2-disabled-exempt-2015",
            json: CatalogFixture.urban(#""registered_on": "2015-03-10", "employees": 18, "annual_payroll": 1080000"#), year: 2018,
            outcome: .status(.notInForce)),
    ])
    func earlierDisabledExemptionCoversThreeYearsFromRegistration(_ row: CatalogRow) throws {
        try expectRow(row)
    }

    @Test func earlierDisabledExemptionEndsThreeYearsAfterRegistration() throws {
        // Registered 2012-06-01: [2012-06-01, 2015-06-01) does not meet 2016 → ineligible, naming the enterprise's dates.
        let r = try Fixture.result(CatalogFixture.urban(#""registered_on": "2012-06-01", "employees": 18, "annual_payroll": 1080000"#),
                                   rule: "52-2-2-disabled-exempt-2015", year: 2016)
        #expect(r.status == .ineligible)
        #expect(r.failure == .enterpriseWindow(CatalogFixture.range("2012-06-01", "2015-06-01")))
    }

    // MARK: 3. 52-2-2-disabled-cap — national, from 2017-04-01, days, group disabled-fund

    @Test func disabledFundCapSavesTheWageAboveThreeTimesTheLocalAverage() throws {
        // 52号 二(二): 100 employees (rule 2 does not apply), quota 1.5, basis 30,000,000/100 = 300,000,
        // cap 3 × 60,000 = 180,000: (300,000 − 180,000) × 1.5 = 180,000 a year.
        // 2018: 180,000.00; 2017: 180,000 × 275/365 = 49,500,000/365 = 135,616.438… → 135,616.44
        let json = CatalogFixture.urban(#""employees": 100, "disabled_employees": 0, "annual_payroll": 30000000, "local_average_wage": 60000"#)
        expectEligible(try Fixture.result(json, rule: "52-2-2-disabled-cap", year: 2018), "180000")
        expectEligible(try Fixture.result(json, rule: "52-2-2-disabled-cap", year: 2017), "135616.44")
    }

    @Test(arguments: [
        // basis 18,000,000/100 = 180,000 = exactly 3 × 60,000: not above → ineligible.
        CatalogRow(note: "basis exactly 3×", rule: "52-2-2-disabled-cap",
            json: CatalogFixture.urban(#""employees": 100, "annual_payroll": 18000000, "local_average_wage": 60000"#), year: 2018,
            outcome: .failing("above_cap")),
        // basis 18,000,001/100 = 180,000.01: (0.01) × 1.5 = 0.015 → 0.02 (half a fen rounds up).
        CatalogRow(note: "basis a fen above 3×", rule: "52-2-2-disabled-cap",
            json: CatalogFixture.urban(#""employees": 100, "annual_payroll": 18000001, "local_average_wage": 60000"#), year: 2018,
            outcome: .saving("0.02")),
        // quota max(0, 100 × 1.5% − 2) = 0: no fund to cap.
        CatalogRow(note: "no fund payable", rule: "52-2-2-disabled-cap",
            json: CatalogFixture.urban(#""employees": 100, "disabled_employees": 2, "annual_payroll": 30000000, "local_average_wage": 60000"#),
            year: 2018, outcome: .failing("fund_payable")),
    ])
    func disabledFundCapIsStrictlyAboveThreeTimes(_ row: CatalogRow) throws {
        try expectRow(row)
    }

    @Test func disabledFundExemptionSupersedesTheCap() throws {
        // 30 employees, payroll 9,000,000 → basis 300,000, quota 0.45, local average 60,000 (cap 180,000). 2018:
        // rule 2 (exempt): 0.45 × 300,000 = 135,000.00; rule 3 (cap): (300,000 − 180,000) × 0.45 = 54,000.00.
        // Group disabled-fund: 135,000 > 54,000 → exemption granted, cap superseded with what it would have saved.
        let c = try Fixture.check(CatalogFixture.urban(#""employees": 30, "annual_payroll": 9000000, "local_average_wage": 60000"#), year: 2018)
        let exempt = c.results[CatalogFixture.index("52-2-2-disabled-exempt")]
        let cap = c.results[CatalogFixture.index("52-2-2-disabled-cap")]
        expectEligible(exempt, "135000")
        #expect(cap.status == .superseded)
        #expect(Fixture.ruleID(cap.supersededBy) == "52-2-2-disabled-exempt")
        #expect(cap.low == Fixture.fen("54000"))
    }

    // MARK: 4. 52-2-3-fees — national, from 2017-04-01, days

    @Test func cancelledFeesAndTrademarkCutAreProrated() throws {
        // 52号 二(三): 2,000 + 3 × (600 − 300) = 2,900 a year.
        // 2017: 2,900 × 275/365 = 797,500/365 = 2,184.931… → 2,184.93; 2018: 2,900.00; 2016: not in force.
        let json = CatalogFixture.urban(#""cancelled_fees_paid": 2000, "trademark_classes": 3"#)
        expectEligible(try Fixture.result(json, rule: "52-2-3-fees", year: 2017), "2184.93")
        expectEligible(try Fixture.result(json, rule: "52-2-3-fees", year: 2018), "2900")
        #expect(try Fixture.result(json, rule: "52-2-3-fees", year: 2016).status == .notInForce)
    }

    // MARK: 5. 52-2-4-vat — national, from 2017-07-01, days

    @Test func vatCutFromThirteenToElevenPercentStartsInJuly() throws {
        // 52号 二(四): 1,000,000 × (13% − 11%) = 20,000 a year.
        // 2017: 20,000 × 184/365 = 3,680,000/365 = 10,082.191… → 10,082.19; 2018: 20,000.00
        let json = CatalogFixture.urban(#""vat_13_goods_sales": 1000000"#)
        expectEligible(try Fixture.result(json, rule: "52-2-4-vat", year: 2017), "10082.19")
        expectEligible(try Fixture.result(json, rule: "52-2-4-vat", year: 2018), "20000")
        #expect(try Fixture.result(json, rule: "52-2-4-vat", year: 2016).status == .notInForce)
    }

    // MARK: 6. 52-2-5-small-profit — national, 2015-10-01..2019-12-31, days

    @Test(arguments: [
        // 2017 (ceiling 50万 all year), rate 25%: 500,000 × (25% − 10%) = 75,000.00
        CatalogRow(note: "income 500,000 in 2017", rule: "52-2-5-small-profit",
            json: CatalogFixture.urban(#""taxable_income": 500000, "employees": 100, "total_assets": 30000000"#), year: 2017,
            outcome: .saving("75000")),
        CatalogRow(note: "income 500,000.01 in 2017", rule: "52-2-5-small-profit",
            json: CatalogFixture.urban(#""taxable_income": 500000.01, "employees": 100, "total_assets": 30000000"#), year: 2017,
            outcome: .failing("income_within_ceiling")),
        // 2016 (ceiling 30万 all year): 300,000 × 15% = 45,000.00; 300,000.01 out.
        CatalogRow(note: "income 300,000 in 2016", rule: "52-2-5-small-profit",
            json: CatalogFixture.urban(#""taxable_income": 300000, "employees": 100, "total_assets": 30000000"#), year: 2016,
            outcome: .saving("45000")),
        CatalogRow(note: "income 300,000.01 in 2016", rule: "52-2-5-small-profit",
            json: CatalogFixture.urban(#""taxable_income": 300000.01, "employees": 100, "total_assets": 30000000"#), year: 2016,
            outcome: .failing("income_within_ceiling")),
        CatalogRow(note: "income 0", rule: "52-2-5-small-profit",
            json: CatalogFixture.urban(#""taxable_income": 0, "employees": 10, "total_assets": 1000000"#), year: 2017,
            outcome: .failing("income_within_ceiling")),
        CatalogRow(note: "income negative", rule: "52-2-5-small-profit",
            json: CatalogFixture.urban(#""taxable_income": -1000, "employees": 10, "total_assets": 1000000"#), year: 2017,
            outcome: .failing("income_within_ceiling")),
        // Industrial (C): 100 employees / 3000万 in, 101 / 30,000,000.01 out; 81 employees still in (300,000 × 15% = 45,000.00).
        CatalogRow(note: "industrial 101 employees", rule: "52-2-5-small-profit",
            json: CatalogFixture.urban(#""taxable_income": 300000, "employees": 101, "total_assets": 30000000"#), year: 2017,
            outcome: .failing("small_size")),
        CatalogRow(note: "industrial assets 30,000,000.01", rule: "52-2-5-small-profit",
            json: CatalogFixture.urban(#""taxable_income": 300000, "employees": 100, "total_assets": 30000000.01"#), year: 2017,
            outcome: .failing("small_size")),
        CatalogRow(note: "industrial 81 employees", rule: "52-2-5-small-profit",
            json: CatalogFixture.urban(#""taxable_income": 300000, "employees": 81, "total_assets": 30000000"#), year: 2017,
            outcome: .saving("45000")),
        // Section D (electricity) is industrial too.
        CatalogRow(note: "section D 100 employees", rule: "52-2-5-small-profit",
            json: CatalogFixture.profile(#""region_code": "330802", "industry_code": "D4411", "taxable_income": 300000, "employees": 100, "total_assets": 30000000"#),
            year: 2017, outcome: .saving("45000")),
        // Non-industrial (F): 80 employees / 1000万 in, 81 / 10,000,000.01 out.
        CatalogRow(note: "other 80 employees", rule: "52-2-5-small-profit",
            json: CatalogFixture.profile(#""region_code": "330802", "industry_code": "F5110", "taxable_income": 300000, "employees": 80, "total_assets": 10000000"#),
            year: 2017, outcome: .saving("45000")),
        CatalogRow(note: "other 81 employees", rule: "52-2-5-small-profit",
            json: CatalogFixture.profile(#""region_code": "330802", "industry_code": "F5110", "taxable_income": 300000, "employees": 81, "total_assets": 10000000"#),
            year: 2017, outcome: .failing("small_size")),
        CatalogRow(note: "other assets 10,000,000.01", rule: "52-2-5-small-profit",
            json: CatalogFixture.profile(#""region_code": "330802", "industry_code": "F5110", "taxable_income": 300000, "employees": 80, "total_assets": 10000000.01"#),
            year: 2017, outcome: .failing("small_size")),
        // 2015: from 2015-10-01, 92 days, ceiling 30万: 200,000 × 15% × 92/365 = 2,760,000/365 = 7,561.643… → 7,561.64
        CatalogRow(note: "2015 from 10-01", rule: "52-2-5-small-profit",
            json: CatalogFixture.urban(#""taxable_income": 200000, "employees": 50, "total_assets": 5000000"#), year: 2015,
            outcome: .saving("7561.64")),
        // A 高新技术企业 at 15%: 200,000 × (15% − 10%) = 10,000.00
        CatalogRow(note: "income tax rate 15%", rule: "52-2-5-small-profit",
            json: CatalogFixture.urban(#""taxable_income": 200000, "employees": 50, "total_assets": 5000000, "income_tax_rate": 0.15"#), year: 2018,
            outcome: .saving("10000")),
    ])
    func smallProfitReliefFollowsTheCeilingAndSizeLimits(_ row: CatalogRow) throws {
        try expectRow(row)
    }

    // MARK: 7. 52-2-6-rd-deduction — national, 2016-01-01..2019-12-31, days

    @Test(arguments: [
        // 2016: 1,000,000 × 50% × 25% = 125,000.00
        CatalogRow(note: "2016 at 50%", rule: "52-2-6-rd-deduction",
            json: CatalogFixture.urban(#""is_tech_sme": true, "rd_expense": 1000000"#), year: 2016, outcome: .saving("125000")),
        // 2017: 1,000,000 × 75% × 25% = 187,500.00
        CatalogRow(note: "2017 at 75%", rule: "52-2-6-rd-deduction",
            json: CatalogFixture.urban(#""is_tech_sme": true, "rd_expense": 1000000"#), year: 2017, outcome: .saving("187500")),
        // 2018 at a 15% income-tax rate: 1,000,000 × 75% × 15% = 112,500.00
        CatalogRow(note: "2018 at 15% tax", rule: "52-2-6-rd-deduction",
            json: CatalogFixture.urban(#""is_tech_sme": true, "rd_expense": 1000000, "income_tax_rate": 0.15"#), year: 2018,
            outcome: .saving("112500")),
        CatalogRow(note: "not a tech SME", rule: "52-2-6-rd-deduction",
            json: CatalogFixture.urban(#""is_tech_sme": false, "rd_expense": 1000000"#), year: 2017, outcome: .failing("tech_sme")),
        CatalogRow(note: "2015", rule: "52-2-6-rd-deduction",
            json: CatalogFixture.urban(#""is_tech_sme": true, "rd_expense": 1000000"#), year: 2015, outcome: .status(.notInForce)),
    ])
    func rdSuperDeductionRisesFromFiftyToSeventyFivePercent(_ row: CatalogRow) throws {
        try expectRow(row)
    }

    // MARK: 8. 52-2-7-logistics-land — national, 2015-01-01..2019-12-31, days, section G

    @Test func logisticsStorageLandTaxIsHalved() throws {
        // 52号 二(七): 50% × 80,000 = 40,000.00 for 2017 (window covers the whole year); national: 江山市 is in.
        let json = CatalogFixture.profile(#""region_code": "330881", "industry_code": "G5920", "storage_land_use_tax": 80000"#)
        expectEligible(try Fixture.result(json, rule: "52-2-7-logistics-land", year: 2017), "40000")
        expectEligible(try Fixture.result(json, rule: "52-2-7-logistics-land", year: 2015), "40000")
        // A manufacturer (section C) is not a logistics enterprise.
        expectIneligible(try Fixture.result(CatalogFixture.urban(#""storage_land_use_tax": 80000"#), rule: "52-2-7-logistics-land", year: 2017),
                         failing: "logistics")
    }

    // MARK: 9. 52-2-7-key-groups — informational, 2017-01-01..2019-12-31

    @Test func keyGroupTaxDeductionsAreInformational() throws {
        let r = try Fixture.result(CatalogFixture.urban(), rule: "52-2-7-key-groups", year: 2017)
        #expect(r.status == .eligible)
        #expect(r.low == nil && r.high == nil)
        #expect(try Fixture.result(CatalogFixture.urban(), rule: "52-2-7-key-groups", year: 2016).status == .notInForce)
    }

    // MARK: 10. 52-2-8-subsidy — national, from 2011-01-01, none

    @Test func nontaxableSubsidyIsNotProrated() throws {
        // 52号 二(八): 1,000,000 × 25% = 250,000.00, the whole amount in 2017 (proration none).
        let json = CatalogFixture.urban(#""nontaxable_subsidy": 1000000"#)
        expectEligible(try Fixture.result(json, rule: "52-2-8-subsidy", year: 2017), "250000")
        expectEligible(try Fixture.result(json, rule: "52-2-8-subsidy", year: 2011), "250000")
        #expect(try Fixture.result(json, rule: "52-2-8-subsidy", year: 2010).status == .notInForce)
    }

    // MARK: 11. 52-2-9-deed-tax — national, 2015-01-01..2020-12-31, none

    @Test func restructuringDeedTaxReliefRunsToTheEndOf2020() throws {
        // 52号 二(九): 10,000,000 × 3% = 300,000.00, not prorated; 2020 still in force, 2021 not.
        let json = CatalogFixture.urban(#""restructuring_transfer_value": 10000000"#)
        expectEligible(try Fixture.result(json, rule: "52-2-9-deed-tax", year: 2017), "300000")
        expectEligible(try Fixture.result(json, rule: "52-2-9-deed-tax", year: 2020), "300000")
        #expect(try Fixture.result(json, rule: "52-2-9-deed-tax", year: 2021).status == .notInForce)
    }

    // MARK: 12. 52-2-10-infrastructure-fee — zhejiang, 2017-07-01..2019-12-31, days

    @Test func infrastructureFeeAtSeventyPercentInZhejiang() throws {
        // 52号 二(十): 30% × 1,000,000 = 300,000 a year.
        // 2017: 300,000 × 184/365 = 55,200,000/365 = 151,232.876… → 151,232.88; 2019: 300,000.00; 2020 not in force.
        let json = CatalogFixture.urban(#""infrastructure_fee_standard": 1000000"#)
        expectEligible(try Fixture.result(json, rule: "52-2-10-infrastructure-fee", year: 2017), "151232.88")
        expectEligible(try Fixture.result(json, rule: "52-2-10-infrastructure-fee", year: 2019), "300000")
        #expect(try Fixture.result(json, rule: "52-2-10-infrastructure-fee", year: 2020).status == .notInForce)
        // Zhejiang scope: 江山市 wholesaler is in (2018: 300,000.00); Nanjing (320102) is out.
        let jiangshan = CatalogFixture.profile(#""region_code": "330881", "industry_code": "F5110", "infrastructure_fee_standard": 1000000"#)
        expectEligible(try Fixture.result(jiangshan, rule: "52-2-10-infrastructure-fee", year: 2018), "300000")
        let nanjing = CatalogFixture.profile(#""region_code": "320102", "industry_code": "C2614", "infrastructure_fee_standard": 1000000"#)
        let r = try Fixture.result(nanjing, rule: "52-2-10-infrastructure-fee", year: 2018)
        #expect(r.status == .ineligible)
        #expect(r.failure == .region("320102"))
    }
}
