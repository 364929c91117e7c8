import Foundation

/// One numbered clause of a document as the source text has it: `二`, `二(三)`, `二(三)4`.
public struct SourceClause: Sendable {
    public var id: String
    /// 1 for `一、`, 2 for `(一)`, 3 for `1.`.
    public var level: Int
    public var parent: String?
    /// 1-based line of the source file where the clause starts.
    public var line: Int
    /// The clause's first words (up to its first full stop, at most 40 characters).
    public var heading: String
    /// The clause's whole text with its sub-clauses, line breaks removed (the gazette breaks lines inside sentences).
    public var text: String
}

/// Finds a document's numbered clauses in a gazette text: the document runs from the line holding its 文号 alone to
/// the next such line; clauses start a line with `一、`, `(一)` / `（一）` or `1.` / `1．`.
public enum ClauseIndex {
    public static func clauses(in source: String, number: String) -> [SourceClause]? {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
        guard let start = lines.firstIndex(of: number) else { return nil }
        var end = lines.count
        for i in (start + 1)..<lines.count where isDocumentNumber(lines[i]) { end = i; break }
        var found: [(id: String, level: Int, parent: String?, line: Int, heading: String)] = []
        var path: [String] = []
        for i in (start + 1)..<end {
            guard let (level, label, rest) = marker(lines[i]), level <= path.count + 1 else { continue }
            path = Array(path.prefix(level - 1))
            let id = level == 1 ? label : level == 2 ? path[0] + "(" + label + ")" : path[path.count - 1] + label
            found.append((id, level, path.last, i, heading(rest)))
            path.append(level == 1 ? label : id)
        }
        return found.enumerated().map { k, c in
            var stop = end
            for next in found[(k + 1)...] where next.level <= c.level { stop = next.line; break }
            let text = lines[c.line..<stop].joined()
            return SourceClause(id: c.id, level: c.level, parent: c.parent, line: c.line + 1, heading: c.heading, text: text)
        }
    }

    /// `衢政办发〔2017〕52号` alone on a line.
    static func isDocumentNumber(_ line: String) -> Bool {
        guard line.hasSuffix("号"), line.count <= 24, let open = line.firstIndex(of: "〔"), let close = line.firstIndex(of: "〕"),
              open < close else { return false }
        let year = line[line.index(after: open)..<close]
        return year.count == 4 && year.allSatisfy(\.isASCII) && year.allSatisfy(\.isNumber) && !line.contains(" ")
    }

    static let numerals: Set<Character> = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

    /// The clause marker a line starts with: level, label (`三`, `4`) and the text after it.
    static func marker(_ line: String) -> (Int, String, Substring)? {
        let chars = Substring(line)
        let numeral = chars.prefix { numerals.contains($0) }
        if !numeral.isEmpty, numeral.count <= 3, chars.dropFirst(numeral.count).first == "、" {
            return (1, String(numeral), chars.dropFirst(numeral.count + 1))
        }
        if let open = chars.first, open == "(" || open == "（" {
            let inner = chars.dropFirst().prefix { numerals.contains($0) }
            let after = chars.dropFirst(1 + inner.count).first
            if !inner.isEmpty, inner.count <= 3, after == ")" || after == "）" {
                return (2, String(inner), chars.dropFirst(inner.count + 2))
            }
        }
        let digits = chars.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 2, let dot = chars.dropFirst(digits.count).first, dot == "." || dot == "．" {
            return (3, String(digits), chars.dropFirst(digits.count + 1))
        }
        return nil
    }

    static func heading(_ rest: Substring) -> String {
        let text = rest.trimmingCharacters(in: .whitespaces)
        var out = ""
        for ch in text {
            if ch == "。" || out.count >= 40 { break }
            out.append(ch)
        }
        return out
    }
}
