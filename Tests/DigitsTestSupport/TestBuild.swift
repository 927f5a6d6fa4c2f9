/// How the tests and the code under them were compiled.
public enum TestBuild {
    /// Whether the build is optimised. The tests that read dozens of pictures of numbers (the
    /// reading-accuracy measurement, and those that measure one reader against another) run only
    /// then: unoptimised, each reading takes seconds (the matrix kernels are compiled without
    /// optimisation too), and those tests alone took about twenty minutes of a debug `swift test`
    /// on two cores.
    public static let isOptimized: Bool = {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }()

    /// Why a test that needs an optimised build was skipped, and how to run it.
    public static let needsOptimizedBuild =
        "reads dozens of pictures: runs in optimised builds (`swift test -c release -Xswiftc -enable-testing`, "
        + "or `scripts/sanitize address`, which CI runs)"
}
