#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A connected, non-blocking TCP socket's file descriptor with the few operations the server needs.
struct Socket {
    let fd: Int32

    /// What a non-blocking send or receive did.
    enum Outcome: Equatable {
        case done(Int)
        /// The kernel's buffer is full (send) or empty (receive): wait for epoll.
        case wouldBlock
        /// The peer is gone (receive: end of input).
        case closed
    }

    /// Sends what the kernel takes now. MSG_NOSIGNAL: a closed peer gives EPIPE, not a SIGPIPE that would end
    /// the process.
    func send(_ bytes: [UInt8], from offset: Int) -> Outcome {
        while true {
            let n = bytes.withUnsafeBytes { p in
                Glibc.send(fd, p.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n >= 0 { return .done(n) }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .closed
        }
    }

    /// Reads what is there without waiting.
    func receive(into buffer: inout [UInt8]) -> Outcome {
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { return .done(n) }
            if n == 0 { return .closed }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .closed
        }
    }

    /// Sets a socket option to an integer value.
    func setOption(_ level: Int32, _ name: Int32, _ value: Int32) {
        var v = value
        setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Blocking send of every byte (the load generator's client sockets); false when the peer is gone.
    @discardableResult
    func sendAll(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            switch send(bytes, from: sent) {
            case .done(let n): sent += n
            case .wouldBlock:
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, 1000)
            case .closed: return false
            }
        }
        return true
    }
}

/// Monotonic time in nanoseconds (deadlines and timeouts; never the wall clock, which can jump).
func monotonicNanos() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
}

/// Seconds as nanoseconds, clamped to a day (configuration values are seconds as Double).
func nanos(_ seconds: Double) -> UInt64 { UInt64(max(0, min(seconds, 86_400)) * 1e9) }
