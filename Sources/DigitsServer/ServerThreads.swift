import Dispatch
import Glibc
import Synchronization

/// The threads a server's tasks run on: its own, not Swift's cooperative pool.
///
/// On the cooperative pool (one thread per core) the server would answer only when nothing else
/// in the process holds those threads; a test suite that trains models beside an in-process
/// server, for one, can hold them for minutes. With threads of its own the server is answered
/// promptly whatever else the process does. (Classifying still runs on `ServerRoutes`' worker
/// queues, so a long request never holds these threads either.)
///
/// Jobs run in the order they arrive, each on whichever thread is free. The threads end once the
/// executor is released and every job it was given has run.
final class ServerThreads: TaskExecutor {
    /// The jobs waiting to run, shared with the threads.
    private let shared: Shared

    /// Starts `count` threads (at least one) that wait for jobs.
    ///
    /// - Throws: `ServerError.threads` when the system refuses a thread.
    init(count: Int) throws(ServerError) {
        shared = Shared()
        let executor = UnownedTaskExecutor(ordinary: self)
        for _ in 0 ..< max(1, count) {
            let shared = shared
            let code = Self.startThread { shared.work(on: executor) }
            guard code == 0 else { throw .threads(reason: String(cString: strerror(code))) }
            shared.threadCount += 1
        }
    }

    /// As many threads as the machine has cores.
    convenience init() throws(ServerError) {
        try self.init(count: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    deinit {
        shared.stop()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        shared.add(UnownedJob(job))
    }

    /// The queue of jobs and the signal that one is waiting.
    private final class Shared: @unchecked Sendable {
        /// Jobs not yet taken, and the index of the first of them (taking one is O(1)).
        private let queue = Mutex<(jobs: [UnownedJob], next: Int)>(([], 0))
        /// Signalled once per job added, and once per thread to end it.
        private let signal = DispatchSemaphore(value: 0)
        /// How many threads were started; counted in `init`, before any job can arrive.
        var threadCount = 0

        func add(_ job: UnownedJob) {
            queue.withLock { $0.jobs.append(job) }
            signal.signal()
        }

        /// Lets every thread end once the jobs before this call have run.
        func stop() {
            for _ in 0 ..< threadCount { signal.signal() }
        }

        /// A thread's life: take a job per signal; a signal with no job waiting means "end".
        ///
        /// Every `add` signals once and `stop` once per thread, so however the wake-ups are
        /// shared out, each job runs once and each thread ends once.
        func work(on executor: UnownedTaskExecutor) {
            while true {
                signal.wait()
                let job: UnownedJob? = queue.withLock { queue in
                    guard queue.next < queue.jobs.count else { return nil }
                    let job = queue.jobs[queue.next]
                    queue.next += 1
                    if queue.next == queue.jobs.count {
                        queue.jobs.removeAll(keepingCapacity: true)
                        queue.next = 0
                    }
                    return job
                }
                guard let job else { return }
                job.runSynchronously(on: executor)
            }
        }
    }

    /// Starts a detached POSIX thread running `body`; returns 0, or `pthread_create`'s error.
    private static func startThread(_ body: @escaping @Sendable () -> Void) -> Int32 {
        final class Body {
            let run: @Sendable () -> Void
            init(_ run: @escaping @Sendable () -> Void) { self.run = run }
        }
        let context = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let code = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context.toOpaque())
        guard code == 0 else {
            context.release()
            return code
        }
        pthread_detach(thread)
        return 0
    }
}
