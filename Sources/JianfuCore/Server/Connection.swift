import Foundation

/// One client connection's state. The event loop owns it, except while one of its requests is on the worker pool
/// (`busy`): then the worker alone writes `output`, and the loop touches nothing but `readable` until the
/// worker's completion comes back. So no field needs a lock.
final class Connection {
    let socket: Socket
    var parser = HTTPRequestParser()
    /// Response bytes not yet sent, from `sent` on.
    var output: [UInt8] = []
    var sent = 0
    /// A request of this connection is on the worker pool.
    var busy = false
    /// Close (lingering) once `output` is sent: after `Connection: close`, an error, or when the server stops.
    var closeAfterOutput = false
    /// The socket may have bytes to read (an EPOLLIN edge came and no read since has seen EAGAIN).
    var readable = true
    /// The client closed its side (or the socket failed): close once nothing is left to answer.
    var peerClosed = false
    /// Half-closed, discarding what the client still sends until `deadline` (see `Server.linger`).
    var draining = false
    var drained = 0
    /// When the current request's first byte arrived, 0 while none has (the request timeout counts from it).
    var requestStarted: UInt64 = 0
    /// When the connection last became idle, or when output started to wait for the client to read.
    var since: UInt64

    init(fd: Int32, now: UInt64) {
        socket = Socket(fd: fd)
        since = now
    }

    var fd: Int32 { socket.fd }

    var hasOutput: Bool { sent < output.count }

    /// Queues a response (or `100 Continue`) after what is already waiting.
    func enqueue(_ bytes: [UInt8]) {
        if sent == output.count {
            output = bytes
            sent = 0
        } else {
            output.removeFirst(sent)
            sent = 0
            output += bytes
        }
    }

    /// Sends what the kernel takes now; false when the client is gone.
    func flush() -> Bool {
        while sent < output.count {
            switch socket.send(output, from: sent) {
            case .done(let n): sent += n
            case .wouldBlock: return true
            case .closed: return false
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 1 << 16)
        sent = 0
        return true
    }

    static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
}
