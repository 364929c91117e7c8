import Foundation
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
        // Nothing else in the group: the total rises by the rule's own saving.
        #expect(m.gainLow == m.low && m.gainHigh == m.high)
    }

    @Test func aNearMissInAnExclusiveGroupCountsTheReliefItDisplaces() throws {
        // 52号 七(一), 就高不重复: the upgrade relief is granted now, min(30% × 100,000 × 140/365, 50% × 5,000,000)
        // = 11,506.85. At 亩产 50% the efficiency relief (11,506.85 – 23,013.70) outranks it on the high end and
        // supersedes it, so the total goes 11,506.85 → 11,506.85 – 23,013.70: a gain of 0.00 – 11,506.85.
        let json = "{\(Self.urban), \"evaluation_grade\": \"A\", \"tax_per_mu\": 4950, \"industry_tax_per_mu\": 10000, \"land_use_tax\": 100000, \"tech_upgrade_investment\": 5000000, \"zero_land_equipment_investment\": 0}"
        let p = try Fixture.profile(json)
        let r = try #require(Fixture.engine.check(p, year: 2017, trace: true))
        let m = try #require(try nearMiss(json, rule: "52-7-1-land-tax-efficiency"))
        #expect(m.low == Fixture.fen("11506.85") && m.high == Fixture.fen("23013.70"))
        #expect(m.gainLow == 0 && m.gainHigh == Fixture.fen("11506.85"))
        #expect(m.totalLow == r.totals.low && m.totalHigh == r.totals.high + Fixture.fen("11506.85"))
        let text = Words(policy: Fixture.policy, lang: .en).nearMiss(m)
        #expect(text.contains("total saving up by 0.00 – 11,506.85 yuan"))
    }

    @Test func theReadmeNearMissGainsAtMostTheUpgradeReliefItDisplaces() throws {
        // Samples/qujiang-chemical-upgrade.json: total 1,370,557.92 with the upgrade relief 138,082.19 granted.
        // tax_per_mu 180,000 → 225,000 (50% of 450,000) makes the efficiency relief [30%, 60%] × 1,200,000 × 140/365
        // = 138,082.19 – 276,164.38, which supersedes the upgrade relief: total 1,370,557.92 – 1,508,640.11.
        let p = try Fixture.profile(String(decoding: try Data(contentsOf: URL(fileURLWithPath: Fixture.samplesPath + "/qujiang-chemical-upgrade.json")), as: UTF8.self))
        let r = try #require(Fixture.engine.check(p, year: 2017, trace: true))
        #expect(r.totals.low == Fixture.fen("1370557.92") && r.totals.high == Fixture.fen("1370557.92"))
        let ms = Fixture.engine.nearMisses(p, result: r)
        let m = try #require(ms.first { Fixture.policy.rules[$0.rule].id == "52-7-1-land-tax-efficiency" })
        #expect(m.to == Rational(225_000))
        #expect(m.gainLow == 0 && m.gainHigh == Fixture.fen("138082.19"))
        #expect(m.totalLow == Fixture.fen("1370557.92") && m.totalHigh == Fixture.fen("1508640.11"))
        // employees (620) is a headcount of a year already past: never offered.
        #expect(!ms.contains { Fixture.policy.schema.fields[$0.field].name == "employees" })
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

    @Test(arguments: [
        // 52号 二(二): 31 employees misses 30人(含) by one; 企业所得税法实施条例 第九十二条: 101 misses the industrial 100.
        ("\"employees\": 31, \"annual_payroll\": 3100000, \"disabled_employees\": 0", "52-2-2-disabled-exempt"),
        ("\"employees\": 101, \"total_assets\": 10000000, \"taxable_income\": 300000", "52-2-5-small-profit"),
        ("\"employees\": 50, \"total_assets\": 30000000.01, \"taxable_income\": 300000", "52-2-5-small-profit"),
    ])
    func headcountAndAssetsOfAPastYearAreNotOffered(facts: String, rule: String) throws {
        // employees and total_assets are `"actionable": false` in the schema: the year's figures are what they are.
        let p = try Fixture.profile("{\(Self.urban), \(facts)}")
        let r = try #require(Fixture.engine.check(p, year: 2017, trace: true))
        let i = try #require(Fixture.policy.ruleIndex(rule))
        #expect(r.results[i].status == .ineligible)
        #expect(try nearMiss("{\(Self.urban), \(facts)}", rule: rule) == nil)
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
