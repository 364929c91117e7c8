/// A token of the policy expression language, with its span as scalar offsets into the expression text.
struct Token: Equatable {
    enum Kind: Equatable {
        case number(Rational)
        case duration(Duration)
        case string(String)
        case date(Day)
        case name(String)
        case symbol(String)
        case end
    }
    var kind: Kind
    var start: Int
    var end: Int
}

/// Splits an expression into tokens. Works on Unicode scalars so `500万`, `30%` and columns come out right.
struct Lexer {
    let scalars: [Unicode.Scalar]
    var i = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    static func tokenize(_ text: String) throws(ExpressionError) -> [Token] {
        var lx = Lexer(text)
        var out: [Token] = []
        while true {
            let t = try lx.next()
            out.append(t)
            if t.kind == .end { return out }
        }
    }

    private func isDigit(_ u: Unicode.Scalar) -> Bool { u >= "0" && u <= "9" }
    private func isNameStart(_ u: Unicode.Scalar) -> Bool { (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || u == "_" }
    private func isNameChar(_ u: Unicode.Scalar) -> Bool { isNameStart(u) || isDigit(u) }

    mutating func next() throws(ExpressionError) -> Token {
        while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" || scalars[i] == "\n" || scalars[i] == "\r" { i += 1 }
        let start = i
        guard i < scalars.count else { return Token(kind: .end, start: i, end: i) }
        let c = scalars[i]
        if isDigit(c) { return try number() }
        if isNameStart(c) {
            while i < scalars.count, isNameChar(scalars[i]) { i += 1 }
            return Token(kind: .name(String(String.UnicodeScalarView(scalars[start..<i]))), start: start, end: i)
        }
        if c == "'" { return try string() }
        if c == "@" { return try date() }
        let two = i + 1 < scalars.count ? String(String.UnicodeScalarView([c, scalars[i + 1]])) : ""
        if ["<=", ">=", "==", "!="].contains(two) {
            i += 2
            return Token(kind: .symbol(two), start: start, end: i)
        }
        if "+-*/(),.[]<>".unicodeScalars.contains(c) {
            i += 1
            return Token(kind: .symbol(String(c)), start: start, end: i)
        }
        if c == "=" { throw ExpressionError(start, start + 1, "'=' is not an operator: use '==' to compare") }
        if c == "\"" { throw ExpressionError(start, start + 1, "strings use single quotes: 'C'") }
        throw ExpressionError(start, start + 1, "unexpected character '\(c)'")
    }

    private mutating func number() throws(ExpressionError) -> Token {
        let start = i
        var units: Int128 = 0
        var scale = 0
        var seenDot = false
        var digits = 0
        while i < scalars.count {
            let u = scalars[i]
            if isDigit(u) {
                let (m, o1) = units.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int128(u.value - 48))
                digits += 1
                if o1 || o2 || digits > 30 { throw ExpressionError(start, i + 1, "number too long (at most 30 digits)") }
                units = s
                if seenDot { scale += 1 }
                i += 1
            } else if u == ".", !seenDot, i + 1 < scalars.count, isDigit(scalars[i + 1]) {
                seenDot = true
                i += 1
            } else {
                break
            }
        }
        guard var value = Rational(units: units, scale: scale) else {
            throw ExpressionError(start, i, "number out of range")
        }
        if i < scalars.count {
            let s = scalars[i]
            let factor: Rational?
            switch s {
            case "%": factor = Rational(1, 100)
            case "‰": factor = Rational(1, 1000)
            case "万": factor = Rational(10_000)
            case "亿": factor = Rational(100_000_000)
            default: factor = nil
            }
            if let factor {
                i += 1
                guard let v = value.multiplied(by: factor) else { throw ExpressionError(start, i, "number out of range") }
                value = v
            } else if s == "y" || s == "m" || s == "d", !(i + 1 < scalars.count && isNameChar(scalars[i + 1])) {
                guard !seenDot, units <= 10_000 else {
                    throw ExpressionError(start, i + 1, "a duration is a whole number of years, months or days")
                }
                i += 1
                let n = Int(units)
                let d = s == "y" ? Duration(years: n) : s == "m" ? Duration(months: n) : Duration(days: n)
                return Token(kind: .duration(d), start: start, end: i)
            }
        }
        if i < scalars.count, isNameChar(scalars[i]) {
            throw ExpressionError(start, i + 1, "malformed number: a name cannot start with a digit")
        }
        return Token(kind: .number(value), start: start, end: i)
    }

    private mutating func string() throws(ExpressionError) -> Token {
        let start = i
        i += 1
        var out = String.UnicodeScalarView()
        while i < scalars.count, scalars[i] != "'" { out.append(scalars[i]); i += 1 }
        guard i < scalars.count else { throw ExpressionError(start, i, "unterminated string: expected a closing '") }
        i += 1
        return Token(kind: .string(String(out)), start: start, end: i)
    }

    private mutating func date() throws(ExpressionError) -> Token {
        let start = i
        i += 1
        var out = String.UnicodeScalarView()
        while i < scalars.count, isDigit(scalars[i]) || scalars[i] == "-" { out.append(scalars[i]); i += 1 }
        guard let d = Day(iso: String(out)) else {
            throw ExpressionError(start, i, "malformed date '@\(String(out))': expected @YYYY-MM-DD, a real calendar date")
        }
        return Token(kind: .date(d), start: start, end: i)
    }
}

/// A problem inside one expression: the span (scalar offsets) and the message.
public struct ExpressionError: Error, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int
    public var message: String
    init(_ start: Int, _ end: Int, _ message: String) { self.start = start; self.end = end; self.message = message }
    public var description: String { "column \(start + 1): \(message)" }
}
