import Testing
@testable import JianfuCore

// 52号 八 (financing, rules 25–26), 十一 (rule 27), then the cross-cutting conventions: window ends, three-valued
// logic, half-fen rounding and totals. Hand computations in the comments; helpers in CatalogTaxFeeTests.swift.

@Suite struct CatalogFinanceTests: CatalogChecks {
    // MARK: 25. 52-8-1-turnover-rate — urban-industrial, from 2017-08-14, days

    @Test(arguments: [
        // 2018 (whole year), one loan of 1,000,000:
        // ≤ 5 days: (0.02% − 0.016%) = 0.004%/day; 6–15 days: (0.03% − 0.024%) = 0.006%/day; > 15: not covered.
        (1, "40"),    // 1,000,000 × 1 × 0.00004 = 40.00
        (5, "200"),   // 1,000,000 × 5 × 0.00004 = 200.00
        (6, "360"),   // 1,000,000 × 6 × 0.00006 = 360.00
        (15, "900"),  // 1,000,000 × 15 × 0.00006 = 900.00
    ])
    func turnoverLoanRateCutDependsOnTheDays(_ days: Int, _ expected: String) throws {
        let json = CatalogFixture.urban(#""turnover_loans": [{"amount": 1000000, "days": "# + String(days) + "}]")
        expectEligible(try Fixture.result(json, rule: "52-8-1-turnover-rate", year: 2018), expected)
    }

    @Test func turnoverLoanOfSixteenDaysAloneIsNotCovered() throws {
        let r = try Fixture.result(CatalogFixture.urban(#""turnover_loans": [{"amount": 1000000, "days": 16}]"#),
                                   rule: "52-8-1-turnover-rate", year: 2018)
        expectIneligible(r, failing: "covered_loan")
        expectIneligible(try Fixture.result(CatalogFixture.urban(#""turnover_loans": []"#), rule: "52-8-1-turnover-rate", year: 2018),
                         failing: "covered_loan")
    }

    @Test func turnoverLoansAreSummedAndProrated() throws {
        // Loans of 1,000,000 for 5, 6, 15 and 16 days: 200 + 360 + 900 + 0 = 1,460 a year.
        // 2017: 1,460 × 140/365 = 204,400/365 = 560 exactly → 560.00
        let json = CatalogFixture.urban(#"""
            "turnover_loans": [{"amount": 1000000, "days": 5}, {"amount": 1000000, "days": 6},
                               {"amount": 1000000, "days": 15}, {"amount": 1000000, "days": 16}]
            """#)
        expectEligible(try Fixture.result(json, rule: "52-8-1-turnover-rate", year: 2017), "560")
        expectEligible(try Fixture.result(json, rule: "52-8-1-turnover-rate", year: 2018), "1460")
    }

    @Test func turnoverLoanItemsMissingKeys() throws {
        // A 20-day loan needs no amount: only the 5-day loan counts → 200.00 (2018).
        let excluded = try Fixture.result(CatalogFixture.urban(#""turnover_loans": [{"days": 20}, {"amount": 1000000, "days": 5}]"#),
                                          rule: "52-8-1-turnover-rate", year: 2018)
        expectEligible(excluded, "200")
        // A loan without days, or a covered one without amount, is undetermined, named by JSON path.
        let noDays = try Fixture.result(CatalogFixture.urban(#""turnover_loans": [{"amount": 1000000}]"#), rule: "52-8-1-turnover-rate", year: 2018)
        #expect(noDays.status == .undetermined)
        #expect(CatalogFixture.missing(noDays).contains("turnover_loans[0].days"))
        let noAmount = try Fixture.result(CatalogFixture.urban(#""turnover_loans": [{"days": 5}]"#), rule: "52-8-1-turnover-rate", year: 2018)
        #expect(noAmount.status == .undetermined)
        #expect(CatalogFixture.missing(noAmount).contains("turnover_loans[0].amount"))
    }

    // MARK: 26. 52-8-2-guarantee-fee — urban-industrial, from 2017-08-14, days

    @Test func stateOwnedGuaranteeFeeAboveOnePointFivePercentIsSaved() throws {
        // 52号 八(二): 10,000,000 × (2.5% − 1.5%) = 100,000 a year.
        // 2017: 100,000 × 140/365 = 14,000,000/365 = 38,356.164… → 38,356.16; 2018: 100,000.00
        let json = CatalogFixture.urban(#""guarantees": [{"amount": 10000000, "annual_rate": 0.025, "state_owned": true}]"#)
        expectEligible(try Fixture.result(json, rule: "52-8-2-guarantee-fee", year: 2017), "38356.16")
        expectEligible(try Fixture.result(json, rule: "52-8-2-guarantee-fee", year: 2018), "100000")
    }

    @Test(arguments: [
        // State-owned at exactly 1.5%: covered, saves 0 → eligible 0.00; at 1% likewise (max(0, …)).
        CatalogRow(note: "state-owned at 1.5%", rule: "52-8-2-guarantee-fee",
            json: CatalogFixture.urban(#""guarantees": [{"amount": 10000000, "annual_rate": 0.015, "state_owned": true}]"#), year: 2018,
            outcome: .saving("0")),
        CatalogRow(note: "state-owned at 1%", rule: "52-8-2-guarantee-fee",
            json: CatalogFixture.urban(#""guarantees": [{"amount": 10000000, "annual_rate": 0.01, "state_owned": true}]"#), year: 2018,
            outcome: .saving("0")),
        CatalogRow(note: "private at 1.5%", rule: "52-8-2-guarantee-fee",
            json: CatalogFixture.urban(#""guarantees": [{"amount": 10000000, "annual_rate": 0.015, "state_owned": false}]"#), year: 2018,
            outcome: .failing("state_guarantor")),
        CatalogRow(note: "private at 3%", rule: "52-8-2-guarantee-fee",
            json: CatalogFixture.urban(#""guarantees": [{"amount": 10000000, "annual_rate": 0.03, "state_owned": false}]"#), year: 2018,
            outcome: .failing("state_guarantor")),
        // A private guarantor needs no rate; the state-owned 1,000,000 at 2%: 1,000,000 × 0.5% = 5,000.00
        CatalogRow(note: "private without rate + state-owned at 2%", rule: "52-8-2-guarantee-fee",
            json: CatalogFixture.urban(#""guarantees": [{"amount": 3000000, "state_owned": false}, {"amount": 1000000, "annual_rate": 0.02, "state_owned": true}]"#),
            year: 2018, outcome: .saving("5000")),
    ])
    func guaranteeFeeCeilingCoversStateOwnedGuarantorsOnly(_ row: CatalogRow) throws {
        try expectRow(row)
    }

    @Test func stateOwnedGuaranteeWithoutRateIsUndetermined() throws {
        let r = try Fixture.result(CatalogFixture.urban(#""guarantees": [{"amount": 1000000, "state_owned": true}]"#),
                                   rule: "52-8-2-guarantee-fee", year: 2018)
        #expect(r.status == .undetermined)
        #expect(CatalogFixture.missing(r).contains("guarantees[0].annual_rate"))
    }

    // MARK: 27. 52-11-truck-toll — zhejiang, from 2017-08-14, informational

    @Test func truckTollIsInformationalInZhejiang() throws {
        let jiangshan = try Fixture.result(CatalogFixture.profile(#""region_code": "330881", "industry_code": "G5430""#),
                                           rule: "52-11-truck-toll", year: 2017)
        #expect(jiangshan.status == .eligible)
        #expect(jiangshan.low == nil && jiangshan.high == nil)
        let nanjing = try Fixture.result(CatalogFixture.profile(#""region_code": "320102", "industry_code": "G5430""#),
                                         rule: "52-11-truck-toll", year: 2017)
        #expect(nanjing.failure == .region("320102"))
        #expect(try Fixture.result(CatalogFixture.urban(), rule: "52-11-truck-toll", year: 2016).status == .notInForce)
    }
}

@Suite struct CatalogConventionTests: CatalogChecks {
    // MARK: Coverage: every rule of 52号 has a hand-computed case in these files

    /// The rule ids exercised by CatalogTaxFeeTests, CatalogChargesLabourTests, CatalogLandFinanceTests and this file.
    static let covered: Set<String> = [
        "52-2-1-funds", "52-2-2-disabled-exempt", "52-2-2-disabled-exempt-2015", "52-2-2-disabled-cap", "52-2-3-fees",
        "52-2-4-vat", "52-2-5-small-profit", "52-2-6-rd-deduction", "52-2-7-logistics-land", "52-2-7-key-groups",
        "52-2-8-subsidy", "52-2-9-deed-tax", "52-2-10-infrastructure-fee", "52-4-2-survey-fees", "52-5-2-association-fee",
        "52-5-3-risk-deposit", "52-6-1-si-cap", "52-6-2-medical-base", "52-6-3-unemployment", "52-6-3-si-deferral",
        "52-6-4-union-fee", "52-7-1-land-tax-efficiency", "52-7-1-land-tax-new", "52-7-1-land-tax-upgrade",
        "52-7-2-standard-factory", "52-8-1-turnover-rate", "52-8-2-guarantee-fee", "52-11-truck-toll",
    ]

    @Test func everyRuleOfDocument52HasAHandComputedCase() {
        // The notes' 28 rules (27 numbered, plus 2b). A rule added to the catalog must get its own case here.
        let catalog = Set(Fixture.policy.rules.map(\.id).filter { $0.hasPrefix("52-") })
        #expect(catalog == Self.covered)
        #expect(Self.covered.count == 28)
    }

    @Test func actionPlanMeasuresAreInformationalAcrossQuzhou() throws {
        // 51号 rules: scope quzhou (any code starting 3308), from 2017-08-14, no amount.
        let jiangshan = try Fixture.check(CatalogFixture.profile(#""region_code": "330881", "industry_code": "F5110""#), year: 2017)
        let shanghai = try Fixture.check(CatalogFixture.profile(#""region_code": "310101", "industry_code": "F5110""#), year: 2017)
        for (i, rule) in Fixture.policy.rules.enumerated() where rule.id.hasPrefix("51-") {
            let r = jiangshan.results[i]
            // 51-2-8-3 (跨境电商) is for industrial enterprises; a wholesaler fails its condition.
            #expect(r.status == (rule.id == "51-2-8-3-cross-border-ecommerce" ? .ineligible : .eligible), "\(rule.id)")
            #expect(r.low == nil, "\(rule.id)")
            #expect(shanghai.results[i].failure == .region("310101"), "\(rule.id)")
        }
        let before = try Fixture.check(CatalogFixture.urban(), year: 2016)
        let actionPlan = before.results.filter { Fixture.policy.rules[$0.rule].id.hasPrefix("51-") }
        #expect(!actionPlan.isEmpty)
        #expect(actionPlan.allSatisfy { $0.status == .notInForce })
    }

    // MARK: Window ends: rules ending 2019-12-31 are in force all of 2019 and not in 2020; rule 18 ends 2018-12-31.

    /// One profile that feeds every amount rule whose window ends.
    static let ending = CatalogFixture.urban(#"""
        "taxable_income": 200000, "employees": 50, "total_assets": 5000000, "is_tech_sme": true, "rd_expense": 1000000,
        "infrastructure_fee_standard": 1000000, "union_fee_remitted": 10000, "unemployment_insurance_base": 2000000,
        "restructuring_transfer_value": 10000000
        """#)

    @Test(arguments: [
        ("52-2-5-small-profit", 2019, "30000"),                // 200,000 × 15%
        ("52-2-6-rd-deduction", 2019, "187500"),               // 1,000,000 × 75% × 25%
        ("52-2-10-infrastructure-fee", 2019, "300000"),        // 30% × 1,000,000
        ("52-6-4-union-fee", 2019, "2000"),                    // 20% × 10,000, 12/12 months
        ("52-6-3-unemployment", 2018, "10000"),                // 2,000,000 × 0.5%, 12/12 months
        ("52-2-9-deed-tax", 2020, "300000"),                   // 10,000,000 × 3%
    ])
    func lastYearOfAWindowIsFull(_ rule: String, _ year: Int, _ expected: String) throws {
        expectEligible(try Fixture.result(Self.ending, rule: rule, year: year), expected)
    }

    @Test(arguments: [
        ("52-2-5-small-profit", 2020), ("52-2-6-rd-deduction", 2020), ("52-2-7-logistics-land", 2020),
        ("52-2-7-key-groups", 2020), ("52-2-10-infrastructure-fee", 2020), ("52-6-4-union-fee", 2020),
        ("52-6-3-unemployment", 2019), ("52-2-9-deed-tax", 2021), ("52-2-2-disabled-exempt-2015", 2018),
    ])
    func yearAfterAWindowIsNotInForce(_ rule: String, _ year: Int) throws {
        #expect(try Fixture.result(Self.ending, rule: rule, year: year).status == .notInForce)
    }

    // MARK: Three-valued logic

    @Test func smallProfitWithoutIndustryFailsWhenBothSizeLimitsFail() throws {
        // industry_code missing, 150 employees: > 100 (industrial) and > 80 (other) → ineligible, not undetermined.
        let r = try Fixture.result(CatalogFixture.profile(#""region_code": "330802", "taxable_income": 200000, "employees": 150, "total_assets": 5000000"#),
                                   rule: "52-2-5-small-profit", year: 2018)
        expectIneligible(r, failing: "small_size")
    }

    @Test func smallProfitWithoutIndustryIsUndeterminedWhenTheLimitsDisagree() throws {
        // 90 employees: within 100 (industrial), above 80 (other) → the section decides: undetermined, needs industry_code.
        let r = try Fixture.result(CatalogFixture.profile(#""region_code": "330802", "taxable_income": 200000, "employees": 90, "total_assets": 5000000"#),
                                   rule: "52-2-5-small-profit", year: 2018)
        #expect(r.status == .undetermined)
        #expect(CatalogFixture.missing(r) == ["industry_code"])
    }

    @Test func urbanIndustrialRuleWithoutRegionIsUndetermined() throws {
        let r = try Fixture.result(CatalogFixture.profile(#""industry_code": "C2614", "survey_fees": 1, "pile_testing_fees": 1, "env_monitoring_fees": 1"#),
                                   rule: "52-4-2-survey-fees", year: 2018)
        #expect(r.status == .undetermined)
        #expect(CatalogFixture.missing(r).contains("region_code"))
    }

    @Test func urbanIndustrialRuleOutsideTheUrbanAreaFailsOnRegion() throws {
        // 江山市 330881 is in Quzhou but not in 衢州市区 → region failure, whatever else is missing.
        let r = try Fixture.result(CatalogFixture.profile(#""region_code": "330881", "industry_code": "C2614""#),
                                   rule: "52-4-2-survey-fees", year: 2018)
        #expect(r.status == .ineligible)
        #expect(r.failure == .region("330881"))
    }

    // MARK: Half-fen rounding: half up, once, at the end

    @Test(arguments: [
        // 52号 二(九), none: 12,345.50 × 3% = 370.365 → 370.37
        CatalogRow(note: "deed tax exactly half", rule: "52-2-9-deed-tax",
            json: CatalogFixture.urban(#""restructuring_transfer_value": 12345.50"#), year: 2017, outcome: .saving("370.37")),
        // just below half: 12,345.49 × 3% = 370.3647 → 370.36
        CatalogRow(note: "deed tax below half", rule: "52-2-9-deed-tax",
            json: CatalogFixture.urban(#""restructuring_transfer_value": 12345.49"#), year: 2017, outcome: .saving("370.36")),
        // 52号 二(十), 2018 whole year: 30% × 1,234.55 = 370.365 → 370.37
        CatalogRow(note: "infrastructure fee exactly half", rule: "52-2-10-infrastructure-fee",
            json: CatalogFixture.urban(#""infrastructure_fee_standard": 1234.55"#), year: 2018, outcome: .saving("370.37")),
        // 52号 二(八), none: 1,234.58 × 25% = 308.645 → 308.65; 1,234.57 × 25% = 308.6425 → 308.64
        CatalogRow(note: "subsidy exactly half", rule: "52-2-8-subsidy",
            json: CatalogFixture.urban(#""nontaxable_subsidy": 1234.58"#), year: 2017, outcome: .saving("308.65")),
        CatalogRow(note: "subsidy below half", rule: "52-2-8-subsidy",
            json: CatalogFixture.urban(#""nontaxable_subsidy": 1234.57"#), year: 2017, outcome: .saving("308.64")),
        // 52号 二(五), 2018: 123,456.70 × 15% = 18,518.505 → 18,518.51
        CatalogRow(note: "small profit exactly half", rule: "52-2-5-small-profit",
            json: CatalogFixture.urban(#""taxable_income": 123456.70, "employees": 10, "total_assets": 1000000"#), year: 2018,
            outcome: .saving("18518.51")),
        // 52号 六(三), 2018, 12 months: 101 × 0.5% = 0.505 → 0.51
        CatalogRow(note: "unemployment exactly half", rule: "52-6-3-unemployment",
            json: CatalogFixture.urban(#""unemployment_insurance_base": 101"#), year: 2018, outcome: .saving("0.51")),
        // 52号 六(四), 2017 months Jul–Dec: 20% × 12,345.65 × 6/12 = 1,234.565 → 1,234.57 (prorated, then rounded once)
        CatalogRow(note: "union fee prorated exactly half", rule: "52-6-4-union-fee",
            json: CatalogFixture.urban(#""union_fee_remitted": 12345.65"#), year: 2017, outcome: .saving("1234.57")),
    ])
    func halfAFenRoundsUp(_ row: CatalogRow) throws {
        try expectRow(row)
    }

    // MARK: Totals

    /// A 2018 enterprise in 柯城区 touching most rules.
    static let full = CatalogFixture.urban(#"""
        "year": 2018, "registered_on": "2010-01-01", "employees": 100, "disabled_employees": 0,
        "total_assets": 20000000, "annual_payroll": 10000000, "monthly_wages": [20000], "taxable_income": 400000,
        "local_average_wage": 60000, "is_tech_sme": true, "rd_expense": 200000,
        "land_use_tax": 100000, "tax_per_mu": 100, "industry_tax_per_mu": 100, "evaluation_grade": "A",
        "tech_upgrade_investment": 5000000, "zero_land_equipment_investment": 0,
        "turnover_loans": [{"amount": 1000000, "days": 5}],
        "guarantees": [{"amount": 10000000, "annual_rate": 0.025, "state_owned": true}],
        "association_fees": [{"role": "president", "annual_fee": 20000}],
        "infrastructure_fee_standard": 200000, "trademark_classes": 2, "cancelled_fees_paid": 1000,
        "utility_surcharge_paid": 10000, "wall_material_fund_paid": 5000, "vat_13_goods_sales": 1000000,
        "nontaxable_subsidy": 100000,
        "standard_factory_lease": {"start_on": "2015-01-01", "annual_rent": 120000, "park_built": true},
        "safety_risk_deposit": 100000, "in_difficulty": false,
        "survey_fees": 10000, "pile_testing_fees": 0, "env_monitoring_fees": 5000
        """#)

    @Test func totalsAddTheRoundedSavingsOfEligibleRulesOnly() throws {
        // 2018, each rule over the whole year:
        //  1 funds            10,000 + 5,000                          =  15,000.00  tax_fee
        //  4 fees             1,000 + 2 × (600 − 300)                 =   1,600.00  tax_fee
        //  5 vat              1,000,000 × 2%                          =  20,000.00  tax_fee
        //  6 small profit     400,000 × 15% (100 staff, 2000万)       =  60,000.00  tax_fee
        //  7 R&D              200,000 × 75% × 25%                     =  37,500.00  tax_fee
        // 10 subsidy          100,000 × 25%                           =  25,000.00  tax_fee
        // 12 infrastructure   30% × 200,000                           =  60,000.00  tax_fee
        // 13 services         20% × (10,000 + 0 + 5,000)              =   3,000.00  tax_fee
        // 14 association      50% × 20,000                            =  10,000.00  tax_fee
        // 15 risk deposit     100,000 × 4.35% (amount 100,000 apart)  =   4,350.00  tax_fee
        // 21 efficiency       [30%, 60%] × 100,000                    = 30,000.00 – 60,000.00 tax_fee
        // 16 SI cap           (20,000 − 18,331.50) × 12 × 14%         =   2,803.08  labour
        // 18 unemployment     10,000,000 (default base) × 0.5%        =  50,000.00  labour
        // 20 union            20% × 10,000,000 × 2% × 40% (default)   =  16,000.00  labour
        // 24 standard factory 50% × 120,000 (lease year 4)            =  60,000.00  land
        // 25 turnover         1,000,000 × 5 × 0.004%                  =     200.00  finance
        // 26 guarantee        10,000,000 × 1%                         = 100,000.00  finance
        // Not added: 23 upgrade 30,000.00 (superseded by 21); 11 deed tax (undetermined: no transfer value);
        // 2, 3, 8, 19, 22 ineligible; 2b not in force; informational rules have no amount.
        // tax_fee 236,450.00 + 30,000.00 = 266,450.00 – 296,450.00; labour 68,803.08; land 60,000.00; finance 100,200.00
        // low 495,453.08, high 525,453.08; liquidity 100,000.00 (not in the savings).
        let c = try Fixture.check(Self.full)
        #expect(c.results[CatalogFixture.index("52-7-1-land-tax-upgrade")].status == .superseded)
        #expect(c.results[CatalogFixture.index("52-7-1-land-tax-upgrade")].low == Fixture.fen("30000"))
        #expect(c.results[CatalogFixture.index("52-2-9-deed-tax")].status == .undetermined)
        for id in ["52-2-2-disabled-exempt", "52-2-2-disabled-cap", "52-2-7-logistics-land", "52-6-3-si-deferral", "52-7-1-land-tax-new"] {
            #expect(c.results[CatalogFixture.index(id)].status == .ineligible, "\(id)")
        }
        #expect(c.totals.low == Fixture.fen("495453.08"))
        #expect(c.totals.high == Fixture.fen("525453.08"))
        #expect(c.totals.liquidity == Fixture.fen("100000"))
        #expect(c.totals.undetermined == 1)
        #expect(c.totals.byCategory["tax_fee"]?.low == Fixture.fen("266450"))
        #expect(c.totals.byCategory["tax_fee"]?.high == Fixture.fen("296450"))
        #expect(c.totals.byCategory["labour"]?.low == Fixture.fen("68803.08"))
        #expect(c.totals.byCategory["land"]?.low == Fixture.fen("60000"))
        #expect(c.totals.byCategory["finance"]?.low == Fixture.fen("100200"))
        // The totals are exactly the sum of the eligible rules' rounded savings.
        let eligible = c.results.filter { $0.status == .eligible }
        #expect(c.totals.low == eligible.reduce(Int128(0)) { $0 + ($1.low ?? 0) })
        #expect(c.totals.high == eligible.reduce(Int128(0)) { $0 + ($1.high ?? 0) })
    }
}
