import Foundation
import Testing
@testable import JianfuCore

/// The population path (point closures, the interval evaluator only where a fact is missing) must give, rule by
/// rule, exactly what `check` gives: same status, same fen, same 就高不重复 outcome.
@Suite struct PopulationEvaluatorTests {
    /// Compares every rule of every profile; returns the number of rules the interval evaluator decided.
    @discardableResult
    func expectSameAsCheck(_ profiles: [Profile], year: Int, engine: Engine = Fixture.engine, disabled: Set<Int> = [],
                           sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Int {
        var pop = try #require(PopulationEvaluator(engine: engine, year: year, disabled: disabled))
        let only = disabled.isEmpty ? nil : Set(engine.policy.rules.indices).subtracting(disabled)
        for p in profiles {
            let full = try #require(engine.check(p, year: year, trace: false, only: only))
            let evaluated = pop.evaluate(p, year: year)
            #expect(evaluated)
            for (i, r) in full.results.enumerated() where Tally(r) != pop.tallies[i] {
                Issue.record("\(p.origin) \(year) \(engine.policy.rules[i].id): check \(Tally(r)), population \(pop.tallies[i])",
                             sourceLocation: sourceLocation)
                return pop.fallbacks
            }
        }
        try expectBatchSameAsCheck(profiles, year: year, engine: engine, disabled: disabled, sourceLocation: sourceLocation)
        return pop.fallbacks
    }

    /// The batch path over the same profiles, a batch at a time (the last one short): the same tallies as `check`.
    func expectBatchSameAsCheck(_ profiles: [Profile], year: Int, engine: Engine, disabled: Set<Int>,
                                sourceLocation: Testing.SourceLocation) throws {
        var batch = try #require(BatchEvaluator(engine: engine, year: year, disabled: disabled))
        let only = disabled.isEmpty ? nil : Set(engine.policy.rules.indices).subtracting(disabled)
        var start = 0
        while start < profiles.count {
            let part = Array(profiles[start..<min(profiles.count, start + BatchEvaluator.width)])
            let evaluated = part.withUnsafeBufferPointer { batch.evaluate($0, year: year) }
            #expect(evaluated)
            for (k, p) in part.enumerated() {
                let full = try #require(engine.check(p, year: year, trace: false, only: only))
                let tallies = Array(batch.tallies(k))
                for (i, r) in full.results.enumerated() where Tally(r) != tallies[i] {
                    Issue.record("batch: \(p.origin) \(year) \(engine.policy.rules[i].id): check \(Tally(r)), batch \(tallies[i])",
                                 sourceLocation: sourceLocation)
                    return
                }
            }
            start += part.count
        }
    }

    static let generated: [Profile] = (try? Population.profiles(Population.csv(400, seed: 5))) ?? []

    @Test(arguments: [2016, 2017, 2018, 2019, 2020, 2021])
    func generatedPopulationAgreesWithCheck(year: Int) throws {
        #expect(Self.generated.count == 400)
        let fallbacks = try expectSameAsCheck(Self.generated, year: year)
        // Complete generated profiles are decided on known values; the interval evaluator is the exception.
        #expect(fallbacks * 100 < Self.generated.count * Fixture.policy.rules.count)
    }

    @Test func incompleteProfilesAgreeWithCheck() throws {
        // Every third profile loses a different set of facts, so rules meet missing facts everywhere.
        var rng = PopulationGenerator.Random(state: 7)
        let profiles = Self.generated.enumerated().map { k, p -> Profile in
            var q = p
            for slot in q.values.indices where Int(rng.next() % 3) == k % 3 { q.values[slot] = nil }
            return q
        }
        let fallbacks = try expectSameAsCheck(profiles, year: 2017)
        #expect(fallbacks > 0)
    }

    @Test func sampleProfilesAgreeWithCheck() throws {
        let dir = Fixture.samplesPath
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 10)
        for f in files {
            let p = try Fixture.profile(String(contentsOfFile: dir + "/" + f, encoding: .utf8))
            for year in 2016...2021 { try expectSameAsCheck([p], year: year) }
        }
    }

    @Test func reformAndDisabledRulesAgreeWithCheck() throws {
        let path = Population.temp("reform.json", Array("""
        {"kind": "reform", "name": "deeper cut", "parameters": [{"name": "unemployment_rate_after", "values": [{"from": "2018-07-01", "value": "0.3%"}]}]}
        """.utf8))
        let engine = Engine(policy: try Reform.load(path: path, policy: Fixture.policy).apply(to: Fixture.policy))
        let funds = try #require(Fixture.policy.ruleIndex("52-2-1-funds"))
        let upgrade = try #require(Fixture.policy.ruleIndex("52-7-1-land-tax-upgrade"))
        try expectSameAsCheck(Self.generated, year: 2018, engine: engine, disabled: [funds, upgrade])
    }

    @Test func exclusiveGroupKeepsTheLargerReliefOnThePopulationPath() throws {
        // 52号 七(一): a new enterprise (30%) with grade A at 100% of the industry's tax per mu (30%–60%):
        // land-use tax 100,000 × 60% × 140/365 = 23,013.70 (high end) beats 100,000 × 30% × 140/365 = 11,506.85.
        let p = try Fixture.profile(#"""
        {"region_code": "330802", "industry_code": "C2614", "registered_on": "2017-01-10", "land_use_tax": 100000,
         "evaluation_grade": "A", "tax_per_mu": 5000, "industry_tax_per_mu": 5000,
         "tech_upgrade_investment": 0, "zero_land_equipment_investment": 0}
        """#)
        var pop = try #require(PopulationEvaluator(engine: Fixture.engine, year: 2017))
        let evaluated = pop.evaluate(p, year: 2017)
        #expect(evaluated)
        let efficiency = try #require(Fixture.policy.ruleIndex("52-7-1-land-tax-efficiency"))
        let new = try #require(Fixture.policy.ruleIndex("52-7-1-land-tax-new"))
        #expect(pop.tallies[efficiency].status == .eligible)
        #expect(pop.tallies[efficiency].high == Fixture.fen("23013.70"))
        #expect(pop.tallies[new].status == .superseded)
        #expect(pop.tallies[new].high == Fixture.fen("11506.85"))
        try expectSameAsCheck([p], year: 2017)
    }
}

@Suite struct SimulatorPipelineTests {
    /// Many small batches on several workers: every row is evaluated or rejected once, rejects come out in file
    /// order, and the totals equal one batch on one worker.
    @Test func rejectsStayInFileOrderAcrossBatchesAndWorkers() throws {
        let profiles = Array(PopulationEvaluatorTests.generated.prefix(120))
        var records: [SourceRecord] = []
        for (k, p) in profiles.enumerated() {
            records.append(.profile(p))
            if k % 7 == 3 { records.append(.rejected(line: 10_000 + k, reason: "bad row \(k)")) }
        }
        func run(batch: Int, workers: Int) throws -> (Aggregate, [Int]) {
            var source: any ProfileSource = ArraySource(records: records)
            let sim = Simulator(scenarios: [Scenario(label: "t", engine: Fixture.engine, year: 2017)])
            sim.batchSize = batch
            sim.workers = workers
            var lines: [Int] = []
            let agg = try sim.run(&source) { line, _ in lines.append(line) }[0]
            return (agg, lines)
        }
        let (many, manyLines) = try run(batch: 4, workers: 3)
        let (one, oneLines) = try run(batch: 10_000, workers: 1)
        let expected = profiles.indices.filter { $0 % 7 == 3 }.map { 10_000 + $0 }
        #expect(manyLines == expected)
        #expect(oneLines == expected)
        #expect(many.rowsRead == records.count && many.evaluated == profiles.count && many.rejected == expected.count)
        #expect(many.total == one.total && many.rules == one.rules && many.regions == one.regions)
    }
}
