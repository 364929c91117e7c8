import Foundation

/// What a test case expects of one rule. Every key is optional; only what is given is checked.
public struct RuleExpectation: Sendable {
    public var rule: Int
    /// `file:line:col` of the expectation, for failures.
    public var location: String
    public var status: RuleStatus?
    /// Saving in fen, low and high (equal unless the clause gives a range).
    public var low: Int128?
    public var high: Int128?
    /// Liquidity amount in fen.
    public var amount: Int128?
    /// The id of the condition that fails (ineligible rules).
    public var failedCondition: String?
    /// `region`, `industry`, `enterprise_window` or `window_outside_year`.
    public var failed: String?
    /// The facts an undetermined rule asks for, as paths (`turnover_loans[0].days`), in order.
    public var missing: [String]?
    /// Text that one of the rule's problems contains (`industry_tax_per_mu`).
    public var problem: String?
    public var supersededBy: Int?
    public var mayOutrank: Int?
    /// The enterprise's own window `[from, until)`.
    public var enterpriseWindow: DayRange?
    /// `"saving": null`: the rule states no amount (informational rules).
    public var noSaving = false
    /// Fields whose schema default the result used (`"assumed": ["union_fee_remitted"]`).
    public var assumed: [String]?
}

/// Totals a case expects, in fen.
public struct TotalsExpectation: Sendable {
    public var location: String
    public var low: Int128?
    public var high: Int128?
    public var liquidity: Int128?
}

/// One case: a profile, a year, the hand computation and what each named rule must give.
public struct PolicyTestCase: Sendable {
    public var name: String
    public var file: String
    public var line: Int
    public var year: Int
    public var profile: Profile
    public var why: String
    public var expectations: [RuleExpectation]
    public var totals: TotalsExpectation?

    public var location: String { "\(file):\(line)" }
}

/// Reads the `"kind": "tests"` files of a policy folder: cases written as data beside the rules.
///
/// ```json
/// {"kind": "tests", "bases": {"urban": {"region_code": "330802", "industry_code": "C2614"}},
///  "cases": [{"name": "…", "year": 2017, "base": "urban", "profile": {"land_use_tax": 100000},
///             "why": "how the expected saving follows from the clause, by hand",
///             "expect": {"RULE-ID": {"status": "eligible", "saving": "11506.85"}}}]}
/// ```
public enum PolicyTestLoader {
    /// Every test file below `directory` (sorted by path), parsed against `policy`; problems name file:line:col.
    public static func load(directory: String, policy: PolicySet) -> (cases: [PolicyTestCase], files: [String], problems: [Diagnostic]) {
        var diags: [Diagnostic] = []
        var cases: [PolicyTestCase] = []
        var files: [String] = []
        for path in PolicyLoader.listFiles(directory, &diags) where path.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: path) else { diags.append(Diagnostic(path, "cannot read the file")); continue }
            guard let root = try? JSONParser.parse(Array(data)), root["kind"]?.stringValue == "tests" else { continue }
            files.append(path)
            var r = NodeReader(file: path)
            cases += load(root, &r, policy: policy)
            diags += r.diagnostics
        }
        return (cases, files, diags)
    }

    static func load(_ root: JSONNode, _ r: inout NodeReader, policy: PolicySet) -> [PolicyTestCase] {
        r.checkKeys(root, ["kind", "document", "note", "bases", "cases"], nil)
        var bases: [String: [JSONMember]] = [:]
        if let b = r.object(root["bases"], "bases", what: "bases") {
            for m in b.objectMembers ?? [] {
                if let members = r.object(m.value, "bases.\(m.key)", what: "a base profile")?.objectMembers { bases[m.key] = members }
            }
        }
        var out: [PolicyTestCase] = []
        for (i, c) in (r.array(root, "cases", nil, required: true) ?? []).enumerated() {
            guard r.object(c, "cases[\(i)]", what: "a case") != nil else { continue }
            let name = r.string(c, "name", "cases[\(i)]") ?? "cases[\(i)]"
            let ctx = "case “\(name)”"
            r.checkKeys(c, ["name", "year", "base", "profile", "why", "expect", "totals", "note"], ctx)
            if let why = r.string(c, "why", ctx), why.count < 10 {
                r.error(c, ctx, "\"why\": show the hand computation and cite the clause")
            }
            guard let year = r.int(c, "year", ctx) else { continue }
            var members: [JSONMember] = []
            if let base = r.string(c, "base", ctx, required: false) {
                if let b = bases[base] { members = b } else {
                    r.error(c, ctx, "unknown base \"\(base)\"" + Suggest.hint(base, in: bases.keys))
                }
            }
            if let p = r.object(c["profile"], ctx, what: "\"profile\"") {
                for m in p.objectMembers ?? [] {
                    members.removeAll { $0.key == m.key }
                    members.append(m)
                }
            }
            let node = JSONNode(value: .object(members), line: c.line, column: c.column)
            let profile: Profile
            switch ProfileReader(schema: policy.schema).read(node, origin: r.file) {
            case .success(let p): profile = p
            case .failure(let d):
                for item in d.items { r.diagnostics.append(Diagnostic(item.location, item.message, context: item.context ?? ctx)) }
                continue
            }
            var expectations: [RuleExpectation] = []
            if let e = r.object(c["expect"], ctx, what: "\"expect\"") {
                for m in e.objectMembers ?? [] {
                    guard let ri = policy.ruleIndex(m.key) else {
                        r.diagnostics.append(Diagnostic("\(r.file):\(m.keyLine):\(m.keyColumn)",
                                                        "unknown rule \"\(m.key)\"" + Suggest.hint(m.key, in: policy.rules.map(\.id)), context: ctx))
                        continue
                    }
                    if let x = expectation(m.value, rule: ri, &r, policy: policy, ctx: "\(ctx), \(m.key)") { expectations.append(x) }
                }
            } else if c["totals"] == nil {
                r.error(c, ctx, "missing \"expect\": expected {rule id: {status, saving, …}}")
            }
            var totals: TotalsExpectation?
            if let t = r.object(c["totals"], ctx, what: "\"totals\"") {
                r.checkKeys(t, ["low", "high", "saving", "liquidity"], "\(ctx), totals")
                var x = TotalsExpectation(location: r.location(t))
                if let s = t["saving"] { (x.low, x.high) = range(s, &r, "\(ctx), totals") }
                if let l = t["low"] { x.low = fen(l, &r, "\(ctx), totals.low") }
                if let h = t["high"] { x.high = fen(h, &r, "\(ctx), totals.high") }
                if let l = t["liquidity"] { x.liquidity = fen(l, &r, "\(ctx), totals.liquidity") }
                totals = x
            }
            out.append(PolicyTestCase(name: name, file: r.file, line: c.line, year: year, profile: profile,
                                      why: c["why"]?.stringValue ?? "", expectations: expectations, totals: totals))
        }
        return out
    }

    static let failures = ["region", "industry", "enterprise_window", "window_outside_year"]

    static func expectation(_ n: JSONNode, rule: Int, _ r: inout NodeReader, policy: PolicySet, ctx: String) -> RuleExpectation? {
        var x = RuleExpectation(rule: rule, location: r.location(n))
        if let s = n.stringValue {
            // Shorthand: a status alone.
            guard let st = RuleStatus(rawValue: s) else { r.error(n, ctx, "expected a status or an object, got \"\(s)\""); return nil }
            x.status = st
            return x
        }
        guard r.object(n, ctx, what: "an expectation") != nil else { return nil }
        r.checkKeys(n, ["status", "saving", "amount", "failed_condition", "failed", "missing", "problem", "superseded_by",
                        "may_outrank", "enterprise_window", "assumed", "note"], ctx)
        if let s = r.string(n, "status", ctx, required: false) {
            if let st = RuleStatus(rawValue: s) { x.status = st } else {
                r.error(n["status"]!, ctx, "unknown status \"\(s)\"" + Suggest.hint(s, in: RuleStatus.allCases.map(\.rawValue)))
            }
        }
        if let s = n["saving"] {
            if s.isNull { x.noSaving = true } else { (x.low, x.high) = range(s, &r, ctx + ", saving") }
        }
        if n["assumed"] != nil {
            x.assumed = r.strings(n, "assumed", ctx)
            for name in x.assumed ?? [] where policy.schema.fieldIndex(name) == nil {
                r.error(n["assumed"]!, ctx, "unknown profile field \"\(name)\"" + Suggest.hint(name, in: policy.schema.fields.map(\.name)))
            }
        }
        if let a = n["amount"] { x.amount = fen(a, &r, ctx + ", amount") }
        let rule = policy.rules[rule]
        if let c = r.string(n, "failed_condition", ctx, required: false) {
            if rule.conditions.contains(where: { $0.id == c }) { x.failedCondition = c } else {
                r.error(n["failed_condition"]!, ctx, "the rule has no condition \"\(c)\"" + Suggest.hint(c, in: rule.conditions.map(\.id)))
            }
        }
        if let f = r.string(n, "failed", ctx, required: false) {
            if failures.contains(f) { x.failed = f } else { r.error(n["failed"]!, ctx, "\"failed\": expected one of \(failures.joined(separator: ", ")), got \"\(f)\"") }
        }
        if n["missing"] != nil { x.missing = r.strings(n, "missing", ctx) }
        x.problem = r.string(n, "problem", ctx, required: false)
        for (key, path) in [("superseded_by", \RuleExpectation.supersededBy), ("may_outrank", \RuleExpectation.mayOutrank)] {
            guard let id = r.string(n, key, ctx, required: false) else { continue }
            if let i = policy.ruleIndex(id) { x[keyPath: path] = i } else {
                r.error(n[key]!, ctx, "unknown rule \"\(id)\"" + Suggest.hint(id, in: policy.rules.map(\.id)))
            }
        }
        if let w = r.object(n["enterprise_window"], ctx, what: "\"enterprise_window\"") {
            r.checkKeys(w, ["from", "until"], ctx + ", enterprise_window")
            if let from = r.date(w, "from", ctx), let until = r.date(w, "until", ctx) { x.enterpriseWindow = DayRange(from, until) }
        }
        return x
    }

    /// `"11506.85"`, `11506.85` or `{"low": …, "high": …}`.
    static func range(_ n: JSONNode, _ r: inout NodeReader, _ ctx: String) -> (Int128?, Int128?) {
        if n.objectMembers != nil {
            r.checkKeys(n, ["low", "high"], ctx)
            guard let l = n["low"], let h = n["high"] else { r.error(n, ctx, "expected {\"low\": …, \"high\": …}"); return (nil, nil) }
            return (fen(l, &r, ctx + ".low"), fen(h, &r, ctx + ".high"))
        }
        let v = fen(n, &r, ctx)
        return (v, v)
    }

    /// An amount in 元 with at most two decimals, as a string or a number.
    static func fen(_ n: JSONNode, _ r: inout NodeReader, _ ctx: String) -> Int128? {
        let text: String
        switch n.value {
        case .string(let s): text = s.replacingOccurrences(of: ",", with: "")
        case .number(let s): text = s
        default: r.error(n, ctx, "expected an amount in 元 such as \"11506.85\", got \(n.value.typeName)"); return nil
        }
        guard let q = Rational.parse(jsonNumber: text), let f = q.roundedToFen(), Rational(f, 100) == q else {
            r.error(n, ctx, "expected an amount in 元 with at most two decimals, got \(n.preview)"); return nil
        }
        return f
    }
}
