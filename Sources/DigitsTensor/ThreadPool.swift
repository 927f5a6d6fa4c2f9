internal import CKernels

/// A fixed set of threads that run one task together, with a barrier they can meet at inside it.
///
/// Every thread index of a run gets its own thread and all run at once (the caller's thread is
/// index 0), so a task may wait at `barrier()` for the others — something a work queue cannot
/// promise. The training engine runs each step as one task whose phases (load, first layer,
/// the rest of forward and backward, update) are separated by barriers.
public final class ThreadPool {
    /// How many threads a run uses.
    public let threadCount: Int
    private let pool: OpaquePointer

    /// A pool of `threadCount` threads (at least 1).
    public init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
        guard let pool = ck_pool_create(Int32(self.threadCount)) else {
            fatalError("could not start \(self.threadCount) threads")
        }
        self.pool = pool
    }

    deinit {
        ck_pool_destroy(pool)
    }

    /// Calls `body(t)` for every thread index `t` at the same time and returns when all are done.
    ///
    /// The calls must touch disjoint mutable state, or separate their accesses with `barrier()`.
    public func run(_ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            var task = body
            withUnsafeMutablePointer(to: &task) { context in
                ck_pool_run(pool, { context, thread in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(thread))
                }, context)
            }
        }
    }

    /// Waits, inside a `run`, until every thread of the run has called `barrier()`.
    public func barrier() {
        ck_pool_barrier(pool)
    }
}
