/// Rows of a population CSV written straight into a batch's field registers, with no `Profile` in between.
extension CSVProfileMapper {
    /// Writes `row` as row `i` of `memory`; false when any cell is not accepted (the caller then converts the row
    /// with `profile(_:file:)`, which names every problem). The values written are those `profile` gives.
    func load(_ row: CSVRow, into memory: BatchMemory, at i: Int) -> Bool {
        guard row.count == columns.count else { return false }
        let gb = row.encoding == .gb18030
        /// A cell's value as `profile` reads it: nil for an empty cell, `.failure` for a rejected one.
        func value(_ c: Int) -> Result<FieldValue?, Reject> {
            if row.isEmpty(at: c) { return .success(nil) }
            if let domain = numbers[c], let d = row.withCell(c, { DecimalText.parse($0, gb18030: gb) }),
               !(d.percent && domain.kind != .rate), let r = Rational(units: d.units, scale: d.scale), domain.accepts(r) {
                return .success(.number(r))
            }
            switch cell(row, c, gb: gb) {
            case .success(let v): return .success(v)
            case .failure: return .failure(Reject())
            }
        }
        for c in columns.indices {
            let slot = scalarSlots[c]
            guard slot >= 0 else { continue }
            if row.isEmpty(at: c) { memory.set(slot, i, nil); continue }
            // Numbers and dates, the bulk of a population file, straight from the bytes.
            if let domain = numbers[c] {
                if let d = row.withCell(c, { DecimalText.parse($0, gb18030: gb) }), !(d.percent && domain.kind != .rate),
                   let r = Rational(units: d.units, scale: d.scale), domain.accepts(r) {
                    memory.setNumber(slot, i, r)
                    continue
                }
                return false
            }
            if specs[c].kind == .date, let d = row.withCell(c, { Day(isoBytes: CSVProfileMapper.trimmed($0)) }) {
                memory.setDay(slot, i, d)
                continue
            }
            guard case .success(let v) = value(c) else { return false }
            memory.set(slot, i, v)
        }
        guard !layout.records.isEmpty || !layout.lists.isEmpty else { return true }
        if memory.rows[i].count != fieldCount { memory.rows[i] = Array(repeating: nil, count: fieldCount) }
        for r in layout.records {
            var vals: [FieldValue?] = []
            for c in r.columns {
                guard case .success(let cell) = value(c.column) else { return false }
                guard let v = cell else { continue }
                if vals.isEmpty { vals = Array(repeating: nil, count: r.keyCount) }
                vals[c.key] = v
            }
            memory.rows[i][r.field] = vals.isEmpty ? nil : .record(vals)
        }
        for l in layout.lists {
            var items: [FieldValue] = []
            for item in l.items {
                if let plain = item.first, plain.key < 0 {
                    guard case .success(let cell) = value(plain.column) else { return false }
                    if let v = cell { items.append(v) }
                    continue
                }
                var vals: [FieldValue?] = []
                for c in item {
                    guard case .success(let cell) = value(c.column) else { return false }
                    guard let v = cell else { continue }
                    if vals.isEmpty { vals = Array(repeating: nil, count: l.keyCount) }
                    vals[c.key] = v
                }
                if !vals.isEmpty { items.append(.record(vals)) }
            }
            memory.rows[i][l.field] = .list(items)
        }
        return true
    }

    struct Reject: Error {}
}
