#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import JianfuCore

/// The server over real sockets on an ephemeral port: every endpoint, each error status, split and pipelined
/// requests, concurrency, keep-alive, clients that vanish, the connection bound, timeouts and a graceful stop.
@Suite(.serialized) struct ServerTests {
    /// A server running on a background thread; `finished` is signalled when `run()` returns.
    final class Running: Sendable {
        let server: Server
        let finished = DispatchSemaphore(value: 0)

        init(_ configure: (inout Server.Configuration) -> Void = { _ in }) {
            var c = Server.Configuration()
            c.port = 0
            configure(&c)
            server = Server(router: Router(engine: Fixture.engine).adding(Running.spin), configuration: c)
            do { try server.start() } catch { fatalError("the test server cannot start: \(error)") }
            let (s, f) = (server, finished)
            Thread { s.run(); f.signal() }.start()
        }

        var port: UInt16 { server.port }

        /// `POST /test/spin` burns CPU until its request is cancelled (a stand-in for a request too heavy to finish).
        static let spin = Route("POST", "/test/spin", { _, _, _ in
            while !Cancellation.requested {}
            return HTTPResponse.json("{}")
        })
    }

    /// One server shared by the tests that do not stop it.
    static let shared = Running()

    static let sample: String = {
        (try? String(contentsOfFile: Fixture.samplesPath + "/qujiang-chemical-upgrade.json", encoding: .utf8)) ?? "{}"
    }()

    static func post(_ path: String, _ body: String, close: Bool = false) -> String {
        "POST \(path) HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + (close ? "Connection: close\r\n" : "") + "\r\n" + body
    }

    static func get(_ path: String, close: Bool = false) -> String {
        "GET \(path) HTTP/1.1\r\nHost: t\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n"
    }

    @Test func everyEndpointAnswersOverOneKeepAliveConnection() throws {
        let c = try TestClient(port: Self.shared.port)
        let claim = "{\"claim_id\": \"C1\", \"rule_id\": \"52-6-4-union-fee\", \"year\": 2017, \"claimed_amount\": 1, \"profile\": {\"id\": \"X\", \"region_code\": \"330802\"}}"
        let cases: [(String, Int, String)] = [
            (Self.get("/healthz"), 200, "\"ok\""),
            (Self.get("/v1/version"), 200, "rule_pack"),
            (Self.get("/v1/policies"), 200, "衢政办发〔2017〕52号"),
            (Self.get("/v1/rules/52-6-1-si-cap"), 200, "\"quote\""),
            (Self.get("/v1/schema"), 200, "turnover_loans"),
            (Self.get("/"), 200, "<!doctype html>"),
            (Self.post("/v1/check", Self.sample), 200, "\"near_misses\""),
            (Self.post("/v1/explain/52-6-1-si-cap", Self.sample), 200, "\"text\""),
            (Self.post("/v1/audit", claim), 200, "\"verdicts\""),
        ]
        for (request, status, needle) in cases {
            try c.send(request)
            let r = try c.response()
            #expect(r.status == status, "\(request.prefix(40))")
            #expect(r.text.contains(needle), "\(request.prefix(40))")
            #expect(r.headers["connection"] == nil)
        }
    }

    @Test func headAnswersHeadersWithoutABody() throws {
        let c = try TestClient(port: Self.shared.port)
        try c.send("HEAD /v1/version HTTP/1.1\r\nHost: t\r\n\r\n" + Self.get("/healthz"))
        let head = try c.response(bodyExpected: false)
        #expect(head.status == 200)
        #expect(Int(head.headers["content-length"] ?? "") ?? 0 > 0)
        #expect(try c.response().text.contains("ok"), "the next response starts right after the headers")
    }

    @Test(arguments: [
        ("GET /healthz\r\n\r\n", 400, "malformed request line"),
        ("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n", 404, "unknown path"),
        ("DELETE /v1/check HTTP/1.1\r\nHost: t\r\n\r\n", 405, "wrong method"),
        ("POST /v1/check HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n", 411, "chunked body"),
        ("POST /v1/check HTTP/1.1\r\nHost: t\r\nContent-Length: 40\r\n\r\n{\"turnover_loans\": [{\"days\": \"five\"}]}  ", 422, "profile error"),
    ])
    func errorStatusesOverTheWire(request: String, status: Int, why: String) throws {
        let c = try TestClient(port: Self.shared.port)
        try c.send(request)
        let r = try c.response()
        #expect(r.status == status, "\(why)")
        #expect(r.text.contains("\"status\": \(status)"), "\(why)")
        if status == 422 { #expect(r.text.contains("\"path\": \"turnover_loans[0].days\"")) }
        if status == 405 { #expect(r.headers["allow"] == "POST") }
        if status < 404 || status == 411 { #expect(r.headers["connection"] == "close", "a framing error closes the connection") }
    }

    @Test func aBodyOverOneMegabyteIs413() throws {
        let c = try TestClient(port: Self.shared.port)
        let body = String(repeating: " ", count: (1 << 20) + 1)
        try c.send("POST /v1/check HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
        let r = try c.response()
        #expect(r.status == 413)
        #expect(r.headers["connection"] == "close")
    }

    @Test func headerFieldsOver16KiBAre431() throws {
        let c = try TestClient(port: Self.shared.port)
        try c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n" + String(repeating: "X-Fill: " + String(repeating: "a", count: 1000) + "\r\n", count: 17) + "\r\n")
        #expect(try c.response().status == 431)
    }

    @Test func aRequestSplitAcrossManySmallWritesIsServed() throws {
        let c = try TestClient(port: Self.shared.port)
        let bytes = Array(Self.post("/v1/check", Self.sample).utf8)
        var i = 0, n = 1
        while i < bytes.count {
            let end = min(bytes.count, i + n)
            try c.send(Array(bytes[i..<end]))
            i = end
            n = n % 13 + 1
            if i < 200 { usleep(200) }  // the head arrives in many TCP segments
        }
        let r = try c.response()
        #expect(r.status == 200)
        #expect(r.text.contains("\"saving_low\": 1370557.92"))
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let c = try TestClient(port: Self.shared.port)
        try c.send(Self.get("/healthz") + Self.get("/v1/nowhere") + Self.get("/v1/version", close: true))
        #expect(try c.response().status == 200)
        #expect(try c.response().status == 404)
        let last = try c.response()
        #expect(last.status == 200 && last.headers["connection"] == "close")
        #expect(c.atEOF(), "the server closes after Connection: close")
    }

    @Test func twoConcurrentClientsAreBothServed() async throws {
        let port = Self.shared.port
        async let a = Task.detached { try ServerTests.checkOnce(port: port) }.value
        async let b = Task.detached { try ServerTests.checkOnce(port: port) }.value
        let (x, y) = try await (a, b)
        #expect(x == 200 && y == 200)
    }

    static func checkOnce(port: UInt16) throws -> Int {
        let c = try TestClient(port: port)
        try c.send(post("/v1/check", sample))
        return try c.response().status
    }

    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        let c = try TestClient(port: Self.shared.port)
        try c.send(Self.post("/v1/check?lang=en", Self.sample))
        let first = try c.response()
        try c.send(Self.get("/healthz"))
        let second = try c.response()
        #expect(first.status == 200 && first.text.contains("\"lang\": \"en\""))
        #expect(second.status == 200 && second.text.contains("ok"))
    }

    @Test func aClientThatVanishesMidRequestDoesNotStopTheServer() throws {
        for partial in ["POST /v1/check HTTP/1.1\r\nHost: t\r\nContent-Le", Self.post("/v1/check", Self.sample).dropLast(100).description] {
            let gone = try TestClient(port: Self.shared.port)
            try gone.send(partial)
            gone.reset()
        }
        #expect(try Self.checkOnce(port: Self.shared.port) == 200)
    }

    @Test func expectContinueGets100BeforeTheBody() throws {
        let c = try TestClient(port: Self.shared.port)
        try c.send("POST /v1/check HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: \(Self.sample.utf8.count)\r\n\r\n")
        #expect(try c.response(bodyExpected: false).status == 100)
        try c.send(Self.sample)
        #expect(try c.response().status == 200)
    }

    @Test func requestsBeyondTheBoundInProgressGet503WhileSocketsAreNotCounted() throws {
        let running = Running { $0.maxRequestsInProgress = 1; $0.workers = 1; $0.deadline = 1 }
        defer { running.server.stop(); running.finished.wait() }
        // 200 open sockets: the old bound (64 connections) counted these and refused the rest.
        let idle = try (0..<200).map { _ in try TestClient(port: running.port) }
        let heavy = try TestClient(port: running.port)
        try heavy.send(Self.post("/test/spin", "{}"))
        usleep(100_000)  // the spin is on the only worker
        let second = try TestClient(port: running.port)
        try second.send(Self.post("/v1/check", Self.sample))
        let r = try second.response()
        #expect(r.status == 503)
        #expect(r.headers["retry-after"] == "1")
        // Pages are answered by the event loop itself while the worker is taken.
        try second.send(Self.get("/healthz"))
        #expect(try second.response().status == 200)
        try idle[199].send(Self.get("/healthz"))
        #expect(try idle[199].response().status == 200)
        #expect(try heavy.response().status == 503)
        // The worker is free again: the same connection is served.
        try second.send(Self.post("/v1/check", Self.sample))
        #expect(try second.response().status == 200)
    }

    @Test func aRequestPastItsCPUDeadlineGets503AndPagesKeepAnswering() throws {
        let running = Running { $0.deadline = 0.3 }
        defer { running.server.stop(); running.finished.wait() }
        let heavy = try TestClient(port: running.port)
        let t0 = Date()
        try heavy.send(Self.post("/test/spin", "{}"))
        let probe = try TestClient(port: running.port)
        var slowest = 0.0
        for _ in 0..<20 {
            let t = Date()
            try probe.send(Self.get("/healthz"))
            #expect(try probe.response().status == 200)
            slowest = max(slowest, Date().timeIntervalSince(t))
        }
        let r = try heavy.response()
        let elapsed = Date().timeIntervalSince(t0)
        #expect(r.status == 503)
        #expect(r.text.contains("0.3 s of CPU"), "English")
        #expect(r.text.contains("0.3 秒"), "Chinese")
        #expect(elapsed >= 0.3 && elapsed < 2, "stopped at its deadline: \(elapsed) s")
        // Not a speed test (jianfu-bench measures the p99): the event loop answers while the only job spins.
        #expect(slowest < 0.25, "/healthz answered while the spin ran: \(slowest) s")
    }

    @Test func lightRequestsKeepAWorkerWhileHeavyOnesRun() throws {
        let running = Running { $0.deadline = 1.5; $0.heavyBodyBytes = 8000; $0.workers = 2 }
        defer { running.server.stop(); running.finished.wait() }
        guard ProcessInfo.processInfo.activeProcessorCount >= 2 else { return }
        let big = "{\"pad\": \"" + String(repeating: "x", count: 9000) + "\"}"
        let heavies = try (0..<3).map { _ in try TestClient(port: running.port) }
        for h in heavies { try h.send(Self.post("/test/spin", big)) }
        usleep(100_000)
        let light = try TestClient(port: running.port)
        let t = Date()
        try light.send(Self.post("/v1/check", Self.sample))
        #expect(try light.response().status == 200)
        #expect(Date().timeIntervalSince(t) < 1, "a light request does not wait for the heavy ones")
    }

    @Test func aSilentClientTimesOutWith408MidRequestAndQuietlyWhenIdle() throws {
        let running = Running { $0.requestTimeout = 0.3; $0.idleTimeout = 0.3 }
        defer { running.server.stop(); running.finished.wait() }
        let slow = try TestClient(port: running.port)
        try slow.send("GET /healthz HTTP/1.1\r\nHo")
        #expect(try slow.response().status == 408)
        let idle = try TestClient(port: running.port)
        try idle.send(Self.get("/healthz"))
        #expect(try idle.response().status == 200)
        #expect(idle.atEOF(), "an idle keep-alive connection is closed after the timeout")
    }

    @Test func aTrickledRequestTimesOutAsAWholeNotPerByte() throws {
        let running = Running { $0.requestTimeout = 0.5 }
        defer { running.server.stop(); running.finished.wait() }
        let slow = try TestClient(port: running.port)
        let t0 = Date()
        var status: Int?
        // One byte every 50 ms: each gap is far below the timeout, the whole is not.
        for b in Array("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ".utf8) + Array(repeating: UInt8(97), count: 100) {
            if (try? slow.send([b])) == nil { break }
            usleep(50_000)
            if Date().timeIntervalSince(t0) > 0.8 { break }
        }
        status = try? slow.response(timeout: 1).status
        #expect(status == 408)
        #expect(Date().timeIntervalSince(t0) < 1.5)
    }

    @Test func aBareLFRequestGets400AtOnceOverTheWire() throws {
        let c = try TestClient(port: Self.shared.port)
        let t0 = Date()
        try c.send("GET /healthz HTTP/1.1\nHost: t\n\n")
        #expect(try c.response(timeout: 2).status == 400)
        #expect(Date().timeIntervalSince(t0) < 1, "not the 10 s request timeout")
    }

    @Test func stoppingWhileHeavyRequestsRunReturnsSoonAfterTheirDeadline() throws {
        let running = Running { $0.deadline = 0.5; $0.workers = 2 }
        let heavies = try (0..<4).map { _ in try TestClient(port: running.port) }
        for h in heavies { try h.send(Self.post("/test/spin", "{}")) }
        usleep(100_000)
        let t0 = Date()
        running.server.stop()
        #expect(running.finished.wait(timeout: .now() + 3) == .success)
        // The deadline is CPU time: on a machine shared with other work the wall time stretches (bounded loosely).
        #expect(Date().timeIntervalSince(t0) < 3, "run() returned within the deadline plus lingering")
        for h in heavies { #expect((try? h.response(timeout: 1))?.status == 503) }
    }

    @Test func stoppingFinishesTheRequestInFlightThenReturns() throws {
        let running = Running()
        let inFlight = try TestClient(port: running.port)
        let request = Array(Self.post("/v1/check", Self.sample).utf8)
        try inFlight.send(Array(request[0..<(request.count - 50)]))
        let idle = try TestClient(port: running.port)
        try idle.send(Self.get("/healthz"))
        #expect(try idle.response().status == 200)
        usleep(50_000)  // the server has read the first part
        running.server.stop()
        #expect(idle.atEOF(), "an idle connection is closed at once")
        #expect(running.finished.wait(timeout: .now() + 0.2) == .timedOut, "run() waits for the request in flight")
        try inFlight.send(Array(request[(request.count - 50)...]))
        let r = try inFlight.response()
        #expect(r.status == 200)
        #expect(r.headers["connection"] == "close")
        #expect(r.text.contains("\"saving_low\": 1370557.92"))
        #expect(running.finished.wait(timeout: .now() + 3) == .success)
        #expect(throws: TestError.self) { try TestClient(port: running.port) }
    }
}

/// A tiny blocking HTTP/1.1 client over a POSIX socket, reading one Content-Length response at a time.
final class TestClient {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let fd: Int32
    private var pending: [UInt8] = []

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        // No close here: a class whose init throws after initializing every property still runs deinit, which
        // closes fd; closing twice could close a descriptor another thread has just been given.
        guard rc == 0 else { throw TestError("cannot connect to port \(port)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { p in Glibc.send(fd, p.baseAddress.map { $0 + sent }, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestError("send failed: errno \(errno)") }
            sent += n
        }
    }

    /// More bytes, waiting at most `timeout` seconds; false at end of input.
    private func fill(timeout: Double) throws -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, Int32(timeout * 1000)) > 0 else { throw TestError("no response within \(timeout) s") }
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        pending += buf[0..<n]
        return true
    }

    func response(bodyExpected: Bool = true, timeout: Double = 5) throws -> Response {
        var end: Int?
        while end == nil {
            if let r = pending.firstRange(of: [13, 10, 13, 10]) { end = r.upperBound; break }
            guard try fill(timeout: timeout) else { throw TestError("the connection closed before a response") }
        }
        guard let headEnd = end else { throw TestError("no header end") }
        let lines = String(decoding: pending[0..<headEnd - 4], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw TestError("bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for l in lines.dropFirst() {
            guard let c = l.firstIndex(of: ":") else { continue }
            headers[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)
        }
        let length = bodyExpected ? Int(headers["content-length"] ?? "0") ?? 0 : 0
        while pending.count < headEnd + length {
            guard try fill(timeout: timeout) else { throw TestError("the connection closed inside a body") }
        }
        let body = Array(pending[headEnd..<headEnd + length])
        pending.removeFirst(headEnd + length)
        return Response(status: status, headers: headers, body: body)
    }

    /// True when the server has closed the connection (within a second) and sent nothing more.
    func atEOF() -> Bool {
        guard pending.isEmpty else { return false }
        return (try? fill(timeout: 1)) == false
    }

    /// Closes with a reset (SO_LINGER 0), as a crashed client would.
    func reset() {
        var l = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
        shutdown(fd, Int32(SHUT_RDWR))
    }
}
