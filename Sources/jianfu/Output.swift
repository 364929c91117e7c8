#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import JianfuCore

/// Standard output and standard error, written with write(2) so that a failed write is an answer, not a trap
/// (Foundation's `FileHandle.write(_:)` stops the process on any error).
///
/// Every result the CLI prints goes through `printOut`: a full disk or a closed pipe ends the command with a
/// message and exit 1, or — for a reader that went away (EPIPE) — quietly with status 141, as a shell pipeline
/// expects of a program killed by SIGPIPE.
enum StandardStreams {
    /// The language of the CLI's own messages about its streams (set from `--lang` when the command is parsed).
    nonisolated(unsafe) static var lang: Lang = .zh

    /// Status for a reader that closed the pipe: 128 + SIGPIPE, what a shell reports for a process it killed.
    static let brokenPipeStatus: Int32 = 141

    /// Writes every byte to `fd`, retrying after signals and short writes; the errno of a failure, or nil.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard var p = bytes.baseAddress else { return nil }
        var left = bytes.count
        while left > 0 {
            let n = unistdWrite(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }
            p += n
            left -= n
        }
        return nil
    }

    /// Writes `s` to standard output or ends the process: exit 141 quietly on a closed pipe, else a message
    /// naming the error and exit 1.
    static func out(_ s: String) {
        var text = s
        let failure: Int32? = text.withUTF8 { write(1, UnsafeRawBufferPointer($0)) }
        guard let code = failure else { return }
        if code == EPIPE { exit(brokenPipeStatus) }
        let reason = String(cString: strerror(code))
        err(lang == .zh ? "jianfu: 无法写入标准输出：\(reason)（errno \(code)）\n" : "jianfu: cannot write standard output: \(reason) (errno \(code))\n")
        exit(1)
    }

    /// Writes `s` to standard error; a failure there has nowhere to be reported and is ignored.
    static func err(_ s: String) {
        var text = s
        _ = text.withUTF8 { write(2, UnsafeRawBufferPointer($0)) }
    }
}

/// write(2) under a name that does not clash with `StandardStreams.write`.
@inline(__always)
private func unistdWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, p, n)
    #else
    return Darwin.write(fd, p, n)
    #endif
}
