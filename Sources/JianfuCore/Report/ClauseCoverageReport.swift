/// `jianfu policies coverage`: each document's numbered clauses with what the catalog makes of them, and the share
/// encoded.
public struct ClauseCoverageReport: Sendable {
    public let policy: PolicySet
    public let lang: Lang

    public init(policy: PolicySet, lang: Lang) { self.policy = policy; self.lang = lang }

    func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }

    public func status(_ s: ClauseStatus) -> String {
        switch s {
        case .encoded: return t("已编码", "encoded")
        case .partly: return t("部分编码", "partly")
        case .notComputable: return t("不可计算", "not computable")
        case .outOfScope: return t("不在范围", "out of scope")
        case .heading: return t("标题", "heading")
        }
    }

    /// Counts of the clauses that are not headings, by status.
    public struct Counts: Sendable, Equatable {
        public var encoded = 0, partly = 0, notComputable = 0, outOfScope = 0
        public var total: Int { encoded + partly + notComputable + outOfScope }
    }

    public static func counts(_ doc: Document) -> Counts {
        var c = Counts()
        for clause in doc.clauses {
            switch clause.status {
            case .encoded: c.encoded += 1
            case .partly: c.partly += 1
            case .notComputable: c.notComputable += 1
            case .outOfScope: c.outOfScope += 1
            case .heading: break
            }
        }
        return c
    }

    /// `62.5%` of `part / whole`, rounded down to a tenth.
    static func percent(_ part: Int, _ whole: Int) -> String {
        guard whole > 0 else { return "—" }
        let tenths = part * 1000 / whole
        return "\(tenths / 10).\(tenths % 10)%"
    }

    func reasonText(_ c: DocumentClause) -> String {
        var parts: [String] = []
        if let r = c.reason, let text = policy.catalog.clauseReasons.first(where: { $0.id == r })?.text { parts.append(text(lang)) }
        if let n = c.note { parts.append(n(lang)) }
        return parts.joined(separator: t("；", "; "))
    }

    public func text() -> String {
        var out = ""
        for doc in policy.documents {
            out += "\(doc.number) \(doc.title(lang))\n"
            guard !doc.clauses.isEmpty else { out += t("  （未列出条款：没有原文）\n\n", "  (no clauses listed: no source text)\n\n"); continue }
            var rows: [[String]] = []
            for c in doc.clauses {
                let indent = String(repeating: "  ", count: c.source.level - 1)
                let rules = c.rules.map { policy.rules[$0].id }.joined(separator: ", ")
                rows.append([indent + c.id, status(c.status), TextWidth.truncate(c.source.heading, 30), rules.isEmpty ? reasonText(c) : rules])
            }
            out += PlainTable.render(head: [t("条款", "clause"), t("状态", "status"), t("原文", "text"), t("规则或原因", "rules or reason")], rows: rows)
            let n = Self.counts(doc)
            out += "  " + t("已编码 \(n.encoded) 条、部分编码 \(n.partly) 条、不可计算 \(n.notComputable) 条、不在范围 \(n.outOfScope) 条，共 \(n.total) 条（不含标题）；编码占比 \(Self.percent(n.encoded + n.partly, n.total))（完全编码 \(Self.percent(n.encoded, n.total))）",
                            "encoded \(n.encoded), partly \(n.partly), not computable \(n.notComputable), out of scope \(n.outOfScope), of \(n.total) clauses (headings aside); share encoded \(Self.percent(n.encoded + n.partly, n.total)) (fully \(Self.percent(n.encoded, n.total)))") + "\n\n"
        }
        return out
    }

    public func json() -> String {
        var w = JSONWriter()
        w.beginObject()
        w.string("rule_pack", "sha256:" + policy.hash)
        w.beginArray("documents")
        for doc in policy.documents {
            w.beginObject()
            w.string("id", doc.id)
            w.string("number", doc.number)
            let n = Self.counts(doc)
            w.beginObject("counts")
            w.int("encoded", n.encoded); w.int("partly", n.partly); w.int("not_computable", n.notComputable)
            w.int("out_of_scope", n.outOfScope); w.int("total", n.total)
            w.endObject()
            w.beginArray("clauses")
            for c in doc.clauses {
                w.beginObject()
                w.string("id", c.id)
                w.string("status", c.status.rawValue)
                w.int("line", c.source.line)
                w.string("text", c.source.heading)
                if !c.rules.isEmpty { w.strings("rules", c.rules.map { policy.rules[$0].id }) }
                if let r = c.reason { w.string("reason", r) }
                if let note = c.note { w.beginObject("note"); w.string("zh", note.zh); w.string("en", note.en); w.endObject() }
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text + "\n"
    }
}

/// A text table: columns two spaces apart, widths measured as a terminal shows them (a CJK character is two columns).
enum PlainTable {
    static func render(head: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        var widths = head.map { TextWidth.width($0) }
        for r in rows { for (i, cell) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], TextWidth.width(cell)) } }
        func line(_ cells: [String]) -> String {
            var s = ""
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - TextWidth.width(cell)))
                let last = i == cells.count - 1
                s += rightAligned.contains(i) ? pad + cell : (last ? cell : cell + pad)
                if !last { s += "  " }
            }
            while s.hasSuffix(" ") { s.removeLast() }
            return "  " + s + "\n"
        }
        return line(head) + rows.map(line).joined()
    }
}
