import Foundation
import Testing
@testable import JianfuCore

/// A profile source over profiles already in memory (shards in tests).
struct ArraySource: ProfileSource {
    var records: [SourceRecord]
    var i = 0
    mutating func next() throws(Diagnostics) -> SourceRecord? {
        guard i < records.count else { return nil }
        defer { i += 1 }
        return records[i]
    }
}

enum Population {
    static func csv(_ n: Int, seed: UInt64) -> String {
        var g = PopulationGenerator(count: n, seed: seed)
        var text = ""
        g.write(.csv) { text += $0 }
        return text
    }

    static func temp(_ name: String, _ bytes: [UInt8]) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-\(UUID().uuidString)-\(name)").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    static func profiles(_ csv: String) throws -> [Profile] {
        var source = try CSVProfileSource(path: temp("p.csv", Array(csv.utf8)), encoding: .auto, schema: Fixture.policy.schema)
        var out: [Profile] = []
        while let r = try source.next() { if case .profile(let p) = r { out.append(p) } }
        return out
    }

    static func simulate(_ records: [SourceRecord], year: Int? = 2017) throws -> Aggregate {
        var source: any ProfileSource = ArraySource(records: records)
        let sim = Simulator(scenarios: [Scenario(label: "t", engine: Fixture.engine, year: year)])
        return try sim.run(&source) { _, _ in }[0]
    }
}

@Suite struct SimulationTests {
    @Test func populationTotalsEqualTheSumOfEachProfilesCheck() throws {
        let profiles = try Population.profiles(Population.csv(300, seed: 11))
        #expect(profiles.count == 300)
        let agg = try Population.simulate(profiles.map { .profile($0) })
        var low: Int128 = 0, high: Int128 = 0, beneficiaries = 0
        var perRule = [Int128](repeating: 0, count: Fixture.policy.rules.count)
        for p in profiles {
            let r = try #require(Fixture.engine.check(p, year: 2017))
            low += r.totals.low; high += r.totals.high
            if r.results.contains(where: { $0.status == .eligible && ($0.high ?? 0) > 0 }) { beneficiaries += 1 }
            for x in r.results where x.status == .eligible { perRule[x.rule] += x.high ?? 0 }
        }
        #expect(agg.total.low == low)
        #expect(agg.total.high == high)
        #expect(agg.total.beneficiaries == beneficiaries)
        #expect(agg.rules.map(\.high) == perRule)
        #expect(agg.evaluated == 300 && agg.rowsRead == 300 && agg.rejected == 0)
        let catSum = agg.categories.values.reduce(Int128(0)) { $0 + $1.high }
        #expect(catSum == high)
    }

    @Test(arguments: [[0, 1, 149, 150], [150, 150], [0, 300], [1, 1, 1, 297], [7, 93, 200]])
    func mergedShardsEqualTheWholeRun(split: [Int]) throws {
        let profiles = try Population.profiles(Population.csv(300, seed: 5))
        let whole = try Population.simulate(profiles.map { .profile($0) })
        var start = 0
        var partials: [(Partial, String)] = []
        for size in split {
            let shard = Array(profiles[start..<start + size])
            start += size
            let agg = try Population.simulate(shard.map { .profile($0) })
            // Shards travel as text, so go through encode/decode as a real batch system would.
            let p = Partial(rulePack: Fixture.policy.hash, scenarios: ["year=2017;reform=baseline"],
                            ruleIDs: Fixture.policy.rules.map(\.id), aggregates: [agg])
            partials.append((try Partial.decode(Array(p.encoded().utf8), file: "shard"), "shard"))
        }
        let merged = try Partial.merge(partials)
        #expect(merged.aggregates[0] == Aggregate(copyOf: whole))
        let reversed = try Partial.merge(partials.reversed())
        #expect(reversed.aggregates[0] == merged.aggregates[0])
    }

    func partial(pack: String = Fixture.policy.hash, scenario: String = "year=2017;reform=baseline") throws -> String {
        let agg = try Population.simulate(Population.profiles(Population.csv(20, seed: 3)).map { .profile($0) })
        return Partial(rulePack: pack, scenarios: [scenario], ruleIDs: Fixture.policy.rules.map(\.id), aggregates: [agg]).encoded()
    }

    @Test func mergeRefusesDifferentRulePacksAndScenarios() throws {
        let a = try Partial.decode(Array(partial().utf8), file: "a")
        let b = try Partial.decode(Array(partial(pack: "other").utf8), file: "b")
        let c = try Partial.decode(Array(partial(scenario: "year=2018;reform=baseline").utf8), file: "c")
        #expect(throws: Diagnostics.self) { try Partial.merge([(a, "a"), (b, "b")]) }
        do { _ = try Partial.merge([(a, "a"), (c, "c")]); Issue.record("scenarios differ but merged") } catch {
            #expect(error.description.contains("scenario"))
        }
    }

    @Test func truncatedOrAlteredPartialsAreErrors() throws {
        let text = try partial()
        let truncated = String(text.prefix(text.count / 2))
        do { _ = try Partial.decode(Array(truncated.utf8), file: "t"); Issue.record("truncated partial accepted") } catch {
            #expect(error.description.contains("truncated"))
        }
        // Change one digit of an amount: the checksum no longer matches.
        let altered = text.replacingOccurrences(of: "\"lo\":\"", with: "\"lo\":\"9")
        do { _ = try Partial.decode(Array(altered.utf8), file: "t"); Issue.record("altered partial accepted") } catch {
            #expect(error.description.contains("checksum"))
        }
        let otherVersion = text.replacingOccurrences(of: Partial.format, with: "jianfu-partial/0")
        do { _ = try Partial.decode(Array(otherVersion.utf8), file: "t"); Issue.record("other format accepted") } catch {
            #expect(error.description.contains("format"))
        }
    }

    @Test func rejectedRowsAreCountedWithTheirLines() throws {
        var csv = "id,year,region_code,employees,land_use_tax\r\n"
        csv += "a,2017,330802,10,1000\r\n"
        csv += "b,2017,33080,10,1000\r\n"          // region code of five digits
        csv += "c,2017,330803,-3,1000\r\n"         // negative employees
        csv += "d,,330803,5,\"1,234.50\"\r\n"     // no year and no --year
        let path = Population.temp("r.csv", Array(csv.utf8))
        var source: any ProfileSource = try CSVProfileSource(path: path, encoding: .auto, schema: Fixture.policy.schema)
        var rejected: [(Int, String)] = []
        let sim = Simulator(scenarios: [Scenario(label: "t", engine: Fixture.engine, year: nil)])
        let agg = try sim.run(&source) { rejected.append(($0, $1)) }[0]
        #expect(agg.rowsRead == 4)
        #expect(agg.evaluated == 1)
        #expect(agg.rejected == 3)
        #expect(rejected.map(\.0) == [3, 4, 5])
        #expect(rejected[0].1.contains("region_code"))
        #expect(rejected[1].1.contains("employees"))
        #expect(rejected[2].1.contains("no year"))
    }

    @Test func gb18030CSVWithChineseHeadersGivesTheSameTotalsAsUTF8() throws {
        let utf8 = "在职职工人数,region_code,year,land_use_tax,行业代码\r\n25,330802,2017,\"12,000.00\",C2614\r\n"
        let gbBytes: [UInt8] = try #require(utf8.data(using: String.Encoding(rawValue: 0x8000_0632)).map(Array.init))
        #expect(gbBytes != Array(utf8.utf8))
        let header = try #require(Fixture.policy.schema.field("industry_code"))
        // The label must be the schema's own; fall back to the field name when the label differs.
        let text = utf8.replacingOccurrences(of: "行业代码", with: header.zh)
        let bytes = try #require(text.data(using: String.Encoding(rawValue: 0x8000_0632)).map(Array.init))
        var a: any ProfileSource = try CSVProfileSource(path: Population.temp("g.csv", bytes), encoding: .auto, schema: Fixture.policy.schema)
        var b: any ProfileSource = try CSVProfileSource(path: Population.temp("u.csv", [0xEF, 0xBB, 0xBF] + Array(text.utf8)), encoding: .auto, schema: Fixture.policy.schema)
        let sim = Simulator(scenarios: [Scenario(label: "t", engine: Fixture.engine, year: nil)])
        let ga = try sim.run(&a) { _, _ in }[0]
        let ua = try sim.run(&b) { _, _ in }[0]
        #expect(ga.evaluated == 1 && ua.evaluated == 1)
        #expect(ga == ua)
    }

    @Test func comparingTwoYearsShowsTheUnemploymentCutEnding() throws {
        // 52号 六(三): the 1% → 0.5% cut runs 2017-05-01..2018-12-31; in 2019 it is not in force.
        let p = try Fixture.profile(#"{"region_code": "330802", "industry_code": "C2614", "annual_payroll": 1200000}"#)
        let sims = Simulator(scenarios: [Scenario(label: "2018", engine: Fixture.engine, year: 2018),
                                         Scenario(label: "2019", engine: Fixture.engine, year: 2019)])
        var source: any ProfileSource = ArraySource(records: [.profile(p)])
        let aggs = try sims.run(&source) { _, _ in }
        let i = try #require(Fixture.policy.ruleIndex("52-6-3-unemployment"))
        // 2018: 1,200,000 × (1% − 0.5%) × 12/12 = 6,000.00
        #expect(aggs[0].rules[i].high == Fixture.fen("6000"))
        #expect(aggs[1].rules[i].high == 0)
        #expect(aggs[1].rules[i].notInForce == 1)
    }

    @Test func aReformChangesTheParameterFromItsDate() throws {
        let reformPath = Population.temp("reform.json", Array("""
        {"kind": "reform", "name": "deeper cut", "parameters": [{"name": "unemployment_rate_after", "values": [{"from": "2018-07-01", "value": "0.3%"}]}],
         "disable_rules": ["52-2-1-funds"]}
        """.utf8))
        let reform = try Reform.load(path: reformPath, policy: Fixture.policy)
        let engine = Engine(policy: reform.apply(to: Fixture.policy))
        let p = try Fixture.profile(#"{"region_code": "330802", "industry_code": "C2614", "annual_payroll": 1200000, "utility_surcharge_paid": 1000, "wall_material_fund_paid": 0}"#)
        let i = try #require(Fixture.policy.ruleIndex("52-6-3-unemployment"))
        let r = try #require(engine.check(p, year: 2018)).results[i]
        // 1,200,000 × (1% − 0.5%) × 6/12 + 1,200,000 × (1% − 0.3%) × 6/12 = 3,000 + 4,200 = 7,200.00
        #expect(r.high == Fixture.fen("7200"))
        let funds = try #require(Fixture.policy.ruleIndex("52-2-1-funds"))
        let sim = Simulator(scenarios: [Scenario(label: "r", engine: engine, year: 2018, disabled: [funds], reformHash: reform.hash)])
        var source: any ProfileSource = ArraySource(records: [.profile(p)])
        let agg = try sim.run(&source) { _, _ in }[0]
        #expect(agg.rules[funds].eligible == 0)
        #expect(agg.rules[i].high == Fixture.fen("7200"))
    }

    @Test func unknownReformParameterIsNamedWithASuggestion() throws {
        let path = Population.temp("bad.json", Array(#"{"kind": "reform", "name": "x", "parameters": [{"name": "unemployment_rate_aftr", "values": []}]}"#.utf8))
        do { _ = try Reform.load(path: path, policy: Fixture.policy); Issue.record("accepted") } catch {
            #expect(error.description.contains("unemployment_rate_after"))
        }
    }
}

extension Aggregate {
    /// The whole run's aggregate as a merge would produce it (rows counted the same way).
    init(copyOf a: Aggregate) { self = a }
}

@Suite struct PopulationFormatTests {
    @Test func csvAndNDJSONOfOnePopulationGiveTheSameAggregate() throws {
        var g1 = PopulationGenerator(count: 150, seed: 21), g2 = PopulationGenerator(count: 150, seed: 21)
        var csv = "", nd = ""
        g1.write(.csv) { csv += $0 }
        g2.write(.ndjson) { nd += $0 }
        var a: any ProfileSource = try CSVProfileSource(path: Population.temp("p.csv", Array(csv.utf8)), encoding: .auto, schema: Fixture.policy.schema)
        var b: any ProfileSource = try NDJSONProfileSource(path: Population.temp("p.ndjson", Array(nd.utf8)), schema: Fixture.policy.schema)
        let sim = Simulator(scenarios: [Scenario(label: "t", engine: Fixture.engine, year: 2017)])
        let x = try sim.run(&a) { _, _ in }[0]
        let y = try sim.run(&b) { line, reason in Issue.record("NDJSON line \(line) rejected: \(reason)") }[0]
        #expect(x.evaluated == 150 && y.evaluated == 150)
        #expect(x == y)
    }

    /// NDJSON lines are parsed by the evaluating threads, batch by batch: blank lines skipped, a broken line and a
    /// bad value rejected with their file lines and the messages `next()` gives, in file order.
    @Test func ndjsonBatchesRejectWhatNextRejects() throws {
        var g = PopulationGenerator(count: 40, seed: 22)
        var nd = ""
        g.write(.ndjson) { nd += $0 }
        var lines = nd.split(separator: "\n").map(String.init)
        lines.insert("", at: 3)                                        // line 4: blank
        lines.insert("{\"year\": 2017, \"employees\": ", at: 10)     // line 11: cut short
        lines[20] = lines[20].replacingOccurrences(of: "\"employees\":", with: "\"employees\":-")  // line 21
        lines.insert("   ", at: 30)                                     // line 31: blank
        let path = Population.temp("b.ndjson", Array((lines.joined(separator: "\n") + "\n").utf8))
        var one = try NDJSONProfileSource(path: path, schema: Fixture.policy.schema)
        var expected: [(Int, String)] = []
        while let r = try one.next() { if case .rejected(let line, let reason) = r { expected.append((line, reason)) } }
        #expect(expected.map(\.0) == [11, 21])
        let sim = Simulator(scenarios: [Scenario(label: "t", engine: Fixture.engine, year: 2017)])
        sim.batchSize = 7
        var source: any ProfileSource = try NDJSONProfileSource(path: path, schema: Fixture.policy.schema)
        var got: [(Int, String)] = []
        let a = try sim.run(&source) { got.append(($0, $1)) }[0]
        #expect(a.rowsRead == 41 && a.evaluated == 39 && a.rejected == 2)
        #expect(got.map(\.0) == expected.map(\.0) && got.map(\.1) == expected.map(\.1))
    }
}
