/// Recursive-descent parser for the expression language. Nesting is bounded so a pathological input gives
/// an error instead of overflowing the stack.
struct Parser {
    static let maxDepth = 100
    static let maxTokens = 400

    private var tokens: [Token]
    private var p = 0
    private var depth = 0

    /// Parses a whole expression; anything left over is an error.
    static func parse(_ text: String) throws(ExpressionError) -> Expr {
        let tokens = try Lexer.tokenize(text)
        // A long flat chain (a + a + … + a) parses without recursion but builds a deep tree; bound its size too.
        if tokens.count > maxTokens, let t = tokens.dropFirst(maxTokens).first {
            throw ExpressionError(t.start, t.end, "expression longer than \(maxTokens) tokens")
        }
        var parser = Parser(tokens: tokens)
        let e = try parser.expression()
        let t = parser.peek
        if t.kind != .end { throw ExpressionError(t.start, t.end, "unexpected \(describe(t)) after the end of the expression") }
        return e
    }

    private init(tokens: [Token]) { self.tokens = tokens }

    private var peek: Token { tokens[p] }

    private static func describe(_ t: Token) -> String {
        switch t.kind {
        case .number: return "number"
        case .duration: return "duration"
        case .string(let s): return "string '\(s)'"
        case .date: return "date"
        case .name(let n): return "'\(n)'"
        case .symbol(let s): return "'\(s)'"
        case .end: return "end of expression"
        }
    }

    private mutating func advance() -> Token { let t = tokens[p]; if p < tokens.count - 1 { p += 1 }; return t }

    private func isSymbol(_ s: String) -> Bool { if case .symbol(s) = peek.kind { return true }; return false }
    private func isKeyword(_ k: String) -> Bool { if case .name(k) = peek.kind { return true }; return false }

    private mutating func expect(_ s: String, _ what: String) throws(ExpressionError) -> Token {
        guard isSymbol(s) else { throw ExpressionError(peek.start, peek.end, "expected \(what), found \(Parser.describe(peek))") }
        return advance()
    }

    private mutating func enter() throws(ExpressionError) {
        depth += 1
        if depth > Parser.maxDepth {
            throw ExpressionError(peek.start, peek.end, "expression nested more than \(Parser.maxDepth) levels deep")
        }
    }

    mutating func expression() throws(ExpressionError) -> Expr {
        try enter(); defer { depth -= 1 }
        if isKeyword("if") {
            let s = advance().start
            let c = try expression()
            guard isKeyword("then") else { throw ExpressionError(peek.start, peek.end, "expected 'then' after the condition of 'if'") }
            _ = advance()
            let a = try expression()
            guard isKeyword("else") else { throw ExpressionError(peek.start, peek.end, "expected 'else': every 'if' needs both branches") }
            _ = advance()
            let b = try expression()
            return Expr(kind: .ifThen(c, a, b), start: s, end: b.end)
        }
        return try orExpr()
    }

    private mutating func orExpr() throws(ExpressionError) -> Expr {
        var l = try andExpr()
        while isKeyword("or") {
            _ = advance()
            let r = try andExpr()
            l = Expr(kind: .binary("or", l, r), start: l.start, end: r.end)
        }
        return l
    }

    private mutating func andExpr() throws(ExpressionError) -> Expr {
        var l = try notExpr()
        while isKeyword("and") {
            _ = advance()
            let r = try notExpr()
            l = Expr(kind: .binary("and", l, r), start: l.start, end: r.end)
        }
        return l
    }

    private mutating func notExpr() throws(ExpressionError) -> Expr {
        if isKeyword("not") {
            try enter(); defer { depth -= 1 }
            let s = advance().start
            let e = try notExpr()
            return Expr(kind: .unary("not", e), start: s, end: e.end)
        }
        return try comparison()
    }

    private mutating func comparison() throws(ExpressionError) -> Expr {
        let l = try additive()
        if case .symbol(let s) = peek.kind, ["<", "<=", ">", ">=", "==", "!="].contains(s) {
            _ = advance()
            let r = try additive()
            if case .symbol(let s2) = peek.kind, ["<", "<=", ">", ">=", "==", "!="].contains(s2) {
                throw ExpressionError(peek.start, peek.end, "comparisons do not chain: write 'a < b and b < c'")
            }
            return Expr(kind: .binary(s, l, r), start: l.start, end: r.end)
        }
        if isKeyword("in") {
            _ = advance()
            let r = try additive()
            return Expr(kind: .membership(l, r), start: l.start, end: r.end)
        }
        return l
    }

    private mutating func additive() throws(ExpressionError) -> Expr {
        var l = try multiplicative()
        while case .symbol(let s) = peek.kind, s == "+" || s == "-" {
            _ = advance()
            let r = try multiplicative()
            l = Expr(kind: .binary(s, l, r), start: l.start, end: r.end)
        }
        return l
    }

    private mutating func multiplicative() throws(ExpressionError) -> Expr {
        var l = try unary()
        while case .symbol(let s) = peek.kind, s == "*" || s == "/" {
            _ = advance()
            let r = try unary()
            l = Expr(kind: .binary(s, l, r), start: l.start, end: r.end)
        }
        return l
    }

    private mutating func unary() throws(ExpressionError) -> Expr {
        if isSymbol("-") {
            try enter(); defer { depth -= 1 }
            let s = advance().start
            let e = try unary()
            return Expr(kind: .unary("-", e), start: s, end: e.end)
        }
        return try postfix()
    }

    private mutating func postfix() throws(ExpressionError) -> Expr {
        var e = try primary()
        while isSymbol(".") {
            _ = advance()
            guard case .name(let key) = peek.kind else {
                throw ExpressionError(peek.start, peek.end, "expected a key name after '.'")
            }
            let t = advance()
            e = Expr(kind: .member(e, key), start: e.start, end: t.end)
        }
        return e
    }

    private mutating func primary() throws(ExpressionError) -> Expr {
        let t = peek
        switch t.kind {
        case .number(let r): _ = advance(); return Expr(kind: .number(r), start: t.start, end: t.end)
        case .duration(let d): _ = advance(); return Expr(kind: .duration(d), start: t.start, end: t.end)
        case .string(let s): _ = advance(); return Expr(kind: .string(s), start: t.start, end: t.end)
        case .date(let d): _ = advance(); return Expr(kind: .date(d), start: t.start, end: t.end)
        case .name("if"):
            // `x + if c then a else b`: an if-expression as an operand.
            return try expression()
        case .name("not"):
            return try notExpr()
        case .name(let n):
            if ["and", "or", "then", "else", "in"].contains(n) {
                throw ExpressionError(t.start, t.end, "expected a value, found the keyword '\(n)'")
            }
            _ = advance()
            if n == "true" || n == "false" { return Expr(kind: .bool(n == "true"), start: t.start, end: t.end) }
            if isSymbol("(") {
                try enter(); defer { depth -= 1 }
                _ = advance()
                var args: [Expr] = []
                if !isSymbol(")") {
                    args.append(try expression())
                    while isSymbol(",") { _ = advance(); args.append(try expression()) }
                }
                let close = try expect(")", "',' or ')' in the call of \(n)")
                return Expr(kind: .call(n, args), start: t.start, end: close.end)
            }
            return Expr(kind: .name(n), start: t.start, end: t.end)
        case .symbol("("):
            try enter(); defer { depth -= 1 }
            _ = advance()
            let e = try expression()
            _ = try expect(")", "')'")
            return e
        case .symbol("["):
            try enter(); defer { depth -= 1 }
            _ = advance()
            var items: [Expr] = []
            if !isSymbol("]") {
                items.append(try expression())
                while isSymbol(",") { _ = advance(); items.append(try expression()) }
            }
            let close = try expect("]", "',' or ']'")
            return Expr(kind: .list(items), start: t.start, end: close.end)
        case .end:
            throw ExpressionError(t.start, t.end, "unexpected end of expression: expected a value")
        default:
            throw ExpressionError(t.start, t.end, "unexpected \(Parser.describe(t)): expected a value")
        }
    }
}
