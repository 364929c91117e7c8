/// Writes a profile back as JSON in the schema's field order (for `jianfu ask --out`).
public enum ProfileWriter {
    public static func json(_ p: Profile, schema: Schema) -> String {
        var w = JSONWriter()
        w.beginObject()
        for (i, f) in schema.fields.enumerated() {
            guard let v = p.values[i] else { continue }
            write(v, f, key: f.name, &w)
        }
        w.endObject()
        return w.text + "\n"
    }

    static func write(_ v: FieldValue, _ spec: FieldSpec, key: String?, _ w: inout JSONWriter) {
        switch v {
        case .number(let r): w.raw(key, exact(r))
        case .bool(let b): w.bool(key, b)
        case .string(let s): w.string(key, s)
        case .date(let d): w.string(key, d.description)
        case .list(let items):
            w.beginArray(key)
            for it in items { if let itemSpec = spec.item { write(it, itemSpec, key: nil, &w) } }
            w.endArray()
        case .record(let vals):
            w.beginObject(key)
            for (k, kv) in vals.enumerated() where k < spec.keys.count {
                if let kv { write(kv, spec.keys[k], key: spec.keys[k].name, &w) }
            }
            w.endObject()
        }
    }

    /// Exact decimal text; a value without a finite decimal expansion is written to 10 places.
    static func exact(_ r: Rational) -> String {
        let d = r.description
        return d.contains("/") ? Rational.decimalString(r, scale: 10) : d
    }
}
