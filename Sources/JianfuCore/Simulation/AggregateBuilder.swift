/// One worker's sums for one scenario while rows are added: buckets by small index (region found by a short
/// scan, size band and category by number, histogram bins in a flat array), folded into an `Aggregate` once, at
/// the end. Adding a row then hashes nothing.
struct AggregateBuilder {
    private var base: Aggregate
    private let keys: Aggregate.Keys
    private var regionNames: [String?] = []
    private var regionBuckets: [Aggregate.Bucket] = []
    /// Used once there are many regions.
    private var regionIndex: [String: Int] = [:]
    /// One per size band, then "unknown".
    private var sizeBuckets: [Aggregate.Bucket]
    private var categoryBuckets: [Aggregate.Bucket]
    /// Histogram bins below `flatBins` (amounts under 10^(flatBins/1000 + 2) fen); larger ones in `base`.
    private var histogram: [Int]
    private static let flatBins = 16_000
    /// This row's sums per category, and the categories it touched.
    private var rowLow: [Int128]
    private var rowHigh: [Int128]
    private var touched: [Int] = []

    init(ruleCount: Int, keys: Aggregate.Keys) {
        base = Aggregate(ruleCount: ruleCount)
        self.keys = keys
        sizeBuckets = Array(repeating: Aggregate.Bucket(), count: Aggregate.sizeBands.count + 1)
        categoryBuckets = Array(repeating: Aggregate.Bucket(), count: keys.categories.count)
        histogram = Array(repeating: 0, count: AggregateBuilder.flatBins)
        rowLow = Array(repeating: 0, count: keys.categories.count)
        rowHigh = rowLow
    }

    /// Adds one evaluated enterprise from its tallies (catalog order, groups resolved), as `Aggregate.add`.
    mutating func add(_ tallies: UnsafeBufferPointer<Tally>, region: String?, employees: Rational?) {
        base.evaluated += 1
        var any = false, undetermined = false
        var low: Int128 = 0, high: Int128 = 0
        let categoryIndex = keys.categoryIndex
        let last = keys.categories.count - 1
        for i in tallies.indices {
            let t = tallies[i]
            switch t.status {
            case .eligible:
                base.rules[i].eligible += 1
                if t.hasSaving {
                    base.rules[i].low += t.low; base.rules[i].high += t.high
                    low += t.low; high += t.high
                    if t.high > 0 { any = true }
                    let c = min(categoryIndex[i], last)
                    if !touched.contains(c) { touched.append(c); rowLow[c] = 0; rowHigh[c] = 0 }
                    rowLow[c] += t.low; rowHigh[c] += t.high
                }
                if t.hasAmount { base.rules[i].liquidity += t.amount; base.liquidity += t.amount }
            case .superseded: base.rules[i].superseded += 1
            case .undetermined: base.rules[i].undetermined += 1; undetermined = true
            case .ineligible: base.rules[i].ineligible += 1
            case .notInForce: base.rules[i].notInForce += 1
            }
        }
        if undetermined { base.withUndetermined += 1 }
        let one = Aggregate.Bucket(enterprises: 1, beneficiaries: any ? 1 : 0, low: low, high: high)
        base.total.add(one)
        regionBuckets[regionSlot(region)].add(one)
        sizeBuckets[AggregateBuilder.sizeIndex(employees)].add(one)
        for c in touched {
            categoryBuckets[c].add(Aggregate.Bucket(enterprises: 1, beneficiaries: rowHigh[c] > 0 ? 1 : 0, low: rowLow[c], high: rowHigh[c]))
        }
        touched.removeAll(keepingCapacity: true)
        if any {
            let bin = Aggregate.bin(high)
            if bin < AggregateBuilder.flatBins { histogram[bin] += 1 } else { base.histogram[bin, default: 0] += 1 }
        }
    }

    /// The bucket of a region: a scan over the few seen so far (small strings compare by their bits), a
    /// dictionary beyond.
    private mutating func regionSlot(_ region: String?) -> Int {
        if regionNames.count <= 32 {
            if let k = regionNames.firstIndex(of: region) { return k }
        } else if let region, let k = regionIndex[region] {
            return k
        } else if region == nil, let k = regionNames.firstIndex(of: nil) {
            return k
        }
        regionNames.append(region)
        regionBuckets.append(Aggregate.Bucket())
        if let region { regionIndex[region] = regionNames.count - 1 }
        return regionNames.count - 1
    }

    /// The index of `Aggregate.sizeBand(employees)` in `Aggregate.sizeBands`, or the last for "unknown".
    static func sizeIndex(_ employees: Rational?) -> Int {
        guard let e = employees else { return Aggregate.sizeBands.count }
        let n = e.floor()
        for (k, b) in Aggregate.sizeBands.enumerated() {
            guard let u = b.upTo else { return k }
            if n <= Int128(u) { return k }
        }
        return Aggregate.sizeBands.count
    }

    /// The sums as an `Aggregate`.
    func aggregate() -> Aggregate {
        var out = base
        for (k, name) in regionNames.enumerated() where regionBuckets[k].enterprises > 0 {
            out.regions[name ?? "unknown", default: Aggregate.Bucket()].add(regionBuckets[k])
        }
        for (k, b) in sizeBuckets.enumerated() where b.enterprises > 0 {
            let name = k < Aggregate.sizeBands.count ? Aggregate.sizeBands[k].id : "unknown"
            out.sizes[name, default: Aggregate.Bucket()].add(b)
        }
        for (k, b) in categoryBuckets.enumerated() where b.enterprises > 0 {
            out.categories[keys.categories[k], default: Aggregate.Bucket()].add(b)
        }
        for (bin, n) in histogram.enumerated() where n > 0 { out.histogram[bin, default: 0] += n }
        return out
    }
}
