/// The parsed form of an expression, before names are resolved. Spans are scalar offsets into the text.
public indirect enum ExprKind: Sendable {
    case number(Rational)
    case duration(Duration)
    case string(String)
    case date(Day)
    case bool(Bool)
    case name(String)
    case member(Expr, String)
    case unary(String, Expr)
    case binary(String, Expr, Expr)
    case ifThen(Expr, Expr, Expr)
    case call(String, [Expr])
    case list([Expr])
    case membership(Expr, Expr)
}

/// An expression node and its span.
public struct Expr: Sendable {
    public var kind: ExprKind
    public var start: Int
    public var end: Int
}
