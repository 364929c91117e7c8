import Foundation
import Testing
@testable import JianfuCore

/// Issue 20.2: each list has a maximum number of items in the data dictionary; a longer list is an input error
/// naming the field, its length and the limit — exit 1 in the CLI, 422 in the API, a reject line in `simulate`.
@Suite struct ListLimitTests {
    static let schema = Fixture.policy.schema

    static func fees(_ n: Int) -> String {
        let item = #"{"role": "member", "annual_fee": 100}"#
        return #"{"year": 2017, "employees": 10, "association_fees": ["# + Array(repeating: item, count: n).joined(separator: ",") + "]}"
    }

    static func number(_ n: JSONNode?) -> String? { if case .number(let t)? = n?.value { return t }; return nil }

    @Test func theDataDictionaryGivesEachListItsLimit() throws {
        func limit(_ name: String) throws -> Int { try #require(Self.schema.fieldIndex(name).map { Self.schema.fields[$0].maxItems }) }
        #expect(try limit("association_fees") == 1_000)
        #expect(try limit("turnover_loans") == 1_000)
        #expect(try limit("guarantees") == 1_000)
        // One wage a month for each employee above the cap: a large employer's year.
        #expect(try limit("monthly_wages") == 100_000)
    }

    @Test func aListAtItsLimitIsReadAndOnePastItIsRefusedOnce() throws {
        let reader = ProfileReader(schema: Self.schema)
        _ = try reader.read(try JSONParser.parse(Self.fees(1_000)), origin: "p.json").get()
        let refused = reader.read(try JSONParser.parse(Self.fees(1_001)), origin: "p.json")
        guard case .failure(let d) = refused else { Issue.record("1,001 items were accepted"); return }
        // One message for the list, not one per item.
        #expect(d.items.count == 1)
        #expect(d.items.first?.context == "association_fees")
        #expect(d.items.first?.message == "the list has 1,001 items, more than its limit of 1,000 (max_items in the data dictionary)")
        let zh = ProfileReader(schema: Self.schema, lang: .zh).read(try JSONParser.parse(Self.fees(1_001)), origin: "p.json")
        guard case .failure(let dz) = zh else { Issue.record("accepted in Chinese"); return }
        #expect(dz.items.first?.message == "列表有 1,001 项，超过上限 1,000 项（数据字典的 max_items）")
    }

    @Test func aCSVColumnPastTheLimitIsAHeaderError() {
        #expect(throws: Diagnostics.self) {
            _ = try CSVProfileMapper(schema: Self.schema, header: ["year", "association_fees_1001_role"], file: "pop.csv")
        }
        do {
            _ = try CSVProfileMapper(schema: Self.schema, header: ["year", "association_fees_1001_role"], file: "pop.csv")
        } catch {
            #expect(error.items.first?.location == "pop.csv:1:2")
            #expect(error.items.first?.message == "column \"association_fees_1001_role\": item 1001 of association_fees is past the limit of 1,000 items (max_items in the data dictionary)")
        }
        // The last item the limit allows is a column like any other.
        #expect((try? CSVProfileMapper(schema: Self.schema, header: ["year", "association_fees_1000_role"], file: "pop.csv")) != nil)
    }

    @Test func theAPIAnswers422NamingTheList() throws {
        let (status, json, _) = ServerRouterTests.respond("POST", "/v1/check?lang=en", body: Self.fees(1_001))
        #expect(status == 422)
        let details = try #require(json?["error"]?["details"]?.arrayItems)
        #expect(details.count == 1)
        #expect(details.first?["path"]?.stringValue == "association_fees")
        #expect(details.first?["message"]?.stringValue?.contains("1,001 items") == true)
    }

    @Test func theCLIExits1AndSimulateRejectsTheRow() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-limit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let profile = dir.appendingPathComponent("long.json").path
        try Self.fees(1_001).write(toFile: profile, atomically: true, encoding: .utf8)
        let check = try JianfuRun.run(["check", profile, "--lang", "en"])
        #expect(check.status == 1)
        #expect(check.stdout.isEmpty)
        #expect(check.stderr.contains("association_fees"))
        #expect(check.stderr.contains("more than its limit of 1,000"))

        // Three lines, the second too long: two evaluated, one rejected, counts in equal counts out.
        let short = #"{"year": 2017, "employees": 10}"#
        let ndjson = dir.appendingPathComponent("pop.ndjson").path
        try [short, Self.fees(1_001), short].joined(separator: "\n").appending("\n").write(toFile: ndjson, atomically: true, encoding: .utf8)
        let rejects = dir.appendingPathComponent("rejects.csv").path
        let sim = try JianfuRun.run(["simulate", ndjson, "--lang", "en", "--format", "json", "--rejects", rejects])
        #expect(sim.status == 0)
        let rows = try #require(JSONParser.parse(sim.stdout)["scenarios"]?.arrayItems?.first?["rows"])
        #expect(Self.number(rows["read"]) == "3")
        #expect(Self.number(rows["evaluated"]) == "2")
        #expect(Self.number(rows["rejected"]) == "1")
        let rejected = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(rejected.contains("pop.ndjson:2"))
        #expect(rejected.contains("more than its limit of 1,000"))
    }

    @Test func lintRefusesALimitOnAFieldThatIsNotAList() throws {
        var r = NodeReader(file: "schema/profile.json")
        let node = try JSONParser.parse(#"{"name": "employees", "type": "int", "zh": "职工", "en": "employees", "max_items": 5}"#)
        _ = SchemaLoader.field(node, "fields[0]", &r)
        #expect(r.diagnostics.contains { $0.message.contains("only a list has a maximum number of items") })
        var r2 = NodeReader(file: "schema/profile.json")
        let zero = try JSONParser.parse(#"{"name": "fees", "type": "list", "zh": "费", "en": "fees", "item": {"type": "money"}, "max_items": 0}"#)
        let f = SchemaLoader.field(zero, "fields[0]", &r2)
        #expect(r2.diagnostics.contains { $0.message.contains("expected an integer from 1 to 1,000,000") })
        #expect(f?.maxItems == FieldSpec.defaultMaxItems)
    }
}
