import Foundation
@testable import JianfuCore

/// Shared fixtures: the repository's policy folder, loaded once, and helpers to build profiles from JSON text.
enum Fixture {
    /// The repository root (this file is Tests/JianfuCoreTests/TestSupport.swift).
    static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let policiesPath = root + "/Policies"
    static let samplesPath = root + "/Samples"

    static let policy: PolicySet = {
        do { return try PolicyLoader.load(directory: policiesPath) } catch {
            fatalError("the repository's Policies folder does not lint:\n\(error)")
        }
    }()

    static let engine = Engine(policy: policy)

    /// A profile from JSON text; fails the calling test through the thrown diagnostics.
    static func profile(_ json: String) throws -> Profile {
        let node = try JSONParser.parse(json)
        return try ProfileReader(schema: policy.schema).read(node, origin: "test").get()
    }

    /// The result of one rule for a profile given as JSON text, evaluated for `year` (or the profile's own).
    static func result(_ json: String, rule id: String, year: Int? = nil) throws -> RuleResult {
        let p = try profile(json)
        guard let y = engine.year(of: p, override: year) else { throw TestError("no year") }
        guard let i = policy.ruleIndex(id) else { throw TestError("no rule \(id)") }
        guard let r = engine.check(p, year: y, trace: true) else { throw TestError("year out of range") }
        return r.results[i]
    }

    /// All results for a profile.
    static func check(_ json: String, year: Int? = nil) throws -> CheckResult {
        let p = try profile(json)
        guard let y = engine.year(of: p, override: year), let r = engine.check(p, year: y, trace: true) else { throw TestError("no year") }
        return r
    }

    /// Fen from a decimal string: "1234.56" → 123456.
    static func fen(_ s: String) -> Int128 {
        guard let r = Rational.parse(jsonNumber: s), let f = r.roundedToFen() else { return -1 }
        return f
    }

    static func ruleID(_ index: Int?) -> String? { index.map { policy.rules[$0].id } }
}

struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
