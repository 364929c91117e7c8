import Foundation

/// Each rule's fixed members of the check report (id, title, clause, quote, window…), rendered once per language,
/// depth and indentation and spliced into every report: `serve` writes them for every rule of every request.
final class RuleFragments: @unchecked Sendable {
    struct Key: Hashable {
        var lang: Lang
        var depth: Int
        var indent: Int
    }

    /// The members before `status`, between `status` and `saving`, and the `window` member.
    struct Parts {
        var identity: [UInt8]
        var description: [UInt8]
        var window: [UInt8]
    }

    private let lock = NSLock()
    private var byKey: [Key: [Parts]] = [:]
    private var meetsByLang: [Lang: [String]] = [:]

    /// Each rule's "meets: …" text (its conditions, joined) in `lang`, rendered on first use.
    func meets(_ policy: PolicySet, _ lang: Lang) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        if let m = meetsByLang[lang] { return m }
        let m = policy.rules.map { rule -> String in
            let held = rule.conditions.map { $0.text(lang) }
            guard !held.isEmpty else { return "" }
            return (lang == .zh ? "符合：" : "meets: ") + held.joined(separator: lang == .zh ? "；" : "; ")
        }
        meetsByLang[lang] = m
        return m
    }

    /// The parts of every rule for `key`, rendered on first use.
    func parts(_ policy: PolicySet, _ key: Key) -> [Parts] {
        lock.lock()
        defer { lock.unlock() }
        if let p = byKey[key] { return p }
        let p = policy.rules.map { RuleFragments.render($0, policy, key) }
        byKey[key] = p
        return p
    }

    private static func render(_ rule: Rule, _ policy: PolicySet, _ key: Key) -> Parts {
        var a = JSONWriter(indent: key.indent, membersAtDepth: key.depth)
        a.string("id", rule.id)
        a.string("title", rule.title(key.lang))
        var b = JSONWriter(indent: key.indent, membersAtDepth: key.depth)
        b.string("category", rule.category)
        b.string("kind", rule.kind.rawValue)
        b.string("document", policy.document(of: rule).number)
        b.string("clause", rule.clause)
        b.string("quote", rule.quote)
        var c = JSONWriter(indent: key.indent, membersAtDepth: key.depth)
        c.beginObject("window")
        c.string("from", rule.windowFrom.description)
        c.string("until", rule.windowUntil?.description)
        c.endObject()
        return Parts(identity: a.bytes, description: b.bytes, window: c.bytes)
    }
}
