import Foundation
import Testing
@testable import JianfuCore

/// Issue 19.5 and 19.8: the built executable finds its catalog outside the repository and says which one it uses;
/// `--help` exists in both languages.
@Suite(.serialized) struct PolicyFolderTests {
    /// Runs `executable args` in `folder` with `env` added to a clean environment (no JIANFU_POLICIES).
    static func run(_ executable: String, _ args: [String], in folder: String, env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        var e = ProcessInfo.processInfo.environment
        e["JIANFU_POLICIES"] = nil
        for (k, v) in env { e[k] = v }
        p.environment = e
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), r = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: r, as: UTF8.self))
    }

    static func tempFolder(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "jianfu-folder-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func theBuiltExecutableFindsTheCheckoutItWasBuiltFromWhenRunElsewhere() throws {
        let elsewhere = try Self.tempFolder("elsewhere")
        let r = try Self.run(JianfuRun.executable, ["check", Fixture.root + "/Samples/land-tax-group.json", "--format", "json"], in: elsewhere)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("\"rule_pack\""))
        let help = try Self.run(JianfuRun.executable, ["check", "--help", "--lang", "en"], in: elsewhere)
        #expect(help.out.contains("Policies: \(Fixture.root)/Policies (Policies of the checkout this executable was built from)"), "\(help.out)")
    }

    @Test func aCopiedExecutableUsesThePoliciesBesideItAndTheEnvironmentOverrides() throws {
        let install = try Self.tempFolder("install")
        try FileManager.default.copyItem(atPath: JianfuRun.executable, toPath: install + "/jianfu")
        try FileManager.default.copyItem(atPath: Fixture.root + "/Policies", toPath: install + "/Policies")
        let elsewhere = try Self.tempFolder("cwd")
        let help = try Self.run(install + "/jianfu", ["simulate", "--help"], in: elsewhere)
        #expect(help.out.contains("政策目录：\(install)/Policies（可执行文件旁的 Policies）"), "\(help.out)")
        let hash = try Self.run(install + "/jianfu", ["check", Fixture.root + "/Samples/land-tax-group.json", "--format", "json"], in: elsewhere)
        #expect(hash.status == 0, "\(hash.err)")
        let env = try Self.run(install + "/jianfu", ["--help", "--lang", "en"], in: elsewhere, env: ["JIANFU_POLICIES": "/nowhere/Policies"])
        #expect(env.out.contains("Policies: /nowhere/Policies (from the environment variable JIANFU_POLICIES)"))
        let missing = try Self.run(install + "/jianfu", ["check", Fixture.root + "/Samples/land-tax-group.json"], in: elsewhere,
                                   env: ["JIANFU_POLICIES": "/nowhere/Policies"])
        #expect(missing.status == 1)
        #expect(missing.err.contains("/nowhere/Policies") && missing.err.contains("JIANFU_POLICIES"))
    }

    @Test(arguments: ["check", "explain", "ask", "audit", "simulate", "merge", "generate-population", "policies", "serve"])
    func helpInChineseHasNoEnglishSentence(command: String) throws {
        let zh = try Self.run(JianfuRun.executable, [command, "--help"], in: Fixture.root)
        #expect(zh.status == 0)
        #expect(zh.out.contains("用法：jianfu \(command)"))
        #expect(zh.out.contains("示例："))
        // Prose is Chinese: outside the usage and example lines (commands and options), no run of three English words.
        let prose = zh.out.split(separator: "\n").filter { !$0.contains("jianfu ") && !$0.hasPrefix("  GET") && !$0.hasPrefix("  POST") && !$0.hasPrefix("政策目录：") }
        for line in prose {
            var run = 0, longest = 0
            for w in line.split(separator: " ") {
                run = w.allSatisfy({ $0.isASCII && $0.isLetter }) && w.count > 1 ? run + 1 : 0
                longest = max(longest, run)
            }
            #expect(longest < 3, "English in Chinese help of \(command): \(line)")
        }
        let en = try Self.run(JianfuRun.executable, [command, "--help", "--lang", "en"], in: Fixture.root)
        #expect(en.out.contains("Usage: jianfu \(command)"))
    }

    @Test func topHelpAndUsageErrorsFollowTheLanguage() throws {
        let zh = try Self.run(JianfuRun.executable, ["--help"], in: Fixture.root)
        #expect(zh.out.contains("用法：jianfu <命令> [选项]"))
        let unknown = try Self.run(JianfuRun.executable, ["simulate", "x.csv", "--colour"], in: Fixture.root)
        #expect(unknown.status == 2)
        #expect(unknown.err.hasPrefix("jianfu simulate：未知选项“--colour”"))
        #expect(unknown.err.contains("用法：jianfu simulate"))
        let en = try Self.run(JianfuRun.executable, ["simulate", "x.csv", "--colour", "--lang", "en"], in: Fixture.root)
        #expect(en.err.hasPrefix("jianfu simulate: unknown option '--colour'"))
    }
}
