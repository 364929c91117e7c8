import Testing
@testable import JianfuCore

private let reader = ProfileReader(schema: Fixture.policy.schema)

private func slot(_ field: String) -> Int { Fixture.policy.schema.fieldIndex(field) ?? -1 }

private func read(_ json: String) throws -> Result<Profile, Diagnostics> {
    reader.read(try JSONParser.parse(json), origin: "p.json")
}

/// The diagnostics of a profile that must be refused.
private func problems(_ json: String) throws -> [Diagnostic] {
    switch try read(json) {
    case .success: throw TestError("the profile was accepted: \(json)")
    case .failure(let d): return d.items
    }
}

@Suite("Profile reader")
struct ProfileReaderTests {
    @Test func acceptsAWellFormedProfile() throws {
        let p = try read("""
        {"year": 2017, "region_code": "330802", "industry_code": "C2614", "registered_on": "2017-03-01",
         "employees": 25, "land_use_tax": 100000.50, "income_tax_rate": 0.25, "is_tech_sme": true,
         "evaluation_grade": "A", "taxable_income": -12000, "monthly_wages": [18000, 21000.5],
         "turnover_loans": [{"amount": 1000000, "days": 5}],
         "standard_factory_lease": {"start_on": "2016-05-01", "annual_rent": 120000}, "name": null}
        """).get()
        #expect(p.values[slot("employees")] == .number(Rational(25)))
        #expect(p.values[slot("land_use_tax")] == .number(Rational(200_001, 2)!))
        #expect(p.values[slot("taxable_income")] == .number(Rational(-12_000)))
        #expect(p.values[slot("registered_on")] == .date(Day(year: 2017, month: 3, day: 1)!))
        #expect(p.values[slot("monthly_wages")] == .list([.number(Rational(18_000)), .number(Rational(42_001, 2)!)]))
        #expect(p.values[slot("turnover_loans")] == .list([.record([.number(Rational(1_000_000)), .number(Rational(5))])]))
        #expect(p.values[slot("standard_factory_lease")]
            == .record([.date(Day(year: 2016, month: 5, day: 1)!), .number(Rational(120_000)), nil]))
        #expect(p.values[slot("name")] == nil)  // null is missing
        #expect(p.values[slot("rd_expense")] == nil)
        #expect(p.origin == "p.json")
    }

    @Test func unknownFieldIsReportedWithASuggestionAtTheKey() throws {
        let d = try problems("{\"year\": 2017,\n \"employes\": 12}")
        #expect(d.count == 1)
        #expect(d.first?.location == "p.json:2:2")
        #expect(d.first?.message == "unknown field \"employes\" (did you mean `employees`?)")
    }

    @Test func wrongTypeInsideAListNamesTheJSONPath() throws {
        let d = try problems("""
        {"turnover_loans": [{"amount": 1, "days": 3}, {"amount": 2, "days": 4}, {"amount": 3, "days": "five"}]}
        """)
        #expect(d.count == 1)
        let text = d.first?.description ?? ""
        #expect(d.first?.context == "turnover_loans[2].days")
        #expect(text.contains("turnover_loans[2].days"))
        #expect(text.contains("expected an integer"))
        #expect(text.contains("\"five\""))
    }

    /// Each row marks with 1️⃣ the value that must be refused; the diagnostic names its line and column.
    @Test("values outside their domain are refused where they stand", arguments: [
        ("negative money", "{\"land_use_tax\": 1️⃣-5}", "land_use_tax", "≥ 0"),
        ("rate above one", "{\"income_tax_rate\": 1️⃣1.5}", "income_tax_rate", "a rate between 0 and 1"),
        ("negative rate", "{\"employer_si_rate\": 1️⃣-0.1}", "employer_si_rate", "a rate between 0 and 1"),
        ("impossible date", "{\"registered_on\": 1️⃣\"2017-02-30\"}", "registered_on", "a date YYYY-MM-DD"),
        ("date as a number", "{\"registered_on\": 1️⃣20170301}", "registered_on", "a date YYYY-MM-DD"),
        ("five-digit region", "{\"region_code\": 1️⃣\"33080\"}", "region_code", "six-digit GB/T 2260"),
        ("region with letters", "{\"region_code\": 1️⃣\"33080X\"}", "region_code", "six-digit GB/T 2260"),
        ("industry without section", "{\"industry_code\": 1️⃣\"2614\"}", "industry_code", "GB/T 4754"),
        ("industry with unknown section", "{\"industry_code\": 1️⃣\"Z2614\"}", "industry_code", "GB/T 4754"),
        ("industry too long", "{\"industry_code\": 1️⃣\"C26141\"}", "industry_code", "GB/T 4754"),
        ("days below minimum", "{\"turnover_loans\": [{\"amount\": 1, \"days\": 1️⃣0}]}", "turnover_loans[0].days", "≥ 1"),
        ("fractional count", "{\"employees\": 1️⃣12.5}", "employees", "an integer"),
        ("negative count", "{\"employees\": 1️⃣-1}", "employees", "an integer ≥ 0"),
        ("list given a number", "{\"turnover_loans\": 1️⃣5}", "turnover_loans", "expected a list"),
        ("list given an object", "{\"monthly_wages\": 1️⃣{\"a\": 1}}", "monthly_wages", "expected a list"),
        ("record given a list", "{\"standard_factory_lease\": 1️⃣[]}", "standard_factory_lease", "expected an object"),
        ("money given a string of words", "{\"rd_expense\": 1️⃣\"很多\"}", "rd_expense", "an amount in 元"),
        ("money given a boolean", "{\"rd_expense\": 1️⃣true}", "rd_expense", "an amount in 元"),
        ("percent sign on money", "{\"rd_expense\": 1️⃣\"50%\"}", "rd_expense", "an amount in 元"),
        ("bool given a number", "{\"is_tech_sme\": 1️⃣2}", "is_tech_sme", "true or false"),
        ("enum outside its values", "{\"evaluation_grade\": 1️⃣\"E\"}", "evaluation_grade", "one of \"A\", \"B\", \"C\", \"D\""),
        ("list item of the wrong type", "{\"monthly_wages\": [100, 1️⃣\"x\"]}", "monthly_wages[1]", "an amount in 元"),
        ("null list item", "{\"monthly_wages\": [100, 1️⃣null]}", "monthly_wages[1]", "expected an item"),
        ("money too large", "{\"rd_expense\": 1️⃣1e16}", "rd_expense", "too large"),
        ("value after Chinese text", "{\"name\": \"衢州某某公司\", \"employees\": 1️⃣\"很多\"}", "employees", "an integer"),
    ])
    func domainErrors(_ why: String, _ marked: String, _ path: String, _ message: String) throws {
        let m = MarkedText(marked)
        let d = try problems(m.text)
        #expect(d.count == 1, "\(why): \(d)")
        #expect(d.first?.location == "p.json:\(m.line):\(m.column)", "\(why): \(d)")
        #expect(d.first?.context == path, "\(why): \(d)")
        #expect(d.first?.message.contains(message) == true, "\(why): \(d)")
    }

    @Test func unknownRecordKeyIsReportedWithASuggestion() throws {
        let d = try problems("{\"standard_factory_lease\": {\"strat_on\": \"2017-01-01\"}}")
        #expect(d.count == 1)
        #expect(d.first?.message == "unknown key \"strat_on\" (did you mean `start_on`?)")
        #expect(d.first?.context == "standard_factory_lease")
    }

    @Test func everyErrorOfOneProfileIsReportedTogether() throws {
        let d = try problems("""
        {"employes": 1, "land_use_tax": -1, "income_tax_rate": 1.5,
         "turnover_loans": [{"amount": 1, "days": "five"}, {"amount": -2, "days": 0}], "registered_on": "2017-02-30"}
        """)
        #expect(d.map { $0.context ?? "" } == [
            "employes", "land_use_tax", "income_tax_rate", "turnover_loans[0].days", "turnover_loans[1].amount",
            "turnover_loans[1].days", "registered_on",
        ])
        #expect(d.first?.message.contains("employees") == true)
    }

    @Test("signed money may be negative", arguments: ["-12000", "0", "-0.01", "35000.75"])
    func taxableIncomeMayBeNegative(_ number: String) throws {
        let p = try read("{\"taxable_income\": \(number)}").get()
        #expect(p.values[slot("taxable_income")] == .number(try #require(Rational.parse(jsonNumber: number))))
    }

    @Test("lenient forms that mean the same value", arguments: [
        ("{\"income_tax_rate\": \"25%\"}", "income_tax_rate", FieldValue.number(Rational(1, 4)!)),
        ("{\"rd_expense\": \"1,234.50\"}", "rd_expense", .number(Rational(2469, 2)!)),
        ("{\"region_code\": 330802}", "region_code", .string("330802")),
        ("{\"is_tech_sme\": \"是\"}", "is_tech_sme", .bool(true)),
        ("{\"employees\": 12.0}", "employees", .number(Rational(12))),
        ("{\"industry_code\": \"C\"}", "industry_code", .string("C")),
    ])
    func lenientForms(_ json: String, _ field: String, _ expected: FieldValue) throws {
        #expect(try read(json).get().values[slot(field)] == expected)
    }

    @Test func profileMustBeAnObject() throws {
        let d = try problems("[1, 2]")
        #expect(d.count == 1)
        #expect(d.first?.location == "p.json:1:1")
        #expect(d.first?.message.contains("expected a profile object") == true)
    }

    @Test func emptyObjectIsAProfileWithEverythingMissing() throws {
        let p = try read("{}").get()
        #expect(p.values.count == Fixture.policy.schema.fields.count)
        #expect(p.values.allSatisfy { $0 == nil })
    }
}
