/// The canonical form of policy content for the rule-pack hash: independent of file order, key order and
/// white space, changed by any value.
enum Canonical {
    /// Compact JSON with object keys sorted by their UTF-8 bytes; strings re-escaped; numbers as written.
    static func json(_ n: JSONNode) -> String {
        var out = ""
        write(n, &out)
        return out
    }

    private static func write(_ n: JSONNode, _ out: inout String) {
        switch n.value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let t): out += Rational.parse(jsonNumber: t)?.description ?? t
        case .string(let s): out += JSONWriter.quote(s)
        case .array(let items):
            out += "["
            for (i, it) in items.enumerated() { if i > 0 { out += "," }; write(it, &out) }
            out += "]"
        case .object(let members):
            out += "{"
            let sorted = members.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            for (i, m) in sorted.enumerated() {
                if i > 0 { out += "," }
                out += JSONWriter.quote(m.key) + ":"
                write(m.value, &out)
            }
            out += "}"
        }
    }

    /// SHA-256 over the sorted canonical parts, each preceded by its length.
    static func hash(_ parts: [[UInt8]]) -> String {
        var h = SHA256()
        for p in parts.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            h.update(Array(String(p.count).utf8) + [0x0A])
            h.update(p)
        }
        return SHA256.hex(of: h.finalize())
    }
}
