import Foundation
import Testing
@testable import JianfuCore

/// The batch path `simulate` runs (CSV rows written straight into registers, rules as batch code) must give what
/// the profile path gives: the same values per field, the same tallies per rule, the same aggregate.
@Suite struct BatchPathTests {
    /// A generated population re-spelled as spreadsheets write it: thousands separators, blanks, percentages,
    /// TRUE/是, CRLF; and two rows the reader must reject.
    static func respelledCSV(rows: Int, seed: UInt64) -> String {
        let lines = Population.csv(rows, seed: seed).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func column(_ name: String) -> Int { header.firstIndex(of: name) ?? -1 }
        let payroll = column("annual_payroll"), tech = column("is_tech_sme"), rate = column("income_tax_rate")
        let grade = column("evaluation_grade"), land = column("land_use_tax"), employees = column("employees")
        var out = [lines[0]]
        for (k, line) in lines.dropFirst().enumerated() {
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            switch k % 9 {
            case 1:
                // 4377615.88 → "4,377,615.88", quoted as Excel writes it.
                if let v = Double(cells[payroll]), v >= 1000 {
                    let f = NumberFormatter()
                    f.numberStyle = .decimal; f.minimumFractionDigits = 2; f.maximumFractionDigits = 2
                    f.locale = Locale(identifier: "en_US")
                    cells[payroll] = "\"" + (f.string(from: NSNumber(value: v)) ?? cells[payroll]) + "\""
                }
            case 2: cells[tech] = cells[tech] == "true" ? "是" : "FALSE"
            case 3: cells[rate] = "25%"
            case 4: if !cells[grade].isEmpty { cells[grade] = " " + cells[grade] + " " }
            case 5: cells[land] = " " + cells[land]
            case 6: cells[employees] = cells[employees] + ".0"
            default: break
            }
            out.append(cells.joined(separator: ","))
        }
        // Rejected: a negative employee count, and a region code of five digits.
        var bad = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        bad[employees] = "-3"
        out.insert(bad.joined(separator: ","), at: 5)
        bad = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        bad[column("region_code")] = "33080"
        out.insert(bad.joined(separator: ","), at: 50)
        return out.joined(separator: "\r\n") + "\r\n"
    }

    @Test func csvFastReaderGivesTheSameAggregateAsProfiles() throws {
        let csv = Self.respelledCSV(rows: 700, seed: 31)
        let path = Population.temp("respelled.csv", Array(csv.utf8))
        // The fast path: CSV batches straight into registers.
        var fast: any ProfileSource = try CSVProfileSource(path: path, encoding: .auto, schema: Fixture.policy.schema)
        var fastRejects: [Int] = []
        let sim = Simulator(scenarios: [Scenario(label: "t", engine: Fixture.engine, year: 2017)])
        sim.batchSize = 300
        let a = try sim.run(&fast) { line, _ in fastRejects.append(line) }[0]
        // The profile path: the same file read as profiles first.
        var source = try CSVProfileSource(path: path, encoding: .auto, schema: Fixture.policy.schema)
        var records: [SourceRecord] = []
        while let r = try source.next() { records.append(r) }
        var slow: any ProfileSource = ArraySource(records: records)
        var slowRejects: [Int] = []
        let b = try sim.run(&slow) { line, _ in slowRejects.append(line) }[0]
        #expect(a.rowsRead == 702 && a.evaluated == 700 && a.rejected == 2)
        #expect(fastRejects == [6, 51])
        #expect(fastRejects == slowRejects)
        #expect(a == b)
    }

    /// Free text no rule reads is checked, not kept: a name that is not valid UTF-8 still rejects its row.
    @Test func invalidTextInAPlainRecordRejectsItsRow() throws {
        var lines = Population.csv(30, seed: 33).split(separator: "\n").map { Array($0.utf8) }
        let nameColumn = try #require(String(decoding: lines[0], as: UTF8.self).split(separator: ",").firstIndex(of: "name"))
        // Line 6: 企业5 cut inside 业 (its first five bytes, then an x); line 7: 企业6 kept whole.
        var cells = lines[5].split(separator: 0x2C, omittingEmptySubsequences: false).map(Array.init)
        cells[nameColumn] = Array(cells[nameColumn].prefix(5)) + [0x78]
        lines[5] = Array(cells.joined(separator: [0x2C]))
        let path = Population.temp("bad-name.csv", Array(lines.joined(separator: [0x0A])) + [0x0A])
        var source: any ProfileSource = try CSVProfileSource(path: path, encoding: .utf8, schema: Fixture.policy.schema)
        var rejects: [(Int, String)] = []
        let a = try Simulator(scenarios: [Scenario(label: "t", engine: Fixture.engine, year: 2017)]).run(&source) { rejects.append(($0, $1)) }[0]
        #expect(a.rowsRead == 30 && a.evaluated == 29)
        #expect(rejects.map(\.0) == [6])
        #expect(rejects.first?.1.contains("name") == true)
    }

    @Test func registersHoldWhatTheProfileReaderReads() throws {
        let csv = Self.respelledCSV(rows: 300, seed: 32)
        var source = try CSVProfileSource(path: Population.temp("r.csv", Array(csv.utf8)), encoding: .auto, schema: Fixture.policy.schema)
        guard case .csv(let rows, let mapper, let file)? = try source.nextBatch(limit: 1000) else {
            Issue.record("expected a CSV batch")
            return
        }
        let evaluator = try #require(BatchEvaluator(engine: Fixture.engine, year: 2017))
        let memory = evaluator.memory
        let view = rows.makeView(), plainView = rows.makeView()
        var fastRows = 0, plainRows = 0
        for k in 0..<rows.count {
            let row = rows.row(k, in: view)
            let loaded = mapper.load(row, into: memory, at: 0)
            // A plain record (no quotes) is also read in one pass, split while read, into place 1 (after place 0:
            // list items are pooled in row order).
            var loadedPlain = false
            if let plain = rows.plain(k) {
                loadedPlain = mapper.load(plain: plain.bytes, count: plain.count, line: plain.line, view: plainView, into: memory, at: 1)
            }
            guard case .success(let expected) = mapper.profile(row, file: file) else {
                #expect(!loaded && !loadedPlain, "line \(row.line) is rejected by the profile reader, so the fast reader must not take it")
                continue
            }
            for (place, taken) in [(0, loaded), (1, loadedPlain)] where taken {
                if place == 0 { fastRows += 1 } else { plainRows += 1 }
                let got = memory.profile(row: place, origin: expected.origin)
                for slot in got.values.indices where memory.reads[slot] && got.values[slot] != expected.values[slot] {
                    Issue.record("line \(row.line) place \(place) \(Fixture.policy.schema.fields[slot].name): registers \(String(describing: got.values[slot])), profile \(String(describing: expected.values[slot]))")
                }
            }
        }
        // Most rows take the fast reader; the re-spelled numbers go through the general one. Rows with a quoted
        // cell (every ninth) are not plain.
        #expect(fastRows > 250)
        #expect(plainRows > 230)
    }

    /// Many batches in a row, years and reforms: each batch starts from the state the last one left.
    @Test(arguments: [2017, 2019])
    func manyBatchesAgreeWithThePointPath(year: Int) throws {
        let profiles = try Population.profiles(Population.csv(1_200, seed: 33))
        var batch = try #require(BatchEvaluator(engine: Fixture.engine, year: year))
        var point = try #require(PopulationEvaluator(engine: Fixture.engine, year: year))
        var start = 0, compared = 0
        while start < profiles.count {
            let part = Array(profiles[start..<min(profiles.count, start + BatchEvaluator.width)])
            let ok = part.withUnsafeBufferPointer { batch.evaluate($0, year: year) }
            #expect(ok)
            for (r, p) in part.enumerated() {
                _ = point.evaluate(p, year: year)
                let tallies = batch.tallies(r)
                for i in tallies.indices where tallies[i] != point.tallies[i] {
                    Issue.record("\(p.origin) \(Fixture.policy.rules[i].id): batch \(tallies[i]), point \(point.tallies[i])")
                    return
                }
                compared += 1
            }
            start += part.count
        }
        #expect(compared == 1_200)
    }

    @Test func theUpgradeCapBindsOnTheBatchPath() throws {
        // 52号 七(一): land-use tax relief of 30% from 2017-08-14, capped at 50% of the qualifying investment.
        // 30,000,000 × 30% × 140/365 = 3,452,054.79 is more than 50% × 5,000,000 = 2,500,000.00, so the cap decides.
        // The same profile with a tenth of the tax stays under the cap: 3,000,000 × 30% × 140/365 = 345,205.48.
        let big = try Fixture.profile(#"""
        {"region_code": "330802", "industry_code": "C2614", "registered_on": "2005-01-10", "land_use_tax": 30000000,
         "tech_upgrade_investment": 5000000, "zero_land_equipment_investment": 0}
        """#)
        var small = big
        let landTax = try #require(Fixture.policy.schema.fieldIndex("land_use_tax"))
        small.values[landTax] = .number(Rational(3_000_000))
        let upgrade = try #require(Fixture.policy.ruleIndex("52-7-1-land-tax-upgrade"))
        var batch = try #require(BatchEvaluator(engine: Fixture.engine, year: 2017))
        // The capped profile after the uncapped one, in the same batch and in the next: no cap carries over.
        for profiles in [[small, big, small], [big, small]] {
            let ok = profiles.withUnsafeBufferPointer { batch.evaluate($0, year: 2017) }
            #expect(ok)
            for (r, p) in profiles.enumerated() {
                let t = batch.tallies(r)[upgrade]
                #expect(t.status == .eligible)
                #expect(t.high == (p == big ? Fixture.fen("2500000.00") : Fixture.fen("345205.48")))
                let check = try #require(Fixture.engine.check(p, year: 2017))
                #expect(Tally(check.results[upgrade]) == t)
            }
        }
    }

    /// The fast reader's integer domain test agrees with the exact one at every edge: signs, a rate of 1,
    /// fractions of counts, a count's minimum, and the magnitudes beyond which numbers are refused.
    @Test(arguments: ["0", "-0.01", "1", "1.0000", "1.0001", "0.25", "5.00", "5.5", "-3", "999999999999",
                      "1000000000000", "1000000000000.00", "1000000000001", "999999999999999.99", "1000000000000000",
                      "-999999999999999.99", "-1000000000000000.00"])
    func integerDomainTestAgreesWithTheExactOne(text: String) throws {
        let cell = Array(text.utf8)
        let (units, power) = try #require(cell.withUnsafeBufferPointer { CSVProfileMapper.plainDecimal($0) })
        let exact = try #require(Rational(Int128(units), Int128(power)))
        #expect(exact == Rational(plainDecimal: units, power: power))
        for spec in Fixture.policy.schema.fields {
            guard let domain = CSVProfileMapper.NumberDomain(spec) else { continue }
            #expect(domain.accepts(units: units, power: power) == domain.accepts(exact), "\(text) as \(spec.name)")
        }
    }
}
