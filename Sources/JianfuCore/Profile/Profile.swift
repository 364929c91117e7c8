/// A value given for a profile field: a scalar, a list of items, or a record of keyed values.
/// Not `indirect`: lists and records hold arrays (already references), so scalars need no heap box.
public enum FieldValue: Sendable, Hashable {
    case number(Rational)
    case bool(Bool)
    case string(String)
    case date(Day)
    case list([FieldValue])
    /// Keys in the schema's order; nil for a key not given.
    case record([FieldValue?])
}

/// One enterprise's facts for one year, held in the schema's field order (slots, not a dictionary), so rules
/// read fields by index.
public struct Profile: Sendable, Equatable {
    /// Slot per schema field; nil when the field is missing.
    public var values: [FieldValue?]
    /// Where the profile came from, for messages (`Samples/a.json`, `pop.csv:12`).
    public var origin: String

    public init(fieldCount: Int, origin: String) {
        values = Array(repeating: nil, count: fieldCount)
        self.origin = origin
    }

    public func string(_ slot: Int?) -> String? {
        guard let slot, case .string(let s)? = values[slot] else { return nil }
        return s
    }

    public func number(_ slot: Int?) -> Rational? {
        guard let slot, case .number(let r)? = values[slot] else { return nil }
        return r
    }
}

extension FieldValue {
    /// The value as written in reports: `123,456.78` for money, `25%` for rates, `2017-08-14` for dates.
    public func display(_ spec: FieldSpec?) -> String {
        switch self {
        case .number(let r):
            switch spec?.kind {
            case .money?: return r.roundedToFen().map { Money.format(fen: $0) } ?? r.description
            case .rate?: return Rational.percentText(r)
            default: return r.description
            }
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return s
        case .date(let d): return d.description
        case .list(let items): return "[" + items.map { $0.display(spec?.item) }.joined(separator: ", ") + "]"
        case .record(let vs):
            let keys = spec?.keys ?? []
            return "{" + vs.enumerated().compactMap { i, v in
                guard let v else { return nil }
                let k = i < keys.count ? keys[i] : nil
                return "\(k?.name ?? "?"): \(v.display(k))"
            }.joined(separator: ", ") + "}"
        }
    }
}

extension Rational {
    /// `0.3` → `30%`, `0.00016` → `0.016%`.
    public static func percentText(_ r: Rational) -> String {
        guard let p = r.multiplied(by: Rational(100)) else { return r.description }
        return p.description + "%"
    }
}
