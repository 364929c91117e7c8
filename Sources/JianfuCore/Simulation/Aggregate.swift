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
        guard let e = employees else { return "unknown" }
        let n = e.floor()
        for b in sizeBands { if let u = b.upTo { if n <= Int128(u) { return b.id } } else { return b.id } }
        return "unknown"
    }

    /// Histogram bin of an amount in fen: three significant digits, so the median is known to within 1%.
    static func bin(_ fen: Int128) -> Int {
        if fen <= 0 { return 0 }
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

    /// Adds one evaluated enterprise.
    public mutating func add(_ result: CheckResult, policy: PolicySet, region: String?, employees: Rational?) {
        evaluated += 1
        var any = false
        // Per-category sums of this enterprise, by the category's index (no dictionary per profile).
        let categoryIndex = policy.ruleCategoryIndex
        var catLow = [Int128](repeating: 0, count: policy.catalog.categories.count + 1)
        var catHigh = catLow
        var catSeen = [Bool](repeating: false, count: catLow.count)
        for i in result.results.indices {
            switch result.results[i].status {
            case .eligible:
                rules[i].eligible += 1
                if let l = result.results[i].low, let h = result.results[i].high {
                    rules[i].low += l; rules[i].high += h
                    if h > 0 { any = true }
                    let c = categoryIndex[i]
                    catLow[c] += l; catHigh[c] += h; catSeen[c] = true
                }
                if let a = result.results[i].amount { rules[i].liquidity += a; liquidity += a }
            case .superseded: rules[i].superseded += 1
            case .undetermined: rules[i].undetermined += 1
            case .ineligible: rules[i].ineligible += 1
            case .notInForce: rules[i].notInForce += 1
            }
        }
        if result.totals.undetermined > 0 { withUndetermined += 1 }
        let t = result.totals
        var one = Bucket(enterprises: 1, beneficiaries: any ? 1 : 0, low: t.low, high: t.high)
        total.add(one)
        regions[region ?? "unknown", default: Bucket()].add(one)
        sizes[Aggregate.sizeBand(employees), default: Bucket()].add(one)
        for c in catLow.indices where catSeen[c] {
            let name = c < policy.catalog.categories.count ? policy.catalog.categories[c].id : "other"
            one = Bucket(enterprises: 1, beneficiaries: catHigh[c] > 0 ? 1 : 0, low: catLow[c], high: catHigh[c])
            categories[name, default: Bucket()].add(one)
        }
        if any { histogram[Aggregate.bin(t.high), default: 0] += 1 }
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
