import Foundation
import Testing
import DigitsKit
import DigitsTestSupport

@Suite(.serialized) struct DownloadCommandTests {
    @Test(.enabled(if: FullMNIST.isAvailable, "needs full MNIST in $DIGITS_MNIST or ../shared/mnist"))
    func downloadsMNISTFromAMirrorThenFindsItInPlace() throws {
        let source = try #require(FullMNIST.directory)
        let server = try TestHTTPServer.mnistMirror(of: source, under: "mnist")
        defer { server.stop() }
        let folder = try ScratchFolder()
        let target = folder.path("data/mnist")

        let first = try CommandRunner.run(["download", "--to", target, "--mirror", server.baseURL + "mnist"])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("MNIST is ready in \(target) (4 of 4 files downloaded)"))
        #expect(first.standardError.contains("SHA-256 verified"))
        let names = try FileManager.default.contentsOfDirectory(atPath: target).sorted()
        #expect(names == MNISTFile.all.map { $0.standardName + ".gz" }.sorted())
        #expect(MNISTDirectory(path: target).missingFiles().isEmpty)

        let second = try CommandRunner.run(["download", "--to", target, "--mirror", server.baseURL + "mnist"])
        #expect(second.status == 0)
        #expect(second.standardOutput.contains("All 4 MNIST files are already in \(target)."))
        #expect(server.requests.count == 4, "nothing is fetched twice")
    }

    @Test func everyMirrorFailingExitsNonZeroNamingEachMirror() throws {
        let server = try TestHTTPServer(routes: ["/html/train-images-idx3-ubyte.gz": .html])
        defer { server.stop() }
        let folder = try ScratchFolder()
        let result = try CommandRunner.run(
            [
                "download", "--to", folder.path("data"), "--mirror", server.baseURL + "missing/",
                "--mirror", server.baseURL + "html/", "--timeout", "2",
            ])
        #expect(result.status == 1)
        #expect(result.standardError.contains(server.baseURL + "missing/train-images-idx3-ubyte.gz: HTTP 404"))
        #expect(result.standardError.contains(server.baseURL + "html/train-images-idx3-ubyte.gz: sent an HTML page"))
        #expect(result.standardError.contains("--mirror"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("data")) == [])
    }

    @Test func mirrorsFromTheEnvironmentAreUsed() throws {
        let server = try TestHTTPServer(routes: [:])
        defer { server.stop() }
        let folder = try ScratchFolder()
        let result = try CommandRunner.run(
            ["download", "--to", folder.path("data")], environment: ["DIGITS_MIRRORS": server.baseURL + "env"])
        #expect(result.status == 1)
        #expect(result.standardError.contains(server.baseURL + "env/train-images-idx3-ubyte.gz: HTTP 404"))
        #expect(result.standardError.contains("DIGITS_MIRRORS"))
    }

    @Test func aMirrorThatIsNotAWebURLIsRefused() throws {
        let result = try CommandRunner.run(["download", "--mirror", "ftp://example.invalid/"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("must be an http:// or https:// URL"))
    }
}
