#if canImport(Glibc)
import Glibc
#endif

/// A response before framing: status, header fields and body. The server adds Content-Length, Connection,
/// Date and Server when it writes it, so handlers stay pure values that tests can compare.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, contentType: String, body: [UInt8], headers: [(name: String, value: String)] = []) {
        self.status = status
        self.headers = [("Content-Type", contentType)] + headers
        self.body = body
    }

    /// A JSON body already as UTF-8 bytes (a `JSONWriter`'s), with the final newline added.
    public static func json(bytes: [UInt8], status: Int = 200) -> HTTPResponse {
        var body = bytes
        body.append(0x0A)
        return HTTPResponse(status: status, contentType: "application/json; charset=utf-8", body: body, headers: noStore)
    }

    /// A JSON body (`application/json; charset=utf-8`), never cached: answers depend on the request.
    public static func json(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json; charset=utf-8", body: Array(text.utf8), headers: noStore)
    }

    private static let noStore = [(name: "Cache-Control", value: "no-store")]

    /// The first value of header `name`, compared without case.
    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.first(where: { $0.name.lowercased() == n })?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The bytes on the wire. `includeBody` is false for HEAD (the length still says what GET would send).
    public func serialized(keepAlive: Bool, includeBody: Bool = true) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n"
        for h in headers { head += "\(h.name): \(h.value)\r\n" }
        head += "Content-Length: \(body.count)\r\n"
        head += keepAlive ? "" : "Connection: close\r\n"
        head += "Date: \(HTTPResponse.date())\r\nServer: jianfu/\(JianfuVersion.string)\r\n\r\n"
        var out = Array(head.utf8)
        if includeBody {
            out.reserveCapacity(out.count + body.count)
            out += body
        }
        return out
    }

    /// The reason phrase of a status code.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 417: return "Expectation Failed"
        case 422: return "Unprocessable Content"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }

    /// The current time as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), which RFC 9110 asks servers to send.
    static func date() -> String {
        var t = time(nil)
        var tm = tm()
        gmtime_r(&t, &tm)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(tm.tm_wday) % 7]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon) % 12]) \(tm.tm_year + 1900) "
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) GMT"
    }
}
