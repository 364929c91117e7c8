import Foundation
import Testing
@testable import JianfuCore

/// Every dated value of a parameter carries its own source, and explanations cite the one in force.
@Suite struct ParameterSourceTests {
    @Test func everyValueOfTheRepositoryHasASource() {
        for p in Fixture.policy.parameters {
            #expect(p.sources.count == p.values.count, "\(p.name)")
            #expect(p.sources.allSatisfy { !$0.isEmpty }, "\(p.name)")
        }
    }

    @Test func aValueWithoutASourceIsRefusedAtItsPlace() throws {
        let scratch = try ScratchPolicies()
        try scratch.replace(in: "parameters/national.json", "\"30万\",\n          \"source\": \"财税〔2015〕99号(2015-10-01起30万元)\"",
                            with: "\"30万\"")
        guard case .failure(let d) = scratch.load() else { Issue.record("a value without a source was accepted"); return }
        let text = d.description
        #expect(text.contains(scratch.file("parameters/national.json") + ":101:"))
        #expect(text.contains("parameter small_profit_income_ceiling, values[0]: missing \"source\""))
    }

    @Test func theSourceOfTheValueInForceIsCited() throws {
        // 52号 二(五): the 30万 ceiling (财税〔2015〕99号) holds in 2016, the 50万 one (财税〔2017〕43号) from 2017.
        let p = try #require(Fixture.policy.parameters.first { $0.name == "small_profit_income_ceiling" })
        #expect(p.source(since: Day(iso: "2016-01-01")!) == "财税〔2015〕99号(2015-10-01起30万元)")
        #expect(p.source(since: Day(iso: "2017-01-01")!).hasPrefix("财税〔2017〕43号"))
        for (year, cited, notCited) in [(2016, "99号", "43号"), (2018, "43号", "99号")] {
            let profile = try Fixture.profile(#"{"region_code": "330802", "industry_code": "C2614", "taxable_income": 200000, "employees": 50, "total_assets": 5000000}"#)
            let result = try #require(Fixture.engine.check(profile, year: year, trace: true))
            let rule = try #require(Fixture.policy.ruleIndex("52-2-5-small-profit"))
            let text = Explanation(policy: Fixture.policy, profile: profile, result: result, rule: rule, lang: .en).text()
            let line = try #require(text.split(separator: "\n").first { $0.contains("small_profit_income_ceiling") })
            #expect(line.contains(cited), "\(year): \(line)")
            #expect(!line.contains(notCited), "\(year): \(line)")
        }
    }

    @Test func aReformValueIsSourcedToTheReformUnlessItSays() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-reform-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("r.json").path
        try Data(#"""
            {"kind": "reform", "name": "deeper", "parameters": [
              {"name": "unemployment_rate_after", "values": [{"from": "2018-01-01", "value": "0.3%"}]},
              {"name": "service_fee_cut", "values": [{"from": "2018-01-01", "value": "30%", "source": "draft 2018-3"}]}]}
            """#.utf8).write(to: URL(fileURLWithPath: path))
        let policy = try Reform.load(path: path, policy: Fixture.policy).apply(to: Fixture.policy)
        let rate = try #require(policy.parameters.first { $0.name == "unemployment_rate_after" })
        #expect(rate.sources.count == rate.values.count)
        #expect(rate.source(since: Day(iso: "2018-01-01")!) == "reform “deeper” (\(path))")
        #expect(rate.source(since: Day(iso: "2017-06-01")!).contains("52号"))
        let cut = try #require(policy.parameters.first { $0.name == "service_fee_cut" })
        #expect(cut.source(since: Day(iso: "2018-06-01")!) == "draft 2018-3")
    }
}
