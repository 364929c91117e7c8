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

func mergeDeps(_ a: [FieldRef], _ b: [FieldRef]) -> [FieldRef] {
    if a.isEmpty { return b }
    if b.isEmpty { return a }
    var out = a
    for r in b where !out.contains(r) { out.append(r) }
    return out
}
