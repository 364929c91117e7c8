/// Three-valued truth: a condition may be decided either way or still depend on missing facts.
public enum Tri: Sendable, Equatable {
    case no, yes, unknown

    static func of(_ b: Bool) -> Tri { b ? .yes : .no }
}

/// A reference to a profile fact, for "needs …" messages: a field, a record key, or a key of one list item.
public struct FieldRef: Hashable, Sendable, Comparable {
    public var field: Int32
    /// The list item (from 0), or -1.
    public var item: Int32
    /// The key of a record or record item, or -1.
    public var key: Int32

    public init(field: Int, item: Int = -1, key: Int = -1) {
        self.field = Int32(field); self.item = Int32(item); self.key = Int32(key)
    }

    public static func < (a: FieldRef, b: FieldRef) -> Bool {
        (a.field, a.item, a.key) < (b.field, b.item, b.key)
    }
}

/// A value during evaluation. Unknown values carry the missing facts they depend on.
public struct Value: Sendable {
    public enum Kind: Sendable {
        case number(Interval)
        case bool(Tri)
        /// nil: unknown.
        case string(String?)
        /// nil: unknown.
        case date(Day?)
        case duration(Duration)
    }

    public var kind: Kind
    /// Boxed so that known values (the common case) carry no array and cost no reference counting.
    private var depBox: DepBox?

    /// The missing facts this value depends on (empty when known).
    public var deps: [FieldRef] {
        get { depBox?.refs ?? [] }
        set { depBox = newValue.isEmpty ? nil : DepBox(newValue) }
    }

    init(_ kind: Kind, deps: [FieldRef] = []) {
        self.kind = kind
        depBox = deps.isEmpty ? nil : DepBox(deps)
    }

    init(_ kind: Kind) { self.kind = kind; depBox = nil }

    static func number(_ r: Rational) -> Value { Value(.number(Interval(r))) }
    static func bool(_ b: Bool) -> Value { Value(.bool(.of(b))) }

    var interval: Interval { if case .number(let i) = kind { return i }; return .all }
    var tri: Tri { if case .bool(let t) = kind { return t }; return .unknown }

    /// True when the value is fully known.
    var isKnown: Bool {
        switch kind {
        case .number(let i): return i.point != nil
        case .bool(let t): return t != .unknown
        case .string(let s): return s != nil
        case .date(let d): return d != nil
        case .duration: return true
        }
    }
}

/// The missing facts behind an unknown value.
final class DepBox: @unchecked Sendable {
    let refs: [FieldRef]
    init(_ refs: [FieldRef]) { self.refs = refs }
}

/// `a` followed by the references of `b` not in `a`, in order. Linear in their lengths: long lists of items with a
/// missing key give long lists of references, and a scan per reference would make the merge quadratic.
func mergeDeps(_ a: [FieldRef], _ b: [FieldRef]) -> [FieldRef] {
    if a.isEmpty { return b }
    if b.isEmpty { return a }
    if a.count * b.count <= 64 {
        var out = a
        for r in b where !out.contains(r) { out.append(r) }
        return out
    }
    var deps = DepsCollector(a)
    deps.add(b)
    return deps.refs
}

/// Gathers fact references without repeats, in the order first met, in time linear in the references added
/// (a set beside the array once the array is long enough for scanning to cost more).
struct DepsCollector {
    private(set) var refs: [FieldRef] = []
    private var seen: Set<FieldRef>?

    init() {}

    init(_ initial: [FieldRef]) {
        refs = initial
        if initial.count > 16 { seen = Set(initial) }
        ListWork.add(initial.count)
    }

    var isEmpty: Bool { refs.isEmpty }

    mutating func add(_ more: [FieldRef]) {
        if more.isEmpty { return }
        if refs.isEmpty && more.count <= 16 { refs = more; return }
        ListWork.add(more.count)
        for r in more {
            if seen != nil {
                if seen?.insert(r).inserted == true { refs.append(r) }
            } else if !refs.contains(r) {
                refs.append(r)
                if refs.count > 16 { seen = Set(refs) }
            }
        }
    }
}
