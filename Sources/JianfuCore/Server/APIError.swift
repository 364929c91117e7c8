/// The error envelope of every API failure:
/// `{"error": {"status": 422, "message": "…", "details": [{"location": "body:3:15", "path": "turnover_loans[0].days", "message": "…"}]}}`.
public struct APIError: Error, Sendable {
    /// One problem: where in the request (`body:3:15`, `query`), the JSON path of the field, and the message.
    public struct Detail: Sendable {
        public var location: String?
        public var path: String?
        public var message: String
        public init(location: String?, path: String?, message: String) { self.location = location; self.path = path; self.message = message }
    }

    public var status: Int
    public var message: String
    public var details: [Detail]
    /// Extra header fields (Allow on 405).
    public var headers: [(name: String, value: String)] = []

    public init(_ status: Int, _ message: String, details: [Detail] = [], headers: [(name: String, value: String)] = []) {
        self.status = status; self.message = message; self.details = details; self.headers = headers
    }

    /// Profile diagnostics as the CLI prints them, each split into location, path and message.
    public init(_ status: Int, _ message: String, diagnostics: Diagnostics, pathPrefix: String = "") {
        self.init(status, message, details: diagnostics.items.map {
            Detail(location: $0.location, path: $0.context.map { pathPrefix + $0 }, message: $0.message)
        })
    }

    public var response: HTTPResponse {
        var w = JSONWriter()
        w.beginObject()
        w.beginObject("error")
        w.int("status", status)
        w.string("message", message)
        w.beginArray("details")
        for d in details {
            w.beginObject()
            w.string("location", d.location)
            w.string("path", d.path)
            w.string("message", d.message)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        var r = HTTPResponse.json(w.text + "\n", status: status)
        r.headers += headers
        return r
    }
}
