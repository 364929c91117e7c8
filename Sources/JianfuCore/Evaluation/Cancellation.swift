import Synchronization

/// Asks a running evaluation to stop: `serve` raises it when a request passes its CPU deadline (or the server
/// stops before the request started), and the evaluation looks at it once per rule and per list item.
public final class CancellationFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    public func raise() { raised.store(true, ordering: .relaxed) }

    public var isRaised: Bool { raised.load(ordering: .relaxed) }
}

/// The flag of the evaluation running on this thread. Outside `serve` there is none and nothing stops early.
/// A cancelled evaluation returns whatever it had (rules skipped, lists cut short): whoever raised the flag
/// discards that answer, so no cancelled result is ever shown.
public enum Cancellation {
    @TaskLocal public static var flag: CancellationFlag?

    /// True once the current evaluation has been asked to stop (a task-local read and a relaxed load).
    static var requested: Bool { flag?.isRaised ?? false }
}
