/// A place in an input file, used by every stage (JSON, CSV, expressions) to say where a problem is.
/// Lines and columns count from 1; columns count Unicode scalars (characters), not UTF-8 bytes, so a
/// Chinese quote counts as one column.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file; self.line = line; self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in an input, with where it is and what was expected.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    /// `file:line:col`, or a file alone.
    public var location: String
    /// A further locator, such as the rule id or the JSON path.
    public var context: String?
    public var message: String

    public init(_ location: String, _ message: String, context: String? = nil) {
        self.location = location; self.message = message; self.context = context
    }

    public var description: String {
        if let c = context, !c.isEmpty { return "\(location): \(c): \(message)" }
        return "\(location): \(message)"
    }
}

/// Several diagnostics reported together: a pass collects them instead of stopping at the first.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
    public var items: [Diagnostic]
    public init(_ items: [Diagnostic]) { self.items = items }
    public var description: String { items.map(\.description).joined(separator: "\n") }
}

/// Edit distance, for "did you mean" suggestions.
public enum Suggest {
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let w = Array(word.lowercased().unicodeScalars)
        var best: (String, Int)?
        for c in candidates {
            let cs = Array(c.lowercased().unicodeScalars)
            let d = distance(w, cs)
            // A candidate with nothing in common (every character replaced) is no suggestion.
            if d >= max(w.count, cs.count) { continue }
            if d <= max(2, w.count / 3), d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    /// " (did you mean `x`?)" or "" (Chinese: "（是否为 `x`？）").
    public static func hint(_ word: String, in candidates: some Sequence<String>, lang: Lang = .en) -> String {
        closest(to: word, in: candidates).map { lang == .zh ? "（是否为 `\($0)`？）" : " (did you mean `\($0)`?)" } ?? ""
    }

    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
