/// Evaluates compiled expressions for one profile on one piece of the year. Values are intervals so that
/// missing facts give ranges, and conditions are three-valued.
struct Evaluator {
    let policy: PolicySet
    let profile: Profile
    /// Parameter values in force on the current piece.
    var params: [Rational?]
    var locals: [Value] = []
    var piece: DayRange
    let year: DayRange
    var proration: Proration
    /// Messages about undefined arithmetic or missing parameter values.
    var problems: [String] = []
    /// Fields whose schema default was used.
    var assumed: [Int] = []

    // The current list item inside an aggregate.
    private var itemField = -1
    private var itemIndex = -1
    private var itemValue: FieldValue?
    private var itemMissingList = false

    init(policy: PolicySet, profile: Profile, params: [Rational?], piece: DayRange, year: DayRange, proration: Proration) {
        self.policy = policy; self.profile = profile; self.params = params
        self.piece = piece; self.year = year; self.proration = proration
        locals.reserveCapacity(8)
    }

    /// Scratch space for a rule's pieces of the year, kept between rules.
    private var pieceBuffer: [(DayRange, Int)] = []

    mutating func takePieceBuffer() -> [(DayRange, Int)] {
        var b = pieceBuffer
        pieceBuffer = []
        b.removeAll(keepingCapacity: true)
        return b
    }

    mutating func returnPieceBuffer(_ b: [(DayRange, Int)]) { pieceBuffer = b }

    /// Ready for the next rule of the same profile (one evaluator serves a whole check).
    mutating func reset(params: [Rational?], piece: DayRange, proration: Proration) {
        self.params = params; self.piece = piece; self.proration = proration
        locals.removeAll(keepingCapacity: true)
        if !problems.isEmpty { problems.removeAll() }
        if !assumed.isEmpty { assumed.removeAll() }
    }

    /// Makes `index` of list `field` the current item, so item keys can be evaluated outside an aggregate
    /// (guidance inspecting one loan or one membership).
    mutating func focus(field: Int, index: Int) {
        itemField = field
        itemIndex = index
        itemMissingList = false
        if case .list(let items)? = profile.values[field], index < items.count { itemValue = items[index] } else { itemValue = nil }
    }

    /// The same with the item's value replaced (guidance trying a changed loan without copying the list).
    mutating func focus(field: Int, index: Int, value: FieldValue?) {
        itemField = field
        itemIndex = index
        itemMissingList = false
        itemValue = value
    }

    mutating func problem(_ message: String) {
        if !problems.contains(message) { problems.append(message) }
    }

    /// The value the domain allows when a fact is missing.
    static func unknown(_ spec: FieldSpec, _ ref: FieldRef) -> Value {
        switch spec.kind {
        case .money: return Value(.number(spec.signed ? .all : .nonNegative), deps: [ref])
        case .rate: return Value(.number(.unit), deps: [ref])
        case .int: return Value(.number(Interval(.finite(Rational(spec.min ?? 0)), .posInf)), deps: [ref])
        case .bool: return Value(.bool(.unknown), deps: [ref])
        case .string, .enumeration: return Value(.string(nil), deps: [ref])
        case .date: return Value(.date(nil), deps: [ref])
        case .list, .record: return Value(.number(.all), deps: [ref])
        }
    }

    static func scalar(_ v: FieldValue) -> Value {
        switch v {
        case .number(let r): return .number(r)
        case .bool(let b): return .bool(b)
        case .string(let s): return Value(.string(s))
        case .date(let d): return Value(.date(d))
        case .list, .record: return Value(.number(.all))
        }
    }

    mutating func readField(_ slot: Int) -> Value {
        if let v = profile.values[slot] { return Evaluator.scalar(v) }
        if let d = policy.defaults[slot] {
            if !assumed.contains(slot) { assumed.append(slot) }
            return eval(d.code)
        }
        return Evaluator.unknown(policy.schema.fields[slot], FieldRef(field: slot))
    }

    /// The weight of `range` in the evaluated year, in the rule's proration unit.
    func weight(_ range: DayRange) -> Rational { Evaluator.weight(range, year: year, proration: proration) }

    static func weight(_ range: DayRange, year: DayRange, proration: Proration) -> Rational {
        let r = range.intersection(year)
        if r.isEmpty { return .zero }
        switch proration {
        case .days: return Rational(Int128(r.dayCount), Int128(year.dayCount)) ?? .zero
        case .none: return .one
        case .months:
            // Months of the year whose first day lies in [start, end): arithmetic on the dates, no loop.
            let a = r.start.components, b = r.end.components
            let first = a.day == 1 ? a.month : a.month + 1
            let last = b.year > a.year ? 12 : (b.day == 1 ? b.month - 1 : b.month)
            return Rational(Int128(max(0, last - first + 1)), 12) ?? .zero
        }
    }

    mutating func eval(_ code: Code) -> Value {
        switch code {
        case .constant(let v): return v
        case .field(let slot): return readField(slot)
        case .recordKey(let slot, let key):
            let spec = policy.schema.fields[slot]
            guard case .record(let vals)? = profile.values[slot] else {
                return Evaluator.unknown(spec.keys[key], FieldRef(field: slot, key: key))
            }
            if let v = vals[key] { return Evaluator.scalar(v) }
            return Evaluator.unknown(spec.keys[key], FieldRef(field: slot, key: key))
        case .itemKey(let key):
            guard let item = policy.schema.fields[itemField].item else { return Value(.number(.all)) }
            if itemMissingList { return Evaluator.unknown(item.keys[key], FieldRef(field: itemField)) }
            if case .record(let vals)? = itemValue, let v = vals[key] { return Evaluator.scalar(v) }
            return Evaluator.unknown(item.keys[key], FieldRef(field: itemField, item: itemIndex, key: key))
        case .item:
            guard let item = policy.schema.fields[itemField].item else { return Value(.number(.all)) }
            if itemMissingList { return Evaluator.unknown(item, FieldRef(field: itemField)) }
            if let v = itemValue { return Evaluator.scalar(v) }
            return Evaluator.unknown(item, FieldRef(field: itemField, item: itemIndex))
        case .param(let slot):
            if let v = params[slot] { return .number(v) }
            problem("parameter \(policy.parameters[slot].name) has no value on \(piece.start)")
            return Value(.number(.all))
        case .local(let slot): return locals[slot]
        case .negate(let a):
            let x = eval(a)
            return arith(x, x, x.interval.negated())
        case .add(let a, let b):
            let x = eval(a), y = eval(b)
            return arith(x, y, x.interval.adding(y.interval))
        case .sub(let a, let b):
            let x = eval(a), y = eval(b)
            return arith(x, y, x.interval.subtracting(y.interval))
        case .mul(let a, let b):
            let x = eval(a), y = eval(b)
            if Interval.hasExactZero(x.interval, y.interval) { return .number(.zero) }
            return arith(x, y, x.interval.multiplied(by: y.interval))
        case .div(let a, let b, let denominator):
            let x = eval(a), y = eval(b)
            if y.interval.point?.isZero == true {
                // POLICY-NOTES: "industry_tax_per_mu must be positive" — name the fact and what it must be.
                problem(denominator == "the divisor" ? "the divisor must not be zero" : "\(denominator) must be positive (it is a divisor, here 0)")
                return Value(.number(.all), deps: mergeDeps(x.deps, y.deps))
            }
            if y.interval.containsZero { return Value(.number(.all), deps: mergeDeps(x.deps, y.deps)) }
            return arith(x, y, x.interval.divided(by: y.interval))
        case .compare(let op, let a, let b): return compare(op, eval(a), eval(b))
        case .and(let a, let b):
            let x = eval(a)
            if x.tri == .no { return x }
            let y = eval(b)
            if y.tri == .no { return y }
            if x.tri == .yes && y.tri == .yes { return .bool(true) }
            return Value(.bool(.unknown), deps: mergeDeps(x.tri == .unknown ? x.deps : [], y.tri == .unknown ? y.deps : []))
        case .or(let a, let b):
            let x = eval(a)
            if x.tri == .yes { return x }
            let y = eval(b)
            if y.tri == .yes { return y }
            if x.tri == .no && y.tri == .no { return .bool(false) }
            return Value(.bool(.unknown), deps: mergeDeps(x.tri == .unknown ? x.deps : [], y.tri == .unknown ? y.deps : []))
        case .not(let a):
            let x = eval(a)
            switch x.tri {
            case .yes: return .bool(false)
            case .no: return .bool(true)
            case .unknown: return x
            }
        case .choose(let c, let a, let b):
            let t = eval(c)
            switch t.tri {
            case .yes: return eval(a)
            case .no: return eval(b)
            case .unknown:
                // Both branches are possible: the result is their hull, known only if they agree.
                let x = eval(a), y = eval(b)
                return hull(x, y, t.deps)
            }
        case .member(let a, let options):
            let x = eval(a)
            guard case .string(let s) = x.kind else { return Value(.bool(.unknown), deps: x.deps) }
            guard let s else { return Value(.bool(.unknown), deps: x.deps) }
            return .bool(options.contains(s))
        case .minimum(let args), .maximum(let args):
            let isMin: Bool
            if case .minimum = code { isMin = true } else { isMin = false }
            var acc = eval(args[0])
            for a in args.dropFirst() {
                let y = eval(a)
                let i = isMin ? acc.interval.minimum(y.interval) : acc.interval.maximum(y.interval)
                acc = Value(.number(i), deps: i.point != nil ? [] : mergeDeps(acc.deps, y.deps))
            }
            return acc
        case .aggregate(let kind, let field, let filter, let value):
            return aggregate(kind, field, filter, value)
        case .section(let a):
            let x = eval(a)
            guard case .string(let s) = x.kind, let s, let first = s.first else { return Value(.string(nil), deps: x.deps) }
            return Value(.string(String(first).uppercased()))
        case .startsWith(let a, let prefix):
            let x = eval(a)
            guard case .string(let s) = x.kind, let s else { return Value(.bool(.unknown), deps: x.deps) }
            return .bool(s.utf8.starts(with: prefix.utf8))
        case .dateAdd(let a, let d):
            let x = eval(a)
            guard case .date(let day) = x.kind, let day else { return Value(.date(nil), deps: x.deps) }
            guard let r = day.adding(d) else { problem("date out of range"); return Value(.date(nil)) }
            return Value(.date(r))
        case .share(let a, let b):
            let x = eval(a), y = eval(b)
            guard case .date(let d1) = x.kind, let d1, case .date(let d2) = y.kind, let d2 else {
                return Value(.number(Interval(.finite(.zero), .finite(weight(piece)))), deps: mergeDeps(x.deps, y.deps))
            }
            return .number(weight(DayRange(d1, d2).intersection(piece)))
        case .periodStart: return Value(.date(piece.start))
        case .periodEnd: return Value(.date(piece.lastDay))
        }
    }

    private mutating func arith(_ x: Value, _ y: Value, _ r: Interval?) -> Value {
        guard let r else {
            problem("a number is too large to compute exactly")
            return Value(.number(.all), deps: mergeDeps(x.deps, y.deps))
        }
        return Value(.number(r), deps: r.point != nil ? [] : mergeDeps(x.deps, y.deps))
    }

    private func hull(_ x: Value, _ y: Value, _ cdeps: [FieldRef]) -> Value {
        switch (x.kind, y.kind) {
        case (.number(let a), .number(let b)):
            let h = a.hull(b)
            return Value(.number(h), deps: h.point != nil ? [] : mergeDeps(cdeps, mergeDeps(x.deps, y.deps)))
        case (.bool(let a), .bool(let b)):
            if a == b && a != .unknown { return Value(.bool(a)) }
            return Value(.bool(.unknown), deps: mergeDeps(cdeps, mergeDeps(x.deps, y.deps)))
        case (.string(let a), .string(let b)):
            if let a, a == b { return Value(.string(a)) }
            return Value(.string(nil), deps: mergeDeps(cdeps, mergeDeps(x.deps, y.deps)))
        case (.date(let a), .date(let b)):
            if let a, a == b { return Value(.date(a)) }
            return Value(.date(nil), deps: mergeDeps(cdeps, mergeDeps(x.deps, y.deps)))
        default:
            return Value(.number(.all), deps: cdeps)
        }
    }

    private func compare(_ op: CmpOp, _ x: Value, _ y: Value) -> Value {
        let deps = mergeDeps(x.deps, y.deps)
        switch (x.kind, y.kind) {
        case (.number(let a), .number(let b)):
            let t = Evaluator.compare(op, a, b)
            return Value(.bool(t), deps: t == .unknown ? deps : [])
        case (.date(let a), .date(let b)):
            guard let a, let b else { return Value(.bool(.unknown), deps: deps) }
            let c = a.raw < b.raw ? -1 : (a.raw == b.raw ? 0 : 1)
            return .bool(Evaluator.holds(op, c))
        case (.string(let a), .string(let b)):
            guard let a, let b else { return Value(.bool(.unknown), deps: deps) }
            return .bool(op == .eq ? a == b : a != b)
        case (.bool(let a), .bool(let b)):
            guard a != .unknown, b != .unknown else { return Value(.bool(.unknown), deps: deps) }
            return .bool(op == .eq ? a == b : a != b)
        default:
            return Value(.bool(.unknown), deps: deps)
        }
    }

    /// `a op b` over the ranges of two numbers: decided when every pair of values gives the same answer (the
    /// batch code compares its ranges with it too).
    static func compare(_ op: CmpOp, _ a: Interval, _ b: Interval) -> Tri {
        switch op {
        case .lt: return Bound.cmp(a.hi, b.lo) < 0 ? .yes : Bound.cmp(a.lo, b.hi) >= 0 ? .no : .unknown
        case .le: return Bound.cmp(a.hi, b.lo) <= 0 ? .yes : Bound.cmp(a.lo, b.hi) > 0 ? .no : .unknown
        case .gt: return Bound.cmp(a.lo, b.hi) > 0 ? .yes : Bound.cmp(a.hi, b.lo) <= 0 ? .no : .unknown
        case .ge: return Bound.cmp(a.lo, b.hi) >= 0 ? .yes : Bound.cmp(a.hi, b.lo) < 0 ? .no : .unknown
        case .eq, .ne:
            let eq: Tri
            if let p = a.point, let q = b.point { eq = .of(p == q) }
            else if Bound.cmp(a.hi, b.lo) < 0 || Bound.cmp(b.hi, a.lo) < 0 { eq = .no }
            else { eq = .unknown }
            return op == .eq ? eq : (eq == .unknown ? .unknown : (eq == .yes ? .no : .yes))
        }
    }

    static func holds(_ op: CmpOp, _ c: Int) -> Bool {
        switch op {
        case .lt: return c < 0
        case .le: return c <= 0
        case .gt: return c > 0
        case .ge: return c >= 0
        case .eq: return c == 0
        case .ne: return c != 0
        }
    }

    private mutating func aggregate(_ kind: AggKind, _ field: Int, _ filter: Code?, _ value: Code?) -> Value {
        let saved = (itemField, itemIndex, itemValue, itemMissingList)
        defer { (itemField, itemIndex, itemValue, itemMissingList) = saved }
        itemField = field
        guard case .list(let items)? = profile.values[field] else {
            // The list itself is missing: one unknown item stands for any number of items.
            itemMissingList = true
            itemIndex = -1
            itemValue = nil
            let ref = [FieldRef(field: field)]
            let f = filter.map { eval($0).tri } ?? .yes
            switch kind {
            case .any: return f == .no ? .bool(false) : Value(.bool(.unknown), deps: ref)
            case .all: return f == .yes ? .bool(true) : Value(.bool(.unknown), deps: ref)
            case .count, .sum:
                let i = Interval.ofMissingList(count: kind == .count, filter: f, item: value.map { eval($0).interval })
                return Value(.number(i), deps: i.point != nil ? [] : ref)
            }
        }
        itemMissingList = false
        var acc = Interval(.zero)
        // One collector for the whole list: merging each item's references into a growing array would scan it
        // per item (quadratic in the list's length).
        var deps = DepsCollector()
        var anyUnknown = false
        var visited = 0
        defer { ListWork.add(visited) }
        for (i, item) in items.enumerated() {
            if Cancellation.requested { break }  // a request past its deadline: the answer is discarded
            visited += 1
            itemIndex = i
            itemValue = item
            let fv = filter.map { eval($0) } ?? .bool(true)
            let f = fv.tri
            switch kind {
            case .any:
                if f == .yes { return .bool(true) }
                if f == .unknown { anyUnknown = true; deps.add(fv.deps) }
            case .all:
                if f == .no { return .bool(false) }
                if f == .unknown { anyUnknown = true; deps.add(fv.deps) }
            case .count:
                if f == .no { continue }
                acc = acc.adding(Interval.itemContribution(filter: f, value: nil)) ?? .all
                if f == .unknown { deps.add(fv.deps) }
            case .sum:
                if f == .no { continue }
                guard let value else { continue }
                let v = eval(value)
                let contribution = Interval.itemContribution(filter: f, value: v.interval)
                if f == .unknown { deps.add(fv.deps) }
                if v.interval.point == nil { deps.add(v.deps) }
                guard let next = acc.adding(contribution) else {
                    problem("a number is too large to compute exactly")
                    return Value(.number(.all), deps: deps.refs)
                }
                acc = next
            }
        }
        switch kind {
        case .any: return anyUnknown ? Value(.bool(.unknown), deps: deps.refs) : .bool(false)
        case .all: return anyUnknown ? Value(.bool(.unknown), deps: deps.refs) : .bool(true)
        case .count, .sum: return Value(.number(acc), deps: acc.point != nil ? [] : deps.refs)
        }
    }
}
