import Foundation
import Testing
@testable import JianfuCore

/// Populations as registry extracts come: whole columns absent, cells blank. `simulate` must give what `check`
/// gives row by row, rule by rule, whatever the path the batch takes for the missing facts.
@Suite struct SparsePopulationTests {
    static func sparseCSV(_ n: Int, seed: UInt64, year: Int = 2017) -> String {
        var g = PopulationGenerator(count: n, seed: seed, year: year, sparse: true)
        var text = ""
        g.write(.csv) { text += $0 }
        return text
    }

    /// The aggregate `check` gives over the profiles, built from each profile's results alone.
    static func checked(_ profiles: [Profile], year: Int, engine: Engine = Fixture.engine) throws -> Aggregate {
        var a = Aggregate(ruleCount: engine.policy.rules.count)
        a.rowsRead = profiles.count; a.evaluated = profiles.count
        for p in profiles {
            let r = try #require(engine.check(p, year: year))
            var any = false
            for x in r.results {
                switch x.status {
                case .eligible:
                    a.rules[x.rule].eligible += 1
                    a.rules[x.rule].low += x.low ?? 0; a.rules[x.rule].high += x.high ?? 0
                    a.rules[x.rule].liquidity += x.amount ?? 0
                    if (x.high ?? 0) > 0 { any = true }
                case .superseded: a.rules[x.rule].superseded += 1
                case .undetermined: a.rules[x.rule].undetermined += 1
                case .ineligible: a.rules[x.rule].ineligible += 1
                case .notInForce: a.rules[x.rule].notInForce += 1
                }
            }
            a.total.enterprises += 1
            a.total.low += r.totals.low; a.total.high += r.totals.high
            if any { a.total.beneficiaries += 1 }
            if r.totals.undetermined > 0 { a.withUndetermined += 1 }
        }
        return a
    }

    @Test func aSparsePopulationLacksWholeColumnsAndSomeCells() throws {
        let csv = Self.sparseCSV(400, seed: 3)
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines.count == 401)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for absent in ["local_average_wage", "storage_land_use_tax", "guarantees_1_amount", "standard_factory_lease_annual_rent",
                       "trademark_classes", "survey_fees", "safety_risk_deposit"] {
            #expect(!header.contains(absent), "\(absent) is written")
        }
        #expect(header.contains("id") && header.contains("employees") && header.contains("land_use_tax"))
        // About 10% of the cells left are blank; the id, name, year and region never are.
        var blank = 0, cells = 0
        let never = Set(["id", "name", "year", "region_code"].compactMap { header.firstIndex(of: $0) })
        for line in lines.dropFirst() {
            let row = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(row.count == header.count)
            for (k, c) in row.enumerated() {
                if never.contains(k) { #expect(!c.isEmpty); continue }
                cells += 1
                if c.isEmpty { blank += 1 }
            }
        }
        // The complete population already leaves optional cells empty; sparse blanks about 10% more.
        #expect(Double(blank) / Double(cells) > 0.1)
        // The same enterprises: ids and names are those of the complete population.
        let full = Population.csv(400, seed: 3).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(2) }
        #expect(lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(2) } == Array(full.dropFirst()))
    }

    @Test(arguments: [2016, 2017, 2018, 2019, 2020, 2021])
    func simulateOnSparseDataEqualsTheSumOfCheck(year: Int) throws {
        let csv = Self.sparseCSV(500, seed: 40 + UInt64(year), year: year)
        let path = Population.temp("sparse.csv", Array(csv.utf8))
        let profiles = try Population.profiles(csv)
        #expect(profiles.count == 500)
        let expected = try Self.checked(profiles, year: year)
        var source: any ProfileSource = try CSVProfileSource(path: path, encoding: .auto, schema: Fixture.policy.schema)
        let sim = Simulator(scenarios: [Scenario(label: "t", engine: Fixture.engine, year: year)])
        sim.batchSize = 128
        let got = try sim.run(&source) { line, reason in Issue.record("line \(line) rejected: \(reason)") }[0]
        #expect(got.rowsRead == 500 && got.evaluated == 500 && got.rejected == 0)
        for i in got.rules.indices where got.rules[i] != expected.rules[i] {
            Issue.record("\(Fixture.policy.rules[i].id): simulate \(got.rules[i]) check \(expected.rules[i])")
        }
        #expect(got.total == expected.total)
        #expect(got.withUndetermined == expected.withUndetermined)
        // Missing facts are the normal case here: many rules stay undetermined.
        #expect(got.withUndetermined > 250)
    }

    /// Issue 15: the batch code decides missing facts itself, row by row as `check` does (ranges from the
    /// fields' domains, missing lists, unknown scopes and windows, caps that are ranges), with no row left to
    /// the interval evaluator.
    @Test(arguments: [2016, 2017, 2018, 2019, 2020, 2021])
    func theBatchCodeDecidesSparseRowsAsCheckDoes(year: Int) throws {
        let profiles = try Population.profiles(Self.sparseCSV(700, seed: 70 + UInt64(year), year: year))
        var batch = try #require(BatchEvaluator(engine: Fixture.engine, year: year))
        var start = 0, undetermined = 0, eligible = 0
        while start < profiles.count {
            let part = Array(profiles[start..<min(profiles.count, start + BatchEvaluator.width)])
            #expect(part.withUnsafeBufferPointer { batch.evaluate($0, year: year) })
            for (r, p) in part.enumerated() {
                let check = try #require(Fixture.engine.check(p, year: year, trace: false))
                let tallies = batch.tallies(r)
                for i in tallies.indices {
                    let expected = Tally(check.results[i])
                    if expected != tallies[i] { Issue.record("row \(start + r) \(Fixture.policy.rules[i].id): check \(expected), batch \(tallies[i])") }
                    if expected.status == .undetermined { undetermined += 1 }
                    if expected.status == .eligible { eligible += 1 }
                }
            }
            start += part.count
        }
        #expect(undetermined > 1_000 && eligible > 200)
        #expect(batch.fallbacks == 0, "rules left to the interval evaluator: \(batch.fallbacksByRule)")
    }

    @Test func sparseNDJSONGivesTheSameAggregateAsSparseCSV() throws {
        var g1 = PopulationGenerator(count: 200, seed: 9, sparse: true), g2 = PopulationGenerator(count: 200, seed: 9, sparse: true)
        var csv = "", nd = ""
        g1.write(.csv) { csv += $0 }
        g2.write(.ndjson) { nd += $0 }
        #expect(!nd.contains("\"guarantees\"") && !nd.contains("local_average_wage"))
        var a: any ProfileSource = try CSVProfileSource(path: Population.temp("s.csv", Array(csv.utf8)), encoding: .auto, schema: Fixture.policy.schema)
        var b: any ProfileSource = try NDJSONProfileSource(path: Population.temp("s.ndjson", Array(nd.utf8)), schema: Fixture.policy.schema)
        let sim = Simulator(scenarios: [Scenario(label: "t", engine: Fixture.engine, year: 2017)])
        let x = try sim.run(&a) { _, _ in }[0]
        let y = try sim.run(&b) { line, reason in Issue.record("NDJSON line \(line) rejected: \(reason)") }[0]
        #expect(x.evaluated == 200 && y.evaluated == 200)
        #expect(x == y)
    }
}
