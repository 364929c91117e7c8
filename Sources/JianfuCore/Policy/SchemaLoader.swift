/// Decodes `schema/profile.json` into the data dictionary.
enum SchemaLoader {
    static let fieldKeys = ["name", "type", "zh", "en", "unit", "group", "description", "signed", "min", "format",
                            "default", "actionable", "values", "item", "keys", "max_items"]

    static func load(_ root: JSONNode, _ r: inout NodeReader) -> Schema {
        r.checkKeys(root, ["kind", "fields", "note"], "schema")
        var fields: [FieldSpec] = []
        var names = Set<String>(), labels = Set<String>()
        for (i, n) in (r.array(root, "fields", "schema", required: true) ?? []).enumerated() {
            guard let f = field(n, "fields[\(i)]", &r) else { continue }
            if !names.insert(f.name).inserted { r.error(n, "fields[\(i)]", "duplicate field name \"\(f.name)\"") }
            if !labels.insert(f.zh).inserted { r.error(n, "fields[\(i)]", "duplicate Chinese label \"\(f.zh)\": each label must name one field") }
            fields.append(f)
        }
        return Schema(fields: fields)
    }

    static func field(_ n: JSONNode, _ ctx: String, _ r: inout NodeReader, isItem: Bool = false) -> FieldSpec? {
        guard r.object(n, ctx, what: "a field") != nil else { return nil }
        r.checkKeys(n, fieldKeys, ctx)
        let name = isItem ? (r.string(n, "name", ctx, required: false) ?? "item") : (r.string(n, "name", ctx) ?? "")
        let typeName = r.string(n, "type", ctx) ?? ""
        let kind: FieldKind
        switch typeName {
        case "string": kind = .string
        case "int": kind = .int
        case "money": kind = .money
        case "rate": kind = .rate
        case "bool": kind = .bool
        case "date": kind = .date
        case "enum": kind = .enumeration(r.strings(n, "values", ctx))
        case "list": kind = .list
        case "record": kind = .record
        default:
            r.error(n, ctx, "\"type\": expected one of string, int, money, rate, bool, date, enum, list, record, got \"\(typeName)\"")
            return nil
        }
        var item: FieldSpec?
        if kind == .list {
            if let it = r.object(n["item"], ctx + ".item", what: "the list's item") {
                item = field(it, ctx + ".item", &r, isItem: true)
            } else {
                r.error(n, ctx, "a list needs \"item\"")
            }
        }
        var maxItems = FieldSpec.defaultMaxItems
        if n["max_items"] != nil {
            if kind != .list {
                r.error(n, ctx, "\"max_items\": only a list has a maximum number of items")
            } else if let m = r.int(n, "max_items", ctx), m >= 1, m <= 1_000_000 {
                maxItems = m
            } else {
                r.error(n, ctx, "\"max_items\": expected an integer from 1 to 1,000,000")
            }
        }
        var keys: [FieldSpec] = []
        if kind == .record {
            var seen = Set<String>(), seenLabels = Set<String>()
            for (i, k) in (r.array(n, "keys", ctx, required: true) ?? []).enumerated() {
                guard let f = field(k, "\(ctx).keys[\(i)]", &r) else { continue }
                if !seen.insert(f.name).inserted { r.error(k, ctx, "duplicate key \"\(f.name)\"") }
                if !seenLabels.insert(f.zh).inserted { r.error(k, ctx, "duplicate key label \"\(f.zh)\"") }
                keys.append(f)
            }
        }
        let zh = r.string(n, "zh", ctx, required: !isItem) ?? name
        let en = r.string(n, "en", ctx, required: !isItem) ?? name
        let desc = n["description"] != nil ? r.text(n, "description", ctx) : nil
        return FieldSpec(name: name, kind: kind, zh: zh, en: en, unit: r.string(n, "unit", ctx, required: false),
                         group: r.string(n, "group", ctx, required: false), descriptionZh: desc?.zh, descriptionEn: desc?.en,
                         signed: r.bool(n, "signed", ctx) ?? false, min: r.int(n, "min", ctx, required: false),
                         format: r.string(n, "format", ctx, required: false),
                         defaultText: r.string(n, "default", ctx, required: false),
                         actionable: r.bool(n, "actionable", ctx) ?? true, item: item, keys: keys,
                         maxItems: maxItems)
    }
}
