import DigitsKit
import DigitsTestSupport
import Foundation
import Testing

/// `digits train` and `digits evaluate` on a machine without MNIST: the default folder is filled
/// by a download (from a mirror on 127.0.0.1 here), a folder somebody named never is, and
/// `--no-download` or `DIGITS_OFFLINE=1` turn downloading off.
@Suite(.serialized) struct AutomaticDownloadTests {
    @Test(.enabled(if: FullMNIST.isAvailable, "needs full MNIST in $DIGITS_MNIST or ../shared/mnist"))
    func evaluateDownloadsMNISTIntoTheUserCacheThenUsesIt() throws {
        let source = try #require(FullMNIST.directory)
        let server = try TestHTTPServer.mnistMirror(of: source, under: "mnist")
        defer { server.stop() }
        let scratch = try ScratchFolder()
        let environment = [
            "DIGITS_OFFLINE": "", "DIGITS_DATA": "", "XDG_CACHE_HOME": scratch.path("cache"),
            "DIGITS_MIRRORS": server.baseURL + "mnist",
        ]
        let model = CommandRunner.packageRoot.appendingPathComponent("Models/mnist-mlp.safetensors").path
        let cache = scratch.path("cache") + "/digits/mnist"

        let first = try CommandRunner.run(
            ["evaluate", "--model", model, "--json"], in: scratch.url, environment: environment)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardError.contains("MNIST is not in \(cache) yet; downloading it there"))
        #expect(first.standardError.contains("MNIST is ready in \(cache) (4 of 4 files downloaded)"))
        // Standard output stays the command's own: one JSON object.
        let record = try JSONSerialization.jsonObject(with: Data(first.standardOutput.utf8)) as? [String: Any]
        #expect(record?["data"] as? String == cache)
        #expect((record?["accuracy"] as? Double ?? 0) > 0.98)

        let second = try CommandRunner.run(
            ["evaluate", "--model", model, "--json"], in: scratch.url, environment: environment)
        #expect(second.status == 0)
        #expect(!second.standardError.contains("downloading"))
        #expect(server.requests.count == 4, "nothing is fetched twice")
    }

    @Test func noDownloadAndOfflineTurnItOff() throws {
        let server = try TestHTTPServer(routes: [:])
        defer { server.stop() }
        let scratch = try ScratchFolder()
        let environment = [
            "DIGITS_DATA": "", "XDG_CACHE_HOME": scratch.path("cache"), "DIGITS_MIRRORS": server.baseURL + "mnist",
        ]
        for (arguments, offline) in [(["evaluate", "--no-download"], ""), (["evaluate"], "1")] {
            var env = environment
            env["DIGITS_OFFLINE"] = offline
            let result = try CommandRunner.run(arguments, in: scratch.url, environment: env)
            #expect(result.status != 0)
            #expect(!result.standardError.contains("downloading"))
            #expect(result.standardError.contains("Run `digits download` to fetch MNIST into"))
        }
        #expect(server.requests.isEmpty)
    }

    @Test func aNamedFolderIsNeverFilledButTheErrorSaysHow() throws {
        let server = try TestHTTPServer(routes: [:])
        defer { server.stop() }
        let scratch = try ScratchFolder()
        try FileManager.default.createDirectory(atPath: scratch.path("empty"), withIntermediateDirectories: true)
        let result = try CommandRunner.run(
            ["evaluate", "--data", scratch.path("empty")],
            environment: ["DIGITS_OFFLINE": "", "DIGITS_MIRRORS": server.baseURL + "mnist"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("(given with --data) lacks 2 files"))
        #expect(
            result.standardError.contains("Run `digits download --to \(scratch.path("empty"))` to fetch MNIST there"))
        #expect(server.requests.isEmpty)
    }

    @Test func aFailedDownloadSaysWhatEachMirrorDid() throws {
        let server = try TestHTTPServer(routes: [:])
        defer { server.stop() }
        let scratch = try ScratchFolder()
        let result = try CommandRunner.run(
            ["train", "--output", scratch.path("m.safetensors")], in: scratch.url,
            environment: [
                "DIGITS_OFFLINE": "", "DIGITS_DATA": "", "XDG_CACHE_HOME": scratch.path("cache"),
                "DIGITS_MIRRORS": server.baseURL + "nothing",
            ])
        #expect(result.status == 1)
        #expect(result.standardError.contains("downloading it there"))
        #expect(result.standardError.contains(server.baseURL + "nothing/train-images-idx3-ubyte.gz: HTTP 404"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("m.safetensors")))
    }
}
