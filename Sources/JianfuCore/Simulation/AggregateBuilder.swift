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
    /// Per row of the batch being added: its sums, whether it benefits (1) or has an undetermined rule (2), and
    /// its sums per category (categories × rows) with whether it has one.
    private let rowLow: UnsafeMutablePointer<Int128>
    private let rowHigh: UnsafeMutablePointer<Int128>
    private let rowFlags: UnsafeMutablePointer<UInt8>
    private let categoryLow: UnsafeMutablePointer<Int128>
    private let categoryHigh: UnsafeMutablePointer<Int128>
    private let categorySeen: UnsafeMutablePointer<UInt8>
    /// Owns the memory above (raw, so writing a row's sums checks no array's uniqueness).
    private let scratch: Scratch
    private let width: Int

    /// The per-row sums of one builder, freed with it.
    private final class Scratch {
        let sums: UnsafeMutablePointer<Int128>
        let flags: UnsafeMutablePointer<UInt8>
        init(sums: Int, flags: Int) {
            self.sums = .allocate(capacity: sums); self.sums.initialize(repeating: 0, count: sums)
            self.flags = .allocate(capacity: flags); self.flags.initialize(repeating: 0, count: flags)
        }
        deinit { sums.deallocate(); flags.deallocate() }
    }

    init(ruleCount: Int, keys: Aggregate.Keys, width: Int) {
        base = Aggregate(ruleCount: ruleCount)
        self.keys = keys
        self.width = width
        sizeBuckets = Array(repeating: Aggregate.Bucket(), count: Aggregate.sizeBands.count + 1)
        categoryBuckets = Array(repeating: Aggregate.Bucket(), count: keys.categories.count)
        histogram = Array(repeating: 0, count: AggregateBuilder.flatBins)
        let cells = width * keys.categories.count
        scratch = Scratch(sums: 2 * width + 2 * cells, flags: width + cells)
        rowLow = scratch.sums; rowHigh = scratch.sums + width
        categoryLow = scratch.sums + 2 * width; categoryHigh = scratch.sums + 2 * width + cells
        rowFlags = scratch.flags; categorySeen = scratch.flags + width
    }

    /// Adds rows 0..<n of a batch from its tallies (rule by rule, groups resolved), as `Aggregate` counts them:
    /// per rule, then per enterprise (total, region, size band, categories it has a saving in, histogram).
    mutating func add(_ results: BatchResults, rows n: Int, region: (Int) -> String?, employees: (Int) -> Rational?) {
        let w = width
        for r in 0..<n { rowLow[r] = 0; rowHigh[r] = 0; rowFlags[r] = 0 }
        let last = keys.categories.count - 1
        let t = results.tallies
        for i in 0..<min(results.ruleCount, base.rules.count) {
            let at = i * results.width
            let c = min(keys.categoryIndex[i], last) * w
            var stats = Aggregate.RuleStats()
            for r in 0..<n {
                let code = t.code[at + r]
                switch code & BatchTallies.statusMask {
                case 0:
                    stats.eligible += 1
                    if code & BatchTallies.hasSaving != 0 {
                        let l = t.low[at + r], h = t.high[at + r]
                        stats.low += l; stats.high += h
                        rowLow[r] += l; rowHigh[r] += h
                        if h > 0 { rowFlags[r] |= 1 }
                        categorySeen[c + r] = 1; categoryLow[c + r] += l; categoryHigh[c + r] += h
                    }
                    if code & BatchTallies.hasAmount != 0 { stats.liquidity += t.amount[at + r] }
                case 1: stats.superseded += 1
                case 2: stats.undetermined += 1; rowFlags[r] |= 2
                case 3: stats.ineligible += 1
                default: stats.notInForce += 1
                }
            }
            base.rules[i].add(stats)
            base.liquidity += stats.liquidity
        }
        base.evaluated += n
        for r in 0..<n {
            if rowFlags[r] & 2 != 0 { base.withUndetermined += 1 }
            let any = rowFlags[r] & 1 != 0
            let one = Aggregate.Bucket(enterprises: 1, beneficiaries: any ? 1 : 0, low: rowLow[r], high: rowHigh[r])
            base.total.add(one)
            regionBuckets[regionSlot(region(r))].add(one)
            sizeBuckets[AggregateBuilder.sizeIndex(employees(r))].add(one)
            if any {
                let bin = Aggregate.bin(rowHigh[r])
                if bin < AggregateBuilder.flatBins { histogram[bin] += 1 } else { base.histogram[bin, default: 0] += 1 }
            }
        }
        for c in 0..<keys.categories.count {
            // Each entry is cleared as it is read: the next batch starts from zeros.
            for r in 0..<n where categorySeen[c * w + r] != 0 {
                let k = c * w + r, high = categoryHigh[k]
                categoryBuckets[c].add(Aggregate.Bucket(enterprises: 1, beneficiaries: high > 0 ? 1 : 0, low: categoryLow[k], high: high))
                categorySeen[k] = 0; categoryLow[k] = 0; categoryHigh[k] = 0
            }
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
