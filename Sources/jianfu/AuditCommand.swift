import JianfuCore

func runAudit(_ o: Options) -> Int32 {
    guard o.positional.count == 1 else { printErr(zhEn("jianfu audit：应给出一个申报文件", "jianfu audit: expected one claims file") + "\n\n" + usageLine(o.usage)); return Exit.usage }
    guard let lang = parseLang(o) else { return Exit.usage }
    let format = o.value("--format") ?? "text"
    guard ["text", "json", "csv"].contains(format) else { printErr(zhEn("jianfu audit：--format 取 text、json 或 csv，实为“\(format)”", "jianfu audit: --format takes text, json or csv, got '\(format)'")); return Exit.usage }
    guard let engine = loadEngine(o) else { return Exit.failure }
    var profiles: [Profile] = []
    if let path = o.value("--profiles") {
        do {
            var source = try openProfiles(path, format: PopulationFormat.guess(path), encoding: .auto, schema: engine.policy.schema, lang: lang)
            while let rec = try source.next() {
                switch rec {
                case .profile(let p): profiles.append(p)
                case .rejected(let line, let reason): printErr(zhEn("\(path):\(line)：档案被拒绝：\(reason)", "\(path):\(line): profile rejected: \(reason)"))
                }
            }
        } catch {
            printErr(error.description); return Exit.failure
        }
    }
    let claims: [Claim]
    do { claims = try ClaimReader.read(path: o.positional[0], schema: engine.policy.schema, lang: lang) } catch {
        printErr(error.description); return Exit.failure
    }
    let verdicts = Auditor(engine: engine, profiles: profiles, lang: lang).audit(claims)
    let report = AuditReport(policy: engine.policy, verdicts: verdicts, lang: lang)
    switch format {
    case "json": printOut(report.json())
    case "csv": printOut(report.csv())
    default: printOut(report.text())
    }
    return report.needsAttention ? Exit.attention : Exit.ok
}
