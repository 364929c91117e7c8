/// Reading the API's inputs: the query string, the JSON body and the profile inside it. Request-level
/// problems (bad query, unparsable JSON) are 400; a body that parses but does not fit is 422, with the same
/// paths and messages as the CLI.
extension Router {
    /// The origin named in diagnostics about the body (`body:3:15`).
    static let bodyOrigin = "body"

    /// A profile ready to evaluate.
    struct CheckInput {
        var profile: Profile
        var year: Int
        var lang: Lang
        var result: CheckResult
    }

    /// `?year=&lang=`; any other parameter is refused.
    func queryOptions(_ r: HTTPRequest, allowed: [String]) throws(APIError) -> (year: Int?, lang: Lang?) {
        var year: Int?, lang: Lang?
        for q in r.query {
            guard allowed.contains(q.name) else {
                throw APIError(400, "unknown query parameter '\(q.name)'" + Suggest.hint(q.name, in: allowed),
                               details: [.init(location: "query", path: q.name, message: "expected one of " + allowed.joined(separator: ", "))])
            }
            switch q.name {
            case "year":
                guard let y = Int(q.value), (1900...2200).contains(y) else {
                    throw APIError(400, "query year: expected a four-digit year, got '\(q.value)'")
                }
                year = y
            default:
                guard let l = Lang(rawValue: q.value) else { throw APIError(400, "query lang: expected zh or en, got '\(q.value)'") }
                lang = l
            }
        }
        return (year, lang)
    }

    /// The body parsed as JSON; refuses other media types and empty bodies.
    func jsonBody(_ r: HTTPRequest, expected: String) throws(APIError) -> JSONNode {
        if let type = r.headers["content-type"] {
            let media = type.split(separator: ";").first.map { $0.trimmingASCIISpaces().lowercased() } ?? ""
            guard media == "application/json" || media.hasSuffix("+json") else {
                throw APIError(415, "Content-Type \(media) is not accepted: send application/json")
            }
        }
        guard !r.body.isEmpty else { throw APIError(400, "the body is empty: expected \(expected)") }
        do { return try JSONParser.parse(r.body) } catch {
            throw APIError(400, "the body is not valid JSON: \(error.message)",
                           details: [.init(location: "\(Router.bodyOrigin):\(error.line):\(error.column)", path: nil, message: error.message)])
        }
    }

    /// `year` or `lang` given in the body's wrapper object.
    func wrapperYear(_ n: JSONNode?) throws(APIError) -> Int? {
        guard let n, !n.isNull else { return nil }
        guard case .number(let t) = n.value, let y = Int(t), (1900...2200).contains(y) else {
            throw APIError(422, "year: expected a four-digit year such as 2017, got \(n.preview)",
                           details: [.init(location: location(n), path: "year", message: "expected a four-digit year such as 2017, got \(n.preview)")])
        }
        return y
    }

    func wrapperLang(_ n: JSONNode?) throws(APIError) -> Lang? {
        guard let n, !n.isNull else { return nil }
        guard let s = n.stringValue, let l = Lang(rawValue: s) else {
            throw APIError(422, "lang: expected \"zh\" or \"en\", got \(n.preview)",
                           details: [.init(location: location(n), path: "lang", message: "expected \"zh\" or \"en\", got \(n.preview)")])
        }
        return l
    }

    func location(_ n: JSONNode) -> String { "\(Router.bodyOrigin):\(n.line):\(n.column)" }

    /// Refuses keys of a wrapper object other than `allowed`.
    func checkKeys(_ object: JSONNode, _ allowed: [String]) throws(APIError) {
        let unknown = (object.objectMembers ?? []).filter { !allowed.contains($0.key) }
        guard let first = unknown.first else { return }
        throw APIError(422, "unknown key \"\(first.key)\"" + Suggest.hint(first.key, in: allowed) + ": expected " + allowed.joined(separator: ", "),
                       details: unknown.map { .init(location: "\(Router.bodyOrigin):\($0.keyLine):\($0.keyColumn)", path: $0.key,
                                                    message: "unknown key \"\($0.key)\"" + Suggest.hint($0.key, in: allowed)) })
    }

    /// One profile read against the data dictionary; 422 with every problem.
    func profile(_ node: JSONNode, pathPrefix: String = "", lang: Lang = .en) throws(APIError) -> Profile {
        switch ProfileReader(schema: engine.policy.schema, lang: lang).read(node, origin: Router.bodyOrigin) {
        case .success(let p): return p
        case .failure(let d):
            let what = pathPrefix.isEmpty ? "the profile" : pathPrefix
            throw APIError(422, "\(what) has \(d.items.count) problem\(d.items.count == 1 ? "" : "s"): " + (d.items.first?.message ?? ""),
                           details: d.items.map {
                               .init(location: $0.location, path: Router.joinPath(pathPrefix, $0.context), message: $0.message)
                           })
        }
    }

    static func joinPath(_ prefix: String, _ path: String?) -> String? {
        guard let path else { return prefix.isEmpty ? nil : prefix }
        return prefix.isEmpty ? path : prefix + "." + path
    }

    /// The body of `/v1/check` and `/v1/explain`: a profile object, or `{"profile": {…}, "year": 2017, "lang": "en"}`;
    /// the body's year and lang win over the query's, which win over the profile's own year.
    func checkInput(_ r: HTTPRequest) throws(APIError) -> CheckInput {
        let query = try queryOptions(r, allowed: ["year", "lang"])
        let root = try jsonBody(r, expected: "a profile object or {\"profile\": {…}, \"year\": 2017, \"lang\": \"zh\"}")
        var node = root, year = query.year, lang = query.lang ?? defaultLang
        if let inner = root["profile"] {
            try checkKeys(root, ["profile", "year", "lang"])
            node = inner
            year = try wrapperYear(root["year"]) ?? year
            lang = try wrapperLang(root["lang"]) ?? lang
        }
        guard node.objectMembers != nil else {
            throw APIError(422, "expected a profile object, got \(node.value.typeName)",
                           details: [.init(location: location(node), path: nil, message: "expected a profile object, got \(node.value.typeName)")])
        }
        // Field messages in the request's language: the form shows them under each field.
        let p = try profile(node, lang: lang)
        guard let y = engine.year(of: p, override: year) else {
            throw APIError(422, "the profile has no \"year\" and no year was given: say which calendar year the figures describe (\"year\" in the profile, or ?year=)")
        }
        guard let result = engine.check(p, year: y, trace: true) else { throw APIError(422, "year \(y) is out of range") }
        return CheckInput(profile: p, year: y, lang: lang, result: result)
    }
}
