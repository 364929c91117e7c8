#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The threads that evaluate requests, no more than the cores. Requests with a large body (long lists) queue
/// apart and at most `workers - 1` of them run at once, so one worker is always left for light requests.
/// Each request has a CPU deadline: the event loop calls `enforceDeadlines()` on every tick, which raises the
/// request's cancellation flag once its thread has spent that much CPU on it.
final class WorkerPool: @unchecked Sendable {
    /// One request to answer.
    struct Job {
        let connection: Connection
        let request: HTTPRequest
        let heavy: Bool
        let flag = CancellationFlag()
    }

    /// A job done: the worker has serialized the response into the connection's output and tried to send it.
    struct Completion {
        let connection: Connection
        /// The socket failed while sending.
        let failed: Bool
    }

    /// A worker thread's CPU clock and the job it runs.
    private struct Slot {
        var clock = clockid_t()
        var job: (flag: CancellationFlag, cpuStart: UInt64, wallStart: UInt64)?
    }

    let workers: Int
    let heavyLimit: Int
    let deadlineNanos: UInt64
    let deadlineSeconds: Double
    private let condition = NSCondition()
    private var light: [Job] = []
    private var lightHead = 0
    private var heavy: [Job] = []
    private var heavyHead = 0
    private var heavyRunning = 0
    private var slots: [Slot]
    private var stopping = false
    private var threadsLeft: Int
    private let finished = DispatchSemaphore(value: 0)
    /// Called on the worker's thread with each completion (the server queues it and wakes the loop).
    private let complete: @Sendable (Completion) -> Void
    private let isServerStopping: @Sendable () -> Bool
    /// Called once a response is ready, before it is sent.
    private let answered: @Sendable () -> Void

    init(workers: Int, deadlineSeconds: Double, routers: [Router],
         isServerStopping: @escaping @Sendable () -> Bool, answered: @escaping @Sendable () -> Void, complete: @escaping @Sendable (Completion) -> Void) {
        self.workers = max(1, workers)
        heavyLimit = max(1, self.workers - 1)
        self.deadlineSeconds = deadlineSeconds
        deadlineNanos = nanos(deadlineSeconds)
        slots = Array(repeating: Slot(), count: self.workers)
        threadsLeft = self.workers
        self.complete = complete
        self.isServerStopping = isServerStopping
        self.answered = answered
        for i in 0..<self.workers {
            let router = routers[i % routers.count]
            let thread = Thread { [self] in work(slot: i, router: router) }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    func submit(_ job: Job) {
        condition.lock()
        if job.heavy { heavy.append(job) } else { light.append(job) }
        condition.signal()
        condition.unlock()
    }

    /// Raises the flag of every job past its CPU deadline, or past twice the deadline in wall time (on a machine
    /// busy with other work a request's CPU time grows slowly; its client and a stopping server wait in wall time).
    func enforceDeadlines() {
        let now = monotonicNanos()
        condition.lock()
        for s in slots {
            guard let job = s.job, !job.flag.isRaised else { continue }
            var t = timespec()
            guard clock_gettime(s.clock, &t) == 0 else { continue }
            let cpu = UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
            if cpu &- job.cpuStart > deadlineNanos || now &- job.wallStart > 2 &* deadlineNanos { job.flag.raise() }
        }
        condition.unlock()
    }

    /// Jobs not yet started are answered 503 without evaluating (their flags raised); running ones finish
    /// within their deadline.
    func cancelQueued() {
        condition.lock()
        for j in light[lightHead...] { j.flag.raise() }
        for j in heavy[heavyHead...] { j.flag.raise() }
        condition.unlock()
    }

    /// Lets the threads end once the queues are empty, and waits for them.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
    }

    /// The next job for a free worker: light ones first; a heavy one while fewer than `heavyLimit` run.
    private func take() -> Job? {
        if lightHead < light.count {
            let j = light[lightHead]
            lightHead += 1
            if lightHead == light.count { light.removeAll(keepingCapacity: true); lightHead = 0 }
            return j
        }
        if heavyHead < heavy.count, heavyRunning < heavyLimit {
            let j = heavy[heavyHead]
            heavyHead += 1
            if heavyHead == heavy.count { heavy.removeAll(keepingCapacity: true); heavyHead = 0 }
            heavyRunning += 1
            return j
        }
        return nil
    }

    private func work(slot: Int, router: Router) {
        condition.lock()
        pthread_getcpuclockid(pthread_self(), &slots[slot].clock)
        while true {
            guard let job = take() else {
                if stopping && lightHead == light.count && heavyHead == heavy.count { break }
                condition.wait()
                continue
            }
            let cancelledBeforeStart = job.flag.isRaised
            slots[slot].job = (job.flag, WorkerPool.threadCPU(), monotonicNanos())
            condition.unlock()
            let response: HTTPResponse
            if cancelledBeforeStart {
                response = APIError(503, "服务正在停止，请求未处理，请稍后重试。 / The server is stopping: the request was not served; retry later.",
                                    headers: [("Retry-After", "1")]).response
            } else {
                let answer = Cancellation.$flag.withValue(job.flag) { router.respond(to: job.request) }
                response = job.flag.isRaised ? deadlineResponse : answer
            }
            answered()
            let c = job.connection
            let keepAlive = job.request.keepAlive && !isServerStopping()
            c.enqueue(response.serialized(keepAlive: keepAlive, includeBody: job.request.method != "HEAD"))
            c.closeAfterOutput = !keepAlive
            let ok = c.flush()
            condition.lock()
            slots[slot].job = nil
            if job.heavy { heavyRunning -= 1 }
            condition.unlock()
            complete(Completion(connection: c, failed: !ok))
            condition.lock()
        }
        threadsLeft -= 1
        let last = threadsLeft == 0
        condition.unlock()
        if last { finished.signal() }
    }

    private var deadlineResponse: HTTPResponse {
        let s = deadlineSeconds == deadlineSeconds.rounded() ? String(Int(deadlineSeconds)) : String(deadlineSeconds)
        return APIError(503, "请求的计算超过了 \(s) 秒的时限，已停止：请缩短档案中的列表后重试。"
                        + " / The request needed more than \(s) s of CPU and was stopped: shorten the profile's lists and retry.",
                        headers: [("Retry-After", "1")]).response
    }

    static func threadCPU() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }
}
