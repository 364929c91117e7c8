import Foundation

/// Decodes and compiles one `document` file and its rules.
struct DocumentLoader {
    let schema: Schema
    let catalog: Catalog
    let params: [Parameter]
    let paramEnv: [String: (Int, NumUnit)]
    let directory: String
    /// Parameters each field's default reads, by schema slot.
    let defaultParams: [Set<Int>]

    static let ruleKeys = ["id", "title", "category", "kind", "citation", "scope", "window", "enterprise_window", "cuts",
                           "proration", "let", "conditions", "saving", "amount", "cap", "claim_rate", "group",
                           "assumptions", "note"]

    func load(_ root: JSONNode, _ r: inout NodeReader, documentIndex: Int, firstRuleIndex: Int) -> (Document, [Rule])? {
        r.checkKeys(root, ["kind", "id", "number", "title", "issuer", "issued_on", "in_force", "source", "default_scope", "rules", "clauses", "note"], "document")
        guard let id = r.string(root, "id", "document") else { return nil }
        let number = r.string(root, "number", id) ?? id
        let title = r.text(root, "title", id) ?? Text(zh: number, en: number)
        let issuer = r.text(root, "issuer", id) ?? Text(zh: "", en: "")
        let issued = r.date(root, "issued_on", id, required: false)
        var from = Day(raw: 0), until: Day?
        if let w = r.object(root["in_force"], id + ".in_force", what: "in_force") {
            from = r.date(w, "from", id + ".in_force") ?? from
            until = r.date(w, "until", id + ".in_force", required: false)
        } else {
            r.error(root, id, "missing \"in_force\": expected {\"from\": \"YYYY-MM-DD\", \"until\": null}")
        }
        var sourceText: [UInt8]?
        var sourceString: String?
        let source = r.string(root, "source", id, required: false)
        if let source {
            let path = (directory as NSString).appendingPathComponent(source)
            if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
                // Line breaks removed: the gazette breaks lines at page ends, inside sentences.
                sourceText = Array(data).filter { $0 != 0x0A && $0 != 0x0D }
                sourceString = text
            } else if let n = root["source"] {
                r.error(n, id, "source \"\(source)\" cannot be read (looked for \(path))")
            }
        }
        let defaultScope = r.string(root, "default_scope", id, required: false)
        var doc = Document(id: id, number: number, title: title, issuer: issuer, issuedOn: issued, inForceFrom: from,
                           inForceUntil: until, source: source, file: r.file, ruleIndices: [])
        var rules: [Rule] = []
        for (i, n) in (r.array(root, "rules", id, required: true) ?? []).enumerated() {
            if let rule = rule(n, "rules[\(i)]", &r, doc: doc, documentIndex: documentIndex, index: firstRuleIndex + rules.count,
                               defaultScope: defaultScope, sourceText: sourceText) {
                doc.ruleIndices.append(rule.index)
                rules.append(rule)
            }
        }
        if let sourceString {
            doc.clauses = ClauseLoader.load(root, &r, document: doc, rules: rules, source: sourceString, catalog: catalog)
        }
        return (doc, rules)
    }

    /// Byte search (Foundation's `contains` is slow on large Chinese texts): the first byte found with `memchr`,
    /// the rest compared with `memcmp`. Every policy load checks every rule's quote against the gazette.
    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= hay.count else { return needle.isEmpty }
        return hay.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                guard let hb = h.baseAddress, let nb = n.baseAddress else { return false }
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    guard let hit = memchr(hb + i, Int32(first), last - i + 1) else { return false }
                    let at = hb.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(hb + at, nb, n.count) == 0 { return true }
                    i = at + 1
                }
                return false
            }
        }
    }

    private func compile(_ n: JSONNode?, _ ctx: String, _ what: String, env: CompileEnv, _ r: inout NodeReader,
                         refs: inout References, required: Bool = true) -> Formula? {
        guard let n else { return nil }
        guard let text = n.stringValue else {
            if case .number(let t) = n.value { return compileText(t, n, ctx, what, env: env, &r, refs: &refs) }
            r.error(n, ctx, "\(what): expected an expression in a string, got \(n.value.typeName)")
            return nil
        }
        return compileText(text, n, ctx, what, env: env, &r, refs: &refs)
    }

    private func compileText(_ text: String, _ n: JSONNode, _ ctx: String, _ what: String, env: CompileEnv,
                             _ r: inout NodeReader, refs: inout References) -> Formula? {
        switch FormulaCompiler.compile(text, env: env, location: (r.file, n.line, n.column)) {
        case .success(let (f, rf)):
            refs.fields.formUnion(rf.fields); refs.params.formUnion(rf.params); refs.lets.formUnion(rf.lets)
            return f
        case .failure(let e):
            // Map the offset inside the expression back to the file, through any escapes of the JSON string.
            let col = n.column(ofScalarOffset: e.start)
            r.diagnostics.append(Diagnostic("\(r.file):\(n.line):\(col)",
                                            "\(what) `\(text)`: column \(e.start + 1): \(e.message)", context: ctx))
            return nil
        }
    }

    private func rule(_ n: JSONNode, _ ctx0: String, _ r: inout NodeReader, doc: Document, documentIndex: Int, index: Int,
                      defaultScope: String?, sourceText: [UInt8]?) -> Rule? {
        guard r.object(n, ctx0, what: "a rule") != nil else { return nil }
        guard let id = r.string(n, "id", ctx0) else { return nil }
        let ctx = "rule \(id)"
        r.checkKeys(n, DocumentLoader.ruleKeys, ctx)
        let title = r.text(n, "title", ctx) ?? Text(zh: id, en: id)
        let category = r.string(n, "category", ctx) ?? ""
        if !category.isEmpty, !catalog.categories.contains(where: { $0.id == category }) {
            r.error(n["category"] ?? n, ctx, "unknown category \"\(category)\"" + Suggest.hint(category, in: catalog.categories.map(\.id)))
        }
        let kindName = r.string(n, "kind", ctx) ?? ""
        let kind = BenefitKind(rawValue: kindName)
        if kind == nil { r.error(n["kind"] ?? n, ctx, "\"kind\": expected cost, liquidity or informational, got \"\(kindName)\"") }
        var clause = "", quote = ""
        if let c = r.object(n["citation"], ctx, what: "citation") {
            r.checkKeys(c, ["clause", "quote"], ctx + ".citation")
            clause = r.string(c, "clause", ctx) ?? ""
            quote = r.string(c, "quote", ctx) ?? ""
            if let sourceText, !quote.isEmpty {
                let q = Array(quote.utf8).filter { $0 != 0x0A && $0 != 0x0D }
                if !DocumentLoader.contains(sourceText, q) {
                    r.error(c["quote"] ?? c, ctx, "the quote is not verbatim in \(doc.source ?? "the source"): copy it exactly, full-width punctuation included")
                }
            }
        } else {
            r.error(n, ctx, "missing \"citation\": expected {\"clause\": …, \"quote\": …}")
        }
        let scopeName = r.string(n, "scope", ctx, required: false) ?? defaultScope ?? ""
        var scope = Scope(name: "national", regions: [], sections: [], text: Text(zh: "全国", en: "nationwide"))
        if let s = catalog.scopes[scopeName] { scope = s } else {
            r.error(n["scope"] ?? n, ctx, "unknown scope \"\(scopeName)\"" + Suggest.hint(scopeName, in: Array(catalog.scopes.keys)))
        }
        var wFrom = doc.inForceFrom, wUntil = doc.inForceUntil
        if let w = r.object(n["window"], ctx + ".window", what: "window") {
            r.checkKeys(w, ["from", "until"], ctx + ".window")
            wFrom = r.date(w, "from", ctx + ".window") ?? wFrom
            wUntil = r.date(w, "until", ctx + ".window", required: false)
            if let u = wUntil, u < wFrom { r.error(w, ctx, "window ends (\(u)) before it starts (\(wFrom))") }
        }
        let prorationName = r.string(n, "proration", ctx) ?? ""
        let proration = Proration(rawValue: prorationName)
        if proration == nil { r.error(n["proration"] ?? n, ctx, "\"proration\": expected days, months or none, got \"\(prorationName)\"") }

        var refs = References()
        var env = CompileEnv(schema: schema, params: paramEnv)
        var ew: (Formula, Formula, Text)?
        if let w = r.object(n["enterprise_window"], ctx + ".enterprise_window", what: "enterprise_window") {
            r.checkKeys(w, ["from", "until", "zh", "en"], ctx + ".enterprise_window")
            let a = compile(w["from"], ctx, "enterprise_window.from", env: env, &r, refs: &refs)
            let b = compile(w["until"], ctx, "enterprise_window.until", env: env, &r, refs: &refs)
            if w["from"] == nil || w["until"] == nil { r.error(w, ctx, "enterprise_window needs \"from\" and \"until\" date expressions") }
            for (f, name) in [(a, "from"), (b, "until")] where f != nil && f?.type != .date {
                r.error(w, ctx, "enterprise_window.\(name) must be a date, got \(f?.type.description ?? "")")
            }
            if let a, let b, let t = r.inlineText(w, ctx + ".enterprise_window") { ew = (a, b, t) }
        }
        var cuts: [Formula] = []
        for (i, c) in (r.array(n, "cuts", ctx) ?? []).enumerated() {
            if let f = compile(c, ctx, "cuts[\(i)]", env: env, &r, refs: &refs) {
                if f.type != .date { r.error(c, ctx, "cuts[\(i)] must be a date, got \(f.type)") } else { cuts.append(f) }
            }
        }
        var lets: [LetBinding] = []
        for (i, l) in (r.array(n, "let", ctx) ?? []).enumerated() {
            let lctx = "\(ctx), let[\(i)]"
            r.checkKeys(l, ["name", "expr", "zh", "en"], lctx)
            guard let name = r.string(l, "name", lctx) else { continue }
            if env.lets[name] != nil || schema.fieldIndex(name) != nil || paramEnv[name] != nil {
                r.error(l, lctx, "let name \"\(name)\" is already a let, a profile field or a parameter")
                continue
            }
            guard let f = compile(l["expr"], lctx, "let \(name)", env: env, &r, refs: &refs) else {
                if l["expr"] == nil { r.error(l, lctx, "missing \"expr\"") }
                continue
            }
            if case .list = f.type { r.error(l, lctx, "a let cannot hold a whole list"); continue }
            env.lets[name] = (lets.count, f.type)
            lets.append(LetBinding(name: name, formula: f, text: r.inlineText(l, lctx) ?? Text(zh: name, en: name)))
        }
        var conditions: [Condition] = []
        for (i, c) in (r.array(n, "conditions", ctx) ?? []).enumerated() {
            let cctx = "\(ctx), conditions[\(i)]"
            r.checkKeys(c, ["id", "expr", "zh", "en"], cctx)
            let cid = r.string(c, "id", cctx) ?? "c\(i)"
            if conditions.contains(where: { $0.id == cid }) { r.error(c, cctx, "duplicate condition id \"\(cid)\"") }
            guard let f = compile(c["expr"], cctx, "condition \(cid)", env: env, &r, refs: &refs) else {
                if c["expr"] == nil { r.error(c, cctx, "missing \"expr\"") }
                continue
            }
            if f.type != .bool { r.error(c, cctx, "a condition must be a boolean, got \(f.type)") }
            conditions.append(Condition(id: cid, formula: f, text: r.inlineText(c, cctx) ?? Text(zh: cid, en: cid)))
        }
        func money(_ f: Formula?, _ what: String, node: JSONNode?) -> Formula? {
            guard let f else { return nil }
            if !FormulaCompiler.fits(f.type, .number(.money)) { r.error(node ?? n, ctx, "\(what) must be an amount of money, got \(f.type)") }
            return f
        }
        var low: Formula?, high: Formula?, isRange = false
        if let s = n["saving"] {
            if s.objectMembers != nil {
                r.checkKeys(s, ["low", "high"], ctx + ".saving")
                low = money(compile(s["low"], ctx, "saving.low", env: env, &r, refs: &refs), "saving.low", node: s)
                high = money(compile(s["high"], ctx, "saving.high", env: env, &r, refs: &refs), "saving.high", node: s)
                isRange = true
                if s["low"] == nil || s["high"] == nil { r.error(s, ctx, "a saving range needs \"low\" and \"high\"") }
            } else {
                low = money(compile(s, ctx, "saving", env: env, &r, refs: &refs), "saving", node: s)
                high = low
            }
        }
        let amount = money(compile(n["amount"], ctx, "amount", env: env, &r, refs: &refs), "amount", node: n["amount"])
        let cap = money(compile(n["cap"], ctx, "cap", env: env, &r, refs: &refs), "cap", node: n["cap"])
        var rateLow: Formula?, rateHigh: Formula?, base: Formula?
        if let cr = r.object(n["claim_rate"], ctx + ".claim_rate", what: "claim_rate") {
            r.checkKeys(cr, ["rate", "base"], ctx + ".claim_rate")
            if let rate = cr["rate"], rate.objectMembers != nil {
                r.checkKeys(rate, ["low", "high"], ctx + ".claim_rate.rate")
                rateLow = compile(rate["low"], ctx, "claim_rate.rate.low", env: env, &r, refs: &refs)
                rateHigh = compile(rate["high"], ctx, "claim_rate.rate.high", env: env, &r, refs: &refs)
            } else {
                rateLow = compile(cr["rate"], ctx, "claim_rate.rate", env: env, &r, refs: &refs)
                rateHigh = rateLow
            }
            base = money(compile(cr["base"], ctx, "claim_rate.base", env: env, &r, refs: &refs), "claim_rate.base", node: cr)
            for f in [rateLow, rateHigh].compactMap({ $0 }) where !FormulaCompiler.fits(f.type, .number(.rate)) {
                r.error(cr, ctx, "claim_rate.rate must be a rate, got \(f.type)")
            }
            if rateLow == nil || base == nil { r.error(cr, ctx, "claim_rate needs \"rate\" and \"base\"") }
        }
        switch kind {
        case .cost?: if n["saving"] == nil { r.error(n, ctx, "a cost rule needs \"saving\"") }
        case .liquidity?:
            if n["saving"] == nil || n["amount"] == nil { r.error(n, ctx, "a liquidity rule needs \"amount\" and \"saving\" (its financing value)") }
        case .informational?:
            if n["saving"] != nil || n["amount"] != nil { r.error(n, ctx, "an informational rule has no \"saving\" or \"amount\"") }
        case nil: break
        }
        if kind != .liquidity, amount != nil, kind != nil, kind != .informational { r.error(n, ctx, "only a liquidity rule has \"amount\"") }
        let group = r.string(n, "group", ctx, required: false)
        if let group, !catalog.groups.contains(where: { $0.id == group }) {
            r.error(n["group"] ?? n, ctx, "unknown group \"\(group)\"" + Suggest.hint(group, in: catalog.groups.map(\.id)))
        }
        var assumptions: [Text] = []
        for (i, a) in (r.array(n, "assumptions", ctx) ?? []).enumerated() {
            if let t = r.inlineText(a, "\(ctx), assumptions[\(i)]") { assumptions.append(t) }
        }
        // Parameters read through defaults of the fields the rule reads also cut the year.
        var paramSet = refs.params
        for f in refs.fields { paramSet.formUnion(defaultParams[f]) }
        for p in paramSet.sorted() {
            let param = params[p]
            if let first = param.values.first?.from, first > wFrom {
                r.error(n, ctx, "parameter \(param.name) has no value before \(first), but the rule is in force from \(wFrom)")
            }
        }
        guard let kind, let proration else { return nil }
        return Rule(index: index, id: id, title: title, category: category, kind: kind, documentIndex: documentIndex,
                    clause: clause, quote: quote, scope: scope, windowFrom: wFrom, windowUntil: wUntil,
                    enterpriseWindow: ew.map { (from: $0.0, until: $0.1, text: $0.2) }, cuts: cuts, proration: proration,
                    lets: lets, conditions: conditions, savingLow: low, savingHigh: high, isRange: isRange, amount: amount,
                    cap: cap, claimRateLow: rateLow, claimRateHigh: rateHigh, claimBase: base, group: group,
                    assumptions: assumptions, note: r.string(n, "note", ctx, required: false), params: paramSet.sorted(), file: r.file)
    }
}
