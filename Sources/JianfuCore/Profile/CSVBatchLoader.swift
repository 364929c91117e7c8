/// Rows of a population CSV written straight into a batch's field registers, with no `Profile` in between.
extension CSVProfileMapper {
    /// How the fast reader takes a scalar column's cells: the common spellings straight from the bytes, anything
    /// else through `cell` (the reader `profile` uses).
    enum FastCell: Sendable {
        case number(NumberDomain)
        case date
        case bool
        /// An enumeration: its allowed values are `enumerations[column]` (kept apart so that reading the case
        /// copies no arrays).
        case enumeration
        /// An administrative division code (GB/T 2260): six ASCII digits.
        case regionCode
        /// An industry code (GB/T 4754): a section letter A–T and up to four digits.
        case industryCode
        /// Text with no format.
        case text
        case other
    }

    static func fastCell(_ spec: FieldSpec, _ number: NumberDomain?) -> FastCell {
        if let number { return .number(number) }
        switch spec.kind {
        case .date: return .date
        case .bool: return .bool
        case .enumeration: return .enumeration
        case .string where spec.format == "gb2260": return .regionCode
        case .string where spec.format == "gb4754": return .industryCode
        case .string where spec.format == nil: return .text
        default: return .other
        }
    }

    /// Writes `row` as row `i` of `memory`; false when any cell is not accepted by the fast reader (the caller
    /// then converts the row with `profile(_:file:)`, which decides and names every problem). Every value
    /// written is the one `profile` gives; fields no rule reads are checked but not stored.
    func load(_ row: CSVRow, into memory: BatchMemory, at i: Int) -> Bool {
        guard row.count == columns.count else { return false }
        let gb = row.encoding == .gb18030
        // The row's bytes and cell spans, read directly: the cells are visited once each, in order.
        let bytes = row.storage.bytes, spans = row.storage.spans
        for c in scalarColumns {
            let slot = scalarSlots[c]
            let span = spans[c]
            if span.start == span.end { memory.setMissing(slot, i, text: emptyIsText[c]); continue }
            let b = UnsafeBufferPointer(start: bytes + span.start, count: span.end - span.start)
            let read = memory.reads[slot]
            switch fastCells[c] {
            case .number(let domain):
                // "0" is a quarter of a typical population's cells.
                if b.count == 1 && b[0] == 0x30 && domain.acceptsZero {
                    if read { memory.setNumber(slot, i, .zero) }
                    continue
                }
                if let (units, power) = CSVProfileMapper.plainDecimal(b) ?? CSVProfileMapper.groupedDecimal(b) {
                    guard domain.accepts(units: units, power: power) else { return false }
                    if read { memory.setNumber(slot, i, Rational(plainDecimal: units, power: power)) }
                    continue
                }
                var value: Rational?
                if let d = DecimalText.parse(b, gb18030: gb), !(d.percent && domain.kind != .rate) {
                    value = Rational(units: d.units, scale: d.scale)
                }
                guard let r = value, domain.accepts(r) else { return false }
                if read { memory.setNumber(slot, i, r) }
                continue
            case .text:
                // ASCII is valid text in either encoding; trimming only matters where the value is kept.
                if !read && CSVProfileMapper.isText(b, gb18030: gb) { continue }
            default:
                if let v = fastValue(b, column: c) {
                    if read { memory.set(slot, i, v) }
                    continue
                }
            }
            guard case .success(let v) = cell(row, c, gb: gb) else { return false }
            memory.set(slot, i, v)
        }
        return loadMembers(row, into: memory, at: i, gb: gb)
    }

    /// `load` for a plain record (`n` bytes at `record`: no quotes, no line breaks), split on commas while its
    /// cells are read, in one pass. `view` is then pointed at the record, for the cells the fast reader leaves
    /// to `cell` and for list and record fields. Writes what `load` writes; false where `load` is false.
    func load(plain record: UnsafeMutablePointer<UInt8>, count n: Int, line: Int, view: CSVRowStorage,
              into memory: BatchMemory, at i: Int) -> Bool {
        let columnCount = columns.count, gb = view.encoding == .gb18030
        let spans = view.spanBuffer(columnCount), left = view.markBuffer(columnCount)
        var leftCount = 0
        var p = 0
        for c in 0..<columnCount {
            // Fewer cells than columns.
            guard p <= n else { return false }
            let slot = scalarSlots[c]
            var q = p
            if slot >= 0, case .number(let domain) = fastCells[c] {
                // "0," and ",": a third of a typical population's cells.
                if q &+ 1 < n && record[q] == 0x30 && record[q &+ 1] == 0x2C && domain.acceptsZero {
                    spans[c] = CellSpan(start: p, end: q &+ 1, escaped: false)
                    if memory.reads[slot] { memory.setNumber(slot, i, .zero) }
                    p = q &+ 2
                    continue
                }
                if q < n && record[q] == 0x2C {
                    spans[c] = CellSpan(start: p, end: q, escaped: false)
                    memory.setMissing(slot, i, text: emptyIsText[c])
                    p = q &+ 1
                    continue
                }
                let negative = q < n && record[q] == 0x2D
                if negative { q += 1 }
                /// A plain decimal of the cell `p..<q`, as `plainDecimal` reads it (and "0" as `load` does); false
                /// where its domain refuses it.
                func take(_ units: Int64, _ power: Int64) -> Bool {
                    let u = negative ? -units : units
                    guard domain.accepts(units: u, power: power) else { return false }
                    if memory.reads[slot] { memory.setNumber(slot, i, q - p == 1 && u == 0 ? .zero : Rational(plainDecimal: u, power: power)) }
                    return true
                }
                if let (units, power, end) = CSVProfileMapper.wordDecimal(record, q, n) {
                    q = end
                    spans[c] = CellSpan(start: p, end: q, escaped: false)
                    guard take(units, power) else { return false }
                    p = q + 1
                    continue
                }
                // The byte loop: the digits are read while the cell's end is looked for.
                var units: Int64 = 0, power: Int64 = 1, digits = 0, sawDot = false, plain = true
                while q < n {
                    let b = record[q]
                    let d = b &- 0x30
                    if d < 10 {
                        units = units &* 10 &+ Int64(d)
                        digits &+= 1
                        if sawDot { power &*= 10 }
                    } else if b == 0x2C {
                        break
                    } else if b == 0x2E && !sawDot && digits > 0 {
                        sawDot = true
                    } else {
                        plain = false
                        while q < n && record[q] != 0x2C { q += 1 }
                        break
                    }
                    q += 1
                }
                spans[c] = CellSpan(start: p, end: q, escaped: false)
                if q == p {
                    memory.setMissing(slot, i, text: emptyIsText[c])
                } else if plain && digits > 0 && digits <= 18 && (!sawDot || power > 1) {
                    guard take(units, power) else { return false }
                } else {
                    left[leftCount] = Int32(c); leftCount += 1
                }
                p = q + 1
                continue
            }
            while q < n && record[q] != 0x2C { q += 1 }
            spans[c] = CellSpan(start: p, end: q, escaped: false)
            defer { p = q + 1 }
            // List and record cells are read with the others below.
            guard slot >= 0 else { continue }
            if q == p { memory.setMissing(slot, i, text: emptyIsText[c]); continue }
            let b = UnsafeBufferPointer(start: record + p, count: q - p)
            let read = memory.reads[slot]
            if case .text = fastCells[c] {
                // Free text is any valid text: one not kept need only be valid.
                if !read && CSVProfileMapper.isText(b, gb18030: gb) { continue }
            } else if let v = fastValue(b, column: c) {
                if read { memory.set(slot, i, v) }
                continue
            }
            left[leftCount] = Int32(c); leftCount += 1
        }
        // More cells than columns.
        guard p == n + 1 else { return false }
        view.view(bytes: record, spans: spans, count: columnCount, line: line)
        let row = CSVRow(storage: view)
        for k in 0..<leftCount {
            let c = Int(left[k])
            guard case .success(let v) = cell(row, c, gb: gb) else { return false }
            memory.set(scalarSlots[c], i, v)
        }
        return loadMembers(row, into: memory, at: i, gb: gb)
    }

    /// Record and list fields, assembled as `profile` assembles them (those with no columns in this file are
    /// missing).
    private func loadMembers(_ row: CSVRow, into memory: BatchMemory, at i: Int, gb: Bool) -> Bool {
        for slot in memory.memberSlots where !hasMemberColumns[slot] { memory.startMembers(slot, row: i, present: false) }
        guard !layout.records.isEmpty || !layout.lists.isEmpty else { return true }
        let bytes = row.storage.bytes, spans = row.storage.spans
        for m in memberFields { memory.startMembers(Int(m.field), row: i, present: !m.isRecord) }
        // One flat pass over the member cells: an item (or a record) is kept once any of its cells is given.
        var group: Int32 = -1, item = -1
        for m in memberCells {
            if m.group != group { group = m.group; item = -1 }
            let c = Int(m.column), span = spans[c]
            if span.start == span.end { continue }
            let v: FieldValue
            if let fast = fastValue(UnsafeBufferPointer(start: bytes + span.start, count: span.end - span.start), column: c) {
                v = fast
            } else {
                guard case .success(let general) = cell(row, c, gb: gb) else { return false }
                v = general
            }
            let field = Int(m.field)
            if item < 0 {
                if m.isRecord { memory.members[field].present[i] = 1 }
                item = memory.appendMember(field, row: i)
            }
            memory.setMember(field, item: item, key: Int(m.key), v)
        }
        return true
    }

    /// A non-empty cell's value in its common spellings, straight from the bytes (as `cell` reads them); nil for
    /// any other spelling, which `cell` then reads or rejects.
    @inline(__always)
    func fastValue(_ b: UnsafeBufferPointer<UInt8>, column c: Int) -> FieldValue? {
        switch fastCells[c] {
        case .number(let domain):
            if b.count == 1 && b[0] == 0x30 && domain.acceptsZero { return .number(.zero) }
            guard let (units, power) = CSVProfileMapper.plainDecimal(b) ?? CSVProfileMapper.groupedDecimal(b),
                  domain.accepts(units: units, power: power) else { return nil }
            return .number(Rational(plainDecimal: units, power: power))
        case .date:
            return Day(isoBytes: CSVProfileMapper.trimmed(b)).map { .date($0) }
        case .bool:
            return CSVProfileMapper.plainBool(b).map { .bool($0) }
        case .enumeration:
            let values = enumerations[c]
            return values.firstIndex(where: { $0.bytes.elementsEqual(b) }).map { .string(values[$0].text) }
        case .regionCode:
            return b.count == 6 && b.allSatisfy({ $0 &- 0x30 < 10 }) ? .string(String(decoding: b, as: UTF8.self)) : nil
        case .industryCode:
            guard b.count <= 5 && b[0] >= 0x41 && b[0] <= 0x54 && b.dropFirst().allSatisfy({ $0 &- 0x30 < 10 }) else { return nil }
            return .string(String(decoding: b, as: UTF8.self))
        case .text, .other:
            return nil
        }
    }

    /// A cell of a list item or record, for the fast reader: its column, field, item group (one per record and
    /// per numbered item) and key.
    struct MemberCell: Sendable {
        var column: Int32
        var field: Int32
        var group: Int32
        var key: Int32
        var isRecord: Bool
    }

    /// The layout's member cells in `profile`'s order (records, then lists by item number), and their fields.
    static func memberCells(_ layout: Layout) -> (cells: [MemberCell], fields: [(field: Int32, isRecord: Bool)]) {
        var cells: [MemberCell] = [], fields: [(field: Int32, isRecord: Bool)] = []
        var group: Int32 = 0
        for r in layout.records {
            fields.append((Int32(r.field), true))
            for c in r.columns { cells.append(MemberCell(column: Int32(c.column), field: Int32(r.field), group: group, key: Int32(c.key), isRecord: true)) }
            group += 1
        }
        for l in layout.lists {
            fields.append((Int32(l.field), false))
            for item in l.items {
                for c in item {
                    cells.append(MemberCell(column: Int32(c.column), field: Int32(l.field), group: group, key: Int32(max(0, c.key)), isRecord: false))
                }
                group += 1
            }
        }
        return (cells, fields)
    }
}
