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
        let totals = Mutex(scenarios.map { _ in Aggregate(ruleCount: policy.rules.count) })
        // Rows rejected while converting or evaluating a batch, reported by this thread once the batch is done.
        let pendingRejects = Mutex<[(line: Int, reason: String)]>([])
        let scenarios = self.scenarios
        let workers = self.workers
        var rejected = 0, read = 0
        // Reading overlaps evaluation: while one batch is converted and evaluated on every core, the next is read.
        let inFlight = DispatchGroup()

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
                let (part, rejects) = Simulator.evaluate(batch, scenarios, policy: policy, chunks: min(workers, batch.count))
                totals.withLock { aggs in for s in aggs.indices { aggs[s].merge(part[s]) } }
                pendingRejects.withLock { $0 = rejects }
                inFlight.leave()
            }
            progress?(read, rejected, source.fractionRead)
        }
        inFlight.wait()
        reportRejects()
        var aggs = totals.withLock { $0 }
        for s in aggs.indices { aggs[s].rowsRead = read; aggs[s].rejected = rejected }
        return aggs
    }

    /// Converts and evaluates one batch on `chunks` threads: its aggregates, one per scenario, and its rejected
    /// rows in file order.
    static func evaluate(_ batch: PendingBatch, _ scenarios: [Scenario], policy: PolicySet,
                         chunks: Int) -> ([Aggregate], [(line: Int, reason: String)]) {
        let regionSlot = policy.schema.fieldIndex("region_code")
        let employeesSlot = policy.schema.fieldIndex("employees")
        let parts = Mutex<[[Aggregate]]>([])
        let rejects = Mutex<[(index: Int, line: Int, reason: String)]>([])
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var local = scenarios.map { _ in Aggregate(ruleCount: policy.rules.count) }
            var localRejects: [(index: Int, line: Int, reason: String)] = []
            // One population evaluator per scenario, made for the first profile's year (it follows year changes);
            // updated in place, never copied per profile (a copy would count references to every buffer it holds).
            var evaluators: [PopulationEvaluator] = []
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
                var years = [Int](repeating: 0, count: scenarios.count)
                var problem: String?
                for (s, sc) in scenarios.enumerated() {
                    guard let y = sc.engine.year(of: p, override: sc.year) else {
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
                if evaluators.isEmpty {
                    evaluators = zip(scenarios, years).compactMap { sc, y in PopulationEvaluator(engine: sc.engine, year: y, disabled: sc.disabled) }
                }
                for s in evaluators.indices where evaluators[s].evaluate(p, year: years[s]) {
                    local[s].add(evaluators[s].tallies, policy: policy, region: p.string(regionSlot), employees: p.number(employeesSlot))
                }
            }
            parts.withLock { $0.append(local) }
            rejects.withLock { $0 += localRejects }
        }
        var out = scenarios.map { _ in Aggregate(ruleCount: policy.rules.count) }
        for part in parts.withLock({ $0 }) { for s in out.indices { out[s].merge(part[s]) } }
        let ordered = rejects.withLock { $0 }.sorted { $0.index < $1.index }.map { (line: $0.line, reason: $0.reason) }
        return (out, ordered)
    }

    static func line(_ origin: String) -> Int { Int(origin.split(separator: ":").last ?? "") ?? 0 }
}
