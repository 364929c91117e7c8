/// A condition compiled for batches: 0 false, 1 true, 2 unknown, for every row or per row in a register.
enum BatchFlag: Sendable {
    case value(UInt8)
    case column(Int, BatchRun?)

    @inline(__always)
    func prepare(_ m: BatchMemory, _ s: BatchSelection) -> FlagReader {
        switch self {
        case .value(let v): return FlagReader(base: nil, value: v)
        case .column(let r, let run):
            run?(m, s)
            return FlagReader(base: m.flag + r * m.width, value: 2)
        }
    }
}

struct FlagReader {
    let base: UnsafeMutablePointer<UInt8>?
    let value: UInt8
    @inline(__always) subscript(_ i: Int) -> UInt8 { base?[i] ?? value }
}

/// A date compiled for batches (raw day numbers).
enum BatchDay: Sendable {
    case value(Int32?)
    case column(Int, BatchRun?)

    @inline(__always)
    func prepare(_ m: BatchMemory, _ s: BatchSelection) -> DayReader {
        switch self {
        case .value(let v): return DayReader(base: nil, known: nil, value: v)
        case .column(let r, let run):
            run?(m, s)
            return DayReader(base: m.day + r * m.width, known: m.dayKnown + r * m.width, value: nil)
        }
    }
}

struct DayReader {
    let base: UnsafeMutablePointer<Int32>?
    let known: UnsafeMutablePointer<UInt8>?
    let value: Int32?
    @inline(__always) func callAsFunction(_ i: Int) -> Int32? {
        guard let base else { return value }
        return known.unsafelyUnwrapped[i] != 0 ? base[i] : nil
    }
}

/// Text compiled for batches.
enum BatchText: Sendable {
    case value(String?)
    case column(Int, BatchRun?)

    @inline(__always)
    func prepare(_ m: BatchMemory, _ s: BatchSelection) -> TextReader {
        switch self {
        case .value(let v): return TextReader(base: nil, value: v)
        case .column(let r, let run):
            run?(m, s)
            return TextReader(base: m.text + r * m.width, value: nil)
        }
    }
}

struct TextReader {
    let base: UnsafeMutablePointer<String?>?
    let value: String?
    @inline(__always) func callAsFunction(_ i: Int) -> String? { base.map { $0[i] } ?? value }
}

/// Conditions, text and dates of the batch compiler (numbers are in BatchCode.swift).
extension BatchCompiler {
    // MARK: conditions

    func flag(_ code: Code, _ d: Int) throws(Unsupported) -> BatchFlag {
        switch code {
        case .constant(let v):
            return .value(v.tri == .unknown ? 2 : (v.tri == .yes ? 1 : 0))
        case .field(let slot):
            if let def = policy.defaults[slot], point.shape(def.code) == .flag {
                guard !inItems else { throw Unsupported() }
                let fallback = try defaults.flag(def.code, d + 1)
                let r = temp(d)
                return .column(r, { m, s in
                    let v = fallback.prepare(m, s)
                    let w = m.width
                    s.forEach { i in
                        let at = slot * w + i
                        m.flag[r * w + i] = m.kind[at] == BatchMemory.Slot.missing ? v[i] : m.flag[at]
                    }
                })
            }
            return flagRegister(slot, d)
        case .local(let slot):
            return flagRegister(local(slot), d)
        case .recordKey, .itemKey, .item:
            let r = temp(d)
            let read = try member(code)
            return .column(r, { m, s in
                s.forEach { i in
                    if case .bool(let b)? = read(m, i) { m.flag[r * m.width + i] = b ? 1 : 0 } else { m.flag[r * m.width + i] = 2 }
                }
            })
        case .compare(let op, let a, let b):
            return try compare(op, a, b, d)
        case .and(let a, let b), .or(let a, let b):
            let x = try flag(a, d), y = try flag(b, d + 1)
            var isAnd = false
            if case .and = code { isAnd = true }
            let decides: UInt8 = isAnd ? 0 : 1
            if case .value(let p) = x, case .value(let q) = y { return .value(BatchCompiler.combine(p, q, decides)) }
            let r = temp(d)
            return .column(r, { m, s in
                let p = x.prepare(m, s), q = y.prepare(m, s)
                let out = m.flag + r * m.width
                s.forEach { i in
                    out[i] = BatchCompiler.combine(p[i], q[i], decides)
                }
            })
        case .not(let a):
            let x = try flag(a, d)
            if case .value(let p) = x { return .value(p == 2 ? 2 : 1 - p) }
            let r = temp(d)
            return .column(r, { m, s in
                let p = x.prepare(m, s)
                let out = m.flag + r * m.width
                s.forEach { i in
                    let v = p[i]
                    out[i] = v == 2 ? 2 : 1 - v
                }
            })
        case .choose(let c, let a, let b):
            let t = try flag(c, d), x = try flag(a, d + 1), y = try flag(b, d + 2)
            let r = temp(d)
            return .column(r, { m, s in
                let cond = t.prepare(m, s), p = x.prepare(m, s), q = y.prepare(m, s)
                let out = m.flag + r * m.width
                s.forEach { i in
                    let c = cond[i]
                    // Either branch: known where they agree.
                    out[i] = c == 1 ? p[i] : (c == 0 ? q[i] : (p[i] == q[i] ? p[i] : 2))
                }
            })
        case .member(let a, let options):
            let x = try text(a, d)
            return textTest(x, d) { options.contains($0) }
        case .startsWith(let a, let prefix):
            let x = try text(a, d)
            let p = Array(prefix.utf8)
            return textTest(x, d) { RuleEvaluator.hasPrefix($0, p) }
        case .aggregate(let kind, let field, let filter, _):
            guard !inItems, kind == .any || kind == .all else { throw Unsupported() }
            var inner = self
            inner.itemField = field
            let keep = try filter.map { c throws(Unsupported) in try inner.flag(c, d + 1) }
            // any: one true item decides; all: one false item decides, whatever the unknown ones are.
            let decides: UInt8 = kind == .all ? 0 : 1
            let r = temp(d)
            return .column(r, { m, s in
                let out = m.flag + r * m.width
                BatchCompiler.eachItemChunk(m, s, field: field, start: { i, _ in
                    out[i] = 1 - decides
                }, chunk: { items in
                    let k = keep?.prepare(m, items)
                    for j in 0..<items.count {
                        let p = Int(m.parent[j])
                        let t = k?[j] ?? 1
                        if m.itemRef[j] < 0 {
                            // A missing list: decided only where its unknown item's filter cannot decide.
                            out[p] = t == 1 - decides ? 1 - decides : 2
                            continue
                        }
                        out[p] = BatchCompiler.combine(out[p], t, decides)
                    }
                }, phantoms: true)
            })
        default:
            throw Unsupported()
        }
    }

    /// Three-valued `and` (`decides` 0) or `or` (`decides` 1): the deciding value wins over unknown.
    @inline(__always)
    static func combine(_ p: UInt8, _ q: UInt8, _ decides: UInt8) -> UInt8 {
        if p == decides || q == decides { return decides }
        if p == 2 || q == 2 { return 2 }
        return 1 - decides
    }

    private func flagRegister(_ source: Int, _ d: Int) -> BatchFlag {
        guard inItems else { return .column(source, nil) }
        let (r, run) = gather(source, d) { m, from, to in m.flag[to] = m.flag[from] }
        return .column(r, run)
    }

    private func textTest(_ x: BatchText, _ d: Int, _ test: @escaping @Sendable (String) -> Bool) -> BatchFlag {
        if case .value(let v) = x { return .value(v.map { test($0) ? 1 : 0 } ?? 2) }
        let r = temp(d)
        return .column(r, { m, s in
            let p = x.prepare(m, s)
            let out = m.flag + r * m.width
            s.forEach { i in
                if let t = p(i) { out[i] = test(t) ? 1 : 0 } else { out[i] = 2 }
            }
        })
    }

    private func compare(_ op: CmpOp, _ a: Code, _ b: Code, _ d: Int) throws(Unsupported) -> BatchFlag {
        let r = temp(d)
        switch shape(a) {
        case .num:
            let x = try num(a, d), y = try num(b, d + 1)
            return .column(r, { m, s in
                let p = x.prepare(m, s), q = y.prepare(m, s)
                let out = m.flag + r * m.width
                s.forEach { i in
                    if let u = p(i), let v = q(i) {
                        out[i] = Evaluator.holds(op, u.compare(v)) ? 1 : 0
                    } else {
                        // Ranges: decided where every value in them gives the same answer.
                        switch Evaluator.compare(op, p.interval(i), q.interval(i)) {
                        case .yes: out[i] = 1
                        case .no: out[i] = 0
                        case .unknown: out[i] = 2
                        }
                    }
                }
            })
        case .day:
            let x = try day(a, d), y = try day(b, d + 1)
            return .column(r, { m, s in
                let p = x.prepare(m, s), q = y.prepare(m, s)
                let out = m.flag + r * m.width
                s.forEach { i in
                    if let u = p(i), let v = q(i) { out[i] = Evaluator.holds(op, u < v ? -1 : (u == v ? 0 : 1)) ? 1 : 0 } else { out[i] = 2 }
                }
            })
        case .text:
            let x = try text(a, d), y = try text(b, d + 1)
            let equal = op == .eq
            return .column(r, { m, s in
                let p = x.prepare(m, s), q = y.prepare(m, s)
                let out = m.flag + r * m.width
                s.forEach { i in
                    if let u = p(i), let v = q(i) { out[i] = (u == v) == equal ? 1 : 0 } else { out[i] = 2 }
                }
            })
        case .flag:
            let x = try flag(a, d), y = try flag(b, d + 1)
            let equal = op == .eq
            return .column(r, { m, s in
                let p = x.prepare(m, s), q = y.prepare(m, s)
                let out = m.flag + r * m.width
                s.forEach { i in
                    let u = p[i], v = q[i]
                    out[i] = u == 2 || v == 2 ? 2 : ((u == v) == equal ? 1 : 0)
                }
            })
        case .other:
            return .value(2)
        }
    }

    // MARK: text

    func text(_ code: Code, _ d: Int) throws(Unsupported) -> BatchText {
        switch code {
        case .constant(let v):
            if case .string(let t) = v.kind { return .value(t) }
            return .value(nil)
        case .field(let slot):
            if let def = policy.defaults[slot], point.shape(def.code) == .text {
                guard !inItems else { throw Unsupported() }
                let fallback = try defaults.text(def.code, d + 1)
                let r = temp(d)
                return .column(r, { m, s in
                    let v = fallback.prepare(m, s)
                    let w = m.width
                    s.forEach { i in
                        let at = slot * w + i
                        m.text[r * w + i] = m.kind[at] == BatchMemory.Slot.missing ? v(i) : m.text[at]
                    }
                })
            }
            return textRegister(slot, d)
        case .local(let slot):
            return textRegister(local(slot), d)
        case .recordKey, .itemKey, .item:
            let r = temp(d)
            let read = try member(code)
            return .column(r, { m, s in
                s.forEach { i in
                    if case .string(let t)? = read(m, i) { m.text[r * m.width + i] = t } else { m.text[r * m.width + i] = nil }
                }
            })
        case .section(let a):
            let x = try text(a, d)
            if case .value(let v) = x { return .value(v.flatMap(PointCompiler.section)) }
            let r = temp(d)
            return .column(r, { m, s in
                let p = x.prepare(m, s)
                s.forEach { i in
                    m.text[r * m.width + i] = p(i).flatMap(PointCompiler.section)
                }
            })
        case .choose(let c, let a, let b):
            let t = try flag(c, d), x = try text(a, d + 1), y = try text(b, d + 2)
            let r = temp(d)
            return .column(r, { m, s in
                let cond = t.prepare(m, s), p = x.prepare(m, s), q = y.prepare(m, s)
                s.forEach { i in
                    let c = cond[i]
                    if c == 2 {
                        let a = p(i)
                        m.text[r * m.width + i] = a != nil && a == q(i) ? a : nil
                    } else {
                        m.text[r * m.width + i] = c == 1 ? p(i) : q(i)
                    }
                }
            })
        default:
            throw Unsupported()
        }
    }

    private func textRegister(_ source: Int, _ d: Int) -> BatchText {
        guard inItems else { return .column(source, nil) }
        let (r, run) = gather(source, d) { m, from, to in m.text[to] = m.text[from] }
        return .column(r, run)
    }

    // MARK: dates

    func day(_ code: Code, _ d: Int) throws(Unsupported) -> BatchDay {
        switch code {
        case .constant(let v):
            if case .date(let t) = v.kind { return .value(t?.raw) }
            return .value(nil)
        case .field(let slot):
            if let def = policy.defaults[slot], point.shape(def.code) == .day {
                guard !inItems else { throw Unsupported() }
                let fallback = try defaults.day(def.code, d + 1)
                let r = temp(d)
                return .column(r, { m, s in
                    let v = fallback.prepare(m, s)
                    let w = m.width
                    s.forEach { i in
                        let at = slot * w + i
                        switch m.kind[at] {
                        case BatchMemory.Slot.date: BatchCompiler.putDay(m, r, i, m.day[at])
                        case BatchMemory.Slot.missing: BatchCompiler.putDay(m, r, i, v(i))
                        default: m.dayKnown[r * w + i] = 0
                        }
                    }
                })
            }
            return dayRegister(slot, d)
        case .local(let slot):
            return dayRegister(local(slot), d)
        case .recordKey, .itemKey, .item:
            let r = temp(d)
            let read = try member(code)
            return .column(r, { m, s in
                s.forEach { i in
                    if case .date(let t)? = read(m, i) { BatchCompiler.putDay(m, r, i, t.raw) } else { m.dayKnown[r * m.width + i] = 0 }
                }
            })
        case .dateAdd(let a, let duration):
            let x = try day(a, d)
            if case .value(let v) = x { return .value(v.flatMap { Day(raw: $0).adding(duration)?.raw }) }
            let r = temp(d)
            return .column(r, { m, s in
                let p = x.prepare(m, s)
                s.forEach { i in
                    BatchCompiler.putDay(m, r, i, p(i).flatMap { Day(raw: $0).adding(duration)?.raw })
                }
            })
        case .periodStart, .periodEnd:
            let isStart: Bool
            if case .periodStart = code { isStart = true } else { isStart = false }
            let r = temp(d)
            let items = inItems
            return .column(r, { m, s in
                s.forEach { i in
                    let row = items ? Int(m.parent[i]) : i
                    // The last day of the piece, as `DayRange.lastDay`.
                    BatchCompiler.putDay(m, r, i, isStart ? m.pieceStart[row] : m.pieceEnd[row] - 1)
                }
            })
        case .choose(let c, let a, let b):
            let t = try flag(c, d), x = try day(a, d + 1), y = try day(b, d + 2)
            let r = temp(d)
            return .column(r, { m, s in
                let cond = t.prepare(m, s), p = x.prepare(m, s), q = y.prepare(m, s)
                s.forEach { i in
                    let c = cond[i]
                    if c == 2 {
                        let a = p(i)
                        BatchCompiler.putDay(m, r, i, a != nil && a == q(i) ? a : nil)
                    } else {
                        BatchCompiler.putDay(m, r, i, c == 1 ? p(i) : q(i))
                    }
                }
            })
        default:
            throw Unsupported()
        }
    }

    @inline(__always)
    static func putDay(_ m: BatchMemory, _ r: Int, _ i: Int, _ v: Int32?) {
        let at = r * m.width + i
        if let v { m.day[at] = v; m.dayKnown[at] = 1 } else { m.dayKnown[at] = 0 }
    }

    private func dayRegister(_ source: Int, _ d: Int) -> BatchDay {
        guard inItems else { return .column(source, nil) }
        let (r, run) = gather(source, d) { m, from, to in
            m.day[to] = m.day[from]; m.dayKnown[to] = m.dayKnown[from]
        }
        return .column(r, run)
    }
}
