/// Deterministic, plausible Quzhou enterprise populations for demos, tests and benchmarks: mostly small
/// firms, heavy-tailed payroll and land tax, a realistic mix of regions and industries, some missing facts.
public struct PopulationGenerator {
    /// SplitMix64: tiny, fast and the same on every platform, so a seed always gives the same file.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Uniform in [0, 1).
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ p: Double) -> Bool { unit() < p }
        /// Log-normal with the given median and spread (σ of the log).
        mutating func logNormal(median: Double, sigma: Double) -> Double {
            let u1 = max(unit(), 1e-12), u2 = unit()
            let z = (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
            return median * _exp(sigma * z)
        }
        mutating func pick<T>(_ weighted: [(T, Double)]) -> T {
            let total = weighted.reduce(0) { $0 + $1.1 }
            var x = unit() * total
            for (v, w) in weighted { if x < w { return v }; x -= w }
            return weighted[weighted.count - 1].0
        }
    }

    public enum Format: String, Sendable { case csv, ndjson }

    public let count: Int
    public let seed: UInt64
    public let year: Int
    /// A registry extract as analysts get them: whole columns absent (`sparseAbsent`) and about 10% of the
    /// remaining cells blank (never the id, name, year or region). The enterprises are the same as without it.
    public let sparse: Bool
    var rng: Random
    var blanks: Random

    public init(count: Int, seed: UInt64, year: Int = 2017, sparse: Bool = false) {
        self.count = count; self.seed = seed; self.year = year; self.sparse = sparse
        rng = Random(state: seed &* 0x2545_F491_4F6C_DD1D &+ 1)
        blanks = Random(state: seed ^ 0x5851_F42D_4C95_7F2D)
    }

    /// The columns a sparse population does not have: 19 of the data dictionary's fields, as in a registry
    /// extract (no local average wage, no storage land, no guarantees, no lease, no trademarks, no fee ledgers).
    public static let sparseAbsent: Set<String> = [
        "local_average_wage", "storage_land_use_tax", "guarantees_1_amount", "guarantees_1_annual_rate", "guarantees_1_state_owned",
        "standard_factory_lease_start_on", "standard_factory_lease_annual_rent", "standard_factory_lease_park_built",
        "trademark_classes", "cancelled_fees_paid", "utility_surcharge_paid", "wall_material_fund_paid", "survey_fees",
        "pile_testing_fees", "env_monitoring_fees", "restructuring_transfer_value", "nontaxable_subsidy", "safety_risk_deposit",
        "si_deferral_requested", "infrastructure_fee_standard", "in_difficulty", "restructuring_aligned", "zero_land_equipment_investment",
    ]
    static let neverBlank: Set<String> = ["id", "name", "year", "region_code"]

    /// The columns written: all of them, or without the absent ones when sparse.
    public var writtenColumns: [String] { sparse ? Self.columns.filter { !Self.sparseAbsent.contains($0) } : Self.columns }

    static let columns = ["id", "name", "year", "region_code", "industry_code", "registered_on", "employees", "disabled_employees",
                          "total_assets", "annual_payroll", "monthly_wages_1", "monthly_wages_2", "monthly_wages_3", "taxable_income",
                          "income_tax_rate", "local_average_wage", "is_tech_sme", "rd_expense", "land_use_tax", "storage_land_use_tax",
                          "tax_per_mu", "industry_tax_per_mu", "evaluation_grade", "tech_upgrade_investment",
                          "zero_land_equipment_investment", "turnover_loans_1_amount", "turnover_loans_1_days", "turnover_loans_2_amount",
                          "turnover_loans_2_days", "guarantees_1_amount", "guarantees_1_annual_rate", "guarantees_1_state_owned",
                          "association_fees_1_role", "association_fees_1_annual_fee", "infrastructure_fee_standard", "trademark_classes",
                          "cancelled_fees_paid", "utility_surcharge_paid", "wall_material_fund_paid", "vat_13_goods_sales",
                          "nontaxable_subsidy", "restructuring_transfer_value", "standard_factory_lease_start_on", "standard_factory_lease_annual_rent",
                          "standard_factory_lease_park_built", "safety_risk_deposit", "si_deferral_requested", "in_difficulty",
                          "restructuring_aligned", "survey_fees", "pile_testing_fees", "env_monitoring_fees"]

    /// The list and record fields among the columns (their cells become JSON arrays and objects in NDJSON).
    static let lists = ["monthly_wages", "turnover_loans", "guarantees", "association_fees"]
    static let record = "standard_factory_lease"

    static func money(_ yuan: Double) -> String {
        let fen = Int64((max(0, yuan) * 100).rounded())
        let f = fen % 100
        return "\(fen / 100).\(f < 10 ? "0" : "")\(f)"
    }

    /// One enterprise as (column, value) pairs; nil values are left empty (missing facts).
    mutating func row(_ i: Int) -> [String?] {
        var r = rng
        defer { rng = r }
        let region = r.pick([("330802", 0.25), ("330803", 0.2), ("330800", 0.1), ("330881", 0.12), ("330825", 0.12), ("330822", 0.1), ("330824", 0.11)])
        let section = r.pick([("C", 0.55), ("G", 0.1), ("F", 0.08), ("I", 0.07), ("D", 0.03), ("B", 0.02), ("E", 0.05), ("L", 0.05), ("M", 0.05)])
        let industry = section + String(r.int(10...99)) + String(r.int(10...99))
        let employees = min(8000, max(1, Int(r.logNormal(median: 18, sigma: 1.3))))
        let wage = r.logNormal(median: 62000, sigma: 0.3)
        let payroll = Double(employees) * wage
        let regYear = r.pick([(r.int(1995...2010), 0.4), (r.int(2011...2015), 0.3), (r.int(2016...2018), 0.3)])
        let registered = "\(regYear)-\(String(format2(r.int(1...12))))-\(String(format2(r.int(1...28))))"
        let assets = payroll * r.logNormal(median: 2.5, sigma: 0.9)
        let income = r.chance(0.18) ? -r.logNormal(median: 200_000, sigma: 1.2) : r.logNormal(median: 0.06, sigma: 0.8) * assets
        let landTax = r.chance(0.2) ? 0 : r.logNormal(median: Double(employees) * 900, sigma: 1.0)
        var cells: [String?] = []
        func add(_ v: String?) { cells.append(v) }
        add(idText(i)); add("企业\(i)"); add(String(year)); add(region); add(industry); add(registered)
        add(String(employees)); add(String(r.chance(0.1) ? r.int(1...3) : 0))
        add(Self.money(assets)); add(Self.money(payroll))
        let highEarners = employees > 20 ? r.int(0...3) : (r.chance(0.2) ? 1 : 0)
        for k in 0..<3 { add(k < highEarners ? Self.money(r.logNormal(median: 17_000, sigma: 0.4)) : nil) }
        add(r.chance(0.03) ? nil : Self.money(income).replacingSign(income < 0))
        add(r.chance(0.08) ? "0.15" : nil)
        add(Self.money(r.logNormal(median: 61_000, sigma: 0.05)))
        let tech = r.chance(0.08)
        add(tech ? "true" : "false"); add(tech ? Self.money(payroll * r.logNormal(median: 0.3, sigma: 0.5)) : "0")
        add(Self.money(landTax)); add(section == "G" ? Self.money(landTax * r.unit()) : "0")
        let industryPerMu = r.logNormal(median: 80_000, sigma: 0.3)
        add(r.chance(0.05) ? nil : Self.money(industryPerMu * r.logNormal(median: 0.9, sigma: 0.7))); add(Self.money(industryPerMu))
        add(r.chance(0.06) ? nil : r.pick([("A", 0.25), ("B", 0.4), ("C", 0.25), ("D", 0.1)]))
        add(r.chance(0.1) ? Self.money(r.logNormal(median: 4_000_000, sigma: 0.8)) : "0")
        add(r.chance(0.05) ? Self.money(r.logNormal(median: 1_800_000, sigma: 0.6)) : "0")
        let loans = r.chance(0.2) ? r.int(1...2) : 0
        for k in 0..<2 {
            if k < loans { add(Self.money(r.logNormal(median: 3_000_000, sigma: 0.8))); add(String(r.int(1...20))) } else { add(nil); add(nil) }
        }
        if r.chance(0.15) {
            add(Self.money(r.logNormal(median: 5_000_000, sigma: 0.7))); add(r.pick([("0.012", 0.2), ("0.015", 0.3), ("0.02", 0.3), ("0.025", 0.2)]))
            add(r.chance(0.6) ? "true" : "false")
        } else { add(nil); add(nil); add(nil) }
        if r.chance(0.1) {
            add(r.pick([("president", 0.2), ("vice_president", 0.3), ("member", 0.5)])); add(Self.money(r.pick([(5000.0, 0.3), (10000.0, 0.3), (30000.0, 0.4)])))
        } else { add(nil); add(nil) }
        add(r.chance(0.1) ? Self.money(r.logNormal(median: 800_000, sigma: 0.8)) : "0")
        add(String(r.chance(0.1) ? r.int(1...5) : 0))
        add(Self.money(r.logNormal(median: 3_000, sigma: 1)))
        add(Self.money(payroll * 0.01 * r.unit())); add(Self.money(payroll * 0.005 * r.unit()))
        add(section == "C" && r.chance(0.2) ? Self.money(r.logNormal(median: 2_000_000, sigma: 1)) : "0")
        add(r.chance(0.05) ? Self.money(r.logNormal(median: 300_000, sigma: 0.8)) : "0")
        add(r.chance(0.02) ? Self.money(r.logNormal(median: 5_000_000, sigma: 0.8)) : "0")
        if section == "C" && r.chance(0.05) {
            add("\(r.int(2013...2018))-\(format2(r.int(1...12)))-01"); add(Self.money(r.logNormal(median: 300_000, sigma: 0.5))); add(r.chance(0.8) ? "true" : "false")
        } else { add(nil); add(nil); add(r.chance(0.9) ? "false" : nil) }
        add(r.chance(0.05) ? Self.money(r.pick([(100_000.0, 0.5), (300_000.0, 0.3), (500_000.0, 0.2)])) : "0")
        let difficulty = r.chance(0.04)
        add(difficulty ? Self.money(r.logNormal(median: 400_000, sigma: 0.6)) : "0"); add(difficulty ? "true" : "false"); add(difficulty && r.chance(0.7) ? "true" : "false")
        add(Self.money(r.logNormal(median: 8_000, sigma: 1))); add(r.chance(0.3) ? Self.money(r.logNormal(median: 20_000, sigma: 0.8)) : "0")
        add(r.chance(0.2) ? Self.money(r.logNormal(median: 15_000, sigma: 0.5)) : "0")
        return cells
    }

    func format2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    func idText(_ i: Int) -> String { "Q" + String(seed) + "-" + String(i) }

    /// Writes the population, calling `emit` with chunks of text.
    public mutating func write(_ format: Format, emit: (String) -> Void) {
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        let kept = Self.columns.indices.filter { !sparse || !Self.sparseAbsent.contains(Self.columns[$0]) }
        if format == .csv { buffer += kept.map { Self.columns[$0] }.joined(separator: ",") + "\n" }
        for i in 1...max(1, count) where count > 0 {
            var cells = row(i)
            if sparse {
                for k in cells.indices {
                    if Self.sparseAbsent.contains(Self.columns[k]) { cells[k] = nil; continue }
                    if !Self.neverBlank.contains(Self.columns[k]) && blanks.chance(0.1) { cells[k] = nil }
                }
            }
            if format == .csv {
                buffer += kept.map { cells[$0] ?? "" }.joined(separator: ",")
                buffer += "\n"
            } else {
                buffer += ndjson(cells)
            }
            if buffer.utf8.count > (1 << 20) { emit(buffer); buffer.removeAll(keepingCapacity: true) }
        }
        emit(buffer)
    }

    func ndjson(_ cells: [String?]) -> String {
        var scalars: [String] = []
        var lists: [String: [Int: [(String, String)]]] = [:]
        var plain: [String: [Int: String]] = [:]
        var recordKeys: [(String, String)] = []
        for (i, c) in Self.columns.enumerated() {
            guard let v = cells[i] else { continue }
            let json = Self.jsonValue(c, v)
            if let list = Self.lists.first(where: { c.hasPrefix($0 + "_") }) {
                // `turnover_loans_1_days` → item 1, key days; `monthly_wages_2` → item 2.
                let rest = c.dropFirst(list.count + 1).split(separator: "_", maxSplits: 1)
                let idx = Int(rest[0]) ?? 0
                if rest.count == 2 { lists[list, default: [:]][idx, default: []].append((String(rest[1]), json)) } else { plain[list, default: [:]][idx] = json }
            } else if c.hasPrefix(Self.record + "_") {
                recordKeys.append((String(c.dropFirst(Self.record.count + 1)), json))
            } else {
                scalars.append("\"\(c)\":\(json)")
            }
        }
        // As in the CSV form: a list whose columns are all empty is an empty list, not a missing one.
        // A sparse population has no guarantees at all: the field is absent (unknown), not an empty list.
        for list in Self.lists where plain[list] == nil && lists[list] == nil && !(sparse && Self.sparseAbsent.contains(list + "_1_amount")) {
            scalars.append("\"\(list)\":[]")
        }
        if !recordKeys.isEmpty {
            scalars.append("\"\(Self.record)\":{" + recordKeys.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
        }
        for (f, items) in plain.sorted(by: { $0.key < $1.key }) {
            scalars.append("\"\(f)\":[" + items.keys.sorted().compactMap { items[$0] }.joined(separator: ",") + "]")
        }
        for (f, items) in lists.sorted(by: { $0.key < $1.key }) {
            let objs = items.keys.sorted().map { k in "{" + (items[k] ?? []).map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}" }
            scalars.append("\"\(f)\":[" + objs.joined(separator: ",") + "]")
        }
        return "{" + scalars.joined(separator: ",") + "}\n"
    }

    static func jsonValue(_ column: String, _ v: String) -> String {
        if v == "true" || v == "false" { return v }
        let textual = ["id", "name", "region_code", "industry_code", "registered_on", "evaluation_grade"]
        if textual.contains(column) || column.hasSuffix("_role") || column.hasSuffix("_start_on") { return "\"" + v + "\"" }
        return v
    }
}

private extension String {
    func replacingSign(_ negative: Bool) -> String { negative ? "-" + self : self }
}

import Foundation
private func _log(_ x: Double) -> Double { Foundation.log(x) }
private func _exp(_ x: Double) -> Double { Foundation.exp(x) }
private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
