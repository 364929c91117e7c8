import Foundation

/// One client connection, served on its own thread: reads requests (pipelined or split over many reads),
/// answers them in order, keeps the connection alive when the client asks, and closes it on an error, after
/// the read timeout, or when the server stops (after answering a request that had started to arrive).
struct Connection {
    let socket: Socket
    let router: Router
    let server: Server

    static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    func serve() {
        socket.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        socket.setSendTimeout(seconds: server.configuration.readTimeout)
        var parser = HTTPRequestParser()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var deadline = Date().addingTimeInterval(server.configuration.readTimeout)
        while true {
            // Answer every complete request already received.
            parsing: while true {
                switch parser.next() {
                case .request(let request):
                    let response = router.respond(to: request)
                    let keepAlive = request.keepAlive && !server.isStopping
                    guard socket.sendAll(response.serialized(keepAlive: keepAlive, includeBody: request.method != "HEAD")) else {
                        close(socket.fd); return
                    }
                    if !keepAlive { socket.lingeringClose(); return }
                    deadline = Date().addingTimeInterval(server.configuration.readTimeout)
                case .needMoreData:
                    if parser.takeContinue(), !socket.sendAll(Connection.continueBytes) { close(socket.fd); return }
                    break parsing
                case .failure(let f):
                    socket.sendAll(APIError(f.status, f.message).response.serialized(keepAlive: false))
                    socket.lingeringClose()
                    return
                }
            }
            let partial = parser.hasPartialRequest
            // A stopping server closes idle connections and finishes requests that have begun to arrive.
            if server.isStopping && !partial { socket.lingeringClose(); return }
            let left = deadline.timeIntervalSinceNow
            let (readable, _) = left > 0 ? socket.waitReadable(seconds: left, wake: server.isStopping ? nil : server.wakeFD) : (false, false)
            if !readable {
                if deadline.timeIntervalSinceNow > 0 { continue }  // woken by stop(): look again
                if partial {
                    socket.sendAll(APIError(408, "the request did not arrive within \(Int(server.configuration.readTimeout)) s").response.serialized(keepAlive: false))
                }
                socket.lingeringClose()
                return
            }
            guard let n = socket.receive(into: &buffer) else { close(socket.fd); return }
            parser.append(buffer[0..<n])
        }
    }
}
