/// The unit of a number, checked at load time so money is never added to a rate.
public enum NumUnit: String, Sendable, Equatable {
    case money, rate, count, plain
    /// A literal adapts to the unit it meets.
    case literal
}

/// The static type of an expression.
public enum VType: Sendable, Equatable, CustomStringConvertible {
    case number(NumUnit)
    case bool, string, date, duration
    /// A list field (by schema slot).
    case list(Int)
    /// A record field (by schema slot).
    case record(Int)
    /// A literal list `['A', 'B']` for membership.
    case constants

    public var description: String {
        switch self {
        case .number(let u): return u == .literal || u == .plain ? "number" : u.rawValue
        case .bool: return "boolean"
        case .string: return "string"
        case .date: return "date"
        case .duration: return "duration"
        case .list: return "list"
        case .record: return "record"
        case .constants: return "list of constants"
        }
    }
}

/// Comparison operators.
public enum CmpOp: String, Sendable { case lt = "<", le = "<=", gt = ">", ge = ">=", eq = "==", ne = "!=" }

/// Aggregates over a list field.
public enum AggKind: String, Sendable { case sum, count, any, all }

/// An expression compiled once at load time: names resolved to slots, constants folded. Evaluation walks
/// this tree; it never looks a name up in a dictionary.
public indirect enum Code: Sendable {
    case constant(Value)
    case field(Int)
    case recordKey(field: Int, key: Int)
    case itemKey(Int)
    case item
    case param(Int)
    case local(Int)
    case negate(Code)
    case add(Code, Code)
    case sub(Code, Code)
    case mul(Code, Code)
    /// The denominator's wording for "… must not be zero" (a field name when it is one).
    case div(Code, Code, denominator: String)
    case compare(CmpOp, Code, Code)
    case and(Code, Code)
    case or(Code, Code)
    case not(Code)
    case choose(Code, Code, Code)
    case member(Code, [String])
    case minimum([Code])
    case maximum([Code])
    case aggregate(AggKind, field: Int, filter: Code?, value: Code?)
    case section(Code)
    case startsWith(Code, String)
    case dateAdd(Code, Duration)
    case share(Code, Code)
    case periodStart
    case periodEnd
}
