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

    /// GB18030 with CRLF, as Chinese Excel saves a CSV: the same aggregate as the UTF-8 file. Free text no rule
    /// reads is checked in place (ASCII and two-byte characters), or by the decoder: a lead byte before a space
    /// rejects its row, a four-byte character does not.
    @Test func gb18030FileGivesTheSameAggregateAsUTF8() throws {
        let text = Population.csv(300, seed: 34)
        let gb = try #require(text.replacingOccurrences(of: "\n", with: "\r\n").data(using: CSVRowStorage.gb18030))
        let sim = Simulator(scenarios: [Scenario(label: "t", engine: Fixture.engine, year: 2017)])
        var utf8Source: any ProfileSource = try CSVProfileSource(path: Population.temp("u.csv", Array(text.utf8)), encoding: .auto,
                                                                schema: Fixture.policy.schema)
        var gbSource: any ProfileSource = try CSVProfileSource(path: Population.temp("g.csv", Array(gb)), encoding: .auto,
                                                              schema: Fixture.policy.schema)
        let a = try sim.run(&utf8Source) { _, _ in }[0], b = try sim.run(&gbSource) { _, _ in }[0]
        #expect(a.rowsRead == 300 && a == b)

        // Line 3: 企 then a space (0xC6 0x20, no character); line 4: U+0080 (the four bytes 81 30 81 30).
        var lines = Array(gb).split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        let nameColumn = try #require(String(decoding: lines[0], as: UTF8.self).split(separator: ",").firstIndex(of: "name"))
        for (line, name) in [(2, [0xC6, 0x20] as [UInt8]), (3, [0x81, 0x30, 0x81, 0x30])] {
            var cells = lines[line].split(separator: 0x2C, omittingEmptySubsequences: false).map(Array.init)
            cells[nameColumn] = name
            lines[line] = Array(cells.joined(separator: [0x2C]))
        }
        var edited: any ProfileSource = try CSVProfileSource(path: Population.temp("g2.csv", Array(lines.joined(separator: [0x0A]))),
                                                            encoding: .gb18030, schema: Fixture.policy.schema)
        var rejects: [(Int, String)] = []
        let c = try sim.run(&edited) { rejects.append(($0, $1)) }[0]
        #expect(c.rowsRead == 300 && c.evaluated == 299)
        #expect(rejects.map(\.0) == [3])
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

    /// Rows the interval evaluator decides share an outcome when their conditions' outcomes and the values the
    /// outcome can depend on are alike: crafted rows with a missing fact (taxable income, tax per mu) and
    /// everything else varied, over several batches, each against `check`.
    @Test func rowsLeftToTheIntervalEvaluatorAgreeWithCheck() throws {
        var profiles: [Profile] = []
        for k in 0..<700 {
            // Industry F (others: 80 employees, 10 million) or C (industrial: 100, 30 million); some employee
            // counts missing, some over the limit; rates missing, 25%, 15% or 10% (nothing to save).
            let industry = k % 3 == 0 ? "C3489" : "F5191"
            let employees = k % 7 == 0 ? "" : ", \"employees\": \(10 + (k * 13) % 110)"
            let assets = 1_000_000 + (k * 977_003) % 35_000_000
            let rate = ["", ", \"income_tax_rate\": 0.25", ", \"income_tax_rate\": 0.15", ", \"income_tax_rate\": 0.1"][k % 4]
            let grade = ["A", "B", "C"][k % 3 == 0 ? (k / 3) % 3 : 0]
            let income = k % 5 == 0 ? ", \"taxable_income\": \(k * 1_000)" : ""
            let perMu = k % 11 == 0 ? ", \"tax_per_mu\": 200000" : ""
            profiles.append(try Fixture.profile("""
                {"year": 2017, "region_code": "330802", "industry_code": "\(industry)", "registered_on": "2010-01-01",
                 "total_assets": \(assets), "land_use_tax": \(50_000 + k * 100), "industry_tax_per_mu": 300000,
                 "evaluation_grade": "\(grade)"\(employees)\(rate)\(income)\(perMu)}
                """))
        }
        var batch = try #require(BatchEvaluator(engine: Fixture.engine, year: 2017))
        let smallProfit = try #require(Fixture.policy.ruleIndex("52-2-5-small-profit"))
        let efficiency = try #require(Fixture.policy.ruleIndex("52-7-1-land-tax-efficiency"))
        var start = 0, undetermined = 0
        while start < profiles.count {
            let part = Array(profiles[start..<min(profiles.count, start + BatchEvaluator.width)])
            let ok = part.withUnsafeBufferPointer { batch.evaluate($0, year: 2017) }
            #expect(ok)
            for (r, p) in part.enumerated() {
                let check = try #require(Fixture.engine.check(p, year: 2017, trace: false))
                let tallies = batch.tallies(r)
                for i in tallies.indices where Tally(check.results[i]) != tallies[i] {
                    Issue.record("row \(start + r) \(Fixture.policy.rules[i].id): check \(Tally(check.results[i])), batch \(tallies[i])")
                }
                undetermined += [smallProfit, efficiency].filter { tallies[$0].status == .undetermined }.count
            }
            start += part.count
        }
        // Many rows meet a missing fact, and the batch code decides them all itself (issue 15).
        #expect(undetermined > 300)
        #expect(batch.fallbacksByRule[smallProfit] == 0 && batch.fallbacksByRule[efficiency] == 0)
    }

    /// A condition the batch code leaves unknown and the interval evaluator decides (a missing R&D expense over
    /// a positive tax per mu is at least 0; over 0 it is undefined): the outcome then depends on the saving's
    /// values and on the unknown condition's, and rows must not share it unless those are alike.
    @Test func sharedOutcomesKeepTheValuesTheyDependOn() throws {
        let scratch = try ScratchPolicies()
        try scratch.replace(in: "documents/qzbf-2017-52.json",
                            #""expr": "taxable_income > 0 and taxable_income <= small_profit_income_ceiling""#,
                            with: #""expr": "rd_expense / tax_per_mu >= 0""#)
        let policy = try scratch.load().get()
        let engine = Engine(policy: policy)
        let rule = try #require(policy.ruleIndex("52-2-5-small-profit"))
        var profiles: [Profile] = []
        for k in 0..<600 {
            // Incomes repeat every 4 rows, tax per mu (0 or not) every 3: the interval evaluator decides.
            let json = """
                {"year": 2017, "region_code": "330802", "industry_code": "F5191", "registered_on": "2010-01-01",
                 "employees": \(10 + k % 50), "total_assets": \(3_000_000 + k), "taxable_income": \(123_457 + 1_000 * (k % 4)),
                 "tax_per_mu": \([0, 1_000, 5_000][k % 3])}
                """
            profiles.append(try ProfileReader(schema: policy.schema).read(try JSONParser.parse(json), origin: "t").get())
        }
        var batch = try #require(BatchEvaluator(engine: engine, year: 2017))
        var start = 0, eligible = 0, undetermined = 0
        while start < profiles.count {
            let part = Array(profiles[start..<min(profiles.count, start + BatchEvaluator.width)])
            let ok = part.withUnsafeBufferPointer { batch.evaluate($0, year: 2017) }
            #expect(ok)
            for (r, p) in part.enumerated() {
                let check = try #require(engine.check(p, year: 2017, trace: false))
                let t = batch.tallies(r)[rule]
                #expect(t == Tally(check.results[rule]), "row \(start + r)")
                if t.status == .eligible { eligible += 1 }
                if t.status == .undetermined { undetermined += 1 }
                // 123,457 × (25% − 10%) = 18,518.55.
                if (start + r) % 12 == 4 { #expect(t.status == .eligible && t.high == Fixture.fen("18518.55")) }
            }
            start += part.count
        }
        #expect(eligible == 400 && undetermined == 200)
        // A divisor of 0 leaves the quotient any number: the batch code decides that as the interval evaluator.
        #expect(batch.fallbacksByRule[rule] == 0)
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
