/// Parses and compiles one expression from a policy file into a `Formula`.
enum FormulaCompiler {
    /// `location` is the file, line and column of the JSON string holding the text.
    static func compile(_ text: String, env: CompileEnv, location: (String, Int, Int)) -> Result<(Formula, References), ExpressionError> {
        do {
            let expr = try Parser.parse(text)
            var c = Compiler(env: env)
            let (code, type) = try c.compile(expr)
            let f = Formula(text: text, code: code, type: type, location: "\(location.0):\(location.1):\(location.2)",
                            fields: c.refs.fields.sorted(), lets: c.refs.lets.sorted(), expr: expr)
            return .success((f, c.refs))
        } catch {
            return .failure(error)
        }
    }

    /// Whether an expression's type can stand where `want` is expected (literals adapt; counts and plain
    /// numbers mix).
    static func fits(_ got: VType, _ want: VType) -> Bool {
        if got == want { return true }
        if case .number(let a) = got, case .number(let b) = want { return Compiler.unify(a, b) != nil }
        return false
    }
}
