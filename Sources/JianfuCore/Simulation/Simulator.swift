import Foundation

/// One scenario of a simulation: a policy set (baseline or reformed), an evaluated year, rules switched off.
public struct Scenario: Sendable {
    public var label: String
    public var engine: Engine
    /// `--year`: wins over each profile's own year.
    public var year: Int?
    public var disabled: Set<Int>
    /// The reform's hash, or "baseline".
    public var reformHash: String

    public init(label: String, engine: Engine, year: Int?, disabled: Set<Int> = [], reformHash: String = "baseline") {
        self.label = label; self.engine = engine; self.year = year; self.disabled = disabled; self.reformHash = reformHash
    }

    /// A short stable description for partials (two partials merge only when these agree).
    public var descriptor: String { "year=\(year.map(String.init) ?? "profile");reform=\(reformHash)" }
}

/// Streams a population through one or two scenarios, in batches evaluated on every core, and aggregates.
public final class Simulator {
    public let scenarios: [Scenario]
    public var batchSize = 4096
    /// Threads evaluating batches (default: every core); several shards on one machine may share them out.
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Called with (rows read, rows rejected so far, share of the input read when known) after each batch; used
    /// for progress on a terminal.
    public var progress: ((Int, Int, Double?) -> Void)?

    public init(scenarios: [Scenario]) { self.scenarios = scenarios }

    /// Runs the whole source. Rejected rows go to `reject(line, reason)` in file order, on the calling thread;
    /// rows read = evaluated + rejected.
    public func run(_ source: inout any ProfileSource, reject: (Int, String) -> Void) throws(Diagnostics) -> [Aggregate] {
        let policy = scenarios[0].engine.policy
        // Rows rejected while converting or evaluating a batch, reported by this thread once the batch is done.
        let pendingRejects = Mutex<[(line: Int, reason: String)]>([])
        let scenarios = self.scenarios
        let workers = self.workers
        var rejected = 0, read = 0
        // Reading overlaps evaluation: while one batch is converted and evaluated on every core, the next is read.
        let inFlight = DispatchGroup()
        // More chunks than threads: Dispatch hands them out as threads come free, so a thread that shares its core
        // with the reading thread does not hold the batch back.
        let chunkCount = workers == 1 ? 1 : workers * 2
        let slots = ChunkSlots(count: chunkCount, scenarios: scenarios.count, rules: policy.rules.count)

        func reportRejects() {
            for r in pendingRejects.withLock({ q -> [(line: Int, reason: String)] in defer { q = [] }; return q }) {
                rejected += 1
                reject(r.line, r.reason)
            }
        }

        while let batch = try source.nextBatch(limit: batchSize) {
            read += batch.count
            inFlight.wait()
            reportRejects()
            inFlight.enter()
            DispatchQueue.global().async {
                let rejects = Simulator.evaluate(batch, scenarios, policy: policy, chunks: min(chunkCount, batch.count), slots: slots)
                pendingRejects.withLock { $0 = rejects }
                inFlight.leave()
            }
            progress?(read, rejected, source.fractionRead)
        }
        inFlight.wait()
        reportRejects()
        var aggs = slots.merged()
        for s in aggs.indices { aggs[s].rowsRead = read; aggs[s].rejected = rejected }
        return aggs
    }

    /// What each chunk index keeps between batches: its population evaluators (one per scenario). Chunk `c` of
    /// a batch runs on one thread at a time, so its slot needs no lock.
    final class ChunkSlots: @unchecked Sendable {
        struct Slot {
            var evaluators: [PopulationEvaluator] = []
            /// This chunk's sums over every batch so far, one per scenario (merged once, at the end).
            var aggregates: [Aggregate]
        }
        let base: UnsafeMutablePointer<Slot>
        let count: Int

        init(count: Int, scenarios: Int, rules: Int) {
            self.count = count
            base = .allocate(capacity: count)
            base.initialize(repeating: Slot(aggregates: Array(repeating: Aggregate(ruleCount: rules), count: scenarios)), count: count)
        }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }

        /// All chunks' aggregates, merged.
        func merged() -> [Aggregate] {
            var out = base[0].aggregates
            for c in 1..<count { for s in out.indices { out[s].merge(base[c].aggregates[s]) } }
            return out
        }
    }

    /// Converts and evaluates one batch on `chunks` threads, adding to each chunk's aggregates; returns its
    /// rejected rows in file order.
    static func evaluate(_ batch: PendingBatch, _ scenarios: [Scenario], policy: PolicySet, chunks: Int,
                         slots: ChunkSlots) -> [(line: Int, reason: String)] {
        let rejects = Mutex<[(index: Int, line: Int, reason: String)]>([])
        DispatchQueue.concurrentPerform(iterations: min(chunks, slots.count)) { c in
            // Everything the loop reads is this thread's own: shared objects would be reference-counted from
            // both threads per profile.
            let keys = Aggregate.Keys(policy: policy)
            let yearSlots = scenarios.map(\.engine.yearSlot), overrides = scenarios.map(\.year)
            let slot = slots.base + c
            var localRejects: [(index: Int, line: Int, reason: String)] = []
            var years = [Int](repeating: 0, count: scenarios.count)
            let reader = PendingBatch.Reader(batch)
            var i = c
            while i < batch.count {
                defer { i += chunks }
                let p: Profile
                switch reader.record(i) {
                case .profile(let profile): p = profile
                case .rejected(let line, let reason):
                    localRejects.append((i, line, reason))
                    continue
                }
                // A profile with no year and no --year cannot be evaluated: reject it, naming the line.
                var problem: String?
                for s in years.indices {
                    guard let y = Engine.year(of: p, slot: yearSlots[s], override: overrides[s]) else {
                        problem = "no year: the row has no \"year\" and no --year was given"
                        break
                    }
                    guard DayRange.year(y) != nil else { problem = "year \(y) is outside the calendar (1–9998)"; break }
                    years[s] = y
                }
                if let problem {
                    localRejects.append((i, Self.line(p.origin), problem))
                    continue
                }
                if slot.pointee.evaluators.isEmpty {
                    // Made for the first profile's year; an evaluator follows year changes itself.
                    slot.pointee.evaluators = zip(scenarios, years).compactMap { sc, y in
                        PopulationEvaluator(engine: sc.engine, year: y, disabled: sc.disabled)
                    }
                }
                for s in slot.pointee.evaluators.indices where slot.pointee.evaluators[s].evaluate(p, year: years[s]) {
                    slot.pointee.aggregates[s].add(slot.pointee.evaluators[s].tallies, keys: keys, profile: p)
                }
            }
            rejects.withLock { $0 += localRejects }
        }
        return rejects.withLock { $0 }.sorted { $0.index < $1.index }.map { (line: $0.line, reason: $0.reason) }
    }

    static func line(_ origin: String) -> Int { Int(origin.split(separator: ":").last ?? "") ?? 0 }
}
