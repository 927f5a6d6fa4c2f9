import Foundation
import Testing
import DigitsKit
import DigitsTestSupport
@testable import DigitsDownload

/// A two-file data set small enough to serve from memory.
private struct FakeSet {
    let contents: [[UInt8]] = [
        DataTestSupport.pseudoRandomBytes(count: 40_000, seed: 21),
        DataTestSupport.pseudoRandomBytes(count: 3_000, seed: 22),
    ]
    let names = ["fake-images", "fake-labels"]
    var gzipped: [[UInt8]] { contents.map { Gzip.compress($0) } }

    func dataSet(limit: Int = 100_000) -> DataSet {
        DataSet(
            name: "fake",
            files: zip(names, contents).map { DataSetFile(name: $0, sha256: SHA256.hex(of: $1), size: $1.count) },
            mirrors: [], maximumDownloadSize: limit)
    }

    /// Routes serving both files well under `prefix`.
    func goodRoutes(_ prefix: String = "/good/") -> [String: TestHTTPServer.Route] {
        Dictionary(uniqueKeysWithValues: zip(names, gzipped).map { (prefix + $0 + ".gz", .file($1)) })
    }
}

@Suite(.serialized) struct DownloaderTests {
    private let fake = FakeSet()

    private func downloader(
        _ server: TestHTTPServer, _ folder: TemporaryDirectory, mirrors: [String], set: DataSet? = nil
    ) -> Downloader {
        var downloader = Downloader(
            dataSet: set ?? fake.dataSet(), directory: folder.path,
            mirrors: mirrors.map { $0.hasPrefix("http") ? $0 : server.baseURL + $0 })
        downloader.timeout = 1
        return downloader
    }

    private func expectDone(_ folder: TemporaryDirectory) throws {
        #expect(try folder.contents() == ["fake-images.gz", "fake-labels.gz"], "no partial files are left")
        for (name, content) in zip(fake.names, fake.contents) {
            #expect(try Gzip.decompress(folder.read(name + ".gz"), limit: 1 << 20, source: name) == content)
        }
    }

    /// Runs with a first mirror that misbehaves as `route` says and a good second one.
    private func failsOverFrom(
        set: DataSet? = nil, _ route: ([UInt8]) -> TestHTTPServer.Route
    ) throws -> [MirrorAttempt] {
        var routes = fake.goodRoutes()
        routes["/bad/fake-images.gz"] = route(fake.gzipped[0])
        routes["/bad/fake-labels.gz"] = route(fake.gzipped[1])
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        var failures: [MirrorAttempt] = []
        try downloader(server, folder, mirrors: ["bad/", "good/"], set: set).run { event in
            if case .failed(_, let attempt) = event { failures.append(attempt) }
        }
        try expectDone(folder)
        return failures
    }

    @Test func fetchesEveryFileAndVerifiesIt() throws {
        let server = try TestHTTPServer(routes: fake.goodRoutes())
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        #expect(try downloader(server, folder, mirrors: ["good"]).run() == 2)
        try expectDone(folder)
    }

    @Test func validFilesAreNotFetchedAgainUnlessForced() throws {
        let server = try TestHTTPServer(routes: fake.goodRoutes())
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        try downloader(server, folder, mirrors: ["good/"]).run()
        #expect(server.requests.count == 2)
        var present: [String] = []
        #expect(
            try downloader(server, folder, mirrors: ["good/"]).run { event in
                if case .alreadyPresent(let file, _) = event { present.append(file) }
            } == 0)
        #expect(present == fake.names)
        #expect(server.requests.count == 2)
        var forced = downloader(server, folder, mirrors: ["good/"])
        forced.force = true
        #expect(try forced.run() == 2)
        #expect(server.requests.count == 4)
        try expectDone(folder)
    }

    @Test func anUncompressedValidFileCountsAndAWrongOneIsReplaced() throws {
        let server = try TestHTTPServer(routes: fake.goodRoutes())
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        try folder.write(fake.contents[1], to: "fake-labels")
        try folder.write(Array("wrong".utf8), to: "fake-images")
        #expect(try downloader(server, folder, mirrors: ["good/"]).run() == 1)
        #expect(try folder.contents() == ["fake-images.gz", "fake-labels"], "the wrong plain file is removed")
    }

    @Test func httpErrorsMoveOnToTheNextMirror() throws {
        for status in [404, 500] {
            let failures = try failsOverFrom { _ in .status(status) }
            #expect(failures.map(\.failure) == [.httpStatus(status), .httpStatus(status)])
            #expect(failures.first?.url.hasSuffix("/bad/fake-images.gz") == true)
            #expect(failures.first?.failure.description.contains("HTTP \(status)") == true)
        }
    }

    @Test func aRefusedConnectionMovesOn() throws {
        let server = try TestHTTPServer(routes: fake.goodRoutes())
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        var failures: [DownloadFailure] = []
        try downloader(server, folder, mirrors: ["http://127.0.0.1:\(TestHTTPServer.closedPort())/", "good/"]).run {
            if case .failed(_, let attempt) = $0 { failures.append(attempt.failure) }
        }
        try expectDone(folder)
        #expect(failures.count == 2)
        guard case .cannotConnect = failures.first else { Issue.record("got \(failures)"); return }
    }

    @Test func libcurlCodesMapToFailures() {
        let outcome = { (code: Int32) in HTTPOutcomeProbe.failure(code: code) }
        #expect(outcome(6) == .hostNotFound(detail: "detail"))
        #expect(outcome(7) == .cannotConnect(detail: "detail"))
        #expect(outcome(47) == .tooManyRedirects(limit: 5))
        #expect(outcome(28) == .stalled(seconds: 1))
        #expect(DownloadFailure.hostNotFound(detail: "x").description.contains("host not found"))
    }

    @Test func redirectsAreFollowedAFewTimesThenAbandoned() throws {
        var routes = fake.goodRoutes()
        for name in fake.names {
            routes["/short/\(name).gz"] = .redirect("/hop1/\(name).gz")
            routes["/hop1/\(name).gz"] = .redirect("/good/\(name).gz")
            routes["/long/\(name).gz"] = .redirect("/loop/\(name).gz")
            routes["/loop/\(name).gz"] = .redirect("/long/\(name).gz")
        }
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        var failures: [DownloadFailure] = []
        try downloader(server, folder, mirrors: ["long/", "short/"]).run {
            if case .failed(_, let attempt) = $0 { failures.append(attempt.failure) }
        }
        try expectDone(folder)
        #expect(failures == [.tooManyRedirects(limit: 5), .tooManyRedirects(limit: 5)])
    }

    @Test func aBodyCutShortIsResumedFromTheNextMirrorWithARange() throws {
        let failures = try failsOverFrom { .truncated($0, sending: 1_000) }
        #expect(
            failures.map(\.failure) == [
                .cutShort(received: 1_000, expected: fake.gzipped[0].count),
                .cutShort(received: 1_000, expected: fake.gzipped[1].count),
            ])
    }

    @Test func resumeSendsARangeForTheBytesAlreadyThere() throws {
        let server = try TestHTTPServer(routes: fake.goodRoutes())
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        try folder.write(Array(fake.gzipped[0].prefix(12_345)), to: ".fake-images.gz.part")
        var resumed: [Int] = []
        try downloader(server, folder, mirrors: ["good/"]).run {
            if case .started(_, _, let at) = $0 { resumed.append(at) }
        }
        try expectDone(folder)
        #expect(resumed == [12_345, 0])
        #expect(server.requests.map(\.range) == ["bytes=12345-", nil])
    }

    @Test func aServerIgnoringTheRangeGivesTheWholeFileInstead() throws {
        var routes = fake.goodRoutes()
        routes["/good/fake-images.gz"] = .file(fake.gzipped[0], ranges: false)
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        try folder.write(Array(fake.gzipped[0].prefix(5_000)), to: ".fake-images.gz.part")
        try downloader(server, folder, mirrors: ["good/"]).run()
        try expectDone(folder)
    }

    @Test func aStallIsAbandonedAfterTheTimeout() throws {
        let started = Date()
        let failures = try failsOverFrom { .stall($0, sending: 100) }
        #expect(failures.map(\.failure) == [.stalled(seconds: 1), .stalled(seconds: 1)])
        #expect(Date().timeIntervalSince(started) < 6)
    }

    @Test func aBodyFarLargerThanTheFileIsStoppedAtTheBound() throws {
        let endless = try failsOverFrom { .endless($0) }
        #expect(endless.first?.failure == .tooLarge(limit: 100_000))
        let declared = try failsOverFrom { .declaredHuge($0) }
        #expect(declared.first?.failure == .tooLarge(limit: 100_000))
    }

    @Test func anHTMLPageIsNotTakenForTheFile() throws {
        let failures = try failsOverFrom { _ in .html }
        #expect(failures.map(\.failure) == [.htmlPage, .htmlPage])
    }

    @Test func chunkedBodiesAreFine() throws {
        #expect(try failsOverFrom { .chunked($0) }.isEmpty)
    }

    @Test func aFileFailingVerificationIsDeletedAndTheNextMirrorTried() throws {
        let wrong = Gzip.compress(DataTestSupport.pseudoRandomBytes(count: 40_000, seed: 99))
        let failures = try failsOverFrom { _ in .file(wrong) }
        guard case .checksumMismatch(let expected, _, let size) = failures.first?.failure else {
            Issue.record("got \(failures)")
            return
        }
        #expect(expected == fake.dataSet().files[0].sha256)
        #expect(size == 40_000)
    }

    @Test func whenEveryMirrorFailsEachOneIsNamed() throws {
        let server = try TestHTTPServer(routes: [
            "/a/fake-images.gz": .status(404), "/b/fake-images.gz": .html,
            "/c/fake-images.gz": .truncated(fake.gzipped[0], sending: 500),
        ])
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        #expect {
            try downloader(server, folder, mirrors: ["a/", "b/", "c/"]).run()
        } throws: { error in
            guard case DownloadError.allMirrorsFailed(let file, let attempts, let kept) = error else { return false }
            let text = (error as! DownloadError).description
            return file == "fake-images"
                && attempts.map(\.failure) == [
                    .httpStatus(404), .htmlPage, .cutShort(received: 500, expected: fake.gzipped[0].count),
                ] && kept?.hasSuffix(".fake-images.gz.part") == true
                && text.contains(server.baseURL + "a/fake-images.gz: HTTP 404")
        }
        #expect(try folder.contents() == [".fake-images.gz.part"], "only the resumable partial file remains")
    }

    @Test func anInterruptLeavesNoTemporaryFiles() throws {
        let server = try TestHTTPServer(routes: ["/s/fake-images.gz": .stall(fake.gzipped[0], sending: 1_000)])
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        var interrupted = downloader(server, folder, mirrors: ["s/"])
        interrupted.timeout = 30
        let start = Date()
        interrupted.shouldStop = { Date().timeIntervalSince(start) > 0.3 }
        #expect(throws: DownloadError.interrupted) { try interrupted.run() }
        #expect(try folder.contents() == [])
    }

    @Test func mirrorsComeFromOptionsThenEnvironmentThenTheTable() {
        let set = DataSet.mnist
        #expect(
            set.mirrors(options: ["http://a"], environment: ["DIGITS_MIRRORS": "http://b/"]) == (["http://a/"], .option)
        )
        let fromEnvironment = set.mirrors(options: [], environment: ["DIGITS_MIRRORS": "http://b/ http://c,http://d/"])
        #expect(fromEnvironment.mirrors == ["http://b/", "http://c/", "http://d/"])
        #expect(fromEnvironment.origin == .environment)
        #expect(set.mirrors(options: [], environment: ["DIGITS_MIRRORS": " "]).mirrors == set.mirrors)
        #expect(set.mirrors.last == "http://yann.lecun.com/exdb/mnist/")
    }

    @Test func theMNISTTableNamesTheFilesTheLoaderLooksFor() {
        #expect(DataSet.mnist.files.map(\.name) == MNISTFile.all.map(\.standardName))
    }

    @Test(.enabled(if: FullMNIST.isAvailable, "needs full MNIST in $DIGITS_MNIST or ../shared/mnist"))
    func realMNISTFilesPassVerification() throws {
        let directory = try #require(FullMNIST.directory)
        let checker = Downloader(dataSet: .mnist, directory: directory.path, mirrors: [])
        for file in DataSet.mnist.files {
            #expect(checker.validExistingPath(of: file) != nil, "\(file.name)")
        }
    }
}

/// Reaches the mapping from libcurl's result codes to failures, which needs no network.
private enum HTTPOutcomeProbe {
    static func failure(code: Int32) -> DownloadFailure? {
        let file = DataSetFile(name: "x", sha256: "", size: 1)
        return Downloader.failure(
            for: HTTPOutcome(code: code, message: "detail", status: 0), state: TransferState(file: file, limit: 10),
            timeout: 1, redirects: 5)
    }
}
