/// A relief claim: one rule, one enterprise and year, an amount and/or a rate.
public struct Claim: Sendable {
    public var claimID: String
    public var enterpriseID: String?
    public var profile: Profile?
    public var ruleID: String?
    public var year: Int?
    /// 元, exact.
    public var amount: Rational?
    /// A fraction (0.3 for 30%).
    public var rate: Rational?
    /// Where the claim was read (`claims.json:12:5`, `claims.csv:4`).
    public var origin: String
    /// Why the claim cannot be read, if it cannot.
    public var errors: [String] = []
}

/// Reads claims from JSON (one object or an array) or CSV. A malformed claim is kept with its errors so the
/// batch completes and claims in = verdicts out.
public enum ClaimReader {
    static let keys = ["claim_id", "enterprise_id", "profile", "rule_id", "year", "claimed_amount", "claimed_rate", "note"]
    /// CSV headers: field names or these Chinese labels.
    static let labels = ["申请编号": "claim_id", "企业编号": "enterprise_id", "统一社会信用代码": "enterprise_id", "规则编号": "rule_id",
                         "年度": "year", "申请金额": "claimed_amount", "申请比例": "claimed_rate", "备注": "note"]

    public static func read(path: String, schema: Schema) throws(Diagnostics) -> [Claim] {
        if PopulationFormat.guess(path) == .csv && !path.lowercased().hasSuffix(".json") && path != "-" {
            return try readCSV(path: path)
        }
        let root = try InputFile.json(path)
        let nodes = root.arrayItems ?? [root]
        if nodes.isEmpty { throw Diagnostics([Diagnostic(path, "no claims: the array is empty")]) }
        return nodes.enumerated().map { claim($0.element, index: $0.offset, path: path, schema: schema) }
    }

    static func claim(_ n: JSONNode, index: Int, path: String, schema: Schema) -> Claim {
        var c = Claim(claimID: "#\(index + 1)", origin: "\(path):\(n.line):\(n.column)")
        guard let members = n.objectMembers else {
            c.errors.append("expected a claim object, got \(n.value.typeName)")
            return c
        }
        for m in members where !keys.contains(m.key) {
            c.errors.append("unknown key \"\(m.key)\"" + Suggest.hint(m.key, in: keys))
        }
        func text(_ key: String) -> String? {
            guard let v = n[key], !v.isNull else { return nil }
            if let s = v.stringValue { return s }
            if case .number(let t) = v.value { return t }
            c.errors.append("\(key): expected a string, got \(v.value.typeName)")
            return nil
        }
        if let id = text("claim_id") { c.claimID = id } else { c.errors.append("missing claim_id") }
        c.enterpriseID = text("enterprise_id")
        c.ruleID = text("rule_id")
        if let p = n["profile"], !p.isNull {
            switch ProfileReader(schema: schema).read(p, origin: path) {
            case .success(let prof): c.profile = prof
            case .failure(let d): c.errors.append("profile: " + d.items.map { ($0.context.map { $0 + ": " } ?? "") + $0.message }.joined(separator: "; "))
            }
        }
        setYear(&c, n["year"].map(render))
        setAmount(&c, n["claimed_amount"].map(render))
        setRate(&c, n["claimed_rate"].map(render))
        return c
    }

    static func render(_ n: JSONNode) -> String? {
        switch n.value {
        case .null: return nil
        case .number(let t): return t
        case .string(let s): return s
        default: return "\u{0}" + n.value.typeName
        }
    }

    static func setYear(_ c: inout Claim, _ v: String??) {
        guard let v = v ?? nil, !v.isEmpty else { c.errors.append("missing year"); return }
        guard let y = Int(v.trimmingCharacters(in: .whitespaces)), (1900...2200).contains(y) else {
            c.errors.append("malformed year \"\(v.replacingOccurrences(of: "\u{0}", with: ""))\": expected a four-digit year such as 2017")
            return
        }
        c.year = y
    }

    static func setAmount(_ c: inout Claim, _ v: String??) {
        guard let v = v ?? nil, !v.isEmpty else { return }
        guard let d = DecimalText.parse(v), !d.percent, let r = Rational(units: d.units, scale: d.scale) else {
            c.errors.append("claimed_amount: expected an amount in 元, got \"\(v.replacingOccurrences(of: "\u{0}", with: ""))\"")
            return
        }
        if r.isNegative { c.errors.append("claimed_amount must not be negative, got \(v)"); return }
        if r.magnitudeExceeds(1_000_000_000_000_000) { c.errors.append("claimed_amount is too large: \(v)"); return }
        c.amount = r
    }

    static func setRate(_ c: inout Claim, _ v: String??) {
        guard let v = v ?? nil, !v.isEmpty else { return }
        guard let d = DecimalText.parse(v), let r = Rational(units: d.units, scale: d.scale) else {
            c.errors.append("claimed_rate: expected a fraction such as 0.3, got \"\(v.replacingOccurrences(of: "\u{0}", with: ""))\"")
            return
        }
        if r.isNegative || r > .one { c.errors.append("claimed_rate must lie in [0, 1] (0.3 for 30%), got \(v)"); return }
        c.rate = r
    }

    static func readCSV(path: String) throws(Diagnostics) -> [Claim] {
        var claims: [Claim] = []
        do {
            let reader = try CSVReader(path: path, encoding: .auto)
            guard let headerRow = try reader.next() else { throw Diagnostics([Diagnostic(path, "no header row: the file is empty")]) }
            let header = try headerRow.strings().map { $0.trimmingCharacters(in: .whitespaces) }
            var names: [String] = []
            var diags: [Diagnostic] = []
            for (i, h) in header.enumerated() {
                let name = labels[h] ?? h
                if !keys.contains(name) || name == "profile" {
                    diags.append(Diagnostic("\(path):1:\(i + 1)", "unknown column \"\(h)\"" + Suggest.hint(h, in: keys.filter { $0 != "profile" })))
                }
                if names.contains(name) { diags.append(Diagnostic("\(path):1:\(i + 1)", "column \"\(h)\" is given twice")) }
                names.append(name)
            }
            if !diags.isEmpty { throw Diagnostics(diags) }
            while let row = try reader.next() {
                var c = Claim(claimID: "#\(claims.count + 1)", origin: "\(path):\(row.line)")
                let cells = try row.strings()
                if cells.count != names.count { c.errors.append("expected \(names.count) cells as in the header, got \(cells.count)") }
                var values: [String: String] = [:]
                for (i, n) in names.enumerated() where i < cells.count {
                    let v = cells[i].trimmingCharacters(in: .whitespaces)
                    if !v.isEmpty { values[n] = v }
                }
                if let id = values["claim_id"] { c.claimID = id } else { c.errors.append("missing claim_id") }
                c.enterpriseID = values["enterprise_id"]
                c.ruleID = values["rule_id"]
                setYear(&c, values["year"])
                setAmount(&c, values["claimed_amount"])
                setRate(&c, values["claimed_rate"])
                claims.append(c)
            }
        } catch let e as CSVError {
            throw Diagnostics([Diagnostic(path, e.description)])
        } catch let d as Diagnostics {
            throw d
        } catch {
            throw Diagnostics([Diagnostic(path, "\(error)")])
        }
        if claims.isEmpty { throw Diagnostics([Diagnostic(path, "no claims: only a header")]) }
        return claims
    }
}
