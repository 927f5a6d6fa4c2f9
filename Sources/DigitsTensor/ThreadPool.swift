internal import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of threads that run one task together, with a barrier they can meet at inside it:
/// the one thread mechanism of the library, for training steps and evaluation alike.
///
/// Every thread index of a run gets its own thread and all run at once (the caller's thread is
/// index 0), so a task may wait at `barrier()` for the others — something a work queue cannot
/// promise. The training engine runs each step as one task whose phases (load, first layer,
/// the rest of forward and backward, update) are separated by barriers; evaluation runs one
/// task in which each thread scores its own part of the data set.
///
/// What a thread computes is decided from its index alone — never by which thread happens to
/// run it first — so results are the same on every run for a given thread count.
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
                ck_pool_run(
                    pool,
                    { context, thread in
                        context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(thread))
                    }, context)
            }
        }
    }

    /// Waits, inside a `run`, until every thread of the run has called `barrier()`.
    public func barrier() {
        ck_pool_barrier(pool)
    }

    /// Splits `0..<count` into `threadCount` contiguous ranges whose sizes differ by at most one;
    /// range `t` goes to thread `t`.
    public func split(_ count: Int) -> [Range<Int>] {
        (0 ..< threadCount).map { Self.share(of: count, part: $0, parts: threadCount) }
    }

    /// Part `t` of `0..<count` cut into `parts` contiguous ranges whose sizes differ by at most
    /// one, without building the others (for hot loops that need only their own).
    public static func share(of count: Int, part t: Int, parts: Int) -> Range<Int> {
        (count * t / parts) ..< (count * (t + 1) / parts)
    }

    /// The number of processors this machine reports (at least 1).
    public static var processorCount: Int {
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }
}
