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

    /// Runs the whole source. Rejected rows go to `reject(line, reason)`; rows read = evaluated + rejected.
    public func run(_ source: inout any ProfileSource, reject: (Int, String) -> Void) throws(Diagnostics) -> [Aggregate] {
        let policy = scenarios[0].engine.policy
        let totals = Mutex(scenarios.map { _ in Aggregate(ruleCount: policy.rules.count) })
        let scenarios = self.scenarios
        let workers = self.workers
        var batch: [Profile] = []
        batch.reserveCapacity(batchSize)
        var rejected = 0, read = 0
        // Reading overlaps evaluation: while one batch is evaluated on every core, the next one is read.
        let inFlight = DispatchGroup()

        func flush() {
            guard !batch.isEmpty else { return }
            let profiles = batch
            batch = []
            batch.reserveCapacity(batchSize)
            inFlight.wait()
            inFlight.enter()
            DispatchQueue.global().async {
                let part = Simulator.evaluate(profiles, scenarios, policy: policy, chunks: min(workers, profiles.count))
                totals.withLock { aggs in for s in aggs.indices { aggs[s].merge(part[s]) } }
                inFlight.leave()
            }
            progress?(read, rejected, fraction)
        }

        var fraction: Double? = nil
        while let rec = try source.next() {
            read += 1
            if read % 4096 == 0 { fraction = source.fractionRead }
            switch rec {
            case .profile(let p):
                // A profile with no year and no --year cannot be evaluated: reject it, naming the line.
                if scenarios.contains(where: { $0.engine.year(of: p, override: $0.year) == nil }) {
                    rejected += 1
                    reject(Self.line(p.origin), "no year: the row has no \"year\" and no --year was given")
                    continue
                }
                batch.append(p)
                if batch.count >= batchSize { flush() }
            case .rejected(let line, let reason):
                rejected += 1
                reject(line, reason)
            }
        }
        flush()
        inFlight.wait()
        var aggs = totals.withLock { $0 }
        for s in aggs.indices { aggs[s].rowsRead = read; aggs[s].rejected = rejected }
        return aggs
    }

    /// Evaluates one batch on `chunks` threads and returns its aggregates, one per scenario.
    static func evaluate(_ profiles: [Profile], _ scenarios: [Scenario], policy: PolicySet, chunks: Int) -> [Aggregate] {
        let regionSlot = policy.schema.fieldIndex("region_code")
        let employeesSlot = policy.schema.fieldIndex("employees")
        let parts = Mutex<[[Aggregate]]>([])
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var local = scenarios.map { _ in Aggregate(ruleCount: policy.rules.count) }
            // One population evaluator per scenario, made for the first profile's year (it follows year changes).
            var evaluators = [PopulationEvaluator?](repeating: nil, count: scenarios.count)
            var i = c
            while i < profiles.count {
                let p = profiles[i]
                for (s, sc) in scenarios.enumerated() {
                    guard let y = sc.engine.year(of: p, override: sc.year) else { continue }
                    if evaluators[s] == nil { evaluators[s] = PopulationEvaluator(engine: sc.engine, year: y, disabled: sc.disabled) }
                    guard var ev = evaluators[s] else { continue }
                    evaluators[s] = nil  // keeps `ev` uniquely referenced while it is updated
                    if ev.evaluate(p, year: y) {
                        local[s].add(ev.tallies, policy: policy, region: p.string(regionSlot), employees: p.number(employeesSlot))
                    }
                    evaluators[s] = ev
                }
                i += chunks
            }
            parts.withLock { $0.append(local) }
        }
        var out = scenarios.map { _ in Aggregate(ruleCount: policy.rules.count) }
        for part in parts.withLock({ $0 }) { for s in out.indices { out[s].merge(part[s]) } }
        return out
    }

    static func line(_ origin: String) -> Int { Int(origin.split(separator: ":").last ?? "") ?? 0 }
}
