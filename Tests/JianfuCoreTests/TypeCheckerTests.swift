import Testing
@testable import JianfuCore

/// Name → (slot, unit) of the catalog's parameters, as the loader builds it.
private let parameterEnv: [String: (Int, NumUnit)] = {
    var env: [String: (Int, NumUnit)] = [:]
    for (i, p) in Fixture.policy.parameters.enumerated() { env[p.name] = (i, p.unit) }
    return env
}()

private func compile(_ text: String, fields: Bool = true, period: Bool = true) -> Result<(Formula, References), ExpressionError> {
    let env = CompileEnv(schema: Fixture.policy.schema, params: fields ? parameterEnv : [:], allowPeriod: period, allowFields: fields)
    return FormulaCompiler.compile(text, env: env, location: ("t", 1, 1))
}

private func type(_ text: String) throws -> VType {
    try compile(text).get().0.type
}

private func slot(_ field: String) -> Int { Fixture.policy.schema.fieldIndex(field) ?? -1 }

@Suite("Type checker")
struct TypeCheckerTests {
    @Test("well-typed expressions and their types", arguments: [
        ("registered_on + 2y", VType.date),
        ("registered_on - 6m", .date),
        ("standard_factory_lease.start_on + 3y", .date),
        ("period_start", .date),
        ("sum(turnover_loans, days <= 15, amount * days)", .number(.money)),
        ("sum(monthly_wages, it)", .number(.money)),
        ("any(monthly_wages, it > 100)", .bool),
        ("all(association_fees, role in ['president', 'vice_president'])", .bool),
        ("count(turnover_loans)", .number(.count)),
        ("count(guarantees, state_owned and annual_rate > 1.5%)", .number(.count)),
        ("30% * land_use_tax", .number(.money)),
        ("land_use_tax * 30%", .number(.money)),
        ("new_enterprise_land_tax_relief * land_use_tax", .number(.money)),
        ("annual_payroll / employees", .number(.money)),
        ("tax_per_mu / industry_tax_per_mu", .number(.plain)),
        ("income_tax_rate * income_tax_rate", .number(.rate)),
        ("employees + 1", .number(.count)),
        ("employees * disabled_employment_ratio - disabled_employees", .number(.plain)),
        ("-land_use_tax", .number(.money)),
        ("min(land_use_tax, 50% * tech_upgrade_investment)", .number(.money)),
        ("max(0, taxable_income)", .number(.money)),
        ("if is_tech_sme then land_use_tax else 0", .number(.money)),
        ("if employees <= 30 then 1 else 2", .number(.literal)),
        ("section(industry_code) == 'C'", .bool),
        ("section(industry_code) in ['B', 'C', 'D']", .bool),
        ("starts_with(region_code, '3308')", .bool),
        ("evaluation_grade in ['A', 'B']", .bool),
        ("registered_on < @2017-08-14", .bool),
        ("share(registered_on, registered_on + 2y)", .number(.rate)),
        ("is_tech_sme == false", .bool),
    ])
    func wellTyped(_ text: String, _ expected: VType) throws {
        #expect(try type(text) == expected)
    }

    /// Each row marks with 1️⃣ where the error must point (the start of the offending subexpression).
    @Test("type errors point at the offending subexpression", arguments: [
        ("unknown field", "1️⃣employes > 10", "unknown name 'employes' (did you mean `employees`?)"),
        ("unknown field after Chinese", "evaluation_grade != '甲级' and 1️⃣employes > 10", "(did you mean `employees`?)"),
        ("unknown parameter", "land_use_tax * 1️⃣financing_rat", "(did you mean `financing_rate`?)"),
        ("date plus money", "employees > 0 and 1️⃣registered_on + land_use_tax > @2017-01-01", "cannot add money to date"),
        ("date compared with money", "1️⃣registered_on > land_use_tax", "cannot compare date with money"),
        ("rate compared with string", "1️⃣income_tax_rate == 'high'", "cannot compare rate with string"),
        ("money plus rate", "1️⃣land_use_tax + income_tax_rate", "cannot add rate to money"),
        ("count plus rate", "1️⃣employees + income_tax_rate", "cannot add rate to count"),
        ("money times money", "1️⃣land_use_tax * tax_per_mu", "cannot multiply money by money"),
        ("rate divided by money", "1️⃣income_tax_rate / land_use_tax", "cannot divide rate by money"),
        ("in with a number", "1️⃣employees in ['A']", "'in' tests a string"),
        ("in without a list", "evaluation_grade in 1️⃣'A'", "needs a list of constants"),
        ("in with a number item", "evaluation_grade in ['A', 1️⃣1]", "must hold strings"),
        ("list outside in", "1️⃣['A'] == x", "can only follow 'in'"),
        ("non-boolean if", "if 1️⃣employees then 1 else 2", "the condition of 'if' must be a boolean, got count"),
        ("if branches of different units", "1️⃣if is_tech_sme then land_use_tax else income_tax_rate", "different units: money and rate"),
        ("if branches of different types", "1️⃣if is_tech_sme then registered_on else 0", "different types"),
        ("and on a number", "1️⃣employees and is_tech_sme", "'and' needs booleans, got count"),
        ("or on a date", "is_tech_sme or 1️⃣registered_on", "'or' needs booleans, got date"),
        ("not on a number", "not 1️⃣employees", "'not' needs a boolean"),
        ("minus on a date", "-1️⃣registered_on", "'-' needs a number, got date"),
        ("ordering strings", "1️⃣evaluation_grade < 'B'", "does not order strings"),
        ("aggregate over a number", "sum(1️⃣land_use_tax, 1)", "must be a list field"),
        ("aggregate over a record", "count(1️⃣standard_factory_lease)", "must be a list field"),
        ("nested aggregate", "sum(turnover_loans, 1️⃣sum(guarantees, amount))", "cannot be nested"),
        ("nested aggregate in a filter", "any(turnover_loans, 1️⃣count(guarantees) > 0)", "cannot be nested"),
        ("non-boolean filter", "count(turnover_loans, 1️⃣days)", "the filter of count must be a boolean, got count"),
        ("sum of booleans", "sum(guarantees, 1️⃣state_owned)", "sum adds numbers, got boolean"),
        ("unknown item key", "sum(turnover_loans, amount * 1️⃣dayz)", "(did you mean `days`?)"),
        ("item key outside its aggregate", "1️⃣days > 5", "unknown name 'days'"),
        ("it outside an aggregate", "1️⃣it > 100", "'it' is the item of a plain list"),
        ("unknown function", "1️⃣mx(land_use_tax, 1)", "unknown function 'mx' (did you mean `max`?)"),
        ("misspelt section", "1️⃣sectoin(industry_code) == 'C'", "(did you mean `section`?)"),
        ("min of one", "1️⃣min(land_use_tax)", "at least two arguments"),
        ("min mixing units", "min(land_use_tax, 1️⃣income_tax_rate)", "min mixes units: money and rate"),
        ("unknown record key", "1️⃣standard_factory_lease.strat_on", "has no key 'strat_on' (did you mean `start_on`?)"),
        ("key of a non-record", "1️⃣land_use_tax.amount", "is not a record"),
        ("non-constant duration", "registered_on + (1️⃣if is_tech_sme then 2y else 3y)", "must be a constant"),
        ("starts_with a field", "starts_with(region_code, 1️⃣industry_code)", "constant string"),
    ])
    func typeErrors(_ why: String, _ marked: String, _ message: String) {
        let m = MarkedText(marked)
        switch compile(m.text) {
        case .success(let (f, _)): Issue.record("\(why): \(m.text) compiled to a \(f.type)")
        case .failure(let e):
            #expect(e.start == m.offset, "\(why): \(e)")
            #expect(e.description.hasPrefix("column \(m.column): "), "\(why): \(e)")
            #expect(e.message.contains(message), "\(why): \(e)")
        }
    }

    @Test func parameterValuesCannotReadProfileFields() {
        guard case .failure(let e) = compile("employees * 2", fields: false) else { Issue.record("compiled"); return }
        #expect(e.message.contains("is a profile field"))
        #expect(e.start == 0)
    }

    @Test func periodFunctionsNeedARulePeriod() {
        guard case .failure(let e) = compile("share(registered_on, registered_on + 1y)", period: false) else {
            Issue.record("compiled"); return
        }
        #expect(e.message.contains("needs a rule's period"))
        guard case .failure(let p) = compile("period_start", period: false) else { Issue.record("compiled"); return }
        #expect(p.message.contains("unknown name"))
    }

    @Test("constants fold exactly at load time", arguments: [
        ("2 * 3", Rational(6)),
        ("56068 / 12", Rational(14017, 3)!),
        ("-5", Rational(-5)),
        ("1 / 3 + 1 / 6", Rational(1, 2)!),
        ("300% * 3", Rational(9)),
    ])
    func constantFolding(_ text: String, _ expected: Rational) throws {
        let f = try compile(text).get().0
        guard case .constant(let v) = f.code else { Issue.record("\(text) was not folded"); return }
        #expect(v.interval.point == expected)
    }

    @Test func referencesNameFieldsAndParameters() throws {
        let (f, refs) = try compile("employees * disabled_employment_ratio - disabled_employees").get()
        #expect(f.fields == [slot("employees"), slot("disabled_employees")].sorted())
        #expect(refs.params == [parameterEnv["disabled_employment_ratio"]?.0 ?? -1])
    }

    @Test func aggregateReferencesItsListField() throws {
        let (f, _) = try compile("any(monthly_wages, it > 100)").get()
        #expect(f.fields == [slot("monthly_wages")])
    }

    @Test func locationIsKeptOnTheFormula() throws {
        let env = CompileEnv(schema: Fixture.policy.schema, params: parameterEnv)
        let f = try FormulaCompiler.compile("land_use_tax", env: env, location: ("documents/x.json", 12, 18)).get().0
        #expect(f.location == "documents/x.json:12:18")
        #expect(f.text == "land_use_tax")
    }

    @Test func literalsAdaptToTheUnitTheyMeet() {
        #expect(FormulaCompiler.fits(.number(.literal), .number(.money)))
        #expect(FormulaCompiler.fits(.number(.count), .number(.plain)))
        #expect(!FormulaCompiler.fits(.number(.rate), .number(.money)))
        #expect(!FormulaCompiler.fits(.bool, .number(.money)))
    }
}
