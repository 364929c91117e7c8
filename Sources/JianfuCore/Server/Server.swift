#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Why the server could not start listening.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

/// A small HTTP/1.1 server over POSIX sockets: one thread per connection up to a bound (beyond it, 503 and
/// close), keep-alive, a read timeout for idle and slow clients, and a graceful stop that stops accepting,
/// finishes the requests in flight and then returns from `run()`.
public final class Server: @unchecked Sendable {
    /// Where to listen and how many clients to serve.
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port (see `port` after `start()`).
        public var port: UInt16 = 8052
        public var maxConnections = 64
        /// Seconds a client has to send a complete request, counted from the connection or the previous response:
        /// an idle keep-alive connection is closed after it, and a request still incomplete gets 408 (a client that
        /// trickles a byte at a time cannot hold a thread for longer).
        public var readTimeout: Double = 10
        public init() {}
    }

    public let router: Router
    /// Engine copies for connections (see `EnginePool`).
    let engines: EnginePool
    public let configuration: Configuration
    /// The port listened on, known after `start()`.
    public private(set) var port: UInt16 = 0

    private var listenFD: Int32 = -1
    /// A pipe whose read end becomes readable, for good, when `stop()` is called: it wakes every poll at once.
    private var wakePipe: [Int32] = [-1, -1]
    private let state = Mutex((stopping: false, active: 0))
    private let connections = DispatchGroup()

    public init(router: Router, configuration: Configuration = Configuration()) {
        self.router = router
        self.configuration = configuration
        engines = EnginePool(shared: router.engine, capacity: min(configuration.maxConnections, 4 * ProcessInfo.processInfo.activeProcessorCount))
    }

    var wakeFD: Int32 { wakePipe[0] }

    public var isStopping: Bool { state.withLock { $0.stopping } }

    /// Connections being served now.
    public var activeConnections: Int { state.withLock { $0.active } }

    /// `http://host:port/`, with brackets around an IPv6 address.
    public var url: String {
        let h = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(h):\(port)/"
    }

    /// Binds and listens; returns the port (the actual one when the configuration asked for 0).
    @discardableResult
    public func start() throws(ServerError) -> UInt16 {
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
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServerError(message: "socket: \(Server.errorText())") }
        Socket(fd: fd).setOption(SOL_SOCKET, SO_REUSEADDR, 1)
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let e = Server.errorText()
            close(fd)
            throw ServerError(message: "cannot listen on \(configuration.host):\(configuration.port): \(e)")
        }
        guard listen(fd, 128) == 0 else {
            let e = Server.errorText()
            close(fd)
            throw ServerError(message: "listen: \(e)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &len) }
        }
        port = storage.ss_family == sa_family_t(AF_INET6)
            ? withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) } }
            : withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) } }
        guard pipe(&wakePipe) == 0 else {
            close(fd)
            throw ServerError(message: "pipe: \(Server.errorText())")
        }
        for p in wakePipe { _ = fcntl(p, F_SETFD, FD_CLOEXEC) }
        listenFD = fd
        return port
    }

    /// Accepts connections until `stop()`, then waits for the connections being served to finish.
    public func run() {
        while !isStopping {
            var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 2, -1) > 0, fds[0].revents != 0, !isStopping else { continue }
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                // Out of descriptors: give connections in flight a moment to finish rather than spin.
                if errno == EMFILE || errno == ENFILE { usleep(10_000) }
                continue
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            // On Linux an accepted socket does not inherit O_NONBLOCK; connections block in poll and recv.
            let admitted = state.withLock { s -> Bool in
                guard s.active < configuration.maxConnections else { return false }
                s.active += 1
                return true
            }
            guard admitted else { refuse(fd); continue }
            connections.enter()
            let engine = engines.checkOut()
            let connection = Connection(socket: Socket(fd: fd), router: router.with(engine: engine), server: self)
            let thread = Thread { [self] in
                connection.serve()
                engines.checkIn(engine)
                state.withLock { $0.active -= 1 }
                connections.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        close(listenFD)
        connections.wait()
        close(wakePipe[0]); close(wakePipe[1])
    }

    /// Stops accepting and lets connections finish their requests; `run()` returns once they have. Safe from
    /// any thread, and more than once.
    public func stop() {
        let first = state.withLock { s -> Bool in
            defer { s.stopping = true }
            return !s.stopping
        }
        if first {
            var byte: UInt8 = 1
            _ = write(wakePipe[1], &byte, 1)
        }
    }

    /// Over the connection bound: 503 and close, without a thread.
    private func refuse(_ fd: Int32) {
        let s = Socket(fd: fd)
        let r = APIError(503, "the server is serving \(configuration.maxConnections) connections: retry shortly",
                         headers: [("Retry-After", "1")]).response
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        s.sendAll(r.serialized(keepAlive: false))
        shutdown(fd, Int32(SHUT_WR))
        var scratch = [UInt8](repeating: 0, count: 4096)
        while recv(fd, &scratch, scratch.count, Int32(MSG_DONTWAIT)) > 0 {}
        close(fd)
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}
