/// Reads typed values out of a JSON object, collecting a diagnostic (file:line:col, context, expectation)
/// for every problem instead of stopping at the first.
struct NodeReader {
    let file: String
    var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    func location(_ n: JSONNode) -> String { "\(file):\(n.line):\(n.column)" }

    mutating func error(_ n: JSONNode, _ context: String?, _ message: String) {
        diagnostics.append(Diagnostic(location(n), message, context: context))
    }

    /// Reports keys other than `allowed`, with a suggestion.
    mutating func checkKeys(_ obj: JSONNode, _ allowed: [String], _ context: String?) {
        for m in obj.objectMembers ?? [] where !allowed.contains(m.key) {
            diagnostics.append(Diagnostic("\(file):\(m.keyLine):\(m.keyColumn)",
                                          "unknown key \"\(m.key)\"" + Suggest.hint(m.key, in: allowed), context: context))
        }
    }

    mutating func object(_ n: JSONNode?, _ context: String?, what: String) -> JSONNode? {
        guard let n else { return nil }
        guard n.objectMembers != nil else { error(n, context, "\(what): expected an object, got \(n.value.typeName)"); return nil }
        return n
    }

    mutating func string(_ obj: JSONNode, _ key: String, _ context: String?, required: Bool = true) -> String? {
        guard let v = obj[key], !v.isNull else {
            if required { error(obj, context, "missing \"\(key)\": expected a string") }
            return nil
        }
        guard let s = v.stringValue else { error(v, context, "\"\(key)\": expected a string, got \(v.value.typeName)"); return nil }
        if required && s.isEmpty { error(v, context, "\"\(key)\": expected a non-empty string") }
        return s
    }

    /// `{zh, en}`.
    mutating func text(_ obj: JSONNode, _ key: String, _ context: String?, required: Bool = true) -> Text? {
        guard let v = obj[key] else {
            if required { error(obj, context, "missing \"\(key)\": expected {\"zh\": …, \"en\": …}") }
            return nil
        }
        guard v.objectMembers != nil else { error(v, context, "\"\(key)\": expected {\"zh\": …, \"en\": …}, got \(v.value.typeName)"); return nil }
        checkKeys(v, ["zh", "en"], context)
        guard let zh = string(v, "zh", context), let en = string(v, "en", context) else { return nil }
        return Text(zh: zh, en: en)
    }

    /// zh/en given inline on the object itself.
    mutating func inlineText(_ obj: JSONNode, _ context: String?) -> Text? {
        guard let zh = string(obj, "zh", context), let en = string(obj, "en", context) else { return nil }
        return Text(zh: zh, en: en)
    }

    mutating func date(_ obj: JSONNode, _ key: String, _ context: String?, required: Bool = true) -> Day? {
        guard let v = obj[key], !v.isNull else {
            if required { error(obj, context, "missing \"\(key)\": expected a date YYYY-MM-DD") }
            return nil
        }
        guard let s = v.stringValue, let d = Day(iso: s) else {
            error(v, context, "\"\(key)\": expected a date YYYY-MM-DD (a real calendar date), got \(v.preview)")
            return nil
        }
        return d
    }

    mutating func int(_ obj: JSONNode, _ key: String, _ context: String?, required: Bool = true) -> Int? {
        guard let v = obj[key], !v.isNull else {
            if required { error(obj, context, "missing \"\(key)\": expected an integer") }
            return nil
        }
        guard case .number(let t) = v.value, let r = Rational.parse(jsonNumber: t), r.isInteger,
              let i = Int(exactly: r.floor()) else {
            error(v, context, "\"\(key)\": expected an integer, got \(v.preview)")
            return nil
        }
        return i
    }

    mutating func bool(_ obj: JSONNode, _ key: String, _ context: String?) -> Bool? {
        guard let v = obj[key], !v.isNull else { return nil }
        guard let b = v.boolValue else { error(v, context, "\"\(key)\": expected true or false, got \(v.preview)"); return nil }
        return b
    }

    mutating func array(_ obj: JSONNode, _ key: String, _ context: String?, required: Bool = false) -> [JSONNode]? {
        guard let v = obj[key], !v.isNull else {
            if required { error(obj, context, "missing \"\(key)\": expected an array") }
            return nil
        }
        guard let a = v.arrayItems else { error(v, context, "\"\(key)\": expected an array, got \(v.value.typeName)"); return nil }
        return a
    }

    mutating func strings(_ obj: JSONNode, _ key: String, _ context: String?) -> [String] {
        var out: [String] = []
        for item in array(obj, key, context) ?? [] {
            if let s = item.stringValue { out.append(s) } else { error(item, context, "\"\(key)\": expected strings, got \(item.value.typeName)") }
        }
        return out
    }

    /// A number given as a JSON number or as expression-free decimal text.
    mutating func number(_ obj: JSONNode, _ key: String, _ context: String?) -> Rational? {
        guard let v = obj[key] else { error(obj, context, "missing \"\(key)\": expected a number"); return nil }
        if case .number(let t) = v.value, let r = Rational.parse(jsonNumber: t) { return r }
        error(v, context, "\"\(key)\": expected a number, got \(v.preview)")
        return nil
    }
}
