/// One HTTP/1.x request as the server received it: the method, the decoded path, the query, the header
/// fields (names lower-cased, so look-ups ignore case) and the body.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target as sent (`/v1/check?year=2017`).
    public var target: String
    /// The path split at `/` and percent-decoded per segment (`/v1/rules/a%2Db` → `["v1", "rules", "a-b"]`), so an
    /// encoded slash stays inside its segment.
    public var pathSegments: [String]
    /// Query parameters in order, percent-decoded, `+` read as a space.
    public var query: [(name: String, value: String)]
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Whether the connection stays open after the response (HTTP/1.1 unless `Connection: close`; HTTP/1.0 only
    /// with `Connection: keep-alive`).
    public var keepAlive: Bool

    public init(method: String, target: String, pathSegments: [String], query: [(name: String, value: String)] = [],
                minorVersion: Int = 1, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], keepAlive: Bool = true) {
        self.method = method; self.target = target; self.pathSegments = pathSegments; self.query = query
        self.minorVersion = minorVersion; self.headers = headers; self.body = body; self.keepAlive = keepAlive
    }

    /// The path as `/a/b`, decoded (for messages).
    public var path: String { "/" + pathSegments.joined(separator: "/") }

    /// The first query parameter called `name`.
    public func queryValue(_ name: String) -> String? { query.first(where: { $0.name == name })?.value }
}

/// Header fields in arrival order; names are stored lower-cased because HTTP field names ignore case.
public struct HTTPHeaders: Sendable {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(name: String, value: String)] = []) {
        for f in fields { add(f.name, f.value) }
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name.lowercased(), value)) }

    /// The first value of `name`, compared without case.
    public subscript(name: String) -> String? {
        let n = name.lowercased()
        return fields.first(where: { $0.name == n })?.value
    }

    /// Every value of `name`, with comma-separated lists split and trimmed (`Connection: keep-alive, Upgrade`).
    public func list(_ name: String) -> [String] {
        let n = name.lowercased()
        return fields.filter { $0.name == n }.flatMap { $0.value.split(separator: ",") }
            .map { $0.trimmingASCIISpaces() }.filter { !$0.isEmpty }
    }

    public func count(_ name: String) -> Int {
        let n = name.lowercased()
        return fields.reduce(0) { $0 + ($1.name == n ? 1 : 0) }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's OWS).
    func trimmingASCIISpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
