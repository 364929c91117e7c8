import Foundation

/// Loads a policy folder: reads every JSON file, checks and compiles everything, and either returns a complete
/// `PolicySet` or every problem found (never a partial catalog).
public enum PolicyLoader {
    /// Loads and compiles `directory`; throws `Diagnostics` listing every problem.
    public static func load(directory: String) throws(Diagnostics) -> PolicySet {
        var diags: [Diagnostic] = []
        let files = listFiles(directory, &diags)
        var schemaNode: (JSONNode, String)?
        var catalogNode: (JSONNode, String)?
        var paramNodes: [(JSONNode, String)] = []
        var docNodes: [(JSONNode, String)] = []
        var canonical: [[UInt8]] = []
        for path in files where path.hasSuffix(".json") {
            let shown = path
            guard let data = FileManager.default.contents(atPath: path) else {
                diags.append(Diagnostic(shown, "cannot read the file")); continue
            }
            let root: JSONNode
            do { root = try JSONParser.parse(Array(data)) } catch {
                diags.append(Diagnostic("\(shown):\(error.line):\(error.column)", error.message)); continue
            }
            // Tests beside the rules (`jianfu policies test`) do not change what the rules say: not in the rule-pack hash.
            if root["kind"]?.stringValue == "tests" { continue }
            canonical.append(Array(Canonical.json(root).utf8))
            guard root.objectMembers != nil else {
                diags.append(Diagnostic("\(shown):\(root.line):\(root.column)", "expected a JSON object with a \"kind\"")); continue
            }
            switch root["kind"]?.stringValue {
            case "schema":
                if schemaNode != nil { diags.append(Diagnostic(shown, "a second schema file: exactly one file may have \"kind\": \"schema\"")) }
                schemaNode = (root, shown)
            case "catalog":
                if catalogNode != nil { diags.append(Diagnostic(shown, "a second catalog file: exactly one file may have \"kind\": \"catalog\"")) }
                catalogNode = (root, shown)
            case "parameters": paramNodes.append((root, shown))
            case "document": docNodes.append((root, shown))
            case let k:
                let got = k.map { "\"\($0)\"" } ?? "nothing"
                diags.append(Diagnostic("\(shown):\(root.line):\(root.column)",
                                        "\"kind\": expected \"schema\", \"catalog\", \"parameters\", \"document\" or \"tests\", got \(got)"))
            }
        }
        for path in files where path.hasSuffix(".txt") {
            if let data = FileManager.default.contents(atPath: path) { canonical.append(Array(data)) }
        }
        if files.isEmpty, diags.isEmpty { diags.append(Diagnostic(directory, "no policy files found (expected *.json files)")) }
        // A file that did not parse may be the missing schema or catalog: then its own error says enough.
        let unreadable = !diags.isEmpty
        guard let (sNode, sFile) = schemaNode else {
            if !unreadable { diags.append(Diagnostic(directory, "no schema: expected a file with \"kind\": \"schema\" (schema/profile.json)")) }
            throw Diagnostics(diags)
        }
        guard let (cNode, cFile) = catalogNode else {
            if !unreadable { diags.append(Diagnostic(directory, "no catalog: expected a file with \"kind\": \"catalog\" (catalog.json)")) }
            throw Diagnostics(diags)
        }
        var sr = NodeReader(file: sFile)
        let schema = SchemaLoader.load(sNode, &sr)
        diags += sr.diagnostics
        var cr = NodeReader(file: cFile)
        let catalog = CatalogLoader.load(cNode, &cr)
        diags += cr.diagnostics

        var params: [Parameter] = []
        for (node, file) in paramNodes {
            var pr = NodeReader(file: file)
            params += ParameterLoader.load(node, &pr, schema: schema)
            diags += pr.diagnostics
        }
        var seenParams = [String: String]()
        for p in params {
            if let other = seenParams[p.name] { diags.append(Diagnostic(p.file, "parameter \"\(p.name)\" is also defined in \(other)")) }
            seenParams[p.name] = p.file
            if schema.fieldIndex(p.name) != nil {
                diags.append(Diagnostic(p.file, "parameter \"\(p.name)\" has the name of a profile field; rename it"))
            }
        }
        var paramEnv: [String: (Int, NumUnit)] = [:]
        for (i, p) in params.enumerated() { paramEnv[p.name] = (i, p.unit) }

        var defaults: [Formula?] = Array(repeating: nil, count: schema.fields.count)
        var defaultParams: [Set<Int>] = Array(repeating: [], count: schema.fields.count)
        for (i, f) in schema.fields.enumerated() {
            guard let text = f.defaultText else { continue }
            let env = CompileEnv(schema: schema, params: paramEnv, allowPeriod: false)
            switch FormulaCompiler.compile(text, env: env, location: (sFile, 1, 1)) {
            case .success(let (formula, refs)):
                defaultParams[i] = refs.params
                let want = Compiler.fieldType(f, slot: i)
                if !FormulaCompiler.fits(formula.type, want) {
                    diags.append(Diagnostic(sFile, "the default of \(f.name) is a \(formula.type), the field is a \(want)", context: f.name))
                }
                if formula.fields.contains(i) { diags.append(Diagnostic(sFile, "the default of \(f.name) refers to itself", context: f.name)) }
                defaults[i] = formula
            case .failure(let e):
                diags.append(Diagnostic(sFile, "default \"\(text)\": \(e.message)", context: f.name))
            }
        }

        // Documents in id order, so ties inside exclusive groups do not depend on file order.
        var documents: [Document] = []
        var rules: [Rule] = []
        let sortedDocs = docNodes.sorted { ($0.0["id"]?.stringValue ?? "") < ($1.0["id"]?.stringValue ?? "") }
        for (node, file) in sortedDocs {
            var dr = NodeReader(file: file)
            let loader = DocumentLoader(schema: schema, catalog: catalog, params: params, paramEnv: paramEnv, directory: directory,
                                        defaultParams: defaultParams)
            if let (doc, docRules) = loader.load(node, &dr, documentIndex: documents.count, firstRuleIndex: rules.count) {
                documents.append(doc)
                rules += docRules
            }
            diags += dr.diagnostics
        }
        var ids = [String: String]()
        for rule in rules {
            if let other = ids[rule.id] { diags.append(Diagnostic(rule.file, "duplicate rule id (also in \(other))", context: rule.id)) }
            ids[rule.id] = rule.file
        }
        // A group whose members sit in a document that failed to parse is not a second problem.
        for g in catalog.groups where diags.isEmpty && !rules.contains(where: { $0.group == g.id }) {
            diags.append(Diagnostic(cFile, "group \"\(g.id)\" has no member rule", context: "groups"))
        }
        if documents.isEmpty { diags.append(Diagnostic(directory, "no documents: expected files with \"kind\": \"document\"")) }
        if !diags.isEmpty { throw Diagnostics(diags) }
        let hash = Canonical.hash(canonical)
        return PolicySet(directory: directory, schema: schema, catalog: catalog, parameters: params, documents: documents,
                         rules: rules, defaults: defaults, hash: hash)
    }

    static func listFiles(_ directory: String, _ diags: inout [Diagnostic]) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            diags.append(Diagnostic(directory, "no such policy folder"))
            return []
        }
        guard let e = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            if rel.hasSuffix(".json") || rel.hasSuffix(".txt") { out.append((directory as NSString).appendingPathComponent(rel)) }
        }
        return out.sorted()
    }
}

/// Decodes `catalog.json`.
enum CatalogLoader {
    static func load(_ root: JSONNode, _ r: inout NodeReader) -> Catalog {
        var c = Catalog()
        r.checkKeys(root, ["kind", "scopes", "groups", "categories", "regions", "targets", "clause_reasons", "note"], "catalog")
        if let scopes = r.object(root["scopes"], "scopes", what: "scopes") {
            for m in scopes.objectMembers ?? [] {
                let ctx = "scopes.\(m.key)"
                guard r.object(m.value, ctx, what: "a scope") != nil else { continue }
                r.checkKeys(m.value, ["regions", "sections", "zh", "en"], ctx)
                let text = r.inlineText(m.value, ctx) ?? Text(zh: m.key, en: m.key)
                let regions = r.strings(m.value, "regions", ctx)
                for code in regions where code.isEmpty || code.count > 6 || !code.allSatisfy(\.isASCII) || !code.allSatisfy(\.isNumber) {
                    r.error(m.value, ctx, "region prefix \"\(code)\": expected 1 to 6 digits of a GB/T 2260 code")
                }
                let sections = r.strings(m.value, "sections", ctx)
                for s in sections where !(s.count == 1 && s >= "A" && s <= "T") {
                    r.error(m.value, ctx, "section \"\(s)\": expected a GB/T 4754 section letter A–T")
                }
                c.scopes[m.key] = Scope(name: m.key, regions: regions, sections: sections, text: text)
            }
        } else {
            r.error(root, "catalog", "missing \"scopes\"")
        }
        for (i, g) in (r.array(root, "groups", "catalog") ?? []).enumerated() {
            guard let id = r.string(g, "id", "groups[\(i)]") else { continue }
            r.checkKeys(g, ["id", "zh", "en"], "groups[\(i)]")
            c.groups.append((id, r.inlineText(g, "groups[\(i)]") ?? Text(zh: id, en: id)))
        }
        for (i, g) in (r.array(root, "clause_reasons", "catalog") ?? []).enumerated() {
            guard let id = r.string(g, "id", "clause_reasons[\(i)]") else { continue }
            r.checkKeys(g, ["id", "zh", "en"], "clause_reasons[\(i)]")
            c.clauseReasons.append((id, r.inlineText(g, "clause_reasons[\(i)]") ?? Text(zh: id, en: id)))
        }
        for (i, g) in (r.array(root, "categories", "catalog", required: true) ?? []).enumerated() {
            guard let id = r.string(g, "id", "categories[\(i)]") else { continue }
            r.checkKeys(g, ["id", "zh", "en"], "categories[\(i)]")
            c.categories.append((id, r.inlineText(g, "categories[\(i)]") ?? Text(zh: id, en: id)))
        }
        if let regions = r.object(root["regions"], "regions", what: "regions") {
            for m in regions.objectMembers ?? [] {
                if let t = r.inlineText(m.value, "regions.\(m.key)") { c.regions[m.key] = t }
            }
        }
        if let t = r.object(root["targets"], "targets", what: "targets") {
            r.checkKeys(t, ["document", "from_year", "until_year", "total", "lines", "outside", "quote"], "targets")
            var lines: [Targets.Line] = []
            for (i, l) in (r.array(t, "lines", "targets", required: true) ?? []).enumerated() {
                let ctx = "targets.lines[\(i)]"
                r.checkKeys(l, ["zh", "en", "categories", "amount"], ctx)
                let cats = r.strings(l, "categories", ctx)
                for cat in cats where !c.categories.contains(where: { $0.id == cat }) {
                    r.error(l, ctx, "unknown category \"\(cat)\"" + Suggest.hint(cat, in: c.categories.map(\.id)))
                }
                if let text = r.inlineText(l, ctx), let amount = r.number(l, "amount", ctx) {
                    lines.append(Targets.Line(text: text, categories: cats, amount: amount))
                }
            }
            c.targets = Targets(document: r.string(t, "document", "targets") ?? "",
                                fromYear: r.int(t, "from_year", "targets") ?? 0, untilYear: r.int(t, "until_year", "targets") ?? 0,
                                total: r.number(t, "total", "targets") ?? .zero, lines: lines,
                                outside: r.strings(t, "outside", "targets"))
        }
        return c
    }
}

/// Decodes a `parameters` file.
enum ParameterLoader {
    static func load(_ root: JSONNode, _ r: inout NodeReader, schema: Schema) -> [Parameter] {
        r.checkKeys(root, ["kind", "parameters", "note"], nil)
        var out: [Parameter] = []
        for (i, n) in (r.array(root, "parameters", nil, required: true) ?? []).enumerated() {
            let ctx0 = "parameters[\(i)]"
            guard r.object(n, ctx0, what: "a parameter") != nil else { continue }
            r.checkKeys(n, ["name", "type", "zh", "en", "values", "note"], ctx0)
            guard let name = r.string(n, "name", ctx0) else { continue }
            let ctx = "parameter \(name)"
            let typeName = r.string(n, "type", ctx) ?? ""
            guard let unit = NumUnit(rawValue: typeName == "number" ? "plain" : typeName), unit != .literal else {
                r.error(n, ctx, "\"type\": expected money, rate, count or number, got \"\(typeName)\"")
                continue
            }
            var values: [(Day, Rational)] = []
            var sources: [String] = []
            for (j, v) in (r.array(n, "values", ctx, required: true) ?? []).enumerated() {
                let vctx = "\(ctx), values[\(j)]"
                r.checkKeys(v, ["from", "value", "source", "note"], vctx)
                // Every dated value says where it comes from: the 文号 and clause, or the national document.
                guard let source = r.string(v, "source", vctx) else { continue }
                guard let from = r.date(v, "from", vctx), let node = v["value"] else {
                    if v["value"] == nil { r.error(v, vctx, "missing \"value\"") }
                    continue
                }
                let text: String
                switch node.value {
                case .number(let t): text = t
                case .string(let s): text = s
                default: r.error(node, vctx, "\"value\": expected a number or an expression such as \"1.5%\", got \(node.value.typeName)"); continue
                }
                let env = CompileEnv(schema: schema, params: [:], allowPeriod: false, allowFields: false)
                switch FormulaCompiler.compile(text, env: env, location: (r.file, node.line, node.column)) {
                case .success(let (f, _)):
                    guard case .constant(let c) = f.code, let p = c.interval.point else {
                        r.error(node, vctx, "\"value\": expected a constant number, got \"\(text)\""); continue
                    }
                    if (unit == .rate) && (p < .zero || p > .one) { r.error(node, vctx, "a rate must lie between 0 and 1 (0% to 100%), got \(p)") }
                    if (unit == .money || unit == .count) && p < .zero { r.error(node, vctx, "must not be negative, got \(p)") }
                    if let last = values.last, last.0 >= from {
                        r.error(v, vctx, "values must be in ascending date order, each date once")
                    }
                    values.append((from, p))
                    sources.append(source)
                case .failure(let e):
                    r.error(node, vctx, "\"\(text)\": \(e.message)")
                }
            }
            if values.isEmpty { r.error(n, ctx, "needs at least one dated value") }
            out.append(Parameter(name: name, unit: unit, text: Text(zh: r.string(n, "zh", ctx) ?? name, en: r.string(n, "en", ctx) ?? name),
                                 values: values.map { (from: $0.0, value: $0.1) }, sources: sources, file: r.file))
        }
        return out
    }
}
