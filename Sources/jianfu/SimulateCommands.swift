import Foundation
import JianfuCore

func runSimulate(_ o: Options) -> Int32 {
    guard o.positional.count == 1 else { printErr(zhEn("jianfu simulate：应给出一个人群文件（或用 - 表示标准输入）", "jianfu simulate: expected one population file (or - for standard input)") + "\n\n" + usageLine(o.usage)); return Exit.usage }
    guard let lang = parseLang(o) else { return Exit.usage }
    let (yok, year) = parseYear(o)
    guard yok else { return Exit.usage }
    let format = o.value("--format") ?? "text"
    guard ["text", "json", "csv"].contains(format) else { printErr(zhEn("jianfu simulate：--format 取 text、json 或 csv", "jianfu simulate: --format takes text, json or csv")); return Exit.usage }
    let encoding: TextEncodingChoice
    switch o.value("--encoding") ?? "auto" {
    case "auto": encoding = .auto
    case "utf8", "utf-8": encoding = .utf8
    case "gb18030", "gbk": encoding = .gb18030
    case let e: printErr(zhEn("jianfu simulate：--encoding 取 auto、utf8 或 gb18030，实为“\(e)”", "jianfu simulate: --encoding takes auto, utf8 or gb18030, got '\(e)'")); return Exit.usage
    }
    let path = o.positional[0]
    let inputFormat: PopulationFormat
    if let f = o.value("--input-format") {
        guard let pf = PopulationFormat(rawValue: f) else { printErr(zhEn("jianfu simulate：--input-format 取 csv、ndjson 或 json", "jianfu simulate: --input-format takes csv, ndjson or json")); return Exit.usage }
        inputFormat = pf
    } else { inputFormat = PopulationFormat.guess(path) }
    var compareYear: Int?
    if let cy = o.value("--compare-year") {
        guard let y = Int(cy), (1900...2200).contains(y) else { printErr(zhEn("jianfu simulate：--compare-year 应为年份", "jianfu simulate: --compare-year takes a year")); return Exit.usage }
        guard year != nil else { printErr(zhEn("jianfu simulate：--compare-year 需要 --year（年度 A）", "jianfu simulate: --compare-year needs --year (year A)")); return Exit.usage }
        compareYear = y
    }
    let compare = o.flags.contains("--compare")
    if compare && o.value("--reform") == nil { printErr(zhEn("jianfu simulate：--compare 比较基线与 --reform FILE；请给出改革文件", "jianfu simulate: --compare compares the baseline with --reform FILE; give one")); return Exit.usage }
    guard let engine = loadEngine(o) else { return Exit.failure }
    let policy = engine.policy
    var scenarios: [Scenario] = []
    var scenarioNames: [String] = []
    let yearLabel = year.map(String.init) ?? zhEn("档案年度", "profile year")
    func labelled(_ name: String, _ y: String) -> String { zhEn("\(name)（\(y)）", "\(name) (\(y))") }
    let baselineName = zhEn("基线", "baseline")
    if let rpath = o.value("--reform") {
        let reform: Reform
        do { reform = try Reform.load(path: rpath, policy: policy) } catch { printErr(error.description); return Exit.failure }
        let reformed = Scenario(label: labelled(reform.name, yearLabel), engine: Engine(policy: reform.apply(to: policy)), year: year,
                                disabled: Set(reform.disabledRules.compactMap { policy.ruleIndex($0) }), reformHash: reform.hash)
        if compare { scenarios.append(Scenario(label: labelled(baselineName, yearLabel), engine: engine, year: year)); scenarioNames.append(baselineName) }
        scenarios.append(reformed); scenarioNames.append(reform.name)
    } else {
        scenarios.append(Scenario(label: labelled(baselineName, yearLabel), engine: engine, year: year)); scenarioNames.append(baselineName)
    }
    if let cy = compareYear { scenarios.append(Scenario(label: labelled(scenarioNames[0], String(cy)), engine: scenarios[0].engine, year: cy, disabled: scenarios[0].disabled, reformHash: scenarios[0].reformHash)) }

    var rejectCount = 0
    var key: [UInt8]?
    if let kp = o.value("--key") {
        guard o.value("--partial") != nil else { printErr(zhEn("jianfu simulate：--key 用于给 --partial 签名；请同时给出 --partial FILE", "jianfu simulate: --key signs the --partial output; give --partial FILE too")); return Exit.usage }
        guard let k = readKey(kp) else { return Exit.failure }
        key = k
    }
    let sim = Simulator(scenarios: scenarios)
    if let t = o.value("--threads") {
        guard let n = Int(t), n >= 1, n <= 256 else { printErr(zhEn("jianfu simulate：--threads 取 1 到 256 的数", "jianfu simulate: --threads takes a number from 1 to 256")); return Exit.usage }
        sim.workers = n
    }
    // Rejected rows are streamed to the file as they come (bounded memory), each reason cut to a readable length.
    var rejects: OutputFile?
    if let rp = o.value("--rejects") {
        guard let f = OutputFile.open(rp) else { return Exit.failure }
        guard f.write("line\treason\n") else { return Exit.failure }
        rejects = f
    }
    let interactive = isatty(2) == 1
    let started = Date()
    // The progress line is rewritten in place: each line is padded to the width of the one before, and the line is
    // erased at the end, so no residue of a longer line stays on the terminal.
    var lastWidth = 0
    func showProgress(_ text: String) {
        let width = TextWidth.width(text)
        StandardStreams.err("\r" + text + String(repeating: " ", count: max(0, lastWidth - width)))
        lastWidth = width
    }
    func endProgress() {
        if lastWidth > 0 { StandardStreams.err("\r" + String(repeating: " ", count: lastWidth) + "\r") }
        lastWidth = 0
    }
    if interactive {
        sim.progress = { read, rejected, fraction in
            let secs = Date().timeIntervalSince(started)
            let rate = secs > 0 ? Int(Double(read) / secs) : 0
            var eta = ""
            if let f = fraction, f > 0.01, f < 1 {
                eta = zhEn("，预计还需 \(Int(secs * (1 - f) / f)) 秒（\(Int(f * 100))%）", ", ETA \(Int(secs * (1 - f) / f)) s (\(Int(f * 100))%)")
            }
            showProgress(zhEn("已读 \(grouped(read)) 行，拒绝 \(grouped(rejected)) 行，每秒 \(grouped(rate)) 行", "\(grouped(read)) rows, \(grouped(rejected)) rejected, \(grouped(rate)) rows/s") + eta)
        }
    }
    let aggregates: [Aggregate]
    var input: InputSummary?
    var rejectsFailed = false
    do {
        var source = try openProfiles(path, format: inputFormat, encoding: encoding, schema: policy.schema, lang: lang)
        aggregates = try sim.run(&source) { line, reason in
            rejectCount += 1
            if let f = rejects, !rejectsFailed {
                rejectsFailed = !f.write("\(line)\t\(readableReason(reason))\n")
            }
        }
        input = source.inputSummary
    } catch {
        endProgress()
        rejects?.discard()
        printErr(error.description); return Exit.failure
    }
    endProgress()
    if let f = rejects {
        guard !rejectsFailed, f.commit() else { return Exit.failure }
    } else if rejectCount > 0 {
        printErr(zhEn("jianfu simulate：拒绝了 \(rejectCount) 行（用 --rejects FILE 查看行号和原因）", "jianfu simulate: \(rejectCount) rows rejected (use --rejects FILE for the line numbers and reasons)"))
    }
    if let pp = o.value("--partial") {
        let inputs = input.map { [Partial.Input(name: path == "-" ? "<stdin>" : path, digest: $0.digest, bytes: $0.bytes, lines: $0.lines,
                                                 rows: aggregates[0].rowsRead)] } ?? []
        let partial = Partial(rulePack: policy.hash, scenarios: scenarios.map(\.descriptor), labels: scenarios.map(\.label),
                              ruleIDs: policy.rules.map(\.id), inputs: inputs, aggregates: aggregates)
        guard writeFile(pp, partial.encoded(key: key)) else { return Exit.failure }
        if pp == "-" { return Exit.ok }
    }
    return emitSimulation(policy: policy, labels: scenarios.map(\.label), aggregates: aggregates, format: format, html: o.value("--html"), lang: lang)
}

func emitSimulation(policy: PolicySet, labels: [String], aggregates: [Aggregate], format: String, html: String?, lang: Lang) -> Int32 {
    let report = SimulationReport(policy: policy, labels: labels, aggregates: aggregates, lang: lang)
    if let h = html { guard writeFile(h, SimulationHTML(report: report).render()) else { return Exit.failure } }
    switch format {
    case "json": printOut(report.json())
    case "csv": printOut(report.csv())
    default: printOut(report.text())
    }
    return Exit.ok
}

func runMerge(_ o: Options) -> Int32 {
    guard !o.positional.isEmpty else { printErr(zhEn("jianfu merge：应给出部分汇总文件", "jianfu merge: expected partial files") + "\n\n" + usageLine(o.usage)); return Exit.usage }
    guard let lang = parseLang(o) else { return Exit.usage }
    let format = o.value("--format") ?? "text"
    guard ["text", "json", "csv"].contains(format) else { printErr(zhEn("jianfu merge：--format 取 text、json 或 csv", "jianfu merge: --format takes text, json or csv")); return Exit.usage }
    var key: [UInt8]?
    if let kp = o.value("--key") {
        guard let k = readKey(kp) else { return Exit.failure }
        key = k
    }
    var parts: [(Partial, String)] = []
    for path in o.positional {
        do { parts.append((try Partial.decode(try InputFile.bytes(path), file: path, key: key, lang: lang), path)) } catch {
            printErr(error.description); return Exit.failure
        }
    }
    let merged: Partial
    do { merged = try Partial.merge(parts, lang: lang) } catch { printErr(error.description); return Exit.failure }
    if let out = o.value("--partial") {
        guard writeFile(out, merged.encoded(key: key)) else { return Exit.failure }
        if out == "-" { return Exit.ok }
    }
    guard let engine = loadEngine(o) else { return Exit.failure }
    guard engine.policy.hash == merged.rulePack else {
        printErr(zhEn("jianfu merge：部分汇总由规则包 \(merged.rulePack) 生成，而 \(engine.policy.directory) 是 \(engine.policy.hash)；请用同一政策目录出报告（--policies）",
                      "jianfu merge: the partials were made with rule pack \(merged.rulePack), but \(engine.policy.directory) is \(engine.policy.hash); report with the same policy folder (--policies)"))
        return Exit.failure
    }
    return emitSimulation(policy: engine.policy, labels: merged.labels, aggregates: merged.aggregates, format: format, html: o.value("--html"), lang: lang)
}

func runGenerate(_ o: Options) -> Int32 {
    guard o.positional.count == 1, let n = Int(o.positional[0]), n >= 0, n <= 1_000_000_000 else {
        printErr(zhEn("jianfu generate-population：应给出行数 N", "jianfu generate-population: expected a row count N") + "\n\n" + usageLine(o.usage)); return Exit.usage
    }
    guard let seedText = o.value("--seed"), let seed = UInt64(seedText) else { printErr(zhEn("jianfu generate-population：必须给出 --seed S（整数）", "jianfu generate-population: --seed S is required (a whole number)")); return Exit.usage }
    let (yok, year) = parseYear(o)
    guard yok else { return Exit.usage }
    guard let format = PopulationGenerator.Format(rawValue: o.value("--format") ?? "csv") else {
        printErr(zhEn("jianfu generate-population：--format 取 csv 或 ndjson", "jianfu generate-population: --format takes csv or ndjson")); return Exit.usage
    }
    var g = PopulationGenerator(count: n, seed: seed, year: year ?? 2017, sparse: o.flags.contains("--sparse"))
    g.write(format) { printOut($0) }
    return Exit.ok
}

/// A reject reason on one line, cut to 1,000 characters: a 10 MB cell is not echoed whole.
func readableReason(_ reason: String) -> String {
    let flat = reason.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
    guard flat.count > 1_000 else { return flat }
    return String(flat.prefix(1_000)) + "…"
}

/// The shared secret of `--key FILE`: the file's bytes (a trailing line end dropped), at least 16 of them.
func readKey(_ path: String) -> [UInt8]? {
    var bytes: [UInt8]
    do { bytes = try InputFile.bytes(path) } catch { printErr(error.description); return nil }
    while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
    guard bytes.count >= 16 else {
        printErr(zhEn("\(path)：密钥太短（\(bytes.count) 字节）；应至少 16 字节，例如 head -c 32 /dev/urandom | base64 > \(path)",
                      "\(path): the key is too short (\(bytes.count) bytes); expected at least 16, e.g. head -c 32 /dev/urandom | base64 > \(path)"))
        return nil
    }
    return bytes
}

/// The CLI's message in the language of `--lang`.
func zhEn(_ zh: String, _ en: String) -> String { StandardStreams.lang == .zh ? zh : en }

/// A count with thousands separators: 1,234,567.
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
}
