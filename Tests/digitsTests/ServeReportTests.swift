import DigitsKit
import DigitsTestSupport
import Foundation
import Testing

@testable import digits

/// The report `digits serve` makes before it listens, when the default data folder has no usable
/// test set: the start line must name the real cause, so a damaged test set is not mistaken for a
/// missing one.
@Suite(
    .disabled(
        if: FileSystem.isDirectory(MNISTDirectory.defaultPath),
        "a data/mnist folder in the current directory is chosen before the per-user cache these tests fill"))
struct ServeReportTests {
    @Test func aMissingTestSetIsNamedAsMissing() throws {
        let cache = try TemporaryDirectory()
        let report = try Serve.report(
            of: try ShippedModel.load(), named: "model", data: nil, environment: ["XDG_CACHE_HOME": cache.path])
        #expect(report.page.evaluation == nil)
        #expect(report.withoutTestSet == "no MNIST test set in \(cache.path)/digits/mnist")
        #expect(
            Serve.describe(report, at: "http://127.0.0.1:1/report/")
                == "Report: http://127.0.0.1:1/report/ (without the test-set parts: no MNIST test set in "
                + "\(cache.path)/digits/mnist; name an MNIST folder with --data)")
    }

    @Test func aDamagedTestSetIsNamedAsDamaged() throws {
        let cache = try TemporaryDirectory()
        try FileManager.default.createDirectory(
            atPath: cache.file("digits/mnist"), withIntermediateDirectories: true)
        for name in ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
            try cache.write(Array("not an IDX file".utf8), to: "digits/mnist/" + name)
        }
        let report = try Serve.report(
            of: try ShippedModel.load(), named: "model", data: nil, environment: ["XDG_CACHE_HOME": cache.path])
        #expect(report.page.evaluation == nil)
        let reason = try #require(report.withoutTestSet)
        #expect(reason.contains("\(cache.path)/digits/mnist/t10k-"))
        #expect(reason.contains("is not an IDX file"))
        #expect(Serve.describe(report, at: "http://127.0.0.1:1/report/").contains(reason))
    }
}
