import DigitsKit
import DigitsTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `digits serve` started as a user starts it, on a free loopback port, driven over HTTP and
/// stopped with a signal. It runs in a folder of its own with no data or model named by the
/// environment, so the report it makes at start is the same on every machine: without a test set
/// unless a test names one with --data.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let standardError = Pipe()
    /// Where the server runs, and its per-user cache: empty.
    let home: TemporaryDirectory
    /// The first line the server printed.
    let startLine: String
    /// The second: where the report is and what it holds.
    let reportLine: String
    /// The port in the start line.
    let port: Int
    var client: LoopbackHTTPClient { LoopbackHTTPClient(port: port) }

    /// Starts `digits serve --port 0` with `arguments` and waits for its first two lines.
    init(_ arguments: [String] = []) throws {
        home = try TemporaryDirectory()
        let out = Pipe()
        process.executableURL = CommandRunner.executable
        process.arguments = ["serve", "--port", "0"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: home.path)
        var environment = ProcessInfo.processInfo.environment
        environment["DIGITS_DATA"] = nil
        environment["DIGITS_MODEL"] = nil
        environment["XDG_CACHE_HOME"] = home.path
        process.environment = environment
        process.standardOutput = out
        process.standardError = standardError
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var text = Data()
        while text.count(where: { $0 == 0x0A }) < 2 {
            let more = out.fileHandleForReading.availableData
            if more.isEmpty { break }
            text += more
        }
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n").map(String.init)
        startLine = lines.first ?? ""
        reportLine = lines.dropFirst().first ?? ""
        let portText = startLine.split(separator: ":").dropFirst(2).first?.prefix { $0.isNumber }
        guard let portText, let port = Int(portText) else {
            process.terminate()
            throw LoopbackHTTPClient.Failure(description: "no start line, got '\(startLine)'")
        }
        self.port = port
    }

    /// Sends `signal` and waits for the process to end; returns its status and how long it took.
    ///
    /// The wait runs on its own thread: on the test runner's shared pool, a sleep can resume
    /// seconds late while other tests hold its threads, and the time would be theirs, not the
    /// server's.
    func stop(with signal: Int32) async throws -> (status: Int32, seconds: Double) {
        try await LoopbackHTTPClient.offPool { [self] in
            let start = Date()
            kill(process.processIdentifier, signal)
            while process.isRunning && Date().timeIntervalSince(start) < 10 {
                usleep(10_000)
            }
            let seconds = Date().timeIntervalSince(start)
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
            return (process.terminationStatus, seconds)
        }
    }

    /// The seconds the server said it took to stop (`Stopped in 0.12 s.`), if it said so.
    static func stoppingSeconds(in log: String) -> Double? {
        guard let range = log.range(of: "Stopped in ") else { return nil }
        return Double(log[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    /// What the server wrote on standard error, once it has ended.
    var log: String {
        String(decoding: standardError.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}

@Suite struct ServeCommandTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: CommandRunner.packageRoot.appendingPathComponent("Fixtures/digits/" + name)))
    }

    @Test func servesThePageAndAnswersGoodDamagedAndOversizedPNGs() async throws {
        let server = try ServeProcess(["--timeout", "5"])
        #expect(server.startLine.hasPrefix("Serving http://127.0.0.1:\(server.port)/ (model: built-in"))
        // No test set where the server looks, so the report leaves its parts out and says so.
        #expect(server.reportLine.hasPrefix("Report: http://127.0.0.1:\(server.port)/report/ (without the test-set"))
        let client = server.client
        let seven = try Self.fixture("seven.png")
        let answers = try await LoopbackHTTPClient.offPool {
            let page = try client.request("GET", "/")
            let good = try client.request("POST", "/classify", body: seven)
            var damaged = seven
            damaged.replaceSubrange(200 ..< 260, with: [UInt8](repeating: 0x55, count: 60))
            let bad = try client.request("POST", "/classify", body: damaged)
            let truncated = try client.request("POST", "/classify", body: Array(seven.prefix(100)))
            let fd = try client.connect()
            defer { client.close(fd) }
            client.send(Array("POST /classify HTTP/1.1\r\nHost: x\r\nContent-Length: 9000000000\r\n\r\n".utf8), on: fd)
            let huge = try client.readResponse(on: fd)
            let model = try client.request("GET", "/model")
            let health = try client.request("GET", "/health")
            let missing = try client.request("GET", "/no/such/thing")
            let wrongMethod = try client.request("PUT", "/classify", body: seven)
            let number = try client.request("POST", "/read", body: try Self.fixture("number-40917.png"))
            return (page, good, bad, truncated, huge, model, health, missing, wrongMethod, number)
        }
        #expect(answers.0.status == 200 && answers.0.text.contains("<canvas id=\"pad\""))
        #expect(answers.1.status == 200)
        #expect(answers.1.json?["prediction"] as? Int == 7)
        #expect(answers.1.json?["file"] as? String == "upload")
        #expect(answers.2.status == 400)
        #expect((answers.2.json?["error"] as? String)?.hasPrefix("upload: ") == true, "\(answers.2.text)")
        #expect(answers.3.status == 400)
        #expect(answers.4.status == 413)
        #expect(answers.5.json?["architecture"] as? String == "784-1024-512-10")
        #expect(answers.6.json?["status"] as? String == "ok")
        #expect(answers.7.status == 404)
        #expect(answers.8.status == 405 && answers.8.headers["allow"] == "POST")
        #expect(answers.9.json?["text"] as? String == "40917")

        let (status, seconds) = try await server.stop(with: SIGINT)
        #expect(status == 0)
        let log = server.log
        // The goal is a second (the server looks for the signal every 0.1 s); the bound leaves
        // room for a sanitizer's build and for other tests running alongside. The server says
        // how long it took to stop; the process's exit after that is the runtime's, which under
        // AddressSanitizer includes the leak check (seconds, on a loaded machine).
        let stopping = try #require(ServeProcess.stoppingSeconds(in: log), "\(log)")
        #expect(stopping < 3)
        #expect(seconds < 10)
        #expect(log.contains("POST /classify 200 "), "\(log)")
        #expect(log.contains("GET /no/such/thing 404 "))
        #expect(log.contains("PUT /classify 405 "))
        #expect(log.contains("POST /classify 413 "))
    }

    /// `GET /report` serves `digits report`'s page for the served model: the page at /report/,
    /// its pictures beside it, and numbers that are `digits evaluate`'s on the same test set.
    @Test func servesTheModelsReportWithTheEvaluatedNumbers() async throws {
        let fixture = CommandRunner.packageRoot.appendingPathComponent("Fixtures/mnist-subset").path
        let server = try ServeProcess(["--data", fixture])
        let client = server.client
        let answers = try await LoopbackHTTPClient.offPool {
            (
                try client.request("GET", "/report"), try client.request("GET", "/report/"),
                try client.request("GET", "/report/weights.png"), try client.request("GET", "/report/../Package.swift"),
                try client.request("GET", "/report/no-such.png")
            )
        }
        #expect((300 ..< 400).contains(answers.0.status) && answers.0.headers["location"] == "/report/")
        #expect(answers.1.status == 200 && answers.1.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(answers.2.status == 200 && answers.2.headers["content-type"] == "image/png")
        #expect(try PNGDecoder.decode(answers.2.body, name: "weights.png").width > 28)
        #expect(answers.3.status == 404 && answers.4.status == 404)
        let evaluated = try CommandRunner.run(["evaluate", "--data", "Fixtures/mnist-subset", "--json"])
        let accuracy = try #require(
            try JSONSerialization.jsonObject(with: Data(evaluated.standardOutput.utf8)) as? [String: Any])["accuracy"]
        let percent = Format.percent(accuracy as? Double ?? -1)
        #expect(answers.1.text.contains(percent), "\(accuracy ?? "none")")
        #expect(
            server.reportLine
                == "Report: http://127.0.0.1:\(server.port)/report/ (test accuracy \(percent) on 1,000 test images)")
        _ = try await server.stop(with: SIGTERM)
    }

    @Test func anExplicitDataFolderWithoutATestSetIsRefusedBeforeServing() throws {
        let output = try CommandRunner.run(["serve", "--port", "0", "--data", "/nonexistent/mnist"])
        #expect(output.status == 1)
        #expect(output.standardError.contains("/nonexistent/mnist"), "\(output.standardError)")
    }

    @Test func boundedConcurrentLoadGetsEveryAnswerRightAndIdleClientsDoNotBlock() async throws {
        let server = try ServeProcess(["--timeout", "30"])
        let client = server.client
        let pictures = try [("seven.png", 7), ("four-off-centre.png", 4), ("three-transparent.png", 3)].map {
            (try Self.fixture($0.0), $0.1)
        }
        let (idle, elapsed) = try await LoopbackHTTPClient.offPool { () -> ([Int32], Double) in
            let idle = try (0 ..< 100).map { _ in try client.connect() }
            let start = Date()
            _ = try client.request("GET", "/health")
            return (idle, Date().timeIntervalSince(start))
        }
        defer { idle.forEach(client.close) }
        // Were the idle connections in the way, the request would wait for their 30 s timeout.
        #expect(elapsed < 10)
        let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0 ..< 6 {
                group.addTask {
                    try await LoopbackHTTPClient.offPool {
                        var wrong = 0
                        for round in 0 ..< 15 {
                            let (png, digit) = pictures[(worker + round) % pictures.count]
                            let response = try client.request("POST", "/classify", body: png)
                            if response.status != 200 || response.json?["prediction"] as? Int != digit { wrong += 1 }
                        }
                        return wrong
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(wrong == 0)
        let (status, seconds) = try await server.stop(with: SIGTERM)
        #expect(status == 0)
        #expect(try #require(ServeProcess.stoppingSeconds(in: server.log)) < 3)
        #expect(seconds < 10)
    }

    @Test func aSlowBodyTimesOutWhileOthersAreAnswered() async throws {
        let server = try ServeProcess(["--timeout", "2"])
        let client = server.client
        let seven = try Self.fixture("seven.png")
        async let stalled = LoopbackHTTPClient.offPool { () -> (Int, Date) in
            let fd = try client.connect()
            defer { client.close(fd) }
            // Headers, then half the body, then nothing.
            client.send(Array("POST /classify HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n".utf8), on: fd)
            client.send([UInt8](repeating: 0, count: 500), on: fd)
            return (try client.readResponse(on: fd).status, Date())
        }
        let start = Date()
        let answered = try await LoopbackHTTPClient.offPool { () -> (Int, Date) in
            Thread.sleep(forTimeInterval: 0.2)
            return (try client.request("POST", "/classify", body: seven).status, Date())
        }
        let (status, timedOut) = try await stalled
        #expect(answered.0 == 200)
        #expect(status == 408)
        // The other client did not wait for the stalled one's 2 s.
        #expect(answered.1 < timedOut)
        #expect(timedOut.timeIntervalSince(start) >= 1.8)
        _ = try await server.stop(with: SIGTERM)
        #expect(server.log.contains("POST /classify 408 "))
    }

    @Test func aPortInUseIsAClearErrorWithStatus1() async throws {
        let server = try ServeProcess()
        let output = try await LoopbackHTTPClient.offPool {
            try CommandRunner.run(["serve", "--port", String(server.port)])
        }
        #expect(output.status == 1)
        #expect(
            output.standardError.contains("127.0.0.1 port \(server.port) is already in use by another program"),
            "\(output.standardError)")
        #expect(output.standardError.contains("--port"))
        _ = try await server.stop(with: SIGTERM)
    }

    @Test(arguments: [
        (["--port", "70000"], "--port must be between 0 and 65535"),
        (["--port=-1"], "--port must be between 0 and 65535"),
        (["--host", "my-laptop"], "'my-laptop' is not an IP address"),
        (["--timeout", "0"], "--timeout must be between"),
    ])
    func badFlagsAreUsageErrors(arguments: [String], message: String) throws {
        let output = try CommandRunner.run(["serve"] + arguments)
        #expect(output.status == 64)
        #expect(output.standardError.contains(message), "\(output.standardError)")
    }
}
