import Foundation

/// Copies of the engine for connections to use one at a time. Every check reference-counts the catalog's rules;
/// threads on different cores counting references to the same objects fight over their cache lines (a tenth of
/// `serve`'s time with one shared engine). A copy is loaded from the same folder and used only when its rule-pack
/// hash equals the shared engine's, so every connection answers from the same catalog.
final class EnginePool: @unchecked Sendable {
    let shared: Engine
    /// At most this many copies are kept (more connections share the engine).
    let capacity: Int
    private let lock = NSLock()
    private var free: [Engine] = []
    private var made = 0
    /// Set once a copy could not be made (the folder changed or vanished): from then on, the shared engine only.
    private var sharedOnly = false

    init(shared: Engine, capacity: Int) {
        self.shared = shared
        self.capacity = capacity
    }

    /// An engine for one connection; give it back with `checkIn`.
    func checkOut() -> Engine {
        lock.lock()
        if let e = free.popLast() { lock.unlock(); return e }
        guard !sharedOnly, made < capacity else { lock.unlock(); return shared }
        made += 1
        lock.unlock()
        // Loaded outside the lock: a few milliseconds, once per copy.
        if let policy = shared.policy.replica() { return Engine(policy: policy) }
        lock.lock()
        made -= 1
        sharedOnly = true
        lock.unlock()
        return shared
    }

    func checkIn(_ engine: Engine) {
        guard engine !== shared else { return }
        lock.lock()
        free.append(engine)
        lock.unlock()
    }
}
