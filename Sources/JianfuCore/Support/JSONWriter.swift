/// Writes JSON text with keys in the order given, so machine output is stable and diffable.
public struct JSONWriter {
    /// UTF-8 bytes: appending to a byte array is a copy, where appending to a String re-checks the string's form
    /// (a hot spot of `serve`).
    private(set) public var bytes: [UInt8] = []
    /// The JSON written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
    private var indent: Int
    private var level = 0
    private var needsComma = [false]

    /// `indent` 0 writes one line (NDJSON, partials); 2 writes readable output.
    public init(indent: Int = 2) {
        self.indent = indent
        bytes.reserveCapacity(4096)
    }

    private mutating func put(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private mutating func put(_ b: UInt8) { bytes.append(b) }

    private mutating func newlineAndIndent() {
        guard indent > 0 else { return }
        put(0x0A)
        bytes.append(contentsOf: repeatElement(0x20, count: indent * level))
    }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { put(0x2C) }
        needsComma[needsComma.count - 1] = true
    }

    private mutating func beforeValue(key: String?) {
        separate()
        if level > 0 { newlineAndIndent() }
        if let key {
            appendQuoted(key)
            put(0x3A)
            if indent > 0 { put(0x20) }
        }
    }

    /// A writer that renders members ahead of time for an object at `depth` of another writer with the same
    /// indentation; `appendMembers` splices them in (reports repeat each rule's fixed members per request).
    public init(indent: Int, membersAtDepth depth: Int) {
        self.init(indent: indent)
        level = depth
    }

    /// The nesting depth of the next value.
    public var depth: Int { level }
    public var indentWidth: Int { indent }

    /// Appends members rendered by `init(indent:membersAtDepth:)` at this writer's depth and indentation.
    public mutating func appendMembers(_ fragment: [UInt8]) {
        guard !fragment.isEmpty else { return }
        separate()
        // A fragment starts as its first member would (no comma); `separate` added one if members came before.
        bytes.append(contentsOf: fragment)
    }

    public mutating func beginObject(_ key: String? = nil) { beforeValue(key: key); put(0x7B); level += 1; needsComma.append(false) }
    public mutating func endObject() { close(0x7D) }
    public mutating func beginArray(_ key: String? = nil) { beforeValue(key: key); put(0x5B); level += 1; needsComma.append(false) }
    public mutating func endArray() { close(0x5D) }

    private mutating func close(_ c: UInt8) {
        let hadItems = needsComma.removeLast()
        level -= 1
        if hadItems { newlineAndIndent() }
        put(c)
    }

    public mutating func string(_ key: String? = nil, _ value: String?) {
        beforeValue(key: key)
        if let value { appendQuoted(value) } else { put("null") }
    }

    /// A number already rendered as JSON number text (exact decimals).
    public mutating func raw(_ key: String? = nil, _ numberText: String?) {
        beforeValue(key: key)
        put(numberText ?? "null")
    }

    public mutating func int(_ key: String? = nil, _ value: Int?) { raw(key, value.map { String($0) }) }
    public mutating func bool(_ key: String? = nil, _ value: Bool?) { raw(key, value.map { $0 ? "true" : "false" }) }
    public mutating func null(_ key: String? = nil) { raw(key, nil) }

    /// Amount in fen written as a JSON number in 元 with two decimals: `1234.50`.
    public mutating func money(_ key: String? = nil, fen: Int128?) { raw(key, fen.map { Money.plain(fen: $0) }) }

    public mutating func strings(_ key: String? = nil, _ values: [String]) {
        beginArray(key)
        for v in values { string(nil, v) }
        endArray()
    }

    /// Appends `s` quoted, straight into the text (no intermediate string when nothing needs escaping).
    private mutating func appendQuoted(_ s: String) {
        if JSONWriter.needsEscaping(s) { put(JSONWriter.quote(s)); return }
        put(0x22)
        put(s)
        put(0x22)
    }

    static func needsEscaping(_ s: String) -> Bool {
        let r = s.utf8.withContiguousStorageIfAvailable { b -> Bool in
            for c in b where c < 0x20 || c == 0x22 || c == 0x5C { return true }
            return false
        }
        return r ?? s.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
    }

    public static func quote(_ s: String) -> String {
        // Most strings need no escaping: copy them whole instead of scalar by scalar (a hot spot of `serve`).
        if !needsEscaping(s) { return "\"" + s + "\"" }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
