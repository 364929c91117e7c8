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
        let slots = WorkerSlots(count: workers, scenarios: scenarios.count, policy: policy)
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
            var evaluators: [BatchEvaluator] = []
            /// Each evaluator's registers (read per row without copying the evaluator).
            var memories: [BatchMemory] = []
            var keys: Aggregate.Keys
            /// The worker's own CSV mapper, over its own copy of the schema: the shared one's field specs would be
            /// reference-counted from every worker per cell.
            var mapper: CSVProfileMapper?
            /// This worker's sums over every batch so far, one per scenario (merged once, at the end).
            var aggregates: [AggregateBuilder]
        }
        let base: UnsafeMutablePointer<Slot>
        let count: Int

        init(count: Int, scenarios: Int, policy: PolicySet) {
            self.count = count
            base = .allocate(capacity: count)
            for k in 0..<count {
                // Each slot's own keys: shared arrays would be reference-counted from every worker.
                let keys = Aggregate.Keys(policy: policy)
                // One builder per scenario, each with its own row sums.
                let builders = (0..<scenarios).map { _ in
                    AggregateBuilder(ruleCount: policy.rules.count, keys: keys, width: BatchEvaluator.width)
                }
                (base + k).initialize(to: Slot(keys: keys, aggregates: builders))
            }
        }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }

        /// All workers' aggregates, merged.
        func merged() -> [Aggregate] {
            var out = base[0].aggregates.map { $0.aggregate() }
            for c in 1..<count { for s in out.indices { out[s].merge(base[c].aggregates[s].aggregate()) } }
            return out
        }
    }

    /// Converts and evaluates one batch into a worker's slot (its evaluators and aggregates); returns the
    /// batch's rejected rows in file order.
    ///
    /// CSV rows are written straight into each evaluator's registers (`CSVProfileMapper.load`); a row becomes a
    /// `Profile` only where the fast reader doubts a cell, and where the interval evaluator must decide a rule.
    static func evaluate(_ batch: PendingBatch, _ scenarios: [Scenario], policy: PolicySet,
                         slot: UnsafeMutablePointer<WorkerSlots.Slot>) -> [(line: Int, reason: String)] {
        // Everything the loop reads is this thread's own: shared objects would be reference-counted from
        // several threads per profile.
        if slot.pointee.mapper == nil, let shared = PendingBatch.Reader.mapper(of: batch) {
            slot.pointee.mapper = policy.replica().flatMap {
                try? CSVProfileMapper(schema: $0.schema, header: shared.headers, file: "", lang: shared.lang)
            } ?? shared
        }
        if slot.pointee.evaluators.isEmpty {
            // Made for any year of the calendar; an evaluator follows year changes itself.
            slot.pointee.evaluators = scenarios.compactMap { sc in
                BatchEvaluator(engine: sc.engine, year: sc.year ?? 2017, disabled: sc.disabled)
            }
            slot.pointee.memories = slot.pointee.evaluators.map(\.memory)
        }
        var feed = BatchFeed(batch, scenarios: scenarios, slot: slot)
        for k in 0..<batch.count { feed.add(k) }
        feed.flush()
        let rejects = feed.rejects
        feed = BatchFeed(.records([]), scenarios: scenarios, slot: slot)
        if case .csv(let rows, _, _) = batch { rows.recycle() }
        return rejects
    }

    /// A CSV batch as the feed reads it: rows, this worker's mapper and the reader's row view.
    final class CSVPart {
        let rows: CSVRowBatch
        let mapper: CSVProfileMapper
        let view: CSVRowStorage

        init(rows: CSVRowBatch, mapper: CSVProfileMapper, view: CSVRowStorage) {
            self.rows = rows; self.mapper = mapper; self.view = view
        }

        /// Batch row `k` written by the fast reader at place `r` of every memory; its line, or nil when the fast
        /// reader leaves the row to the profile reader.
        func load(_ k: Int, into memories: [BatchMemory], at r: Int) -> Int? {
            if let plain = rows.plain(k) {
                for s in memories.indices
                where !mapper.load(plain: plain.bytes, count: plain.count, line: plain.line, view: view, into: memories[s], at: r) {
                    return nil
                }
                return plain.line
            }
            let row = rows.row(k, in: view)
            for s in memories.indices where !mapper.load(row, into: memories[s], at: r) { return nil }
            return row.line
        }
    }

    /// Fills the evaluators' registers row by row and evaluates them a batch (`BatchEvaluator.width` rows, one
    /// year) at a time into the slot's aggregates.
    struct BatchFeed {
        let reader: PendingBatch.Reader
        /// A CSV batch's rows, mapper and row views, in one object: binding a mapper (a struct of arrays) would
        /// count references to each array per row.
        let csv: CSVPart?
        let file: String
        let slot: UnsafeMutablePointer<WorkerSlots.Slot>
        /// Each scenario's registers.
        let memories: [BatchMemory]
        let yearSlot: Int?
        let overrides: [Int?]
        /// Rows in the registers, and each one's `Profile` when it was made (else made on demand).
        var filled = 0
        var profiles: [Profile?]
        /// The year of the rows in the registers, per scenario; the current row's; the last year found in the
        /// calendar.
        var years: [Int]
        var rowYears: [Int]
        var checkedYear = Int.min
        var rejects: [(line: Int, reason: String)] = []

        init(_ batch: PendingBatch, scenarios: [Scenario], slot: UnsafeMutablePointer<WorkerSlots.Slot>) {
            reader = PendingBatch.Reader(batch, mapper: slot.pointee.mapper)
            if case .csv(let b, let m, let f) = batch, let view = reader.view {
                csv = CSVPart(rows: b, mapper: slot.pointee.mapper ?? m, view: view)
                file = f
            } else {
                csv = nil; file = ""
            }
            self.slot = slot
            memories = slot.pointee.memories
            yearSlot = scenarios[0].engine.yearSlot
            overrides = scenarios.map(\.year)
            profiles = Array(repeating: nil, count: BatchEvaluator.width)
            years = Array(repeating: Int.min, count: scenarios.count)
            rowYears = years
        }

        /// Writes batch row `k` into every evaluator's registers at the next place, or rejects it.
        mutating func add(_ k: Int) {
            guard let line = load(k, at: filled) else { return }
            // The evaluated year: --year, else the row's own.
            var changed = false
            for s in 0..<rowYears.count {
                var y = overrides[s]
                if y == nil, let ys = yearSlot {
                    let m = memories[s]
                    let at = ys * m.width + filled
                    if m.numKnown[at] != 0, m.num[at].isInteger { y = Int(exactly: m.num[at].floor()) }
                }
                guard let year = y else {
                    rejects.append((line, "no year: the row has no \"year\" and no --year was given"))
                    return
                }
                if year != checkedYear {
                    guard DayRange.year(year) != nil else {
                        rejects.append((line, "year \(year) is outside the calendar (1–9998)"))
                        return
                    }
                    checkedYear = year
                }
                rowYears[s] = year
                if year != years[s] { changed = true }
            }
            if changed {
                if filled > 0 {
                    // A new year: evaluate the rows so far, then this row again in the first place.
                    flush()
                    _ = load(k, at: 0)
                }
                for s in 0..<rowYears.count { years[s] = rowYears[s] }
            }
            filled += 1
            if filled == BatchEvaluator.width { flush() }
        }

        /// Loads batch row `k` at place `r` of every evaluator; its line, or nil when the row is rejected.
        private mutating func load(_ k: Int, at r: Int) -> Int? {
            profiles[r] = nil
            if let line = csv?.load(k, into: memories, at: r) { return line }
            switch reader.record(k) {
            case .profile(let p):
                for m in memories { m.load(row: r, p.values, used: m.usedSlots) }
                profiles[r] = p
                return Simulator.line(p.origin)
            case .rejected(let line, let reason):
                rejects.append((line, reason))
                return nil
            }
        }

        /// Evaluates the rows in the registers and adds them to the aggregates.
        mutating func flush() {
            guard filled > 0 else { return }
            let n = filled
            filled = 0
            let keys = slot.pointee.keys, profiles = self.profiles
            for s in memories.indices {
                // Every year here passed `DayRange.year` in `add`, which is all a plan needs: never false.
                let ok = slot.pointee.evaluators[s].evaluate(count: n, year: years[s]) { r in profiles[r] }
                guard ok else { continue }
                let m = memories[s], w = m.width
                let results = slot.pointee.evaluators[s].results
                slot.pointee.aggregates[s].add(results, rows: n, region: { r in keys.regionSlot.flatMap { m.text[$0 * w + r] } },
                                               employees: { r in keys.employeesSlot.flatMap { m.numKnown[$0 * w + r] != 0 ? m.num[$0 * w + r] : nil } })
            }
        }

    }

    static func line(_ origin: String) -> Int { Int(origin.split(separator: ":").last ?? "") ?? 0 }
}
