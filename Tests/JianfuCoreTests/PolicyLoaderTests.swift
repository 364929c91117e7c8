import Foundation
import Testing
@testable import JianfuCore

private let doc52 = "documents/qzbf-2017-52.json"
private let doc51 = "documents/qzbf-2017-51.json"

@Suite("Policy loader")
struct PolicyLoaderTests {
    @Test func unmodifiedCopyLoadsWithTheSameRulesAndHash() throws {
        let folder = try ScratchPolicies()
        let policy = try folder.load().get()
        #expect(policy.rules.map(\.id) == Fixture.policy.rules.map(\.id))
        #expect(policy.hash == Fixture.policy.hash)
        #expect(policy.hash.count == 64)
    }

    @Test func truncatedDocumentNamesFileLineAndColumn() throws {
        let folder = try ScratchPolicies()
        // Keep the first 13 lines: the object is cut after `"issued_on": "2017-07-11",`, so input ends at 14:1.
        let lines = try folder.read(doc52).split(separator: "\n", omittingEmptySubsequences: false)
        try folder.write(doc52, lines.prefix(13).joined(separator: "\n") + "\n")
        let d = try folder.diagnostics()
        let hit = try #require(d.first { $0.location.hasPrefix(folder.file(doc52)) })
        #expect(hit.location == "\(folder.file(doc52)):14:1")
        #expect(hit.message.contains("truncated"))
    }

    @Test func syntaxErrorPointsAtTheCharacter() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc52, "\"issued_on\": \"2017-07-11\",", with: "\"issued_on\": 2017-07-11,")
        let at = try folder.position(of: "-07-11,", in: doc52)
        // The catalog's groups then have no members either; the file's own error is the one that matters.
        let d = try folder.diagnostics().filter { $0.location.hasPrefix(folder.file(doc52)) }
        #expect(d.count == 1, "\(d)")
        #expect(d.first?.location == "\(folder.file(doc52)):\(at.line):\(at.column)")
        #expect(d.first?.message.contains("expected ',' or '}'") == true)
    }

    @Test func unknownNameInAConditionNamesFileRuleAndSuggestion() throws {
        let folder = try ScratchPolicies()
        // Chinese text before the error on the same line: columns count characters.
        try folder.replace(in: doc52, "\"employees <= disabled_exempt_max_employees\"",
                           with: "\"evaluation_grade != '甲级' and employes <= disabled_exempt_max_employees\"")
        let at = try folder.position(of: "employes <=", in: doc52)
        let d = try folder.diagnostics()
        #expect(d.count == 1)
        let hit = try #require(d.first)
        #expect(hit.location == "\(folder.file(doc52)):\(at.line):\(at.column)")
        #expect(hit.context == "rule 52-2-2-disabled-exempt, conditions[0]")
        #expect(hit.message.contains("unknown name 'employes' (did you mean `employees`?)"))
        #expect(hit.description.hasPrefix(folder.file(doc52) + ":"))
        #expect(hit.description.contains("52-2-2-disabled-exempt"))
    }

    @Test func expressionErrorColumnAccountsForJSONEscapes() throws {
        let folder = try ScratchPolicies()
        // `\u0027` is one character of the expression but six of the file.
        try folder.replace(in: doc52, "\"employees <= disabled_exempt_max_employees\"",
                           with: #""evaluation_grade != \u0027A\u0027 and employes <= disabled_exempt_max_employees""#)
        let at = try folder.position(of: "employes <=", in: doc52)
        let d = try folder.diagnostics()
        #expect(d.count == 1)
        #expect(d.first?.location == "\(folder.file(doc52)):\(at.line):\(at.column)")
    }

    @Test func typeErrorInASavingNamesTheRule() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc52, "utility_surcharge_paid + wall_material_fund_paid", with: "utility_surcharge_paid + income_tax_rate")
        let at = try folder.position(of: "utility_surcharge_paid + income_tax_rate", in: doc52)
        let d = try folder.diagnostics().filter { $0.message.contains("cannot add") }
        #expect(d.count == 1, "\(d)")
        #expect(d.first?.location == "\(folder.file(doc52)):\(at.line):\(at.column)")
        #expect(d.first?.context == "rule 52-2-1-funds")
        #expect(d.first?.message.contains("cannot add rate to money") == true)
    }

    @Test func savingThatFailsToCompileIsNotAlsoReportedMissing() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc52, "utility_surcharge_paid + wall_material_fund_paid", with: "utility_surcharge_paid + income_tax_rate")
        let d = try folder.diagnostics()
        // The rule has a saving; it is wrong, not missing: one diagnostic, not a second "needs saving".
        #expect(!d.contains { $0.message.contains("needs \"saving\"") }, "\(d)")
        #expect(d.count == 1, "\(d)")
    }

    @Test func savingThatIsNotMoneyIsRefused() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc52, "utility_surcharge_paid + wall_material_fund_paid", with: "is_tech_sme")
        let d = try folder.diagnostics()
        #expect(d.count == 1)
        #expect(d.first?.context == "rule 52-2-1-funds")
        #expect(d.first?.message.contains("must be an amount of money, got boolean") == true)
    }

    @Test func duplicateRuleIdInOneFile() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc52, "\"id\": \"52-2-3-fees\"", with: "\"id\": \"52-2-1-funds\"")
        let d = try folder.diagnostics()
        #expect(d.count == 1)
        #expect(d.first?.context == "52-2-1-funds")
        #expect(d.first?.message.contains("duplicate rule id") == true)
        #expect(d.first?.location.hasPrefix(folder.file(doc52)) == true)
    }

    @Test func duplicateRuleIdAcrossFilesNamesBothFiles() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc51, "\"id\": \"51-2-3-3-wage-deposit\"", with: "\"id\": \"52-2-1-funds\"")
        let d = try folder.diagnostics().filter { $0.message.contains("duplicate rule id") }
        #expect(d.count == 1)
        let text = d.first?.description ?? ""
        #expect(text.contains(folder.file(doc51)))
        #expect(text.contains(folder.file(doc52)))
    }

    @Test func unknownGroupIsReportedWithASuggestion() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc52, "\"group\": \"disabled-fund\"", with: "\"group\": \"disabled-funds\"")
        let at = try folder.position(of: "\"disabled-funds\"", in: doc52)
        let d = try folder.diagnostics()
        #expect(d.count == 1)
        #expect(d.first?.location == "\(folder.file(doc52)):\(at.line):\(at.column)")
        #expect(d.first?.context == "rule 52-2-2-disabled-exempt")
        #expect(d.first?.message == "unknown group \"disabled-funds\" (did you mean `disabled-fund`?)")
    }

    @Test func quoteThatIsNotVerbatimIsRefused() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc52, "从2017年4月1日起", with: "从2017年5月1日起")
        let at = try folder.position(of: "\"从2017年5月1日起", in: doc52)
        let d = try folder.diagnostics()
        #expect(d.count == 1, "\(d)")
        #expect(d.first?.location == "\(folder.file(doc52)):\(at.line):\(at.column)")
        #expect(d.first?.context == "rule 52-2-1-funds")
        #expect(d.first?.message.contains("not verbatim") == true)
    }

    @Test func quoteMayDifferFromTheSourceOnlyByLineBreaks() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc52, "从2017年4月1日起", with: "从2017年4月\\n1日起")
        #expect(throws: Never.self) { try folder.load().get() }
    }

    @Test func parameterWithoutValueAtTheRuleWindowStart() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: "parameters/quzhou.json", "\"from\": \"2017-08-14\"", with: "\"from\": \"2017-09-01\"",
                           after: "\"name\": \"new_enterprise_land_tax_relief\"")
        let d = try folder.diagnostics()
        #expect(d.count == 1)
        #expect(d.first?.context == "rule 52-7-1-land-tax-new")
        #expect(d.first?.message
            == "parameter new_enterprise_land_tax_relief has no value before 2017-09-01, but the rule is in force from 2017-08-14")
    }

    @Test func errorsInTwoFilesAreBothReported() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc52, "employees <= disabled_exempt_max_employees", with: "employes <= disabled_exempt_max_employees")
        try folder.replace(in: doc51, "\"category\": \"institutional\"", with: "\"category\": \"institutonal\"")
        let d = try folder.diagnostics()
        #expect(d.count == 2)
        #expect(d.contains { $0.location.hasPrefix(folder.file(doc52)) && $0.message.contains("`employees`") })
        #expect(d.contains { $0.location.hasPrefix(folder.file(doc51)) && $0.message.contains("`institutional`") })
    }

    @Test func syntaxErrorInOneFileDoesNotHideErrorsInAnother() throws {
        let folder = try ScratchPolicies()
        try folder.write(doc51, String(try folder.read(doc51).prefix(200)))
        try folder.replace(in: doc52, "utility_surcharge_paid + wall_material_fund_paid", with: "utility_surcharge_paid * land_use_tax")
        let d = try folder.diagnostics()
        #expect(d.contains { $0.location.hasPrefix(folder.file(doc51)) })
        #expect(d.contains { $0.message.contains("cannot multiply money by money") })
    }

    @Test func severalErrorsInOneRuleAreAllReported() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc52, "\"proration\": \"days\"", with: "\"proration\": \"weeks\"", after: "\"id\": \"52-2-1-funds\"")
        try folder.replace(in: doc52, "utility_surcharge_paid + wall_material_fund_paid", with: "utility_surcharge_payd")
        let d = try folder.diagnostics().filter { $0.context?.hasPrefix("rule 52-2-1-funds") == true }
        #expect(d.contains { $0.message.contains("got \"weeks\"") }, "\(d)")
        #expect(d.contains { $0.message.contains("(did you mean `utility_surcharge_paid`?)") }, "\(d)")
    }

    @Test func emptyFolderIsRefused() throws {
        let folder = try ScratchPolicies(empty: true)
        let d = try folder.diagnostics()
        #expect(d.contains { $0.message.contains("no policy files found") })
        #expect(d.allSatisfy { $0.location == folder.path })
    }

    @Test func missingFolderIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-missing-\(UUID().uuidString)").path
        do {
            _ = try PolicyLoader.load(directory: path)
            Issue.record("a missing folder loaded")
        } catch {
            #expect(error.items.contains { $0.location == path && $0.message.contains("no such policy folder") })
        }
    }

    @Test func aFileInsteadOfAFolderIsRefused() throws {
        let folder = try ScratchPolicies()
        do {
            _ = try PolicyLoader.load(directory: folder.file("catalog.json"))
            Issue.record("a file loaded as a folder")
        } catch {
            #expect(error.items.contains { $0.message.contains("no such policy folder") })
        }
    }

    @Test func fileWithAnUnknownKindIsRefused() throws {
        let folder = try ScratchPolicies()
        try folder.write("documents/extra.json", "{\"kind\": \"documnet\"}")
        let d = try folder.diagnostics()
        #expect(d.count == 1)
        #expect(d.first?.location == "\(folder.file("documents/extra.json")):1:1")
        #expect(d.first?.message.contains("got \"documnet\"") == true)
    }
}

@Suite("Rule-pack hash")
struct RulePackHashTests {
    private func hash(_ folder: ScratchPolicies) throws -> String { try folder.load().get().hash }

    @Test func keyOrderAndWhitespaceDoNotChangeTheHash() throws {
        let folder = try ScratchPolicies()
        // Re-serialised by Foundation: keys sorted (not the file's order), no white space at all.
        let object = try JSONSerialization.jsonObject(with: Data(try folder.read(doc52).utf8))
        let compact = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        try folder.write(doc52, String(decoding: compact, as: UTF8.self))
        #expect(try folder.read(doc52).hasPrefix("{\"clauses\""))
        #expect(try hash(folder) == Fixture.policy.hash)
    }

    @Test func swappedKeysAndReindentedLinesDoNotChangeTheHash() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc51, "\"kind\": \"document\",\n  \"id\": \"qzbf-2017-51\",",
                           with: "\"id\"  :  \"qzbf-2017-51\" ,\r\n\t\"kind\":\"document\",")
        try folder.write(doc51, try folder.read(doc51).replacingOccurrences(of: "\n      ", with: "\n\t\t\t"))
        #expect(try hash(folder) == Fixture.policy.hash)
    }

    @Test func movingAFileToASubfolderDoesNotChangeTheHash() throws {
        let folder = try ScratchPolicies()
        try folder.write("parameters/city/quzhou.json", try folder.read("parameters/quzhou.json"))
        try folder.remove("parameters/quzhou.json")
        #expect(try hash(folder) == Fixture.policy.hash)
    }

    @Test func changingOneValueChangesTheHash() throws {
        let folder = try ScratchPolicies()
        try folder.replace(in: doc52, "衢州市人民政府办公室", with: "衢州市人民政府")
        #expect(try hash(folder) != Fixture.policy.hash)
    }

    @Test func changingTheGazetteTextChangesTheHash() throws {
        let folder = try ScratchPolicies()
        let source = "source/quzhou-gazette-2017-04.txt"
        try folder.write(source, try folder.read(source) + "\n附:勘误。\n")
        #expect(try hash(folder) != Fixture.policy.hash)
    }
}
