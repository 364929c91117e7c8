import Foundation
import Testing
@testable import JianfuCore

/// Issue 19.3 and 21.3/21.4: a partial carries the identity of its input, `merge` refuses the same shard twice
/// and partials whose figures do not add up, `--key` signs them, and output files never replace a device.
@Suite(.serialized) struct PartialIdentityTests {
    static let dir = NSTemporaryDirectory() + "jianfu-partial-\(getpid())"

    static func file(_ name: String, _ text: String? = nil) throws -> String {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/" + name
        if let text { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        return path
    }

    /// Two shards of one generated population, as files.
    static func shards() throws -> (String, String) {
        let lines = Population.csv(40, seed: 11).split(whereSeparator: \.isNewline)
        let header = lines[0]
        let a = try file("a.csv", ([header] + lines[1...20]).joined(separator: "\r\n") + "\r\n")
        let b = try file("b.csv", ([header] + lines[21...40]).joined(separator: "\r\n") + "\r\n")
        return (a, b)
    }

    @Test func theDigestDoesNotDependOnHowTheStreamIsCut() {
        let bytes = Array("330802,柯城区,24847,2,401,350,182.07 – 2,435,336,828.76\r\n".utf8)
        var whole = InputDigest()
        whole.update(bytes)
        for cut in [1, 3, 7, 8, 9, 13] {
            var pieces = InputDigest()
            var i = 0
            while i < bytes.count { pieces.update(Array(bytes[i..<min(bytes.count, i + cut)])); i += cut }
            #expect(pieces.hex() == whole.hex())
            #expect(pieces.count == bytes.count)
        }
        var other = InputDigest()
        other.update(Array(bytes.dropLast()))
        #expect(other.hex() != whole.hex())
        var swapped = bytes
        swapped.swapAt(0, 2)
        var s = InputDigest()
        s.update(swapped)
        #expect(s.hex() != whole.hex())
    }

    @Test func hmacMatchesRFC4231() {
        // RFC 4231, test case 2.
        let mac = SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(SHA256.hex(of: mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Test case 6: a key longer than the block is hashed first.
        let long = SHA256.hmac(key: Array(repeating: 0xaa, count: 131), message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(SHA256.hex(of: long) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func mergeRefusesTheSameShardTwiceNamingBothFiles() throws {
        let (a, b) = try Self.shards()
        let pa = try Self.file("a.partial"), pb = try Self.file("b.partial"), copy = try Self.file("copy.partial")
        for (csv, out) in [(a, pa), (b, pb)] {
            let r = try JianfuRun.run(["simulate", csv, "--year", "2017", "--partial", out, "--format", "json"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        try FileManager.default.copyItem(atPath: pa, toPath: copy)
        let ok = try JianfuRun.run(["merge", pa, pb, "--format", "json", "--lang", "en"])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("\"read\": 40"))
        let twice = try JianfuRun.run(["merge", pa, pb, copy, "--lang", "en"])
        #expect(twice.status == 1)
        #expect(twice.stdout.isEmpty)
        #expect(twice.stderr.contains(copy) && twice.stderr.contains("reads the same input as \(pa)"))
        #expect(twice.stderr.contains("a.csv, 20 rows"))
        let zh = try JianfuRun.run(["merge", pa, pa])
        #expect(zh.status == 1 && zh.stderr.contains("同一分片给了两次"))
        // A merged partial beside one of its parts counts that part twice too.
        let merged = try Self.file("ab.partial")
        #expect(try JianfuRun.run(["merge", pa, pb, "--partial", merged]).status == 0)
        let again = try JianfuRun.run(["merge", merged, pb, "--lang", "en"])
        #expect(again.status == 1 && again.stderr.contains("b.csv"))
    }

    /// A partial re-signed after an edit (anyone can recompute the checksum) is still refused when its figures
    /// do not add up.
    static func resigned(_ text: String, _ edit: (String) -> String) -> [UInt8] {
        let root = try! JSONParser.parse(Array(text.utf8))
        let body = edit(Partial.reencode(root["body"]!))
        return Array(("{\"body\":" + body + ",\"checksum\":\"" + SHA256.hex(of: SHA256.hash(Array(body.utf8))) + "\"}").utf8)
    }

    @Test(arguments: [
        ("\"read\":20,\"evaluated\":20", "\"read\":-20,\"evaluated\":20", "out of range"),
        ("\"read\":20,\"evaluated\":20", "\"read\":40,\"evaluated\":20", "rows read 40"),
        ("\"read\":20,\"evaluated\":20,\"rejected\":0", "\"read\":20,\"evaluated\":20,\"rejected\":0", nil),
        ("\"total\":{\"n\":20", "\"total\":{\"n\":21", "total"),
        ("\"liquidity\":\"", "\"liquidity\":\"1", "add up"),
        ("\"total\":{\"n\":20,\"b\":20,\"lo\":\"", "\"total\":{\"n\":20,\"b\":20,\"lo\":\"99999999999999999999999999999", "out of range"),
    ] as [(String, String, String?)])
    func editedPartialsAreValidatedFieldByField(from: String, to: String, expected: String?) throws {
        let agg = try Population.simulate(Population.profiles(Population.csv(20, seed: 3)).map { .profile($0) })
        let text = Partial(rulePack: Fixture.policy.hash, scenarios: ["year=2017;reform=baseline"], ruleIDs: Fixture.policy.rules.map(\.id),
                           aggregates: [agg]).encoded()
        let bytes = Self.resigned(text) { body in
            #expect(body.contains(from), "fixture lost \(from)")
            return body.replacingOccurrences(of: from, with: to)
        }
        do {
            _ = try Partial.decode(bytes, file: "edited")
            #expect(expected == nil, "an inconsistent partial was accepted")
        } catch {
            guard let expected else { Issue.record("a consistent partial was refused: \(error)"); return }
            #expect(error.description.hasPrefix("edited: "))
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    @Test func aKeySignsPartialsAndMergeChecksIt() throws {
        let (a, b) = try Self.shards()
        let key = try Self.file("shared.key", "0123456789abcdef0123456789abcdef\n")
        let other = try Self.file("other.key", "fedcba9876543210fedcba9876543210\n")
        let short = try Self.file("short.key", "abc\n")
        let pa = try Self.file("ka.partial"), pb = try Self.file("kb.partial"), plain = try Self.file("plain.partial")
        #expect(try JianfuRun.run(["simulate", a, "--year", "2017", "--partial", pa, "--key", key, "--format", "json"]).status == 0)
        #expect(try JianfuRun.run(["simulate", b, "--year", "2017", "--partial", pb, "--key", key, "--format", "json"]).status == 0)
        #expect(try JianfuRun.run(["simulate", b, "--year", "2017", "--partial", plain, "--format", "json"]).status == 0)
        #expect(try JianfuRun.run(["merge", pa, pb, "--key", key, "--format", "json"]).status == 0)
        let wrong = try JianfuRun.run(["merge", pa, pb, "--key", other, "--lang", "en"])
        #expect(wrong.status == 1 && wrong.stderr.contains("\(pa): HMAC mismatch"))
        let unsigned = try JianfuRun.run(["merge", pa, plain, "--key", key, "--lang", "en"])
        #expect(unsigned.status == 1 && unsigned.stderr.contains("\(plain): no HMAC"))
        let weak = try JianfuRun.run(["merge", pa, pb, "--key", short, "--lang", "en"])
        #expect(weak.status == 1 && weak.stderr.contains("too short"))
        // Without --key the checksum still guards against accidents: signed partials merge.
        #expect(try JianfuRun.run(["merge", pa, pb, "--format", "json"]).status == 0)
    }

    @Test func outputFilesNeverReplaceADeviceAndFollowSymlinks() throws {
        let (a, _) = try Self.shards()
        let full = try JianfuRun.run(["simulate", a, "--year", "2017", "--partial", "/dev/full", "--format", "json", "--lang", "en"])
        #expect(full.status == 1)
        #expect(full.stderr.contains("cannot write /dev/full"))
        var st = stat()
        #expect(stat("/dev/full", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR, "/dev/full is no longer a device")
        let null = try JianfuRun.run(["simulate", a, "--year", "2017", "--html", "/dev/null", "--rejects", "/dev/null", "--format", "json"])
        #expect(null.status == 0)
        #expect(stat("/dev/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR, "/dev/null is no longer a device")
        let target = try Self.file("target.html", "old")
        let link = try Self.file("link.html")
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(try JianfuRun.run(["simulate", a, "--year", "2017", "--html", link, "--format", "json"]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: Self.dir).filter { $0.contains(".jianfu-") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }
}
