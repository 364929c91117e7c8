/// The mergeable partial aggregate written by `simulate --partial` and combined by `jianfu merge`.
///
/// Format `jianfu-partial/1`: one JSON object with the rule pack hash, the scenarios, the rule ids, the row
/// counts and the aggregates (every amount an integer number of fen, as a string), plus a SHA-256 checksum of
/// all of that, so a truncated or edited partial is refused instead of silently undercounting.
public struct Partial: Sendable {
    public static let format = "jianfu-partial/1"

    public var rulePack: String
    /// What must agree for partials to merge (year and reform hash per scenario).
    public var scenarios: [String]
    /// The scenarios' names for reports (information only: never decides whether partials merge).
    public var labels: [String]
    public var ruleIDs: [String]
    public var aggregates: [Aggregate]

    public init(rulePack: String, scenarios: [String], labels: [String]? = nil, ruleIDs: [String], aggregates: [Aggregate]) {
        self.rulePack = rulePack; self.scenarios = scenarios; self.labels = labels ?? scenarios
        self.ruleIDs = ruleIDs; self.aggregates = aggregates
    }

    func body() -> String {
        var w = JSONWriter(indent: 0)
        w.beginObject()
        w.string("format", Partial.format)
        w.string("rule_pack", rulePack)
        w.strings("scenarios", scenarios)
        w.strings("labels", labels)
        w.strings("rules", ruleIDs)
        w.beginArray("aggregates")
        for a in aggregates { Partial.write(a, &w) }
        w.endArray()
        w.endObject()
        return w.text
    }

    /// The partial as one line of JSON: `{"body": …, "checksum": "…"}`.
    public func encoded() -> String {
        let b = body()
        var h = SHA256()
        h.update(Array(b.utf8))
        return "{\"body\":" + b + ",\"checksum\":\"" + SHA256.hex(of: h.finalize()) + "\"}\n"
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

    /// Reads and verifies a partial; every problem names the file.
    public static func decode(_ bytes: [UInt8], file: String) throws(Diagnostics) -> Partial {
        func fail(_ m: String) -> Diagnostics { Diagnostics([Diagnostic(file, m)]) }
        let root: JSONNode
        do { root = try JSONParser.parse(bytes) } catch {
            throw fail("not a complete partial (\(error.line):\(error.column): \(error.message)); was it truncated?")
        }
        guard let body = root["body"], let sum = root["checksum"]?.stringValue else {
            throw fail("not a jianfu partial: expected {\"body\": …, \"checksum\": …}")
        }
        guard body["format"]?.stringValue == format else {
            throw fail("partial format \(body["format"]?.preview ?? "missing") is not \(format): produce both with the same jianfu version")
        }
        var h = SHA256()
        h.update(Array(reencode(body).utf8))
        guard SHA256.hex(of: h.finalize()) == sum else { throw fail("checksum mismatch: the partial was modified or corrupted") }
        let scenarios = (body["scenarios"]?.arrayItems ?? []).compactMap(\.stringValue)
        let labels = (body["labels"]?.arrayItems ?? []).compactMap(\.stringValue)
        var p = Partial(rulePack: body["rule_pack"]?.stringValue ?? "", scenarios: scenarios,
                        labels: labels.count == scenarios.count ? labels : scenarios,
                        ruleIDs: (body["rules"]?.arrayItems ?? []).compactMap(\.stringValue), aggregates: [])
        for a in body["aggregates"]?.arrayItems ?? [] {
            guard let agg = aggregate(a, rules: p.ruleIDs.count) else { throw fail("malformed aggregate") }
            p.aggregates.append(agg)
        }
        guard p.aggregates.count == p.scenarios.count else { throw fail("malformed partial: scenarios and aggregates differ") }
        return p
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
        func int(_ x: JSONNode?) -> Int? {
            guard case .number(let t)? = x?.value else { return nil }
            return Int(t)
        }
        func big(_ x: JSONNode?) -> Int128? { x?.stringValue.flatMap { Int128($0) } }
        func bucket(_ x: JSONNode?) -> Aggregate.Bucket? {
            guard let x, let n = int(x["n"]), let b = int(x["b"]), let lo = big(x["lo"]), let hi = big(x["hi"]) else { return nil }
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

    /// Merges partials of one rule pack and scenario set; refuses anything else with a clear message.
    public static func merge(_ parts: [(Partial, String)]) throws(Diagnostics) -> Partial {
        guard var first = parts.first?.0 else { throw Diagnostics([Diagnostic("merge", "no partials given")]) }
        let firstFile = parts[0].1
        for (p, file) in parts.dropFirst() {
            if p.rulePack != first.rulePack {
                throw Diagnostics([Diagnostic(file, "rule pack \(p.rulePack) differs from \(first.rulePack) in \(firstFile): partials of different policy folders cannot be merged")])
            }
            if p.scenarios != first.scenarios {
                throw Diagnostics([Diagnostic(file, "scenario \(p.scenarios) differs from \(first.scenarios) in \(firstFile): run every shard with the same --year and --reform")])
            }
            if p.ruleIDs != first.ruleIDs { throw Diagnostics([Diagnostic(file, "rule list differs from \(firstFile)")]) }
            for i in first.aggregates.indices { first.aggregates[i].merge(p.aggregates[i]) }
        }
        return first
    }
}
