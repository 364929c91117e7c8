import Testing
@testable import JianfuCore

/// The tree as a fully parenthesised prefix form, so a test states the grouping the parser chose.
private func shape(_ e: Expr) -> String {
    switch e.kind {
    case .number(let r): return r.description
    case .duration(let d): return d.description
    case .string(let s): return "'\(s)'"
    case .date(let d): return "@\(d)"
    case .bool(let b): return b ? "true" : "false"
    case .name(let n): return n
    case .member(let b, let k): return "(. \(shape(b)) \(k))"
    case .unary(let op, let x): return "(\(op) \(shape(x)))"
    case .binary(let op, let l, let r): return "(\(op) \(shape(l)) \(shape(r)))"
    case .ifThen(let c, let a, let b): return "(if \(shape(c)) \(shape(a)) \(shape(b)))"
    case .call(let f, let args): return "(" + ([f] + args.map(shape)).joined(separator: " ") + ")"
    case .list(let items): return "[" + items.map(shape).joined(separator: " ") + "]"
    case .membership(let x, let l): return "(in \(shape(x)) \(shape(l)))"
    }
}

private func parseError(_ text: String) -> ExpressionError? {
    do {
        _ = try Parser.parse(text)
        return nil
    } catch {
        return error
    }
}

@Suite("Expression parser")
struct ExpressionParserTests {
    // README, "Precedence, loosest first: if … then … else, or, and, not, comparisons and in, + -, * /,
    // unary -, .key and calls."
    @Test("precedence and associativity", arguments: [
        ("a + b * c", "(+ a (* b c))"),
        ("a * b + c", "(+ (* a b) c)"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b / c", "(/ (/ a b) c)"),
        ("a - b + c", "(+ (- a b) c)"),
        ("not a and b", "(and (not a) b)"),
        ("not not a", "(not (not a))"),
        ("not a < b", "(not (< a b))"),
        ("a or b and c", "(or a (and b c))"),
        ("a and b or c", "(or (and a b) c)"),
        ("a or b or c", "(or (or a b) c)"),
        ("-a * b", "(* (- a) b)"),
        ("a - -b", "(- a (- b))"),
        ("-x.k", "(- (. x k))"),
        ("a + b < c * d", "(< (+ a b) (* c d))"),
        ("a + b in ['x'] and c", "(and (in (+ a b) ['x']) c)"),
        ("if a then b else c + d", "(if a b (+ c d))"),
        ("if a then b else c or d", "(if a b (or c d))"),
        ("if a or b then c * d else e", "(if (or a b) (* c d) e)"),
        ("if a then if b then 1 else 2 else 3", "(if a (if b 1 2) 3)"),
        ("if a then 1 else if b then 2 else 3", "(if a 1 (if b 2 3))"),
        ("min(a, b + c) * 2", "(* (min a (+ b c)) 2)"),
        ("f()", "(f)"),
        ("lease.start_on + 2y", "(+ (. lease start_on) 2y)"),
        ("sum(loans, days <= 15, amount * days)", "(sum loans (<= days 15) (* amount days))"),
    ])
    func precedence(_ text: String, _ expected: String) throws {
        #expect(shape(try Parser.parse(text)) == expected)
    }

    @Test("number literals are exact", arguments: [
        ("12", Rational(12)),
        ("0.5", Rational(1, 2)!),
        ("6110.50", Rational(611_050, 100)!),
        ("30%", Rational(3, 10)!),
        ("0.016%", Rational(16, 100_000)!),
        ("1.6‰", Rational(16, 10_000)!),
        ("500万", Rational(5_000_000)),
        ("1.5万", Rational(15_000)),
        ("1亿", Rational(100_000_000)),
        ("123456789012345678901234567890", Rational(Int128(123_456_789_012_345_678_901_234_567_890))),
    ])
    func numbers(_ text: String, _ expected: Rational) throws {
        let e = try Parser.parse(text)
        guard case .number(let r) = e.kind else { Issue.record("\(text) is not a number: \(shape(e))"); return }
        #expect(r == expected)
        #expect(e.start == 0 && e.end == text.unicodeScalars.count)
    }

    @Test("durations, dates, strings and booleans", arguments: [
        ("2y", "2y"), ("6m", "6m"), ("10d", "10d"),
        ("@2017-08-14", "@2017-08-14"), ("@2016-02-29", "@2016-02-29"),
        ("'C'", "'C'"), ("'中文'", "'中文'"), ("''", "''"),
        ("true", "true"), ("false", "false"),
    ])
    func otherLiterals(_ text: String, _ expected: String) throws {
        #expect(shape(try Parser.parse(text)) == expected)
    }

    @Test func durationLiteralsKeepTheirUnit() throws {
        guard case .duration(let d) = try Parser.parse("2y").kind else { Issue.record("not a duration"); return }
        #expect(d == Duration(years: 2))
        guard case .duration(let m) = try Parser.parse("18m").kind else { Issue.record("not a duration"); return }
        #expect(m == Duration(months: 18))
    }

    /// Each row marks with 1️⃣ where the error must point; the column is the marker's, counted in characters.
    @Test("errors point at the offending token", arguments: [
        ("@2017-02-29 is not a date", "1️⃣@2017-02-29", "malformed date"),
        ("month 13", "registered_on < 1️⃣@2017-13-01", "malformed date"),
        ("short date", "1️⃣@17-1-1 > x", "malformed date"),
        ("= gives a hint", "employees 1️⃣= 10", "use '=='"),
        ("double quotes give a hint", "grade == 1️⃣\"A\"", "single quotes"),
        ("unterminated string", "grade == 1️⃣'A", "unterminated string"),
        ("unterminated after Chinese", "'衢州' == 1️⃣'市本级", "unterminated string"),
        ("chained comparison", "a < b 1️⃣< c", "do not chain"),
        ("chained equality", "a == b 1️⃣== c", "do not chain"),
        ("Chinese counts one column", "'衢州市' == x and 1️⃣# > 1", "unexpected character '#'"),
        ("Chinese outside a string", "1️⃣衢州 == x", "unexpected character '衢'"),
        ("missing operand", "employees > 1️⃣", "unexpected end of expression"),
        ("missing closing parenthesis", "(a + b 1️⃣", "expected ')'"),
        ("stray closing parenthesis", "a + 1️⃣)", "expected a value"),
        ("leftover token", "a 1️⃣b", "after the end of the expression"),
        ("keyword as operand", "1️⃣and b", "keyword 'and'"),
        ("missing then", "if a 1️⃣else b", "expected 'then'"),
        ("missing else", "if a then b 1️⃣", "expected 'else'"),
        ("call without comma", "min(a 1️⃣b)", "in the call of min"),
        ("key after dot", "lease.1️⃣'x'", "expected a key name after '.'"),
        ("fractional duration", "1️⃣2.5y", "whole number"),
        ("name starting with a digit", "1️⃣2years", "malformed number"),
        ("number too long", "1️⃣1234567890123456789012345678901", "number too long"),
    ])
    func errorPositions(_ why: String, _ marked: String, _ message: String) {
        let m = MarkedText(marked)
        guard let e = parseError(m.text) else { Issue.record("\(why): \(m.text) parsed"); return }
        #expect(e.start == m.offset, "\(why): \(e)")
        #expect(e.description.hasPrefix("column \(m.column): "), "\(why): \(e)")
        #expect(e.message.contains(message), "\(why): \(e)")
    }

    /// `if` and `not` in operand position (`x + if …`) must either parse as the operand they start, or be
    /// reported where they stand: not as a stray token further on, as if `if` were a name.
    @Test("if and not as operands", arguments: [
        ("land_use_tax * 1️⃣if is_tech_sme then 30% else 20%", "(* land_use_tax (if is_tech_sme 0.3 0.2))"),
        ("x + 1️⃣if a then 1 else 2", "(+ x (if a 1 2))"),
        ("1 + 1️⃣not a", "(+ 1 (not a))"),
    ])
    func keywordOperands(_ marked: String, _ tree: String) {
        let m = MarkedText(marked)
        do {
            #expect(shape(try Parser.parse(m.text)) == tree)
        } catch {
            #expect(error.start == m.offset, "\(m.text): \(error)")
        }
    }

    @Test func equalsSignHintNamesTheRightOperator() {
        let e = parseError("employees = 10")
        #expect(e?.message == "'=' is not an operator: use '==' to compare")
    }

    @Test("impossible calendar dates are rejected", arguments: ["@2017-02-29", "@2100-02-29", "@2017-04-31", "@2017-00-01", "@0000-01-01"])
    func impossibleDates(_ text: String) {
        #expect(parseError(text) != nil)
    }

    @Test func leapDayOfALeapYearIsADate() throws {
        guard case .date(let d) = try Parser.parse("@2016-02-29").kind else { Issue.record("not a date"); return }
        #expect(d == Day(year: 2016, month: 2, day: 29))
    }

    @Test func spansCoverTheWholeSubexpression() throws {
        // "if" starts at 0; the condition `a > 1` spans 3..<8; the whole ends with the else branch.
        let e = try Parser.parse("if a > 1 then b else c + 10")
        guard case .ifThen(let c, _, let b) = e.kind else { Issue.record("not an if"); return }
        #expect((e.start, e.end) == (0, 27))
        #expect((c.start, c.end) == (3, 8))
        #expect((b.start, b.end) == (21, 27))
    }

    @Test func tenThousandNestedParenthesesGiveAnError() {
        let text = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        #expect(parseError(text) != nil)
    }

    @Test func tenThousandNestedNotsGiveAnError() {
        #expect(parseError(String(repeating: "not ", count: 10_000) + "a") != nil)
        #expect(parseError(String(repeating: "- ", count: 10_000) + "1") != nil)
        #expect(parseError(String(repeating: "[", count: 10_000)) != nil)
    }

    @Test func deepNestingBelowTheTokenLimitGivesAnError() {
        // 150 levels: 301 tokens, under the token limit, so the depth limit must catch it.
        let text = String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150)
        let e = parseError(text)
        #expect(e?.message.contains("nested") == true)
        #expect(parseError(String(repeating: "not ", count: 150) + "a")?.message.contains("nested") == true)
    }

    @Test func moderateNestingParses() throws {
        let text = String(repeating: "(", count: 20) + "1 + 2" + String(repeating: ")", count: 20)
        #expect(shape(try Parser.parse(text)) == "(+ 1 2)")
    }

    @Test func tenThousandTermChainGivesAnError() {
        let text = Array(repeating: "1", count: 10_000).joined(separator: "+")
        let e = parseError(text)
        #expect(e != nil)
        #expect(e?.message.contains("longer than") == true)
    }

    @Test func longChainWithinLimitsParsesLeftAssociative() throws {
        // 100 terms = 199 tokens: the tree leans left, the last term is the right operand of the root.
        let text = (1...100).map(String.init).joined(separator: " + ")
        let e = try Parser.parse(text)
        guard case .binary("+", _, let r) = e.kind, case .number(let last) = r.kind else { Issue.record("bad tree"); return }
        #expect(last == Rational(100))
        var depth = 0
        var node = e
        while case .binary(_, let l, _) = node.kind { depth += 1; node = l }
        #expect(depth == 99)
    }

    @Test func whitespaceIncludingLineBreaksIsIgnored() throws {
        #expect(shape(try Parser.parse("  a\n+\tb\r\n* c ")) == "(+ a (* b c))")
    }

    @Test func membershipListsHoldExpressions() throws {
        #expect(shape(try Parser.parse("grade in ['A', 'B']")) == "(in grade ['A' 'B'])")
        #expect(shape(try Parser.parse("grade in []")) == "(in grade [])")
    }
}
