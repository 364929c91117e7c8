import Foundation
import JianfuCore

/// `jianfu policies test [DIR] [--coverage] [--min-coverage P]`: the cases written as data beside the rules.
/// Exit 0 when every expectation holds (and coverage reaches the threshold), 1 otherwise, 2 on a usage error.
func runPolicyTests(_ o: Options, lang: Lang) -> Int32 {
    func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
    var minimum: Rational?
    if let v = o.value("--min-coverage") {
        let text = v.hasSuffix("%") ? String(v.dropLast()) : v
        guard let p = Rational.parse(jsonNumber: text), p >= .zero, p <= Rational(100) else {
            printErr(t("jianfu policies test：--min-coverage 应为 0 到 100 之间的百分数，实为“\(v)”",
                       "jianfu policies test: --min-coverage takes a percentage from 0 to 100, got '\(v)'"))
            return Exit.usage
        }
        minimum = p
    }
    var opts = o
    if o.positional.count > 1 { opts.values["--policies"] = o.positional[1] }
    guard let engine = loadEngine(opts) else { return Exit.failure }
    let directory = engine.policy.directory
    let loaded = PolicyTestLoader.load(directory: directory, policy: engine.policy)
    if !loaded.problems.isEmpty {
        printErr(loaded.problems.map(\.description).joined(separator: "\n"))
        printErr(t("jianfu policies test：测试文件有 \(loaded.problems.count) 处错误，未运行",
                   "jianfu policies test: the test files have \(loaded.problems.count) error(s); nothing was run"))
        return Exit.failure
    }
    guard !loaded.cases.isEmpty else {
        printErr(t("jianfu policies test：\(directory) 中没有测试用例（应有 \"kind\": \"tests\" 的文件，如 tests/*.json）",
                   "jianfu policies test: no test cases in \(directory) (expected files with \"kind\": \"tests\", such as tests/*.json)"))
        return Exit.failure
    }
    let run = PolicyTestRunner(engine: engine).run(loaded.cases)
    let report = PolicyTestReport(engine: engine, run: run, lang: lang)
    var out = report.failures()
    if o.flags.contains("--coverage") || minimum != nil { out += report.coverage() + "\n" }
    out += report.summary()
    printOut(out)
    if !run.failures.isEmpty { return Exit.failure }
    if let minimum, run.coverageShare < minimum {
        printErr(t("jianfu policies test：覆盖率 \(report.coverageText) 低于 --min-coverage \(minimum)%",
                   "jianfu policies test: coverage \(report.coverageText) is below --min-coverage \(minimum)%"))
        return Exit.failure
    }
    return Exit.ok
}
