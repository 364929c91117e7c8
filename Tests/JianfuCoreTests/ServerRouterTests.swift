import Foundation
import Testing
@testable import JianfuCore

/// The API's handlers as pure functions from a request to a response: no sockets.
@Suite struct ServerRouterTests {
    static let router = Router(engine: Fixture.engine)

    static func request(_ method: String, _ target: String, body: String = "", headers: [(String, String)] = []) -> HTTPRequest {
        var p = HTTPRequestParser()
        var head = "\(method) \(target) HTTP/1.1\r\nHost: test\r\nContent-Length: \(body.utf8.count)\r\n"
        for (n, v) in headers { head += "\(n): \(v)\r\n" }
        p.append(Array((head + "\r\n" + body).utf8))
        guard case .request(let r) = p.next() else { fatalError("the test request does not parse: \(target)") }
        return r
    }

    static func respond(_ method: String, _ target: String, body: String = "", headers: [(String, String)] = []) -> (Int, JSONNode?, HTTPResponse) {
        let r = router.respond(to: request(method, target, body: body, headers: headers))
        return (r.status, try? JSONParser.parse(r.body), r)
    }

    static let sample: String = {
        (try? String(contentsOfFile: Fixture.samplesPath + "/qujiang-chemical-upgrade.json", encoding: .utf8)) ?? "{}"
    }()

    @Test func healthzSaysOK() {
        let (status, json, _) = Self.respond("GET", "/healthz")
        #expect(status == 200)
        #expect(json?["status"]?.stringValue == "ok")
    }

    @Test func versionNamesTheToolAndTheRulePack() {
        let (status, json, _) = Self.respond("GET", "/v1/version")
        #expect(status == 200)
        #expect(json?["jianfu_version"]?.stringValue == JianfuVersion.string)
        #expect(json?["rule_pack"]?.stringValue == "sha256:" + Fixture.policy.hash)
    }

    @Test func policiesListEveryDocumentAndRule() throws {
        let (status, json, _) = Self.respond("GET", "/v1/policies")
        #expect(status == 200)
        let docs = try #require(json?["documents"]?.arrayItems)
        #expect(docs.compactMap { $0["number"]?.stringValue } == Fixture.policy.documents.map(\.number))
        let rules = docs.flatMap { $0["rules"]?.arrayItems ?? [] }
        #expect(rules.count == Fixture.policy.rules.count)
        let land = try #require(rules.first { $0["id"]?.stringValue == "52-7-1-land-tax-efficiency" })
        #expect(land["clause"]?.stringValue == "七(一)")
        #expect(land["window"]?["from"]?.stringValue == "2017-08-14")
        #expect(land["title"]?["zh"]?.stringValue?.isEmpty == false)
    }

    @Test func oneRuleCarriesQuoteConditionsAndFormulas() throws {
        let (status, json, _) = Self.respond("GET", "/v1/rules/52-7-1-land-tax-efficiency")
        #expect(status == 200)
        let rule = try #require(json)
        #expect(rule["quote"]?.stringValue?.contains("亩产税收") == true)
        #expect((rule["conditions"]?.arrayItems?.count ?? 0) > 0)
        #expect(rule["formulas"]?["saving_low"]?.stringValue != nil)
        #expect(rule["group"]?.stringValue == "land-use-tax")
    }

    @Test func anUnknownRuleIs404WithTheNearestID() {
        let (status, json, _) = Self.respond("GET", "/v1/rules/52-7-1-land-tax-eficiency")
        #expect(status == 404)
        #expect(json?["error"]?["message"]?.stringValue?.contains("did you mean `52-7-1-land-tax-efficiency`") == true)
    }

    @Test func schemaHasGroupsLabelsUnitsListItemsAndDefaults() throws {
        let (status, json, _) = Self.respond("GET", "/v1/schema")
        #expect(status == 200)
        let fields = try #require(json?["fields"]?.arrayItems)
        #expect(fields.count == Fixture.policy.schema.fields.count)
        let groups = try #require(json?["groups"]?.arrayItems)
        #expect(groups.first?["id"]?.stringValue == "identity")
        #expect(groups.first?["label"]?["zh"]?.stringValue == "企业基本信息")
        let loans = try #require(fields.first { $0["name"]?.stringValue == "turnover_loans" })
        #expect(loans["type"]?.stringValue == "list")
        #expect(loans["item"]?["keys"]?.arrayItems?.compactMap { $0["name"]?.stringValue } == ["amount", "days"])
        let disabled = try #require(fields.first { $0["name"]?.stringValue == "disabled_employees" })
        #expect(disabled["default"]?.stringValue == "0")
        #expect(disabled["unit"]?.stringValue == "人")
    }

    @Test func checkAnswersTheCLIsJSON() throws {
        let (status, _, response) = Self.respond("POST", "/v1/check?lang=en", body: Self.sample)
        #expect(status == 200)
        let profile = try ProfileReader(schema: Fixture.policy.schema).read(try JSONParser.parse(Self.sample), origin: "body").get()
        let result = try #require(Fixture.engine.check(profile, year: 2017, trace: true))
        #expect(response.bodyText == CheckReport(engine: Fixture.engine, profile: profile, result: result, lang: .en).json())
        #expect(response.header("content-type") == "application/json; charset=utf-8")
    }

    @Test func theWrapperSetsYearAndLanguageOverTheQuery() throws {
        let body = "{\"profile\": \(Self.sample), \"year\": 2018, \"lang\": \"en\"}"
        let (status, json, _) = Self.respond("POST", "/v1/check?year=2017&lang=zh", body: body)
        #expect(status == 200)
        #expect(json?["lang"]?.stringValue == "en")
        if case .number(let y)? = json?["year"]?.value { #expect(y == "2018") } else { Issue.record("no year") }
    }

    @Test func aProfileErrorIs422WithTheFieldPathAndTheCLIsMessage() throws {
        let body = """
        {"year": 2017, "turnover_loans": [{"amount": 100, "days": "five"}], "employes": 3}
        """
        let (status, json, _) = Self.respond("POST", "/v1/check?lang=en", body: body)
        #expect(status == 422)
        let details = try #require(json?["error"]?["details"]?.arrayItems)
        #expect(details.first?["path"]?.stringValue == "turnover_loans[0].days")
        #expect(details.first?["message"]?.stringValue == "expected an integer ≥ 1, got \"five\"")
        // `{"year": 2017, ` (15) + `"turnover_loans": ` (18) + `[{"amount": 100, ` (17) + `"days": ` (8) = 58 characters before "five".
        #expect(details.first?["location"]?.stringValue == "body:1:59")
        #expect(details.last?["message"]?.stringValue == "unknown field \"employes\" (did you mean `employees`?)")
        // In Chinese (the form's default), the same problems in Chinese, as `jianfu check` prints them.
        let (_, zh, _) = Self.respond("POST", "/v1/check?lang=zh", body: body)
        let zhDetails = try #require(zh?["error"]?["details"]?.arrayItems)
        #expect(zhDetails.first?["message"]?.stringValue == "应为整数（≥ 1），实际为 \"five\"")
    }

    @Test func aProfileWithoutAYearIs422UnlessTheQueryGivesOne() {
        let body = "{\"region_code\": \"330802\"}"
        #expect(Self.respond("POST", "/v1/check", body: body).0 == 422)
        #expect(Self.respond("POST", "/v1/check?year=2017", body: body).0 == 200)
    }

    @Test(arguments: [
        ("/v1/check", "{\"year\": 2017", "", 400, "truncated JSON"),
        ("/v1/check", "", "", 400, "an empty body"),
        ("/v1/check?yaer=2017", "{}", "", 400, "an unknown query parameter"),
        ("/v1/check?year=17", "{}", "", 400, "a two-digit year"),
        ("/v1/check?lang=fr", "{}", "", 400, "an unknown language"),
        ("/v1/check", "{}", "text/plain", 415, "not JSON"),
        ("/v1/check", "[1]", "", 422, "an array, not a profile"),
        ("/v1/check", "{\"profile\": {}, \"yeer\": 2017}", "", 422, "an unknown wrapper key"),
        ("/v1/check", "{\"profile\": {}, \"year\": \"2017\"}", "", 422, "a year as text in the wrapper"),
        ("/v1/audit", "[]", "", 422, "no claims"),
        ("/v1/audit", "{\"claims\": [], \"profiles\": [{\"employees\": -1}]}", "", 422, "a bad profile"),
    ])
    func badBodies(target: String, body: String, contentType: String, status: Int, why: String) {
        let headers = contentType.isEmpty ? [] : [("Content-Type", contentType)]
        let (s, json, _) = Self.respond("POST", target, body: body, headers: headers)
        #expect(s == status, "\(why)")
        #expect(json?["error"]?["status"].map { if case .number(let n) = $0.value { return n }; return "" } == String(status))
    }

    @Test func explainGivesTheTextAndTheRulesResult() throws {
        let (status, json, _) = Self.respond("POST", "/v1/explain/52-6-1-si-cap", body: "{\"profile\": \(Self.sample), \"lang\": \"en\"}")
        #expect(status == 200)
        #expect(json?["rule"]?.stringValue == "52-6-1-si-cap")
        #expect(json?["text"]?.stringValue?.hasPrefix("52-6-1-si-cap") == true)
        #expect(json?["result"]?["id"]?.stringValue == "52-6-1-si-cap")
        #expect(json?["result"]?["status"]?.stringValue != nil)
    }

    @Test func explainOfAnUnknownRuleIs404() {
        #expect(Self.respond("POST", "/v1/explain/no-such-rule", body: Self.sample).0 == 404)
    }

    @Test func auditTakesClaimsWithProfilesAndAnswersTheCLIsJSON() throws {
        let claims = try String(contentsOfFile: Fixture.samplesPath + "/claims/claims.json", encoding: .utf8)
        let profiles = try String(contentsOfFile: Fixture.samplesPath + "/claims/profiles.json", encoding: .utf8)
        let (status, json, _) = Self.respond("POST", "/v1/audit", body: "{\"claims\": \(claims), \"profiles\": \(profiles)}")
        #expect(status == 200)
        let verdicts = try #require(json?["verdicts"]?.arrayItems)
        #expect(verdicts.count == (try JSONParser.parse(claims)).arrayItems?.count)
        #expect(verdicts.first?["verdict"]?.stringValue == "approve")
    }

    @Test func auditTakesOneClaimWithAnInlineProfile() {
        let claim = """
        {"claim_id": "C1", "rule_id": "52-6-4-union-fee", "year": 2017, "claimed_amount": 1,
         "profile": {"id": "X", "region_code": "330802", "industry_code": "C3489", "union_fee_remitted": 40000}}
        """
        let (status, json, _) = Self.respond("POST", "/v1/audit", body: claim)
        #expect(status == 200)
        #expect(json?["verdicts"]?.arrayItems?.count == 1)
    }

    @Test func anUnknownPathIs404() {
        let (status, json, _) = Self.respond("GET", "/v1/polices")
        #expect(status == 404)
        #expect(json?["error"]?["message"]?.stringValue?.contains("/v1/policies") == true)
    }

    @Test func aWrongMethodIs405WithAllow() {
        let (status, _, r) = Self.respond("GET", "/v1/check")
        #expect(status == 405)
        #expect(r.header("Allow") == "POST")
        #expect(Self.respond("POST", "/healthz").2.header("allow") == "GET, HEAD")
    }

    @Test func theFormIsOneSelfContainedPage() {
        let (status, _, r) = Self.respond("GET", "/")
        #expect(status == 200)
        #expect(r.header("content-type") == "text/html; charset=utf-8")
        let html = r.bodyText
        #expect(html.contains("fetch(\"v1/schema\")"))
        #expect(!html.contains("http://") && !html.contains("https://"), "no external resources")
        #expect(html.contains("\"Noto Sans CJK SC\""))
        #expect(r.header("content-security-policy")?.contains("default-src 'none'") == true)
    }
}
