import DigitsKit
import DigitsServer
import DigitsTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Collects the server's log lines, so a test can check one line per request.
final class LogLines: Sendable {
    let lines = Locked<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    /// A logger that writes into this collection.
    func logger() -> Logger {
        Logger(label: "test") { _ in Handler(sink: self) }
    }

    struct Handler: LogHandler {
        let sink: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            sink.lines.withLock { $0.append(event.message.description) }
        }
    }
}

/// A server on 127.0.0.1 and a free port, run in this process for the length of one test.
final class LiveServer: Sendable {
    let running: RunningServer
    let client: LoopbackHTTPClient
    let log = LogLines()
    private let stop = StopFlag()
    private let task: Task<ContinuousClock.Instant, Never>

    final class StopFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    init(timeout: Double = 10, maximumBodySize: Int = 8 * 1024 * 1024, maximumConnections: Int = 512) throws {
        var configuration = ServerConfiguration(logger: log.logger())
        configuration.port = 0
        configuration.timeout = timeout
        configuration.maximumBodySize = maximumBodySize
        configuration.maximumConnections = maximumConnections
        let routes = ServerRoutes(
            modelFile: ServerRoutesTests.modelFile, modelName: "built-in", verifier: ServerRoutesTests.verifier,
            cutScorer: nil, rowReaders: ServerRoutesTests.rowReaders)
        let running = try DigitServer(configuration: configuration, routes: routes).start()
        self.running = running
        client = LoopbackHTTPClient(port: running.port)
        let stop = stop
        // On the server's own threads from the start: the cooperative pool this test runs on
        // is shared with every other test of the suite, some of which hold it for minutes.
        task = Task(executorPreference: running.executor) {
            await running.run { stop.value.load(ordering: .relaxed) }
            return ContinuousClock.now
        }
    }

    /// Asks the server to stop, waits until it has, and returns how long it took from the ask
    /// to `run` returning (on the server's threads, so a busy cooperative pool does not count).
    @discardableResult func shutDown() async -> Duration {
        let asked = ContinuousClock.now
        stop.value.store(true, ordering: .relaxed)
        return await task.value - asked
    }
}

/// The server over real sockets: keep-alive, limits, timeouts, many clients, stopping.
///
/// One test at a time: the servers would compete for the same cores, and a test that loads its
/// server would slow the one whose promptness another test measures.
@Suite(.serialized) struct DigitServerTests {
    static let seven = try! ServerRoutesTests.fixture("seven.png")

    @Test func answersOverKeepAliveAndLogsOneLinePerRequest() async throws {
        let server = try LiveServer()
        let client = server.client
        let statuses = try await LoopbackHTTPClient.offPool {
            let fd = try client.connect()
            defer { client.close(fd) }
            var statuses: [Int] = []
            for request in [
                LoopbackHTTPClient.requestBytes("POST", "/classify", body: Self.seven, keepAlive: true),
                LoopbackHTTPClient.requestBytes("GET", "/health", keepAlive: true),
                LoopbackHTTPClient.requestBytes("GET", "/nothing-here", keepAlive: true),
            ] {
                client.send(request, on: fd)
                statuses.append(try client.readResponse(on: fd).status)
            }
            return statuses
        }
        #expect(statuses == [200, 200, 404])
        await server.shutDown()
        let lines = server.log.all
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.first?.hasPrefix("POST /classify 200 ") == true && lines.first?.hasSuffix(" ms") == true)
        #expect(lines.dropFirst().first?.hasPrefix("GET /health 200 ") == true)
    }

    @Test func aBodyOverTheLimitGets413WithoutBeingSent() async throws {
        let server = try LiveServer(maximumBodySize: 1000)
        let client = server.client
        let response = try await LoopbackHTTPClient.offPool {
            let fd = try client.connect()
            defer { client.close(fd) }
            // Only the head: a server that waited for the 5 GB it announces would never answer.
            client.send(Array("POST /classify HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000000\r\n\r\n".utf8), on: fd)
            return try client.readResponse(on: fd)
        }
        #expect(response.status == 413)
        #expect((response.json?["error"] as? String)?.contains("larger than the limit of 1000 bytes") == true)
        #expect(response.headers["connection"] == "close")
        await server.shutDown()
    }

    @Test func aChunkedBodyIsRefusedOnceItPassesTheLimit() async throws {
        let server = try LiveServer(maximumBodySize: 10_000)
        let client = server.client
        let response = try await LoopbackHTTPClient.offPool {
            let fd = try client.connect()
            defer { client.close(fd) }
            client.send(Array("POST /classify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8), on: fd)
            let chunk = Array("1000\r\n".utf8) + [UInt8](repeating: 65, count: 4096) + Array("\r\n".utf8)
            // Endless, as far as the server can tell; it must answer before the client stops.
            for _ in 0 ..< 10 where client.send(chunk, on: fd) {}
            return try client.readResponse(on: fd)
        }
        #expect(response.status == 413)
        await server.shutDown()
    }

    @Test func aChunkedPNGIsClassified() async throws {
        let server = try LiveServer()
        let client = server.client
        let response = try await LoopbackHTTPClient.offPool {
            let fd = try client.connect()
            defer { client.close(fd) }
            var bytes = Array("POST /classify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            for start in stride(from: 0, to: Self.seven.count, by: 1000) {
                let piece = Self.seven[start ..< min(start + 1000, Self.seven.count)]
                bytes += Array((String(piece.count, radix: 16) + "\r\n").utf8) + piece + Array("\r\n".utf8)
            }
            client.send(bytes + Array("0\r\n\r\n".utf8), on: fd)
            return try client.readResponse(on: fd)
        }
        #expect(response.status == 200)
        #expect(response.json?["prediction"] as? Int == 7)
        await server.shutDown()
    }

    @Test func aSlowBodyTimesOutWith408() async throws {
        let server = try LiveServer(timeout: 1)
        let client = server.client
        let clock = ContinuousClock()
        let start = clock.now
        let status = try await LoopbackHTTPClient.offPool { () -> Int in
            let fd = try client.connect()
            defer { client.close(fd) }
            // Headers, then half the body, then nothing.
            client.send(Array("POST /classify HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n".utf8), on: fd)
            client.send([UInt8](repeating: 0, count: 500), on: fd)
            return try client.readResponse(on: fd).status
        }
        #expect(status == 408)
        // Not before the timeout. (That other clients are answered meanwhile is checked end to
        // end, in ServeCommandTests: in this process, other tests compete for the cores.)
        #expect(clock.now - start >= .milliseconds(900))
        await server.shutDown()
    }

    @Test func manyIdleConnectionsDoNotDelayARequest() async throws {
        let server = try LiveServer(timeout: 30)
        let client = server.client
        let elapsed = try await LoopbackHTTPClient.offPool { () -> Duration in
            let idle = try (0 ..< 200).map { _ in try client.connect() }
            defer { idle.forEach(client.close) }
            // Some of them mid-request: a head without its end.
            for fd in idle.prefix(50) { client.send(Array("GET / HTTP/1.1\r\nHost:".utf8), on: fd) }
            let clock = ContinuousClock()
            let start = clock.now
            let response = try client.request("POST", "/classify", body: Self.seven)
            #expect(response.status == 200)
            return clock.now - start
        }
        // Were the idle connections in the way, the request would wait for their 30 s timeout;
        // the bound leaves room for a sanitizer's build and for other tests running alongside.
        #expect(elapsed < .seconds(10))
        await server.shutDown()
    }

    @Test func concurrentClientsEachGetTheirOwnAnswer() async throws {
        let server = try LiveServer()
        let client = server.client
        let pictures = try ["seven.png", "four-off-centre.png", "three-transparent.png", "five-palette.png"].map {
            (try ServerRoutesTests.fixture($0), Int(String($0.first!) == "s" ? 7 : 0))
        }
        let expected = [7, 4, 3, 5]
        let results = try await withThrowingTaskGroup(of: [Int].self) { group in
            for worker in 0 ..< 8 {
                group.addTask {
                    try await LoopbackHTTPClient.offPool {
                        let fd = try client.connect()
                        defer { client.close(fd) }
                        var mismatches: [Int] = []
                        for round in 0 ..< 10 {
                            let index = (worker + round) % pictures.count
                            client.send(
                                LoopbackHTTPClient.requestBytes(
                                    "POST", "/classify", body: pictures[index].0, keepAlive: true),
                                on: fd)
                            let response = try client.readResponse(on: fd)
                            if response.status != 200 || response.json?["prediction"] as? Int != expected[index] {
                                mismatches.append(index)
                            }
                        }
                        return mismatches
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(results.isEmpty)
        await server.shutDown()
        #expect(server.log.all.count == 80)
    }

    @Test func connectionsBeyondTheLimitAreTurnedAwayWith503() async throws {
        let server = try LiveServer(maximumConnections: 2)
        let client = server.client
        let status = try await LoopbackHTTPClient.offPool { () -> Int in
            let held = try (0 ..< 2).map { _ in try client.connect() }
            defer { held.forEach(client.close) }
            // Let the server accept those two before the third arrives.
            Thread.sleep(forTimeInterval: 0.2)
            return try client.request("GET", "/health").status
        }
        #expect(status == 503)
        await server.shutDown()
    }

    @Test func stoppingClosesIdleConnectionsPromptly() async throws {
        let server = try LiveServer(timeout: 60)
        let client = server.client
        let idle = try await LoopbackHTTPClient.offPool { try (0 ..< 20).map { _ in try client.connect() } }
        defer { idle.forEach(client.close) }
        let stopping = await server.shutDown()
        // Waiting for the idle connections would take their 60 s timeout. (`digits serve` stops
        // within a second: see ServeCommandTests.)
        #expect(stopping < .seconds(10))
        #expect(throws: (any Error).self) { try client.request("GET", "/health") }
    }

    @Test func aPortInUseAndABadHostAreReportedBeforeServing() throws {
        let server = try LiveServer()
        var configuration = ServerConfiguration(logger: server.log.logger())
        configuration.port = server.running.port
        let routes = ServerRoutes(
            modelFile: ServerRoutesTests.modelFile, modelName: "m", verifier: nil, cutScorer: nil)
        #expect(throws: ServerError.addressInUse(host: "127.0.0.1", port: server.running.port)) {
            try DigitServer(configuration: configuration, routes: routes).start()
        }
        for host in ["example.com", "1.2.3", "::g", ""] {
            #expect(throws: ServerError.badHost(host)) { try DigitServer.validate(host: host) }
        }
        try DigitServer.validate(host: "::1")
        for (host, loopback) in [
            ("127.0.0.1", true), ("localhost", true), ("::1", true), ("0.0.0.0", false), ("::", false),
        ] {
            configuration.host = host
            #expect(configuration.isLoopback == loopback, "\(host)")
        }
        try DigitServer.validate(host: "localhost")
        Task { await server.shutDown() }
    }
}
