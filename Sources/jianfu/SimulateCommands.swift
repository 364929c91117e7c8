import Foundation
import JianfuCore

func runSimulate(_ o: Options) -> Int32 {
    guard o.positional.count == 1 else { printErr("jianfu simulate: expected one population file (or - for standard input)\n\nUsage: \(o.usage)"); return Exit.usage }
    guard let lang = parseLang(o) else { return Exit.usage }
    let (yok, year) = parseYear(o)
    guard yok else { return Exit.usage }
    let format = o.value("--format") ?? "text"
    guard ["text", "json", "csv"].contains(format) else { printErr("jianfu simulate: --format takes text, json or csv"); return Exit.usage }
    let encoding: TextEncodingChoice
    switch o.value("--encoding") ?? "auto" {
    case "auto": encoding = .auto
    case "utf8", "utf-8": encoding = .utf8
    case "gb18030", "gbk": encoding = .gb18030
    case let e: printErr("jianfu simulate: --encoding takes auto, utf8 or gb18030, got '\(e)'"); return Exit.usage
    }
    let path = o.positional[0]
    let inputFormat: PopulationFormat
    if let f = o.value("--input-format") {
        guard let pf = PopulationFormat(rawValue: f) else { printErr("jianfu simulate: --input-format takes csv, ndjson or json"); return Exit.usage }
        inputFormat = pf
    } else { inputFormat = PopulationFormat.guess(path) }
    var compareYear: Int?
    if let cy = o.value("--compare-year") {
        guard let y = Int(cy), (1900...2200).contains(y) else { printErr("jianfu simulate: --compare-year takes a year"); return Exit.usage }
        guard year != nil else { printErr("jianfu simulate: --compare-year needs --year (year A)"); return Exit.usage }
        compareYear = y
    }
    let compare = o.flags.contains("--compare")
    if compare && o.value("--reform") == nil { printErr("jianfu simulate: --compare compares the baseline with --reform FILE; give one"); return Exit.usage }
    guard let engine = loadEngine(o) else { return Exit.failure }
    let policy = engine.policy
    var scenarios: [Scenario] = []
    let yearLabel = year.map(String.init) ?? "profile year"
    if let rpath = o.value("--reform") {
        let reform: Reform
        do { reform = try Reform.load(path: rpath, policy: policy) } catch { printErr(error.description); return Exit.failure }
        let reformed = Scenario(label: "\(reform.name) (\(yearLabel))", engine: Engine(policy: reform.apply(to: policy)), year: year,
                                disabled: Set(reform.disabledRules.compactMap { policy.ruleIndex($0) }), reformHash: reform.hash)
        if compare { scenarios.append(Scenario(label: "baseline (\(yearLabel))", engine: engine, year: year)) }
        scenarios.append(reformed)
    } else {
        scenarios.append(Scenario(label: "baseline (\(yearLabel))", engine: engine, year: year))
    }
    if let cy = compareYear { scenarios.append(Scenario(label: "\(scenarios[0].label.split(separator: " ").first ?? "baseline") (\(cy))", engine: scenarios[0].engine, year: cy, disabled: scenarios[0].disabled, reformHash: scenarios[0].reformHash)) }

    var rejectCount = 0
    var key: [UInt8]?
    if let kp = o.value("--key") {
        guard o.value("--partial") != nil else { printErr(zhEn("jianfu simulate：--key 用于给 --partial 签名；请同时给出 --partial FILE", "jianfu simulate: --key signs the --partial output; give --partial FILE too")); return Exit.usage }
        guard let k = readKey(kp) else { return Exit.failure }
        key = k
    }
    let sim = Simulator(scenarios: scenarios)
    if let t = o.value("--threads") {
        guard let n = Int(t), n >= 1, n <= 256 else { printErr("jianfu simulate: --threads takes a number from 1 to 256"); return Exit.usage }
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
    if interactive {
        sim.progress = { read, rejected, fraction in
            let secs = Date().timeIntervalSince(started)
            let rate = secs > 0 ? Int(Double(read) / secs) : 0
            var eta = ""
            if let f = fraction, f > 0.01, f < 1 { eta = ", ETA \(Int(secs * (1 - f) / f)) s (\(Int(f * 100))%)" }
            StandardStreams.err("\r\(read) rows, \(rejected) rejected, \(rate) rows/s\(eta)   ")
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
        if interactive { printErr("") }
        rejects?.discard()
        printErr(error.description); return Exit.failure
    }
    if interactive { printErr("") }
    if let f = rejects {
        guard !rejectsFailed, f.commit() else { return Exit.failure }
    } else if rejectCount > 0 {
        printErr("jianfu simulate: \(rejectCount) rows rejected (use --rejects FILE for the line numbers and reasons)")
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
    guard !o.positional.isEmpty else { printErr("jianfu merge: expected partial files\n\nUsage: \(o.usage)"); return Exit.usage }
    guard let lang = parseLang(o) else { return Exit.usage }
    let format = o.value("--format") ?? "text"
    guard ["text", "json", "csv"].contains(format) else { printErr("jianfu merge: --format takes text, json or csv"); return Exit.usage }
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
        printErr("jianfu merge: the partials were made with rule pack \(merged.rulePack), but \(engine.policy.directory) is \(engine.policy.hash); report with the same policy folder (--policies)")
        return Exit.failure
    }
    return emitSimulation(policy: engine.policy, labels: merged.labels, aggregates: merged.aggregates, format: format, html: o.value("--html"), lang: lang)
}

func runGenerate(_ o: Options) -> Int32 {
    guard o.positional.count == 1, let n = Int(o.positional[0]), n >= 0, n <= 1_000_000_000 else {
        printErr("jianfu generate-population: expected a row count N\n\nUsage: \(o.usage)"); return Exit.usage
    }
    guard let seedText = o.value("--seed"), let seed = UInt64(seedText) else { printErr("jianfu generate-population: --seed S is required (a whole number)"); return Exit.usage }
    let (yok, year) = parseYear(o)
    guard yok else { return Exit.usage }
    guard let format = PopulationGenerator.Format(rawValue: o.value("--format") ?? "csv") else {
        printErr("jianfu generate-population: --format takes csv or ndjson"); return Exit.usage
    }
    var g = PopulationGenerator(count: n, seed: seed, year: year ?? 2017)
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
