import Foundation
@testable import JianfuCore

/// A copy of the repository's Policies folder in a fresh temporary directory, edited in code (read a file as
/// text, replace a substring, write it back) to make one broken or unusual folder per test. The copy is
/// removed when the value goes away.
final class ScratchPolicies {
    let path: String

    /// Copies `Fixture.policiesPath`, or starts from an empty folder when `empty` is true.
    init(empty: Bool = false) throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("jianfu-policies-\(UUID().uuidString)").path
        if empty {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } else {
            try FileManager.default.copyItem(atPath: Fixture.policiesPath, toPath: path)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The full path of a file inside the folder, as the loader names it in diagnostics.
    func file(_ relative: String) -> String { (path as NSString).appendingPathComponent(relative) }

    func read(_ relative: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file(relative)),
              let text = String(data: data, encoding: .utf8) else { throw TestError("cannot read \(relative)") }
        return text
    }

    func write(_ relative: String, _ text: String) throws {
        let full = file(relative)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    func remove(_ relative: String) throws { try FileManager.default.removeItem(atPath: file(relative)) }

    /// Replaces the first occurrence of `old` (after `anchor`, when given); a missing `old` fails the test,
    /// so a change in the real catalog cannot make an edit silently do nothing.
    func replace(in relative: String, _ old: String, with new: String, after anchor: String? = nil) throws {
        var text = try read(relative)
        var searchFrom = text.startIndex
        if let anchor {
            guard let a = text.range(of: anchor) else { throw TestError("\(relative) has no \(anchor)") }
            searchFrom = a.upperBound
        }
        guard let r = text.range(of: old, range: searchFrom..<text.endIndex) else {
            throw TestError("\(relative) has no \(old)")
        }
        text.replaceSubrange(r, with: new)
        try write(relative, text)
    }

    /// Loads the folder; the diagnostics on failure.
    func load() -> Result<PolicySet, Diagnostics> {
        do { return .success(try PolicyLoader.load(directory: path)) } catch { return .failure(error) }
    }

    /// The diagnostics of a folder that must not load.
    func diagnostics() throws -> [Diagnostic] {
        switch load() {
        case .success: throw TestError("the folder loaded, but an error was expected")
        case .failure(let d): return d.items
        }
    }

    /// Line and column (from 1, in characters) of the first occurrence of `needle` in a file, after `anchor`.
    func position(of needle: String, in relative: String, after anchor: String? = nil) throws -> (line: Int, column: Int) {
        let text = try read(relative)
        var from = text.startIndex
        if let anchor, let a = text.range(of: anchor) { from = a.upperBound }
        guard let r = text.range(of: needle, range: from..<text.endIndex) else { throw TestError("no \(needle) in \(relative)") }
        let before = text[..<r.lowerBound].unicodeScalars
        let line = before.filter { $0 == "\n" }.count + 1
        let lineStart = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
        return (line, before[lineStart...].count + 1)
    }
}

/// A minimal document for hand-made rules: national scope, in force from 2017, no source file.
enum TestDocument {
    /// A cost rule with the given conditions and saving (expressions).
    static func rule(_ id: String, conditions: [String] = [], saving: String, extra: String = "") -> String {
        let conds = conditions.enumerated().map { i, c in
            #"{"id": "c\#(i)", "expr": "\#(c)", "zh": "条件\#(i)", "en": "condition \#(i)"}"#
        }.joined(separator: ", ")
        return #"""
        {"id": "\#(id)", "title": {"zh": "测试", "en": "test"}, "category": "tax_fee", "kind": "cost",
         "citation": {"clause": "一", "quote": "测试"}, "proration": "days",
         "conditions": [\#(conds)], "saving": "\#(saving)"\#(extra)}
        """#
    }

    static func document(id: String = "zz-test", rules: [String]) -> String {
        #"""
        {
          "kind": "document",
          "id": "\#(id)",
          "number": "测试〔2017〕1号",
          "title": {"zh": "测试文件", "en": "test document"},
          "issuer": {"zh": "测试", "en": "test"},
          "in_force": {"from": "2017-01-01", "until": null},
          "default_scope": "national",
          "rules": [
        \#(rules.joined(separator: ",\n"))
          ]
        }
        """#
    }
}
