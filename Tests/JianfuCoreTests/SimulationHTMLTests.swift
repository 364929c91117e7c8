import Testing
@testable import JianfuCore

/// Profiles held in memory, standing in for a population file.
private struct ArrayProfileSource: ProfileSource {
    var profiles: [Profile]
    var index = 0

    mutating func next() throws(Diagnostics) -> SourceRecord? {
        guard index < profiles.count else { return nil }
        defer { index += 1 }
        return .profile(profiles[index])
    }
}

@Suite struct SimulationHTMLTests {
    static let population = [
        """
        {"year": 2017, "region_code": "330802", "industry_code": "C2614", "registered_on": "2017-03-01", "employees": 12,
         "land_use_tax": 100000, "utility_surcharge_paid": 3650, "wall_material_fund_paid": 0}
        """,
        """
        {"year": 2017, "region_code": "330881", "industry_code": "G5411", "registered_on": "2009-05-20", "employees": 240,
         "annual_payroll": 14400000, "storage_land_use_tax": 20000, "cancelled_fees_paid": 1200}
        """,
        """
        {"year": 2017, "region_code": "330803", "industry_code": "C3311", "employees": 3}
        """,
    ]

    /// Runs the small population through one scenario per year and builds the report.
    static func report(years: [Int], labels: [String], lang: Lang = .zh) throws -> SimulationReport {
        let profiles = try population.map { try Fixture.profile($0) }
        var source: any ProfileSource = ArrayProfileSource(profiles: profiles)
        let scenarios = years.enumerated().map { Scenario(label: labels[$0.offset], engine: Fixture.engine, year: $0.element) }
        let aggregates = try Simulator(scenarios: scenarios).run(&source) { _, _ in }
        return SimulationReport(policy: Fixture.policy, labels: labels, aggregates: aggregates, lang: lang)
    }

    /// Every opened element is closed in order (void elements and `/>` aside): enough to catch a broken builder.
    static func unbalancedTags(_ html: String) -> String? {
        let void: Set<String> = ["meta", "br", "rect", "line", "!doctype"]
        var stack: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return "unterminated tag" }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            let selfClosing = tag.hasSuffix("/")
            let name = tag.split(whereSeparator: { $0 == " " || $0 == "/" && !tag.hasPrefix("/") }).first.map { $0.lowercased() } ?? ""
            if tag.hasPrefix("/") {
                let n = String(tag.dropFirst()).lowercased()
                guard stack.last == n else { return "</\(n)> closes <\(stack.last ?? "nothing")>" }
                stack.removeLast()
            } else if !selfClosing && !void.contains(name) {
                stack.append(name)
            }
        }
        return stack.isEmpty ? nil : "unclosed <\(stack.joined(separator: "> <"))>"
    }

    @Test func pageIsSelfContainedAndShowsTheTotals() throws {
        let report = try Self.report(years: [2017], labels: ["<b>基线</b> & 2017"])
        let a = report.aggregates[0]
        // 3 rows read = 3 evaluated + 0 rejected; the funds rule alone gives the first enterprise
        // 3,650 × 275/365 = 2,750.00 元 (二(一), from 2017-04-01), so the total is above zero.
        #expect(a.rowsRead == 3 && a.evaluated == 3 && a.rejected == 0)
        #expect(a.total.high >= 275_000)
        let html = SimulationHTML(report: report).render()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg"))
        #expect(html.contains("<title id="))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("<b>基线"))
        #expect(html.contains("&lt;b&gt;基线&lt;/b&gt; &amp; 2017"))
        #expect(Self.unbalancedTags(html) == nil, "\(Self.unbalancedTags(html) ?? "")")
        #expect(html.contains(HTMLText.escape(report.range(a.total.low, a.total.high))))
        #expect(html.contains(report.wan(a.total.low, a.total.high)))
        #expect(html.contains("柯城区"))
        #expect(html.contains("52-2-1-funds"))
        #expect(html.contains("Noto Sans CJK SC"))
    }

    @Test func compareModeShowsBothScenariosAndTheDifference() throws {
        let report = try Self.report(years: [2017, 2019], labels: ["A 2017", "B 2019"], lang: .en)
        let (a, b) = (report.aggregates[0], report.aggregates[1])
        let html = SimulationHTML(report: report).render()
        #expect(html.contains("<html lang=\"en\">"))
        #expect(html.contains("B − A (high end)"))
        #expect(html.contains(report.signed(b.total.high - a.total.high)))
        #expect(html.contains("Kecheng District"))
        #expect(html.contains("id=\"categories-t\""))
        #expect(Self.unbalancedTags(html) == nil, "\(Self.unbalancedTags(html) ?? "")")
    }

    @Test func longLabelsWrapWithinTheChartWidth() {
        let lines = SimulationHTML.wrap("logistics, foreign trade, management and institutional transactions", 200, 14)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { SimulationHTML.textWidth($0, 14) <= 200 })
        #expect(lines.joined(separator: " ") == "logistics, foreign trade, management and institutional transactions")
        #expect(SimulationHTML.wrap("物流、外贸、管理、制度性交易", 60, 14).count == 4)
    }
}
