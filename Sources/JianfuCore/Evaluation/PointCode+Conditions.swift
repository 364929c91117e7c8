/// Conditions, text and dates of the point closures (numbers are in PointCode.swift).
extension PointCompiler {
    // MARK: conditions

    func flag(_ code: Code) -> PointBool {
        switch code {
        case .constant(let v):
            let t: Bool? = v.tri == .unknown ? nil : v.tri == .yes
            return { _ in t }
        case .field(let slot):
            if case .flag(let d)? = fieldDefault(slot) {
                return { f in
                    switch f.fieldKind[slot] {
                    case .yes: return true
                    case .no: return false
                    case .missing: return d(&f)
                    default: return nil
                    }
                }
            }
            return { f in
                switch f.fieldKind[slot] {
                case .yes: return true
                case .no: return false
                default: return nil
                }
            }
        case .recordKey, .itemKey, .item:
            return member(code) { if case .bool(let b) = $0 { return b }; return nil }
        case .local(let slot):
            return { f in f.flags[slot] }
        case .compare(let op, let a, let b):
            return compare(op, a, b)
        case .and(let a, let b):
            return PointCompiler.both(flag(a), flag(b))
        case .or(let a, let b):
            let x = flag(a), y = flag(b)
            return { f in
                let p = x(&f)
                if p == true { return true }
                let q = y(&f)
                if q == true { return true }
                guard let p, let q else { return nil }
                return p || q
            }
        case .not(let a):
            let x = flag(a)
            return { f in x(&f).map { !$0 } }
        case .choose(let c, let a, let b):
            let t = flag(c), x = flag(a), y = flag(b)
            return { f in
                guard let cond = t(&f) else { return nil }
                return cond ? x(&f) : y(&f)
            }
        case .member(let a, let options):
            let x = text(a)
            return { f in x(&f).map { options.contains($0) } }
        case .startsWith(let a, let prefix):
            let x = text(a)
            let p = Array(prefix.utf8)
            return { f in x(&f).map { RuleEvaluator.hasPrefix($0, p) } }
        case .aggregate(let kind, let field, let filter, _):
            var inner = self
            inner.itemField = field
            let keep = filter.map { inner.flag($0) }
            let wantAll = kind == .all
            return { f in
                guard case .list(let items)? = f.values[field] else { return nil }
                if items.count > ListWork.countedLength { ListWork.add(items.count) }
                let saved = f.item
                defer { f.item = saved }
                var unknown = false
                for item in items {
                    f.item = item
                    guard let k = keep.map({ $0(&f) }) ?? true else { unknown = true; continue }
                    // any: one true item decides; all: one false item decides, whatever the unknown ones are.
                    if k != wantAll { return k }
                }
                return unknown ? nil : wantAll
            }
        default:
            return { _ in nil }
        }
    }

    private func compare(_ op: CmpOp, _ a: Code, _ b: Code) -> PointBool {
        switch shape(a) {
        case .num:
            let x = num(a), y = num(b)
            return { f in
                guard let p = x(&f), let q = y(&f) else { return nil }
                return Evaluator.holds(op, p.compare(q))
            }
        case .day:
            let x = day(a), y = day(b)
            return { f in
                guard let p = x(&f), let q = y(&f) else { return nil }
                return Evaluator.holds(op, p.raw < q.raw ? -1 : (p.raw == q.raw ? 0 : 1))
            }
        case .text:
            let x = text(a), y = text(b)
            return { f in
                guard let p = x(&f), let q = y(&f) else { return nil }
                return op == .eq ? p == q : p != q
            }
        case .flag:
            let x = flag(a), y = flag(b)
            return { f in
                guard let p = x(&f), let q = y(&f) else { return nil }
                return op == .eq ? p == q : p != q
            }
        case .other:
            return { _ in nil }
        }
    }

    // MARK: text and dates

    func text(_ code: Code) -> PointText {
        switch code {
        case .constant(let v):
            var c: String?
            if case .string(let t) = v.kind { c = t }
            let s = c
            return { _ in s }
        case .field(let slot):
            if case .text(let d)? = fieldDefault(slot) {
                return { f in
                    switch f.values[slot] {
                    case .string(let s)?: return s
                    case nil: return d(&f)
                    default: return nil
                    }
                }
            }
            return { f in if case .string(let s)? = f.values[slot] { return s }; return nil }
        case .recordKey, .itemKey, .item:
            return member(code) { if case .string(let s) = $0 { return s }; return nil }
        case .local(let slot):
            return { f in f.texts[slot] }
        case .section(let a):
            let x = text(a)
            return { f in x(&f).flatMap(PointCompiler.section) }
        case .choose(let c, let a, let b):
            let t = flag(c), x = text(a), y = text(b)
            return { f in
                guard let cond = t(&f) else { return nil }
                return cond ? x(&f) : y(&f)
            }
        default:
            return { _ in nil }
        }
    }

    /// The GB/T 4754 section of an industry code: its first letter, upper case (as the interval evaluator gives).
    static func section(_ s: String) -> String? {
        guard let b = s.utf8.first else { return nil }
        if b < 0x80 {
            let upper = b >= 0x61 && b <= 0x7A ? b - 0x20 : b
            return String(UnicodeScalar(upper))
        }
        return s.first.map { String($0).uppercased() }
    }

    func day(_ code: Code) -> PointDay {
        switch code {
        case .constant(let v):
            var c: Day?
            if case .date(let t) = v.kind { c = t }
            let d = c
            return { _ in d }
        case .field(let slot):
            if case .day(let d)? = fieldDefault(slot) {
                return { f in
                    switch f.fieldKind[slot] {
                    case .date: return f.fieldDay[slot]
                    case .missing: return d(&f)
                    default: return nil
                    }
                }
            }
            return { f in f.fieldKind[slot] == .date ? f.fieldDay[slot] : nil }
        case .recordKey, .itemKey, .item:
            return member(code) { if case .date(let d) = $0 { return d }; return nil }
        case .local(let slot):
            return { f in f.days[slot] }
        case .dateAdd(let a, let duration):
            let x = day(a)
            return { f in x(&f)?.adding(duration) }
        case .periodStart:
            return { f in f.piece.start }
        case .periodEnd:
            return { f in f.piece.lastDay }
        case .choose(let c, let a, let b):
            let t = flag(c), x = day(a), y = day(b)
            return { f in
                guard let cond = t(&f) else { return nil }
                return cond ? x(&f) : y(&f)
            }
        default:
            return { _ in nil }
        }
    }
}
