import Testing
@testable import JianfuCore

private func digestHex(_ bytes: [UInt8]) -> String {
    SHA256.hex(of: SHA256.hash(bytes))
}

@Suite("SHA256")
struct SHA256Tests {
    /// FIPS 180-4 / NIST CSRC example vectors.
    @Test("NIST example vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func nistVectors(_ message: String, _ expected: String) {
        #expect(digestHex(Array(message.utf8)) == expected)
    }

    @Test func oneMillionA() {
        var hasher = SHA256()
        let thousand = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { hasher.update(thousand) }
        #expect(SHA256.hex(of: hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(digestHex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the padding boundaries (55/56 bytes need one or two padding blocks);
    /// expected digests from Python's hashlib.sha256(b'x' * n).
    @Test("padding boundaries", arguments: [
        (55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"),
        (56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"),
        (63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"),
        (64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"),
        (65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"),
        (119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"),
        (120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"),
    ])
    func paddingBoundaries(_ count: Int, _ expected: String) {
        #expect(digestHex([UInt8](repeating: 0x78, count: count)) == expected)
    }

    @Test func splitAtEveryOffsetGivesSameDigest() {
        let message = (0..<130).map { UInt8(($0 * 7 + 3) % 256) }
        let whole = SHA256.hash(message)
        // From Python: hashlib.sha256(bytes((i*7+3)%256 for i in range(130))).hexdigest()
        #expect(SHA256.hex(of: whole) == "4d5e47a2e8510a314576c238f6ff19d389d3ef3aaaca8b2e530263a5d15741da")
        for cut in 0...message.count {
            var hasher = SHA256()
            hasher.update(Array(message[..<cut]))
            hasher.update(message[cut...])  // an ArraySlice goes through the generic Sequence path
            #expect(hasher.finalize() == whole, "split at \(cut)")
        }
        // Also byte by byte, and in uneven pieces, through a non-contiguous sequence.
        var bytewise = SHA256()
        for b in message { bytewise.update([b]) }
        #expect(bytewise.finalize() == whole)
        var lazy = SHA256()
        lazy.update(message.lazy.map { $0 })
        #expect(lazy.finalize() == whole)
    }

    @Test func finalizeResetsForReuse() {
        var hasher = SHA256()
        hasher.update(Array("abc".utf8))
        _ = hasher.finalize()
        hasher.update("abc".utf8)
        #expect(SHA256.hex(of: hasher.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hexIsLowerCaseAndPadded() {
        #expect(SHA256.hex(of: [0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(SHA256.hex(of: []) == "")
    }
}
