/// The columns and registers of one batch of profiles, as raw memory of one thread's own.
///
/// Every register holds one value per row of the batch (`width` rows). The register files for numbers, flags,
/// dates and text share one numbering: the first `fieldCount` registers are the profile's fields (written by the
/// loader, read in place), then one register per `let` slot, then temporaries used by expressions as a stack.
/// A compiled expression runs once per batch over a selection of rows, so its cost per row is the arithmetic.
final class BatchMemory: @unchecked Sendable {
    /// Rows per batch.
    let width: Int
    let fieldCount: Int
    let registers: Int
    /// Numbers and whether each is known.
    let num: UnsafeMutablePointer<Rational>
    let numKnown: UnsafeMutablePointer<UInt8>
    /// Where a number is not known, the range it may take. A field register's cells hold its domain (what the
    /// interval evaluator allows a missing fact) from the start, and loaders never write them.
    let numRange: UnsafeMutablePointer<Interval>
    /// Flags: 0 false, 1 true, 2 unknown.
    let flag: UnsafeMutablePointer<UInt8>
    /// Dates (raw day numbers) and whether each is known.
    let day: UnsafeMutablePointer<Int32>
    let dayKnown: UnsafeMutablePointer<UInt8>
    let text: UnsafeMutablePointer<String?>
    /// Each field's kind per row (`Slot` codes), to tell a missing field (its default applies) from another kind.
    let kind: UnsafeMutablePointer<UInt8>
    /// Each row's piece of the year being evaluated: start and end (exclusive) day.
    let pieceStart: UnsafeMutablePointer<Int32>
    let pieceEnd: UnsafeMutablePointer<Int32>
    /// Inside an aggregate: each item row's profile row and item (in the list's pool).
    let parent: UnsafeMutablePointer<Int32>
    let itemRef: UnsafeMutablePointer<Int32>
    /// Per slot, the pool of a list or record field's members (`BatchMembers.swift`).
    let members: UnsafeMutablePointer<MemberView>
    /// The list and record slots.
    let memberSlots: [Int]
    /// The identity selection 0..<width (item rows are always dense).
    let identity: UnsafeMutablePointer<Int32>
    /// The rows a rule is still deciding, and the rows a conjunction still tests (its left side not false).
    let selection: UnsafeMutablePointer<Int32>
    let narrow: UnsafeMutablePointer<Int32>
    /// Every parameter set of the year's plan, one after another; the rule's set starts at `paramBase`.
    // One thread uses a batch's memory: these skip dynamic exclusivity checks (read per row by some rules).
    @exclusivity(unchecked) var paramTable: UnsafeMutablePointer<Rational?>
    @exclusivity(unchecked) var paramTableCount = 0
    @exclusivity(unchecked) var paramBase = 0
    @exclusivity(unchecked) var year: DayRange
    @exclusivity(unchecked) var proration: Proration = .days

    /// Field kinds as the loader writes them.
    enum Slot {
        static let missing: UInt8 = 0, number: UInt8 = 1, yes: UInt8 = 2, no: UInt8 = 3, date: UInt8 = 4
        static let text: UInt8 = 5, other: UInt8 = 6
    }

    /// The scalar field slots a loader writes from a profile.
    let usedSlots: [Int]
    /// Per slot: whether any rule, default or aggregate key reads it (a fast loader checks the others' cells
    /// but need not store them).
    let reads: [Bool]

    /// Each slot's kind, and whether a list's items are records (to make profiles back from the registers).
    let fieldKinds: [FieldKind]
    let itemIsRecord: [Bool]

    init(width: Int, schema: Schema, registers: Int, year: DayRange, usedSlots: [Int], reads: [Bool]) {
        let fieldCount = schema.fields.count
        let memberKeys = BatchMemory.memberKeys(schema)
        self.width = width; self.fieldCount = fieldCount; self.registers = registers; self.year = year
        self.usedSlots = usedSlots; self.reads = reads
        fieldKinds = schema.fields.map(\.kind)
        itemIsRecord = schema.fields.map { $0.item?.kind == .record }
        memberSlots = memberKeys.indices.filter { memberKeys[$0] > 0 }
        members = .allocate(capacity: fieldCount)
        for slot in 0..<fieldCount {
            let keys = slot < memberKeys.count ? memberKeys[slot] : 0
            (members + slot).initialize(to: BatchMemory.makeView(keyCount: max(1, keys), width: width, items: keys > 0 ? 2 * width : 1))
        }
        let cells = width * registers
        num = .allocate(capacity: cells); num.initialize(repeating: .zero, count: cells)
        numKnown = .allocate(capacity: cells); numKnown.initialize(repeating: 0, count: cells)
        numRange = .allocate(capacity: cells); numRange.initialize(repeating: .all, count: cells)
        for (slot, spec) in schema.fields.enumerated() {
            (numRange + slot * width).update(repeating: Evaluator.unknown(spec, FieldRef(field: slot)).interval, count: width)
        }
        flag = .allocate(capacity: cells); flag.initialize(repeating: 2, count: cells)
        day = .allocate(capacity: cells); day.initialize(repeating: 0, count: cells)
        dayKnown = .allocate(capacity: cells); dayKnown.initialize(repeating: 0, count: cells)
        text = .allocate(capacity: cells); text.initialize(repeating: nil, count: cells)
        kind = .allocate(capacity: width * fieldCount); kind.initialize(repeating: 0, count: width * fieldCount)
        pieceStart = .allocate(capacity: width); pieceStart.initialize(repeating: 0, count: width)
        pieceEnd = .allocate(capacity: width); pieceEnd.initialize(repeating: 0, count: width)
        parent = .allocate(capacity: width); parent.initialize(repeating: 0, count: width)
        itemRef = .allocate(capacity: width); itemRef.initialize(repeating: 0, count: width)
        identity = .allocate(capacity: width)
        for i in 0..<width { identity[i] = Int32(i) }
        selection = .allocate(capacity: width); selection.initialize(repeating: 0, count: width)
        narrow = .allocate(capacity: width); narrow.initialize(repeating: 0, count: width)
        paramTable = .allocate(capacity: 1); paramTable.initialize(to: nil)
        paramTableCount = 1
    }

    deinit {
        let cells = width * registers
        num.deinitialize(count: cells); num.deallocate()
        numRange.deinitialize(count: cells); numRange.deallocate()
        numKnown.deallocate(); flag.deallocate(); day.deallocate(); dayKnown.deallocate()
        text.deinitialize(count: cells); text.deallocate()
        kind.deallocate(); pieceStart.deallocate(); pieceEnd.deallocate(); parent.deallocate()
        itemRef.deallocate()
        for slot in 0..<fieldCount { BatchMemory.freeView(members[slot]) }
        members.deallocate()
        identity.deallocate(); selection.deallocate(); narrow.deallocate()
        paramTable.deinitialize(count: paramTableCount); paramTable.deallocate()
    }

    /// Replaces the parameter table (a plan's sets, flat).
    func setParams(_ table: [Rational?]) {
        paramTable.deinitialize(count: paramTableCount); paramTable.deallocate()
        paramTableCount = max(1, table.count)
        paramTable = .allocate(capacity: paramTableCount)
        paramTable.initialize(repeating: nil, count: paramTableCount)
        for (k, v) in table.enumerated() { paramTable[k] = v }
    }

    /// Writes row `i`'s facts into the field registers of the slots rules read.
    func load(row i: Int, _ values: [FieldValue?], used: [Int]) {
        values.withUnsafeBufferPointer { src in
            for slot in used where slot < src.count { set(slot, i, src[slot]) }
            for slot in memberSlots { loadMembers(slot, row: i, slot < src.count ? src[slot] : nil) }
        }
    }

    /// Field `slot` of row `i`: a value, or missing.
    @inline(__always)
    func set(_ slot: Int, _ i: Int, _ value: FieldValue?) {
        let at = slot * width + i
        switch value {
        case nil:
            kind[at] = Slot.missing; numKnown[at] = 0; flag[at] = 2; dayKnown[at] = 0; text[at] = nil
        case .number(let r)?:
            setNumber(slot, i, r)
        case .bool(let b)?:
            setFlag(slot, i, b)
        case .date(let d)?:
            setDay(slot, i, d)
        case .string(let s)?:
            setText(slot, i, s)
        default:
            kind[at] = Slot.other; numKnown[at] = 0; flag[at] = 2; dayKnown[at] = 0; text[at] = nil
        }
    }

    // Typed writers: a slot of the schema holds values of its kind or none, so only the registers of that kind
    // (and `kind`) change; the others keep their "unknown" from the start.

    /// A missing field: every typed register unknown (the text one only for a text field, the others never
    /// hold text).
    @inline(__always)
    func setMissing(_ slot: Int, _ i: Int, text isText: Bool) {
        let at = slot * width + i
        kind[at] = Slot.missing; numKnown[at] = 0; flag[at] = 2; dayKnown[at] = 0
        if isText { text[at] = nil }
    }

    @inline(__always)
    func setNumber(_ slot: Int, _ i: Int, _ r: Rational) {
        let at = slot * width + i
        kind[at] = Slot.number; num[at] = r; numKnown[at] = 1
    }

    @inline(__always)
    func setDay(_ slot: Int, _ i: Int, _ d: Day) {
        let at = slot * width + i
        kind[at] = Slot.date; day[at] = d.raw; dayKnown[at] = 1
    }

    @inline(__always)
    func setFlag(_ slot: Int, _ i: Int, _ b: Bool) {
        let at = slot * width + i
        kind[at] = b ? Slot.yes : Slot.no; flag[at] = b ? 1 : 0
    }

    @inline(__always)
    func setText(_ slot: Int, _ i: Int, _ s: String) {
        let at = slot * width + i
        kind[at] = Slot.text; text[at] = s
    }
}

/// The rows an expression runs over: indices into the current index space (profile rows, or item rows inside an
/// aggregate).
struct BatchSelection {
    let index: UnsafeMutablePointer<Int32>
    let count: Int

    /// Calls `body` with each selected row, in order.
    @inline(__always)
    func forEach(_ body: (Int) -> Void) {
        for j in 0..<count { body(Int(index[j])) }
    }
}

typealias BatchRun = @Sendable (BatchMemory, BatchSelection) -> Void
