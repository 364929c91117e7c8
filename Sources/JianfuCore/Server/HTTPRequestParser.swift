/// Why a request cannot be served, as an HTTP status and a sentence for the client. After a failure the
/// connection is closed: the parser cannot know where the next request would start.
public struct HTTPFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var message: String
    public init(_ status: Int, _ message: String) { self.status = status; self.message = message }
    public var description: String { "\(status) \(message)" }
}

/// An incremental HTTP/1.1 request parser over bytes: feed it whatever each read returns (one byte or many
/// pipelined requests) and take complete requests out. Strict by design: CRLF line ends, no line folding,
/// `Content-Length` bodies only, a Host header on HTTP/1.1, and bounded header and body sizes.
public struct HTTPRequestParser: Sendable {
    /// The request line plus header fields, CRLFs included (beyond → 431).
    public static let maxHeaderBytes = 16 * 1024
    /// The largest body accepted (beyond → 413); a profile is a few kilobytes.
    public static let maxBodyBytes = 1 << 20

    /// What `next()` found.
    public enum Event: Sendable {
        case request(HTTPRequest)
        case needMoreData
        case failure(HTTPFailure)
    }

    private var buffer: [UInt8] = []
    /// The first byte not yet consumed.
    private var start = 0
    /// Where the search for the blank line ending the header section resumes, so many small reads stay linear.
    private var scanFrom = 0
    /// Where the search for a bare CR or LF resumes: a request whose lines end in LF alone never shows the CRLFCRLF
    /// the header search waits for, so it is refused as soon as its first line end arrives, not at the timeout.
    private var lineEndsCheckedTo = 0
    /// A request whose header section is parsed and whose body is still arriving.
    private var pending: HTTPRequest?
    private var bodyLength = 0
    private var failed: HTTPFailure?
    private var continuePending = false

    public init() {}

    /// True while some bytes of an unfinished request have arrived (a graceful stop waits for them).
    public var hasPartialRequest: Bool { pending != nil || buffer[start...].contains { $0 != 13 && $0 != 10 } }

    public mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    /// True once per request that sent `Expect: 100-continue` and whose body has not arrived: the server
    /// should answer `100 Continue` (curl waits a second for it before sending a body over 1 KB).
    public mutating func takeContinue() -> Bool {
        defer { continuePending = false }
        return continuePending
    }

    /// The next complete request, or what is missing or wrong.
    public mutating func next() -> Event {
        if let failed { return .failure(failed) }
        if pending == nil {
            // RFC 9112 §2.2: ignore empty lines before a request line (some clients send CRLF after a body).
            while start + 1 < buffer.count, buffer[start] == 13, buffer[start + 1] == 10 { start += 2 }
            scanFrom = max(scanFrom, start)
            guard let end = headerEnd() else {
                if let bare = bareLineEnd() { return fail(400, bare) }
                if buffer.count - start > Self.maxHeaderBytes { return fail(431, "the request line and header fields exceed \(Self.maxHeaderBytes) bytes") }
                return .needMoreData
            }
            if end + 4 - start > Self.maxHeaderBytes { return fail(431, "the request line and header fields exceed \(Self.maxHeaderBytes) bytes") }
            let head = buffer[start..<end]
            start = end + 4
            scanFrom = start
            lineEndsCheckedTo = start
            switch Self.parseHead(head) {
            case .failure(let f): return fail(f.status, f.message)
            case .success(let (request, length, expectsContinue)):
                pending = request
                bodyLength = length
                continuePending = expectsContinue && buffer.count - start < length
            }
        }
        guard var request = pending, buffer.count - start >= bodyLength else { return .needMoreData }
        request.body = Array(buffer[start..<start + bodyLength])
        start += bodyLength
        pending = nil
        continuePending = false
        compact()
        return .request(request)
    }

    private mutating func fail(_ status: Int, _ message: String) -> Event {
        let f = HTTPFailure(status, message)
        failed = f
        return .failure(f)
    }

    /// The index of the CRLFCRLF ending the header section.
    private mutating func headerEnd() -> Int? {
        var i = scanFrom
        while i + 3 < buffer.count {
            if buffer[i + 3] != 10 { i += buffer[i + 3] == 13 ? 1 : 4; continue }
            if buffer[i] == 13, buffer[i + 1] == 10, buffer[i + 2] == 13 { return i }
            i += 1
        }
        scanFrom = max(start, buffer.count - 3)
        return nil
    }

    /// A CR not followed by LF, or an LF not preceded by CR, among the header bytes that have arrived.
    private mutating func bareLineEnd() -> String? {
        var i = max(lineEndsCheckedTo, start)
        // The last byte may be a CR whose LF has not arrived yet: look at it again next time.
        while i < buffer.count {
            let b = buffer[i]
            if b == 10 && (i == start || buffer[i - 1] != 13) { return "a bare LF in the header section: lines end with CRLF" }
            if b == 13 {
                guard i + 1 < buffer.count else { break }
                if buffer[i + 1] != 10 { return "a bare CR in the header section" }
            }
            i += 1
        }
        lineEndsCheckedTo = i
        return nil
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 16)
            start = 0; scanFrom = 0; lineEndsCheckedTo = 0
        } else if start > 1 << 16 {
            buffer.removeFirst(start)
            scanFrom -= start; lineEndsCheckedTo = max(0, lineEndsCheckedTo - start); start = 0
        }
    }
}

extension HTTPRequestParser {
    /// Parses the request line and header fields (without the final blank line).
    static func parseHead(_ head: ArraySlice<UInt8>) -> Result<(HTTPRequest, Int, Bool), HTTPFailure> {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = head.startIndex
        var i = head.startIndex
        while i < head.endIndex {
            let b = head[i]
            if b == 13 {
                guard i + 1 < head.endIndex, head[i + 1] == 10 else { return .failure(HTTPFailure(400, "a bare CR in the header section")) }
                lines.append(head[lineStart..<i])
                i += 2; lineStart = i
                continue
            }
            if b == 10 { return .failure(HTTPFailure(400, "a bare LF in the header section: lines end with CRLF")) }
            i += 1
        }
        lines.append(head[lineStart..<head.endIndex])

        let requestLine: (method: String, target: String, minor: Int)
        switch parseRequestLine(lines[0]) {
        case .success(let r): requestLine = r
        case .failure(let f): return .failure(f)
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let first = line.first, first != 32, first != 9 else {
                return .failure(HTTPFailure(400, "obsolete line folding in a header field"))
            }
            guard let colon = line.firstIndex(of: 58), colon > line.startIndex, line[line.startIndex..<colon].allSatisfy(isTokenByte) else {
                return .failure(HTTPFailure(400, "malformed header field \"\(preview(line))\": expected name: value"))
            }
            var v = line[(colon + 1)...]
            while let f = v.first, f == 32 || f == 9 { v = v.dropFirst() }
            while let l = v.last, l == 32 || l == 9 { v = v.dropLast() }
            guard v.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
                return .failure(HTTPFailure(400, "a control character in header field \(String(decoding: line[line.startIndex..<colon], as: UTF8.self))"))
            }
            headers.add(String(decoding: line[line.startIndex..<colon], as: UTF8.self), String(decoding: v, as: UTF8.self))
        }
        return semantics(requestLine, headers)
    }

    static func parseRequestLine(_ line: ArraySlice<UInt8>) -> Result<(method: String, target: String, minor: Int), HTTPFailure> {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        // Rendered only for a malformed line, not for every request.
        var malformed: HTTPFailure { HTTPFailure(400, "malformed request line \"\(preview(line))\": expected METHOD /path HTTP/1.1") }
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte),
              !parts[1].isEmpty, parts[1].allSatisfy({ $0 > 32 && $0 < 127 }) else { return .failure(malformed) }
        let v = Array(parts[2])
        guard v.count == 8, v.starts(with: Array("HTTP/".utf8)), v[6] == 46, isDigit(v[5]), isDigit(v[7]) else { return .failure(malformed) }
        guard v[5] == 49, v[7] == 48 || v[7] == 49 else {
            return .failure(HTTPFailure(505, "HTTP/\(Character(Unicode.Scalar(v[5]))).\(Character(Unicode.Scalar(v[7]))) is not supported: use HTTP/1.1"))
        }
        return .success((String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self), Int(v[7] - 48)))
    }

    /// Host, body framing, Expect and Connection; then the target.
    static func semantics(_ line: (method: String, target: String, minor: Int), _ headers: HTTPHeaders) -> Result<(HTTPRequest, Int, Bool), HTTPFailure> {
        let hosts = headers.count("host")
        if line.minor == 1 && hosts == 0 { return .failure(HTTPFailure(400, "an HTTP/1.1 request needs a Host header")) }
        if hosts > 1 { return .failure(HTTPFailure(400, "more than one Host header")) }
        if headers.count("transfer-encoding") > 0 {
            if line.minor == 0 { return .failure(HTTPFailure(400, "Transfer-Encoding in an HTTP/1.0 request")) }
            if headers.list("transfer-encoding").contains(where: { $0.lowercased() == "chunked" }) {
                return .failure(HTTPFailure(411, "chunked request bodies are not accepted: send the body with Content-Length"))
            }
            return .failure(HTTPFailure(501, "transfer coding \(headers["transfer-encoding"] ?? "") is not implemented: send the body with Content-Length"))
        }
        var length = 0
        let lengths = headers.list("content-length")
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), first.utf8.allSatisfy(isDigit) else {
                return .failure(HTTPFailure(400, "malformed Content-Length: expected one decimal number of bytes"))
            }
            // Leading zeros are allowed (`0005` is 5 bytes); the size check is on the significant digits.
            let digits = first.drop(while: { $0 == "0" })
            guard digits.utf8.count <= 9, let n = digits.isEmpty ? 0 : Int(digits), n <= maxBodyBytes else {
                return .failure(HTTPFailure(413, "the body of \(first) bytes exceeds the limit of \(maxBodyBytes) bytes (1 MB)"))
            }
            length = n
        }
        var expectsContinue = false
        if let e = headers["expect"] {
            guard e.lowercased() == "100-continue" else { return .failure(HTTPFailure(417, "unsupported expectation \"\(e)\"")) }
            expectsContinue = line.minor == 1
        }
        let connection = headers.list("connection").map { $0.lowercased() }
        let keepAlive = line.minor == 1 ? !connection.contains("close") : connection.contains("keep-alive")
        switch parseTarget(line.target, method: line.method) {
        case .failure(let f): return .failure(f)
        case .success(let (segments, query)):
            let r = HTTPRequest(method: line.method, target: line.target, pathSegments: segments, query: query,
                                minorVersion: line.minor, headers: headers, keepAlive: keepAlive)
            return .success((r, length, expectsContinue))
        }
    }

    /// Origin form (`/a/b?q`), absolute form (`http://host/a`, reduced to its path) or `*` for OPTIONS.
    static func parseTarget(_ target: String, method: String) -> Result<([String], [(name: String, value: String)]), HTTPFailure> {
        if target == "*" {
            return method == "OPTIONS" ? .success((["*"], [])) : .failure(HTTPFailure(400, "the target * is only for OPTIONS"))
        }
        var t = Substring(target)
        // The absolute form (`http://host/path`) is rare: lower-case only a target that does not start with "/".
        let lower = target.utf8.first == 0x2F ? "" : target.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            t = t.dropFirst(lower.hasPrefix("http://") ? 7 : 8)
            t = t.firstIndex(where: { $0 == "/" || $0 == "?" }).map { t[$0...] } ?? ""
            if t.isEmpty || t.first == "?" { t = "/" + t }
        }
        guard t.first == "/" else { return .failure(HTTPFailure(400, "malformed request target \"\(target)\": expected a path starting with /")) }
        guard !t.contains("#") else { return .failure(HTTPFailure(400, "a fragment (#) in the request target")) }
        let pathPart = t.firstIndex(of: "?").map { t[..<$0] } ?? t
        let queryPart = t.firstIndex(of: "?").map { t[t.index(after: $0)...] } ?? ""
        var segments: [String] = []
        if pathPart != "/" {
            for s in pathPart.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
                guard let d = percentDecode(s, plusIsSpace: false) else {
                    return .failure(HTTPFailure(400, "malformed percent-encoding in the path \"\(pathPart)\""))
                }
                segments.append(d)
            }
        }
        var query: [(name: String, value: String)] = []
        for pair in queryPart.split(separator: "&") {
            let eq = pair.firstIndex(of: "=")
            guard let name = percentDecode(eq.map { pair[..<$0] } ?? pair, plusIsSpace: true),
                  let value = percentDecode(eq.map { pair[pair.index(after: $0)...] } ?? "", plusIsSpace: true) else {
                return .failure(HTTPFailure(400, "malformed percent-encoding in the query \"\(queryPart)\""))
            }
            query.append((name, value))
        }
        return .success((segments, query))
    }

    /// `%E5%87%8F` → 减; nil on a malformed escape or bytes that are not UTF-8.
    static func percentDecode(_ s: Substring, plusIsSpace: Bool) -> String? {
        var out: [UInt8] = []
        var u = Array(s.utf8)[...]
        while let b = u.popFirst() {
            if b == 37 {
                guard u.count >= 2, let h = hexValue(u[u.startIndex]), let l = hexValue(u[u.startIndex + 1]) else { return nil }
                out.append(h << 4 | l)
                u = u.dropFirst(2)
            } else {
                out.append(plusIsSpace && b == 43 ? 32 : b)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: return b - 48
        case 65...70: return b - 55
        case 97...102: return b - 87
        default: return nil
        }
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// RFC 9110 tchar: the bytes allowed in methods and field names.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 48...57, 65...90, 97...122: return true
        case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: return true
        default: return false
        }
    }

    static func preview(_ b: ArraySlice<UInt8>) -> String {
        let s = String(decoding: b.prefix(60), as: UTF8.self).unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "�" : Character($0) }
        return String(s) + (b.count > 60 ? "…" : "")
    }
}
