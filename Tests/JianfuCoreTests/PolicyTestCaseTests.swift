import Foundation
import Testing
@testable import JianfuCore

/// The cases written as data in Policies/tests run here too, and the runner itself is checked on broken cases.
@Suite struct PolicyTestCaseTests {
    @Test func repositoryTestCasesAllPass() throws {
        let loaded = PolicyTestLoader.load(directory: Fixture.policiesPath, policy: Fixture.policy)
        #expect(loaded.problems.isEmpty, "\(loaded.problems)")
        #expect(loaded.cases.count >= 40)
        let run = PolicyTestRunner(engine: Fixture.engine).run(loaded.cases)
        let report = PolicyTestReport(engine: Fixture.engine, run: run, lang: .en)
        #expect(run.failures.isEmpty, "\(report.failures())")
        #expect(run.expectations > loaded.cases.count - 1)
    }

    /// Every rule of the catalog has cases, and they reach every outcome it can have and both sides of every
    /// condition: a rule added to Policies/ must come with its cases in Policies/tests.
    @Test func repositoryTestCasesCoverEveryRule() throws {
        let loaded = PolicyTestLoader.load(directory: Fixture.policiesPath, policy: Fixture.policy)
        let run = PolicyTestRunner(engine: Fixture.engine).run(loaded.cases)
        for c in run.coverage where c.covered < c.items {
            Issue.record("\(Fixture.policy.rules[c.rule].id): \(c.covered) of \(c.items) outcomes and condition sides reached")
        }
        #expect(run.coverageShare == Rational(100))
    }

    /// The hand-computed cases through the batch path too: each rule's tally equals the interval evaluator's.
    @Test func repositoryTestCasesAgreeOnTheBatchPath() throws {
        let loaded = PolicyTestLoader.load(directory: Fixture.policiesPath, policy: Fixture.policy)
        var compared = 0
        for year in Set(loaded.cases.map(\.year)).sorted() {
            let profiles = loaded.cases.filter { $0.year == year }.map(\.profile)
            var batch = try #require(BatchEvaluator(engine: Fixture.engine, year: year))
            var start = 0
            while start < profiles.count {
                let part = Array(profiles[start..<min(profiles.count, start + BatchEvaluator.width)])
                #expect(part.withUnsafeBufferPointer { batch.evaluate($0, year: year) })
                for (r, p) in part.enumerated() {
                    let check = try #require(Fixture.engine.check(p, year: year))
                    let tallies = batch.tallies(r)
                    for i in tallies.indices where Tally(check.results[i]) != tallies[i] {
                        Issue.record("\(year) case \(start + r) \(Fixture.policy.rules[i].id): check \(Tally(check.results[i])), batch \(tallies[i])")
                    }
                    compared += 1
                }
                start += part.count
            }
        }
        #expect(compared == loaded.cases.count)
    }

    @Test func noSavingAndAssumedFieldsAreCompared() throws {
        // 52号 六(四) with the union fee defaulted from the payroll: 20% × 1,000,000 × 2% × 40% = 1,600.00 —
        // the case wrongly says no amount and no assumption.
        let (run, problems, _) = try run("""
            {"name": "union", "year": 2018, "base": "urban", "profile": {"annual_payroll": 1000000},
             "why": "20% × 8,000 = 1,600.00", "expect": {"52-6-4-union-fee": {"saving": null, "assumed": []}}}
            """)
        #expect(problems.isEmpty)
        let d = try #require(run.failures.first).differences
        #expect(d.map(\.what) == ["saving", "assumed"])
        #expect(d[0].got == "1,600.00")
        #expect(d[1].got == "union_fee_remitted")
    }

    @Test func testFilesDoNotChangeTheRulePackHash() throws {
        let scratch = try ScratchPolicies()
        try scratch.remove("tests")
        let hash = try scratch.load().get().hash
        #expect(hash == Fixture.policy.hash)
    }

    /// A scratch folder with one test file of the given cases.
    func run(_ cases: String) throws -> (PolicyTestRunner.Run, [Diagnostic], String) {
        let scratch = try ScratchPolicies()
        try scratch.remove("tests")
        try scratch.write("tests/t.json", #"{"kind": "tests", "bases": {"urban": {"region_code": "330802", "industry_code": "C2614"}}, "cases": ["# + cases + "]}")
        let policy = try scratch.load().get()
        let loaded = PolicyTestLoader.load(directory: scratch.path, policy: policy)
        let run = PolicyTestRunner(engine: Engine(policy: policy)).run(loaded.cases)
        return (run, loaded.problems, scratch.file("tests/t.json"))
    }

    @Test func aWrongSavingFailsNamingFileLineAndBothValues() throws {
        // 52号 二(一): (10,000 + 5,000) × 275/365 = 11,301.369… → 11,301.37; the case claims 11,301.36.
        let (run, problems, file) = try run("""
            {"name": "funds", "year": 2017, "base": "urban",
             "profile": {"utility_surcharge_paid": 10000, "wall_material_fund_paid": 5000},
             "why": "(10,000 + 5,000) × 275/365 = 11,301.369… → 11,301.37",
             "expect": {"52-2-1-funds": {"status": "eligible", "saving": "11301.36"}}}
            """)
        #expect(problems.isEmpty)
        #expect(run.failures.count == 1)
        let f = try #require(run.failures.first)
        #expect(f.location.hasPrefix(file + ":4:"))
        #expect(f.differences.map(\.what) == ["saving"])
        #expect(f.differences.first?.expected == "11,301.36")
        #expect(f.differences.first?.got == "11,301.37")
        let text = PolicyTestReport(engine: Fixture.engine, run: run, lang: .en).failures()
        #expect(text.contains("52-2-1-funds — “funds” (2017)"))
        #expect(text.contains("saving: expected 11,301.36, got 11,301.37"))
    }

    @Test func statusFailedConditionAndMissingAreCompared() throws {
        let (run, _, _) = try run("""
            {"name": "ratio", "year": 2018, "base": "urban",
             "profile": {"land_use_tax": 100000, "industry_tax_per_mu": 100, "tax_per_mu": 49.99, "evaluation_grade": "A"},
             "why": "49.99% < 50%: fails ratio_low, not grade",
             "expect": {"52-7-1-land-tax-efficiency": {"status": "eligible", "failed_condition": "grade", "missing": ["tax_per_mu"]}}}
            """)
        let d = try #require(run.failures.first).differences
        #expect(d.map(\.what) == ["status", "failed_condition", "missing"])
        #expect(d[0].got == "ineligible")
        #expect(d[1].got == "ratio_low")
        #expect(d[2].got == "—")
    }

    @Test func totalsAreCompared() throws {
        // 52号 二(一) alone: 11,301.37 in 2017; the case says the total is 11,301.38.
        let (run, _, _) = try run("""
            {"name": "totals", "year": 2017,
             "profile": {"region_code": "330881", "industry_code": "F5110", "utility_surcharge_paid": 10000, "wall_material_fund_paid": 5000},
             "why": "only 二(一) applies to a wholesaler in 江山市: 11,301.37",
             "expect": {"52-2-1-funds": {"saving": "11301.37"}}, "totals": {"low": "11301.38"}}
            """)
        #expect(run.failures.count == 1)
        #expect(run.failures.first?.differences.first?.what == "totals.low")
        #expect(run.failures.first?.differences.first?.got == "11,301.37")
    }

    @Test func badCasesAreReportedWithTheirPlace() throws {
        let (_, problems, file) = try run("""
            {"name": "bad", "year": 2017, "base": "nowhere", "why": "a rule that does not exist",
             "profile": {"employes": 3},
             "expect": {"52-2-1-fund": {"status": "eligble", "saving": "1.234"}}}
            """)
        let text = problems.map(\.description).joined(separator: "\n")
        #expect(text.contains("unknown base \"nowhere\""))
        #expect(text.contains("employes"))
        #expect(problems.allSatisfy { $0.location.hasPrefix(file) })
    }

    @Test func coverageCountsOutcomesAndConditionSides() throws {
        // 52号 二(二) small_workforce: 20 employees (true) and 31 (false) seen; eligible and ineligible reached.
        let (run, problems, _) = try run("""
            {"name": "small", "year": 2018, "base": "urban", "profile": {"employees": 20, "disabled_employees": 0, "annual_payroll": 1200000},
             "why": "二(二) 30人(含)以下 exempt", "expect": {"52-2-2-disabled-exempt": {"status": "eligible"}}},
            {"name": "large", "year": 2018, "base": "urban", "profile": {"employees": 31, "disabled_employees": 0, "annual_payroll": 1860000},
             "why": "二(二) 31 > 30", "expect": {"52-2-2-disabled-exempt": {"status": "ineligible", "failed_condition": "small_workforce"}}}
            """)
        #expect(problems.isEmpty, "\(problems)")
        #expect(run.failures.isEmpty)
        let c = try #require(run.coverage.first { Fixture.policy.rules[$0.rule].id == "52-2-2-disabled-exempt" })
        #expect(c.reached == [.eligible, .ineligible])
        #expect(c.reachable.contains(.undetermined))
        #expect(c.conditions.allSatisfy { $0.yes && $0.no })
        #expect(c.covered == c.items - 1)
        let other = try #require(run.coverage.first { Fixture.policy.rules[$0.rule].id == "52-2-1-funds" })
        #expect(other.covered == 0)
    }
}

/// `jianfu policies test` through the built executable: output, standard error and exit codes.
@Suite struct PolicyTestCommandTests {
    static func jianfu(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let exe = Fixture.root + "/.build/debug/jianfu"
        guard FileManager.default.isExecutableFile(atPath: exe) else { throw TestError("no executable at \(exe): run swift build") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: Fixture.root)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func theRepositoryCasesPassWithFullCoverage() throws {
        let r = try Self.jianfu(["policies", "test", "Policies", "--min-coverage", "100", "--lang", "en"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Coverage: 100.0%"))
        #expect(r.out.contains("0 failed"))
        #expect(r.err.isEmpty)
    }

    @Test func aFailingCaseExitsOneNamingItsFileAndLine() throws {
        let scratch = try ScratchPolicies()
        try scratch.replace(in: "tests/qzbf-2017-52-tax-fee.json", #""saving": "11301.37""#, with: #""saving": "11301.38""#)
        let r = try Self.jianfu(["policies", "test", scratch.path])
        #expect(r.status == 1)
        #expect(r.out.contains(scratch.file("tests/qzbf-2017-52-tax-fee.json") + ":"))
        #expect(r.out.contains("saving: 应为 11,301.38，实为 11,301.37"))
        #expect(r.out.contains("1 项失败"))
    }

    @Test func coverageBelowTheThresholdExitsOne() throws {
        let scratch = try ScratchPolicies()
        try scratch.remove("tests/qzbf-2017-missing-facts.json")
        let r = try Self.jianfu(["policies", "test", scratch.path, "--min-coverage", "100", "--lang", "en"])
        #expect(r.status == 1)
        #expect(r.err.contains("is below --min-coverage 100%"))
        #expect(r.out.contains("✗"))
    }

    @Test func aBadThresholdIsAUsageError() throws {
        let r = try Self.jianfu(["policies", "test", "--min-coverage", "abc"])
        #expect(r.status == 2)
        #expect(r.err.contains("--min-coverage 应为 0 到 100 之间的百分数"))
    }

    @Test func aFolderWithoutCasesExitsOne() throws {
        let scratch = try ScratchPolicies()
        try scratch.remove("tests")
        let r = try Self.jianfu(["policies", "test", scratch.path, "--lang", "en"])
        #expect(r.status == 1)
        #expect(r.err.contains("no test cases"))
    }
}
