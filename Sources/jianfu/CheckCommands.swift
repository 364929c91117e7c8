import Foundation
import JianfuCore

/// The profile of a command's first argument and the year to evaluate (--year wins over the profile's year);
/// nil after printing the problem.
func profileAndYear(_ o: Options, _ engine: Engine, _ yearOverride: Int?) -> (Profile, Int)? {
    let profile: Profile
    do { profile = try InputFile.profile(o.positional[0], schema: engine.policy.schema, lang: parseLang(o) ?? .zh) } catch {
        printErr(error.description); return nil
    }
    guard let year = engine.year(of: profile, override: yearOverride) else {
        printErr(zhEn("\(o.positional[0])：档案没有 \"year\"，也没有给出 --year：请说明这些数字属于哪个年度", "\(o.positional[0]): the profile has no \"year\" and no --year was given: say which calendar year the figures describe"))
        return nil
    }
    return (profile, year)
}

func runCheck(_ o: Options) -> Int32 {
    guard o.positional.count == 1 else {
        printErr(zhEn("jianfu check：应给出一个档案文件", "jianfu check: expected one profile file") + "\n\n" + usageLine(o.usage))
        return Exit.usage
    }
    guard let lang = parseLang(o) else { return Exit.usage }
    let (yok, yearOverride) = parseYear(o)
    guard yok else { return Exit.usage }
    let format = o.value("--format") ?? "text"
    guard ["text", "json"].contains(format) else { printErr(zhEn("jianfu check：--format 取 text 或 json，实为“\(format)”", "jianfu check: --format takes text or json, got '\(format)'")); return Exit.usage }
    guard let engine = loadEngine(o), let (profile, year) = profileAndYear(o, engine, yearOverride) else { return Exit.failure }
    guard let result = engine.check(profile, year: year, trace: true) else {
        printErr(zhEn("jianfu check：年度 \(year) 超出范围", "jianfu check: year \(year) is out of range")); return Exit.failure
    }
    let report = CheckReport(engine: engine, profile: profile, result: result, lang: lang)
    printOut(format == "json" ? report.json() : report.text())
    return Exit.ok
}

func runExplain(_ o: Options) -> Int32 {
    guard o.positional.count == 2 else {
        printErr(zhEn("jianfu explain：应给出一个档案文件和一个规则编号", "jianfu explain: expected a profile file and a rule id") + "\n\n" + usageLine(o.usage))
        return Exit.usage
    }
    guard let lang = parseLang(o) else { return Exit.usage }
    let (yok, yearOverride) = parseYear(o)
    guard yok else { return Exit.usage }
    guard let engine = loadEngine(o) else { return Exit.failure }
    guard let ri = engine.policy.ruleIndex(o.positional[1]) else {
        printErr(zhEn("jianfu explain：未知规则编号“\(o.positional[1])”", "jianfu explain: unknown rule id '\(o.positional[1])'") + Suggest.hint(o.positional[1], in: engine.policy.rules.map(\.id), lang: o.lang))
        return Exit.failure
    }
    guard let (profile, year) = profileAndYear(o, engine, yearOverride),
          let result = engine.check(profile, year: year, trace: true) else { return Exit.failure }
    printOut(Explanation(policy: engine.policy, profile: profile, result: result, rule: ri, lang: lang).text())
    return Exit.ok
}

func runPolicies(_ o: Options) -> Int32 {
    guard let sub = o.positional.first else {
        printErr(zhEn("jianfu policies：应给出 lint、list、show、hash、test 或 coverage", "jianfu policies: expected lint, list, show, hash, test or coverage") + "\n\n" + usageLine(o.usage))
        return Exit.usage
    }
    guard let lang = parseLang(o) else { return Exit.usage }
    var opts = o
    if (sub == "lint" || sub == "hash"), o.positional.count > 1 { opts.values["--policies"] = o.positional[1] }
    switch sub {
    case "lint":
        guard let engine = loadEngine(opts) else { return Exit.failure }
        let p = engine.policy
        printOut("\(p.directory): OK — \(p.documents.count) documents, \(p.rules.count) rules, \(p.parameters.count) parameters, \(p.schema.fields.count) profile fields\nrule pack sha256:\(p.hash)\n")
        return Exit.ok
    case "hash":
        guard let engine = loadEngine(opts) else { return Exit.failure }
        printOut("sha256:\(engine.policy.hash)\n")
        return Exit.ok
    case "list":
        guard let engine = loadEngine(opts) else { return Exit.failure }
        printOut(PolicyListing(policy: engine.policy, lang: lang).list())
        return Exit.ok
    case "test":
        return runPolicyTests(o, lang: lang)
    case "coverage":
        if o.positional.count > 1 { opts.values["--policies"] = o.positional[1] }
        let format = o.value("--format") ?? "text"
        guard ["text", "json"].contains(format) else {
            printErr(lang == .zh ? "jianfu policies coverage：--format 取 text 或 json，实为“\(format)”" : "jianfu policies coverage: --format takes text or json, got '\(format)'")
            return Exit.usage
        }
        guard let engine = loadEngine(opts) else { return Exit.failure }
        let report = ClauseCoverageReport(policy: engine.policy, lang: lang)
        printOut(format == "json" ? report.json() : report.text())
        return Exit.ok
    case "show":
        guard o.positional.count == 2 else { printErr(zhEn("jianfu policies show：应给出一个规则编号", "jianfu policies show: expected a rule id")); return Exit.usage }
        guard let engine = loadEngine(opts) else { return Exit.failure }
        guard let ri = engine.policy.ruleIndex(o.positional[1]) else {
            printErr(zhEn("jianfu policies show：未知规则编号“\(o.positional[1])”", "jianfu policies show: unknown rule id '\(o.positional[1])'") + Suggest.hint(o.positional[1], in: engine.policy.rules.map(\.id), lang: o.lang))
            return Exit.failure
        }
        printOut(PolicyListing(policy: engine.policy, lang: lang).show(ri))
        return Exit.ok
    default:
        printErr(zhEn("jianfu policies：未知子命令“\(sub)”", "jianfu policies: unknown subcommand '\(sub)'") + Suggest.hint(sub, in: ["lint", "list", "show", "hash", "test", "coverage"], lang: o.lang))
        return Exit.usage
    }
}

func runAsk(_ o: Options) -> Int32 {
    guard o.positional.count == 1 else { printErr(zhEn("jianfu ask：应给出一个档案文件", "jianfu ask: expected one profile file") + "\n\n" + usageLine(o.usage)); return Exit.usage }
    guard let lang = parseLang(o) else { return Exit.usage }
    let (yok, yearOverride) = parseYear(o)
    guard yok else { return Exit.usage }
    guard let engine = loadEngine(o), let (profile, year) = profileAndYear(o, engine, yearOverride) else { return Exit.failure }
    // Scripted answers are echoed so the transcript reads like a terminal session.
    let echo = isatty(0) == 0
    var session = AskSession(engine: engine, profile: profile, year: year, lang: lang, readLine: {
        let line = Swift.readLine()
        if echo, let line { printOut(line + "\n") }
        return line
    },
                             write: { printOut($0) })
    guard let result = session.run() else { return Exit.failure }
    let report = CheckReport(engine: engine, profile: session.profile, result: result, lang: lang)
    printOut(report.text())
    if let out = o.value("--out") {
        guard writeFile(out, ProfileWriter.json(session.profile, schema: engine.policy.schema)) else { return Exit.failure }
        printErr(zhEn("jianfu ask：补全后的档案已写入 \(out)", "jianfu ask: the completed profile is in \(out)"))
    }
    return Exit.ok
}
