/// JSON for `/v1/policies`, `/v1/rules/{id}` and `/v1/schema`: the catalog in both languages, for clients
/// that build their own forms and listings.
enum CatalogJSON {
    /// Labels of the data dictionary's field groups (the schema names groups but does not label them).
    static let groupLabels: [String: Text] = [
        "identity": Text(zh: "企业基本信息", en: "Identity"),
        "workforce": Text(zh: "职工与社会保险", en: "Workforce and social insurance"),
        "finance": Text(zh: "财务状况", en: "Finance"),
        "tax": Text(zh: "税收", en: "Taxes"),
        "land": Text(zh: "土地与技术改造", en: "Land and upgrading"),
        "financing": Text(zh: "融资", en: "Financing"),
        "fees": Text(zh: "行政事业性收费与基金", en: "Fees and funds"),
        "other": Text(zh: "其他情况", en: "Other"),
    ]

    static func policies(_ policy: PolicySet) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.string("jianfu_version", JianfuVersion.string)
        w.string("rule_pack", "sha256:" + policy.hash)
        w.beginArray("categories")
        for c in policy.catalog.categories {
            w.beginObject()
            w.string("id", c.id)
            w.bilingual("label", c.text)
            w.endObject()
        }
        w.endArray()
        w.beginArray("documents")
        for d in policy.documents {
            w.beginObject()
            w.string("id", d.id)
            w.string("number", d.number)
            w.bilingual("title", d.title)
            w.bilingual("issuer", d.issuer)
            w.string("issued_on", d.issuedOn?.description)
            w.window(d.inForceFrom, d.inForceUntil)
            w.beginArray("rules")
            for i in d.ruleIndices { ruleSummary(policy.rules[i], policy, into: &w) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text + "\n"
    }

    static func ruleSummary(_ r: Rule, _ policy: PolicySet, into w: inout JSONWriter) {
        w.beginObject()
        w.string("id", r.id)
        w.bilingual("title", r.title)
        w.string("document", policy.document(of: r).number)
        w.string("clause", r.clause)
        w.string("category", r.category)
        w.string("kind", r.kind.rawValue)
        w.window(r.windowFrom, r.windowUntil)
        w.string("group", r.group)
        w.endObject()
    }

    static func rule(_ r: Rule, _ policy: PolicySet) -> String {
        let doc = policy.document(of: r)
        var w = JSONWriter()
        w.beginObject()
        w.string("id", r.id)
        w.bilingual("title", r.title)
        w.beginObject("document")
        w.string("id", doc.id)
        w.string("number", doc.number)
        w.bilingual("title", doc.title)
        w.endObject()
        w.string("clause", r.clause)
        w.string("quote", r.quote)
        w.string("category", r.category)
        w.bilingual("category_label", policy.catalog.categoryText(r.category))
        w.string("kind", r.kind.rawValue)
        w.beginObject("scope")
        w.string("name", r.scope.name)
        w.bilingual("text", r.scope.text)
        w.strings("regions", r.scope.regions)
        w.strings("sections", r.scope.sections)
        w.endObject()
        w.window(r.windowFrom, r.windowUntil)
        if let ew = r.enterpriseWindow {
            w.beginObject("enterprise_window")
            w.string("from", ew.from.text)
            w.string("until", ew.until.text)
            w.bilingual("text", ew.text)
            w.endObject()
        } else {
            w.null("enterprise_window")
        }
        w.string("proration", r.proration.rawValue)
        w.beginArray("lets")
        for l in r.lets {
            w.beginObject()
            w.string("name", l.name)
            w.string("formula", l.formula.text)
            w.bilingual("text", l.text)
            w.endObject()
        }
        w.endArray()
        w.beginArray("conditions")
        for c in r.conditions {
            w.beginObject()
            w.string("id", c.id)
            w.bilingual("text", c.text)
            w.string("expr", c.formula.text)
            w.endObject()
        }
        w.endArray()
        w.beginObject("formulas")
        w.string("saving_low", r.savingLow?.text)
        w.string("saving_high", r.isRange ? r.savingHigh?.text : r.savingLow?.text)
        w.string("amount", r.amount?.text)
        w.string("cap", r.cap?.text)
        w.string("claim_rate_low", r.claimRateLow?.text)
        w.string("claim_rate_high", r.claimRateHigh?.text)
        w.string("claim_base", r.claimBase?.text)
        w.endObject()
        w.string("group", r.group)
        w.bilingual("group_label", r.group.map(policy.catalog.groupText))
        w.beginArray("assumptions")
        for a in r.assumptions { w.bilingual(nil, a) }
        w.endArray()
        w.string("note", r.note)
        w.strings("parameters", r.params.map { policy.parameters[$0].name })
        w.endObject()
        return w.text + "\n"
    }

    static func schema(_ policy: PolicySet) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.string("jianfu_version", JianfuVersion.string)
        w.string("rule_pack", "sha256:" + policy.hash)
        w.beginArray("groups")
        for g in groupOrder(policy.schema) {
            w.beginObject()
            w.string("id", g)
            w.bilingual("label", groupLabels[g] ?? Text(zh: g, en: g))
            w.endObject()
        }
        w.endArray()
        w.beginArray("fields")
        for f in policy.schema.fields { field(f, into: &w) }
        w.endArray()
        w.endObject()
        return w.text + "\n"
    }

    /// The groups in the order a form should show them: who the enterprise is, its people, money and land, then
    /// fees; "other" last; groups this table does not know after, in the schema's order.
    static func groupOrder(_ schema: Schema) -> [String] {
        var present: [String] = []
        for f in schema.fields { if let g = f.group, !present.contains(g) { present.append(g) } }
        let preferred = ["identity", "workforce", "finance", "tax", "land", "financing", "fees"]
        return preferred.filter(present.contains) + present.filter { !preferred.contains($0) && $0 != "other" } + (present.contains("other") ? ["other"] : [])
    }

    static func field(_ f: FieldSpec, into w: inout JSONWriter, key: String? = nil) {
        w.beginObject(key)
        w.string("name", f.name)
        w.string("type", typeName(f.kind))
        w.string("zh", f.zh)
        w.string("en", f.en)
        w.string("unit", f.unit)
        w.string("group", f.group)
        if f.descriptionZh != nil || f.descriptionEn != nil {
            w.beginObject("description")
            w.string("zh", f.descriptionZh)
            w.string("en", f.descriptionEn)
            w.endObject()
        } else {
            w.null("description")
        }
        if case .enumeration(let values) = f.kind { w.strings("values", values) }
        if f.kind == .money { w.bool("signed", f.signed) }
        if f.kind == .int { w.int("min", f.min ?? 0) }
        w.string("format", f.format)
        w.string("default", f.defaultText)
        w.bool("actionable", f.actionable)
        w.string("expected", f.expectation)
        if let item = f.item { field(item, into: &w, key: "item") }
        if f.kind == .record {
            w.beginArray("keys")
            for k in f.keys { field(k, into: &w) }
            w.endArray()
        }
        w.endObject()
    }

    static func typeName(_ k: FieldKind) -> String {
        switch k {
        case .string: return "string"
        case .int: return "int"
        case .money: return "money"
        case .rate: return "rate"
        case .bool: return "bool"
        case .date: return "date"
        case .enumeration: return "enum"
        case .list: return "list"
        case .record: return "record"
        }
    }
}

extension JSONWriter {
    /// `{"zh": "…", "en": "…"}`, or null.
    mutating func bilingual(_ key: String?, _ text: Text?) {
        guard let text else { null(key); return }
        beginObject(key)
        string("zh", text.zh)
        string("en", text.en)
        endObject()
    }

    /// `"window": {"from": "2017-08-14", "until": null}` (inclusive dates, as written in the document).
    mutating func window(_ from: Day, _ until: Day?) {
        beginObject("window")
        string("from", from.description)
        string("until", until?.description)
        endObject()
    }
}
