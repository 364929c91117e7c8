/// What a compiled expression may refer to.
struct CompileEnv {
    let schema: Schema
    /// Parameter name → (slot, unit). Empty where parameters are not allowed (parameter values themselves).
    let params: [String: (Int, NumUnit)]
    /// `let` name → (slot, type), in scope for later lets, conditions and savings.
    var lets: [String: (Int, VType)] = [:]
    /// Inside an aggregate: the list field's slot and its item spec.
    var item: (field: Int, spec: FieldSpec)? = nil
    /// `share`, `period_start` and `period_end` need a rule's piece of the year.
    var allowPeriod = true
    /// Profile fields may be read (false for parameter values).
    var allowFields = true
}

/// The names an expression reads: used to cut the year where a parameter changes, to show actual values
/// in explanations, and to find the facts that decide a rule.
struct References {
    var fields = Set<Int>()
    var params = Set<Int>()
    var lets = Set<Int>()
}

/// Type-checks an expression and resolves its names to slots.
struct Compiler {
    var env: CompileEnv
    var refs = References()

    static func fieldType(_ spec: FieldSpec, slot: Int) -> VType {
        switch spec.kind {
        case .int: return .number(.count)
        case .money: return .number(.money)
        case .rate: return .number(.rate)
        case .bool: return .bool
        case .string, .enumeration: return .string
        case .date: return .date
        case .list: return .list(slot)
        case .record: return .record(slot)
        }
    }

    static func itemKeyType(_ spec: FieldSpec) -> VType {
        fieldType(spec, slot: -1)
    }

    private func fail(_ e: Expr, _ message: String) -> ExpressionError { ExpressionError(e.start, e.end, message) }

    private var candidateNames: [String] {
        var names = env.schema.fields.map(\.name) + Array(env.params.keys) + Array(env.lets.keys)
        if let item = env.item { names += item.spec.kind == .record ? item.spec.keys.map(\.name) : ["it"] }
        if env.allowPeriod { names += ["period_start", "period_end"] }
        return names
    }

    static func unify(_ a: NumUnit, _ b: NumUnit) -> NumUnit? {
        if a == .literal { return b }
        if b == .literal || a == b { return a }
        let soft: Set<NumUnit> = [.count, .plain]
        if soft.contains(a) && soft.contains(b) { return .plain }
        return nil
    }

    mutating func compile(_ e: Expr) throws(ExpressionError) -> (Code, VType) {
        switch e.kind {
        case .number(let r): return (.constant(.number(r)), .number(.literal))
        case .duration(let d): return (.constant(Value(.duration(d))), .duration)
        case .string(let s): return (.constant(Value(.string(s))), .string)
        case .date(let d): return (.constant(Value(.date(d))), .date)
        case .bool(let b): return (.constant(.bool(b)), .bool)
        case .list: throw fail(e, "a list of constants can only follow 'in'")
        case .name(let n): return try name(n, e)
        case .member(let base, let key): return try member(base, key, e)
        case .unary(let op, let x):
            let (c, t) = try compile(x)
            if op == "not" {
                guard t == .bool else { throw fail(x, "'not' needs a boolean, got \(t)") }
                return (.not(c), .bool)
            }
            guard case .number = t else { throw fail(x, "'-' needs a number, got \(t)") }
            if case .constant(let v) = c, let p = v.interval.point, let n = p.negated() { return (.constant(.number(n)), t) }
            return (.negate(c), t)
        case .binary(let op, let l, let r): return try binary(op, l, r, e)
        case .ifThen(let c, let a, let b):
            let (cc, ct) = try compile(c)
            guard ct == .bool else { throw fail(c, "the condition of 'if' must be a boolean, got \(ct)") }
            let (ac, at) = try compile(a)
            let (bc, bt) = try compile(b)
            let t: VType
            if case .number(let ua) = at, case .number(let ub) = bt {
                guard let u = Compiler.unify(ua, ub) else { throw fail(e, "the branches of 'if' have different units: \(at) and \(bt)") }
                t = .number(u)
            } else {
                guard at == bt else { throw fail(e, "the branches of 'if' have different types: \(at) and \(bt)") }
                t = at
            }
            return (.choose(cc, ac, bc), t)
        case .membership(let x, let list):
            let (xc, xt) = try compile(x)
            guard xt == .string else { throw fail(x, "'in' tests a string (such as a grade or a role), got \(xt)") }
            guard case .list(let items) = list.kind else { throw fail(list, "'in' needs a list of constants such as ['A', 'B']") }
            var strings: [String] = []
            for it in items {
                guard case .string(let s) = it.kind else { throw fail(it, "the list after 'in' must hold strings in single quotes") }
                strings.append(s)
            }
            return (.member(xc, strings), .bool)
        case .call(let f, let args): return try call(f, args, e)
        }
    }

    private mutating func name(_ n: String, _ e: Expr) throws(ExpressionError) -> (Code, VType) {
        if let item = env.item {
            if item.spec.kind == .record, let k = item.spec.keyIndex(n) {
                return (.itemKey(k), Compiler.itemKeyType(item.spec.keys[k]))
            }
            if item.spec.kind != .record, n == "it" { return (.item, Compiler.itemKeyType(item.spec)) }
        }
        if let (slot, t) = env.lets[n] { refs.lets.insert(slot); return (.local(slot), t) }
        if env.allowFields, let slot = env.schema.fieldIndex(n) {
            refs.fields.insert(slot)
            return (.field(slot), Compiler.fieldType(env.schema.fields[slot], slot: slot))
        }
        if let (slot, unit) = env.params[n] { refs.params.insert(slot); return (.param(slot), .number(unit)) }
        if env.allowPeriod && n == "period_start" { return (.periodStart, .date) }
        if env.allowPeriod && n == "period_end" { return (.periodEnd, .date) }
        if n == "it" { throw fail(e, "'it' is the item of a plain list, only inside sum/count/any/all over such a list") }
        if !env.allowFields, env.schema.fieldIndex(n) != nil {
            throw fail(e, "'\(n)' is a profile field; a parameter value must be a constant")
        }
        throw fail(e, "unknown name '\(n)'" + Suggest.hint(n, in: candidateNames))
    }

    private mutating func member(_ base: Expr, _ key: String, _ e: Expr) throws(ExpressionError) -> (Code, VType) {
        guard case .name(let n) = base.kind, env.allowFields, let slot = env.schema.fieldIndex(n) else {
            throw fail(base, "'.\(key)' needs a record field of the profile before it")
        }
        let spec = env.schema.fields[slot]
        guard spec.kind == .record else { throw fail(base, "'\(n)' is not a record: it has no key '\(key)'") }
        guard let k = spec.keyIndex(key) else {
            throw fail(e, "'\(n)' has no key '\(key)'" + Suggest.hint(key, in: spec.keys.map(\.name)))
        }
        refs.fields.insert(slot)
        return (.recordKey(field: slot, key: k), Compiler.itemKeyType(spec.keys[k]))
    }

    private mutating func binary(_ op: String, _ l: Expr, _ r: Expr, _ e: Expr) throws(ExpressionError) -> (Code, VType) {
        let (lc, lt) = try compile(l)
        let (rc, rt) = try compile(r)
        switch op {
        case "and", "or":
            guard lt == .bool else { throw fail(l, "'\(op)' needs booleans, got \(lt)") }
            guard rt == .bool else { throw fail(r, "'\(op)' needs booleans, got \(rt)") }
            return (op == "and" ? .and(lc, rc) : .or(lc, rc), .bool)
        case "<", "<=", ">", ">=", "==", "!=":
            let cmp = CmpOp(rawValue: op) ?? .eq
            switch (lt, rt) {
            case (.number(let a), .number(let b)):
                guard Compiler.unify(a, b) != nil else { throw fail(e, "cannot compare \(lt) with \(rt)") }
            case (.date, .date): break
            case (.string, .string), (.bool, .bool):
                guard cmp == .eq || cmp == .ne else { throw fail(e, "'\(op)' does not order \(lt)s: use == or !=") }
            default:
                throw fail(e, "cannot compare \(lt) with \(rt)")
            }
            return (.compare(cmp, lc, rc), .bool)
        case "+", "-":
            if lt == .date, rt == .duration {
                guard case .constant(let v) = rc, case .duration(let d) = v.kind else {
                    throw fail(r, "the duration added to a date must be a constant such as 2y")
                }
                return (.dateAdd(lc, op == "+" ? d : d.negated), .date)
            }
            guard case .number(let a) = lt, case .number(let b) = rt else {
                throw fail(e, "cannot \(op == "+" ? "add" : "subtract") \(rt) \(op == "+" ? "to" : "from") \(lt)")
            }
            guard let u = Compiler.unify(a, b) else { throw fail(e, "cannot \(op == "+" ? "add" : "subtract") \(rt) \(op == "+" ? "to" : "from") \(lt)") }
            if let folded = Compiler.fold(op, lc, rc) { return (folded, .number(u)) }
            return (op == "+" ? .add(lc, rc) : .sub(lc, rc), .number(u))
        case "*", "/":
            guard case .number(let a) = lt, case .number(let b) = rt else {
                throw fail(e, "cannot \(op == "*" ? "multiply" : "divide") \(lt) by \(rt)")
            }
            let u: NumUnit
            if op == "*" {
                if a == .money && b == .money { throw fail(e, "cannot multiply money by money") }
                u = a == .literal ? b : b == .literal ? a : (a == .money || b == .money) ? .money : (a == .rate && b == .rate) ? .rate : .plain
            } else {
                if b == .money && a != .money && a != .literal { throw fail(e, "cannot divide \(lt) by money") }
                u = b == .literal ? a : (a == .money && b == .money) ? .plain : a == .money ? .money : a == .literal && b == .money ? .plain : .plain
            }
            if let folded = Compiler.fold(op, lc, rc) { return (folded, .number(u)) }
            if op == "*" { return (.mul(lc, rc), .number(u)) }
            var denominator = "the divisor"
            if case .name(let n) = r.kind { denominator = n }
            if case .member(let b2, let k) = r.kind, case .name(let n) = b2.kind { denominator = n + "." + k }
            return (.div(lc, rc, denominator: denominator), .number(u))
        default:
            throw fail(e, "unknown operator '\(op)'")
        }
    }

    /// Folds arithmetic on two constants.
    static func fold(_ op: String, _ a: Code, _ b: Code) -> Code? {
        guard case .constant(let x) = a, case .constant(let y) = b,
              let p = x.interval.point, let q = y.interval.point else { return nil }
        let r: Rational?
        switch op {
        case "+": r = p.adding(q)
        case "-": r = p.subtracting(q)
        case "*": r = p.multiplied(by: q)
        default: r = p.divided(by: q)
        }
        return r.map { .constant(.number($0)) }
    }

    private mutating func call(_ f: String, _ args: [Expr], _ e: Expr) throws(ExpressionError) -> (Code, VType) {
        switch f {
        case "min", "max":
            guard args.count >= 2 else { throw fail(e, "\(f) needs at least two arguments") }
            var codes: [Code] = []
            var unit = NumUnit.literal
            for a in args {
                let (c, t) = try compile(a)
                guard case .number(let u) = t else { throw fail(a, "\(f) takes numbers, got \(t)") }
                guard let uu = Compiler.unify(unit, u) else { throw fail(a, "\(f) mixes units: \(unit.rawValue) and \(u.rawValue)") }
                unit = uu
                codes.append(c)
            }
            return (f == "min" ? .minimum(codes) : .maximum(codes), .number(unit))
        case "section":
            guard args.count == 1 else { throw fail(e, "section takes one argument: an industry code") }
            let (c, t) = try compile(args[0])
            guard t == .string else { throw fail(args[0], "section needs a string, got \(t)") }
            return (.section(c), .string)
        case "starts_with":
            guard args.count == 2 else { throw fail(e, "starts_with takes two arguments: a string and a prefix") }
            let (c, t) = try compile(args[0])
            guard t == .string else { throw fail(args[0], "starts_with needs a string, got \(t)") }
            guard case .string(let p) = args[1].kind else { throw fail(args[1], "the prefix must be a constant string such as '33'") }
            return (.startsWith(c, p), .bool)
        case "share":
            guard env.allowPeriod else { throw fail(e, "share needs a rule's period; it is not available here") }
            guard args.count == 2 else { throw fail(e, "share takes two dates: share(from, until)") }
            let (a, at) = try compile(args[0])
            let (b, bt) = try compile(args[1])
            guard at == .date else { throw fail(args[0], "share needs dates, got \(at)") }
            guard bt == .date else { throw fail(args[1], "share needs dates, got \(bt)") }
            return (.share(a, b), .number(.rate))
        case "sum", "count", "any", "all":
            let kind = AggKind(rawValue: f) ?? .sum
            let arity = kind == .sum ? [2, 3] : kind == .count ? [1, 2] : [2]
            guard arity.contains(args.count) else {
                throw fail(e, kind == .sum ? "sum takes (list, value) or (list, filter, value)" : "\(f) takes (list\(kind == .count ? "" : ", filter"))")
            }
            guard case .name(let n) = args[0].kind, env.allowFields, let slot = env.schema.fieldIndex(n),
                  env.schema.fields[slot].kind == .list, let itemSpec = env.schema.fields[slot].item else {
                throw fail(args[0], "the first argument of \(f) must be a list field of the profile")
            }
            guard env.item == nil else { throw fail(e, "aggregates cannot be nested") }
            refs.fields.insert(slot)
            let saved = env
            env.item = (slot, itemSpec)
            defer { env = saved }
            var filter: Code?
            var value: Code?
            let hasFilter = (kind == .sum && args.count == 3) || (kind != .sum && args.count == 2)
            if hasFilter {
                let (c, t) = try compile(args[1])
                guard t == .bool else { throw fail(args[1], "the filter of \(f) must be a boolean, got \(t)") }
                filter = c
            }
            if kind == .sum {
                let v = args[args.count - 1]
                let (c, t) = try compile(v)
                guard case .number(let u) = t else { throw fail(v, "sum adds numbers, got \(t)") }
                value = c
                return (.aggregate(kind, field: slot, filter: filter, value: value), .number(u))
            }
            return (.aggregate(kind, field: slot, filter: filter, value: nil), kind == .count ? .number(.count) : .bool)
        default:
            let known = ["min", "max", "section", "starts_with", "share", "sum", "count", "any", "all"]
            throw fail(e, "unknown function '\(f)'" + Suggest.hint(f, in: known))
        }
    }
}
