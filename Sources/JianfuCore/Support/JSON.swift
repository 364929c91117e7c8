/// A parsed JSON value that remembers where it came from, so every error can name a line and column.
/// Numbers keep their text: Jianfu reads them exactly, never through `Double`.
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONNode])
    case object([JSONMember])

    /// The JSON type's name for "expected …, got …" messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON value with its position.
public struct JSONNode: Sendable {
    public var value: JSONValue
    public var line: Int
    public var column: Int
    /// A string written with escapes (`\u0027`): offsets into its text are not columns of the file.
    public var hasEscapes = false
    /// For such a string, its text as written between the quotes, to map offsets back to columns.
    public var raw: String? = nil

    /// The file column of the character at `offset` (in scalars) inside this string's decoded text.
    public func column(ofScalarOffset offset: Int) -> Int {
        guard hasEscapes, let raw else { return column + 1 + offset }
        let u = Array(raw.unicodeScalars)
        var i = 0, decoded = 0
        while i < u.count && decoded < offset {
            if u[i] == "\\", i + 1 < u.count {
                if u[i + 1] == "u" {
                    // A surrogate pair (two \u escapes) decodes to one scalar.
                    let isHigh = i + 5 < u.count && ["d", "D"].contains(u[i + 2]) && ["8", "9", "a", "b", "A", "B"].contains(u[i + 3])
                    i += isHigh ? 12 : 6
                } else {
                    i += 2
                }
            } else {
                i += 1
            }
            decoded += 1
        }
        return column + 1 + i
    }
}

/// One key of an object, with the key's own position.
public struct JSONMember: Sendable {
    public var key: String
    public var keyLine: Int
    public var keyColumn: Int
    public var value: JSONNode
}

extension JSONNode {
    public var objectMembers: [JSONMember]? { if case .object(let m) = value { return m }; return nil }
    public var arrayItems: [JSONNode]? { if case .array(let a) = value { return a }; return nil }
    public var stringValue: String? { if case .string(let s) = value { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = value { return b }; return nil }
    public var isNull: Bool { if case .null = value { return true }; return false }

    /// The member named `key`, if this is an object that has it.
    public subscript(key: String) -> JSONNode? {
        objectMembers?.first(where: { $0.key == key })?.value
    }

    /// A preview of the value for messages: `"five"`, `12`, `an object`.
    public var preview: String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return "\"" + (s.count > 40 ? String(s.prefix(40)) + "…" : s) + "\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A strict RFC 8259 parser over UTF-8 bytes with positions, a nesting limit (deep input gives an error,
/// never a stack overflow) and duplicate-key detection.
/// The keys of one object so far, to refuse a duplicate as `Set<String>` would (by `==`), with no hashing for
/// small objects: a scan of the members while there are few or a key is not ASCII, a table of member indices by an
/// FNV hash of the bytes beyond (for ASCII, `==` is byte equality).
struct KeyIndex {
    private var slots: [Int32] = []
    private var scanOnly = false

    /// Whether `key` differs from every key of `members`; if so, it is noted as the next member's.
    mutating func isNew(_ key: String, among members: [JSONMember]) -> Bool {
        let n = members.count
        if !scanOnly && !key.utf8.allSatisfy({ $0 < 0x80 }) { scanOnly = true; slots = [] }
        if scanOnly || n < 8 { return !members.contains { $0.key == key } }
        if slots.count < 2 * (n + 1) {
            var capacity = 32
            while capacity < 4 * (n + 1) { capacity *= 2 }
            slots = Array(repeating: -1, count: capacity)
            for k in 0..<n { place(members[k].key, Int32(k)) }
        }
        let mask = slots.count - 1
        var h = KeyIndex.hash(key) & mask
        while slots[h] >= 0 {
            if members[Int(slots[h])].key == key { return false }
            h = (h + 1) & mask
        }
        slots[h] = Int32(n)
        return true
    }

    private mutating func place(_ key: String, _ index: Int32) {
        let mask = slots.count - 1
        var h = KeyIndex.hash(key) & mask
        while slots[h] >= 0 { h = (h + 1) & mask }
        slots[h] = index
    }

    private static func hash(_ key: String) -> Int {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key.utf8 { h = (h ^ UInt64(b)) &* 0x0100_0000_01B3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }
}

public struct JSONParser {
    public static let maxDepth = 256

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(line):\(column): \(message)" }
    }

    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0
    /// Whether the string just read had escapes (its text then does not map one to one onto columns).
    private var escaped = false
    /// The last column computed and where: values are visited left to right, so counting on from here keeps
    /// positions linear even on one very long line (minified JSON).
    private var columnCache: (pos: Int, column: Int) = (0, 1)

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one document; trailing content other than white space is an error.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONNode {
        var p = JSONParser(bytes)
        if p.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { p.i = 3; p.lineStart = 3 }
        p.skipSpace()
        if p.i >= p.bytes.count { throw p.fail("empty input: expected a JSON value") }
        let v = try p.value()
        p.skipSpace()
        if p.i < p.bytes.count { throw p.fail("unexpected \(p.describeHere()) after the JSON value") }
        return v
    }

    public static func parse(_ text: String) throws(Failure) -> JSONNode { try parse(Array(text.utf8)) }

    private mutating func column(at pos: Int) -> Int {
        // Count scalars, not bytes: continuation bytes (10xxxxxx) do not start a character.
        var c = 1
        var k = lineStart
        if columnCache.pos >= lineStart && columnCache.pos <= pos { c = columnCache.column; k = columnCache.pos }
        while k < pos && k < bytes.count { if bytes[k] & 0xC0 != 0x80 { c += 1 }; k += 1 }
        columnCache = (pos, c)
        return c
    }

    private mutating func fail(_ message: String, at pos: Int? = nil) -> Failure {
        let p = pos ?? i
        return Failure(line: line, column: column(at: p), message: message)
    }

    private func describeHere() -> String {
        guard i < bytes.count else { return "end of input" }
        let b = bytes[i]
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
    }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0D: i += 1
            case 0x0A: i += 1; line += 1; lineStart = i
            default: return
            }
        }
    }

    private mutating func value() throws(Failure) -> JSONNode {
        let l = line, c = column(at: i)
        guard i < bytes.count else { throw fail("unexpected end of input: the file is truncated") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return JSONNode(value: try object(), line: l, column: c)
        case UInt8(ascii: "["): return JSONNode(value: try array(), line: l, column: c)
        case UInt8(ascii: "\""):
            escaped = false
            let start = i
            let text = try string()
            let raw = escaped ? String(decoding: bytes[(start + 1)..<(i - 1)], as: UTF8.self) : nil
            return JSONNode(value: .string(text), line: l, column: c, hasEscapes: escaped, raw: raw)
        case UInt8(ascii: "t"): try literal("true"); return JSONNode(value: .bool(true), line: l, column: c)
        case UInt8(ascii: "f"): try literal("false"); return JSONNode(value: .bool(false), line: l, column: c)
        case UInt8(ascii: "n"): try literal("null"); return JSONNode(value: .null, line: l, column: c)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(value: .number(try number()), line: l, column: c)
        default:
            if bytes[i] == UInt8(ascii: "N") || bytes[i] == UInt8(ascii: "I") {
                throw fail("NaN and Infinity are not JSON numbers")
            }
            throw fail("unexpected \(describeHere()): expected a JSON value")
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else {
            throw fail("unexpected \(describeHere()): expected a JSON value")
        }
        i += w.count
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        if depth > JSONParser.maxDepth { throw fail("nested more than \(JSONParser.maxDepth) levels deep") }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try enter()
        i += 1
        var members: [JSONMember] = []
        var seen = KeyIndex()
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; depth -= 1; return .object(members) }
        while true {
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end of input inside an object: the file is truncated") }
            guard bytes[i] == UInt8(ascii: "\"") else { throw fail("unexpected \(describeHere()): expected a key in double quotes") }
            let kl = line, kc = column(at: i)
            let key = try string()
            if !seen.isNew(key, among: members) {
                throw Failure(line: kl, column: kc, message: "duplicate key \"\(key)\"")
            }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("unexpected \(describeHere()): expected ':' after the key") }
            i += 1
            skipSpace()
            let v = try value()
            members.append(JSONMember(key: key, keyLine: kl, keyColumn: kc, value: v))
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end of input inside an object: the file is truncated") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            throw fail("unexpected \(describeHere()): expected ',' or '}'")
        }
        depth -= 1
        return .object(members)
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try enter()
        i += 1
        var items: [JSONNode] = []
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "]") { i += 1; depth -= 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end of input inside an array: the file is truncated") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            throw fail("unexpected \(describeHere()): expected ',' or ']'")
        }
        depth -= 1
        return .array(items)
    }

    private mutating func number() throws(Failure) -> String {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        func digits(_ p: inout JSONParser) -> Int {
            let s = p.i
            while p.i < p.bytes.count, p.bytes[p.i] >= 48, p.bytes[p.i] <= 57 { p.i += 1 }
            return p.i - s
        }
        let intStart = i
        let n = digits(&self)
        if n == 0 { throw fail("malformed number: expected a digit") }
        if n > 1 && bytes[intStart] == UInt8(ascii: "0") { throw fail("malformed number: leading zero", at: intStart) }
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            i += 1
            if digits(&self) == 0 { throw fail("malformed number: expected a digit after '.'") }
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            if digits(&self) == 0 { throw fail("malformed number: expected a digit in the exponent") }
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func string() throws(Failure) -> String {
        let startLine = line, startCol = column(at: i)
        i += 1
        // Most strings have no escape: find the closing quote and decode the bytes in place.
        var j = i
        while j < bytes.count, bytes[j] != 0x22, bytes[j] != 0x5C, bytes[j] >= 0x20 { j += 1 }
        if j < bytes.count, bytes[j] == 0x22 {
            let start = i
            // Checked by our validator, then decoded as is: `String(validating:)` instantiates generic metadata per
            // call, which shows in a run over millions of NDJSON lines.
            let s: String? = bytes.withUnsafeBufferPointer {
                let b = UnsafeBufferPointer(rebasing: $0[start..<j])
                return b.allSatisfy({ $0 < 0x80 }) || UTF8Check.check(b) == .valid ? String(decoding: b, as: UTF8.self) : nil
            }
            guard let s else { throw Failure(line: startLine, column: startCol, message: "string is not valid UTF-8") }
            i = j + 1
            return s
        }
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else {
                throw Failure(line: startLine, column: startCol, message: "unterminated string: the file is truncated")
            }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; break }
            if b < 0x20 { throw fail(b == 0x0A ? "line break inside a string" : "control character inside a string") }
            if b == UInt8(ascii: "\\") {
                let escapeStart = i
                escaped = true
                i += 1
                guard i < bytes.count else { throw fail("unterminated escape: the file is truncated") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw fail("lone surrogate in \\u escape")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid surrogate pair in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("lone surrogate in \\u escape")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'", at: escapeStart)
                }
                continue
            }
            out.append(b)
            i += 1
        }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw Failure(line: startLine, column: startCol, message: "string is not valid UTF-8")
        }
        return s
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw fail("invalid hex digit in \\u escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }
}
