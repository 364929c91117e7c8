/// What a point closure reads: one profile's facts, the parameters and piece of the year being evaluated, the
/// rule's `let` values and the current list item.
struct PointFrame {
    /// The profile's facts as given; lists, records and text are read here.
    private(set) var values: [FieldValue?]
    /// The scalar facts unpacked once per profile, in one sequential pass, into flat arrays of this thread's own:
    /// rules then read them from cache, without copying enum values.
    private(set) var fieldKind: [FieldKindTag]
    private(set) var fieldNumber: [Rational]
    private(set) var fieldDay: [Day]
    /// Every parameter set of the year's plan, one after another; the piece's set starts at `paramBase`.
    var paramTable: [Rational?]
    var paramBase = 0
    var piece: DayRange
    let year: DayRange
    var proration: Proration
    /// `let` values by slot, one array per type (a slot is used in the array of its type only).
    var nums: [Rational?]
    var flags: [Bool?]
    var texts: [String?]
    var days: [Day?]
    /// The list item an aggregate is visiting; nil when none or the item is missing.
    var item: FieldValue?

    /// What a field slot holds in the unpacked view.
    enum FieldKindTag: UInt8 {
        case missing, number, yes, no, date, other
    }

    init(fieldCount: Int, paramTable: [Rational?], year: DayRange, localCount: Int) {
        values = Array(repeating: nil, count: fieldCount)
        fieldKind = Array(repeating: .missing, count: fieldCount)
        fieldNumber = Array(repeating: Rational(0), count: fieldCount)
        fieldDay = Array(repeating: Day(raw: 0), count: fieldCount)
        self.paramTable = paramTable; self.piece = year; self.year = year; proration = .days
        nums = Array(repeating: nil, count: localCount)
        flags = Array(repeating: nil, count: localCount)
        texts = Array(repeating: nil, count: localCount)
        days = Array(repeating: nil, count: localCount)
    }

    /// Takes a profile's facts (the same schema's slots) and unpacks the scalars.
    mutating func load(_ profile: [FieldValue?]) {
        values = profile
        item = nil
        let n = min(profile.count, fieldKind.count)
        profile.withUnsafeBufferPointer { src in
            for k in 0..<n {
                switch src[k] {
                case nil: fieldKind[k] = .missing
                case .number(let r)?: fieldKind[k] = .number; fieldNumber[k] = r
                case .bool(let b)?: fieldKind[k] = b ? .yes : .no
                case .date(let d)?: fieldKind[k] = .date; fieldDay[k] = d
                default: fieldKind[k] = .other
                }
            }
        }
    }
}

typealias PointNum = @Sendable (inout PointFrame) -> Rational?
typealias PointBool = @Sendable (inout PointFrame) -> Bool?
typealias PointText = @Sendable (inout PointFrame) -> String?
typealias PointDay = @Sendable (inout PointFrame) -> Day?
typealias PointRun = @Sendable (inout PointFrame) -> Void

/// A compiled expression for the population fast path: the same `Code`, as typed closures over known values.
///
/// Every closure returns nil where the interval evaluator would meet a missing fact, undefined arithmetic or an
/// overflow, and otherwise exactly the value the interval evaluator computes (a point). The caller then
/// evaluates that rule with the interval evaluator, so a population run agrees with `check` to the fen while
/// complete profiles never build an interval, a dependency list or a trace.
enum PointCode: Sendable {
    case num(PointNum)
    case flag(PointBool)
    case text(PointText)
    case day(PointDay)
}

/// Compiles `Code` to point closures. Types are read off the code's shape and the schema.
struct PointCompiler {
    let policy: PolicySet
    /// The static type of each `let` of the rule being compiled.
    var localTypes: [VType] = []
    /// The list field whose items `item` and `itemKey` read (inside an aggregate).
    var itemField = -1

    init(policy: PolicySet) { self.policy = policy }

    enum Shape { case num, flag, text, day, other }

    static func shape(_ kind: FieldKind) -> Shape {
        switch kind {
        case .money, .rate, .int: return .num
        case .bool: return .flag
        case .string, .enumeration: return .text
        case .date: return .day
        case .list, .record: return .other
        }
    }

    static func shape(_ t: VType) -> Shape {
        switch t {
        case .number: return .num
        case .bool: return .flag
        case .string: return .text
        case .date: return .day
        default: return .other
        }
    }

    func shape(_ code: Code) -> Shape {
        switch code {
        case .constant(let v):
            switch v.kind {
            case .number: return .num
            case .bool: return .flag
            case .string: return .text
            case .date: return .day
            case .duration: return .other
            }
        case .field(let slot): return PointCompiler.shape(policy.schema.fields[slot].kind)
        case .recordKey(let slot, let key): return PointCompiler.shape(policy.schema.fields[slot].keys[key].kind)
        case .itemKey(let key): return itemSpec.map { PointCompiler.shape($0.keys[key].kind) } ?? .other
        case .item: return itemSpec.map { PointCompiler.shape($0.kind) } ?? .other
        case .param, .negate, .add, .sub, .mul, .div, .minimum, .maximum, .share: return .num
        case .local(let slot): return slot < localTypes.count ? PointCompiler.shape(localTypes[slot]) : .other
        case .compare, .and, .or, .not, .member, .startsWith: return .flag
        case .choose(_, let a, _): return shape(a)
        case .aggregate(let kind, _, _, _): return kind == .sum || kind == .count ? .num : .flag
        case .section: return .text
        case .dateAdd, .periodStart, .periodEnd: return .day
        }
    }

    var itemSpec: FieldSpec? { itemField >= 0 ? policy.schema.fields[itemField].item : nil }

    func compile(_ code: Code) -> PointCode {
        switch shape(code) {
        case .num: return .num(num(code))
        case .flag: return .flag(flag(code))
        case .text: return .text(text(code))
        case .day, .other: return .day(day(code))
        }
    }

    /// A record key, a list item's key or a list item, read as `T` by `extract` (nil for another kind or none).
    func member<T>(_ code: Code, _ extract: @escaping @Sendable (FieldValue) -> T?) -> @Sendable (inout PointFrame) -> T? {
        switch code {
        case .recordKey(let slot, let key):
            return { f in
                if case .record(let vals)? = f.values[slot], key < vals.count, let v = vals[key] { return extract(v) }
                return nil
            }
        case .itemKey(let key):
            return { f in
                if case .record(let vals)? = f.item, key < vals.count, let v = vals[key] { return extract(v) }
                return nil
            }
        case .item:
            return { f in f.item.flatMap(extract) }
        default:
            return { _ in nil }
        }
    }

    /// The default of a missing field, compiled in its own (rule-free) context.
    func fieldDefault(_ slot: Int) -> PointCode? {
        guard let d = policy.defaults[slot] else { return nil }
        return PointCompiler(policy: policy).compile(d.code)
    }

    /// The `let`s of a rule as one closure that computes and stores them in order (nil when there are none).
    func run(_ lets: [Code]) -> PointRun? {
        var out: PointRun?
        for (slot, code) in lets.enumerated() {
            let store: PointRun
            switch compile(code) {
            case .num(let c): store = { f in f.nums[slot] = c(&f) }
            case .flag(let c): store = { f in f.flags[slot] = c(&f) }
            case .text(let c): store = { f in f.texts[slot] = c(&f) }
            case .day(let c): store = { f in f.days[slot] = c(&f) }
            }
            if let before = out { out = { f in before(&f); store(&f) } } else { out = store }
        }
        return out
    }

    /// Conditions as one conjunction, with the interval evaluator's short cut: a false condition decides.
    func conjunction(_ conditions: [Code]) -> PointBool {
        guard var acc = conditions.first.map({ flag($0) }) else { return { _ in true } }
        for c in conditions.dropFirst() { acc = PointCompiler.both(acc, flag(c)) }
        return acc
    }

    /// `x and y` in three values: false if either is false (y not evaluated after a false x).
    static func both(_ x: @escaping PointBool, _ y: @escaping PointBool) -> PointBool {
        return { f in
            let p = x(&f)
            if p == false { return false }
            let q = y(&f)
            if q == false { return false }
            guard let p, let q else { return nil }
            return p && q
        }
    }

    // MARK: numbers

    func num(_ code: Code) -> PointNum {
        switch code {
        case .constant(let v):
            let p = v.interval.point
            return { _ in p }
        case .field(let slot):
            if case .num(let d)? = fieldDefault(slot) {
                return { f in
                    switch f.fieldKind[slot] {
                    case .number: return f.fieldNumber[slot]
                    case .missing: return d(&f)
                    default: return nil
                    }
                }
            }
            return { f in f.fieldKind[slot] == .number ? f.fieldNumber[slot] : nil }
        case .recordKey, .itemKey, .item:
            return member(code) { if case .number(let r) = $0 { return r }; return nil }
        case .param(let slot):
            return { f in f.paramTable[f.paramBase + slot] }
        case .local(let slot):
            return { f in f.nums[slot] }
        case .negate(let a):
            let x = num(a)
            return { f in x(&f)?.negated() }
        case .add(let a, let b):
            let x = num(a), y = num(b)
            return { f in
                guard let p = x(&f), let q = y(&f) else { return nil }
                return p.adding(q)
            }
        case .sub(let a, let b):
            let x = num(a), y = num(b)
            return { f in
                guard let p = x(&f), let q = y(&f) else { return nil }
                return p.subtracting(q)
            }
        case .mul(let a, let b):
            let x = num(a), y = num(b)
            return { f in
                // As in the interval evaluator: an exact zero times anything, known or not, is zero.
                let p = x(&f), q = y(&f)
                if p?.isZero == true || q?.isZero == true { return .zero }
                guard let p, let q else { return nil }
                return p.multiplied(by: q)
            }
        case .div(let a, let b, _):
            let x = num(a), y = num(b)
            return { f in
                guard let p = x(&f), let q = y(&f), !q.isZero else { return nil }
                return p.divided(by: q)
            }
        case .minimum(let args), .maximum(let args):
            let isMin: Bool
            if case .minimum = code { isMin = true } else { isMin = false }
            let xs = args.map { num($0) }
            return { f in
                guard var acc = xs[0](&f) else { return nil }
                for x in xs.dropFirst() {
                    guard let v = x(&f) else { return nil }
                    if isMin ? v < acc : v > acc { acc = v }
                }
                return acc
            }
        case .choose(let c, let a, let b):
            let t = flag(c), x = num(a), y = num(b)
            return { f in
                guard let cond = t(&f) else { return nil }
                return cond ? x(&f) : y(&f)
            }
        case .aggregate(let kind, let field, let filter, let value):
            var inner = self
            inner.itemField = field
            let keep = filter.map { inner.flag($0) }
            let v = value.map { inner.num($0) }
            let counting = kind == .count
            return { f in
                guard case .list(let items)? = f.values[field] else { return nil }
                if items.count > ListWork.countedLength { ListWork.add(items.count) }
                let saved = f.item
                defer { f.item = saved }
                var acc = Rational.zero
                for item in items {
                    if Cancellation.requested { return nil }  // past the deadline: the answer is discarded
                    f.item = item
                    if let keep {
                        guard let k = keep(&f) else { return nil }
                        if !k { continue }
                    }
                    if counting {
                        guard let s = acc.adding(.one) else { return nil }
                        acc = s
                    } else if let v {
                        guard let x = v(&f), let s = acc.adding(x) else { return nil }
                        acc = s
                    }
                }
                return acc
            }
        case .share(let a, let b):
            let x = day(a), y = day(b)
            return { f in
                guard let d1 = x(&f), let d2 = y(&f) else { return nil }
                return Evaluator.weight(DayRange(d1, d2).intersection(f.piece), year: f.year, proration: f.proration)
            }
        default:
            return { _ in nil }
        }
    }
}
