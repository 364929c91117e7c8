import Foundation

/// Maps the columns of a population CSV onto the data dictionary, then turns each row into a `Profile`.
///
/// A header may use field names or the Chinese labels of the schema; list fields use numbered columns
/// (`monthly_wages_1`, `turnover_loans_2_days`, `还贷周转金_1_天数`), record fields add the key
/// (`standard_factory_lease_start_on`).
public struct CSVProfileMapper: Sendable {
    public enum Column: Sendable, Hashable {
        case scalar(Int)
        case recordKey(Int, key: Int)
        case listItem(Int, item: Int)
        case listItemKey(Int, item: Int, key: Int)

        var field: Int {
            switch self {
            case .scalar(let f), .recordKey(let f, _), .listItem(let f, _), .listItemKey(let f, _, _): return f
            }
        }
    }

    public let schema: Schema
    /// The language of row messages.
    public let lang: Lang
    public let columns: [Column]
    public let headers: [String]
    /// List fields that have columns in this file (a row with all of them empty has an empty list).
    let listFields: [Int]
    /// The spec of each column's value.
    let specs: [FieldSpec]
    /// The domain of each number column, as plain values (no `FieldSpec` reference counted per cell).
    let numbers: [NumberDomain?]
    /// Each column's field slot when it is a scalar field, else -1.
    let scalarSlots: [Int]
    /// The columns of scalar fields, in order.
    let scalarColumns: [Int]
    let fieldCount: Int

    /// A number column's domain as plain values: no `FieldSpec` (reference counted) and no `FieldKind` (whose
    /// enumeration case holds an array) per cell.
    struct NumberDomain: Sendable {
        enum Kind: UInt8, Sendable { case money, rate, int }
        var kind: Kind
        var signed: Bool
        var min: Int
        /// Whether 0 is in the domain (a count may have to be at least 1).
        var acceptsZero: Bool { kind != .int || min <= 0 }

        init?(_ spec: FieldSpec) {
            switch spec.kind {
            case .money: kind = .money
            case .rate: kind = .rate
            case .int: kind = .int
            default: return nil
            }
            signed = spec.signed
            min = spec.min ?? 0
        }

        /// `accepts` for `units / power` (a plain decimal: power is 10^its fraction digits), on the integers and
        /// dividing only where it must.
        @inline(__always)
        func accepts(units: Int64, power p: Int64) -> Bool {
            switch kind {
            case .money: if !signed && units < 0 { return false }
            case .rate: if units < 0 || units > p { return false }
            case .int:
                var whole = units
                if p != 1 {
                    guard units % p == 0 else { return false }
                    whole = units / p
                }
                if whole < Int64(min) || whole > 1_000_000_000_000 { return false }
            }
            return units.magnitude < 1_000_000_000_000_000 || (units / p).magnitude < 1_000_000_000_000_000
        }

        /// The checks of `FieldDomain.checkNumber`, which renders the message when one fails.
        @inline(__always)
        func accepts(_ r: Rational) -> Bool {
            switch kind {
            case .money: if !signed && r.isNegative { return false }
            case .rate: if r.isNegative || r > .one { return false }
            case .int: if !r.isInteger || r < Rational(min) || r > Rational(1_000_000_000_000) { return false }
            }
            return !r.magnitudeExceeds(1_000_000_000_000_000)
        }
    }
    let layout: Layout
    /// How the fast reader takes each column (`load(_:into:at:)`).
    let fastCells: [FastCell]
    /// Per slot: whether a list or record field has columns in this file.
    let hasMemberColumns: [Bool]
    /// The cells of list items and records, flat, for the fast reader; and the fields they fill.
    let memberCells: [MemberCell]
    let memberFields: [(field: Int32, isRecord: Bool)]
    /// Per column: whether its field keeps text (a missing value must then clear the text register).
    let emptyIsText: [Bool]
    /// Each enumeration column's allowed values, as bytes and as the string stored.
    let enumerations: [[(bytes: [UInt8], text: String)]]

    /// Reads the header; every unknown or repeated column is reported.
    public init(schema: Schema, header: [String], file: String, lang: Lang = .en) throws(Diagnostics) {
        self.schema = schema
        self.lang = lang
        func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
        var cols: [Column] = []
        var diags: [Diagnostic] = []
        var seen: [Column: String] = [:]
        for (i, raw) in header.enumerated() {
            let h = raw.trimmingCharacters(in: .whitespaces)
            guard let c = CSVProfileMapper.column(h, schema) else {
                let names = CSVProfileMapper.knownNames(schema)
                diags.append(Diagnostic("\(file):1:\(i + 1)", t("未知列 \"\(h)\"", "unknown column \"\(h)\"") + Suggest.hint(h, in: names, lang: lang)
                                        + t("（应为数据字典中的字段名或中文标签）", " (expected a field name or its Chinese label from the schema)")))
                cols.append(.scalar(-1))
                continue
            }
            var itemNumber: (field: Int, item: Int)?
            if case .listItem(let f, let n) = c { itemNumber = (f, n) }
            if case .listItemKey(let f, let n, _) = c { itemNumber = (f, n) }
            if let (f, n) = itemNumber, n > schema.fields[f].maxItems {
                let spec = schema.fields[f], m = Money.group(String(spec.maxItems))
                diags.append(Diagnostic("\(file):1:\(i + 1)", t("列 \"\(h)\"：第 \(n) 项超过字段 \(spec.name) 的上限 \(m) 项（数据字典的 max_items）",
                                                            "column \"\(h)\": item \(n) of \(spec.name) is past the limit of \(m) items (max_items in the data dictionary)")))
                cols.append(.scalar(-1))
                continue
            }
            if let other = seen[c] {
                diags.append(Diagnostic("\(file):1:\(i + 1)", t("列 \"\(h)\" 与列 \"\(other)\" 是同一字段：每个字段只能给一次", "column \"\(h)\" gives the same field as column \"\(other)\"; give each field once")))
            }
            seen[c] = h
            cols.append(c)
        }
        if !diags.isEmpty { throw Diagnostics(diags) }
        columns = cols
        headers = header
        var lists = Set<Int>()
        for c in cols {
            if case .listItem(let f, _) = c { lists.insert(f) }
            if case .listItemKey(let f, _, _) = c { lists.insert(f) }
        }
        listFields = lists.sorted()
        specs = cols.map { c -> FieldSpec in
            switch c {
            case .scalar(let f): return schema.fields[f]
            case .recordKey(let f, let k): return schema.fields[f].keys[k]
            case .listItem(let f, _): return schema.fields[f].item ?? schema.fields[f]
            case .listItemKey(let f, _, let k): return schema.fields[f].item?.keys[k] ?? schema.fields[f]
            }
        }
        layout = CSVProfileMapper.layout(cols, listFields: listFields, schema: schema)
        fieldCount = schema.fields.count
        let slots = cols.map { c in if case .scalar(let f) = c { return f } else { return -1 } }
        scalarSlots = slots
        scalarColumns = slots.indices.filter { slots[$0] >= 0 }
        numbers = specs.map { NumberDomain($0) }
        fastCells = zip(specs, numbers).map { CSVProfileMapper.fastCell($0, $1) }
        emptyIsText = specs.map { spec in
            switch spec.kind {
            case .string, .enumeration: return true
            default: return false
            }
        }
        var members = Array(repeating: false, count: schema.fields.count)
        for r in layout.records { members[r.field] = true }
        for l in layout.lists { members[l.field] = true }
        hasMemberColumns = members
        (memberCells, memberFields) = CSVProfileMapper.memberCells(layout)
        enumerations = specs.map { spec in
            if case .enumeration(let values) = spec.kind { return values.map { (Array($0.utf8), $0) } }
            return []
        }
    }

    /// Where each record's keys and each list's numbered items sit among the columns.
    struct Layout: Sendable {
        var records: [(field: Int, keyCount: Int, columns: [(column: Int, key: Int)])] = []
        /// Items in number order; a plain item has one column with key -1.
        var lists: [(field: Int, keyCount: Int, items: [[(column: Int, key: Int)]])] = []
    }

    static func layout(_ cols: [Column], listFields: [Int], schema: Schema) -> Layout {
        var out = Layout()
        var records: [Int: [(column: Int, key: Int)]] = [:]
        var lists: [Int: [Int: [(column: Int, key: Int)]]] = [:]
        for (i, c) in cols.enumerated() {
            switch c {
            case .recordKey(let f, let k): records[f, default: []].append((i, k))
            case .listItem(let f, let n): lists[f, default: [:]][n, default: []].append((i, -1))
            case .listItemKey(let f, let n, let k): lists[f, default: [:]][n, default: []].append((i, k))
            case .scalar: break
            }
        }
        out.records = records.keys.sorted().map { (field: $0, keyCount: schema.fields[$0].keys.count, columns: records[$0] ?? []) }
        out.lists = listFields.map { f in
            let byNumber = lists[f] ?? [:]
            return (field: f, keyCount: schema.fields[f].item?.keys.count ?? 0, items: byNumber.keys.sorted().map { byNumber[$0] ?? [] })
        }
        return out
    }

    static func knownNames(_ schema: Schema) -> [String] {
        var out: [String] = []
        for f in schema.fields {
            switch f.kind {
            case .list:
                if let item = f.item, item.kind == .record {
                    for k in item.keys { out.append("\(f.name)_1_\(k.name)") }
                } else { out.append("\(f.name)_1") }
            case .record: for k in f.keys { out.append("\(f.name)_\(k.name)") }
            default: out += [f.name, f.zh]
            }
        }
        return out
    }

    static func column(_ h: String, _ schema: Schema) -> Column? {
        for (slot, f) in schema.fields.enumerated() {
            switch f.kind {
            case .list:
                for prefix in [f.name + "_", f.zh + "_"] where h.hasPrefix(prefix) {
                    let rest = h.dropFirst(prefix.count)
                    let parts = rest.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
                    guard let n = Int(parts[0]), n >= 1 else { continue }
                    if let item = f.item, item.kind == .record {
                        guard parts.count == 2 else { continue }
                        let key = String(parts[1])
                        if let k = item.keys.firstIndex(where: { $0.name == key || $0.zh == key }) {
                            return .listItemKey(slot, item: n, key: k)
                        }
                    } else if parts.count == 1 {
                        return .listItem(slot, item: n)
                    }
                }
            case .record:
                for prefix in [f.name + "_", f.zh + "_"] where h.hasPrefix(prefix) {
                    let key = String(h.dropFirst(prefix.count))
                    if let k = f.keys.firstIndex(where: { $0.name == key || $0.zh == key }) { return .recordKey(slot, key: k) }
                }
            default:
                if h == f.name || h == f.zh { return .scalar(slot) }
            }
        }
        return nil
    }

    /// One row as a profile, or the problems that reject it (each naming the column).
    public func profile(_ row: CSVRow, file: String) -> Result<Profile, Diagnostics> {
        var p = Profile(fieldCount: fieldCount, origin: "\(file):\(row.line)")
        if row.count != columns.count {
            let m = lang == .zh ? "应有 \(columns.count) 个单元格（同表头），实际 \(row.count) 个" : "expected \(columns.count) cells as in the header, got \(row.count)"
            return .failure(Diagnostics([Diagnostic("\(file):\(row.line)", m)]))
        }
        // Every cell read once, straight into its place: scalars into the profile, list and record cells into the
        // values assembled with the layouts made from the header (no dictionaries and no cell array per row).
        var failures: [(column: Int, diagnostic: Diagnostic)] = []
        let gb = row.encoding == .gb18030
        func value(_ i: Int) -> FieldValue? {
            if row.isEmpty(at: i) { return nil }
            // Numbers, the bulk of a population file, without the general path (which renders messages).
            if let domain = numbers[i], let d = row.withCell(i, { DecimalText.parse($0, gb18030: gb) }),
               !(d.percent && domain.kind != .rate), let r = Rational(units: d.units, scale: d.scale), domain.accepts(r) {
                return .number(r)
            }
            switch cell(row, i, gb: gb) {
            case .success(let v): return v
            case .failure(let m):
                failures.append((i, Diagnostic("\(file):\(row.line):\(i + 1)", m.text, context: "column \(headers[i])")))
                return nil
            }
        }
        for i in columns.indices where scalarSlots[i] >= 0 {
            if let v = value(i) { p.values[scalarSlots[i]] = v }
        }
        for r in layout.records {
            var vals: [FieldValue?] = []
            for c in r.columns {
                guard let v = value(c.column) else { continue }
                if vals.isEmpty { vals = Array(repeating: nil, count: r.keyCount) }
                vals[c.key] = v
            }
            if !vals.isEmpty { p.values[r.field] = .record(vals) }
        }
        for l in layout.lists {
            var items: [FieldValue] = []
            for item in l.items {
                if let plain = item.first, plain.key < 0 {
                    if let v = value(plain.column) { items.append(v) }
                    continue
                }
                var vals: [FieldValue?] = []
                for c in item {
                    guard let v = value(c.column) else { continue }
                    if vals.isEmpty { vals = Array(repeating: nil, count: l.keyCount) }
                    vals[c.key] = v
                }
                if !vals.isEmpty { items.append(.record(vals)) }
            }
            p.values[l.field] = .list(items)
        }
        if !failures.isEmpty {
            // In column order, as the cells stand in the row.
            return .failure(Diagnostics(failures.sorted { $0.column < $1.column }.map(\.diagnostic)))
        }
        return .success(p)
    }

    /// Why a cell's bytes are rejected; in UTF-8 it names the way out, since auto-detection settles on the
    /// encoding from the file's start and Chinese text may begin only later.
    func undecodable(_ encoding: CSVEncoding) -> String {
        switch (encoding, lang) {
        case (.utf8, .zh): return "单元格不是有效的 UTF-8 文本（文件可能是 GB18030 编码：请加 --encoding gb18030）"
        case (.utf8, .en): return "the cell is not valid UTF-8 text (the file may be GB18030: use --encoding gb18030)"
        case (.gb18030, .zh): return "单元格不是有效的 GB18030 文本（文件可能是 UTF-8 编码：请加 --encoding utf8）"
        case (.gb18030, .en): return "the cell is not valid GB18030 text (the file may be UTF-8: use --encoding utf8)"
        }
    }

    /// ASCII spaces and tabs cut from both ends, without Foundation (which is slow per cell).
    static func trim(_ s: String) -> String {
        guard let f = s.utf8.first, let l = s.utf8.last, f == 0x20 || f == 0x09 || l == 0x20 || l == 0x09 else { return s }
        let u = Array(s.utf8)
        var a = 0, b = u.count
        while a < b && (u[a] == 0x20 || u[a] == 0x09) { a += 1 }
        while b > a && (u[b - 1] == 0x20 || u[b - 1] == 0x09) { b -= 1 }
        return String(decoding: u[a..<b], as: UTF8.self)
    }

    static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var a = 0, e = b.count
        while a < e && (b[a] == 0x20 || b[a] == 0x09) { a += 1 }
        while e > a && (b[e - 1] == 0x20 || b[e - 1] == 0x09) { e -= 1 }
        return UnsafeBufferPointer(rebasing: b[a..<e])
    }

    /// Reads a cell; numbers straight from the bytes (no String) for speed.
    func cell(_ row: CSVRow, _ i: Int, gb: Bool) -> Result<FieldValue, FieldDomain.Message> {
        if let domain = numbers[i] {
            let d = row.withCell(i) { DecimalText.parse($0, gb18030: gb) }
            if let d, !(d.percent && domain.kind != .rate), let r = Rational(units: d.units, scale: d.scale) {
                if domain.accepts(r) { return .success(.number(r)) }
                // Only a rejected cell pays for rendering its text in the message.
                return FieldDomain.checkNumber(r, specs[i], shown: d.description + (d.percent ? " (from a percentage)" : ""), lang: lang)
            }
            let text = (try? row.string(at: i)) ?? "?"
            return FieldDomain.check(.text(text), specs[i], lang: lang)
        }
        let spec = specs[i]
        switch spec.kind {
        case .date:
            // Dates straight from ASCII bytes; anything else goes through the general path for its message.
            if let d = row.withCell(i, { Day(isoBytes: CSVProfileMapper.trimmed($0)) }) { return .success(.date(d)) }
            fallthrough
        default:
            guard let text = try? row.string(at: i) else { return .failure(FieldDomain.Message(text: undecodable(row.encoding))) }
            return FieldDomain.check(.text(CSVProfileMapper.trim(text)), spec, lang: lang)
        }
    }
}


