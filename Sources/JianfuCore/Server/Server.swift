#if canImport(Glibc)
import Glibc
#endif
import CEpoll
import Foundation
import Synchronization

/// Why the server could not start listening.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

/// A small HTTP/1.1 server: one epoll event loop holds every connection (non-blocking sockets, keep-alive,
/// pipelining), answers the catalog's pages itself and hands requests that evaluate (POST) to a worker pool no
/// larger than the cores. Slow or idle clients cost a descriptor and a few hundred bytes, never a thread; the
/// bound that sheds load (503) counts requests in progress, not sockets. `stop()` stops accepting, closes idle
/// connections, finishes the requests in flight (each bounded by its CPU deadline) and returns from `run()`.
public final class Server: @unchecked Sendable {
    /// Where to listen, how much to accept and how long to wait.
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port (see `port` after `start()`).
        public var port: UInt16 = 8052
        /// Requests queued for or running on the worker pool; one more gets 503 with Retry-After.
        public var maxRequestsInProgress = 64
        /// Seconds a request has to arrive whole (header section and body), counted from its first byte: past it,
        /// 408 and close, however the bytes trickle in.
        public var requestTimeout: Double = 10
        /// Seconds an idle keep-alive connection is kept open.
        public var idleTimeout: Double = 60
        /// Seconds of CPU one request may use; past it, 503 (`--deadline`).
        public var deadline: Double = 5
        /// Evaluating threads (at most the cores).
        public var workers = ProcessInfo.processInfo.activeProcessorCount
        /// A body larger than this is a heavy request: it queues apart so that light ones keep a worker.
        public var heavyBodyBytes = 16 * 1024
        public init() {}
    }

    public let router: Router
    public let configuration: Configuration
    /// The port listened on, known after `start()`.
    public private(set) var port: UInt16 = 0

    private var listenFD: Int32 = -1
    private var epollFD: Int32 = -1
    /// Written by `stop()` and by workers with a completion: wakes the loop.
    private var eventFD: Int32 = -1
    private let stopRequested = Mutex(false)
    private let completions = Mutex<[WorkerPool.Completion]>([])
    private var pool: WorkerPool?

    // The loop's own state (touched by the loop thread only).
    private var connections: [Int32: Connection] = [:]
    /// Requests handed to the pool and not yet answered; the worker counts its request out before sending, so
    /// a client that has its answer finds the slot free.
    private let inProgressCount = Atomic<Int>(0)
    private var inProgress: Int { inProgressCount.load(ordering: .relaxed) }
    /// Connections with a request on the pool (the loop's own count; `run()` ends when it is 0).
    private var busyConnections = 0
    private var stopping = false
    private var stopGraceEnds: UInt64 = 0
    private var acceptPausedUntil: UInt64 = 0
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Seconds a closing connection keeps discarding what the client still sends, so that the client reads the
    /// last response rather than a reset.
    static let linger: Double = 0.5

    public init(router: Router, configuration: Configuration = Configuration()) {
        self.router = router
        self.configuration = configuration
    }

    public var isStopping: Bool { stopRequested.withLock { $0 } }

    /// `http://host:port/`, with brackets around an IPv6 address.
    public var url: String {
        let h = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(h):\(port)/"
    }

    /// Binds and listens; returns the port (the actual one when the configuration asked for 0).
    @discardableResult
    public func start() throws(ServerError) -> UInt16 {
        Server.raiseDescriptorLimit()
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(configuration.host, String(configuration.port), &hints, &list)
        guard rc == 0, let info = list else {
            throw ServerError(message: "cannot resolve host '\(configuration.host)': \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw ServerError(message: "socket: \(Server.errorText())") }
        Socket(fd: fd).setOption(SOL_SOCKET, SO_REUSEADDR, 1)
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let e = Server.errorText()
            close(fd)
            throw ServerError(message: "cannot listen on \(configuration.host):\(configuration.port): \(e)")
        }
        guard listen(fd, 4096) == 0 else {
            let e = Server.errorText()
            close(fd)
            throw ServerError(message: "listen: \(e)")
        }
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &len) }
        }
        port = storage.ss_family == sa_family_t(AF_INET6)
            ? withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) } }
            : withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) } }
        epollFD = jf_epoll_create()
        eventFD = jf_eventfd()
        guard epollFD >= 0, eventFD >= 0 else {
            close(fd)
            throw ServerError(message: "epoll: \(Server.errorText())")
        }
        listenFD = fd
        let workers = max(1, min(configuration.workers, ProcessInfo.processInfo.activeProcessorCount))
        let engines = EnginePool(shared: router.engine, capacity: workers)
        let routers = (0..<workers).map { _ in router.with(engine: engines.checkOut()) }
        pool = WorkerPool(workers: workers, deadlineSeconds: configuration.deadline, routers: routers,
                          isServerStopping: { [unowned self] in isStopping },
                          answered: { [unowned self] in inProgressCount.subtract(1, ordering: .relaxed) },
                          complete: { [unowned self] c in
                              let wasEmpty = completions.withLock { q -> Bool in
                                  defer { q.append(c) }
                                  return q.isEmpty
                              }
                              if wasEmpty { signalLoop() }
                          })
        watch(listenFD, events: jf_epollin)
        watch(eventFD, events: jf_epollin)
        return port
    }

    /// Serves until `stop()`, then until the requests in flight are answered.
    public func run() {
        var readyFDs = [Int32](repeating: 0, count: 512)
        var readyEvents = [UInt32](repeating: 0, count: 512)
        var lastTick = monotonicNanos()
        while true {
            let n = jf_epoll_wait(epollFD, &readyFDs, &readyEvents, 512, 50)
            let now = monotonicNanos()
            for i in 0..<max(0, Int(n)) {
                let fd = readyFDs[i]
                if fd == listenFD {
                    acceptConnections(now)
                } else if fd == eventFD {
                    var v: UInt64 = 0
                    _ = read(eventFD, &v, 8)
                } else if let c = connections[fd] {
                    if readyEvents[i] & (jf_epollin | jf_epollrdhup | jf_epollhup | jf_epollerr) != 0 {
                        c.readable = true
                    }
                    drive(c, now)
                }
            }
            takeCompletions(now)
            if !stopping && isStopping { beginStop(now) }
            if now &- lastTick >= 50_000_000 || n == 0 {
                tick(now)
                lastTick = now
            }
            if stopping && connections.isEmpty && busyConnections == 0 { break }
        }
        pool?.shutdown()
        close(epollFD)
        close(eventFD)
    }

    /// Stops accepting and lets connections finish their requests; `run()` returns once they have. Safe from
    /// any thread (a signal handler's dispatch queue), and more than once.
    public func stop() {
        stopRequested.withLock { $0 = true }
        signalLoop()
    }

    private func signalLoop() {
        var one: UInt64 = 1
        _ = write(eventFD, &one, 8)
    }

    private func watch(_ fd: Int32, events: UInt32) {
        _ = jf_epoll_watch(epollFD, fd, events, 0)
    }

    private func acceptConnections(_ now: UInt64) {
        for _ in 0..<256 {
            let fd = jf_accept(listenFD)
            if fd < 0 {
                if errno == EMFILE || errno == ENFILE {
                    // Out of descriptors: stop accepting for a moment rather than spin on the ready listener.
                    _ = jf_epoll_unwatch(epollFD, listenFD)
                    acceptPausedUntil = now + 100_000_000
                }
                return
            }
            Socket(fd: fd).setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            connections[fd] = Connection(fd: fd, now: now)
            // Edge-triggered: one registration for the connection's life; `readable` remembers an edge.
            watch(fd, events: jf_epollin | jf_epollout | jf_epollrdhup | jf_epollet)
        }
    }

    /// Moves a connection on as far as it can go without waiting: send what is queued, answer the requests
    /// already received, read what has arrived. Returns when it needs the network or a worker.
    private func drive(_ c: Connection, _ now: UInt64) {
        while true {
            if c.draining { drain(c); return }
            if c.busy { return }
            if c.hasOutput {
                guard c.flush() else { closeNow(c); return }
                if c.hasOutput { return }  // EPOLLOUT will bring it back
            }
            if c.closeAfterOutput { startLinger(c, now); return }
            switch c.parser.next() {
            case .request(let r):
                c.requestStarted = 0
                c.since = now
                if r.method == "POST" {
                    if inProgress < configuration.maxRequestsInProgress {
                        c.busy = true
                        busyConnections += 1
                        inProgressCount.add(1, ordering: .relaxed)
                        pool?.submit(WorkerPool.Job(connection: c, request: r, heavy: r.body.count > configuration.heavyBodyBytes))
                        return
                    }
                    let busy = APIError(503, "服务器正在处理 \(inProgress) 个请求，请稍后重试。 / The server is serving \(inProgress) requests: retry shortly.",
                                        headers: [("Retry-After", "1")]).response
                    c.enqueue(busy.serialized(keepAlive: r.keepAlive && !stopping))
                    c.closeAfterOutput = !(r.keepAlive && !stopping)
                    continue
                }
                // The catalog's pages are rendered once: answering them here is cheaper than a hand-off.
                let keepAlive = r.keepAlive && !stopping
                c.enqueue(router.respond(to: r).serialized(keepAlive: keepAlive, includeBody: r.method != "HEAD"))
                c.closeAfterOutput = !keepAlive
                continue
            case .failure(let f):
                c.enqueue(APIError(f.status, f.message).response.serialized(keepAlive: false))
                c.closeAfterOutput = true
                continue
            case .needMoreData:
                if c.parser.takeContinue() { c.enqueue(Connection.continueBytes); continue }
            }
            let partial = c.parser.hasPartialRequest
            if partial {
                if c.requestStarted == 0 { c.requestStarted = now }
            } else if c.requestStarted != 0 {
                c.requestStarted = 0
                c.since = now
            }
            if c.peerClosed || (stopping && !partial) { closeNow(c); return }
            guard c.readable else { return }
            switch c.socket.receive(into: &readBuffer) {
            case .done(let n): c.parser.append(readBuffer[0..<n])
            case .wouldBlock: c.readable = false; return
            case .closed: c.peerClosed = true
            }
        }
    }

    private func takeCompletions(_ now: UInt64) {
        let done = completions.withLock { q -> [WorkerPool.Completion] in
            defer { q.removeAll(keepingCapacity: true) }
            return q
        }
        for d in done {
            let c = d.connection
            c.busy = false
            c.since = now
            busyConnections -= 1
            if d.failed { closeNow(c) } else { drive(c, now) }
        }
    }

    /// Half-closes and discards what the client still sends for `linger` seconds (a close with unread input
    /// would reset the connection and could destroy the response in flight).
    private func startLinger(_ c: Connection, _ now: UInt64) {
        shutdown(c.fd, Int32(SHUT_WR))
        c.draining = true
        c.since = now
        drain(c)
    }

    private func drain(_ c: Connection) {
        while true {
            switch c.socket.receive(into: &readBuffer) {
            case .done(let n):
                c.drained += n
                if c.drained > 4 << 20 { closeNow(c); return }
            case .wouldBlock: return
            case .closed: closeNow(c); return
            }
        }
    }

    private func closeNow(_ c: Connection) {
        // A worker may still be sending on it: close when its completion comes back.
        if c.busy { c.peerClosed = true; return }
        guard connections.removeValue(forKey: c.fd) != nil else { return }
        close(c.fd)
    }

    /// Timeouts, CPU deadlines and the accept pause, checked every 50 ms.
    private func tick(_ now: UInt64) {
        if busyConnections > 0 { pool?.enforceDeadlines() }
        if acceptPausedUntil != 0, now >= acceptPausedUntil, !stopping {
            acceptPausedUntil = 0
            watch(listenFD, events: jf_epollin)
        }
        let requestTimeout = nanos(configuration.requestTimeout), idleTimeout = nanos(configuration.idleTimeout)
        let linger = nanos(Server.linger)
        var expired: [(Connection, Int?)] = []
        for c in connections.values where !c.busy {
            if c.draining {
                if now &- c.since > linger { expired.append((c, nil)) }
            } else if c.hasOutput {
                // The client does not read its response.
                if now &- c.since > requestTimeout { expired.append((c, nil)) }
            } else if c.requestStarted != 0 {
                if now &- c.requestStarted > requestTimeout { expired.append((c, 408)) }
                else if stopping && now >= stopGraceEnds { expired.append((c, 503)) }
            } else if now &- c.since > idleTimeout {
                expired.append((c, nil))
            }
        }
        for (c, status) in expired {
            guard let status else { closeNow(c); continue }
            let message = status == 408
                ? "请求未在 \(Server.seconds(configuration.requestTimeout)) 秒内完整到达。 / The request did not arrive whole within \(Server.seconds(configuration.requestTimeout)) s."
                : "服务正在停止，请求未完整到达。 / The server is stopping and the request had not arrived whole."
            c.enqueue(APIError(status, message).response.serialized(keepAlive: false))
            c.closeAfterOutput = true
            drive(c, now)
        }
    }

    /// Closes the listener and the idle connections; requests still arriving get a second more.
    private func beginStop(_ now: UInt64) {
        stopping = true
        stopGraceEnds = now + 1_000_000_000
        _ = jf_epoll_unwatch(epollFD, listenFD)
        close(listenFD)
        pool?.cancelQueued()
        for c in Array(connections.values) where !c.busy { drive(c, now) }
    }

    static func seconds(_ s: Double) -> String { s == s.rounded() ? String(Int(s)) : String(s) }

    /// Descriptors are the only per-connection resource: raise the soft limit to the hard one (10,000 idle
    /// keep-alive connections need more than the usual 1,024).
    static func raiseDescriptorLimit() {
        var rl = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &rl) == 0, rl.rlim_cur < rl.rlim_max else { return }
        rl.rlim_cur = min(rl.rlim_max, 1 << 20)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &rl)
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}
