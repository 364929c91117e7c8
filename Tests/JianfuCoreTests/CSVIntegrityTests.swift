import Foundation
import Testing
@testable import JianfuCore

/// Rows that must not be silently wrong when a CSV file is damaged or saved in an unexpected way (issue 21).
@Suite struct CSVIntegrityTests {
    /// GB 18030-2000 in Foundation (kCFStringEncodingGB_18030_2000 as an NSStringEncoding).
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// Runs `bytes` as a population file and returns the aggregate and the rejects (line, reason).
    static func run(_ bytes: [UInt8], lang: Lang = .en) throws -> (Aggregate, [(Int, String)]) {
        var source: any ProfileSource = try CSVProfileSource(path: Population.temp("i.csv", bytes), encoding: .auto,
                                                             schema: Fixture.policy.schema, lang: lang)
        var rejected: [(Int, String)] = []
        let sim = Simulator(scenarios: [Scenario(label: "t", engine: Fixture.engine, year: nil)])
        let agg = try sim.run(&source) { rejected.append(($0, $1)) }[0]
        return (agg, rejected)
    }

    @Test(arguments: [Lang.en, .zh])
    func gb18030TextAfterTheDetectionWindowNamesTheEncodingOption(lang: Lang) throws {
        // 2,000 ASCII rows (about 70 KB, past the 64 KB auto-detection window), then one name in GB18030.
        var text = "id,name,year,region_code,employees,land_use_tax\n"
        for k in 1...2000 { text += "a\(k),firm number \(k),2017,330802,10,1000\n" }
        var bytes = Array(text.utf8)
        bytes += try #require("b,企业,2017,330802,10,1000\n".data(using: Self.gb18030).map(Array.init))
        #expect(text.utf8.count > CSVReader.detectionWindow)
        let (agg, rejected) = try Self.run(bytes, lang: lang)
        #expect(agg.rowsRead == 2001)
        #expect(agg.rejected == 1)
        #expect(rejected.first?.0 == 2002)
        #expect(rejected.first?.1.contains("--encoding gb18030") == true)
    }
}
