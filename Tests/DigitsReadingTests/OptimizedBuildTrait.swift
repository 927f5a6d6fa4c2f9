import DigitsTestSupport
import Testing

extension Trait where Self == ConditionTrait {
    /// Runs the test only in an optimised build (`TestBuild.isOptimized`), and says otherwise how
    /// to run it: for tests that read dozens of pictures of numbers.
    static var onlyOptimized: Self {
        .enabled(if: TestBuild.isOptimized, Comment(rawValue: TestBuild.needsOptimizedBuild))
    }
}
