#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import JianfuCore

/// A file the CLI writes (`--partial`, `--html`, `--rejects`, `--out`), streamed and never half-written:
/// - a regular file (or a new one) is written to a temporary file beside it and renamed over it on `commit`, so a
///   failed or killed run leaves the old file, never a partial one (a kill removes the temporary file);
/// - a symbolic link is followed: its target is replaced, the link stays;
/// - what exists and is not a regular file (a device such as /dev/null or /dev/full, a FIFO, /dev/stdout) is
///   written in place: it is never replaced by a regular file;
/// - `-` is standard output.
/// Every failure prints a message naming the file and the reason, in the CLI's language.
final class OutputFile {
    let path: String
    /// Where the bytes end up: the path with symbolic links resolved.
    let target: String
    private let fd: Int32
    private let temp: String?
    private var slot: Int?
    private var failed = false

    private init(path: String, target: String, fd: Int32, temp: String?) {
        self.path = path; self.target = target; self.fd = fd; self.temp = temp
        if let temp { slot = TemporaryFiles.register(temp) }
    }

    static func message(_ path: String, _ code: Int32) -> String {
        let reason = String(cString: strerror(code))
        return StandardStreams.lang == .zh ? "jianfu: 无法写入 \(path)：\(reason)（errno \(code)）" : "jianfu: cannot write \(path): \(reason) (errno \(code))"
    }

    /// Opens `path` for writing, or prints why not and returns nil.
    static func open(_ path: String) -> OutputFile? {
        if path == "-" { return OutputFile(path: path, target: "/dev/stdout", fd: 1, temp: nil) }
        // A descriptor of this process by name (/dev/stdout → /proc/self/fd/1 → wherever the shell pointed it):
        // written in place and appended to, never replaced.
        if ["/dev/stdout", "/dev/stderr"].contains(path) || path.hasPrefix("/dev/fd/") || path.hasPrefix("/proc/self/fd/") {
            let fd = posixOpen(path, O_WRONLY | O_APPEND | O_CLOEXEC)
            guard fd >= 0 else { printErr(message(path, errno)); return nil }
            return OutputFile(path: path, target: path, fd: fd, temp: nil)
        }
        let target = resolve(path)
        var st = stat()
        if stat(target, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
            if (st.st_mode & S_IFMT) == S_IFDIR {
                printErr(StandardStreams.lang == .zh ? "jianfu: \(path) 是文件夹；应为文件" : "jianfu: \(path) is a folder; expected a file")
                return nil
            }
            let fd = posixOpen(target, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { printErr(message(path, errno)); return nil }
            return OutputFile(path: path, target: target, fd: fd, temp: nil)
        }
        let slash = target.lastIndex(of: "/")
        let dir = slash.map { String(target[..<$0]) } ?? "."
        let base = slash.map { String(target[target.index(after: $0)...]) } ?? target
        let temp = (dir.isEmpty ? "" : dir + "/") + ".\(base).jianfu-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = posixOpen(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { printErr(message(path, errno)); return nil }
        return OutputFile(path: path, target: target, fd: fd, temp: temp)
    }

    /// The path with every symbolic link resolved (a missing final component is kept as named).
    static func resolve(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { return current }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if link.hasPrefix("/") {
                current = link
            } else if let slash = current.lastIndex(of: "/") {
                current = String(current[...slash]) + link
            } else {
                current = link
            }
        }
        return current
    }

    /// Appends text; false (after printing why) when the write failed.
    @discardableResult
    func write(_ s: String) -> Bool {
        guard !failed else { return false }
        if fd == 1 { printOut(s); return true }
        var text = s
        if let code = text.withUTF8({ StandardStreams.write(fd, UnsafeRawBufferPointer($0)) }) {
            failed = true
            printErr(Self.message(path, code))
            discard()
            return false
        }
        return true
    }

    /// Finishes the file: the temporary file replaces the target. False (after printing why) on failure.
    func commit() -> Bool {
        guard !failed else { return false }
        if fd == 1 { return true }
        if temp != nil && fsync(fd) != 0 { let code = errno; printErr(Self.message(path, code)); discard(); return false }
        if close(fd) != 0 { let code = errno; failed = true; printErr(Self.message(path, code)); removeTemp(); return false }
        guard let temp else { return true }
        if rename(temp, target) != 0 { let code = errno; printErr(Self.message(path, code)); removeTemp(); return false }
        if let slot { TemporaryFiles.unregister(slot) }
        return true
    }

    /// Abandons the file: the temporary file is removed, the target untouched.
    func discard() {
        if fd != 1 { close(fd) }
        failed = true
        removeTemp()
    }

    private func removeTemp() {
        if let temp { unlink(temp) }
        if let slot { TemporaryFiles.unregister(slot); self.slot = nil }
    }
}

/// Writes a whole file at once (see `OutputFile`); false after printing why.
func writeFile(_ path: String, _ text: String) -> Bool {
    guard let f = OutputFile.open(path) else { return false }
    guard f.write(text) else { return false }
    return f.commit()
}

/// Temporary output files of this process, removed when SIGINT, SIGTERM or SIGHUP ends it, so a killed run
/// leaves no half-written file. Paths are held as C strings in fixed slots: the handler only calls unlink(2).
enum TemporaryFiles {
    static let capacity = 16
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let p = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        p.initialize(repeating: nil, count: capacity)
        return p
    }()
    nonisolated(unsafe) static var installed = false

    static func register(_ path: String) -> Int? {
        if !installed {
            installed = true
            for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, temporaryFilesSignalHandler) }
        }
        for i in 0..<capacity where slots[i] == nil {
            slots[i] = strdup(path)
            return i
        }
        return nil
    }

    static func unregister(_ i: Int) {
        let p = slots[i]
        slots[i] = nil
        free(p)
    }
}

private func temporaryFilesSignalHandler(_ sig: Int32) {
    for i in 0..<TemporaryFiles.capacity {
        if let p = TemporaryFiles.slots[i] { unlink(p) }
    }
    signal(sig, SIG_DFL)
    raise(sig)
}

/// open(2), named apart from `OutputFile.open`.
private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    #if canImport(Glibc)
    return Glibc.open(path, flags, mode)
    #else
    return Darwin.open(path, flags, mode)
    #endif
}
