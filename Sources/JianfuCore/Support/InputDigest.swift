/// A fast 128-bit digest of an input stream, for the identity of a shard: `merge` refuses two partials that
/// read the same bytes. It guards against accidents (a shard given twice), not against forgery — that is what
/// the partial's HMAC (`--key`) is for — so it is a multiply-and-rotate hash of 8-byte words, at memory speed,
/// instead of SHA-256. The result does not depend on how the stream was cut into pieces.
public struct InputDigest: Sendable {
    private var a: UInt64 = 0x243F_6A88_85A3_08D3
    private var b: UInt64 = 0x1319_8A2E_0370_7344
    private var tail: UInt64 = 0
    private var tailCount = 0
    /// Bytes hashed so far.
    public private(set) var count: Int = 0

    public init() {}

    @inline(__always) private mutating func mix(_ w: UInt64) {
        a = ((a ^ w) &* 0x9E37_79B9_7F4A_7C15)
        a = (a << 31) | (a >> 33)
        b = (b &+ w) &* 0xC2B2_AE3D_27D4_EB4F
        b ^= b >> 29
    }

    public mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        count += bytes.count
        var i = 0
        let n = bytes.count
        while tailCount > 0 && i < n {
            tail |= UInt64(base[i]) << (8 * UInt64(tailCount))
            tailCount += 1; i += 1
            if tailCount == 8 { mix(tail); tail = 0; tailCount = 0 }
        }
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            mix(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        while i < n {
            tail |= UInt64(base[i]) << (8 * UInt64(tailCount))
            tailCount += 1; i += 1
        }
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { update($0) } }

    /// 32 hex digits.
    public func hex() -> String {
        var x = self
        x.mix(x.tail ^ (UInt64(x.tailCount) << 56))
        x.mix(UInt64(x.count))
        var h1 = x.a ^ (x.b >> 17), h2 = x.b ^ (x.a << 13 | x.a >> 51)
        h1 = (h1 ^ (h1 >> 33)) &* 0xFF51_AFD7_ED55_8CCD; h1 ^= h1 >> 33
        h2 = (h2 ^ (h2 >> 33)) &* 0xC4CE_B9FE_1A85_EC53; h2 ^= h2 >> 33
        func pad(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
        return pad(h1) + pad(h2)
    }
}

/// What a population source read: the digest of its bytes, how many, and how many physical lines.
public struct InputSummary: Sendable, Equatable {
    public var digest: String
    public var bytes: Int
    public var lines: Int

    public init(digest: String, bytes: Int, lines: Int) { self.digest = digest; self.bytes = bytes; self.lines = lines }
}
