import Foundation

/// All rule results for one profile and year, with exclusive groups resolved and totals.
public struct CheckResult: Sendable {
    public var year: Int
    public var results: [RuleResult]
    public var totals: Totals
}

/// Sums of granted savings (eligible rules only), in fen.
public struct Totals: Sendable, Equatable {
    public var low: Int128 = 0
    public var high: Int128 = 0
    /// Liquidity amounts refunded or deferred (never added to savings).
    public var liquidity: Int128 = 0
    public var byCategory: [String: (low: Int128, high: Int128)] = [:]
    public var eligible = 0
    public var undetermined = 0

    public static func == (a: Totals, b: Totals) -> Bool {
        a.low == b.low && a.high == b.high && a.liquidity == b.liquidity && a.eligible == b.eligible
            && a.undetermined == b.undetermined && a.byCategory.count == b.byCategory.count
            && a.byCategory.allSatisfy { k, v in b.byCategory[k].map { $0.low == v.low && $0.high == v.high } ?? false }
    }
}

/// The engine: a compiled policy set plus per-year plans. Thread-safe for reading: evaluate from any thread.
public final class Engine: Sendable {
    public let policy: PolicySet
    private let plans: Mutex<[Int: YearPlan]>
    public let yearSlot: Int?

    public init(policy: PolicySet) {
        self.policy = policy
        plans = Mutex([:])
        yearSlot = policy.schema.fieldIndex("year")
    }

    /// The plan for `year`, built once.
    public func plan(_ year: Int) -> YearPlan? {
        if let p = plans.withLock({ $0[year] }) { return p }
        guard let p = YearPlan(policy: policy, year: year) else { return nil }
        plans.withLock { $0[year] = p }
        return p
    }

    /// The evaluated year: `override` (--year) wins over the profile's `year`.
    public func year(of profile: Profile, override: Int?) -> Int? {
        Engine.year(of: profile, slot: yearSlot, override: override)
    }

    static func year(of profile: Profile, slot: Int?, override: Int?) -> Int? {
        if let override { return override }
        guard let r = profile.number(slot), r.isInteger else { return nil }
        return Int(exactly: r.floor())
    }

    /// Evaluates every rule. `trace` records pieces for explanations.
    public func check(_ profile: Profile, year: Int, trace: Bool = false, only: Set<Int>? = nil) -> CheckResult? {
        guard let plan = plan(year) else { return nil }
        return check(profile, plan: plan, trace: trace, only: only)
    }

    /// The same with the year's plan already at hand (population runs fetch it once, not per profile).
    public func check(_ profile: Profile, plan: YearPlan, trace: Bool = false, only: Set<Int>? = nil) -> CheckResult {
        let year = plan.year
        let ev = RuleEvaluator(policy: policy, plan: plan)
        var evaluator = ev.evaluator(for: profile)
        var results: [RuleResult] = []
        results.reserveCapacity(policy.rules.count)
        for i in policy.rules.indices {
            // A request past its deadline in `serve` skips the remaining rules (its answer is discarded).
            if Cancellation.requested || only.map({ !$0.contains(i) }) == true {
                results.append(RuleResult(rule: i, status: .notInForce))
                continue
            }
            results.append(ev.evaluate(i, profile, trace: trace, using: &evaluator))
        }
        resolveGroups(&results)
        return CheckResult(year: year, results: results, totals: totals(results, byCategory: trace))
    }

    /// 就高不重复: among eligible members of a group, the largest high end is granted; ties go to the first.
    func resolveGroups(_ results: inout [RuleResult]) {
        // Indices, not `for r in results`: a RuleResult is large and copying it per rule showed in profiles.
        var winners: [String: Int] = [:]
        for i in results.indices where results[i].status == .eligible && policy.rules[i].group != nil {
            guard let g = policy.rules[i].group, let h = results[i].exactHigh else { continue }
            if let w = winners[g], let wh = results[w].exactHigh, wh >= h { continue }
            winners[g] = i
        }
        if winners.isEmpty { return }
        for i in results.indices {
            guard let g = policy.rules[i].group, let w = winners[g], w != i else { continue }
            if results[i].status == .eligible { results[i].status = .superseded; results[i].supersededBy = w }
            if results[i].status == .undetermined { results[i].mayOutrank = w }
        }
    }

    /// `byCategory` is filled for reports (traced checks); population runs aggregate categories themselves.
    func totals(_ results: [RuleResult], byCategory: Bool = true) -> Totals {
        var t = Totals()
        for i in results.indices {
            switch results[i].status {
            case .eligible:
                t.eligible += 1
                if let l = results[i].low, let h = results[i].high {
                    t.low += l; t.high += h
                    if byCategory {
                        let category = policy.rules[i].category
                        let c = t.byCategory[category] ?? (0, 0)
                        t.byCategory[category] = (c.low + l, c.high + h)
                    }
                }
                if let a = results[i].amount { t.liquidity += a }
            case .undetermined: t.undetermined += 1
            default: break
            }
        }
        return t
    }
}

/// A small lock around a value (Foundation's NSLock; no Synchronization import needed).
final class Mutex<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) -> R) -> R {
        lock.lock(); defer { lock.unlock() }
        return body(&value)
    }
}
