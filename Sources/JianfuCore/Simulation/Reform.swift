/// A reform scenario: parameter values changed from given dates, and rules switched off. Applying it yields a
/// new policy set; the baseline is never modified.
public struct Reform: Sendable {
    public var name: String
    public var parameters: [(name: String, values: [(from: Day, value: Rational)], sources: [String])]
    public var disabledRules: [String]
    /// SHA-256 of the reform file's canonical form, so partials of different reforms never merge.
    public var hash: String

    /// Reads a reform file:
    /// `{"kind": "reform", "name": …, "parameters": [{"name": …, "values": [{"from": …, "value": …, "source": …}]}], "disable_rules": [ids]}`;
    /// a value without a `source` is sourced to the reform itself.
    public static func load(path: String, policy: PolicySet) throws(Diagnostics) -> Reform {
        let root = try InputFile.json(path)
        var r = NodeReader(file: path)
        guard r.object(root, "reform", what: "the reform") != nil else { throw Diagnostics(r.diagnostics) }
        r.checkKeys(root, ["kind", "name", "parameters", "disable_rules", "note"], "reform")
        if root["kind"]?.stringValue != "reform" { r.error(root, "reform", "\"kind\": expected \"reform\"") }
        let name = r.string(root, "name", "reform") ?? path
        var params: [(String, [(Day, Rational, String)])] = []
        for (i, n) in (r.array(root, "parameters", "reform") ?? []).enumerated() {
            let ctx = "parameters[\(i)]"
            r.checkKeys(n, ["name", "values", "note"], ctx)
            guard let pname = r.string(n, "name", ctx) else { continue }
            guard let pi = policy.parameterIndex(pname) else {
                r.error(n, ctx, "unknown parameter \"\(pname)\"" + Suggest.hint(pname, in: policy.parameters.map(\.name)))
                continue
            }
            var values: [(Day, Rational, String)] = []
            for (j, v) in (r.array(n, "values", ctx, required: true) ?? []).enumerated() {
                let vctx = "\(ctx).values[\(j)]"
                r.checkKeys(v, ["from", "value", "source", "note"], vctx)
                let source = r.string(v, "source", vctx, required: false) ?? "reform “\(name)” (\(path))"
                guard let from = r.date(v, "from", vctx), let node = v["value"] else { continue }
                let text: String
                switch node.value {
                case .number(let t): text = t
                case .string(let s): text = s
                default: r.error(node, vctx, "expected a number or a constant expression such as \"0.3%\""); continue
                }
                let env = CompileEnv(schema: policy.schema, params: [:], allowPeriod: false, allowFields: false)
                guard case .success(let (f, _)) = FormulaCompiler.compile(text, env: env, location: (path, node.line, node.column)),
                      case .constant(let c) = f.code, let value = c.interval.point else {
                    r.error(node, vctx, "\"\(text)\": expected a constant number"); continue
                }
                if policy.parameters[pi].unit == .rate && (value < .zero || value > .one) {
                    r.error(node, vctx, "a rate must lie between 0 and 1, got \(value)"); continue
                }
                values.append((from, value, source))
            }
            params.append((pname, values.sorted { $0.0 < $1.0 }))
        }
        var disabled: [String] = []
        for id in r.strings(root, "disable_rules", "reform") {
            if policy.ruleIndex(id) == nil {
                r.error(root, "disable_rules", "unknown rule id \"\(id)\"" + Suggest.hint(id, in: policy.rules.map(\.id)))
            } else { disabled.append(id) }
        }
        if !r.diagnostics.isEmpty { throw Diagnostics(r.diagnostics) }
        return Reform(name: name, parameters: params.map { (name: $0.0, values: $0.1.map { (from: $0.0, value: $0.1) }, sources: $0.1.map(\.2)) },
                      disabledRules: disabled, hash: Canonical.hash([Array(Canonical.json(root).utf8)]))
    }

    /// The policy set with the reform's values: from the reform's first date on, its values replace the old ones.
    public func apply(to policy: PolicySet) -> PolicySet {
        var params = policy.parameters
        for (name, values, sources) in parameters {
            guard let i = policy.parameterIndex(name), let first = values.first?.from else { continue }
            let keep = params[i].values.prefix { $0.from < first }.count
            params[i].values = Array(params[i].values.prefix(keep)) + values
            params[i].sources = Array(params[i].sources.prefix(keep)) + sources
        }
        return policy.with(parameters: params)
    }
}
