import Dispatch
import Foundation
import JianfuCore

/// `jianfu serve`: the JSON API and the browser form over one catalog compiled at start.
func runServe(_ o: Options) -> Int32 {
    guard o.positional.isEmpty else { printErr(zhEn("jianfu serve：不接受文件参数", "jianfu serve: expected no file arguments") + "\n\n" + usageLine(o.usage)); return Exit.usage }
    guard let lang = parseLang(o) else { return Exit.usage }
    var config = Server.Configuration()
    config.host = o.value("--host") ?? config.host
    if let p = o.value("--port") {
        guard let port = UInt16(p) else { printErr(zhEn("jianfu serve：--port 取 0 到 65535 的数，实为“\(p)”", "jianfu serve: --port takes a number from 0 to 65535, got '\(p)'")); return Exit.usage }
        config.port = port
    }
    if let d = o.value("--deadline") {
        guard let v = Double(d), v > 0, v <= 3600 else { printErr(zhEn("jianfu serve：--deadline 取每个请求的 CPU 秒数（0 < s ≤ 3600），实为“\(d)”", "jianfu serve: --deadline takes seconds of CPU per request (0 < s ≤ 3600), got '\(d)'")); return Exit.usage }
        config.deadline = v
    }
    var loadSeconds: Double?
    if let s = o.value("--load-test") {
        guard let v = Double(s), v > 0, v <= 3600 else { printErr(zhEn("jianfu serve：--load-test 取秒数，实为“\(s)”", "jianfu serve: --load-test takes seconds, got '\(s)'")); return Exit.usage }
        loadSeconds = v
        config.port = 0
    }
    guard let engine = loadEngine(o) else { return Exit.failure }
    let server = Server(router: Router(engine: engine, defaultLang: lang), configuration: config)
    let port: UInt16
    do { port = try server.start() } catch {
        printErr(zhEn("jianfu serve：", "jianfu serve: ") + error.description)
        return Exit.failure
    }
    if let loadSeconds { return runLoadTest(server, port: port, seconds: loadSeconds) }
    printOut("jianfu serve: listening on \(server.url)\n")
    // Signals arrive on a dispatch queue, not in a handler: stop() takes a lock.
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    let sources = [SIGINT, SIGTERM].map { sig in
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler {
            printErr(zhEn("jianfu serve：正在停止（处理完进行中的请求）", "jianfu serve: stopping (finishing requests in flight)"))
            server.stop()
        }
        source.resume()
        return source
    }
    server.run()
    sources.forEach { $0.cancel() }
    printErr(zhEn("jianfu serve：已停止", "jianfu serve: stopped"))
    return Exit.ok
}

/// `--load-test SECONDS` (not in the usage: a benchmark, not a feature): 8 keep-alive clients post a sample
/// profile to /v1/check against a server on an ephemeral port, and the rate and p99 are compared with the targets.
private func runLoadTest(_ server: Server, port: UInt16, seconds: Double) -> Int32 {
    let thread = Thread { server.run() }
    thread.start()
    let body = (try? String(contentsOfFile: "Samples/qujiang-chemical-upgrade.json", encoding: .utf8)) ?? LoadTest.sampleProfile
    printErr(zhEn("jianfu serve：负载测试，8 个长连接客户端向 \(server.url)v1/check 提交档案，持续 \(seconds) 秒", "jianfu serve: load test, 8 keep-alive clients posting a profile to \(server.url)v1/check for \(seconds) s"))
    let r = runLoadTest(host: "127.0.0.1", port: port, clients: 8, seconds: seconds, body: body)
    // The same load on /healthz measures the HTTP layer alone, so the two lines separate server and engine costs.
    let bare = runLoadTest(host: "127.0.0.1", port: port, clients: 8, seconds: min(seconds, 3), body: "", path: "/healthz")
    server.stop()
    let rate = Double(r.requests) / seconds
    printOut("POST /v1/check: \(r.requests) requests in \(seconds) s = \(Int(rate)) req/s (target ≥ 10,000: \(rate >= 10_000 ? "met" : "missed")); "
             + "p99 \(millis(r.p99Millis)) ms (target < 5 ms: \(r.p99Millis < 5 ? "met" : "missed"))\n")
    printOut("GET /healthz (HTTP layer alone): \(Int(Double(bare.requests) / min(seconds, 3))) req/s; p99 \(millis(bare.p99Millis)) ms\n")
    return r.requests > 0 ? Exit.ok : Exit.failure
}

private func millis(_ m: Double) -> String { String(format: "%.2f", m) }
