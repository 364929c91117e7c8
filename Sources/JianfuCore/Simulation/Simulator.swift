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
    ///
    /// This thread reads batches (splitting rows, no conversion) into a short queue; `workers` threads each take
    /// whole batches, convert and evaluate them into their own aggregates, merged at the end. No thread waits
    /// for a batch to finish while there is another one to take.
    public func run(_ source: inout any ProfileSource, reject: (Int, String) -> Void) throws(Diagnostics) -> [Aggregate] {
        let policy = scenarios[0].engine.policy
        let scenarios = self.scenarios
        let workers = max(1, self.workers)
        let slots = WorkerSlots(count: workers, scenarios: scenarios.count, rules: policy.rules.count)
        let queue = BatchQueue(capacity: 2 * workers)
        // Each batch's rejected rows by sequence number, reported in order by this thread.
        let rejectsBySequence = Mutex<[Int: [(line: Int, reason: String)]]>([:])
        let done = DispatchGroup()
        for w in 0..<workers {
            done.enter()
            let thread = Thread {
                while let (sequence, batch) = queue.pop() {
                    let rejects = Simulator.evaluate(batch, scenarios, policy: policy, slot: slots.base + w)
                    rejectsBySequence.withLock { $0[sequence] = rejects }
                }
                done.leave()
            }
            thread.stackSize = 1 << 22
            thread.start()
        }
        var rejected = 0, read = 0, sequence = 0, reported = 0
        func reportRejects() {
            while let rows = rejectsBySequence.withLock({ $0.removeValue(forKey: reported) }) {
                for r in rows {
                    rejected += 1
                    reject(r.line, r.reason)
                }
                reported += 1
            }
        }
        do {
            while let batch = try source.nextBatch(limit: batchSize) {
                read += batch.count
                queue.push((sequence, batch))
                sequence += 1
                reportRejects()
                progress?(read, rejected, source.fractionRead)
            }
        } catch {
            queue.close()
            done.wait()
            throw error
        }
        queue.close()
        done.wait()
        reportRejects()
        var aggs = slots.merged()
        for s in aggs.indices { aggs[s].rowsRead = read; aggs[s].rejected = rejected }
        return aggs
    }

    /// Batches waiting for a worker, at most `capacity` (the reader waits beyond that, so memory stays flat).
    final class BatchQueue: @unchecked Sendable {
        private let condition = NSCondition()
        private var items: [(Int, PendingBatch)] = []
        private var closed = false
        let capacity: Int

        init(capacity: Int) { self.capacity = capacity }

        func push(_ item: (Int, PendingBatch)) {
            condition.lock()
            while items.count >= capacity && !closed { condition.wait() }
            items.append(item)
            condition.broadcast()
            condition.unlock()
        }

        /// The next batch, or nil once the queue is closed and empty.
        func pop() -> (Int, PendingBatch)? {
            condition.lock()
            defer { condition.unlock() }
            while items.isEmpty && !closed { condition.wait() }
            guard !items.isEmpty else { return nil }
            let item = items.removeFirst()
            condition.broadcast()
            return item
        }

        func close() {
            condition.lock()
            closed = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// What each worker thread keeps between batches: its population evaluators (one per scenario) and its
    /// aggregates. Only its own thread touches a slot, so it needs no lock.
    final class WorkerSlots: @unchecked Sendable {
        struct Slot {
            var evaluators: [PopulationEvaluator] = []
            /// The worker's own CSV mapper, over its own copy of the schema: the shared one's field specs would be
            /// reference-counted from every worker per cell.
            var mapper: CSVProfileMapper?
            /// This worker's sums over every batch so far, one per scenario (merged once, at the end).
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

        /// All workers' aggregates, merged.
        func merged() -> [Aggregate] {
            var out = base[0].aggregates
            for c in 1..<count { for s in out.indices { out[s].merge(base[c].aggregates[s]) } }
            return out
        }
    }

    /// Converts and evaluates one batch into a worker's slot (its evaluators and aggregates); returns the
    /// batch's rejected rows in file order.
    static func evaluate(_ batch: PendingBatch, _ scenarios: [Scenario], policy: PolicySet,
                     slot: UnsafeMutablePointer<WorkerSlots.Slot>) -> [(line: Int, reason: String)] {
        // Everything the loop reads is this thread's own: shared objects would be reference-counted from
        // several threads per profile.
        let keys = Aggregate.Keys(policy: policy)
        let yearSlots = scenarios.map(\.engine.yearSlot), overrides = scenarios.map(\.year)
        var rejects: [(line: Int, reason: String)] = []
        var years = [Int](repeating: 0, count: scenarios.count)
        if slot.pointee.mapper == nil, let shared = PendingBatch.Reader.mapper(of: batch) {
            slot.pointee.mapper = policy.replica().flatMap {
                try? CSVProfileMapper(schema: $0.schema, header: shared.headers, file: "", lang: shared.lang)
            } ?? shared
        }
        let reader = PendingBatch.Reader(batch, mapper: slot.pointee.mapper)
        var i = 0
        while i < batch.count {
            defer { i += 1 }
            let p: Profile
            switch reader.record(i) {
            case .profile(let profile): p = profile
            case .rejected(let line, let reason):
                rejects.append((line, reason))
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
                rejects.append((Self.line(p.origin), problem))
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
        return rejects
    }

    static func line(_ origin: String) -> Int { Int(origin.split(separator: ":").last ?? "") ?? 0 }
}
