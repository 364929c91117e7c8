/// A number expression compiled for batches: a constant, a value per batch (a parameter), or a register that a
/// run fills for the selected rows (no run: a field or `let` register, already filled).
enum BatchNum: Sendable {
    case value(Rational?)
    case scalar(@Sendable (BatchMemory) -> Rational?)
    case column(Int, BatchRun?)

    /// The value when it is the same for every row of a batch (a constant or a parameter expression).
    var perBatch: (@Sendable (BatchMemory) -> Rational?)? {
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
        case .value(let v): return NumReader(base: nil, known: nil, value: v)
        case .scalar(let f): return NumReader(base: nil, known: nil, value: f(m))
        case .column(let r, let run):
            run?(m, s)
            return NumReader(base: m.num + r * m.width, known: m.numKnown + r * m.width, value: nil)
        }
    }
}

/// Reads one operand per row: from a register, or the same value for every row.
struct NumReader {
    let base: UnsafeMutablePointer<Rational>?
    let known: UnsafeMutablePointer<UInt8>?
    let value: Rational?

    @inline(__always)
    func callAsFunction(_ i: Int) -> Rational? {
        guard let base else { return value }
        return known.unsafelyUnwrapped[i] != 0 ? base[i] : nil
    }
}

/// A binary operation on optional numbers, with the point closures' rules for unknown values.
protocol BatchNumOperation: SendableMetatype {
    static func apply(_ a: Rational?, _ b: Rational?) -> Rational?
}

enum BatchAdd: BatchNumOperation {
    @inline(__always) static func apply(_ a: Rational?, _ b: Rational?) -> Rational? {
        guard let a, let b else { return nil }
        return a.adding(b)
    }
}

enum BatchSubtract: BatchNumOperation {
    @inline(__always) static func apply(_ a: Rational?, _ b: Rational?) -> Rational? {
        guard let a, let b else { return nil }
        return a.subtracting(b)
    }
}

enum BatchMultiply: BatchNumOperation {
    /// As in the interval evaluator: an exact zero times anything, known or not, is zero.
    @inline(__always) static func apply(_ a: Rational?, _ b: Rational?) -> Rational? {
        if a?.isZero == true || b?.isZero == true { return .zero }
        guard let a, let b else { return nil }
        return a.multiplied(by: b)
    }
}

enum BatchDivide: BatchNumOperation {
    @inline(__always) static func apply(_ a: Rational?, _ b: Rational?) -> Rational? {
        guard let a, let b, !b.isZero else { return nil }
        return a.divided(by: b)
    }
}

enum BatchMinimum: BatchNumOperation {
    @inline(__always) static func apply(_ a: Rational?, _ b: Rational?) -> Rational? {
        guard let a, let b else { return nil }
        return b < a ? b : a
    }
}

enum BatchMaximum: BatchNumOperation {
    @inline(__always) static func apply(_ a: Rational?, _ b: Rational?) -> Rational? {
        guard let a, let b else { return nil }
        return b > a ? b : a
    }
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
            return .value(v.interval.point)
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
                        case BatchMemory.Slot.number: BatchCompiler.put(m, r, i, m.num[at])
                        case BatchMemory.Slot.missing: BatchCompiler.put(m, r, i, v(i))
                        default: m.numKnown[r * w + i] = 0
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
            return .column(r, { m, s in
                s.forEach { i in
                    if case .number(let v)? = read(m, i) { BatchCompiler.put(m, r, i, v) } else { m.numKnown[r * m.width + i] = 0 }
                }
            })
        case .param(let slot):
            return .scalar({ m in m.paramTable[m.paramBase + slot] })
        case .negate(let a):
            return try binary(BatchSubtract.self, .value(.zero), num(a, d), d, zeroMinus: true)
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
                    case 1: BatchCompiler.put(m, r, i, p(i))
                    case 0: BatchCompiler.put(m, r, i, q(i))
                    default: m.numKnown[r * m.width + i] = 0
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
                BatchCompiler.eachItemChunk(m, s, field: field, start: { i, isList in
                    out[i] = .zero; known[i] = isList ? 1 : 0
                }, chunk: { items in
                    let k = keep?.prepare(m, items)
                    let x = v?.prepare(m, items)
                    for j in 0..<items.count {
                        let p = Int(m.parent[j])
                        guard known[p] != 0 else { continue }
                        if let k {
                            let t = k[j]
                            if t == 2 { known[p] = 0; continue }
                            if t == 0 { continue }
                        }
                        if counting {
                            if let sum = out[p].adding(.one) { out[p] = sum } else { known[p] = 0 }
                        } else if let x {
                            if let a = x(j), let sum = out[p].adding(a) { out[p] = sum } else { known[p] = 0 }
                        }
                    }
                })
            })
        case .share(let a, let b):
            let x = try day(a, d), y = try day(b, d + 1)
            let r = temp(d)
            let items = inItems
            return .column(r, { m, s in
                let p = x.prepare(m, s), q = y.prepare(m, s)
                s.forEach { i in
                    guard let d1 = p(i), let d2 = q(i) else { m.numKnown[r * m.width + i] = 0; return }
                    let row = items ? Int(m.parent[i]) : i
                    let piece = DayRange(Day(raw: m.pieceStart[row]), Day(raw: m.pieceEnd[row]))
                    let range = DayRange(Day(raw: d1), Day(raw: d2)).intersection(piece)
                    BatchCompiler.put(m, r, i, Evaluator.weight(range, year: m.year, proration: m.proration))
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
        }
        return .column(r, run)
    }

    @inline(__always)
    static func put(_ m: BatchMemory, _ r: Int, _ i: Int, _ v: Rational?) {
        let at = r * m.width + i
        if let v { m.num[at] = v; m.numKnown[at] = 1 } else { m.numKnown[at] = 0 }
    }

    /// `x op y` over the selection, folded when both are constants. `zeroMinus` marks a negation (0 − x), which
    /// is nil only on overflow, as `negated()` is.
    func binary<Op: BatchNumOperation>(_ op: Op.Type, _ x: BatchNum, _ y: BatchNum, _ d: Int, zeroMinus: Bool = false) -> BatchNum {
        if case .value(let p) = x, case .value(let q) = y { return .value(zeroMinus ? q?.negated() : Op.apply(p, q)) }
        if let p = x.perBatch, let q = y.perBatch {
            // Parameters and constants only (`rate_before - rate_after`): once per batch, not per row.
            return .scalar({ m in
                let b = q(m)
                return zeroMinus ? b?.negated() : Op.apply(p(m), b)
            })
        }
        let r = temp(d)
        if zeroMinus {
            return .column(r, { m, s in
                let b = y.prepare(m, s)
                s.forEach { i in
                    BatchCompiler.put(m, r, i, b(i)?.negated())
                }
            })
        }
        return .column(r, { m, s in
            let a = x.prepare(m, s), b = y.prepare(m, s)
            s.forEach { i in
                BatchCompiler.put(m, r, i, Op.apply(a(i), b(i)))
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

    /// The schema's spec of the items of the list being aggregated.
    var itemSpec: FieldSpec? { itemField >= 0 ? policy.schema.fields[itemField].item : nil }

    /// Visits the items of list `field` for the selected rows in chunks of at most `width` item rows (a row's
    /// items stay in order). `start` is called first for every selected row, with whether it holds a list.
    static func eachItemChunk(_ m: BatchMemory, _ s: BatchSelection, field: Int,
                              start: (Int, Bool) -> Void, chunk: (BatchSelection) -> Void) {
        let v = m.members[field]
        var k = 0
        var visited = 0
        defer { ListWork.add(visited) }
        s.forEach { i in
            guard v.present[i] != 0 else { start(i, false); return }
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
