import Foundation
import Testing
@testable import JianfuCore

// Claims (audit), per POLICY-NOTES "Claims (audit)". Amounts are hand-computed exactly and rounded half up to the
// fen only at the end. 2017 windows of 52号's own measures run 2017-08-14 – 2017-12-31: 140 of 365 days.

/// Profiles used across the tests.
private enum P {
    /// 柯城 machinery firm, 2017: grade A, tax per mu 90% of the industry's, 6,000,000 元 upgrade (land-use-tax group:
    /// efficiency 30%–60% and upgrade 30% both eligible, efficiency wins on its high end), president of an association
    /// (30,000 元), risk deposit 50,000 元, union fee 40,000 元, 100,000 元 of survey/pile/monitoring fees, 180 employees.
    static let machinery = """
    {"id": "M1", "year": 2017, "region_code": "330802", "industry_code": "C3489", "registered_on": "2009-02-23",
     "employees": 180, "disabled_employees": 3, "annual_payroll": 12600000,
     "land_use_tax": 300000, "tax_per_mu": 270000, "industry_tax_per_mu": 300000, "evaluation_grade": "A",
     "tech_upgrade_investment": 6000000, "zero_land_equipment_investment": 0,
     "union_fee_remitted": 40000, "safety_risk_deposit": 50000,
     "association_fees": [{"role": "president", "annual_fee": 30000}, {"role": "member", "annual_fee": 3000}],
     "survey_fees": 50000, "pile_testing_fees": 30000, "env_monitoring_fees": 20000}
    """
    /// 衢江 plastics maker registered 2017-03-15, 24 employees, no grade nor tax per mu.
    static let newFirm = """
    {"id": "N1", "year": 2017, "region_code": "330803", "industry_code": "C2929", "registered_on": "2017-03-15",
     "employees": 24, "disabled_employees": 0, "annual_payroll": 1440000, "land_use_tax": 36000,
     "tech_upgrade_investment": 0, "zero_land_equipment_investment": 0, "infrastructure_fee_standard": 180000}
    """
    /// 江山 manufacturer: outside 衢州市区.
    static let jiangshan = """
    {"id": "J1", "year": 2017, "region_code": "330881", "industry_code": "C2032", "registered_on": "2010-05-11",
     "employees": 120, "safety_risk_deposit": 30000, "utility_surcharge_paid": 18000, "wall_material_fund_paid": 6000}
    """
    /// 市本级 firm without a year: grade B, tax per mu equal to the industry's, 2,500,000 元 zero-land investment.
    static let standing = """
    {"id": "S1", "region_code": "330800", "industry_code": "C2651", "registered_on": "2012-06-08",
     "land_use_tax": 320000, "tax_per_mu": 300000, "industry_tax_per_mu": 300000, "evaluation_grade": "B",
     "tech_upgrade_investment": 0, "zero_land_equipment_investment": 2500000, "union_fee_remitted": 30000}
    """
}

/// Claims from a JSON array text, read as `jianfu audit` reads a claims file.
private func claims(_ json: String) throws -> [Claim] {
    let root = try JSONParser.parse(json)
    let nodes = root.arrayItems ?? [root]
    return nodes.enumerated().map { ClaimReader.claim($0.element, index: $0.offset, path: "claims.json", schema: Fixture.policy.schema) }
}

/// Audits claims (JSON array text) against profiles (JSON texts), in English.
private func audit(_ claimsJSON: String, _ profiles: [String]) throws -> [ClaimVerdict] {
    let ps = try profiles.map { try Fixture.profile($0) }
    return Auditor(engine: Fixture.engine, profiles: ps, lang: .en).audit(try claims(claimsJSON))
}

/// Audits a single claim.
private func audit1(_ claimJSON: String, _ profiles: [String]) throws -> ClaimVerdict {
    let vs = try audit("[" + claimJSON + "]", profiles)
    try #require(vs.count == 1)
    return vs[0]
}

private func fen(_ s: String) -> Int128 { Fixture.fen(s) }
private func rate(_ n: Int128, _ d: Int128) -> Rational { Rational(n, d)! }
private func mentions(_ v: ClaimVerdict, _ text: String) -> Bool { v.reasons.contains { $0.contains(text) } }
/// A reason other than the arithmetic line contains all of `texts` (the arithmetic always shows the entitlement).
private func notes(_ v: ClaimVerdict, _ texts: String...) -> Bool {
    v.reasons.contains { r in !r.hasPrefix("arithmetic:") && texts.allSatisfy { r.contains($0) } }
}

@Suite struct AuditVerdictTests {
    // MARK: approve

    @Test func approveBelowEntitlementWithNote() throws {
        // 52-5-2: 50% × 30,000 (president; the 3,000 membership is not covered) × 140/365 = 2,100,000/365
        // = 5,753.4246… → 5,753.42. Claimed 5,000.00 ≤ 5,753.42: approved, with what could have been claimed.
        let v = try audit1("""
        {"claim_id": "A1", "enterprise_id": "M1", "rule_id": "52-5-2-association-fee", "year": 2017, "claimed_amount": 5000}
        """, [P.machinery])
        #expect(v.verdict == .approve)
        #expect(v.claimedFen == fen("5000.00"))
        #expect(v.allowedFen == fen("5753.42"))
        #expect(v.grantedFen == fen("5000.00"))
        #expect(v.excessFen == nil)
        #expect(v.conflictWith == nil)
        let noted = notes(v, "could have been claimed", "5,753.42"), reasons = v.reasons
        #expect(noted, "the note should say what could have been claimed: \(reasons)")
    }

    @Test func approveExactlyTheEntitlement() throws {
        // 52-6-4 (months): 20% × 40,000 × 6/12 (July–December 2017 start in the window 2017-07-01 – 2019-12-31) = 4,000.00.
        let v = try audit1("""
        {"claim_id": "A2", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": "4000.00"}
        """, [P.machinery])
        #expect(v.verdict == .approve)
        #expect(v.allowedFen == fen("4000.00"))
        #expect(v.grantedFen == fen("4000.00"))
    }

    @Test func liquidityClaimIsComparedWithTheRefundedAmount() throws {
        // 52-5-3 (liquidity): the deposit refunded is 50,000.00; its financing value is 50,000 × 4.35% = 2,175.00.
        // A claim of 50,000 is approved (compared with the amount, not the financing value).
        let v = try audit1("""
        {"claim_id": "L1", "enterprise_id": "M1", "rule_id": "52-5-3-risk-deposit", "year": 2017, "claimed_amount": 50000}
        """, [P.machinery])
        #expect(v.verdict == .approve)
        #expect(v.allowedFen == fen("50000.00"))
        #expect(v.grantedFen == fen("50000.00"))
        #expect(v.result?.high == fen("2175.00"))

        // 60,000 claimed: reduced to the 50,000 refunded, excess 10,000.
        let over = try audit1("""
        {"claim_id": "L2", "enterprise_id": "M1", "rule_id": "52-5-3-risk-deposit", "year": 2017, "claimed_amount": 60000}
        """, [P.machinery])
        #expect(over.verdict == .reduce)
        #expect(over.allowedFen == fen("50000.00"))
        #expect(over.excessFen == fen("10000.00"))
        #expect(over.grantedFen == fen("50000.00"))
    }

    @Test func approveRateWithinRange() throws {
        // 52-7-1-land-tax-efficiency, 30%–60% × 300,000 × 140/365: low 12,600,000/365 = 34,520.5479… → 34,520.55,
        // high 25,200,000/365 = 69,041.0958… → 69,041.10. Rate 45% implies 45% × 300,000 × 140/365
        // = 18,900,000/365 = 51,780.8219… → 51,780.82 ≤ 69,041.10: approved for 51,780.82.
        let v = try audit1("""
        {"claim_id": "R1", "enterprise_id": "M1", "rule_id": "52-7-1-land-tax-efficiency", "year": 2017, "claimed_rate": 0.45}
        """, [P.machinery])
        #expect(v.verdict == .approve)
        #expect(v.claimedFen == fen("51780.82"))
        #expect(v.allowedFen == fen("69041.10"))
        #expect(v.allowedLowFen == fen("34520.55"))
        #expect(v.grantedFen == fen("51780.82"))
        #expect(v.allowedRate?.low == rate(3, 10))
        #expect(v.allowedRate?.high == rate(3, 5))
        #expect(v.excessFen == nil)
    }

    @Test func rateClaimBelowEntitlementGetsTheNoteToo() throws {
        // Notes: "A claim below the entitlement is approved, with a note of what could have been claimed." A rate-only
        // claim of 45% implies 51,780.82, below the high end 69,041.10 (see approveRateWithinRange): the note is due.
        let v = try audit1("""
        {"claim_id": "R1", "enterprise_id": "M1", "rule_id": "52-7-1-land-tax-efficiency", "year": 2017, "claimed_rate": 0.45}
        """, [P.machinery])
        #expect(v.verdict == .approve)
        let noted = notes(v, "could have been claimed", "69,041.10"), reasons = v.reasons
        #expect(noted, "a rate claim below the entitlement should say up to 69,041.10 could have been claimed: \(reasons)")
    }

    @Test func approveRateAtTheTextsRateOnAMonthsRule() throws {
        // 52-6-4 claimed as a rate: 20% × 40,000 × 6/12 = 4,000.00 implied = the entitlement.
        let v = try audit1("""
        {"claim_id": "R2", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_rate": 0.2}
        """, [P.machinery])
        #expect(v.verdict == .approve)
        #expect(v.claimedFen == fen("4000.00"))
        #expect(v.grantedFen == fen("4000.00"))
    }

    @Test func inlineProfile() throws {
        // 52-8-2: state-owned 5,000,000 at 2.2% → 5,000,000 × 0.7% = 35,000 a year × 140/365 = 4,900,000/365
        // = 13,424.6575… → 13,424.66; the private guarantee is not covered.
        let v = try audit1("""
        {"claim_id": "I1", "profile": {"id": "X9", "region_code": "330802", "industry_code": "C3831",
          "guarantees": [{"amount": 5000000, "annual_rate": 0.022, "state_owned": true},
                         {"amount": 2000000, "annual_rate": 0.028, "state_owned": false}]},
         "rule_id": "52-8-2-guarantee-fee", "year": 2017, "claimed_amount": 13424.66}
        """, [])
        #expect(v.verdict == .approve)
        #expect(v.allowedFen == fen("13424.66"))
        #expect(v.grantedFen == fen("13424.66"))
    }

    // MARK: reduce

    @Test func reduceAmountAboveEntitlement() throws {
        // 52-4-2: 20% × (50,000 + 30,000 + 20,000) × 140/365 = 2,800,000/365 = 7,671.2328… → 7,671.23.
        // Claimed 20,000.00 (the whole year): excess 20,000.00 − 7,671.23 = 12,328.77.
        let v = try audit1("""
        {"claim_id": "D1", "enterprise_id": "M1", "rule_id": "52-4-2-survey-fees", "year": 2017, "claimed_amount": 20000}
        """, [P.machinery])
        #expect(v.verdict == .reduce)
        #expect(v.claimedFen == fen("20000.00"))
        #expect(v.allowedFen == fen("7671.23"))
        #expect(v.excessFen == fen("12328.77"))
        #expect(v.grantedFen == fen("7671.23"))
    }

    @Test func claimedAmountIsRoundedHalfUpToTheFen() throws {
        // 4,000.005 元 → 4,000.01 (half up) > 4,000.00 allowed: reduced by 0.01.
        // 5,753.424 元 → 5,753.42 = the association-fee entitlement (see approveBelowEntitlementWithNote): approved.
        let vs = try audit("""
        [{"claim_id": "H1", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": 4000.005},
         {"claim_id": "H2", "enterprise_id": "M1", "rule_id": "52-5-2-association-fee", "year": 2017, "claimed_amount": "5,753.424"}]
        """, [P.machinery])
        #expect(vs[0].claimedFen == fen("4000.01"))
        #expect(vs[0].verdict == .reduce)
        #expect(vs[0].excessFen == 1)
        #expect(vs[1].claimedFen == fen("5753.42"))
        #expect(vs[1].verdict == .approve)
    }

    @Test func reduceRateOnlyAboveRangeExcessByHand() throws {
        // 52-7-1-land-tax-efficiency, 2017, rate 65% with no amount, text 30%–60%.
        // implied = rate × base × share = 65% × 300,000 × 140/365 = 27,300,000/365 = 74,794.5205… → 74,794.52
        // allowed high = 60% × 300,000 × 140/365 = 25,200,000/365 = 69,041.0958… → 69,041.10
        // excess = 74,794.52 − 69,041.10 = 5,753.42 (exactly: 2,100,000/365 = 5,753.4246… → 5,753.42)
        let v = try audit1("""
        {"claim_id": "D2", "enterprise_id": "M1", "rule_id": "52-7-1-land-tax-efficiency", "year": 2017, "claimed_rate": 0.65}
        """, [P.machinery])
        #expect(v.verdict == .reduce)
        #expect(v.claimedFen == fen("74794.52"))
        #expect(v.allowedFen == fen("69041.10"))
        #expect(v.excessFen == fen("5753.42"))
        #expect(v.grantedFen == fen("69041.10"))
        #expect(v.allowedRate?.high == rate(3, 5))
        #expect(notes(v, "at most 60%"), "the allowed rate should be reported: \(v.reasons)")
    }

    @Test func reduceRateAboveThirtyPercentOnNewEnterpriseRelief() throws {
        // 52-7-1-land-tax-new, registered 2017-03-15: [2017-03-15, 2019-03-15) ∩ [2017-08-14, …) → 140/365 of 2017.
        // allowed = 30% × 36,000 × 140/365 = 1,512,000/365 = 4,142.4657… → 4,142.47
        // implied = 50% × 36,000 × 140/365 = 2,520,000/365 = 6,904.1095… → 6,904.11; excess 2,761.64.
        let v = try audit1("""
        {"claim_id": "D3", "enterprise_id": "N1", "rule_id": "52-7-1-land-tax-new", "year": 2017, "claimed_rate": 0.5}
        """, [P.newFirm])
        #expect(v.verdict == .reduce)
        #expect(v.claimedFen == fen("6904.11"))
        #expect(v.allowedFen == fen("4142.47"))
        #expect(v.excessFen == fen("2761.64"))
        #expect(v.grantedFen == fen("4142.47"))
        #expect(v.allowedRate?.high == rate(3, 10))
    }

    @Test func rateAboveTheTextWithAnAmountWithinNeverGrantsMoreThanClaimed() throws {
        // 52-7-1-land-tax-new for the new firm: allowed 4,142.47 (see reduceRateAboveThirtyPercentOnNewEnterpriseRelief).
        // Claimed 4,000.00 at 50%: the rate exceeds the text's 30% → reduce (notes: "or the rate exceeds the text's").
        // The amount is within the entitlement, so there is no amount excess, and the grant cannot exceed the
        // 4,000.00 asked for: granted = min(4,000.00, 4,142.47) = 4,000.00.
        let v = try audit1("""
        {"claim_id": "D4", "enterprise_id": "N1", "rule_id": "52-7-1-land-tax-new", "year": 2017, "claimed_amount": 4000, "claimed_rate": 0.5}
        """, [P.newFirm])
        #expect(v.verdict == .reduce)
        #expect(v.claimedFen == fen("4000.00"))
        #expect(v.allowedFen == fen("4142.47"))
        let granted = v.grantedFen
        #expect(granted <= fen("4000.00"), "granted \(granted) fen on a claim of 4,000.00")
    }

    @Test func rateOnTheUpgradeReliefImpliesTheCappedAmount() throws {
        // 52-7-1-land-tax-upgrade: 30% × 10,000,000 × 140/365 = 420,000,000/365 = 1,150,684.93, capped at 50% of the
        // 2,000,000 zero-land investment = 1,000,000.00. Grade C keeps the efficiency relief out of the group.
        let profile = """
        {"id": "U1", "year": 2017, "region_code": "330803", "industry_code": "C2614", "registered_on": "2005-01-01",
         "land_use_tax": 10000000, "evaluation_grade": "C", "tech_upgrade_investment": 0, "zero_land_equipment_investment": 2000000}
        """
        let vs = try audit("""
        [{"claim_id": "U-30", "enterprise_id": "U1", "rule_id": "52-7-1-land-tax-upgrade", "year": 2017, "claimed_rate": 0.3},
         {"claim_id": "U-40", "profile": \(profile.replacingOccurrences(of: "\"U1\"", with: "\"U2\"")), "rule_id": "52-7-1-land-tax-upgrade", "year": 2017, "claimed_rate": 0.4}]
        """, [profile])
        // (The inline profile is another enterprise, U2: the same id would make the second claim a double claim.)
        // 30%: implied = min(1,150,684.93, 1,000,000) = 1,000,000.00 = allowed → approve.
        #expect(vs[0].verdict == .approve)
        #expect(vs[0].allowedFen == fen("1000000.00"))
        #expect(vs[0].claimedFen == fen("1000000.00"))
        // 40% exceeds the text's 30% → reduce; implied = min(40% × 10,000,000 × 140/365, 1,000,000) = 1,000,000.00,
        // so the excess is 1,000,000.00 − 1,000,000.00 = 0 and the grant is the allowed 1,000,000.00.
        #expect(vs[1].verdict == .reduce)
        #expect(vs[1].claimedFen == fen("1000000.00"))
        #expect(vs[1].excessFen == 0)
        #expect(vs[1].grantedFen == fen("1000000.00"))
    }

    // MARK: reject

    @Test func rejectIneligibleCondition() throws {
        // 52-2-2-disabled-exempt: 180 employees, the clause covers 30 or fewer.
        let v = try audit1("""
        {"claim_id": "X1", "enterprise_id": "M1", "rule_id": "52-2-2-disabled-exempt", "year": 2017, "claimed_amount": 27000}
        """, [P.machinery])
        #expect(v.verdict == .reject)
        #expect(v.result?.status == .ineligible)
        #expect(v.grantedFen == 0)
        #expect(v.allowedFen == nil)
        #expect(v.conflictWith == nil)
        #expect(mentions(v, "30 employees"), "the failing condition should be named: \(v.reasons)")
    }

    @Test func rejectNotInForce() throws {
        // 52-6-4-union-fee is in force 2017-07-01 – 2019-12-31: a 2020 claim is not in force (profile without year).
        let v = try audit1("""
        {"claim_id": "X2", "enterprise_id": "S1", "rule_id": "52-6-4-union-fee", "year": 2020, "claimed_amount": 6000}
        """, [P.standing])
        #expect(v.verdict == .reject)
        #expect(v.result?.status == .notInForce)
        #expect(v.grantedFen == 0)
        #expect(mentions(v, "2019-12-31"), "the rule's dates should be given: \(v.reasons)")
    }

    @Test func rejectSupersededWhenClaimedAlone() throws {
        // 2019, profile without year: efficiency 60% × 320,000 = 192,000.00 (high end) against upgrade
        // min(30% × 320,000, 50% × 2,500,000) = 96,000.00: the upgrade relief, claimed alone, is superseded.
        let v = try audit1("""
        {"claim_id": "X3", "enterprise_id": "S1", "rule_id": "52-7-1-land-tax-upgrade", "year": 2019, "claimed_amount": 96000}
        """, [P.standing])
        #expect(v.verdict == .reject)
        #expect(v.result?.status == .superseded)
        #expect(v.conflictWith == nil)
        #expect(v.grantedFen == 0)
        #expect(mentions(v, "52-7-1-land-tax-efficiency"), "the superseding rule should be named: \(v.reasons)")
    }

    @Test func rejectOutOfScopeRegion() throws {
        // 52-5-3 is urban-industrial: 江山市 330881 is outside 衢州市区.
        let v = try audit1("""
        {"claim_id": "X4", "enterprise_id": "J1", "rule_id": "52-5-3-risk-deposit", "year": 2017, "claimed_amount": 30000}
        """, [P.jiangshan])
        #expect(v.verdict == .reject)
        #expect(v.result?.status == .ineligible)
        #expect(mentions(v, "330881"))
    }

    @Test func informationalRuleOutOfScopeIsRejected() throws {
        // 52-6-2-medical-base is informational but urban-industrial: out of scope in 江山, rejected like any rule.
        let v = try audit1("""
        {"claim_id": "X5", "enterprise_id": "J1", "rule_id": "52-6-2-medical-base", "year": 2017, "claimed_amount": 1000}
        """, [P.jiangshan])
        #expect(v.verdict == .reject)
    }

    // MARK: needs_info

    @Test func needsInfoWhenFactsAreMissing() throws {
        // The new firm has no evaluation grade nor tax per mu: the efficiency relief is undetermined.
        let v = try audit1("""
        {"claim_id": "Q1", "enterprise_id": "N1", "rule_id": "52-7-1-land-tax-efficiency", "year": 2017, "claimed_amount": 10000}
        """, [P.newFirm])
        #expect(v.verdict == .needsInfo)
        #expect(v.result?.status == .undetermined)
        #expect(v.grantedFen == 0)
        for f in ["evaluation_grade", "tax_per_mu", "industry_tax_per_mu"] {
            #expect(v.request.contains { $0.hasPrefix(f) }, "request should list \(f): \(v.request)")
        }
    }

    @Test func needsInfoForAnInformationalRuleInScope() throws {
        // 52-6-2-medical-base: in scope (柯城, section C) and in force, no amount in the text.
        let v = try audit1("""
        {"claim_id": "Q2", "enterprise_id": "M1", "rule_id": "52-6-2-medical-base", "year": 2017, "claimed_amount": 12000}
        """, [P.machinery])
        #expect(v.verdict == .needsInfo)
        #expect(v.result?.status == .eligible)
        #expect(v.grantedFen == 0)
        #expect(v.allowedFen == nil)
    }

    // MARK: error

    private func error(_ claim: String, _ profiles: [String] = [P.machinery]) throws -> ClaimVerdict {
        let v = try audit1(claim, profiles)
        #expect(v.verdict == .error)
        #expect(v.grantedFen == 0)
        #expect(v.allowedFen == nil)
        #expect(v.result == nil)
        #expect(!v.reasons.isEmpty)
        return v
    }

    @Test func errorUnknownRuleID() throws {
        let v = try error("""
        {"claim_id": "E1", "enterprise_id": "M1", "rule_id": "52-7-1-land-tax", "year": 2017, "claimed_amount": 30000}
        """)
        #expect(mentions(v, "52-7-1-land-tax"))
        #expect(v.ruleIndex == nil)
    }

    @Test func errorNegativeAmount() throws {
        let v = try error("""
        {"claim_id": "E2", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": -1500}
        """)
        #expect(mentions(v, "negative"))
    }

    @Test func errorMalformedYear() throws {
        let v = try error("""
        {"claim_id": "E3", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": "20l7", "claimed_amount": 4000}
        """)
        #expect(mentions(v, "20l7"))
        #expect(v.claim.year == nil)
    }

    @Test func errorUnknownEnterpriseID() throws {
        let v = try error("""
        {"claim_id": "E4", "enterprise_id": "NOPE", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": 4000}
        """)
        #expect(mentions(v, "NOPE"))
    }

    @Test func errorNeitherAmountNorRate() throws {
        _ = try error("""
        {"claim_id": "E5", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2017}
        """)
    }

    @Test func errorRateOnARuleWithoutClaimRate() throws {
        // 52-2-1-funds: the saving is a sum of two fees, not a rate times a base.
        let v = try error("""
        {"claim_id": "E6", "enterprise_id": "J1", "rule_id": "52-2-1-funds", "year": 2017, "claimed_rate": 0.5}
        """, [P.jiangshan])
        #expect(mentions(v, "52-2-1-funds"))
    }

    @Test func errorRateAboveOne() throws {
        // 20 (meaning 20%) is outside [0, 1].
        _ = try error("""
        {"claim_id": "E7", "enterprise_id": "M1", "rule_id": "52-4-2-survey-fees", "year": 2017, "claimed_rate": 20}
        """)
    }

    @Test func errorNoEnterprise() throws {
        _ = try error("""
        {"claim_id": "E8", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": 4000}
        """)
    }
}

@Suite struct AuditConflictTests {
    @Test func exclusiveGroupGrantedMemberIsJudgedOtherRejected() throws {
        // Machinery 2017: efficiency (high 69,041.10) is granted in land-use-tax; the upgrade (34,520.55) is superseded.
        // Whatever the order of the claims, the efficiency claim is judged and the upgrade claim is the conflict.
        for order in [["G-EFF", "G-UPG"], ["G-UPG", "G-EFF"]] {
            let byID = [
                "G-EFF": #"{"claim_id": "G-EFF", "enterprise_id": "M1", "rule_id": "52-7-1-land-tax-efficiency", "year": 2017, "claimed_amount": 60000}"#,
                "G-UPG": #"{"claim_id": "G-UPG", "enterprise_id": "M1", "rule_id": "52-7-1-land-tax-upgrade", "year": 2017, "claimed_amount": 34520.55}"#,
            ]
            let vs = try audit("[" + order.map { byID[$0]! }.joined(separator: ",") + "]", [P.machinery])
            let eff = try #require(vs.first { $0.claim.claimID == "G-EFF" })
            let upg = try #require(vs.first { $0.claim.claimID == "G-UPG" })
            #expect(eff.verdict == .approve)
            #expect(eff.grantedFen == fen("60000.00"))
            #expect(eff.conflictWith == nil)
            #expect(upg.verdict == .reject)
            #expect(upg.conflictWith == "G-EFF")
            #expect(upg.grantedFen == 0)
            #expect(mentions(upg, "G-EFF"))
        }
    }

    @Test func sameRuleTwiceSecondRejectedNamingTheFirst() throws {
        let vs = try audit("""
        [{"claim_id": "T1", "enterprise_id": "M1", "rule_id": "52-4-2-survey-fees", "year": 2017, "claimed_amount": 20000},
         {"claim_id": "T2", "enterprise_id": "M1", "rule_id": "52-4-2-survey-fees", "year": 2017, "claimed_amount": 7000}]
        """, [P.machinery])
        // The first is judged normally (over the 7,671.23 allowed → reduce); the second is the conflict.
        #expect(vs[0].verdict == .reduce)
        #expect(vs[0].conflictWith == nil)
        #expect(vs[1].verdict == .reject)
        #expect(vs[1].conflictWith == "T1")
        #expect(vs[1].grantedFen == 0)
        #expect(vs[1].excessFen == nil)
        #expect(mentions(vs[1], "T1"))
    }

    @Test func sameRuleTwiceOnceByIDOnceInlineIsStillOneEnterprise() throws {
        // Notes: conflicts are "within one enterprise and year". An inline profile whose id is M1 is enterprise M1:
        // the same rule claimed again for 2017 through it is the second claim of that rule, rejected naming T3.
        let vs = try audit("""
        [{"claim_id": "T3", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": 4000},
         {"claim_id": "T4", "profile": \(P.machinery), "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": 4000}]
        """, [P.machinery])
        #expect(vs[0].verdict == .approve)
        let second = vs[1].verdict, with = vs[1].conflictWith
        #expect(second == .reject && with == "T3", "the inline claim of M1's union fee should conflict with T3: \(second), \(with ?? "no conflict")")
    }

    @Test func sameRuleInDifferentYearsIsNoConflict() throws {
        // The standing profile serves 2018 and 2019: one claim a year on the union fee (20% × 30,000 = 6,000.00 a year).
        let vs = try audit("""
        [{"claim_id": "Y1", "enterprise_id": "S1", "rule_id": "52-6-4-union-fee", "year": 2018, "claimed_amount": 6000},
         {"claim_id": "Y2", "enterprise_id": "S1", "rule_id": "52-6-4-union-fee", "year": 2019, "claimed_amount": 6000}]
        """, [P.standing])
        #expect(vs.map(\.verdict) == [.approve, .approve])
        #expect(vs.allSatisfy { $0.conflictWith == nil })
    }

    @Test func ineligibleAndUndeterminedClaimsKeepTheirVerdicts() throws {
        // Same rule twice, ineligible: both rejected on the condition, neither as a conflict.
        let twice = try audit("""
        [{"claim_id": "K1", "enterprise_id": "M1", "rule_id": "52-2-2-disabled-exempt", "year": 2017, "claimed_amount": 100},
         {"claim_id": "K2", "enterprise_id": "M1", "rule_id": "52-2-2-disabled-exempt", "year": 2017, "claimed_amount": 100}]
        """, [P.machinery])
        #expect(twice.map(\.verdict) == [.reject, .reject])
        #expect(twice.allSatisfy { $0.conflictWith == nil })

        // Group land-use-tax for the new firm: the new-enterprise relief is granted (judged: 30% ≤ 30% → approve
        // for 30% × 36,000 × 140/365 = 4,142.47), the undetermined efficiency claim stays needs_info.
        let group = try audit("""
        [{"claim_id": "K3", "enterprise_id": "N1", "rule_id": "52-7-1-land-tax-efficiency", "year": 2017, "claimed_amount": 10000},
         {"claim_id": "K4", "enterprise_id": "N1", "rule_id": "52-7-1-land-tax-new", "year": 2017, "claimed_rate": 0.3}]
        """, [P.newFirm])
        #expect(group[0].verdict == .needsInfo)
        #expect(group[0].conflictWith == nil)
        #expect(group[1].verdict == .approve)
        #expect(group[1].claimedFen == fen("4142.47"))
    }

    @Test func errorClaimsDoNotTakeTheFirstPlace() throws {
        // A malformed first claim does not make the later, readable claim of the same rule a duplicate.
        let vs = try audit("""
        [{"claim_id": "W1", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": -4000},
         {"claim_id": "W2", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": 4000}]
        """, [P.machinery])
        #expect(vs[0].verdict == .error)
        #expect(vs[1].verdict == .approve)
        #expect(vs[1].conflictWith == nil)
    }
}

@Suite struct AuditProfileMatchingTests {
    // The same enterprise twice: a 2017 profile (land-use tax 300,000) and one without a year (land-use tax 100,000).
    static let year2017 = P.machinery
    static let noYear = P.machinery.replacingOccurrences(of: #""year": 2017, "#, with: "")
        .replacingOccurrences(of: #""land_use_tax": 300000"#, with: #""land_use_tax": 100000"#)

    @Test func exactYearWinsOverProfileWithoutYear() throws {
        // 2017 → the 2017 profile: high 60% × 300,000 × 140/365 = 69,041.10 (not 60% × 100,000 × 140/365 = 23,013.70).
        // 2018 → the profile without year, whole year: high 60% × 100,000 = 60,000.00.
        for profiles in [[Self.year2017, Self.noYear], [Self.noYear, Self.year2017]] {
            let vs = try audit("""
            [{"claim_id": "Y17", "enterprise_id": "M1", "rule_id": "52-7-1-land-tax-efficiency", "year": 2017, "claimed_amount": 1},
             {"claim_id": "Y18", "enterprise_id": "M1", "rule_id": "52-7-1-land-tax-efficiency", "year": 2018, "claimed_amount": 1}]
            """, profiles)
            #expect(vs[0].allowedFen == fen("69041.10"))
            #expect(vs[1].allowedFen == fen("60000.00"))
            #expect(vs.map(\.verdict) == [.approve, .approve])
        }
    }

    @Test func twoProfilesWithSameIDAndYearAreAnErrorForTheClaim() throws {
        let v = try audit1("""
        {"claim_id": "DUP", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": 4000}
        """, [Self.year2017, Self.year2017])
        #expect(v.verdict == .error)
        #expect(mentions(v, "M1"))
    }

    @Test func twoProfilesWithoutYearAreAnErrorForAnOtherYear() throws {
        let v = try audit1("""
        {"claim_id": "DUP2", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2018, "claimed_amount": 4000}
        """, [Self.noYear, Self.noYear])
        #expect(v.verdict == .error)
    }

    @Test func noProfileForTheYearIsAnError() throws {
        // Only a 2017 profile: a 2018 claim has no match.
        let v = try audit1("""
        {"claim_id": "NY", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2018, "claimed_amount": 4000}
        """, [Self.year2017])
        #expect(v.verdict == .error)
        #expect(mentions(v, "2018"))
    }
}

@Suite struct AuditBatchTests {
    @Test func claimsInEqualsVerdictsOut() throws {
        // Unreadable items (not an object, an unknown key, a missing claim_id) still produce one verdict each, in order.
        let vs = try audit("""
        [{"claim_id": "B1", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": 4000},
         42,
         {"claim_id": "B3", "enterprise_id": "M1", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": 1, "amount": 5},
         {"enterprise_id": "M1", "rule_id": "52-5-3-risk-deposit", "year": 2017, "claimed_amount": 50000},
         {"claim_id": "B5", "enterprise_id": "M1", "rule_id": "52-5-3-risk-deposit", "year": 2017, "claimed_amount": 50000}]
        """, [P.machinery])
        #expect(vs.count == 5)
        #expect(vs.map(\.claim.claimID) == ["B1", "#2", "B3", "#4", "B5"])
        #expect(vs.map(\.verdict) == [.approve, .error, .error, .error, .approve])
    }

    @Test func csvClaimsWithCRLFAndSpreadsheetAmounts() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-audit-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = "claim_id,enterprise_id,rule_id,year,claimed_amount,claimed_rate\r\n"
            + "C1,M1,52-5-2-association-fee,2017,\"5,753.42\",\r\n"
            + "C2,M1,52-7-1-land-tax-efficiency,2017,,0.6\r\n"
            + "C3,M1,52-6-4-union-fee,2017年,4000,\r\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let cs = try ClaimReader.read(path: path, schema: Fixture.policy.schema)
        #expect(cs.count == 3)
        #expect(cs[0].amount?.roundedToFen() == fen("5753.42"))
        #expect(cs[1].rate == rate(3, 5))
        #expect(cs[2].origin.hasSuffix(":4"))
        let vs = Auditor(engine: Fixture.engine, profiles: [try Fixture.profile(P.machinery)], lang: .en).audit(cs)
        // 5,753.42 = the entitlement; 60% implies the high end 69,041.10; "2017年" is not a year.
        #expect(vs.map(\.verdict) == [.approve, .approve, .error])
        #expect(vs[1].claimedFen == fen("69041.10"))
    }

    /// Expected verdicts from the tables of Samples/claims/README.md: `| claim | verdict | why |`.
    static func readmeVerdicts() throws -> [String: String] {
        let text = try String(contentsOfFile: Fixture.samplesPath + "/claims/README.md", encoding: .utf8)
        var out: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("| SQ") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            #expect(out[cells[1]] == nil, "claim \(cells[1]) listed twice in the README")
            out[cells[1]] = cells[2]
        }
        return out
    }

    static func sampleProfiles() throws -> [Profile] {
        var source = try openProfiles(Fixture.samplesPath + "/claims/profiles.json", format: .json, encoding: .auto,
                                      schema: Fixture.policy.schema)
        var out: [Profile] = []
        while let rec = try source.next() {
            switch rec {
            case .profile(let p): out.append(p)
            case .rejected(let line, let reason): Issue.record("profiles.json:\(line): \(reason)")
            }
        }
        return out
    }

    @Test(arguments: ["claims.json", "claims.csv"])
    func samplesMatchTheReadme(file: String) throws {
        let expected = try Self.readmeVerdicts()
        let profiles = try Self.sampleProfiles()
        #expect(profiles.count >= 4 && profiles.count <= 6)
        let cs = try ClaimReader.read(path: Fixture.samplesPath + "/claims/" + file, schema: Fixture.policy.schema)
        let vs = Auditor(engine: Fixture.engine, profiles: profiles, lang: .en).audit(cs)
        #expect(vs.count == cs.count)
        var seen = Set<String>()
        for v in vs {
            let id = v.claim.claimID
            #expect(seen.insert(id).inserted, "claim \(id) appears twice in \(file)")
            guard let want = expected[id] else { Issue.record("\(file): claim \(id) is not in the README"); continue }
            #expect(v.verdict.rawValue == want, "\(file) \(id): README says \(want), audit says \(v.verdict.rawValue): \(v.reasons)")
        }
        if file == "claims.json" {
            // The JSON batch shows every verdict and both conflict kinds.
            #expect(Set(vs.map(\.verdict)) == Set(Verdict.allCases))
            #expect(vs.contains { $0.conflictWith != nil && $0.result?.status == .superseded })
            #expect(vs.contains { $0.conflictWith != nil && $0.result?.status == .eligible })
            #expect(vs.contains { $0.claim.profile != nil })
            #expect(vs.count >= 22)
        }
    }

    @Test func everyReadmeClaimIsInASampleFile() throws {
        let expected = try Self.readmeVerdicts()
        var ids = Set<String>()
        for file in ["claims.json", "claims.csv"] {
            let cs = try ClaimReader.read(path: Fixture.samplesPath + "/claims/" + file, schema: Fixture.policy.schema)
            ids.formUnion(cs.map(\.claimID))
        }
        #expect(Set(expected.keys) == ids)
    }

    @Test func samplesCSVUsesCRLFAndASpreadsheetAmount() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixture.samplesPath + "/claims/claims.csv"))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("claim_id,enterprise_id,rule_id,year,claimed_amount,claimed_rate\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.contains("\"18,082.19\""))
    }
}
