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

    /// Whether the calling thread's products of a few rows (a thread's share of a batch: at most
    /// 96 rows at AVX-512, 48 at AVX2) by a row-major matrix read that matrix where it lies
    /// rather than packing it into a buffer first. The CPU decides: reading in place is faster on most, packing on the first
    /// Zen cores. Both give the same bits.
    public static var readsInPlace: Bool { ck_reading_in_place() }

    /// Makes the calling thread's products read in place (true) or always pack (false); nil
    /// restores the CPU's choice. For tests and benchmarks, like `force(_:)`.
    public static func forceReadingInPlace(_ readInPlace: Bool?) {
        ck_force_reading_in_place(readInPlace.map { $0 ? 1 : 0 } ?? -1)
    }

    /// Whether the calling thread's AVX-512 resampling of distorted digits gathers each output
    /// pixel's neighbours rather than looking up the whole source rows they lie in. The CPU
    /// decides: gathering is faster on Intel's cores, rows on AMD's. Both give the same bits.
    public static var resamplingGathers: Bool { ck_resampling_gathers() }

    /// Makes the calling thread's AVX-512 resampling gather (true) or look up rows (false); nil
    /// restores the CPU's choice. For tests and benchmarks, like `force(_:)`.
    public static func forceResamplingGathers(_ gathers: Bool?) {
        ck_force_resampling_gathers(gathers.map { $0 ? 1 : 0 } ?? -1)
    }
}
