import Foundation

/// The answers that depend only on the compiled catalog, rendered once at start: the form, the version, the
/// policy list, the data dictionary and each rule.
struct CatalogPages: Sendable {
    let form: HTTPResponse
    let version: HTTPResponse
    let policies: HTTPResponse
    let schema: HTTPResponse
    let rules: [String: HTTPResponse]
    let ruleIDs: [String]

    init(policy: PolicySet, defaultLang: Lang) {
        form = FormPage.response(defaultLang: defaultLang)
        var w = JSONWriter()
        w.beginObject()
        w.string("jianfu_version", JianfuVersion.string)
        w.string("rule_pack", "sha256:" + policy.hash)
        w.int("documents", policy.documents.count)
        w.int("rules", policy.rules.count)
        w.int("profile_fields", policy.schema.fields.count)
        w.endObject()
        version = .json(w.text + "\n")
        policies = .json(CatalogJSON.policies(policy))
        schema = .json(CatalogJSON.schema(policy))
        var rules: [String: HTTPResponse] = [:]
        for r in policy.rules { rules[r.id] = .json(CatalogJSON.rule(r, policy)) }
        self.rules = rules
        ruleIDs = policy.rules.map(\.id)
    }

    /// One rule, or 404 with the nearest id.
    func rule(_ id: String) throws(APIError) -> HTTPResponse {
        guard let r = rules[id] else { throw APIError(404, "unknown rule id '\(id)'" + Suggest.hint(id, in: ruleIDs)) }
        return r
    }
}
