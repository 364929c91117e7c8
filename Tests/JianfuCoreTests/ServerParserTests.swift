import Testing
@testable import JianfuCore

/// The HTTP/1.1 request parser without sockets: framing, limits and the strict refusals (RFC 9112).
@Suite struct ServerParserTests {
    /// Feeds `text` in pieces of `chunk` bytes and collects every event until the parser needs more.
    static func parse(_ text: String, chunk: Int = Int.max) -> [HTTPRequestParser.Event] {
        var p = HTTPRequestParser()
        var events: [HTTPRequestParser.Event] = []
        let bytes = Array(text.utf8)
        var i = 0
        repeat {
            let end = min(bytes.count, i + max(1, min(chunk, bytes.count)))
            p.append(bytes[i..<end])
            i = end
            loop: while true {
                let e = p.next()
                switch e {
                case .needMoreData: break loop
                case .request: events.append(e)
                case .failure: events.append(e); return events
                }
            }
        } while i < bytes.count
        return events
    }

    static func requests(_ events: [HTTPRequestParser.Event]) -> [HTTPRequest] {
        events.compactMap { if case .request(let r) = $0 { return r }; return nil }
    }

    static func failure(_ text: String) -> HTTPFailure? {
        for e in parse(text) { if case .failure(let f) = e { return f } }
        return nil
    }

    @Test func headerNamesIgnoreCaseAndValuesLoseSurroundingSpace() throws {
        let rs = Self.requests(Self.parse("GET /healthz HTTP/1.1\r\nHOST: a\r\nX-Thing:   two words \t\r\n\r\n"))
        let r = try #require(rs.first)
        #expect(r.method == "GET")
        #expect(r.pathSegments == ["healthz"])
        #expect(r.headers["host"] == "a")
        #expect(r.headers["x-thing"] == "two words")
        #expect(r.headers["X-THING"] == "two words")
        #expect(r.keepAlive)
    }

    @Test func aRequestSplitIntoOneByteReadsParsesLikeOneRead() throws {
        let text = "POST /v1/check?year=2017&lang=en HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n{\"year\": 1}"
        let whole = try #require(Self.requests(Self.parse(text)).first)
        let split = try #require(Self.requests(Self.parse(text, chunk: 1)).first)
        #expect(split.body == whole.body)
        #expect(String(decoding: split.body, as: UTF8.self) == "{\"year\": 1}")
        #expect(split.query.map(\.name) == ["year", "lang"])
        #expect(split.queryValue("lang") == "en")
    }

    @Test func pipelinedRequestsComeOutInOrder() {
        let text = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        for chunk in [1, 7, Int.max] {
            let rs = Self.requests(Self.parse(text, chunk: chunk))
            #expect(rs.map(\.path) == ["/a", "/b", "/c"])
            #expect(rs.map(\.keepAlive) == [true, true, false])
            #expect(rs.first?.body == Array("abc".utf8))
        }
    }

    @Test func pathSegmentsArePercentDecodedAndQueryPlusIsASpace() throws {
        let r = try #require(Self.requests(Self.parse("GET /v1/rules/52-7-1%2Dland%2Fx?lang=e%6E&q=a+b HTTP/1.1\r\nHost: x\r\n\r\n")).first)
        #expect(r.pathSegments == ["v1", "rules", "52-7-1-land/x"])
        #expect(r.queryValue("lang") == "en")
        #expect(r.queryValue("q") == "a b")
    }

    @Test func absoluteFormTargetsReduceToTheirPath() throws {
        let r = try #require(Self.requests(Self.parse("GET http://127.0.0.1:8052/healthz HTTP/1.1\r\nHost: x\r\n\r\n")).first)
        #expect(r.pathSegments == ["healthz"])
    }

    @Test func http10KeepsTheConnectionOnlyWhenAsked() throws {
        let plain = try #require(Self.requests(Self.parse("GET / HTTP/1.0\r\n\r\n")).first)
        let asked = try #require(Self.requests(Self.parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")).first)
        #expect(!plain.keepAlive)
        #expect(asked.keepAlive)
    }

    @Test func expectContinueIsReportedOnceWhileTheBodyIsMissing() {
        var p = HTTPRequestParser()
        p.append(Array("POST /v1/check HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        guard case .needMoreData = p.next() else { Issue.record("expected needMoreData"); return }
        let first = p.takeContinue(), second = p.takeContinue()
        #expect(first)
        #expect(!second)
        p.append(Array("{}".utf8))
        guard case .request(let r) = p.next() else { Issue.record("expected a request"); return }
        #expect(r.body == Array("{}".utf8))
    }

    @Test(arguments: [
        ("GET /\r\n\r\n", 400, "no version"),
        ("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "two spaces"),
        ("GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400, "four parts"),
        ("G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "a method that is not a token"),
        ("GET / HTTP/1.1\nHost: x\r\n\r\n", 400, "a bare LF"),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "space before the colon"),
        ("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n", 400, "obsolete line folding"),
        ("GET / HTTP/1.1\r\n\r\n", 400, "no Host on HTTP/1.1"),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "two Hosts"),
        ("GET relative HTTP/1.1\r\nHost: x\r\n\r\n", 400, "a target without /"),
        ("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "a broken percent escape"),
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "HTTP/2 on a 1.1 port"),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 411, "chunked body"),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400, "conflicting lengths"),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, "a negative length"),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n", 413, "one byte over 1 MB"),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", 413, "a length that overflows Int"),
        ("POST / HTTP/1.1\r\nHost: x\r\nExpect: gifts\r\n\r\n", 417, "an unknown expectation"),
    ])
    func refusals(text: String, status: Int, why: String) {
        #expect(Self.failure(text)?.status == status, "\(why)")
    }

    @Test func exactlyOneMegabyteIsAccepted() {
        #expect(Self.failure("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n") == nil)
    }

    @Test func aHeaderSectionOver16KiBIs431WithOrWithoutItsEnd() {
        let filler = "X-Fill: " + String(repeating: "a", count: 17 * 1024) + "\r\n"
        #expect(Self.failure("GET / HTTP/1.1\r\nHost: x\r\n" + filler + "\r\n")?.status == 431)
        // Without the blank line the parser stops buffering once 16 KiB have arrived.
        #expect(Self.failure("GET / HTTP/1.1\r\nHost: x\r\n" + filler)?.status == 431)
    }

    @Test func afterAFailureTheParserStaysFailed() {
        var p = HTTPRequestParser()
        p.append(Array("BAD\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        guard case .failure = p.next(), case .failure = p.next() else { Issue.record("expected failures"); return }
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\nHost: x\n\n", "a bare LF", "a request in LF-only lines never shows CRLFCRLF"),
        ("GET / HTTP/1.1\n", "a bare LF", "its first line end is enough"),
        ("GET / HTTP/1.1\rHost: x", "a bare CR", "a CR followed by another byte"),
    ])
    func bareLineEndsAreRefusedAsSoonAsTheyArrive(text: String, message: String, why: String) {
        // Without the fix the parser waits for a blank line that never comes (the server answered 408 after 10 s).
        var p = HTTPRequestParser()
        p.append(Array(text.utf8))
        guard case .failure(let f) = p.next() else { Issue.record("expected a failure at once: \(why)"); return }
        #expect(f.status == 400)
        #expect(f.message.hasPrefix(message), "\(why)")
    }

    @Test func aCROnItsOwnAtTheEndWaitsForItsLF() {
        var p = HTTPRequestParser()
        p.append(Array("GET / HTTP/1.1\r".utf8))
        guard case .needMoreData = p.next() else { Issue.record("a CR whose LF has not arrived is not bare yet"); return }
        p.append(Array("\nHost: x\r\n\r\n".utf8))
        guard case .request = p.next() else { Issue.record("expected the request"); return }
    }

    @Test(arguments: [("0005", 5), ("0", 0), ("000", 0), ("00000000000000000001048576", 1_048_576)])
    func zeroPaddedContentLengthsAreTheirValue(length: String, bytes: Int) throws {
        // `0005` is a valid 1*DIGIT (RFC 9110 §8.6): five bytes, not a 413.
        let body = String(repeating: "a", count: bytes)
        let rs = Self.requests(Self.parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(length)\r\n\r\n" + body))
        let r = try #require(rs.first)
        #expect(r.body.count == bytes)
    }

    @Test func zeroPaddingDoesNotHideALengthOverTheLimit() {
        #expect(Self.failure("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0001048577\r\n\r\n")?.status == 413)
    }

    @Test func emptyLinesBeforeARequestAreIgnored() {
        #expect(Self.requests(Self.parse("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")).count == 1)
    }
}
