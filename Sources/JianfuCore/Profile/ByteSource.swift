import Foundation  // Data and String(data:encoding:) decode GB18030 cells.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads raw bytes from a file descriptor; closes it when done unless it is standard input.
final class ByteSource {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let path: String

    init(path: String) throws(CSVError) {
        self.path = path
        if path == "-" {
            fd = STDIN_FILENO
            ownsDescriptor = false
        } else {
            let opened = open(path, O_RDONLY | O_CLOEXEC)
            guard opened >= 0 else {
                throw CSVError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            fd = opened
            ownsDescriptor = true
        }
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Reads up to `count` bytes; 0 means end of file. Retries reads interrupted by signals.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws(CSVError) -> Int {
        while true {
            #if canImport(Darwin)
            let n = Darwin.read(fd, buffer, count)
            #elseif canImport(Glibc)
            let n = Glibc.read(fd, buffer, count)
            #else
            let n = Musl.read(fd, buffer, count)
            #endif
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw CSVError.readFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }
}

/// Strict UTF-8 validation (Unicode Table 3-7) that tells a sequence cut at the end apart from bad bytes.
enum UTF8Check {
    enum Result: Equatable { case valid, truncated, invalid }

    /// Checks `bytes`; `.truncated` means valid except for an incomplete character at the very end.
    static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Result {
        let n = bytes.count
        var i = 0
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            // Expected length and the allowed range of the second byte (excludes overlongs and surrogates).
            let length: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; hi = 0x9F
            case 0xF0: length = 4; lo = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; hi = 0x8F
            default: return .invalid
            }
            for k in 1..<length {
                if i + k >= n { return .truncated }
                let b = bytes[i + k]
                let (low, high) = k == 1 ? (lo, hi) : (UInt8(0x80), UInt8(0xBF))
                if b < low || b > high { return .invalid }
            }
            i += length
        }
        return .valid
    }
}

/// GB18030 text made of ASCII and two-byte characters only (lead 0x81–0xFE, trail 0x40–0x7E or 0x80–0xFE), the
/// characters of GBK: every such pair decodes to one character (a test checks all 23,940 of them against
/// Foundation's decoder). Anything else (four-byte sequences, stray bytes) is for the decoder to judge.
enum GB18030Check {
    static func isTwoByteText(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            guard b >= 0x81 && b <= 0xFE && i + 1 < n else { return false }
            let t = bytes[i + 1]
            guard (t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFE) else { return false }
            i += 2
        }
        return true
    }
}
