import Glibc

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

    /// The queue of jobs, guarded by a POSIX mutex, and the condition that one is waiting.
    ///
    /// POSIX primitives rather than `Mutex` and a semaphore: ThreadSanitizer follows them, so
    /// it sees that a job added on one thread is run on another only after the handover.
    private final class Shared: @unchecked Sendable {
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        /// Jobs not yet taken, from `next` on (taking one is O(1)); guarded by `mutex`.
        private var jobs: [UnownedJob] = []
        private var next = 0
        /// Whether the threads are to end once the queue is empty; guarded by `mutex`.
        private var stopping = false

        init() {
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(changed, nil)
        }

        deinit {
            pthread_cond_destroy(changed)
            pthread_mutex_destroy(mutex)
            changed.deallocate()
            mutex.deallocate()
        }

        func add(_ job: UnownedJob) {
            pthread_mutex_lock(mutex)
            jobs.append(job)
            pthread_mutex_unlock(mutex)
            pthread_cond_signal(changed)
        }

        /// Lets every thread end once the jobs before this call have run.
        func stop() {
            pthread_mutex_lock(mutex)
            stopping = true
            pthread_mutex_unlock(mutex)
            pthread_cond_broadcast(changed)
        }

        /// A thread's life: run jobs as they come, in order, until told to stop and none is left.
        func work(on executor: UnownedTaskExecutor) {
            while true {
                pthread_mutex_lock(mutex)
                while next == jobs.count && !stopping { pthread_cond_wait(changed, mutex) }
                guard next < jobs.count else {
                    pthread_mutex_unlock(mutex)
                    return
                }
                let job = jobs[next]
                next += 1
                if next == jobs.count {
                    jobs.removeAll(keepingCapacity: true)
                    next = 0
                }
                pthread_mutex_unlock(mutex)
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
