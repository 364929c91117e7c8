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
    public let columns: [Column]
    public let headers: [String]
    /// List fields that have columns in this file (a row with all of them empty has an empty list).
    let listFields: [Int]

    /// Reads the header; every unknown or repeated column is reported.
    public init(schema: Schema, header: [String], file: String) throws(Diagnostics) {
        self.schema = schema
        var cols: [Column] = []
        var diags: [Diagnostic] = []
        var seen: [Column: String] = [:]
        for (i, raw) in header.enumerated() {
            let h = raw.trimmingCharacters(in: .whitespaces)
            guard let c = CSVProfileMapper.column(h, schema) else {
                let names = CSVProfileMapper.knownNames(schema)
                diags.append(Diagnostic("\(file):1:\(i + 1)", "unknown column \"\(h)\"" + Suggest.hint(h, in: names)
                                        + " (expected a field name or its Chinese label from the schema)"))
                cols.append(.scalar(-1))
                continue
            }
            if let other = seen[c] {
                diags.append(Diagnostic("\(file):1:\(i + 1)", "column \"\(h)\" gives the same field as column \"\(other)\"; give each field once"))
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
                    guard let n = Int(parts[0]), n >= 1, n <= 10_000 else { continue }
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
        var p = Profile(fieldCount: schema.fields.count, origin: "\(file):\(row.line)")
        var diags: [Diagnostic] = []
        if row.count != columns.count {
            return .failure(Diagnostics([Diagnostic("\(file):\(row.line)", "expected \(columns.count) cells as in the header, got \(row.count)")]))
        }
        // List items by field, keyed by their column number, in order.
        var items: [Int: [Int: [FieldValue?]]] = [:]
        var scalarItems: [Int: [Int: FieldValue]] = [:]
        var records: [Int: [FieldValue?]] = [:]
        let gb = row.encoding == .gb18030
        for (i, c) in columns.enumerated() {
            if row.isEmpty(at: i) { continue }
            let spec: FieldSpec
            switch c {
            case .scalar(let f): spec = schema.fields[f]
            case .recordKey(let f, let k): spec = schema.fields[f].keys[k]
            case .listItem(let f, _): guard let it = schema.fields[f].item else { continue }; spec = it
            case .listItemKey(let f, _, let k): guard let it = schema.fields[f].item else { continue }; spec = it.keys[k]
            }
            let value: FieldValue
            switch cell(row, i, spec, gb: gb) {
            case .success(let v): value = v
            case .failure(let m):
                diags.append(Diagnostic("\(file):\(row.line):\(i + 1)", m.text, context: "column \(headers[i])"))
                continue
            }
            switch c {
            case .scalar(let f): p.values[f] = value
            case .recordKey(let f, let k):
                var r = records[f] ?? Array(repeating: nil, count: schema.fields[f].keys.count)
                r[k] = value
                records[f] = r
            case .listItem(let f, let n): scalarItems[f, default: [:]][n] = value
            case .listItemKey(let f, let n, let k):
                let count = schema.fields[f].item?.keys.count ?? 0
                var r = items[f]?[n] ?? Array(repeating: nil, count: count)
                r[k] = value
                items[f, default: [:]][n] = r
            }
        }
        if !diags.isEmpty { return .failure(Diagnostics(diags)) }
        for (f, r) in records { p.values[f] = .record(r) }
        for f in listFields {
            if let s = scalarItems[f] {
                p.values[f] = .list(s.keys.sorted().compactMap { s[$0] })
            } else if let s = items[f] {
                p.values[f] = .list(s.keys.sorted().compactMap { s[$0].map { FieldValue.record($0) } })
            } else {
                p.values[f] = .list([])
            }
        }
        return .success(p)
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
    func cell(_ row: CSVRow, _ i: Int, _ spec: FieldSpec, gb: Bool) -> Result<FieldValue, FieldDomain.Message> {
        switch spec.kind {
        case .money, .rate, .int:
            let d = row.withCell(i) { DecimalText.parse($0, gb18030: gb) }
            if let d, !(d.percent && spec.kind != .rate), let r = Rational(units: d.units, scale: d.scale) {
                let checked = FieldDomain.checkNumber(r, spec, shown: "")
                if case .success = checked { return checked }
                // Only a rejected cell pays for rendering its text in the message.
                return FieldDomain.checkNumber(r, spec, shown: d.description + (d.percent ? " (from a percentage)" : ""))
            }
            let text = (try? row.string(at: i)) ?? "?"
            return FieldDomain.check(.text(text), spec)
        case .date:
            // Dates straight from ASCII bytes; anything else goes through the general path for its message.
            if let d = row.withCell(i, { Day(isoBytes: CSVProfileMapper.trimmed($0)) }) { return .success(.date(d)) }
            fallthrough
        default:
            guard let text = try? row.string(at: i) else { return .failure(FieldDomain.Message(text: "the cell is not valid text in the file's encoding")) }
            return FieldDomain.check(.text(CSVProfileMapper.trim(text)), spec)
        }
    }
}


