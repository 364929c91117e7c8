#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A load generator for `jianfu serve --load-test`: `clients` keep-alive connections, each posting `body` to
/// `path` (an empty body: a GET) as fast as answers come back for `seconds`. Returns the answers with status 200
/// and the 99th percentile of their latencies. A benchmark, never a unit test.
public func runLoadTest(host: String, port: UInt16, clients: Int, seconds: Double, body: String,
                        path: String = "/v1/check") -> (requests: Int, p99Millis: Double) {
    let request = body.isEmpty
        ? Array("GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\n\r\n".utf8)
        : Array("POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    let deadline = LoadTest.now() + UInt64(seconds * 1e9)
    let latencies = Mutex<[UInt64]>([])
    let done = DispatchGroup()
    for _ in 0..<max(1, clients) {
        done.enter()
        Thread {
            var mine: [UInt64] = []
            mine.reserveCapacity(1 << 16)
            var client = LoadTest.Client(host: host, port: port)
            while LoadTest.now() < deadline {
                let t0 = LoadTest.now()
                guard client.exchange(request) == 200 else { client.reconnect(); continue }
                mine.append(LoadTest.now() - t0)
            }
            client.close()
            latencies.withLock { $0 += mine }
            done.leave()
        }.start()
    }
    done.wait()
    let all = latencies.withLock { $0 }.sorted()
    guard !all.isEmpty else { return (0, .infinity) }
    let p99 = all[min(all.count - 1, Int((Double(all.count) * 0.99).rounded(.up)) - 1)]
    return (all.count, Double(p99) / 1e6)
}

/// The load generator's pieces.
public enum LoadTest {
    /// A plausible profile (衢江 chemical maker, 2017) for when Samples/ is not at hand.
    public static let sampleProfile = """
    {"id": "91330803704200115K", "name": "浙江衢江新材料化工股份有限公司", "year": 2017, "region_code": "330803",
     "industry_code": "C2614", "registered_on": "2004-05-18", "employees": 620, "disabled_employees": 4,
     "annual_payroll": 52080000, "monthly_wages": [25000, 32000, 19500], "taxable_income": 38000000,
     "local_average_wage": 62000, "employer_si_rate": 0.215, "land_use_tax": 1200000, "tax_per_mu": 180000,
     "industry_tax_per_mu": 450000, "evaluation_grade": "B", "tech_upgrade_investment": 18000000,
     "turnover_loans": [{"amount": 10000000, "days": 3}, {"amount": 6000000, "days": 15}],
     "association_fees": [{"role": "president", "annual_fee": 30000}], "safety_risk_deposit": 500000}
    """

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// One keep-alive connection that sends a request and reads one Content-Length response.
    struct Client {
        let host: String
        let port: UInt16
        var fd: Int32 = -1
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)

        init(host: String, port: UInt16) {
            self.host = host; self.port = port
            reconnect()
        }

        mutating func reconnect() {
            close()
            fd = LoadTest.connect(host: host, port: port)
        }

        mutating func close() {
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }

        /// The status of the response, or nil when the connection failed.
        mutating func exchange(_ request: [UInt8]) -> Int? {
            guard fd >= 0, Socket(fd: fd).sendAll(request) else { return nil }
            var have = 0
            var headEnd: Int?
            var total = Int.max
            while have < total {
                if have == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
                let n = buffer.withUnsafeMutableBytes { p in recv(fd, p.baseAddress.map { $0 + have }, p.count - have, 0) }
                guard n > 0 else { return nil }
                have += n
                if headEnd == nil, let e = LoadTest.headerEnd(buffer, have) {
                    headEnd = e
                    guard let length = LoadTest.contentLength(buffer[0..<e]) else { return nil }
                    total = e + length
                }
            }
            guard let e = headEnd, have == total else { return nil }
            return LoadTest.status(buffer[0..<e])
        }
    }

    static func connect(host: String, port: UInt16) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else { return -1 }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        guard Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { Glibc.close(fd); return -1 }
        Socket(fd: fd).setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        return fd
    }

    /// The index just past the blank line ending the header section.
    static func headerEnd(_ b: [UInt8], _ count: Int) -> Int? {
        var i = 0
        while i + 3 < count {
            if b[i] == 13, b[i + 1] == 10, b[i + 2] == 13, b[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return nil
    }

    /// The Content-Length of a response head, read from the bytes: the load generator shares the cores with the
    /// server, so it must cost little (String splitting here took 6% of a load test's CPU).
    static func contentLength(_ head: ArraySlice<UInt8>) -> Int? {
        let name = Array("content-length:".utf8)
        func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 0x20 : b }
        var i = head.startIndex
        while i < head.endIndex {
            // At the start of a line: compare the header name without regard to case.
            var k = 0
            while k < name.count, i + k < head.endIndex, lower(head[i + k]) == name[k] { k += 1 }
            if k == name.count {
                var j = i + k, value = 0, digits = 0
                while j < head.endIndex, head[j] == 0x20 || head[j] == 0x09 { j += 1 }
                while j < head.endIndex, head[j] >= 0x30, head[j] <= 0x39, digits < 18 {
                    value = value * 10 + Int(head[j] - 0x30); digits += 1; j += 1
                }
                return digits > 0 ? value : nil
            }
            while i < head.endIndex, head[i] != 0x0A { i += 1 }
            i += 1
        }
        return nil
    }

    static func status(_ head: ArraySlice<UInt8>) -> Int? {
        // "HTTP/1.1 200 …": the three digits after the first space.
        guard let space = head.firstIndex(of: 0x20), space + 3 < head.endIndex else { return nil }
        var value = 0
        for j in (space + 1)...(space + 3) {
            guard head[j] >= 0x30, head[j] <= 0x39 else { return nil }
            value = value * 10 + Int(head[j] - 0x30)
        }
        return value
    }
}
