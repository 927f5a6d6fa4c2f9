import Foundation
import DigitsData
import DigitsTensor

/// Paths and scratch folders shared by the data-layer tests.
public enum DataTestSupport {
    /// The root of the package checkout: this file is `Tests/DigitsTestSupport/DataTestSupport.swift`.
    public static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // DigitsTestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
        .path

    /// The bundled 5,000-digit subset.
    public static let subsetDirectory = packageRoot + "/Fixtures/mnist-subset"

    /// Runs `body` with a fresh, empty folder that is removed afterwards.
    @discardableResult
    public static func withTemporaryDirectory<Result>(_ body: (String) throws -> Result) throws -> Result {
        let directory = try TemporaryDirectory()
        return try withExtendedLifetime(directory) { try body(directory.path) }
    }

    /// Writes `bytes` to `path`, replacing any file there.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Deterministic pseudo-random bytes, so that failures reproduce.
    public static func pseudoRandomBytes(count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0 ..< count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }
}

/// Where the full MNIST set is, when this machine has it: `$DIGITS_MNIST`, else `../shared/mnist`
/// beside the package checkout. Tests that need it are skipped when it is absent, or when
/// `DIGITS_MNIST=none` turns them off (as `scripts/sanitize` does).
public enum FullMNIST {
    /// Whether `DIGITS_MNIST=none` turns the full-MNIST tests off.
    static let isTurnedOff = ProcessInfo.processInfo.environment["DIGITS_MNIST"] == "none"

    /// The folder holding all four MNIST files, or nil when none of the candidates does.
    public static let directory: MNISTDirectory? = {
        if isTurnedOff { return nil }
        let candidates = [
            ProcessInfo.processInfo.environment["DIGITS_MNIST"],
            DataTestSupport.packageRoot + "/../shared/mnist",
        ]
        return candidates.compactMap { $0 }.filter { !$0.isEmpty }
            .map { MNISTDirectory(path: $0) }
            .first { $0.missingFiles().isEmpty }
    }()

    /// Whether full MNIST is here; says why not on standard output, so a skipped test explains
    /// itself.
    public static var isAvailable: Bool {
        if isTurnedOff {
            print("Full-MNIST tests are turned off (DIGITS_MNIST=none); skipping its test.")
        } else if directory == nil {
            print("Full MNIST not found (set DIGITS_MNIST or place it at ../shared/mnist); skipping its test.")
        }
        return directory != nil
    }
}
