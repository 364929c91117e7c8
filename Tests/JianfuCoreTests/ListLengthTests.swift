import Foundation
import Testing
@testable import JianfuCore

/// Issue 20.1: the work on a list (aggregates, missing items, near misses, deciding questions, the report, the
/// batch and point paths) grows linearly with its length. Counted in item visits (`ListWork`), never timed.
struct ListLengthTests {
    /// A list of `n` items, each built from its index.
    struct Shape: CustomTestStringConvertible, Sendable {
        var field: String
        var why: String
        var item: @Sendable (Int) -> FieldValue
        var testDescription: String { "\(field): \(why)" }
    }

    static func record(_ keys: FieldValue?...) -> FieldValue { .record(keys) }
    static func money(_ v: Int) -> FieldValue { .number(Rational(Int128(v))) }

    static let shapes: [Shape] = [
        // role, annual_fee: no president's fee, so the rule fails and every item is looked at for a near miss.
        Shape(field: "association_fees", why: "members only (no item covered)") { _ in record(.string("member"), money(50_000)) },
        // Presidents just under 1万: a near miss per item, the smallest change first.
        Shape(field: "association_fees", why: "presidents below the threshold") { i in record(.string("president"), money(9_000 + i % 97)) },
        // amount, days: every loan over 15 days (a near miss per item).
        Shape(field: "turnover_loans", why: "every loan over 15 days") { i in record(money(1_000 + i), .number(Rational(Int128(16 + i % 50)))) },
        // days missing: undetermined, naming every item's days.
        Shape(field: "turnover_loans", why: "days missing") { i in record(money(1_000 + i), nil) },
        // amount, annual_rate, state_owned: no state-owned guarantor.
        Shape(field: "guarantees", why: "no state-owned guarantor") { _ in record(money(1_000_000), .number(Rational(2, 100) ?? .zero), .bool(false)) },
        Shape(field: "monthly_wages", why: "wages above the cap") { i in money(20_000 + i % 1_000) },
    ]

    /// The sample enterprise with `field` holding `n` items.
    static func profile(_ shape: Shape, _ n: Int) throws -> Profile {
        let text = try String(contentsOfFile: Fixture.samplesPath + "/qujiang-chemical-upgrade.json", encoding: .utf8)
        var p = try Fixture.profile(text)
        let slot = try #require(Fixture.policy.schema.fieldIndex(shape.field))
        p.values[slot] = .list((0..<n).map(shape.item))
        return p
    }

    /// The item visits of a whole `check` report (results, reasons, near misses, deciding questions, text and
    /// JSON) and of the batch and point paths, for one profile.
    static func work(_ profile: Profile) throws -> Int {
        let counter = ListWork()
        try ListWork.$counter.withValue(counter) {
            let result = try #require(Fixture.engine.check(profile, year: 2017, trace: true))
            let report = CheckReport(engine: Fixture.engine, profile: profile, result: result, lang: .en)
            _ = report.text()
            _ = report.json()
            var batch = try #require(BatchEvaluator(engine: Fixture.engine, year: 2017))
            #expect([profile].withUnsafeBufferPointer { batch.evaluate($0, year: 2017) })
            var point = try #require(PopulationEvaluator(engine: Fixture.engine, year: 2017))
            _ = point.evaluate(profile, year: 2017)
        }
        return counter.count
    }

    @Test(arguments: shapes)
    func workOnAListGrowsLinearlyWithItsLength(_ shape: Shape) throws {
        let small = try Self.work(try Self.profile(shape, 10))
        let medium = try Self.work(try Self.profile(shape, 1_000))
        let large = try Self.work(try Self.profile(shape, 100_000))
        // Every item is visited at least once (the counter sees the work) …
        #expect(large >= 100_000)
        // … and a hundred times the items costs about a hundred times the work (a quadratic path would cost
        // ten thousand times). The slack allows for work that does not depend on the length.
        #expect(large <= 110 * medium, "1,000 items: \(medium) visits; 100,000 items: \(large)")
        #expect(medium <= 110 * max(small, 10), "10 items: \(small) visits; 1,000 items: \(medium)")
    }

    /// The near miss on a long list is the same one a short list gives: the nearest item, checked again.
    @Test func theNearestLoanOfManyIsTheNearMiss() throws {
        // Loans of 16 … 65 days; the first 16-day loan (index 0) is the nearest to the 15-day limit.
        let p = try Self.profile(Self.shapes[2], 5_000)
        let result = try #require(Fixture.engine.check(p, year: 2017, trace: true))
        let rule = try #require(Fixture.policy.ruleIndex("52-8-1-turnover-rate"))
        let m = try #require(Fixture.engine.nearMisses(p, result: result).first { $0.rule == rule })
        #expect(m.item == 0)
        #expect(m.from == Rational(16) && m.to == Rational(15))
        // 1,000 元 × 15 days × (0.03% − 0.024%) per day = 0.90 元 a year (the 15-day rate, 52号 八(一)), in force
        // from 2017-08-14: × 140/365 = 0.3452… → 0.35 元.
        #expect(m.high == 35)
    }
}
