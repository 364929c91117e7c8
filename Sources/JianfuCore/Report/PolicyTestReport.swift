/// The text of `jianfu policies test`: each failure as expected vs got with the rule's explanation, a summary, and
/// (with coverage) a table of what the cases reached per rule.
public struct PolicyTestReport: Sendable {
    public let engine: Engine
    public let run: PolicyTestRunner.Run
    public let lang: Lang

    public init(engine: Engine, run: PolicyTestRunner.Run, lang: Lang) { self.engine = engine; self.run = run; self.lang = lang }

    func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }

    /// Every failure, one block each.
    public func failures() -> String {
        var out = ""
        let policy = engine.policy
        for f in run.failures {
            let c = f.testCase
            let what = f.rule.map { policy.rules[$0].id } ?? t("合计", "totals")
            out += "\(f.location): \(what) — “\(c.name)” (\(c.year))\n"
            for d in f.differences {
                out += "    \(d.what): " + t("应为 \(d.expected)，实为 \(d.got)", "expected \(d.expected), got \(d.got)") + "\n"
            }
            if !c.why.isEmpty { out += "    " + t("手算：", "why: ") + c.why + "\n" }
            if let rule = f.rule, let result = f.result {
                let text = Explanation(policy: policy, profile: c.profile, result: result, rule: rule, lang: lang).text()
                out += text.split(separator: "\n", omittingEmptySubsequences: false).map { "    | " + $0 }.joined(separator: "\n") + "\n"
            }
            out += "\n"
        }
        return out
    }

    public func summary() -> String {
        let failed = run.failures.count
        return t("\(run.cases) 个用例，\(run.expectations) 项预期：\(run.passed) 项通过，\(failed) 项失败",
                 "\(run.cases) cases, \(run.expectations) expectations: \(run.passed) passed, \(failed) failed") + "\n"
    }

    /// The share covered, rounded down to a tenth of a percent (`87.5%`).
    public var coverageText: String {
        let tenths = (run.coverageShare.multiplied(by: Rational(10)) ?? .zero).floor()
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// ✓ reached, ✗ reachable but not reached, · not reachable; conditions as true/false seen.
    public func coverage() -> String {
        let policy = engine.policy
        let rows = run.coverage.map { c -> [String] in
            let rule = policy.rules[c.rule]
            func mark(_ s: RuleStatus) -> String { !c.reachable.contains(s) ? "·" : c.reached.contains(s) ? "✓" : "✗" }
            let missing = c.conditions.flatMap { cond -> [String] in
                (cond.yes ? [] : ["\(cond.id)=" + t("真", "true")]) + (cond.no ? [] : ["\(cond.id)=" + t("假", "false")])
            }
            return [rule.id, "\(c.cases)", mark(.eligible), mark(.ineligible), mark(.undetermined),
                    "\(c.conditions.count * 2 - missing.count)/\(c.conditions.count * 2)",
                    missing.isEmpty ? "" : t("未见：", "not seen: ") + missing.joined(separator: ", ")]
        }
        let head = [t("规则", "rule"), t("用例", "cases"), t("符合", "elig."), t("不符合", "inel."), t("待定", "und."),
                    t("条件", "conditions"), ""]
        var out = t("覆盖（✓ 已测，✗ 可达未测，· 不可达）：\n", "Coverage (✓ tested, ✗ reachable but not tested, · not reachable):\n")
        out += PlainTable.render(head: head, rows: rows, rightAligned: [1, 5])
        let covered = run.coverage.reduce(0) { $0 + $1.covered }, items = run.coverage.reduce(0) { $0 + $1.items }
        out += t("覆盖率：\(coverageText)（\(covered)/\(items) 项）\n", "Coverage: \(coverageText) (\(covered) of \(items) items)\n")
        return out
    }
}
