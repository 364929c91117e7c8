import Testing
@testable import JianfuCore

@Suite struct GuidanceTests {
    static let urban = #""year": 2017, "region_code": "330802", "industry_code": "C2614""#

    func nearMiss(_ json: String, rule: String) throws -> NearMiss? {
        let p = try Fixture.profile(json)
        let r = try #require(Fixture.engine.check(p, year: 2017, trace: true))
        let i = try #require(Fixture.policy.ruleIndex(rule))
        return Fixture.engine.nearMisses(p, result: r).first { $0.rule == i }
    }

    @Test func landTaxRatioJustBelowHalfSuggestsExactlyHalf() throws {
        // 52号 七(一): 亩产 4,950 of an industry 10,000 is 49.5%; 50% (含) qualifies, so tax_per_mu → 5,000.00.
        // Saving then: [30%, 60%] × 100,000 × 140/365 = 11,506.85 – 23,013.70.
        let m = try #require(try nearMiss("{\(Self.urban), \"evaluation_grade\": \"A\", \"tax_per_mu\": 4950, \"industry_tax_per_mu\": 10000, \"land_use_tax\": 100000}",
                                           rule: "52-7-1-land-tax-efficiency"))
        #expect(m.field == Fixture.policy.schema.fieldIndex("tax_per_mu"))
        #expect(m.to == Rational(5000))
        #expect(!m.strict)
        #expect(m.low == Fixture.fen("11506.85") && m.high == Fixture.fen("23013.70"))
        #expect(m.compared?.to == Rational(1, 2))
    }

    @Test func landTaxRatioAtTwoHundredPercentSaysBelowTheExcludedBound() throws {
        // 200% is excluded (未达200%(不含)): the advice is "below 20,000.00", checked one fen under it.
        let m = try #require(try nearMiss("{\(Self.urban), \"evaluation_grade\": \"B\", \"tax_per_mu\": 20000, \"industry_tax_per_mu\": 10000, \"land_use_tax\": 100000}",
                                           rule: "52-7-1-land-tax-efficiency"))
        #expect(m.strict)
        #expect(m.to == Rational(20000))
        let text = Words(policy: Fixture.policy, lang: .en).nearMiss(m)
        #expect(text.contains("below 20,000.00"))
    }

    @Test(arguments: [
        // (profile facts, rule, field, expected target, why)
        ("\"employees\": 31, \"annual_payroll\": 3100000, \"disabled_employees\": 0", "52-2-2-disabled-exempt", "employees", 30, "30人(含)"),
        ("\"tech_upgrade_investment\": 4999999.99, \"zero_land_equipment_investment\": 0, \"land_use_tax\": 100000", "52-7-1-land-tax-upgrade", "tech_upgrade_investment", 5_000_000, "500万元(含)"),
        ("\"zero_land_equipment_investment\": 1999999, \"tech_upgrade_investment\": 0, \"land_use_tax\": 100000", "52-7-1-land-tax-upgrade", "zero_land_equipment_investment", 2_000_000, "200万元(含)"),
    ])
    func inclusiveBoundsAreSuggestedExactly(facts: String, rule: String, field: String, target: Int, why: String) throws {
        let m = try #require(try nearMiss("{\(Self.urban), \(facts)}", rule: rule), "no near miss for \(rule) at \(why)")
        #expect(Fixture.policy.schema.fields[m.field].name == field)
        #expect(m.to == Rational(target))
        #expect(!m.strict)
        #expect(m.high > 0)
    }

    @Test func smallProfitCeilingIsInclusiveAtHalfAMillion() throws {
        // 财税〔2017〕43号 via 52号 二(五): 500,000.01 fails; 500,000.00 qualifies: 500,000 × (25% − 10%) = 75,000.00.
        let m = try #require(try nearMiss("{\(Self.urban), \"employees\": 50, \"total_assets\": 10000000, \"taxable_income\": 500000.01}",
                                           rule: "52-2-5-small-profit"))
        #expect(m.to == Rational(500_000))
        #expect(m.high == Fixture.fen("75000"))
    }

    @Test func industrialSizeLimitIsFoundInsideTheIfBranch() throws {
        // 企业所得税法实施条例 第九十二条 (52号 二(五)): an industrial firm of 101 employees misses the 100 limit;
        // 100 qualifies: 300,000 × (25% − 10%) = 45,000.00.
        let m = try #require(try nearMiss("{\(Self.urban), \"employees\": 101, \"total_assets\": 10000000, \"taxable_income\": 300000}",
                                           rule: "52-2-5-small-profit"))
        #expect(Fixture.policy.schema.fields[m.field].name == "employees")
        #expect(m.to == Rational(100))
        #expect(m.high == Fixture.fen("45000"))
    }

    @Test func aLoanRepaidAfterSixteenDaysIsOneDayFromTheFifteenDayRate() throws {
        // 52号 八(一): 16 days is not covered; 15 days (含) is: 1,000,000 × 15 × (0.03% − 0.024%) × 140/365
        // = 900 × 140/365 = 345.205… → 345.21.
        let m = try #require(try nearMiss("{\(Self.urban), \"turnover_loans\": [{\"amount\": 1000000, \"days\": 16}]}",
                                           rule: "52-8-1-turnover-rate"))
        #expect(m.item == 0)
        #expect(m.to == Rational(15))
        #expect(m.high == Fixture.fen("345.21"))
        #expect(Words(policy: Fixture.policy, lang: .en).nearMiss(m).hasPrefix("turnover_loans[0].days 16 → 15"))
    }

    @Test func anAssociationFeeOneFenBelowTenThousandIsANearMiss() throws {
        // 52号 五(二): 会费标准在1万元以上 (1万 included): 9,999.99 → 10,000.00; 50% × 10,000 × 140/365 = 1,917.81.
        let m = try #require(try nearMiss("{\(Self.urban), \"association_fees\": [{\"role\": \"vice_president\", \"annual_fee\": 9999.99}]}",
                                           rule: "52-5-2-association-fee"))
        #expect(m.to == Rational(10000))
        #expect(m.high == Fixture.fen("1917.81"))
    }

    @Test func regionIsNeverSuggested() throws {
        // 江山市 is outside 衢州市区: region_code is not actionable, so no near miss is offered.
        let m = try nearMiss(#"{"year": 2017, "region_code": "330881", "industry_code": "C2614", "evaluation_grade": "A", "tax_per_mu": 9000, "industry_tax_per_mu": 10000, "land_use_tax": 100000}"#,
                             rule: "52-7-1-land-tax-efficiency")
        #expect(m == nil)
    }

    @Test func questionsPutTheFactsThatDecideMostFirst() throws {
        // annual_payroll decides three rules (disabled cap needs more, unemployment, union fee); a single-rule
        // fact worth 25% of itself (nontaxable_subsidy × 25% income tax) comes before one worth 3% (deed tax).
        let p = try Fixture.profile("{\(Self.urban), \"employees\": 45}")
        let r = try #require(Fixture.engine.check(p, year: 2017, trace: true))
        let qs = Fixture.engine.questions(p, r)
        let names = qs.map { Fixture.policy.schema.fields[$0.field].name }
        #expect(names.first == "annual_payroll")
        let subsidy = try #require(names.firstIndex(of: "nontaxable_subsidy"))
        let deed = try #require(names.firstIndex(of: "restructuring_transfer_value"))
        #expect(subsidy < deed)
        let q = try #require(qs.first { Fixture.policy.schema.fields[$0.field].name == "nontaxable_subsidy" })
        #expect(q.proportion == Rational(1, 4))
    }

    @Test func scriptedAskExplainsAWrongAnswerAndAsksAgain() throws {
        let p = try Fixture.profile("{\(Self.urban), \"employees\": 45}")
        var answers = ["1200000", "lots", "800", ""]
        var transcript = ""
        var session = AskSession(engine: Fixture.engine, profile: p, year: 2017, lang: .en,
                                 readLine: { answers.isEmpty ? nil : answers.removeFirst() }, write: { transcript += $0 })
        _ = session.run()
        let payroll = try #require(Fixture.policy.schema.fieldIndex("annual_payroll"))
        let subsidy = try #require(Fixture.policy.schema.fieldIndex("nontaxable_subsidy"))
        #expect(session.profile.values[payroll] == .number(Rational(1_200_000)))
        // The second question (whichever it is) got 800 after the invalid answer.
        #expect(session.profile.values.contains { $0 == .number(Rational(800)) })
        _ = subsidy
        #expect(transcript.contains("Invalid: expected an amount in 元 ≥ 0, got \"lots\""))
    }

    @Test func askStopsWhenNothingIsLeftToDecide() throws {
        // Every answer skipped: each field is asked once, then the session ends on its own.
        let p = try Fixture.profile("{\(Self.urban), \"employees\": 45}")
        var transcript = ""
        var session = AskSession(engine: Fixture.engine, profile: p, year: 2017, lang: .en, readLine: { "" }, write: { transcript += $0 })
        let result = session.run()
        #expect(result != nil)
        #expect(transcript.contains("No remaining question can change the result."))
    }
}
