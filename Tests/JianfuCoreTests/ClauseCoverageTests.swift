import Foundation
import Testing
@testable import JianfuCore

/// Each document lists its numbered clauses; lint holds the list to the source text and the rules to their clauses.
@Suite struct ClauseCoverageTests {
    static let gazette: String = {
        let data = FileManager.default.contents(atPath: Fixture.policiesPath + "/source/quzhou-gazette-2017-04.txt") ?? Data()
        return String(decoding: data, as: UTF8.self)
    }()

    @Test func theGazetteHoldsTheClausesOfBothDocuments() throws {
        // 52号: 一 … 十二 and their (一)(二)…: 12 + 10 + 3 + 3 + 3 + 4 + 3 + 4 + 3 = 45, ending before 53号.
        let c52 = try #require(ClauseIndex.clauses(in: Self.gazette, number: "衢政办发〔2017〕52号"))
        #expect(c52.count == 45)
        #expect(c52.first?.id == "一")
        #expect(c52.last?.id == "十二")
        #expect(c52.map(\.id).contains("二(十)"))
        #expect(c52.first { $0.id == "七(一)" }?.heading == "降低城镇土地使用税成本")
        #expect(c52.first { $0.id == "七(一)" }?.parent == "七")
        // 51号 has three levels: 二(一)4 is item 4 of (一) under 二.
        let c51 = try #require(ClauseIndex.clauses(in: Self.gazette, number: "衢政办发〔2017〕51号"))
        #expect(c51.count == 48)
        let item = try #require(c51.first { $0.id == "二(一)4" })
        #expect(item.level == 3)
        #expect(item.parent == "二(一)")
        #expect(item.heading == "全面提升管理水平")
        // A clause's text holds its sub-clauses and stops at the next clause of its level.
        let seven = try #require(c52.first { $0.id == "七" })
        #expect(seven.text.contains("积极发展企业公共租赁住房"))
        #expect(!seven.text.contains("进一步下调还贷周转金利率标准"))
    }

    @Test func theRepositoryListsEveryClauseOnce() throws {
        for doc in Fixture.policy.documents {
            let parsed = try #require(ClauseIndex.clauses(in: Self.gazette, number: doc.number))
            #expect(doc.clauses.map(\.id) == parsed.map(\.id), "\(doc.number)")
        }
        let d52 = try #require(Fixture.policy.documents.first { $0.id == "qzbf-2017-52" })
        let counts = ClauseCoverageReport.counts(d52)
        #expect(counts == ClauseCoverageReport.Counts(encoded: 21, partly: 1, notComputable: 15, outOfScope: 0))
        let seven = try #require(d52.clauses.first { $0.id == "七(一)" })
        #expect(seven.status == .encoded)
        #expect(Set(seven.rules.map { Fixture.policy.rules[$0].id }) == ["52-7-1-land-tax-efficiency", "52-7-1-land-tax-new", "52-7-1-land-tax-upgrade"])
    }

    func lint(_ edit: (ScratchPolicies) throws -> Void) throws -> String {
        let scratch = try ScratchPolicies()
        try edit(scratch)
        guard case .failure(let d) = scratch.load() else { throw TestError("the edited folder lints clean") }
        return d.description
    }

    @Test func anUnlistedClauseIsNamedWithItsLine() throws {
        let text = try lint { try $0.replace(in: "documents/qzbf-2017-52.json", #",\#n    {"id": "十二", "status": "not_computable", "reason": "government_duty"}"#, with: "") }
        #expect(text.contains("clause 十二 (line 990: “鼓励和支持企业提升管理能力”) is not listed: give it a status"))
    }

    @Test func aClauseListedTwiceOrUnknownIsRefused() throws {
        let twice = try lint { try $0.replace(in: "documents/qzbf-2017-52.json", #"{"id": "十二","#, with: #"{"id": "十一", "status": "encoded"}, {"id": "十二","#) }
        #expect(twice.contains("qzbf-2017-52.clauses 十一: listed twice"))
        let unknown = try lint { try $0.replace(in: "documents/qzbf-2017-52.json", #"{"id": "十二","#, with: #"{"id": "十三","#) }
        #expect(unknown.contains("no clause “十三” in 衢政办发〔2017〕52号's text"))
    }

    @Test func statusesMustAgreeWithTheRules() throws {
        let encodedWithout = try lint { try $0.replace(in: "documents/qzbf-2017-52.json", #"{"id": "七(三)", "status": "not_computable", "reason": "no_amount"}"#, with: #"{"id": "七(三)", "status": "encoded"}"#) }
        #expect(encodedWithout.contains("七(三): encoded, but no rule cites clause 七(三)"))
        let notComputableWith = try lint { try $0.replace(in: "documents/qzbf-2017-52.json", #"{"id": "二(一)", "status": "encoded"}"#, with: #"{"id": "二(一)", "status": "not_computable", "reason": "no_amount"}"#) }
        #expect(notComputableWith.contains("二(一): not_computable, but 52-2-1-funds cite it"))
        let noReason = try lint { try $0.replace(in: "documents/qzbf-2017-52.json", #"{"id": "七(三)", "status": "not_computable", "reason": "no_amount"}"#, with: #"{"id": "七(三)", "status": "not_computable"}"#) }
        #expect(noReason.contains("七(三): not_computable: give a \"reason\""))
        let partlyNoNote = try lint { try $0.replace(in: "documents/qzbf-2017-52.json", #"{"id": "二(一)", "status": "encoded"}"#, with: #"{"id": "二(一)", "status": "partly"}"#) }
        #expect(partlyNoNote.contains("partly: say in \"note\" what is left out and why"))
        let leaf = try lint { try $0.replace(in: "documents/qzbf-2017-52.json", #"{"id": "十二", "status": "not_computable", "reason": "government_duty"}"#, with: #"{"id": "十二", "status": "heading"}"#) }
        #expect(leaf.contains("十二: heading, but the clause has no numbered sub-clauses"))
    }

    @Test func aQuoteMustLieInsideTheClauseItClaims() throws {
        // The funds' quote is in 二(一); claiming 二(二) for it is refused, naming where it is.
        let text = try lint { try $0.replace(in: "documents/qzbf-2017-52.json", #""clause": "二(一)""#, with: #""clause": "二(二)""#) }
        #expect(text.contains("52-2-1-funds: the quote lies outside clause 二(二) (line 880): it is in 二(一) (line 878)"))
        let missing = try lint { try $0.replace(in: "documents/qzbf-2017-52.json", #""clause": "二(一)""#, with: #""clause": "二(十一)""#) }
        #expect(missing.contains("citation clause “二(十一)” is not a numbered clause of 衢政办发〔2017〕52号"))
    }

    @Test func theCommandPrintsTheTableAndTheShare() throws {
        let r = try PolicyTestCommandTests.jianfu(["policies", "coverage", "--lang", "en"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("encoded 21, partly 1, not computable 15, out of scope 0, of 37 clauses (headings aside); share encoded 59.4% (fully 56.7%)"))
        #expect(r.out.contains("52-7-1-land-tax-efficiency, 52-7-1-land-tax-new, 52-7-1-land-tax-upgrade"))
        let zh = try PolicyTestCommandTests.jianfu(["policies", "coverage"])
        #expect(zh.out.contains("已编码 8 条"))
        let json = try PolicyTestCommandTests.jianfu(["policies", "coverage", "--format", "json"])
        let root = try JSONParser.parse(json.out)
        #expect(root["documents"]?.arrayItems?.count == 2)
    }
}
