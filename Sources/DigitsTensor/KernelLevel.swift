internal import CKernels

/// The instruction-set level the fast kernels run at.
public enum KernelLevel {
    /// The levels, fastest first.
    public static let all = ["avx512", "avx2", "portable"]

    /// The level the calling thread's kernels run at now: "avx512", "avx2" or "portable".
    public static var current: String { String(cString: ck_kernel_level()) }

    /// The levels this CPU can run, fastest first.
    public static var supported: [String] {
        all.filter { level in
            defer { _ = force(nil) }
            return force(level)
        }
    }

    /// Makes the calling thread's kernels run at `level` (nil: the fastest this CPU supports);
    /// false, changing nothing, when the CPU cannot run it. Other threads are not affected, so
    /// tests and benchmarks can force a level beside work that must not change.
    @discardableResult
    public static func force(_ level: String?) -> Bool {
        ck_force_kernel_level(level)
    }
}
