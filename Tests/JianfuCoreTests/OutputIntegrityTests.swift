import Foundation
import Testing
@testable import JianfuCore

/// Runs the built `jianfu` executable (beside the test bundle, else in .build/debug) for output-integrity tests.
enum JianfuRun {
    static var executable: String {
        let here = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        let beside = here.appendingPathComponent("jianfu").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return Fixture.root + "/.build/debug/jianfu"
    }

    struct Outcome {
        var status: Int32
        var reason: Process.TerminationReason
        var stdout: String
        var stderr: String
        /// The status a shell would show: 128 + the signal for a process killed by one.
        var shellStatus: Int32 { reason == .uncaughtSignal ? 128 + status : status }
    }

    /// Runs `jianfu args` in the repository root. `stdout` is where standard output goes (nil: captured).
    static func run(_ args: [String], stdout: FileHandle? = nil, stdin: FileHandle? = nil) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: Fixture.root)
        let outPipe = Pipe(), errPipe = Pipe()
        p.standardOutput = stdout ?? outPipe
        p.standardError = errPipe
        if let stdin { p.standardInput = stdin } else { p.standardInput = FileHandle.nullDevice }
        try p.run()
        // Read both pipes while it runs, so a large output cannot block it.
        let errData = Locked(Data())
        let reader = Thread { errData.set(errPipe.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = stdout == nil ? outPipe.fileHandleForReading.readDataToEndOfFile() : Data()
        p.waitUntilExit()
        while !errData.done { usleep(1000) }
        return Outcome(status: p.terminationStatus, reason: p.terminationReason,
                       stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData.value, as: UTF8.self))
    }

    final class Locked: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data
        private var finished = false
        init(_ d: Data) { data = d }
        func set(_ d: Data) { lock.lock(); data = d; finished = true; lock.unlock() }
        var done: Bool { lock.lock(); defer { lock.unlock() }; return finished }
        var value: Data { lock.lock(); defer { lock.unlock() }; return data }
    }
}

/// Issue 21.1: a failed write to standard output is an error message and exit 1 (or a quiet 141 for a closed
/// pipe), never a trap.
@Suite struct StandardOutputFailureTests {
    static let commands: [[String]] = [
        ["check", "Samples/land-tax-group.json"],
        ["check", "Samples/land-tax-group.json", "--format", "json", "--lang", "en"],
        ["explain", "Samples/land-tax-group.json", "52-7-1-land-tax-efficiency"],
        ["policies", "list"],
        ["generate-population", "2000", "--seed", "1"],
        ["--help"],
    ]

    @Test(arguments: commands)
    func fullDiskIsAnErrorNotATrap(_ args: [String]) throws {
        guard let full = FileHandle(forWritingAtPath: "/dev/full") else { return }
        let r = try JianfuRun.run(args, stdout: full)
        #expect(r.reason == .exit && r.status == 1, "\(args): \(r.reason) \(r.status)\n\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
        let zh = args.contains("en") ? "cannot write standard output: No space left on device" : "无法写入标准输出"
        #expect(r.stderr.contains(zh), "\(r.stderr)")
    }

    @Test func chineseMessageHasNoEnglishSentence() throws {
        guard let full = FileHandle(forWritingAtPath: "/dev/full") else { return }
        let r = try JianfuRun.run(["check", "Samples/land-tax-group.json", "--lang", "zh"], stdout: full)
        #expect(r.stderr.hasPrefix("jianfu: 无法写入标准输出："))
        #expect(!r.stderr.contains("cannot write"))
    }

    /// A reader that went away: the shell's pipeline status (141), with SIGPIPE ignored as well as by default.
    @Test(arguments: [true, false])
    func closedPipeEndsQuietly(ignoreSigpipe: Bool) throws {
        let trap = ignoreSigpipe ? "trap '' PIPE; " : ""
        let script = trap + "'\(JianfuRun.executable)' generate-population 200000 --seed 1 | head -c 100 > /dev/null; echo \"status ${PIPESTATUS[0]}\" >&2"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(text == "status 141\n", "\(text)")
    }

    /// The same through a pipe whose read end is closed before the command writes.
    @Test func closedPipeFromProcess() throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let r = try JianfuRun.run(["generate-population", "20000", "--seed", "1"], stdout: pipe.fileHandleForWriting)
        #expect(r.shellStatus == 141, "\(r.reason) \(r.status) \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }
}
