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
    /// The most items a list may hold (`max_items` in the data dictionary); a longer list is an input error, so
    /// that no profile, however long its lists, can hold the tool or the server for long.
    public let maxItems: Int

    /// A list's limit when the data dictionary names none: far above any registry extract's list.
    public static let defaultMaxItems = 1_000

    init(name: String, kind: FieldKind, zh: String, en: String, unit: String?, group: String?,
         descriptionZh: String?, descriptionEn: String?, signed: Bool, min: Int?, format: String?,
         defaultText: String?, actionable: Bool, item: FieldSpec?, keys: [FieldSpec],
         maxItems: Int = FieldSpec.defaultMaxItems) {
        self.name = name; self.kind = kind; self.zh = zh; self.en = en; self.unit = unit; self.group = group
        self.descriptionZh = descriptionZh; self.descriptionEn = descriptionEn; self.signed = signed
        self.min = min; self.format = format; self.defaultText = defaultText; self.actionable = actionable
        self.item = item; self.keys = keys; self.maxItems = maxItems
    }

    /// The message for a list of `count` items, longer than this list's limit.
    public func tooManyItems(_ count: Int, _ lang: Lang) -> String {
        let n = Money.group(String(count)), m = Money.group(String(maxItems))
        return lang == .zh
            ? "列表有 \(n) 项，超过上限 \(m) 项（数据字典的 max_items）"
            : "the list has \(n) items, more than its limit of \(m) (max_items in the data dictionary)"
    }

    public func keyIndex(_ name: String) -> Int? { keys.firstIndex(where: { $0.name == name }) }

    /// The label in the given language.
    public func label(_ lang: Lang) -> String { lang == .zh ? zh : en }

    /// The type name used in "expected …" messages.
    public var expectation: String { expectation(.en) }

    /// The same in the report language.
    public func expectation(_ lang: Lang) -> String {
        let zh = lang == .zh
        switch kind {
        case .string:
            if format == "gb2260" { return zh ? "6位GB/T 2260行政区划代码" : "a six-digit GB/T 2260 region code" }
            if format == "gb4754" { return zh ? "GB/T 4754行业代码（如C2614）" : "a GB/T 4754 industry code such as C2614" }
            return zh ? "文字" : "a string"
        case .int: return zh ? "整数（≥ \(min ?? 0)）" : "an integer" + (min.map { " ≥ \($0)" } ?? " ≥ 0")
        case .money: return signed ? (zh ? "金额（元）" : "an amount in 元") : (zh ? "金额（元，≥ 0）" : "an amount in 元 ≥ 0")
        case .rate: return zh ? "0到1之间的比例（如0.25）" : "a rate between 0 and 1 (e.g. 0.25)"
        case .bool: return zh ? "true/false（是/否）" : "true or false"
        case .date: return zh ? "日期YYYY-MM-DD" : "a date YYYY-MM-DD"
        case .enumeration(let vs): return (zh ? "以下之一：" : "one of ") + vs.map { "\"\($0)\"" }.joined(separator: ", ")
        case .list: return zh ? "列表" : "a list"
        case .record: return zh ? "对象" : "an object"
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
