/// The mergeable partial aggregate written by `simulate --partial` and combined by `jianfu merge`.
///
/// Format `jianfu-partial/2`: one JSON object with the rule pack hash, the scenarios, the rule ids, the inputs
/// it read (their identity), the row counts and the aggregates (every amount an integer number of fen, as a
/// string), plus a SHA-256 checksum of all of that, so a truncated or damaged partial is refused instead of
/// silently undercounting. The checksum guards against accidents only — anyone can recompute it — so partials
/// that travel between machines carry an HMAC-SHA256 with a shared key (`--key FILE`) as well.
public struct Partial: Sendable {
    public static let format = "jianfu-partial/2"

    /// The identity of one input a partial read: `merge` refuses two partials that read the same bytes.
    public struct Input: Sendable, Equatable {
        /// The file as given to `simulate` (`<stdin>` for standard input).
        public var name: String
        /// `InputDigest` of every byte read.
        public var digest: String
        public var bytes: Int
        /// Physical lines read (the header included).
        public var lines: Int
        public var rows: Int

        public init(name: String, digest: String, bytes: Int, lines: Int, rows: Int) {
            self.name = name; self.digest = digest; self.bytes = bytes; self.lines = lines; self.rows = rows
        }
    }

    /// The largest absolute amount (fen) a partial may hold: 10^24 fen, far beyond any economy, so the sums of
    /// any number of partials a run can hold stay exact in 128 bits.
    static let amountBound: Int128 = 1_000_000_000_000_000_000_000_000
    /// The largest count a partial may hold.
    static let countBound = 1_000_000_000_000_000

    public var rulePack: String
    /// What must agree for partials to merge (year and reform hash per scenario).
    public var scenarios: [String]
    /// The scenarios' names for reports (information only: never decides whether partials merge).
    public var labels: [String]
    public var ruleIDs: [String]
    /// What the partial read: one input for `simulate --partial`, all of them for a merged partial.
    public var inputs: [Input]
    public var aggregates: [Aggregate]

    public init(rulePack: String, scenarios: [String], labels: [String]? = nil, ruleIDs: [String], inputs: [Input] = [],
                aggregates: [Aggregate]) {
        self.rulePack = rulePack; self.scenarios = scenarios; self.labels = labels ?? scenarios
        self.ruleIDs = ruleIDs; self.inputs = inputs; self.aggregates = aggregates
    }

    func body() -> String {
        var w = JSONWriter(indent: 0)
        w.beginObject()
        w.string("format", Partial.format)
        w.string("rule_pack", rulePack)
        w.strings("scenarios", scenarios)
        w.strings("labels", labels)
        w.strings("rules", ruleIDs)
        w.beginArray("inputs")
        for i in inputs {
            w.beginObject()
            w.string("name", i.name); w.string("digest", i.digest)
            w.int("bytes", i.bytes); w.int("lines", i.lines); w.int("rows", i.rows)
            w.endObject()
        }
        w.endArray()
        w.beginArray("aggregates")
        for a in aggregates { Partial.write(a, &w) }
        w.endArray()
        w.endObject()
        return w.text
    }

    /// The partial as one line of JSON: `{"body": …, "checksum": "…"}`, with `"hmac": "…"` when a key is given.
    public func encoded(key: [UInt8]? = nil) -> String {
        let b = body()
        var out = "{\"body\":" + b + ",\"checksum\":\"" + SHA256.hex(of: SHA256.hash(Array(b.utf8))) + "\""
        if let key { out += ",\"hmac\":\"" + SHA256.hex(of: SHA256.hmac(key: key, message: Array(b.utf8))) + "\"" }
        return out + "}\n"
    }

    static func write(_ a: Aggregate, _ w: inout JSONWriter) {
        func big(_ k: String, _ v: Int128) { w.string(k, String(v)) }
        func bucket(_ k: String?, _ b: Aggregate.Bucket) {
            w.beginObject(k)
            w.int("n", b.enterprises); w.int("b", b.beneficiaries); big("lo", b.low); big("hi", b.high)
            w.endObject()
        }
        w.beginObject()
        w.int("read", a.rowsRead); w.int("evaluated", a.evaluated); w.int("rejected", a.rejected)
        w.int("with_undetermined", a.withUndetermined); big("liquidity", a.liquidity)
        bucket("total", a.total)
        w.beginArray("rules")
        for r in a.rules {
            w.beginArray()
            for v in [r.eligible, r.superseded, r.undetermined, r.ineligible, r.notInForce] { w.int(nil, v) }
            for v in [r.low, r.high, r.liquidity] { w.string(nil, String(v)) }
            w.endArray()
        }
        w.endArray()
        for (name, dict) in [("categories", a.categories), ("regions", a.regions), ("sizes", a.sizes)] {
            w.beginObject(name)
            for k in dict.keys.sorted() { if let b = dict[k] { bucket(k, b) } }
            w.endObject()
        }
        w.beginObject("histogram")
        for k in a.histogram.keys.sorted() { w.int(String(k), a.histogram[k]) }
        w.endObject()
        w.endObject()
    }

    /// Reads and verifies a partial; every problem names the file. With a key, the partial must carry a valid
    /// HMAC made with that key.
    public static func decode(_ bytes: [UInt8], file: String, key: [UInt8]? = nil, lang: Lang = .en) throws(Diagnostics) -> Partial {
        func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
        func fail(_ zh: String, _ en: String) -> Diagnostics { Diagnostics([Diagnostic(file, t(zh, en))]) }
        let root: JSONNode
        do { root = try JSONParser.parse(bytes) } catch {
            throw fail("不是完整的部分汇总（\(error.line):\(error.column)：\(error.message)），是否被截断？",
                       "not a complete partial (\(error.line):\(error.column): \(error.message)); was it truncated?")
        }
        guard let body = root["body"], let sum = root["checksum"]?.stringValue else {
            throw fail("不是 jianfu 部分汇总：应为 {\"body\": …, \"checksum\": …}", "not a jianfu partial: expected {\"body\": …, \"checksum\": …}")
        }
        guard body["format"]?.stringValue == format else {
            let got = body["format"]?.preview ?? t("缺失", "missing")
            throw fail("部分汇总格式 \(got) 不是 \(format)：请用同一版本的 jianfu 生成和合并",
                       "partial format \(got) is not \(format): produce and merge partials with the same jianfu version")
        }
        let text = Array(reencode(body).utf8)
        guard SHA256.hex(of: SHA256.hash(text)) == sum else {
            throw fail("校验和不符：部分汇总被修改或损坏", "checksum mismatch: the partial was modified or corrupted")
        }
        if let key {
            guard let mac = root["hmac"]?.stringValue else {
                throw fail("没有 HMAC：给了 --key，但这个部分汇总生成时没有用密钥（simulate --partial … --key FILE）",
                           "no HMAC: --key was given, but this partial was written without a key (simulate --partial … --key FILE)")
            }
            guard SHA256.hex(of: SHA256.hmac(key: key, message: text)) == mac else {
                throw fail("HMAC 不符：部分汇总被修改，或用了另一把密钥", "HMAC mismatch: the partial was modified or made with another key")
            }
        }
        let scenarios = (body["scenarios"]?.arrayItems ?? []).compactMap(\.stringValue)
        let labels = (body["labels"]?.arrayItems ?? []).compactMap(\.stringValue)
        var p = Partial(rulePack: body["rule_pack"]?.stringValue ?? "", scenarios: scenarios,
                        labels: labels.count == scenarios.count ? labels : scenarios,
                        ruleIDs: (body["rules"]?.arrayItems ?? []).compactMap(\.stringValue), aggregates: [])
        for (k, n) in (body["inputs"]?.arrayItems ?? []).enumerated() {
            guard let name = n["name"]?.stringValue, let digest = n["digest"]?.stringValue,
                  let b = count(n["bytes"]), let l = count(n["lines"]), let r = count(n["rows"]) else {
                throw fail("inputs[\(k)] 不完整：应有 name、digest、bytes、lines、rows", "inputs[\(k)] is incomplete: expected name, digest, bytes, lines, rows")
            }
            p.inputs.append(Input(name: name, digest: digest, bytes: b, lines: l, rows: r))
        }
        for (k, a) in (body["aggregates"]?.arrayItems ?? []).enumerated() {
            guard let agg = aggregate(a, rules: p.ruleIDs.count) else {
                throw fail("aggregates[\(k)] 格式不对：缺少字段或数值超出范围（计数 0…10^15，金额绝对值 ≤ 10^24 分）",
                           "aggregates[\(k)] is malformed: a field is missing or out of range (counts 0…10^15, amounts within ±10^24 fen)")
            }
            if let problem = inconsistency(agg, lang: lang) { throw fail("aggregates[\(k)]：" + problem, "aggregates[\(k)]: " + problem) }
            p.aggregates.append(agg)
        }
        guard p.aggregates.count == p.scenarios.count, !p.scenarios.isEmpty else {
            throw fail("部分汇总格式不对：情景数与汇总数不同", "malformed partial: scenarios and aggregates differ")
        }
        let rowsOfInputs = p.inputs.reduce(Int128(0)) { $0 + Int128($1.rows) }
        if !p.inputs.isEmpty, rowsOfInputs != Int128(p.aggregates[0].rowsRead) {
            throw fail("inputs 的行数合计 \(rowsOfInputs) 与读入行数 \(p.aggregates[0].rowsRead) 不符",
                       "the inputs' rows add up to \(rowsOfInputs), but the partial read \(p.aggregates[0].rowsRead) rows")
        }
        return p
    }

    static func count(_ x: JSONNode?) -> Int? {
        guard case .number(let t)? = x?.value, let v = Int(t), v >= 0, v <= countBound else { return nil }
        return v
    }

    /// What does not add up in an aggregate, in words; nil when every count and sum agrees with the others.
    static func inconsistency(_ a: Aggregate, lang: Lang) -> String? {
        func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
        if Int128(a.evaluated) + Int128(a.rejected) != Int128(a.rowsRead) {
            return t("读入 \(a.rowsRead) 行 ≠ 评价 \(a.evaluated) + 拒绝 \(a.rejected)", "rows read \(a.rowsRead) ≠ evaluated \(a.evaluated) + rejected \(a.rejected)")
        }
        if a.total.enterprises != a.evaluated || a.total.beneficiaries > a.evaluated || a.withUndetermined > a.evaluated {
            return t("合计的企业数、受益企业数或待确定企业数与评价行数 \(a.evaluated) 不符", "the total's enterprises, beneficiaries or enterprises with undetermined rules disagree with the \(a.evaluated) rows evaluated")
        }
        for (i, r) in a.rules.enumerated()
        where [r.eligible, r.superseded, r.undetermined, r.ineligible, r.notInForce].reduce(Int128(0), { $0 + Int128($1) }) != Int128(a.evaluated) {
            return t("第 \(i + 1) 条规则的各状态计数之和不等于评价行数 \(a.evaluated)", "the status counts of rule \(i + 1) do not add up to the \(a.evaluated) rows evaluated")
        }
        // Sums in 128 bits: a hand-edited partial may hold many keys of the largest allowed count.
        func sums(_ d: [String: Aggregate.Bucket]) -> (Int128, Int128, Int128) {
            d.values.reduce((0, 0, 0)) { ($0.0 + Int128($1.enterprises), $0.1 + $1.low, $0.2 + $1.high) }
        }
        if a.categories.values.contains(where: { $0.enterprises > a.evaluated }) {
            return t("某类别的企业数大于评价行数 \(a.evaluated)", "a category counts more enterprises than the \(a.evaluated) rows evaluated")
        }
        for (name, d) in [(t("地区", "regions"), a.regions), (t("规模", "sizes"), a.sizes)] {
            let s = sums(d)
            if s.0 != Int128(a.evaluated) || s.1 != a.total.low || s.2 != a.total.high {
                return t("\(name)的企业数或金额之和与合计不符", "the \(name)' enterprises or amounts do not add up to the total")
            }
        }
        let c = sums(a.categories)
        let r = a.rules.reduce((Int128(0), Int128(0), Int128(0))) { ($0.0 + $1.low, $0.1 + $1.high, $0.2 + $1.liquidity) }
        if c.1 != a.total.low || c.2 != a.total.high || r.0 != a.total.low || r.1 != a.total.high || r.2 != a.liquidity {
            return t("类别或规则的金额之和与合计不符", "the categories' or rules' amounts do not add up to the total")
        }
        if a.histogram.values.reduce(Int128(0), { $0 + Int128($1) }) != Int128(a.total.beneficiaries) {
            return t("中位数直方图的计数之和与受益企业数不符", "the median histogram's counts do not add up to the beneficiaries")
        }
        if a.total.low > a.total.high { return t("合计下限大于上限", "the total's low end exceeds its high end") }
        return nil
    }

    /// The body exactly as `body()` wrote it (compact JSON in the same key order), for the checksum.
    static func reencode(_ n: JSONNode) -> String {
        switch n.value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let t): return t
        case .string(let s): return JSONWriter.quote(s)
        case .array(let items): return "[" + items.map(reencode).joined(separator: ",") + "]"
        case .object(let ms): return "{" + ms.map { JSONWriter.quote($0.key) + ":" + reencode($0.value) }.joined(separator: ",") + "}"
        }
    }

    static func aggregate(_ n: JSONNode, rules: Int) -> Aggregate? {
        func int(_ x: JSONNode?) -> Int? { count(x) }
        func big(_ x: JSONNode?) -> Int128? {
            guard let v = x?.stringValue.flatMap({ Int128($0) }), v >= -amountBound, v <= amountBound else { return nil }
            return v
        }
        func bucket(_ x: JSONNode?) -> Aggregate.Bucket? {
            guard let x, let n = int(x["n"]), let b = int(x["b"]), b <= n, let lo = big(x["lo"]), let hi = big(x["hi"]), lo <= hi else { return nil }
            return Aggregate.Bucket(enterprises: n, beneficiaries: b, low: lo, high: hi)
        }
        var a = Aggregate(ruleCount: rules)
        guard let read = int(n["read"]), let ev = int(n["evaluated"]), let rej = int(n["rejected"]),
              let wu = int(n["with_undetermined"]), let liq = big(n["liquidity"]), let total = bucket(n["total"]),
              let rs = n["rules"]?.arrayItems, rs.count == rules else { return nil }
        a.rowsRead = read; a.evaluated = ev; a.rejected = rej; a.withUndetermined = wu; a.liquidity = liq; a.total = total
        for (i, r) in rs.enumerated() {
            guard let v = r.arrayItems, v.count == 8, let e = int(v[0]), let s = int(v[1]), let u = int(v[2]), let ie = int(v[3]),
                  let nf = int(v[4]), let lo = big(v[5]), let hi = big(v[6]), let lq = big(v[7]) else { return nil }
            a.rules[i] = Aggregate.RuleStats(eligible: e, superseded: s, undetermined: u, ineligible: ie, notInForce: nf, low: lo, high: hi, liquidity: lq)
        }
        for (name, path) in [("categories", \Aggregate.categories), ("regions", \Aggregate.regions), ("sizes", \Aggregate.sizes)] {
            for m in n[name]?.objectMembers ?? [] {
                guard let b = bucket(m.value) else { return nil }
                a[keyPath: path][m.key] = b
            }
        }
        for m in n["histogram"]?.objectMembers ?? [] {
            guard let k = Int(m.key), let v = int(m.value) else { return nil }
            a.histogram[k] = v
        }
        return a
    }

    /// Merges partials of one rule pack and scenario set; refuses anything else with a clear message, and refuses
    /// an input read twice (the same shard given twice, or a merged partial beside one of its parts).
    public static func merge(_ parts: [(Partial, String)], lang: Lang = .en) throws(Diagnostics) -> Partial {
        func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
        guard var first = parts.first?.0 else { throw Diagnostics([Diagnostic("merge", t("没有给出部分汇总", "no partials given"))]) }
        let firstFile = parts[0].1
        var seen: [String: (file: String, input: Input)] = [:]
        for (p, file) in parts {
            // An input with no rows (an empty partition: its header alone) adds nothing, so it may recur.
            for i in p.inputs where i.rows > 0 {
                if let before = seen[i.digest] {
                    throw Diagnostics([Diagnostic(file, t(
                        "与 \(before.file) 读的是同一份输入（\(i.name)，\(i.rows) 行，摘要 \(i.digest)）：同一分片给了两次，合并会重复计数",
                        "reads the same input as \(before.file) (\(i.name), \(i.rows) rows, digest \(i.digest)): the same shard given twice would be counted twice"))])
                }
                seen[i.digest] = (file, i)
            }
        }
        var total = first.aggregates
        for (p, file) in parts.dropFirst() {
            if p.rulePack != first.rulePack {
                throw Diagnostics([Diagnostic(file, t("规则包 \(p.rulePack) 与 \(firstFile) 的 \(first.rulePack) 不同：不同政策目录的部分汇总不能合并",
                                                      "rule pack \(p.rulePack) differs from \(first.rulePack) in \(firstFile): partials of different policy folders cannot be merged"))])
            }
            if p.scenarios != first.scenarios {
                throw Diagnostics([Diagnostic(file, t("情景 \(p.scenarios) 与 \(firstFile) 的 \(first.scenarios) 不同：每个分片须用相同的 --year 和 --reform",
                                                      "scenario \(p.scenarios) differs from \(first.scenarios) in \(firstFile): run every shard with the same --year and --reform"))])
            }
            if p.ruleIDs != first.ruleIDs { throw Diagnostics([Diagnostic(file, t("规则列表与 \(firstFile) 不同", "rule list differs from \(firstFile)"))]) }
            guard total[0].rowsRead <= countBound - p.aggregates[0].rowsRead else {
                throw Diagnostics([Diagnostic(file, t("合并后的行数将超过 10^15", "the merged row count would exceed 10^15"))])
            }
            for i in total.indices { total[i].merge(p.aggregates[i]) }
            first.inputs += p.inputs
        }
        first.aggregates = total
        return first
    }
}
