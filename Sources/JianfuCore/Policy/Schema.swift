/// The kind of a profile field or record key, as the data dictionary declares it.
public enum FieldKind: Sendable, Equatable {
    case string, int, money, rate, bool, date
    case enumeration([String])
    case list
    case record
}

/// One field of the profile data dictionary (or a key of a record, or the item of a list).
public final class FieldSpec: Sendable {
    public let name: String
    public let kind: FieldKind
    public let zh: String
    public let en: String
    public let unit: String?
    public let group: String?
    public let descriptionZh: String?
    public let descriptionEn: String?
    public let signed: Bool
    public let min: Int?
    public let format: String?
    /// Expression text of the default, used when the value is missing (stated as an assumption).
    public let defaultText: String?
    /// False for facts an enterprise cannot change (region, industry, registration date).
    public let actionable: Bool
    /// The item of a list.
    public let item: FieldSpec?
    /// The keys of a record (or of a list's record items).
    public let keys: [FieldSpec]

    init(name: String, kind: FieldKind, zh: String, en: String, unit: String?, group: String?,
         descriptionZh: String?, descriptionEn: String?, signed: Bool, min: Int?, format: String?,
         defaultText: String?, actionable: Bool, item: FieldSpec?, keys: [FieldSpec]) {
        self.name = name; self.kind = kind; self.zh = zh; self.en = en; self.unit = unit; self.group = group
        self.descriptionZh = descriptionZh; self.descriptionEn = descriptionEn; self.signed = signed
        self.min = min; self.format = format; self.defaultText = defaultText; self.actionable = actionable
        self.item = item; self.keys = keys
    }

    public func keyIndex(_ name: String) -> Int? { keys.firstIndex(where: { $0.name == name }) }

    /// The label in the given language.
    public func label(_ lang: Lang) -> String { lang == .zh ? zh : en }

    /// The type name used in "expected …" messages.
    public var expectation: String {
        switch kind {
        case .string: return format == "gb2260" ? "a six-digit GB/T 2260 region code" : format == "gb4754" ? "a GB/T 4754 industry code such as C2614" : "a string"
        case .int: return "an integer" + (min.map { " ≥ \($0)" } ?? " ≥ 0")
        case .money: return signed ? "an amount in 元" : "an amount in 元 ≥ 0"
        case .rate: return "a rate between 0 and 1 (e.g. 0.25)"
        case .bool: return "true or false"
        case .date: return "a date YYYY-MM-DD"
        case .enumeration(let vs): return "one of " + vs.map { "\"\($0)\"" }.joined(separator: ", ")
        case .list: return "a list"
        case .record: return "an object"
        }
    }
}

/// The profile data dictionary: the public contract of field names, labels and domains.
public struct Schema: Sendable {
    public let fields: [FieldSpec]
    private let index: [String: Int]

    init(fields: [FieldSpec]) {
        self.fields = fields
        var ix: [String: Int] = [:]
        for (i, f) in fields.enumerated() { ix[f.name] = i }
        index = ix
    }

    public func fieldIndex(_ name: String) -> Int? { index[name] }
    public func field(_ name: String) -> FieldSpec? { index[name].map { fields[$0] } }
}

/// Report language.
public enum Lang: String, Sendable { case zh, en }

/// Words in both languages.
public struct Text: Sendable, Hashable {
    public var zh: String
    public var en: String
    public init(zh: String, en: String) { self.zh = zh; self.en = en }
    public func callAsFunction(_ lang: Lang) -> String { lang == .zh ? zh : en }
}
