/// `jianfu ask`: one deciding question at a time, re-evaluating after each answer, until no remaining question
/// can change the result. Input and output are closures, so a terminal, a script and the tests drive it alike.
public struct AskSession {
    public let engine: Engine
    public var profile: Profile
    public let year: Int
    public let words: Words
    let readLine: () -> String?
    let write: (String) -> Void
    /// Fields the user declined (an empty answer): not asked again.
    var declined = Set<Int>()

    public init(engine: Engine, profile: Profile, year: Int, lang: Lang, readLine: @escaping () -> String?, write: @escaping (String) -> Void) {
        self.engine = engine; self.profile = profile; self.year = year
        words = Words(policy: engine.policy, lang: lang)
        self.readLine = readLine; self.write = write
    }

    private func t(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { words.t(zh(), en()) }

    /// Runs the session; returns the final result (the completed profile is `profile`).
    public mutating func run() -> CheckResult? {
        write(t("回答以下问题可以确定更多减负政策；直接回车跳过该项。\n", "Answer to decide more reliefs; press Enter to skip a question.\n"))
        var asked = 0
        while true {
            guard let result = engine.check(profile, year: year, trace: true) else { return nil }
            let qs = engine.questions(profile, result).filter { !declined.contains($0.field) }
            guard let q = qs.first else {
                write(t("\n没有可以改变结果的问题了。\n\n", "\nNo remaining question can change the result.\n\n"))
                return result
            }
            asked += 1
            write("\n[\(asked)] " + words.fieldTitle(q.field) + "\n    " + t("为什么问：", "Why: ") + words.why(q) + "\n")
            if !ask(q.field) { return engine.check(profile, year: year, trace: true) }
        }
    }

    /// Asks for one field; false when the input ended.
    mutating func ask(_ slot: Int) -> Bool {
        let spec = engine.policy.schema.fields[slot]
        switch spec.kind {
        case .list:
            guard let item = spec.item else { return true }
            if item.kind == .record {
                write("    " + t("共几项？（0 表示没有）", "How many items? (0 for none)") + "\n")
                var count = 0
                while true {
                    guard let n = askValue(FieldSpec.count, prompt: t("项数", "items")) else { return false }
                    guard case .number(let c)? = n else { declined.insert(slot); return true }
                    count = Int(exactly: c.floor()) ?? Int.max
                    if count <= spec.maxItems { break }
                    // Asked again rather than cut: every item answered is an item evaluated.
                    write("    " + t("无效：", "Invalid: ") + spec.tooManyItems(count, words.lang) + "\n")
                }
                var items: [FieldValue] = []
                for i in 0..<count {
                    var vals: [FieldValue?] = []
                    for k in item.keys {
                        guard let v = askValue(k, prompt: "\(spec.name)[\(i)].\(k.name)（\(k.label(words.lang))）") else { return false }
                        vals.append(v)
                    }
                    items.append(.record(vals))
                }
                profile.values[slot] = .list(items)
            } else {
                write("    " + t("每行一个数，空行结束（没有则直接回车）", "One value a line; an empty line ends (Enter at once for none)") + "\n")
                var items: [FieldValue] = []
                while true {
                    if items.count == spec.maxItems {
                        write("    " + t("已达上限 \(spec.maxItems) 项（数据字典的 max_items）", "The limit of \(spec.maxItems) items is reached (max_items in the data dictionary)") + "\n")
                        break
                    }
                    write("    \(spec.name)[\(items.count)] > ")
                    guard let line = readLine() else { return false }
                    let text = line.trimmingCharacters(in: .whitespaces)
                    if text.isEmpty { break }
                    switch FieldDomain.check(.text(text), item, lang: words.lang) {
                    case .success(let v): items.append(v)
                    case .failure(let m): write("    " + t("无效：", "Invalid: ") + m.text + "\n")
                    }
                }
                profile.values[slot] = .list(items)
            }
        case .record:
            var vals: [FieldValue?] = []
            for k in spec.keys {
                guard let v = askValue(k, prompt: "\(spec.name).\(k.name)（\(k.label(words.lang))）") else { return false }
                vals.append(v)
            }
            if vals.allSatisfy({ $0 == nil }) { declined.insert(slot) } else { profile.values[slot] = .record(vals) }
        default:
            guard let v = askValue(spec, prompt: spec.name) else { return false }
            if let v { profile.values[slot] = v } else { declined.insert(slot) }
        }
        return true
    }

    /// One value, asked again until it is valid; `.some(nil)` when skipped, nil when the input ended.
    mutating func askValue(_ spec: FieldSpec, prompt: String) -> FieldValue?? {
        while true {
            write("    \(prompt) [\(spec.expectation(words.lang))] > ")
            guard let line = readLine() else { return nil }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return .some(nil) }
            switch FieldDomain.check(.text(text), spec, lang: words.lang) {
            case .success(let v): return .some(v)
            case .failure(let m): write("    " + t("无效：", "Invalid: ") + m.text + t("，请重新输入。\n", "; please try again.\n"))
            }
        }
    }
}

extension FieldSpec {
    /// A plain count, for "how many items?".
    static let count = FieldSpec(name: "count", kind: .int, zh: "项数", en: "count", unit: nil, group: nil, descriptionZh: nil,
                                 descriptionEn: nil, signed: false, min: 0, format: nil, defaultText: nil, actionable: true,
                                 item: nil, keys: [])
}

import Foundation
