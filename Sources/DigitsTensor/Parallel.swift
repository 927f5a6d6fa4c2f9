import Dispatch

/// Runs a body once per thread index, on `threadCount` threads, and waits for all of them.
///
/// The work split is decided by the caller from the index alone — never by which thread happens
/// to run it — so results are the same on every run for a given thread count.
public struct ParallelRunner: Sendable {
    /// How many pieces each `run` splits its work into (≥ 1).
    public let threadCount: Int

    /// A runner for `threadCount` threads (at least 1).
    public init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
    }

    /// The number of processors this machine reports.
    public static var processorCount: Int {
        #if canImport(Glibc) || canImport(Darwin)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }

    /// Calls `body(t)` for every `t` in `0..<threadCount`, in parallel, and returns when all are done.
    ///
    /// The caller guarantees that the calls touch disjoint mutable state (each index its own
    /// workspace or its own range); that is the contract that lets `body` be a plain closure.
    public func run(_ body: (Int) -> Void) {
        if threadCount == 1 {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: threadCount) { shared.value($0) }
        }
    }

    /// Splits `0..<count` into `threadCount` contiguous ranges whose sizes differ by at most one;
    /// range `t` goes to thread `t`.
    public func split(_ count: Int) -> [Range<Int>] {
        (0 ..< threadCount).map { ParallelRunner.share(of: count, part: $0, parts: threadCount) }
    }

    /// Part `t` of `0..<count` cut into `parts` contiguous ranges whose sizes differ by at most
    /// one, without building the others (for hot loops that need only their own).
    public static func share(of count: Int, part t: Int, parts: Int) -> Range<Int> {
        (count * t / parts) ..< (count * (t + 1) / parts)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Carries a value across a concurrency boundary that the compiler cannot check; used only where
/// the caller has made the accesses disjoint.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
