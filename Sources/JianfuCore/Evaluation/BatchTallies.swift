/// Tallies of a batch, compact: per rule and row a status code (and whether a saving and an amount are held),
/// with the amounts beside it, written only for eligible rules. Most tallies are a single byte.
struct BatchTallies {
    /// Status (its index in `RuleStatus.allCases`) in the low bits, then the two flags.
    let code: UnsafeMutablePointer<UInt8>
    let low: UnsafeMutablePointer<Int128>
    let high: UnsafeMutablePointer<Int128>
    let amount: UnsafeMutablePointer<Int128>
    // Computed, so they fold to constants (a stored static is a lazily initialised global, checked per use).
    @inline(__always) static var statusMask: UInt8 { 7 }
    @inline(__always) static var hasSaving: UInt8 { 8 }
    @inline(__always) static var hasAmount: UInt8 { 16 }
    static let statuses = RuleStatus.allCases

    init(cells: Int) {
        code = .allocate(capacity: cells); code.initialize(repeating: 4, count: cells)
        low = .allocate(capacity: cells); low.initialize(repeating: 0, count: cells)
        high = .allocate(capacity: cells); high.initialize(repeating: 0, count: cells)
        amount = .allocate(capacity: cells); amount.initialize(repeating: 0, count: cells)
    }

    func free() { code.deallocate(); low.deallocate(); high.deallocate(); amount.deallocate() }

    @inline(__always)
    static func code(_ s: RuleStatus) -> UInt8 {
        switch s {
        case .eligible: return 0
        case .superseded: return 1
        case .undetermined: return 2
        case .ineligible: return 3
        case .notInForce: return 4
        }
    }

    @inline(__always)
    func set(_ cell: Int, _ status: RuleStatus) { code[cell] = BatchTallies.code(status) }

    func set(_ cell: Int, _ t: Tally) {
        var c = BatchTallies.code(t.status)
        if t.hasSaving { c |= BatchTallies.hasSaving; low[cell] = t.low; high[cell] = t.high }
        if t.hasAmount { c |= BatchTallies.hasAmount; amount[cell] = t.amount }
        code[cell] = c
    }

    @inline(__always)
    func grant(_ cell: Int, low l: Int128, high h: Int128, amount a: Int128?) {
        low[cell] = l; high[cell] = h
        if let a { amount[cell] = a; code[cell] = BatchTallies.hasSaving | BatchTallies.hasAmount } else { code[cell] = BatchTallies.hasSaving }
    }

    @inline(__always)
    func supersede(_ cell: Int) { code[cell] = (code[cell] & ~BatchTallies.statusMask) | 1 }

    func tally(_ cell: Int) -> Tally {
        let c = code[cell]
        return Tally(status: BatchTallies.statuses[Int(c & BatchTallies.statusMask)],
                     low: c & BatchTallies.hasSaving != 0 ? low[cell] : nil, high: c & BatchTallies.hasSaving != 0 ? high[cell] : nil,
                     amount: c & BatchTallies.hasAmount != 0 ? amount[cell] : nil)
    }
}

/// The tallies of a batch, rule by rule: each rule's tallies for the batch's rows are contiguous (valid until
/// the evaluator runs the next batch).
public struct BatchResults {
    let tallies: BatchTallies
    public let width: Int
    public let ruleCount: Int
    /// Rule `i`'s tally for row `r`.
    public func tally(_ i: Int, _ r: Int) -> Tally { tallies.tally(i * width + r) }
}

/// Per-row state of a batch run, as raw memory: tallies, and for the rule being run each row's span, cut dates,
/// sums over its pieces, cap and flags.
final class BatchScratch: @unchecked Sendable {
    let width: Int
    let cells: Int
    /// Rules × rows, rule-major (each rule writes its batch contiguously).
    let results: BatchTallies
    let exactHigh: UnsafeMutablePointer<Rational>
    /// Scopes × rows: 0 no, 1 yes, 2 unknown.
    let scopeTests: UnsafeMutablePointer<UInt8>
    let scopeCells: Int
    /// The rows a rule is deciding.
    let rows: UnsafeMutablePointer<Int32>
    let spanStart: UnsafeMutablePointer<Int32>
    let spanEnd: UnsafeMutablePointer<Int32>
    /// Rows × the most cut dates of any rule, each row's sorted.
    let cuts: UnsafeMutablePointer<Int32>
    let cutCount: UnsafeMutablePointer<Int32>
    let sumLow: UnsafeMutablePointer<Rational>
    let sumHigh: UnsafeMutablePointer<Rational>
    let sumAmount: UnsafeMutablePointer<Rational>
    let capValue: UnsafeMutablePointer<Rational?>
    let windowUnknown: UnsafeMutablePointer<UInt8>
    let holdsAny: UnsafeMutablePointer<UInt8>
    let capDone: UnsafeMutablePointer<UInt8>
    /// 0 while the batch code decides the row, `undetermined` once it is, `fallback` where the interval
    /// evaluator decides it (an overflow).
    let dead: UnsafeMutablePointer<UInt8>
    static let undetermined: UInt8 = 2, fallback: UInt8 = 1
    /// The scope test is unknown for the row (its region or industry code is missing).
    let scopeUnknown: UnsafeMutablePointer<UInt8>
    /// A cap that is a range (`capDone` 2).
    let capRange: UnsafeMutablePointer<Interval>
    /// The segment (+1) of the row's first piece, for proration "none"; 0 before it.
    let usedSegment: UnsafeMutablePointer<Int32>
    /// Per rule and row left to the interval evaluator: whether each condition's outcome was taken (cleared as
    /// it is read), and the outcomes (`conditions` per cell).
    let hasOutcomes: UnsafeMutablePointer<UInt8>
    let outcomes: UnsafeMutablePointer<UInt8>
    let conditions: Int

    init(width: Int, rules: Int, scopes: Int, cuts maxCuts: Int, conditions: Int) {
        self.width = width
        self.conditions = max(1, conditions)
        hasOutcomes = .allocate(capacity: width * rules); hasOutcomes.initialize(repeating: 0, count: width * rules)
        outcomes = .allocate(capacity: width * rules * self.conditions)
        outcomes.initialize(repeating: 0, count: width * rules * self.conditions)
        cells = width * rules
        results = BatchTallies(cells: cells)
        exactHigh = .allocate(capacity: cells); exactHigh.initialize(repeating: .zero, count: cells)
        scopeCells = width * max(1, scopes)
        scopeTests = .allocate(capacity: scopeCells); scopeTests.initialize(repeating: 0, count: scopeCells)
        func ints() -> UnsafeMutablePointer<Int32> {
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: width); p.initialize(repeating: 0, count: width); return p
        }
        func flags() -> UnsafeMutablePointer<UInt8> {
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: width); p.initialize(repeating: 0, count: width); return p
        }
        func sums() -> UnsafeMutablePointer<Rational> {
            let p = UnsafeMutablePointer<Rational>.allocate(capacity: width); p.initialize(repeating: .zero, count: width); return p
        }
        rows = ints(); spanStart = ints(); spanEnd = ints(); cutCount = ints(); usedSegment = ints()
        cuts = .allocate(capacity: width * max(1, maxCuts)); cuts.initialize(repeating: 0, count: width * max(1, maxCuts))
        sumLow = sums(); sumHigh = sums(); sumAmount = sums()
        capValue = .allocate(capacity: width); capValue.initialize(repeating: nil, count: width)
        windowUnknown = flags(); holdsAny = flags(); capDone = flags(); dead = flags(); scopeUnknown = flags()
        capRange = .allocate(capacity: width); capRange.initialize(repeating: .all, count: width)
    }

    deinit {
        results.free(); exactHigh.deallocate(); scopeTests.deallocate()
        hasOutcomes.deallocate(); outcomes.deallocate()
        for p in [rows, spanStart, spanEnd, cutCount, cuts, usedSegment] { p.deallocate() }
        for p in [sumLow, sumHigh, sumAmount] { p.deallocate() }
        capValue.deallocate()
        for p in [windowUnknown, holdsAny, capDone, dead, scopeUnknown] { p.deallocate() }
        capRange.deinitialize(count: width); capRange.deallocate()
    }

    /// Row `r`'s piece number `piece` of `segment` ∩ its span, cut at its cut dates (as `PointState.cutPieces`),
    /// or nil when it has no such piece.
    @inline(__always)
    func piece(_ piece: Int, of r: Int, in segment: DayRange, maxCuts: Int, cut: Bool) -> DayRange? {
        let start = max(segment.start.raw, spanStart[r]), end = min(segment.end.raw, spanEnd[r])
        guard start < end else { return nil }
        // No cut dates: the one piece.
        guard cut else { return piece == 0 ? DayRange(Day(raw: start), Day(raw: end)) : nil }
        var from = start, k = 0
        let at = r * maxCuts
        for q in 0..<Int(cutCount[r]) {
            let d = cuts[at + q]
            guard d > from && d < end else { continue }
            if k == piece { return DayRange(Day(raw: from), Day(raw: d)) }
            from = d
            k += 1
        }
        return k == piece ? DayRange(Day(raw: from), Day(raw: end)) : nil
    }

    /// `*acc (+)= x × weight` (the first piece sets it; no value counts as zero); false on overflow.
    @inline(__always)
    static func sum(_ acc: UnsafeMutablePointer<Rational>, _ x: Rational?, _ w: Rational, _ first: Bool) -> Bool {
        guard let x else {
            if first { acc.pointee = .zero }
            return true
        }
        guard let part = w.num == w.den ? x : x.multiplied(by: w) else { return false }
        if first { acc.pointee = part; return true }
        guard let s = acc.pointee.adding(part) else { return false }
        acc.pointee = s
        return true
    }
}
