/// A number expression compiled for batches: a constant, a value per batch (a parameter), or a register that a
/// run fills for the selected rows (no run: a field or `let` register, already filled). A value is exact or,
/// where facts are missing, the range they allow, as the interval evaluator computes it.
enum BatchNum: Sendable {
    case value(Interval)
    case scalar(@Sendable (BatchMemory) -> Interval)
    case column(Int, BatchRun?)

    /// The value when it is the same for every row of a batch (a constant or a parameter expression).
    var perBatch: (@Sendable (BatchMemory) -> Interval)? {
        switch self {
        case .value(let v): return { _ in v }
        case .scalar(let f): return f
        case .column: return nil
        }
    }

    /// Computes the operand over `s` and returns a reader for it.
    @inline(__always)
    func prepare(_ m: BatchMemory, _ s: BatchSelection) -> NumReader {
        switch self {
        case .value(let v): return NumReader(whole: v)
        case .scalar(let f): return NumReader(whole: f(m))
        case .column(let r, let run):
            run?(m, s)
            return NumReader(base: m.num + r * m.width, known: m.numKnown + r * m.width, ranges: m.numRange + r * m.width)
        }
    }
}

/// Reads one operand per row: from a register, or the same value for every row. `callAsFunction` gives the
/// exact value (nil where it is a range), `interval` the value as a range in every case.
struct NumReader {
    let base: UnsafeMutablePointer<Rational>?
    let known: UnsafeMutablePointer<UInt8>?
    let ranges: UnsafeMutablePointer<Interval>?
    let value: Rational?
    let whole: Interval

    init(whole: Interval) {
        base = nil; known = nil; ranges = nil
        self.whole = whole; value = whole.point
    }

    init(base: UnsafeMutablePointer<Rational>, known: UnsafeMutablePointer<UInt8>, ranges: UnsafeMutablePointer<Interval>) {
        self.base = base; self.known = known; self.ranges = ranges
        value = nil; whole = .all
    }

    @inline(__always)
    func callAsFunction(_ i: Int) -> Rational? {
        guard let base else { return value }
        return known.unsafelyUnwrapped[i] != 0 ? base[i] : nil
    }

    @inline(__always)
    func interval(_ i: Int) -> Interval {
        guard let base else { return whole }
        return known.unsafelyUnwrapped[i] != 0 ? Interval(base[i]) : ranges.unsafelyUnwrapped[i]
    }
}

/// A binary operation on numbers: `point` on two exact values (nil on overflow or where the exact rule does
/// not decide), `interval` on ranges, as the interval evaluator computes them (all numbers where arithmetic is
/// undefined or overflows).
protocol BatchNumOperation: SendableMetatype {
    static func point(_ a: Rational, _ b: Rational) -> Rational?
    static func interval(_ a: Interval, _ b: Interval) -> Interval
}

enum BatchAdd: BatchNumOperation {
    @inline(__always) static func point(_ a: Rational, _ b: Rational) -> Rational? { a.adding(b) }
    static func interval(_ a: Interval, _ b: Interval) -> Interval { a.adding(b) ?? .all }
}

enum BatchSubtract: BatchNumOperation {
    @inline(__always) static func point(_ a: Rational, _ b: Rational) -> Rational? { a.subtracting(b) }
    static func interval(_ a: Interval, _ b: Interval) -> Interval { a.subtracting(b) ?? .all }
}

enum BatchMultiply: BatchNumOperation {
    @inline(__always) static func point(_ a: Rational, _ b: Rational) -> Rational? { a.multiplied(by: b) }
    static func interval(_ a: Interval, _ b: Interval) -> Interval { Interval.product(a, b) ?? .all }
}

enum BatchDivide: BatchNumOperation {
    @inline(__always) static func point(_ a: Rational, _ b: Rational) -> Rational? { b.isZero ? nil : a.divided(by: b) }
    static func interval(_ a: Interval, _ b: Interval) -> Interval { Interval.quotient(a, b) ?? .all }
}

enum BatchMinimum: BatchNumOperation {
    @inline(__always) static func point(_ a: Rational, _ b: Rational) -> Rational? { b < a ? b : a }
    static func interval(_ a: Interval, _ b: Interval) -> Interval { a.minimum(b) }
}

enum BatchMaximum: BatchNumOperation {
    @inline(__always) static func point(_ a: Rational, _ b: Rational) -> Rational? { b > a ? b : a }
    static func interval(_ a: Interval, _ b: Interval) -> Interval { a.maximum(b) }
}

/// Compiles `Code` for batches. It gives the same values as `PointCompiler` (nil where the interval evaluator
/// would meet a missing fact, undefined arithmetic or an overflow); code it does not cover throws, and that rule
/// runs on the point closures instead.
struct BatchCompiler {
    struct Unsupported: Error {}

    let policy: PolicySet
    /// Gives the shapes of expressions (with the rule's `let` types).
    var point: PointCompiler
    let fieldCount: Int
    let localCount: Int
    /// Inside an aggregate over this list field: expressions run over item rows.
    var itemField = -1
    /// The deepest temporary register used, shared by every copy of the compiler.
    let usage: Usage

    final class Usage: @unchecked Sendable { var depth = 0 }

    init(policy: PolicySet, localCount: Int, usage: Usage, localTypes: [VType] = []) {
        self.policy = policy
        point = PointCompiler(policy: policy)
        point.localTypes = localTypes
        fieldCount = policy.schema.fields.count
        self.localCount = localCount
        self.usage = usage
    }

    var inItems: Bool { itemField >= 0 }

    /// The compiler of fields' defaults: their own, rule-free context.
    var defaults: BatchCompiler { BatchCompiler(policy: policy, localCount: localCount, usage: usage) }

    /// The register of temporary `d`.
    func temp(_ d: Int) -> Int {
        if d + 1 > usage.depth { usage.depth = d + 1 }
        return fieldCount + localCount + d
    }

    func local(_ slot: Int) -> Int { fieldCount + slot }

    func shape(_ code: Code) -> PointCompiler.Shape {
        var p = point
        p.itemField = itemField
        return p.shape(code)
    }

    /// A profile-row register read from item rows: copied through each item's parent row.
    func gather(_ source: Int, _ d: Int, _ copy: @escaping @Sendable (BatchMemory, Int, Int) -> Void) -> (Int, BatchRun) {
        let r = temp(d)
        return (r, { m, s in
            let w = m.width
            s.forEach { i in
                copy(m, source * w + Int(m.parent[i]), r * w + i)
            }
        })
    }

    // MARK: numbers

    func num(_ code: Code, _ d: Int) throws(Unsupported) -> BatchNum {
        switch code {
        case .constant(let v):
            return .value(v.interval)
        case .field(let slot):
            if let def = policy.defaults[slot], point.shape(def.code) == .num {
                guard !inItems else { throw Unsupported() }
                let fallback = try defaults.num(def.code, d + 1)
                let r = temp(d)
                return .column(r, { m, s in
                    let v = fallback.prepare(m, s)
                    let w = m.width
                    s.forEach { i in
                        let at = slot * w + i
                        switch m.kind[at] {
                        case BatchMemory.Slot.number: BatchCompiler.putPoint(m, r, i, m.num[at])
                        case BatchMemory.Slot.missing: BatchCompiler.copy(m, r, i, v)
                        // Not a number: the interval evaluator reads it as any number.
                        default: BatchCompiler.put(m, r, i, .all)
                        }
                    }
                })
            }
            return try numRegister(slot, d)
        case .local(let slot):
            return try numRegister(local(slot), d)
        case .recordKey, .itemKey, .item:
            let r = temp(d)
            let read = try member(code)
            // A missing member: the range its domain allows.
            let domain = memberSpec(code).map { Evaluator.unknown($0, FieldRef(field: 0)).interval } ?? .all
            return .column(r, { m, s in
                s.forEach { i in
                    switch read(m, i) {
                    case .number(let v)?: BatchCompiler.putPoint(m, r, i, v)
                    case nil: BatchCompiler.put(m, r, i, domain)
                    default: BatchCompiler.put(m, r, i, .all)
                    }
                }
            })
        case .param(let slot):
            // A parameter without a value: any number, as in the interval evaluator.
            return .scalar({ m in m.paramTable[m.paramBase + slot].map { Interval($0) } ?? .all })
        case .negate(let a):
            return try binary(BatchSubtract.self, .value(Interval(.zero)), num(a, d), d, zeroMinus: true)
        case .add(let a, let b):
            return try binary(BatchAdd.self, num(a, d), num(b, d + 1), d)
        case .sub(let a, let b):
            return try binary(BatchSubtract.self, num(a, d), num(b, d + 1), d)
        case .mul(let a, let b):
            return try binary(BatchMultiply.self, num(a, d), num(b, d + 1), d)
        case .div(let a, let b, _):
            return try binary(BatchDivide.self, num(a, d), num(b, d + 1), d)
        case .minimum(let args), .maximum(let args):
            guard var acc = try args.first.map({ a throws(Unsupported) in try num(a, d) }) else { throw Unsupported() }
            let isMin: Bool
            if case .minimum = code { isMin = true } else { isMin = false }
            for a in args.dropFirst() {
                let x = try num(a, d + 1)
                acc = isMin ? binary(BatchMinimum.self, acc, x, d) : binary(BatchMaximum.self, acc, x, d)
            }
            return acc
        case .choose(let c, let a, let b):
            let t = try flag(c, d), x = try num(a, d + 1), y = try num(b, d + 2)
            let r = temp(d)
            return .column(r, { m, s in
                let cond = t.prepare(m, s), p = x.prepare(m, s), q = y.prepare(m, s)
                s.forEach { i in
                    switch cond[i] {
                    case 1: BatchCompiler.copy(m, r, i, p)
                    case 0: BatchCompiler.copy(m, r, i, q)
                    // Either branch: their hull, exact where they agree.
                    default: BatchCompiler.put(m, r, i, p.interval(i).hull(q.interval(i)))
                    }
                }
            })
        case .aggregate(let kind, let field, let filter, let value):
            guard !inItems, kind == .sum || kind == .count else { throw Unsupported() }
            var inner = self
            inner.itemField = field
            let keep = try filter.map { c throws(Unsupported) in try inner.flag(c, d + 1) }
            let v = try value.map { c throws(Unsupported) in try inner.num(c, d + 2) }
            let counting = kind == .count
            let r = temp(d)
            return .column(r, { m, s in
                let w = m.width
                let out = m.num + r * w, known = m.numKnown + r * w
                BatchCompiler.eachItemChunk(m, s, field: field, start: { i, _ in
                    out[i] = .zero; known[i] = 1
                }, chunk: { items in
                    let k = keep?.prepare(m, items)
                    let x = v?.prepare(m, items)
                    for j in 0..<items.count {
                        let p = Int(m.parent[j])
                        let t = k?[j] ?? 1
                        let filter: Tri = t == 1 ? .yes : (t == 0 ? .no : .unknown)
                        if m.itemRef[j] < 0 {
                            // The list is missing: its one unknown item stands for any number of items.
                            BatchCompiler.put(m, r, p, Interval.ofMissingList(count: counting, filter: filter, item: x?.interval(j)))
                            continue
                        }
                        if t == 0 || (!counting && x == nil) { continue }
                        // Exact while every item is: the sum in place; a range from the first that is not.
                        if known[p] != 0, t == 1 {
                            if counting, let sum = out[p].adding(.one) { out[p] = sum; continue }
                            if let x, let a = x(j), let sum = out[p].adding(a) { out[p] = sum; continue }
                        }
                        let acc = known[p] != 0 ? Interval(out[p]) : m.numRange[r * w + p]
                        let part = Interval.itemContribution(filter: filter, value: counting ? nil : x?.interval(j))
                        BatchCompiler.put(m, r, p, acc.adding(part) ?? .all)
                    }
                }, phantoms: true)
            })
        case .share(let a, let b):
            let x = try day(a, d), y = try day(b, d + 1)
            let r = temp(d)
            let items = inItems
            return .column(r, { m, s in
                let p = x.prepare(m, s), q = y.prepare(m, s)
                s.forEach { i in
                    let row = items ? Int(m.parent[i]) : i
                    let piece = DayRange(Day(raw: m.pieceStart[row]), Day(raw: m.pieceEnd[row]))
                    guard let d1 = p(i), let d2 = q(i) else {
                        // Unknown dates: anywhere between none of the piece and all of it.
                        let all = Evaluator.weight(piece, year: m.year, proration: m.proration)
                        BatchCompiler.put(m, r, i, Interval(.finite(.zero), .finite(all)))
                        return
                    }
                    let range = DayRange(Day(raw: d1), Day(raw: d2)).intersection(piece)
                    BatchCompiler.putPoint(m, r, i, Evaluator.weight(range, year: m.year, proration: m.proration))
                }
            })
        default:
            throw Unsupported()
        }
    }

    /// A field or `let` register as a number operand (gathered per item inside an aggregate).
    private func numRegister(_ source: Int, _ d: Int) throws(Unsupported) -> BatchNum {
        guard inItems else { return .column(source, nil) }
        let (r, run) = gather(source, d) { m, from, to in
            m.num[to] = m.num[from]; m.numKnown[to] = m.numKnown[from]
            if m.numKnown[from] == 0 { m.numRange[to] = m.numRange[from] }
        }
        return .column(r, run)
    }

    /// Writes a value into register `r` for row `i`: exact, or a range.
    @inline(__always)
    static func put(_ m: BatchMemory, _ r: Int, _ i: Int, _ v: Interval) {
        let at = r * m.width + i
        if let p = v.point { m.num[at] = p; m.numKnown[at] = 1 } else { m.numKnown[at] = 0; m.numRange[at] = v }
    }

    @inline(__always)
    static func putPoint(_ m: BatchMemory, _ r: Int, _ i: Int, _ v: Rational) {
        let at = r * m.width + i
        m.num[at] = v; m.numKnown[at] = 1
    }

    /// Copies what `x` gives for row `i` into register `r`.
    @inline(__always)
    static func copy(_ m: BatchMemory, _ r: Int, _ i: Int, _ x: NumReader) {
        if let v = x(i) { putPoint(m, r, i, v) } else { put(m, r, i, x.interval(i)) }
    }

    /// `x op y` over the selection, folded when both are constants. `zeroMinus` marks a negation (0 − x), which
    /// is nil only on overflow, as `negated()` is.
    func binary<Op: BatchNumOperation>(_ op: Op.Type, _ x: BatchNum, _ y: BatchNum, _ d: Int, zeroMinus: Bool = false) -> BatchNum {
        if case .value(let p) = x, case .value(let q) = y { return .value(zeroMinus ? q.negated() ?? .all : Op.interval(p, q)) }
        if let p = x.perBatch, let q = y.perBatch {
            // Parameters and constants only (`rate_before - rate_after`): once per batch, not per row.
            return .scalar({ m in
                let b = q(m)
                return zeroMinus ? b.negated() ?? .all : Op.interval(p(m), b)
            })
        }
        let r = temp(d)
        if zeroMinus {
            return .column(r, { m, s in
                let b = y.prepare(m, s)
                s.forEach { i in
                    if let v = b(i), let n = v.negated() { BatchCompiler.putPoint(m, r, i, n) } else { BatchCompiler.put(m, r, i, b.interval(i).negated() ?? .all) }
                }
            })
        }
        return .column(r, { m, s in
            let a = x.prepare(m, s), b = y.prepare(m, s)
            s.forEach { i in
                // Exact values on the fast path; ranges (and whatever it leaves) as the interval evaluator has them.
                if let u = a(i), let v = b(i), let z = Op.point(u, v) {
                    BatchCompiler.putPoint(m, r, i, z)
                } else {
                    BatchCompiler.put(m, r, i, Op.interval(a.interval(i), b.interval(i)))
                }
            }
        })
    }

    /// A record key of a profile row, or an item (or an item's key) of an item row, read from the field's pool.
    func member(_ code: Code) throws(Unsupported) -> @Sendable (BatchMemory, Int) -> FieldValue? {
        switch code {
        case .recordKey(let slot, let key):
            guard !inItems, policy.schema.fields[slot].kind == .record else { throw Unsupported() }
            return { m, i in
                let v = m.members[slot]
                return v.present[i] != 0 && v.count[i] > 0 ? v.value(item: Int(v.first[i]), key: key) : nil
            }
        case .itemKey(let key):
            guard inItems, itemSpec?.kind == .record else { throw Unsupported() }
            let field = itemField
            return { m, i in m.members[field].value(item: Int(m.itemRef[i]), key: key) }
        case .item:
            guard inItems, let spec = itemSpec, spec.kind != .record else { throw Unsupported() }
            let field = itemField
            return { m, i in m.members[field].value(item: Int(m.itemRef[i]), key: 0) }
        default:
            throw Unsupported()
        }
    }

    /// The spec of the member `code` reads (a record key, a list item or an item's key), for its domain.
    func memberSpec(_ code: Code) -> FieldSpec? {
        switch code {
        case .recordKey(let slot, let key): return policy.schema.fields[slot].keys[key]
        case .itemKey(let key): return itemSpec?.keys[key]
        case .item: return itemSpec
        default: return nil
        }
    }

    /// The schema's spec of the items of the list being aggregated.
    var itemSpec: FieldSpec? { itemField >= 0 ? policy.schema.fields[itemField].item : nil }

    /// Visits the items of list `field` for the selected rows in chunks of at most `width` item rows (a row's
    /// items stay in order). `start` is called first for every selected row, with whether it holds a list.
    /// With `phantoms`, a row whose list is missing gets one item row that stands for its unknown items (item
    /// -1: every member of it is missing).
    static func eachItemChunk(_ m: BatchMemory, _ s: BatchSelection, field: Int,
                              start: (Int, Bool) -> Void, chunk: (BatchSelection) -> Void, phantoms: Bool = false) {
        let v = m.members[field]
        var k = 0
        var visited = 0
        defer { ListWork.add(visited) }
        s.forEach { i in
            guard v.present[i] != 0 else {
                start(i, false)
                guard phantoms else { return }
                if k == m.width {
                    chunk(BatchSelection(index: m.identity, count: k))
                    k = 0
                }
                m.itemRef[k] = -1
                m.parent[k] = Int32(i)
                k += 1
                return
            }
            start(i, true)
            let first = Int(v.first[i])
            visited += Int(v.count[i])
            for item in first..<(first + Int(v.count[i])) {
                if k == m.width {
                    chunk(BatchSelection(index: m.identity, count: k))
                    k = 0
                }
                m.itemRef[k] = Int32(item)
                m.parent[k] = Int32(i)
                k += 1
            }
        }
        if k > 0 { chunk(BatchSelection(index: m.identity, count: k)) }
    }
}
