/// Reads a document's `clauses` and checks them against its source text: every numbered clause of the text listed
/// once with a status, encoded ones backed by rules, and every rule's quote inside the clause it claims.
enum ClauseLoader {
    static let keys = ["id", "status", "reason", "note"]

    static func load(_ root: JSONNode, _ r: inout NodeReader, document doc: Document, rules: [Rule], source: String,
                     catalog: Catalog) -> [DocumentClause] {
        let ctx0 = doc.id + ".clauses"
        guard let parsed = ClauseIndex.clauses(in: source, number: doc.number) else {
            r.error(root["source"] ?? root, doc.id, "\(doc.source ?? "the source") has no line holding “\(doc.number)” alone: the clauses cannot be found")
            return []
        }
        let byID = Dictionary(parsed.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let hasChildren = Set(parsed.compactMap(\.parent))
        let citing = Dictionary(grouping: rules, by: \.clause)
        let flatSource = source.filter { $0 != "\n" && $0 != "\r" }

        // Every rule's clause exists in the text, and its quote lies inside that clause (sub-clauses included).
        for rule in rules {
            guard let clause = byID[rule.clause] else {
                r.diagnostics.append(Diagnostic(rule.file, "citation clause “\(rule.clause)” is not a numbered clause of \(doc.number) in \(doc.source ?? "the source")"
                                                + Suggest.hint(rule.clause, in: parsed.map(\.id)), context: rule.id))
                continue
            }
            let quote = rule.quote.filter { $0 != "\n" && $0 != "\r" }
            // A quote not in the text at all is the verbatim check's finding, reported once there.
            if !quote.isEmpty, !clause.text.contains(quote), flatSource.contains(quote) {
                let actual = parsed.filter { $0.text.contains(quote) }.max { $0.level < $1.level }
                r.diagnostics.append(Diagnostic(rule.file, "the quote lies outside clause \(rule.clause) (line \(clause.line))"
                                                + (actual.map { ": it is in \($0.id) (line \($0.line))" } ?? ""), context: rule.id))
            }
        }

        guard let list = r.array(root, "clauses", doc.id) else {
            r.error(root, doc.id, "missing \"clauses\": list every numbered clause of \(doc.number) (\(parsed.count) in the source, first \(parsed.first?.id ?? "—")) with its status")
            return []
        }
        var out: [DocumentClause] = []
        var seen: [String: Int] = [:]
        for (i, n) in list.enumerated() {
            let ctx = "\(ctx0)[\(i)]"
            guard r.object(n, ctx, what: "a clause") != nil else { continue }
            r.checkKeys(n, keys, ctx)
            guard let id = r.string(n, "id", ctx) else { continue }
            let cctx = "\(ctx0) \(id)"
            if let line = seen[id] { r.error(n, cctx, "listed twice (also on line \(line))"); continue }
            seen[id] = n.line
            guard let clause = byID[id] else {
                r.error(n, cctx, "no clause “\(id)” in \(doc.number)'s text" + Suggest.hint(id, in: parsed.map(\.id))); continue
            }
            let statusText = r.string(n, "status", cctx) ?? ""
            guard let status = ClauseStatus(rawValue: statusText) else {
                r.error(n, cctx, "\"status\": expected \(ClauseStatus.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(statusText)\"")
                continue
            }
            let reason = r.string(n, "reason", cctx, required: false)
            if let reason, !catalog.clauseReasons.contains(where: { $0.id == reason }) {
                r.error(n["reason"]!, cctx, "unknown reason \"\(reason)\"" + Suggest.hint(reason, in: catalog.clauseReasons.map(\.id)))
            }
            let note = r.text(n, "note", cctx, required: false)
            let rulesHere = (citing[id] ?? []).map(\.index)
            let ruleIDs = (citing[id] ?? []).map(\.id).joined(separator: ", ")
            switch status {
            case .encoded, .partly:
                if rulesHere.isEmpty { r.error(n, cctx, "\(status.rawValue), but no rule cites clause \(id)") }
                if status == .partly && note == nil { r.error(n, cctx, "partly: say in \"note\" what is left out and why") }
            case .notComputable, .outOfScope:
                if !rulesHere.isEmpty {
                    r.error(n, cctx, "\(status.rawValue), but \(ruleIDs) cite it: encoded or partly")
                }
                if reason == nil { r.error(n, cctx, "\(status.rawValue): give a \"reason\" (\(catalog.clauseReasons.map(\.id).joined(separator: ", ")))") }
            case .heading:
                if !hasChildren.contains(id) { r.error(n, cctx, "heading, but the clause has no numbered sub-clauses: give it a status of its own") }
                if !rulesHere.isEmpty { r.error(n, cctx, "heading, but rules cite it: encoded or partly") }
            }
            out.append(DocumentClause(id: id, status: status, reason: reason, note: note, rules: rulesHere, source: clause))
        }
        for c in parsed where seen[c.id] == nil {
            r.error(list.isEmpty ? root : list[list.count - 1], ctx0,
                    "clause \(c.id) (line \(c.line): “\(c.heading)”) is not listed: give it a status")
        }
        // In the source's order.
        let order = Dictionary(parsed.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        return out.sorted { (order[$0.id] ?? 0) < (order[$1.id] ?? 0) }
    }
}
