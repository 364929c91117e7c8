import Foundation

/// The endpoints that evaluate: `/v1/check`, `/v1/explain/{rule}` and `/v1/audit`, each answering with the
/// same JSON as the CLI's `--format json`.
extension Router {
    /// `POST /v1/check` → `jianfu check --format json`.
    func check(_ r: HTTPRequest) throws(APIError) -> HTTPResponse {
        let input = try checkInput(r)
        var w = JSONWriter()
        CheckReport(engine: engine, profile: input.profile, result: input.result, lang: input.lang).write(into: &w)
        return .json(bytes: w.bytes)
    }

    /// `POST /v1/explain/{rule}` → `{"rule": id, "text": the explanation, "result": the rule as in the check JSON}`.
    func explain(_ r: HTTPRequest, rule id: String) throws(APIError) -> HTTPResponse {
        guard let index = engine.policy.ruleIndex(id) else {
            throw APIError(404, "unknown rule id '\(id)'" + Suggest.hint(id, in: engine.policy.rules.map(\.id)))
        }
        let input = try checkInput(r)
        let text = Explanation(policy: engine.policy, profile: input.profile, result: input.result, rule: index, lang: input.lang).text()
        var inner = JSONWriter()
        CheckReport(policy: engine.policy, profile: input.profile, result: input.result, lang: input.lang)
            .writeRule(input.result.results[index], into: &inner)
        var w = JSONWriter()
        w.beginObject()
        w.string("rule", id)
        w.int("year", input.year)
        w.string("lang", input.lang.rawValue)
        w.string("text", text)
        // The rule's object comes from its own writer; re-indent it one level (newlines inside strings are escaped).
        w.raw("result", inner.text.replacingOccurrences(of: "\n", with: "\n  "))
        w.endObject()
        return .json(w.text + "\n")
    }

    /// `POST /v1/audit`: a claim, an array of claims, or `{"claims": [...], "profiles": [...], "lang": "en"}` →
    /// `jianfu audit --format json`. Unreadable claims become `error` verdicts, as in the CLI; unreadable
    /// profiles are 422.
    func audit(_ r: HTTPRequest) throws(APIError) -> HTTPResponse {
        let query = try queryOptions(r, allowed: ["lang"])
        let root = try jsonBody(r, expected: "a claim, an array of claims, or {\"claims\": [...], \"profiles\": [...]}")
        var lang = query.lang ?? defaultLang
        var claimNodes: [JSONNode]
        var profiles: [Profile] = []
        if let items = root.arrayItems {
            claimNodes = items
        } else if let claims = root["claims"] {
            try checkKeys(root, ["claims", "profiles", "lang"])
            guard let items = claims.arrayItems else {
                throw APIError(422, "claims: expected an array of claims, got \(claims.value.typeName)",
                               details: [.init(location: location(claims), path: "claims", message: "expected an array, got \(claims.value.typeName)")])
            }
            claimNodes = items
            if let ps = root["profiles"], !ps.isNull {
                guard let items = ps.arrayItems else {
                    throw APIError(422, "profiles: expected an array of profiles, got \(ps.value.typeName)",
                                   details: [.init(location: location(ps), path: "profiles", message: "expected an array, got \(ps.value.typeName)")])
                }
                for (i, p) in items.enumerated() { profiles.append(try profile(p, pathPrefix: "profiles[\(i)]")) }
            }
            lang = try wrapperLang(root["lang"]) ?? lang
        } else if root.objectMembers != nil {
            claimNodes = [root]
        } else {
            throw APIError(422, "expected a claim, an array of claims or {\"claims\": [...]}, got \(root.value.typeName)")
        }
        if claimNodes.isEmpty { throw APIError(422, "no claims: the array is empty") }
        let claims = claimNodes.enumerated().map {
            ClaimReader.claim($0.element, index: $0.offset, path: Router.bodyOrigin, schema: engine.policy.schema, lang: lang)
        }
        let verdicts = Auditor(engine: engine, profiles: profiles, lang: lang).audit(claims)
        return .json(AuditReport(policy: engine.policy, verdicts: verdicts, lang: lang).json())
    }
}
