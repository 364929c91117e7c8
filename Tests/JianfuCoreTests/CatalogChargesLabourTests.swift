import Testing
@testable import JianfuCore

// 52号 三、四、五 (intermediary and association charges, rules 13–15) and 六 (labour, rules 16–20).
// Hand computations in the comments; helpers in CatalogTaxFeeTests.swift.

@Suite struct CatalogChargesTests: CatalogChecks {
    // MARK: 13. 52-4-2-survey-fees — urban-industrial, from 2017-08-14, days

    @Test func intermediaryServiceFeesFallTwentyPercentFromPolicyStart() throws {
        // 52号 四(二): 20% × (10,000 + 20,000 + 30,000) = 12,000 a year.
        // 2017: 12,000 × 140/365 = 1,680,000/365 = 4,602.739… → 4,602.74; 2018: 12,000.00; 2016 not in force.
        let json = CatalogFixture.urban(#""survey_fees": 10000, "pile_testing_fees": 20000, "env_monitoring_fees": 30000"#)
        expectEligible(try Fixture.result(json, rule: "52-4-2-survey-fees", year: 2017), "4602.74")
        expectEligible(try Fixture.result(json, rule: "52-4-2-survey-fees", year: 2018), "12000")
        #expect(try Fixture.result(json, rule: "52-4-2-survey-fees", year: 2016).status == .notInForce)
    }

    @Test func intermediaryServiceFeesWithAFeeMissingAreUndetermined() throws {
        let r = try Fixture.result(CatalogFixture.urban(#""survey_fees": 10000, "env_monitoring_fees": 30000"#),
                                   rule: "52-4-2-survey-fees", year: 2018)
        #expect(r.status == .undetermined)
        #expect(CatalogFixture.missing(r) == ["pile_testing_fees"])
    }

    // MARK: 14. 52-5-2-association-fee — urban-industrial, from 2017-08-14, days

    @Test(arguments: [
        // 2018, whole year: 50% × 10,000 = 5,000.00 (“1万元以上” includes 10,000).
        CatalogRow(note: "vice-president 10,000", rule: "52-5-2-association-fee",
            json: CatalogFixture.urban(#""association_fees": [{"role": "vice_president", "annual_fee": 10000}]"#), year: 2018,
            outcome: .saving("5000")),
        CatalogRow(note: "president 10,000", rule: "52-5-2-association-fee",
            json: CatalogFixture.urban(#""association_fees": [{"role": "president", "annual_fee": 10000}]"#), year: 2018,
            outcome: .saving("5000")),
        CatalogRow(note: "vice-president 9,999.99", rule: "52-5-2-association-fee",
            json: CatalogFixture.urban(#""association_fees": [{"role": "vice_president", "annual_fee": 9999.99}]"#), year: 2018,
            outcome: .failing("covered_membership")),
        CatalogRow(note: "member 10,000", rule: "52-5-2-association-fee",
            json: CatalogFixture.urban(#""association_fees": [{"role": "member", "annual_fee": 10000}]"#), year: 2018,
            outcome: .failing("covered_membership")),
        CatalogRow(note: "member 50,000", rule: "52-5-2-association-fee",
            json: CatalogFixture.urban(#""association_fees": [{"role": "member", "annual_fee": 50000}]"#), year: 2018,
            outcome: .failing("covered_membership")),
        CatalogRow(note: "empty list", rule: "52-5-2-association-fee",
            json: CatalogFixture.urban(#""association_fees": []"#), year: 2018, outcome: .failing("covered_membership")),
        // 2017, three memberships, only the president's 20,000 is covered: 50% × 20,000 × 140/365
        // = 1,400,000/365 = 3,835.616… → 3,835.62
        CatalogRow(note: "mixed memberships 2017", rule: "52-5-2-association-fee",
            json: CatalogFixture.urban(#""association_fees": [{"role": "president", "annual_fee": 20000}, {"role": "member", "annual_fee": 30000}, {"role": "vice_president", "annual_fee": 9999.99}]"#),
            year: 2017, outcome: .saving("3835.62")),
        // A member's fee without an amount is excluded by its role; the president's 12,000 → 6,000.00
        CatalogRow(note: "member without fee", rule: "52-5-2-association-fee",
            json: CatalogFixture.urban(#""association_fees": [{"role": "member"}, {"role": "president", "annual_fee": 12000}]"#), year: 2018,
            outcome: .saving("6000")),
    ])
    func associationFeeCutCoversPresidentsFromTenThousand(_ row: CatalogRow) throws {
        try expectRow(row)
    }

    @Test func associationFeeOfAPresidentWithoutAmountIsUndetermined() throws {
        let r = try Fixture.result(CatalogFixture.urban(#""association_fees": [{"role": "president"}]"#),
                                   rule: "52-5-2-association-fee", year: 2018)
        #expect(r.status == .undetermined)
        #expect(CatalogFixture.missing(r).contains("association_fees[0].annual_fee"))
    }

    // MARK: 15. 52-5-3-risk-deposit — urban-industrial, from 2017-08-14, none, liquidity

    @Test func riskDepositRefundIsLiquidityWithAYearsFinancingValue() throws {
        // 52号 五(三): amount 200,000.00 refunded; saving 200,000 × 4.35% = 8,700.00, not prorated in 2017.
        let r = try Fixture.result(CatalogFixture.urban(#""safety_risk_deposit": 200000"#), rule: "52-5-3-risk-deposit", year: 2017)
        expectEligible(r, "8700")
        #expect(r.amount == Fixture.fen("200000"))
        #expect(try Fixture.result(CatalogFixture.urban(#""safety_risk_deposit": 200000"#), rule: "52-5-3-risk-deposit", year: 2016).status
                == .notInForce)
    }

    @Test func riskDepositRefundIsForTheUrbanAreaOnly() throws {
        // 常山县 330822 is outside 衢州市区.
        let r = try Fixture.result(CatalogFixture.profile(#""region_code": "330822", "industry_code": "C2614", "safety_risk_deposit": 200000"#),
                                   rule: "52-5-3-risk-deposit", year: 2017)
        #expect(r.status == .ineligible)
        #expect(r.failure == .region("330822"))
    }
}

@Suite struct CatalogLabourTests: CatalogChecks {
    // MARK: 16. 52-6-1-si-cap — urban-industrial, from 2017-08-14, months

    @Test func socialInsuranceCapCountsSeptemberToDecemberIn2017() throws {
        // 52号 六(一): cap = 300% × 73,326/12 = 3 × 6,110.50 = 18,331.50 a month.
        // Wages 20,000, 18,331.50 (at the cap, not above), 5,000: excess 1,668.50 a month.
        // Annual: 1,668.50 × 12 × 14% = 2,803.08; 2017: Sep–Dec = 4/12 → 934.36; 2018: 2,803.08
        let json = CatalogFixture.urban(#""monthly_wages": [20000, 18331.50, 5000]"#)
        expectEligible(try Fixture.result(json, rule: "52-6-1-si-cap", year: 2017), "934.36")
        expectEligible(try Fixture.result(json, rule: "52-6-1-si-cap", year: 2018), "2803.08")
    }

    @Test(arguments: [
        // The only wage is exactly at the cap: not above → ineligible.
        CatalogRow(note: "wage at the cap", rule: "52-6-1-si-cap",
            json: CatalogFixture.urban(#""monthly_wages": [18331.50]"#), year: 2018, outcome: .failing("wage_above_cap")),
        // A fen above: 0.01 × 12 × 14% = 0.0168 → 0.02
        CatalogRow(note: "wage a fen above", rule: "52-6-1-si-cap",
            json: CatalogFixture.urban(#""monthly_wages": [18331.51]"#), year: 2018, outcome: .saving("0.02")),
        // With the enterprise's own rate 30%: (28,331.50 − 18,331.50) × 12 × 30% = 36,000.00
        CatalogRow(note: "own SI rate 30%", rule: "52-6-1-si-cap",
            json: CatalogFixture.urban(#""monthly_wages": [28331.50], "employer_si_rate": 0.3"#), year: 2018, outcome: .saving("36000")),
        CatalogRow(note: "empty list", rule: "52-6-1-si-cap",
            json: CatalogFixture.urban(#""monthly_wages": []"#), year: 2018, outcome: .failing("wage_above_cap")),
    ])
    func socialInsuranceCapAppliesOnlyAboveThreeHundredPercent(_ row: CatalogRow) throws {
        try expectRow(row)
    }

    @Test func socialInsuranceCapWithoutWagesIsUndetermined() throws {
        let r = try Fixture.result(CatalogFixture.urban(), rule: "52-6-1-si-cap", year: 2018)
        #expect(r.status == .undetermined)
        #expect(CatalogFixture.missing(r) == ["monthly_wages"])
    }

    // MARK: 17. 52-6-2-medical-base — urban-industrial, from 2017-08-14, informational

    @Test func medicalInsuranceBaseIsInformationalForUrbanIndustry() throws {
        let r = try Fixture.result(CatalogFixture.urban(), rule: "52-6-2-medical-base", year: 2017)
        #expect(r.status == .eligible)
        #expect(r.low == nil && r.high == nil)
        // A wholesaler (section F) in 柯城区 is not an industrial enterprise.
        let f = try Fixture.result(CatalogFixture.profile(#""region_code": "330802", "industry_code": "F5110""#),
                                   rule: "52-6-2-medical-base", year: 2017)
        #expect(f.status == .ineligible)
        guard case .industry? = f.failure else { Issue.record("expected an industry failure, got \(String(describing: f.failure))"); return }
    }

    // MARK: 18. 52-6-3-unemployment — zhejiang, 2017-05-01..2018-12-31, months

    @Test func unemploymentRateCutCountsMayToDecemberIn2017() throws {
        // 52号 六(三): 2,000,000 × (1% − 0.5%) = 10,000 a year.
        // 2017: May–Dec = 8/12 → 6,666.666… → 6,666.67; 2018: 10,000.00; 2019: not in force (ends 2018-12-31).
        let json = CatalogFixture.urban(#""unemployment_insurance_base": 2000000"#)
        expectEligible(try Fixture.result(json, rule: "52-6-3-unemployment", year: 2017), "6666.67")
        expectEligible(try Fixture.result(json, rule: "52-6-3-unemployment", year: 2018), "10000")
        #expect(try Fixture.result(json, rule: "52-6-3-unemployment", year: 2019).status == .notInForce)
    }

    @Test func unemploymentBaseDefaultsToThePayroll() throws {
        // unemployment_insurance_base missing → annual_payroll 2,000,000 (assumed): 2018 → 10,000.00
        let r = try Fixture.result(CatalogFixture.urban(#""annual_payroll": 2000000"#), rule: "52-6-3-unemployment", year: 2018)
        expectEligible(r, "10000")
        #expect(r.assumed.contains(Fixture.policy.schema.fieldIndex("unemployment_insurance_base")!))
    }

    @Test func unemploymentRateCutIsForZhejiangOnly() throws {
        let r = try Fixture.result(CatalogFixture.profile(#""region_code": "320102", "industry_code": "C2614", "unemployment_insurance_base": 2000000"#),
                                   rule: "52-6-3-unemployment", year: 2018)
        #expect(r.status == .ineligible)
        #expect(r.failure == .region("320102"))
    }

    // MARK: 19. 52-6-3-si-deferral — zhejiang, from 2017-08-14, none, liquidity

    @Test func socialInsuranceDeferralIsLiquidityForEnterprisesInDifficulty() throws {
        // 52号 六(三): amount 500,000.00 deferred; saving 500,000 × 4.35% = 21,750.00, not prorated in 2017.
        let r = try Fixture.result(CatalogFixture.urban(#""in_difficulty": true, "restructuring_aligned": true, "si_deferral_requested": 500000"#),
                                   rule: "52-6-3-si-deferral", year: 2017)
        expectEligible(r, "21750")
        #expect(r.amount == Fixture.fen("500000"))
    }

    @Test func socialInsuranceDeferralNeedsBothCertifications() throws {
        let notInDifficulty = try Fixture.result(CatalogFixture.urban(#""in_difficulty": false, "si_deferral_requested": 500000"#),
                                                 rule: "52-6-3-si-deferral", year: 2017)
        expectIneligible(notInDifficulty, failing: "in_difficulty")
        let unknownAlignment = try Fixture.result(CatalogFixture.urban(#""in_difficulty": true, "si_deferral_requested": 500000"#),
                                                  rule: "52-6-3-si-deferral", year: 2017)
        #expect(unknownAlignment.status == .undetermined)
        #expect(CatalogFixture.missing(unknownAlignment) == ["restructuring_aligned"])
    }

    // MARK: 20. 52-6-4-union-fee — zhejiang, 2017-07-01..2019-12-31, months

    @Test func unionFeeCutCountsJulyToDecemberIn2017() throws {
        // 52号 六(四): 20% × 10,000 = 2,000 a year. 2017: Jul–Dec = 6/12 → 1,000.00; 2019: 2,000.00; 2020 not in force.
        let json = CatalogFixture.urban(#""union_fee_remitted": 10000"#)
        expectEligible(try Fixture.result(json, rule: "52-6-4-union-fee", year: 2017), "1000")
        expectEligible(try Fixture.result(json, rule: "52-6-4-union-fee", year: 2019), "2000")
        #expect(try Fixture.result(json, rule: "52-6-4-union-fee", year: 2020).status == .notInForce)
    }

    @Test func unionFeeDefaultsToFortyPercentOfTwoPercentOfPayroll() throws {
        // union_fee_remitted missing → assumed 1,000,000 × 2% × 40% = 8,000.
        // 2018: 20% × 8,000 = 1,600.00; 2017: 1,600 × 6/12 = 800.00
        let json = CatalogFixture.urban(#""annual_payroll": 1000000"#)
        let r = try Fixture.result(json, rule: "52-6-4-union-fee", year: 2018)
        expectEligible(r, "1600")
        #expect(r.assumed.contains(Fixture.policy.schema.fieldIndex("union_fee_remitted")!))
        expectEligible(try Fixture.result(json, rule: "52-6-4-union-fee", year: 2017), "800")
    }
}
