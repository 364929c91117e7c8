/// The API's routes: each maps a method and a path pattern to a handler, a pure function from the request to
/// a response, so every endpoint is testable without sockets. Answers that depend only on the catalog (the form,
/// the version, the policy list, the schema, each rule) are rendered once when the router is built.
public struct Router: Sendable {
    public private(set) var engine: Engine
    /// The language of answers whose request names none (`--lang`).
    public let defaultLang: Lang
    private(set) var routes: [Route]
    /// Routes added by tests (`adding(_:)`), kept by `with(engine:)`.
    private var extraRoutes: [Route] = []
    let pages: CatalogPages

    /// Builds the routes over a compiled catalog shared read-only by every connection.
    public init(engine: Engine, defaultLang: Lang = .zh) {
        self.engine = engine
        self.defaultLang = defaultLang
        pages = CatalogPages(policy: engine.policy, defaultLang: defaultLang)
        routes = Router.makeRoutes()
    }

    static func makeRoutes() -> [Route] {
        [
            Route("GET", "/", { r, _, _ in r.pages.form }),
            Route("GET", "/healthz", { _, _, _ in HTTPResponse.json("{\"status\": \"ok\"}\n") }),
            Route("GET", "/v1/version", { r, _, _ in r.pages.version }),
            Route("GET", "/v1/policies", { r, _, _ in r.pages.policies }),
            Route("GET", "/v1/rules/{id}", { r, _, p throws(APIError) in try r.pages.rule(p[0]) }),
            Route("GET", "/v1/schema", { r, _, _ in r.pages.schema }),
            Route("POST", "/v1/check", { r, req, _ throws(APIError) in try r.check(req) }),
            Route("POST", "/v1/explain/{rule}", { r, req, p throws(APIError) in try r.explain(req, rule: p[0]) }),
            Route("POST", "/v1/audit", { r, req, _ throws(APIError) in try r.audit(req) }),
        ]
    }

    /// The same routes and pages over another engine of the same catalog (a connection's own copy).
    func with(engine: Engine) -> Router {
        var r = self
        r.engine = engine
        // Fresh route arrays too: walking shared ones would count references across threads per request.
        r.routes = Router.makeRoutes() + extraRoutes
        return r
    }

    /// The same router with one more route (tests: a handler that spins until cancelled, or sleeps).
    func adding(_ route: Route) -> Router {
        var r = self
        r.extraRoutes.append(route)
        r.routes.append(route)
        return r
    }

    /// The response to one request: the route's answer, 404 for an unknown path, 405 with Allow for a known
    /// path and another method. HEAD is answered as GET (the server leaves out the body).
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        var allowed: [String] = []
        for route in routes {
            guard let parameters = route.match(request.pathSegments) else { continue }
            if route.method == request.method || (request.method == "HEAD" && route.method == "GET") {
                do { return try route.handler(self, request, parameters) } catch { return error.response }
            }
            allowed += route.method == "GET" ? ["GET", "HEAD"] : [route.method]
        }
        if allowed.isEmpty {
            let hint = Suggest.hint(request.path, in: routes.map(\.pattern))
            return APIError(404, "no such path \(request.path)" + hint).response
        }
        return APIError(405, "\(request.method) is not allowed on \(request.path): use \(allowed.joined(separator: " or "))",
                        headers: [("Allow", allowed.joined(separator: ", "))]).response
    }
}

/// One route: a method, a pattern whose `{name}` segments are parameters, and its handler.
struct Route: Sendable {
    enum Part: Sendable, Equatable { case literal(String), parameter }

    let method: String
    let pattern: String
    let parts: [Part]
    let handler: @Sendable (Router, HTTPRequest, [String]) throws(APIError) -> HTTPResponse

    init(_ method: String, _ pattern: String, _ handler: @escaping @Sendable (Router, HTTPRequest, [String]) throws(APIError) -> HTTPResponse) {
        self.method = method
        self.pattern = pattern
        parts = pattern.split(separator: "/").map { $0.hasPrefix("{") ? .parameter : .literal(String($0)) }
        self.handler = handler
    }

    /// The parameter values when `segments` fit the pattern.
    func match(_ segments: [String]) -> [String]? {
        guard segments.count == parts.count else { return nil }
        var values: [String] = []
        for (part, s) in zip(parts, segments) {
            switch part {
            case .literal(let l): if l != s { return nil }
            case .parameter: if s.isEmpty { return nil }; values.append(s)
            }
        }
        return values
    }
}
