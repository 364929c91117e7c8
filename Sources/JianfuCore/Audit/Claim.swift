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

    public static func read(path: String, schema: Schema, lang: Lang = .en) throws(Diagnostics) -> [Claim] {
        if PopulationFormat.guess(path) == .csv && !path.lowercased().hasSuffix(".json") && path != "-" {
            return try readCSV(path: path, lang: lang)
        }
        let root = try InputFile.json(path)
        let nodes = root.arrayItems ?? [root]
        if nodes.isEmpty { throw Diagnostics([Diagnostic(path, "no claims: the array is empty")]) }
        return nodes.enumerated().map { claim($0.element, index: $0.offset, path: path, schema: schema, lang: lang) }
    }

    static func claim(_ n: JSONNode, index: Int, path: String, schema: Schema, lang: Lang = .en) -> Claim {
        func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
        var c = Claim(claimID: "#\(index + 1)", origin: "\(path):\(n.line):\(n.column)")
        guard let members = n.objectMembers else {
            c.errors.append(t("应为申请对象，实际为 \(n.value.typeName)", "expected a claim object, got \(n.value.typeName)"))
            return c
        }
        for m in members where !keys.contains(m.key) {
            c.errors.append(t("未知键 \"\(m.key)\"", "unknown key \"\(m.key)\"") + Suggest.hint(m.key, in: keys, lang: lang))
        }
        func text(_ key: String) -> String? {
            guard let v = n[key], !v.isNull else { return nil }
            if let s = v.stringValue { return s }
            if case .number(let t) = v.value { return t }
            c.errors.append(t("\(key)：应为文字，实际为 \(v.value.typeName)", "\(key): expected a string, got \(v.value.typeName)"))
            return nil
        }
        if let id = text("claim_id") { c.claimID = id } else { c.errors.append(t("缺少 claim_id", "missing claim_id")) }
        c.enterpriseID = text("enterprise_id")
        c.ruleID = text("rule_id")
        if let p = n["profile"], !p.isNull {
            switch ProfileReader(schema: schema, lang: lang).read(p, origin: path) {
            case .success(let prof): c.profile = prof
            case .failure(let d): c.errors.append("profile: " + d.items.map { ($0.context.map { $0 + ": " } ?? "") + $0.message }.joined(separator: "; "))
            }
        }
        setYear(&c, n["year"].map(render), lang)
        setAmount(&c, n["claimed_amount"].map(render), lang)
        setRate(&c, n["claimed_rate"].map(render), lang)
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

    static func setYear(_ c: inout Claim, _ v: String??, _ lang: Lang = .en) {
        func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
        guard let v = v ?? nil, !v.isEmpty else { c.errors.append(t("缺少年度", "missing year")); return }
        guard let y = Int(v.trimmingCharacters(in: .whitespaces)), (1900...2200).contains(y) else {
            let shown = v.replacingOccurrences(of: "\u{0}", with: "")
            c.errors.append(t("年度格式错误 \"\(shown)\"：应为四位年份，如2017", "malformed year \"\(shown)\": expected a four-digit year such as 2017"))
            return
        }
        c.year = y
    }

    static func setAmount(_ c: inout Claim, _ v: String??, _ lang: Lang = .en) {
        func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
        guard let v = v ?? nil, !v.isEmpty else { return }
        guard let d = DecimalText.parse(v), !d.percent, let r = Rational(units: d.units, scale: d.scale) else {
            let shown = v.replacingOccurrences(of: "\u{0}", with: "")
            c.errors.append(t("claimed_amount：应为金额（元），实际为 \"\(shown)\"", "claimed_amount: expected an amount in 元, got \"\(shown)\""))
            return
        }
        if r.isNegative { c.errors.append(t("claimed_amount 不能为负，实际为 \(v)", "claimed_amount must not be negative, got \(v)")); return }
        if r.magnitudeExceeds(1_000_000_000_000_000) { c.errors.append(t("claimed_amount 过大：\(v)", "claimed_amount is too large: \(v)")); return }
        c.amount = r
    }

    static func setRate(_ c: inout Claim, _ v: String??, _ lang: Lang = .en) {
        func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
        guard let v = v ?? nil, !v.isEmpty else { return }
        guard let d = DecimalText.parse(v), let r = Rational(units: d.units, scale: d.scale) else {
            let shown = v.replacingOccurrences(of: "\u{0}", with: "")
            c.errors.append(t("claimed_rate：应为比例（如0.3），实际为 \"\(shown)\"", "claimed_rate: expected a fraction such as 0.3, got \"\(shown)\""))
            return
        }
        if r.isNegative || r > .one { c.errors.append(t("claimed_rate 应在 [0, 1] 之间（30% 写作 0.3），实际为 \(v)", "claimed_rate must lie in [0, 1] (0.3 for 30%), got \(v)")); return }
        c.rate = r
    }

    static func readCSV(path: String, lang: Lang = .en) throws(Diagnostics) -> [Claim] {
        func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
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
                if cells.count != names.count { c.errors.append(t("应有 \(names.count) 个单元格（同表头），实际 \(cells.count) 个", "expected \(names.count) cells as in the header, got \(cells.count)")) }
                var values: [String: String] = [:]
                for (i, n) in names.enumerated() where i < cells.count {
                    let v = cells[i].trimmingCharacters(in: .whitespaces)
                    if !v.isEmpty { values[n] = v }
                }
                if let id = values["claim_id"] { c.claimID = id } else { c.errors.append(t("缺少 claim_id", "missing claim_id")) }
                c.enterpriseID = values["enterprise_id"]
                c.ruleID = values["rule_id"]
                setYear(&c, values["year"], lang)
                setAmount(&c, values["claimed_amount"], lang)
                setRate(&c, values["claimed_rate"], lang)
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
