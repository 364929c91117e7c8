/// One rule's inputs for the interval evaluator: its scope test and the values its formulas read.
struct FallbackKey: Hashable {
    var rule: Int
    var scope: UInt8
    var values: [FieldValue?]
}

/// Outcomes of the interval evaluator by rule and inputs, for one year's plan. A rule whose lookups rarely hit
/// (inputs that vary from row to row) is no longer kept; the table stops growing at a bound.
struct FallbackCache {
    private var table: [FallbackKey: (tally: Tally, exactHigh: Rational)] = [:]
    private var lookups: [Int]
    private var hits: [Int]
    private static let limit = 20_000

    init(ruleCount: Int) {
        lookups = Array(repeating: 0, count: ruleCount)
        hits = lookups
    }

    /// Whether rule `i`'s outcomes are worth keeping: until 200 lookups, or while at least a quarter hit.
    func keeps(_ i: Int) -> Bool { lookups[i] < 200 || hits[i] * 4 >= lookups[i] }

    mutating func find(_ key: FallbackKey) -> (tally: Tally, exactHigh: Rational)? {
        lookups[key.rule] += 1
        guard let hit = table[key] else { return nil }
        hits[key.rule] += 1
        return hit
    }

    mutating func keep(_ key: FallbackKey, _ tally: Tally, _ exactHigh: Rational) {
        if table.count < FallbackCache.limit { table[key] = (tally, exactHigh) }
    }
}
