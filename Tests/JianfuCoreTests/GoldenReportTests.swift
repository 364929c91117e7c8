import Foundation
import Testing
@testable import JianfuCore

/// Golden files for the reports of `jianfu check` (the CLI prints exactly these strings).
///
/// To refresh after an intended change: `JIANFU_RECORD=1 swift test --filter GoldenReportTests`, review the diff of
/// Tests/JianfuCoreTests/Golden/, and run the tests again — a recording run always fails, so nobody records by accident.
/// The rule-pack hash is masked, so editing a policy file changes a golden file only where the report changes.
@Suite struct GoldenReportTests {
    static let goldenDir = Fixture.root + "/Tests/JianfuCoreTests/Golden"

    static func render(_ sample: String, lang: Lang, json: Bool) throws -> String {
        let profile = try InputFile.profile(Fixture.samplesPath + "/" + sample, schema: Fixture.policy.schema)
        let year = try #require(Fixture.engine.year(of: profile, override: nil))
        let result = try #require(Fixture.engine.check(profile, year: year, trace: true))
        let report = CheckReport(engine: Fixture.engine, profile: profile, result: result, lang: lang)
        let text = json ? report.json() : report.text()
        return text.replacingOccurrences(of: Fixture.policy.hash, with: "<rule-pack>")
            .replacingOccurrences(of: Fixture.samplesPath, with: "Samples")
    }

    @Test(arguments: [
        ("qujiang-chemical-upgrade.json", Lang.zh, false, "qujiang-chemical-upgrade.zh.txt"),
        ("land-tax-group.json", Lang.en, false, "land-tax-group.en.txt"),
        ("qujiang-chemical-upgrade.json", Lang.en, true, "qujiang-chemical-upgrade.en.json"),
        ("incomplete-profile.json", Lang.zh, true, "incomplete-profile.zh.json"),
    ])
    func checkReportMatchesItsGoldenFile(sample: String, lang: Lang, json: Bool, golden: String) throws {
        let actual = try Self.render(sample, lang: lang, json: json)
        let path = Self.goldenDir + "/" + golden
        if ProcessInfo.processInfo.environment["JIANFU_RECORD"] != nil {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("recorded \(golden); run the tests again without JIANFU_RECORD")
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        if actual != expected {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
            Issue.record("""
            \(golden) differs at line \(line + 1):
              expected: \(line < e.count ? String(e[line]) : "<end>")
              actual:   \(line < a.count ? String(a[line]) : "<end>")
            (refresh with JIANFU_RECORD=1 swift test --filter GoldenReportTests if the change is intended)
            """)
        }
    }

    @Test func jsonReportIsValidJSONWithTheDocumentedKeys() throws {
        let text = try Self.render("qujiang-chemical-upgrade.json", lang: .en, json: true)
        let root = try JSONParser.parse(text)
        for key in ["jianfu_version", "rule_pack", "year", "profile", "totals", "rules", "questions", "near_misses"] {
            #expect(root[key] != nil, "missing \(key)")
        }
        let rules = try #require(root["rules"]?.arrayItems)
        #expect(rules.count == Fixture.policy.rules.count)
        // Totals equal the sum of the eligible rules' savings (to the fen).
        var sum = Rational.zero
        for r in rules where r["status"]?.stringValue == "eligible" {
            if case .number(let t)? = r["saving"]?["high"]?.value, let v = Rational.parse(jsonNumber: t) { sum = sum.adding(v) ?? sum }
        }
        guard case .number(let t)? = root["totals"]?["saving_high"]?.value else { Issue.record("no total"); return }
        #expect(Rational.parse(jsonNumber: t) == sum)
    }
}
