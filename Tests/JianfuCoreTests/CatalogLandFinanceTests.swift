import Testing
@testable import JianfuCore

// 52号 七 (land, rules 21–24, exclusive group land-use-tax), 八 (financing, rules 25–26) and 十一 (logistics, rule 27).
// Hand computations in the comments; helpers in CatalogTaxFeeTests.swift.

@Suite struct CatalogLandUseTaxTests: CatalogChecks {
    // MARK: 21. 52-7-1-land-tax-efficiency — urban-industrial, from 2017-08-14, days, range 30%–60%

    @Test func landTaxEfficiencyReliefIsARange() throws {
        // 52号 七(一): grade A, ratio 100/100 = 100%.
        // 2017: low 30% × 100,000 × 140/365 = 11,506.849… → 11,506.85; high 60% × 100,000 × 140/365
        // = 8,400,000/365 = 23,013.698… → 23,013.70. 2018: 30,000.00 – 60,000.00
        let json = CatalogFixture.urban(#""land_use_tax": 100000, "tax_per_mu": 100, "industry_tax_per_mu": 100, "evaluation_grade": "A""#)
        let r17 = try Fixture.result(json, rule: "52-7-1-land-tax-efficiency", year: 2017)
        #expect(r17.status == .eligible)
        #expect(r17.low == Fixture.fen("11506.85"))
        #expect(r17.high == Fixture.fen("23013.70"))
        let r18 = try Fixture.result(json, rule: "52-7-1-land-tax-efficiency", year: 2018)
        #expect(r18.status == .eligible)
        #expect(r18.low == Fixture.fen("30000"))
        #expect(r18.high == Fixture.fen("60000"))
    }

    struct RatioRow: Sendable, CustomTestStringConvertible {
        var taxPerMu: String
        var grade: String
        /// nil: eligible (2018: 30,000.00 – 60,000.00).
        var failing: String?
        var testDescription: String { "\(taxPerMu)/100, grade \(grade) → \(failing ?? "eligible")" }
    }

    @Test(arguments: [
        RatioRow(taxPerMu: "50", grade: "A", failing: nil),             // 50% included
        RatioRow(taxPerMu: "49.99", grade: "A", failing: "ratio_low"),  // 49.99% out
        RatioRow(taxPerMu: "200", grade: "A", failing: "ratio_high"),   // 200% excluded
        RatioRow(taxPerMu: "199.99", grade: "B", failing: nil),         // 199.99% in
        RatioRow(taxPerMu: "100", grade: "C", failing: "grade"),        // grade C out whatever the ratio
        RatioRow(taxPerMu: "100", grade: "D", failing: "grade"),
    ])
    func landTaxReliefStopsAtTwoHundredPercent(_ row: RatioRow) throws {
        // industry_tax_per_mu 100, land_use_tax 100,000, 2018 (whole year): [30%, 60%] × 100,000 = 30,000.00 – 60,000.00
        let json = CatalogFixture.urban(#""land_use_tax": 100000, "industry_tax_per_mu": 100, "tax_per_mu": "# + row.taxPerMu
                                 + #", "evaluation_grade": ""# + row.grade + "\"")
        let r = try Fixture.result(json, rule: "52-7-1-land-tax-efficiency", year: 2018)
        if let failing = row.failing {
            expectIneligible(r, failing: failing)
        } else {
            #expect(r.status == .eligible)
            #expect(r.low == Fixture.fen("30000"))
            #expect(r.high == Fixture.fen("60000"))
        }
    }

    @Test func gradeCFailsEvenWithoutTheIndustryFigure() throws {
        // Three-valued logic: grade C fails whatever the ratio → ineligible, not undetermined.
        let missing = try Fixture.result(CatalogFixture.urban(#""land_use_tax": 100000, "tax_per_mu": 100, "evaluation_grade": "C""#),
                                         rule: "52-7-1-land-tax-efficiency", year: 2018)
        expectIneligible(missing, failing: "grade")
        // …and with industry_tax_per_mu = 0 (the division is undefined, but the grade decides).
        let zero = try Fixture.result(CatalogFixture.urban(#""land_use_tax": 100000, "tax_per_mu": 100, "industry_tax_per_mu": 0, "evaluation_grade": "C""#),
                                      rule: "52-7-1-land-tax-efficiency", year: 2018)
        expectIneligible(zero, failing: "grade")
    }

    @Test func zeroIndustryTaxPerMuIsUndeterminedWithAProblem() throws {
        let r = try Fixture.result(CatalogFixture.urban(#""land_use_tax": 100000, "tax_per_mu": 100, "industry_tax_per_mu": 0, "evaluation_grade": "A""#),
                                   rule: "52-7-1-land-tax-efficiency", year: 2018)
        #expect(r.status == .undetermined)
        #expect(r.problems.contains { $0.contains("industry_tax_per_mu") })
    }

    @Test func missingTaxPerMuLeavesTheReliefUndetermined() throws {
        let r = try Fixture.result(CatalogFixture.urban(#""land_use_tax": 100000, "industry_tax_per_mu": 100, "evaluation_grade": "A""#),
                                   rule: "52-7-1-land-tax-efficiency", year: 2018)
        #expect(r.status == .undetermined)
        #expect(CatalogFixture.missing(r) == ["tax_per_mu"])
    }

    @Test func lowRatioFailsWhateverTheMissingGrade() throws {
        // ratio 30/100 = 30% < 50% fails whatever the grade → ineligible.
        let r = try Fixture.result(CatalogFixture.urban(#""land_use_tax": 100000, "tax_per_mu": 30, "industry_tax_per_mu": 100"#),
                                   rule: "52-7-1-land-tax-efficiency", year: 2018)
        expectIneligible(r, failing: "ratio_low")
    }

    @Test func landTaxReliefIsForUrbanIndustryOnly() throws {
        let jiangshan = try Fixture.result(
            CatalogFixture.profile(#""region_code": "330881", "industry_code": "C2614", "land_use_tax": 100000, "tax_per_mu": 100, "industry_tax_per_mu": 100, "evaluation_grade": "A""#),
            rule: "52-7-1-land-tax-efficiency", year: 2018)
        #expect(jiangshan.status == .ineligible)
        #expect(jiangshan.failure == .region("330881"))
        let wholesaler = try Fixture.result(
            CatalogFixture.profile(#""region_code": "330802", "industry_code": "F5110", "land_use_tax": 100000, "tax_per_mu": 100, "industry_tax_per_mu": 100, "evaluation_grade": "A""#),
            rule: "52-7-1-land-tax-efficiency", year: 2018)
        #expect(wholesaler.status == .ineligible)
        guard case .industry? = wholesaler.failure else {
            Issue.record("expected an industry failure, got \(String(describing: wholesaler.failure))"); return
        }
    }

    // MARK: 22. 52-7-1-land-tax-new — [registered_on, registered_on + 2y) ∩ from 2017-08-14, days

    @Test func newEnterpriseReliefGetsWhatRemainsOfItsTwoYears() throws {
        // Registered 2016-01-10 → window [2016-01-10, 2018-01-10).
        // 2017: 2017-08-14..12-31 = 140 days: 30% × 100,000 × 140/365 = 11,506.849… → 11,506.85
        // 2018: 2018-01-01..01-09 = 9 days: 30,000 × 9/365 = 270,000/365 = 739.726… → 739.73
        let json = CatalogFixture.urban(#""registered_on": "2016-01-10", "land_use_tax": 100000"#)
        let r17 = try Fixture.result(json, rule: "52-7-1-land-tax-new", year: 2017)
        expectEligible(r17, "11506.85")
        #expect(r17.enterpriseWindow == CatalogFixture.range("2016-01-10", "2018-01-10"))
        expectEligible(try Fixture.result(json, rule: "52-7-1-land-tax-new", year: 2018), "739.73")
        #expect(try Fixture.result(json, rule: "52-7-1-land-tax-new", year: 2016).status == .notInForce)
    }

    @Test func newEnterpriseWhoseTwoYearsEndedBeforeThePolicyIsIneligible() throws {
        // Registered 2015-03-01 → [2015-03-01, 2017-03-01) ends before 2017-08-14.
        let r = try Fixture.result(CatalogFixture.urban(#""registered_on": "2015-03-01", "land_use_tax": 100000"#),
                                   rule: "52-7-1-land-tax-new", year: 2017)
        #expect(r.status == .ineligible)
        #expect(r.failure == .enterpriseWindow(CatalogFixture.range("2015-03-01", "2017-03-01")))
    }

    @Test func newEnterpriseRegisteredOnTwentyNinthFebruaryEndsOnTheTwentyEighth() throws {
        // 2016-02-29 + 2y = 2018-02-28 (excluded): 2018-01-01..02-27 = 31 + 27 = 58 days:
        // 30,000 × 58/365 = 1,740,000/365 = 4,767.123… → 4,767.12
        let r = try Fixture.result(CatalogFixture.urban(#""registered_on": "2016-02-29", "land_use_tax": 100000"#),
                                   rule: "52-7-1-land-tax-new", year: 2018)
        expectEligible(r, "4767.12")
        #expect(r.enterpriseWindow == CatalogFixture.range("2016-02-29", "2018-02-28"))
    }

    @Test(arguments: [
        // Registered 2017-10-01: 2017-10-01..12-31 = 92 days: 30,000 × 92/365 = 2,760,000/365 = 7,561.643… → 7,561.64
        ("2017-10-01", 2017, "7561.64"),
        // Registered 2017-03-01: 2019-01-01..02-28 = 59 days: 30,000 × 59/365 = 1,770,000/365 = 4,849.315… → 4,849.32
        ("2017-03-01", 2019, "4849.32"),
        // Registered 2017-03-01, 2018: the whole year → 30,000.00
        ("2017-03-01", 2018, "30000"),
    ])
    func newEnterpriseReliefIsProratedByDays(_ registered: String, _ year: Int, _ expected: String) throws {
        let r = try Fixture.result(CatalogFixture.urban(#""land_use_tax": 100000, "registered_on": ""# + registered + "\""),
                                   rule: "52-7-1-land-tax-new", year: year)
        expectEligible(r, expected)
    }

    // MARK: 23. 52-7-1-land-tax-upgrade — 500万 / 200万 thresholds, cap 50% of the investment

    struct UpgradeRow: Sendable, CustomTestStringConvertible {
        var note: String
        var members: String
        var year: Int
        var outcome: CatalogOutcome
        var testDescription: String { "\(note) \(year) → \(outcome)" }
    }

    @Test(arguments: [
        // 2017, land 100,000: 30% × 100,000 × 140/365 = 11,506.85; cap 50% × 5,000,000 = 2,500,000 not binding.
        UpgradeRow(note: "tech 500万", members: #""land_use_tax": 100000, "tech_upgrade_investment": 5000000, "zero_land_equipment_investment": 0"#,
                   year: 2017, outcome: .saving("11506.85")),
        UpgradeRow(note: "tech 4,999,999.99", members: #""land_use_tax": 100000, "tech_upgrade_investment": 4999999.99, "zero_land_equipment_investment": 0"#,
                   year: 2017, outcome: .failing("qualifying_investment")),
        // Zero-land 200万: same 11,506.85 (cap 1,000,000 not binding).
        UpgradeRow(note: "zero-land 200万", members: #""land_use_tax": 100000, "tech_upgrade_investment": 0, "zero_land_equipment_investment": 2000000"#,
                   year: 2017, outcome: .saving("11506.85")),
        UpgradeRow(note: "zero-land 1,999,999.99", members: #""land_use_tax": 100000, "tech_upgrade_investment": 0, "zero_land_equipment_investment": 1999999.99"#,
                   year: 2017, outcome: .failing("qualifying_investment")),
        // 2017, land 10,000,000: 30% × 10,000,000 × 140/365 = 420,000,000/365 = 1,150,684.931… → 1,150,684.93 < cap 2,500,000.
        UpgradeRow(note: "large tax, cap not binding", members: #""land_use_tax": 10000000, "tech_upgrade_investment": 5000000, "zero_land_equipment_investment": 0"#,
                   year: 2017, outcome: .saving("1150684.93")),
        // 2018: 30% × 10,000,000 = 3,000,000 > cap 50% × 5,000,000 = 2,500,000 → 2,500,000.00
        UpgradeRow(note: "cap binding", members: #""land_use_tax": 10000000, "tech_upgrade_investment": 5000000, "zero_land_equipment_investment": 0"#,
                   year: 2018, outcome: .saving("2500000")),
        // 2018: zero-land 2,000,000: 3,000,000 > cap 1,000,000 → 1,000,000.00
        UpgradeRow(note: "zero-land cap binding", members: #""land_use_tax": 10000000, "tech_upgrade_investment": 0, "zero_land_equipment_investment": 2000000"#,
                   year: 2018, outcome: .saving("1000000")),
        // 2018: tech 6,000,000 qualifies, zero-land 1,999,999.99 counts 0: investment 6,000,000, cap 3,000,000;
        // 30% × 20,000,000 = 6,000,000 → 3,000,000.00
        UpgradeRow(note: "non-qualifying part counts 0", members: #""land_use_tax": 20000000, "tech_upgrade_investment": 6000000, "zero_land_equipment_investment": 1999999.99"#,
                   year: 2018, outcome: .saving("3000000")),
        // 2018: zero-land missing, but the cap (≥ 2,500,000) already exceeds 30% × 100,000 = 30,000 → 30,000.00
        UpgradeRow(note: "missing investment cannot bind the cap", members: #""land_use_tax": 100000, "tech_upgrade_investment": 5000000"#,
                   year: 2018, outcome: .saving("30000")),
    ])
    func upgradeReliefNeedsFiveMillionAndIsCappedAtHalfTheInvestment(_ row: UpgradeRow) throws {
        let r = try Fixture.result(CatalogFixture.urban(row.members), rule: "52-7-1-land-tax-upgrade", year: row.year)
        expectOutcome(r, row.outcome)
    }

    @Test func upgradeReliefWithAMissingInvestmentThatCouldBindIsUndetermined() throws {
        // 2018: 30% × 10,000,000 = 3,000,000; the cap is 2,500,000 + 50% × (a qualifying zero-land investment, if any):
        // it binds unless zero_land_equipment_investment ≥ 1,000,000 → undetermined, asking for it.
        let r = try Fixture.result(CatalogFixture.urban(#""land_use_tax": 10000000, "tech_upgrade_investment": 5000000"#),
                                   rule: "52-7-1-land-tax-upgrade", year: 2018)
        #expect(r.status == .undetermined)
        #expect(CatalogFixture.missing(r).contains("zero_land_equipment_investment"))
    }

    // MARK: Group land-use-tax (就高不重复): 21 efficiency, 22 new, 23 upgrade

    @Test func efficiencyReliefOutranksTheOtherLandTaxReliefs() throws {
        // 2017, land 100,000: efficiency high 60% → 23,013.70 (low 11,506.85); new (registered 2017-03-01) and
        // upgrade (500万) 30% → 11,506.85 each. Efficiency granted; the others superseded with what they would save.
        let c = try Fixture.check(CatalogFixture.urban(#"""
            "land_use_tax": 100000, "tax_per_mu": 100, "industry_tax_per_mu": 100, "evaluation_grade": "A",
            "registered_on": "2017-03-01", "tech_upgrade_investment": 5000000, "zero_land_equipment_investment": 0
            """#), year: 2017)
        let eff = c.results[CatalogFixture.index("52-7-1-land-tax-efficiency")]
        let new = c.results[CatalogFixture.index("52-7-1-land-tax-new")]
        let up = c.results[CatalogFixture.index("52-7-1-land-tax-upgrade")]
        #expect(eff.status == .eligible)
        #expect(eff.high == Fixture.fen("23013.70"))
        for r in [new, up] {
            #expect(r.status == .superseded)
            #expect(Fixture.ruleID(r.supersededBy) == "52-7-1-land-tax-efficiency")
            #expect(r.low == Fixture.fen("11506.85"))
        }
    }

    @Test func landTaxTieGoesToTheMemberListedFirst() throws {
        // 2017: new (registered 2017-03-01) and upgrade (500万) both 30% × 100,000 × 140/365 exactly; grade C rules
        // efficiency out. Tie → the new-enterprise relief (listed before the upgrade) is granted.
        let c = try Fixture.check(CatalogFixture.urban(#"""
            "land_use_tax": 100000, "evaluation_grade": "C",
            "registered_on": "2017-03-01", "tech_upgrade_investment": 5000000, "zero_land_equipment_investment": 0
            """#), year: 2017)
        let new = c.results[CatalogFixture.index("52-7-1-land-tax-new")]
        let up = c.results[CatalogFixture.index("52-7-1-land-tax-upgrade")]
        expectEligible(new, "11506.85")
        #expect(up.status == .superseded)
        #expect(Fixture.ruleID(up.supersededBy) == "52-7-1-land-tax-new")
    }

    @Test func landTaxGroupGrantsTheLargerSavingNotTheFirstListed() throws {
        // 2018: new (registered 2016-01-10) covers 9 days → 739.73; upgrade the whole year → 30,000.00. Upgrade granted.
        let c = try Fixture.check(CatalogFixture.urban(#"""
            "land_use_tax": 100000, "evaluation_grade": "C",
            "registered_on": "2016-01-10", "tech_upgrade_investment": 5000000, "zero_land_equipment_investment": 0
            """#), year: 2018)
        let new = c.results[CatalogFixture.index("52-7-1-land-tax-new")]
        let up = c.results[CatalogFixture.index("52-7-1-land-tax-upgrade")]
        expectEligible(up, "30000")
        #expect(new.status == .superseded)
        #expect(Fixture.ruleID(new.supersededBy) == "52-7-1-land-tax-upgrade")
        #expect(new.low == Fixture.fen("739.73"))
    }

    @Test func undeterminedLandTaxMemberDoesNotWithholdTheGrant() throws {
        // 2017: efficiency undetermined (tax_per_mu missing; grade A); new eligible 11,506.85; upgrade out (no investment).
        let c = try Fixture.check(CatalogFixture.urban(#"""
            "land_use_tax": 100000, "industry_tax_per_mu": 100, "evaluation_grade": "A",
            "registered_on": "2017-03-01", "tech_upgrade_investment": 0, "zero_land_equipment_investment": 0
            """#), year: 2017)
        let eff = c.results[CatalogFixture.index("52-7-1-land-tax-efficiency")]
        let new = c.results[CatalogFixture.index("52-7-1-land-tax-new")]
        expectEligible(new, "11506.85")
        #expect(eff.status == .undetermined)
        #expect(Fixture.ruleID(eff.mayOutrank) == "52-7-1-land-tax-new")
        #expect(c.results[CatalogFixture.index("52-7-1-land-tax-upgrade")].status == .ineligible)
    }

    // MARK: 24. 52-7-2-standard-factory — 三免两减半, urban-industrial, from 2017-08-14, days

    @Test(arguments: [
        // Lease 2015-01-01, rent 120,000: years 1–3 = [2015-01-01, 2018-01-01).
        // 2017: free from 2017-08-14: 120,000 × 140/365 = 16,800,000/365 = 46,027.397… → 46,027.40
        ("2015-01-01", 120000, 2017, "46027.40"),
        // 2018: lease year 4, half: 0.5 × 120,000 = 60,000.00; 2019: year 5, 60,000.00
        ("2015-01-01", 120000, 2018, "60000"),
        ("2015-01-01", 120000, 2019, "60000"),
        // Lease 2016-07-01, rent 100,000, 2019: free until 2019-07-01 (181 days), half after (184 days):
        // 100,000 × (181/365 + 0.5 × 184/365) = 100,000 × 273/365 = 27,300,000/365 = 74,794.520… → 74,794.52
        ("2016-07-01", 100000, 2019, "74794.52"),
        // Same lease, 2021: half until 2021-07-01 (181 days): 0.5 × 100,000 × 181/365 = 9,050,000/365 = 24,794.520… → 24,794.52
        ("2016-07-01", 100000, 2021, "24794.52"),
    ])
    func standardFactoryRentIsFreeThreeYearsThenHalf(_ start: String, _ rent: Int, _ year: Int, _ expected: String) throws {
        let json = CatalogFixture.urban(#""standard_factory_lease": {"start_on": ""# + start + #"", "annual_rent": "# + String(rent)
                                 + #", "park_built": true}"#)
        expectEligible(try Fixture.result(json, rule: "52-7-2-standard-factory", year: year), expected)
    }

    @Test func standardFactoryLeaseEndsAfterFiveYears() throws {
        // Lease 2015-01-01: [2015-01-01, 2020-01-01) does not meet 2020.
        let r = try Fixture.result(CatalogFixture.urban(#""standard_factory_lease": {"start_on": "2015-01-01", "annual_rent": 120000, "park_built": true}"#),
                                   rule: "52-7-2-standard-factory", year: 2020)
        #expect(r.status == .ineligible)
        #expect(r.failure == .enterpriseWindow(CatalogFixture.range("2015-01-01", "2020-01-01")))
    }

    @Test func standardFactoryMustBeParkBuilt() throws {
        let r = try Fixture.result(CatalogFixture.urban(#""standard_factory_lease": {"start_on": "2015-01-01", "annual_rent": 120000, "park_built": false}"#),
                                   rule: "52-7-2-standard-factory", year: 2018)
        expectIneligible(r, failing: "park_built")
    }
}
