#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A connected TCP socket's file descriptor with the few blocking operations the server needs: every write is
/// complete or fails, and a server-side close lets the client read the last response before the reset a close
/// with unread input would cause.
struct Socket {
    let fd: Int32

    /// Sends every byte (retrying partial writes and EINTR); false when the peer is gone. MSG_NOSIGNAL: a closed
    /// peer gives EPIPE, not a SIGPIPE that would end the process.
    @discardableResult
    func sendAll(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { p in
                Glibc.send(fd, p.baseAddress.map { $0 + sent }, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            sent += n
        }
        return true
    }

    /// Waits until the socket is readable or `wake` (the server's stop pipe) is, for at most `seconds`.
    func waitReadable(seconds: Double, wake: Int32?) -> (readable: Bool, woken: Bool) {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        if let wake { fds.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
        let ms = Int32(max(0, min(seconds * 1000, Double(Int32.max))).rounded(.up))
        let n = poll(&fds, nfds_t(fds.count), ms)
        guard n > 0 else { return (false, false) }
        return (fds[0].revents != 0, fds.count > 1 && fds[1].revents != 0)
    }

    /// Reads what is there (blocking); nil at end of input or on an error.
    func receive(into buffer: inout [UInt8]) -> Int? {
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { return n }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// Half-closes, discards what the client still sends for up to `linger` seconds, then closes.
    func lingeringClose(linger: Double = 0.5) {
        shutdown(fd, Int32(SHUT_WR))
        let deadline = Date().addingTimeInterval(linger)
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        var drained = 0
        while drained < 4 << 20 {
            let left = deadline.timeIntervalSinceNow
            guard left > 0, waitReadable(seconds: left, wake: nil).readable, let n = receive(into: &scratch) else { break }
            drained += n
        }
        close(fd)
    }

    /// Sets a socket option to an integer value.
    func setOption(_ level: Int32, _ name: Int32, _ value: Int32) {
        var v = value
        setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Bounds how long one send may block on a client that stopped reading.
    func setSendTimeout(seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }
}
