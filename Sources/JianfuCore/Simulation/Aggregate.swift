/// Sums over a population for one scenario. Everything is an integer (fen or counts), so partial aggregates
/// of shards merge exactly, in any order, to the aggregate of the whole.
public struct Aggregate: Sendable, Equatable {
    /// Per rule, in catalog order.
    public struct RuleStats: Sendable, Equatable {
        public var eligible = 0
        public var superseded = 0
        public var undetermined = 0
        public var ineligible = 0
        public var notInForce = 0
        public var low: Int128 = 0
        public var high: Int128 = 0
        public var liquidity: Int128 = 0

        mutating func add(_ o: RuleStats) {
            eligible += o.eligible; superseded += o.superseded; undetermined += o.undetermined
            ineligible += o.ineligible; notInForce += o.notInForce
            low += o.low; high += o.high; liquidity += o.liquidity
        }
    }

    /// Totals of one group of enterprises (a category, a region, a size band).
    public struct Bucket: Sendable, Equatable {
        public var enterprises = 0
        public var beneficiaries = 0
        public var low: Int128 = 0
        public var high: Int128 = 0

        mutating func add(_ o: Bucket) {
            enterprises += o.enterprises; beneficiaries += o.beneficiaries; low += o.low; high += o.high
        }
    }

    public var rowsRead = 0
    public var evaluated = 0
    public var rejected = 0
    public var rules: [RuleStats]
    public var categories: [String: Bucket] = [:]
    public var regions: [String: Bucket] = [:]
    public var sizes: [String: Bucket] = [:]
    public var total = Bucket()
    public var liquidity: Int128 = 0
    /// Enterprises with at least one undetermined rule (their totals are lower bounds).
    public var withUndetermined = 0
    /// Savings (high end) per beneficiary, bucketed for the median: bin → count.
    public var histogram: [Int: Int] = [:]

    public init(ruleCount: Int) { rules = Array(repeating: RuleStats(), count: ruleCount) }

    /// Size bands by employees (在职职工人数).
    public static let sizeBands: [(id: String, upTo: Int?)] = [
        ("0-9", 9), ("10-49", 49), ("50-99", 99), ("100-299", 299), ("300-999", 999), ("1000+", nil),
    ]

    public static func sizeBand(_ employees: Rational?) -> String {
        let k = AggregateBuilder.sizeIndex(employees)
        return k < sizeBands.count ? sizeBands[k].id : "unknown"
    }

    /// Histogram bin of an amount in fen: three significant digits, so the median is known to within 1%.
    static func bin(_ fen: Int128) -> Int {
        if fen <= 0 { return 0 }
        if fen <= Int128(Int64.max) {
            // 64-bit division is a machine instruction; 128-bit division is a library call.
            var v = Int64(fen), e = 0
            while v >= 1000 { v /= 10; e += 1 }
            return e * 1000 + Int(v)
        }
        var v = fen, e = 0
        while v >= 1000 { v /= 10; e += 1 }
        return e * 1000 + Int(v)
    }

    /// The smallest amount (fen) in a bin.
    static func binFloor(_ bin: Int) -> Int128 {
        if bin == 0 { return 0 }
        var v = Int128(bin % 1000)
        for _ in 0..<(bin / 1000) { v *= 10 }
        return v
    }

    /// What adding a row needs of the policy set, copied per thread so that adding reads nothing shared.
    public struct Keys: Sendable {
        /// Each rule's category as an index into `categories`.
        let categoryIndex: [Int]
        /// Category ids, then "other".
        let categories: [String]
        let regionSlot: Int?
        let employeesSlot: Int?

        public init(policy: PolicySet) {
            categoryIndex = policy.ruleCategoryIndex.map { $0 }
            categories = policy.catalog.categories.map { String(decoding: Array($0.id.utf8), as: UTF8.self) } + ["other"]
            regionSlot = policy.schema.fieldIndex("region_code")
            employeesSlot = policy.schema.fieldIndex("employees")
        }

    }

    /// Adds another aggregate of the same scenario (a shard).
    public mutating func merge(_ o: Aggregate) {
        rowsRead += o.rowsRead; evaluated += o.evaluated; rejected += o.rejected
        for i in rules.indices where i < o.rules.count { rules[i].add(o.rules[i]) }
        for (k, v) in o.categories { categories[k, default: Bucket()].add(v) }
        for (k, v) in o.regions { regions[k, default: Bucket()].add(v) }
        for (k, v) in o.sizes { sizes[k, default: Bucket()].add(v) }
        total.add(o.total)
        liquidity += o.liquidity
        withUndetermined += o.withUndetermined
        for (k, v) in o.histogram { histogram[k, default: 0] += v }
    }

    /// Mean saving (high end) per beneficiary, in fen, rounded half up.
    public var meanPerBeneficiary: Int128? {
        guard total.beneficiaries > 0 else { return nil }
        return Rational.roundHalfAway(total.high, Int128(total.beneficiaries))
    }

    /// The median saving (high end) per beneficiary, as the bin [floor, next floor) that holds it.
    public var medianBin: (low: Int128, high: Int128)? {
        let n = total.beneficiaries
        guard n > 0 else { return nil }
        var seen = 0
        for k in histogram.keys.sorted() {
            seen += histogram[k] ?? 0
            if seen * 2 >= n {
                let lo = Aggregate.binFloor(k)
                let next = k % 1000 == 999 ? (k / 1000 + 1) * 1000 + 100 : k + 1
                return (lo, Aggregate.binFloor(next))
            }
        }
        return nil
    }
}
