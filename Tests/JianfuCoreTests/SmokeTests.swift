import Testing
@testable import JianfuCore

@Suite struct CatalogSmokeTests {
    @Test func repositoryPoliciesLintClean() {
        #expect(Fixture.policy.rules.count >= 28)
        #expect(Fixture.policy.ruleIndex("52-7-1-land-tax-new") != nil)
    }

    @Test func newEnterpriseLandTaxIsProratedFromPolicyStart() throws {
        // 52号 七(一): registered 2017-03-01, window [2017-03-01, 2019-03-01) ∩ [2017-08-14, …) in 2017 = 140 days.
        // 30% × 100,000 × 140/365 = 11,506.849… → 11,506.85
        let r = try Fixture.result("""
        {"year": 2017, "region_code": "330802", "industry_code": "C2614", "registered_on": "2017-03-01", "land_use_tax": 100000}
        """, rule: "52-7-1-land-tax-new")
        #expect(r.status == .eligible)
        #expect(r.low == Fixture.fen("11506.85"))
    }
}
