/// Reads enterprise profiles from JSON against the data dictionary, reporting every problem with its JSON
/// path (`turnover_loans[2].days: expected an integer ≥ 1, got "five"`).
public struct ProfileReader: Sendable {
    public let schema: Schema
    /// The language of the messages.
    public let lang: Lang

    public init(schema: Schema, lang: Lang = .en) { self.schema = schema; self.lang = lang }

    private func t(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { lang == .zh ? zh() : en() }

    /// Decodes one profile object; `origin` names the file (and line) for messages.
    public func read(_ node: JSONNode, origin: String) -> Result<Profile, Diagnostics> {
        var diags: [Diagnostic] = []
        var profile = Profile(fieldCount: schema.fields.count, origin: origin)
        guard let members = node.objectMembers else {
            return .failure(Diagnostics([Diagnostic("\(origin):\(node.line):\(node.column)",
                                                    t("应为企业档案对象，实际为 \(node.value.typeName)", "expected a profile object, got \(node.value.typeName)"))]))
        }
        for m in members {
            guard let slot = schema.fieldIndex(m.key) else {
                diags.append(Diagnostic("\(origin):\(m.keyLine):\(m.keyColumn)",
                                        t("未知字段 \"\(m.key)\"", "unknown field \"\(m.key)\"") + Suggest.hint(m.key, in: schema.fields.map(\.name), lang: lang), context: m.key))
                continue
            }
            if m.value.isNull { continue }
            if let v = value(m.value, schema.fields[slot], path: m.key, origin: origin, &diags) { profile.values[slot] = v }
        }
        return diags.isEmpty ? .success(profile) : .failure(Diagnostics(diags))
    }

    func value(_ n: JSONNode, _ spec: FieldSpec, path: String, origin: String, _ diags: inout [Diagnostic]) -> FieldValue? {
        func fail(_ message: String) -> FieldValue? {
            diags.append(Diagnostic("\(origin):\(n.line):\(n.column)", message, context: path))
            return nil
        }
        // Rendered only for a message: this runs for every value of every profile `serve` reads.
        var expected: String { t("应为\(spec.expectation(.zh))，实际为 \(n.preview)", "expected \(spec.expectation), got \(n.preview)") }
        switch spec.kind {
        case .list:
            guard let items = n.arrayItems, let itemSpec = spec.item else { return fail(expected) }
            // Refused before its items are read: one message, not one per item.
            if items.count > spec.maxItems { return fail(spec.tooManyItems(items.count, lang)) }
            var out: [FieldValue] = []
            for (i, it) in items.enumerated() {
                let p = "\(path)[\(i)]"
                if it.isNull { diags.append(Diagnostic("\(origin):\(it.line):\(it.column)", t("应为一项，实际为 null", "expected an item, got null"), context: p)); continue }
                if let v = value(it, itemSpec, path: p, origin: origin, &diags) { out.append(v) }
            }
            return .list(out)
        case .record:
            guard let members = n.objectMembers else { return fail(expected) }
            var vals: [FieldValue?] = Array(repeating: nil, count: spec.keys.count)
            for m in members {
                guard let k = spec.keyIndex(m.key) else {
                    diags.append(Diagnostic("\(origin):\(m.keyLine):\(m.keyColumn)",
                                            t("未知键 \"\(m.key)\"", "unknown key \"\(m.key)\"") + Suggest.hint(m.key, in: spec.keys.map(\.name), lang: lang), context: path))
                    continue
                }
                if m.value.isNull { continue }
                vals[k] = value(m.value, spec.keys[k], path: "\(path).\(m.key)", origin: origin, &diags)
            }
            return .record(vals)
        default:
            let scalar: ScalarInput
            switch n.value {
            case .number(let t): scalar = .number(t)
            case .string(let s): scalar = .text(s)
            case .bool(let b): scalar = .bool(b)
            default: return fail(expected)
            }
            switch FieldDomain.check(scalar, spec, lang: lang) {
            case .success(let v): return v
            case .failure(let message): return fail(message.text)
            }
        }
    }
}

/// A scalar as it arrives: JSON gives typed numbers and booleans; CSV gives text.
public enum ScalarInput: Sendable {
    case number(String)
    case text(String)
    case bool(Bool)
}

/// The domains of the data dictionary: money ≥ 0 (unless signed), counts ≥ their minimum, rates in [0, 1],
/// real calendar dates, region codes of six digits, industry codes starting with their section letter.
public enum FieldDomain {
    public struct Message: Error { public var text: String }

    public static func check(_ input: ScalarInput, _ spec: FieldSpec, lang: Lang = .en) -> Result<FieldValue, Message> {
        func bad(_ got: String) -> Result<FieldValue, Message> { .failure(Message(text: expected(spec, got, lang))) }
        // Rendered only for a message (this runs for every text cell of a population file).
        var shown: String {
            switch input {
            case .number(let t): return t
            case .text(let s): return "\"\(s)\""
            case .bool(let b): return b ? "true" : "false"
            }
        }
        switch spec.kind {
        case .money, .rate, .int:
            let r: Rational?
            switch input {
            case .number(let t): r = Rational.parse(jsonNumber: t)
            case .text(let s): r = DecimalText.parse(s).flatMap { d in
                    guard let v = Rational(units: d.units, scale: d.scale) else { return nil }
                    // A percent sign is accepted for rates only (Excel formats 0.25 as 25%).
                    if d.percent && spec.kind != .rate { return nil }
                    return v
                }
            case .bool: r = nil
            }
            guard let r else { return bad(shown) }
            return checkNumber(r, spec, shown: shown, lang: lang)
        case .bool:
            switch input {
            case .bool(let b): return .success(.bool(b))
            case .text(let s):
                // The spellings spreadsheets write, before the general (lower-casing) match.
                switch s {
                case "true", "TRUE", "True", "1": return .success(.bool(true))
                case "false", "FALSE", "False", "0": return .success(.bool(false))
                default: break
                }
                switch s.lowercased() {
                case "true", "1", "是", "yes": return .success(.bool(true))
                case "false", "0", "否", "no": return .success(.bool(false))
                default: return bad(shown)
                }
            case .number(let t):
                if t == "1" { return .success(.bool(true)) }
                if t == "0" { return .success(.bool(false)) }
                return bad(shown)
            }
        case .date:
            guard case .text(let s) = input, let d = Day(iso: s) else { return bad(shown) }
            return .success(.date(d))
        case .enumeration(let values):
            guard case .text(let s) = input, values.contains(s) else { return bad(shown) }
            return .success(.string(s))
        case .string:
            let s: String
            switch input {
            case .text(let t): s = t
            case .number(let t): s = t
            case .bool: return bad(shown)
            }
            if spec.format == "gb2260" {
                guard s.utf8.count == 6, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return bad(shown) }
            }
            if spec.format == "gb4754" {
                guard let first = s.unicodeScalars.first, first >= "A", first <= "T",
                      s.unicodeScalars.dropFirst().allSatisfy({ $0 >= "0" && $0 <= "9" }), s.unicodeScalars.count <= 5 else { return bad(shown) }
            }
            return .success(.string(s))
        case .list, .record:
            return bad(shown)
        }
    }

    /// Domain test of a number already read exactly.
    /// "expected an integer ≥ 1, got "five"" / "应为整数（≥ 1），实际为 "five"".
    static func expected(_ spec: FieldSpec, _ got: String, _ lang: Lang) -> String {
        lang == .zh ? "应为\(spec.expectation(.zh))，实际为 \(got)" : "expected \(spec.expectation), got \(got)"
    }

    public static func checkNumber(_ r: Rational, _ spec: FieldSpec, shown: String, lang: Lang = .en) -> Result<FieldValue, Message> {
        func bad(_ got: String) -> Result<FieldValue, Message> { .failure(Message(text: expected(spec, got, lang))) }
        switch spec.kind {
        case .money:
            if !spec.signed && r.isNegative { return bad(shown) }
        case .rate:
            if r.isNegative || r > .one { return bad(shown) }
        case .int:
            if !r.isInteger || r < Rational(spec.min ?? 0) { return bad(shown) }
            if r > Rational(1_000_000_000_000) { return bad(shown) }
        default:
            return bad(shown)
        }
        // Amounts beyond 10^15 元 are not real enterprise figures; refusing them keeps arithmetic in range.
        if r.magnitudeExceeds(1_000_000_000_000_000) { return bad(shown + (lang == .zh ? "（过大）" : " (too large)")) }
        return .success(.number(r))
    }
}

extension Rational {
    func magnitudeExceeds(_ limit: Int128) -> Bool {
        // |num| < limit already answers (the denominator is at least 1), without a division.
        if num.magnitude < limit.magnitude { return false }
        if Rational.fits64(num) && Rational.fits64(den) && Rational.fits64(limit) {
            return Int64(num).magnitude / Int64(den).magnitude >= Int64(limit).magnitude
        }
        return (num.magnitude / den.magnitude) >= limit.magnitude
    }
}
