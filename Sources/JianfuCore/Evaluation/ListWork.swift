/// Counts the work spent on list items (items visited by aggregates and guidance, fact references merged), so
/// that a test can check it grows linearly with a list's length (issue 20.1). Off unless a test installs one
/// with `ListWork.$counter.withValue(…)`; evaluators read it once per list, never per item.
public final class ListWork: Sendable {
    private let total = Mutex(0)

    public init() {}

    /// The work counted so far, in item visits.
    public var count: Int { total.withLock { $0 } }

    /// Per-profile paths run for millions of rows (point closures, loading batch pools) count only lists longer
    /// than this, so that short lists cost no look-up of the counter.
    static let countedLength = 32

    /// The counter of the current task, if a test installed one.
    @TaskLocal public static var counter: ListWork?

    /// Adds `n` visits to the installed counter, if any.
    static func add(_ n: Int) {
        guard n > 0, let c = counter else { return }
        c.total.withLock { $0 += n }
    }
}
