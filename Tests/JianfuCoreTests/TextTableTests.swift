import Foundation
import Testing
@testable import JianfuCore

/// Issue 19.1 and 19.4: text tables never glue two cells, every table has headings, and a target that no rule
/// quantifies does not read as 0%.
@Suite struct TextTableTests {
    @Test func columnsGrowToTheWidestCellAndNeighboursStayTwoSpacesApart() {
        var table = TextTable([("地区", .left), ("企业", .right), ("减负（元）", .right)])
        table.add(["330802 柯城区", "24847", "248472,401,350,182.07 – 2,435,336,828.76"])
        table.add(["1", "2", "3"])
        let lines = table.lines()
        #expect(lines == [
            "  地区            企业                                减负（元）",
            "  330802 柯城区  24847  248472,401,350,182.07 – 2,435,336,828.76",
            "  1                  2                                         3",
        ])
    }

    @Test func eastAsianCharactersCountTwoColumnsAndShortRowsAreBlankFilled() {
        var table = TextTable([("类别", .left), ("x", .right)])
        table.add(["用能"])
        table.add(["ab", "10"])
        #expect(table.lines(indent: 0) == ["类别   x", "用能", "ab    10"])
    }

    /// An aggregate whose region and size amounts are ranges of ten-figure sums: the beneficiaries and the amount
    /// stay separate cells (the report glued `24847` to `2,401,350,182.07` before).
    static func largeAggregate() -> Aggregate {
        var a = Aggregate(ruleCount: Fixture.policy.rules.count)
        a.rowsRead = 24847; a.evaluated = 24847
        let bucket = Aggregate.Bucket(enterprises: 24847, beneficiaries: 24847, low: 240_135_018_207, high: 243_533_682_876)
        a.regions["330802"] = bucket
        a.sizes["10-49"] = bucket
        a.total = bucket
        a.categories["tax"] = bucket
        return a
    }

    @Test(arguments: [Lang.zh, Lang.en])
    func regionAndSizeTablesHaveHeadingsAndSeparateCells(lang: Lang) {
        let text = SimulationReport(policy: Fixture.policy, labels: ["baseline"], aggregates: [Self.largeAggregate()], lang: lang).text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let region = lines.first { $0.hasPrefix("  330802 ") }
        let size = lines.first { $0.hasPrefix("  10-49 ") }
        for line in [region, size] {
            let cells = line?.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells?.suffix(3) == ["24847", "24847", "2,401,350,182.07 – 2,435,336,828.76"])
        }
        let headings = lang == .zh ? ["  地区", "  职工人数", "  规则"] : ["  region", "  employees", "  rule"]
        for heading in headings { #expect(lines.contains { $0.hasPrefix(heading + " ") }, "no heading \(heading)") }
    }

    @Test func aTargetNoRuleQuantifiesSaysSoInsteadOfZeroPercent() throws {
        let report = SimulationReport(policy: Fixture.policy, labels: ["baseline"], aggregates: [Self.largeAggregate()], lang: .zh)
        let lines = report.targetLines(Self.largeAggregate())
        let energy = try #require(lines.first { $0.label == "用能" })
        #expect(!energy.quantified)
        #expect(try #require(lines.first { $0.label == "税费" }).quantified)
        let text = report.text()
        let energyLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("  用能 ") })
        #expect(energyLine.contains("目录中没有规则量化此项"))
        #expect(!energyLine.contains("0.00%"))
        #expect(text.contains("对照 51号 年度目标（百分比按高端）"))
        let en = SimulationReport(policy: Fixture.policy, labels: ["baseline"], aggregates: [Self.largeAggregate()], lang: .en).text()
        #expect(en.contains("no rule of the catalog quantifies this"))
        #expect(en.contains("percentages use the high end"))
    }
}
