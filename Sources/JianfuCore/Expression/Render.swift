/// Prints an expression back as text, optionally with names replaced by their values, so an explanation
/// can show the arithmetic: `30% × land_use_tax` → `30% × 120,000.00`.
enum Render {
    static func text(_ e: Expr, _ lookup: (String) -> String? = { _ in nil }) -> String {
        render(e, lookup, parentPrec: 0)
    }

    private static func prec(_ op: String) -> Int {
        switch op {
        case "or": return 2
        case "and": return 3
        case "<", "<=", ">", ">=", "==", "!=": return 5
        case "+", "-": return 6
        case "*", "/": return 7
        default: return 9
        }
    }

    private static func render(_ e: Expr, _ lookup: (String) -> String?, parentPrec: Int) -> String {
        switch e.kind {
        case .number(let r):
            // Rates read better as percentages.
            if !r.isInteger, r.magnitudeExceeds(1) == false, let p = r.multiplied(by: Rational(100)), p.isInteger || p.description.count <= 6 {
                return Rational.percentText(r)
            }
            return r.description
        case .duration(let d): return d.description
        case .string(let s): return "'\(s)'"
        case .date(let d): return "@\(d)"
        case .bool(let b): return b ? "true" : "false"
        case .name(let n): return lookup(n) ?? n
        case .member(let b, let k):
            if case .name(let n) = b.kind, let v = lookup(n + "." + k) { return v }
            return render(b, lookup, parentPrec: 10) + "." + k
        case .unary(let op, let x):
            return (op == "not" ? "not " : "-") + render(x, lookup, parentPrec: op == "not" ? 4 : 8)
        case .binary(let op, let l, let r):
            let p = prec(op)
            let shown = op == "*" ? "×" : op == "/" ? "÷" : op
            let s = render(l, lookup, parentPrec: p) + " \(shown) " + render(r, lookup, parentPrec: p + 1)
            return p < parentPrec ? "(\(s))" : s
        case .ifThen(let c, let a, let b):
            let s = "if \(render(c, lookup, parentPrec: 0)) then \(render(a, lookup, parentPrec: 0)) else \(render(b, lookup, parentPrec: 0))"
            return parentPrec > 0 ? "(\(s))" : s
        case .call(let f, let args):
            // Aggregates keep their names: the item keys inside have no single value.
            if ["sum", "count", "any", "all"].contains(f) { return f + "(" + args.map { render($0, { _ in nil }, parentPrec: 0) }.joined(separator: ", ") + ")" }
            return f + "(" + args.map { render($0, lookup, parentPrec: 0) }.joined(separator: ", ") + ")"
        case .list(let items): return "[" + items.map { render($0, lookup, parentPrec: 0) }.joined(separator: ", ") + "]"
        case .membership(let x, let l): return render(x, lookup, parentPrec: 5) + " in " + render(l, lookup, parentPrec: 5)
        }
    }
}
