/// The officer's report of `jianfu audit`: counts by verdict, claimed vs granted, and a line per claim; also
/// JSON and CSV for case-management systems.
public struct AuditReport {
    public let policy: PolicySet
    public let verdicts: [ClaimVerdict]
    public let words: Words

    public init(policy: PolicySet, verdicts: [ClaimVerdict], lang: Lang) {
        self.policy = policy; self.verdicts = verdicts
        words = Words(policy: policy, lang: lang)
    }

    private func t(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { words.t(zh(), en()) }

    /// True when some claim is not approved (exit 3).
    public var needsAttention: Bool { verdicts.contains { $0.verdict != .approve } }

    public func verdictWord(_ v: Verdict) -> String {
        switch v {
        case .approve: return t("批准", "approve")
        case .reduce: return t("核减", "reduce")
        case .reject: return t("驳回", "reject")
        case .needsInfo: return t("需补充材料", "needs info")
        case .error: return t("无法受理", "error")
        }
    }

    var totalClaimed: Int128 { verdicts.reduce(0) { $0 + ($1.claimedFen ?? 0) } }
    var totalGranted: Int128 { verdicts.reduce(0) { $0 + $1.grantedFen } }

    func citation(_ v: ClaimVerdict) -> String? { v.ruleIndex.map { words.citation(policy.rules[$0]) } }

    public func text() -> String {
        var out: [String] = [t("Jianfu 减负申请审核", "Jianfu claim audit")]
        var counts = Verdict.allCases.map { v in "\(verdictWord(v)) \(verdicts.filter { $0.verdict == v }.count)" }
        let conflicts = verdicts.filter { $0.conflictWith != nil }.count
        if conflicts > 0 { counts.append(t("其中冲突 \(conflicts)", "of which conflicts \(conflicts)")) }
        out.append(t("共 \(verdicts.count) 件：", "\(verdicts.count) claims: ") + counts.joined(separator: t("，", ", ")))
        out.append(t("申请合计 ", "claimed ") + Money.format(fen: totalClaimed) + t(" 元；核定合计 ", "; granted ") + Money.format(fen: totalGranted) + t(" 元", ""))
        out.append("")
        let idWidth = max(10, verdicts.map { TextWidth.width($0.claim.claimID) }.max() ?? 0)
        let idSlot = policy.schema.fieldIndex("id")
        for v in verdicts {
            let rule = v.claim.ruleID ?? "—"
            let who = v.claim.enterpriseID ?? v.claim.profile.flatMap { $0.string(idSlot) } ?? (v.claim.profile != nil ? t("（内嵌档案）", "(inline profile)") : "—")
            var head = "  " + TextWidth.padRight(v.claim.claimID, idWidth) + " " + TextWidth.padRight(verdictWord(v.verdict), 12) + " "
                + TextWidth.padRight(rule, 32) + " " + TextWidth.padRight(who, 20) + " " + (v.claim.year.map(String.init) ?? "—")
            if let c = v.claimedFen {
                head += (v.claim.amount == nil ? t("  按比例折合 ", "  rate implies ") : t("  申请 ", "  claimed ")) + Money.format(fen: c)
            }
            if let a = v.allowedFen { head += t("  可享 ", "  allowed ") + Money.format(fen: a) }
            if let e = v.excessFen, v.verdict == .reduce { head += t("  超出 ", "  excess ") + Money.format(fen: e) }
            out.append(head)
            if let cite = citation(v) { out.append("      " + t("依据：", "Cites: ") + cite) }
            for r in v.reasons { out.append("      " + r) }
            if v.verdict == .error { out.append("      " + t("来源：", "At: ") + v.claim.origin) }
        }
        out.append("")
        out.append(t("规则包 sha256:", "rule pack sha256:") + policy.hash + "  jianfu " + JianfuVersion.string)
        return out.joined(separator: "\n") + "\n"
    }

    public func json() -> String {
        var w = JSONWriter()
        w.beginObject()
        w.string("jianfu_version", JianfuVersion.string)
        w.string("rule_pack", "sha256:" + policy.hash)
        w.beginObject("summary")
        w.int("claims", verdicts.count)
        for v in Verdict.allCases { w.int(v.rawValue, verdicts.filter { $0.verdict == v }.count) }
        w.money("claimed_total", fen: totalClaimed)
        w.money("granted_total", fen: totalGranted)
        w.endObject()
        w.beginArray("verdicts")
        for v in verdicts {
            w.beginObject()
            w.string("claim_id", v.claim.claimID)
            w.string("verdict", v.verdict.rawValue)
            w.string("rule_id", v.claim.ruleID)
            w.string("enterprise_id", v.claim.enterpriseID)
            w.int("year", v.claim.year)
            w.money("claimed_amount", fen: v.claim.amount?.roundedToFen())
            w.raw("claimed_rate", v.claim.rate?.description)
            w.money("claimed_effective", fen: v.claimedFen)
            w.money("allowed_amount", fen: v.allowedFen)
            w.money("allowed_low", fen: v.allowedLowFen)
            w.raw("allowed_rate_high", v.allowedRate?.high.description)
            w.money("excess", fen: v.excessFen)
            w.money("granted", fen: v.grantedFen)
            w.string("rule_status", v.result?.status.rawValue)
            w.string("citation", citation(v))
            w.string("quote", v.ruleIndex.map { policy.rules[$0].quote })
            w.strings("reasons", v.reasons)
            w.strings("request", v.request)
            w.string("conflict_with", v.conflictWith)
            w.string("origin", v.claim.origin)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text + "\n"
    }

    public func csv() -> String {
        var lines = ["\u{FEFF}claim_id,verdict,rule_id,enterprise_id,year,claimed_amount,claimed_rate,claimed_effective,allowed,allowed_rate_high,excess,granted,conflict_with,citation,request,reasons,origin"]
        for v in verdicts {
            let cells: [String] = [v.claim.claimID, v.verdict.rawValue, v.claim.ruleID ?? "", v.claim.enterpriseID ?? "",
                                   v.claim.year.map(String.init) ?? "", v.claim.amount?.roundedToFen().map { Money.plain(fen: $0) } ?? "",
                                   v.claim.rate?.description ?? "", v.claimedFen.map { Money.plain(fen: $0) } ?? "",
                                   v.allowedFen.map { Money.plain(fen: $0) } ?? "", v.allowedRate?.high.description ?? "",
                                   v.excessFen.map { Money.plain(fen: $0) } ?? "", Money.plain(fen: v.grantedFen), v.conflictWith ?? "",
                                   citation(v) ?? "", v.request.joined(separator: " | "), v.reasons.joined(separator: " | "), v.claim.origin]
            lines.append(cells.map(CSVText.escape).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// CSV output helpers (RFC 4180 quoting).
public enum CSVText {
    public static func escape(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}

import Foundation
