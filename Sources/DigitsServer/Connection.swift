#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FlyingSocks
import Glibc
import Logging
import Synchronization

/// One client connection: reads requests, answers them through the routes, and closes when the
/// client does, when a request says so, on an error, or when its deadline passes.
///
/// Bodies are read only after the head said how long they are and that length is within the
/// limit; a chunked body is decoded as it arrives and refused once it passes the limit.
struct Connection: Sendable {
    let socket: Socket
    let pool: SocketPool<ePoll>
    let configuration: ServerConfiguration
    let routes: ServerRoutes
    let deadline = Deadline()

    /// Bytes asked of the kernel per read.
    static let readSize = 32 * 1024

    /// Serves the connection until it ends, then closes it.
    func serve() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await handleRequests() }
            group.addTask { await deadline.watch(fallback: configuration.timeout) }
            _ = await group.next()
            group.cancelAll()
        }
        try? socket.close()
    }

    /// Answers a client turned away because the server is serving all the connections it may.
    static func refuse(_ socket: Socket, configuration: ServerConfiguration) {
        let response = HTTPResponse.error(503, "the server is busy: too many connections; try again shortly")
        _ = try? socket.write(Data(response.serialized(keepAlive: false)))
        configuration.logger.info("- - 503 0.00 ms (too many connections)")
        try? socket.close()
    }

    /// The request loop.
    private func handleRequests() async {
        var buffer: [UInt8] = []
        while true {
            deadline.set(after: configuration.timeout)
            var requestStarted = !buffer.isEmpty
            let clock = ContinuousClock()
            var started = clock.now
            // The request's method and path once its head is parsed, for the log.
            var target = ("-", "-")
            do {
                // The head.
                var parsed: (head: HTTPRequestHead, length: Int)?
                while parsed == nil {
                    parsed = try HTTPRequestHead.parse(buffer[...], limit: configuration.maximumHeadSize)
                    if parsed != nil { break }
                    try await fill(&buffer)
                    if !requestStarted {
                        // A new request's clock starts with its first byte, not with the idle wait.
                        requestStarted = true
                        started = clock.now
                        deadline.set(after: configuration.timeout)
                    }
                }
                guard let (head, headLength) = parsed else { return }
                buffer.removeFirst(headLength)
                target = (head.request.method, head.request.path)

                // The body.
                var request = head.request
                switch head.framing {
                case .length(let length):
                    guard length <= configuration.maximumBodySize else {
                        throw HTTPRequestError.bodyTooLarge(limit: configuration.maximumBodySize)
                    }
                    if head.expectsContinue && buffer.count < length {
                        try await write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                    }
                    buffer.reserveCapacity(length)
                    while buffer.count < length { try await fill(&buffer) }
                    request.body = Array(buffer[..<length])
                    buffer.removeFirst(length)
                case .chunked:
                    if head.expectsContinue { try await write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) }
                    var decoder = ChunkedBodyDecoder(limit: configuration.maximumBodySize)
                    var consumed = try decoder.consume(buffer[...])
                    buffer.removeFirst(consumed)
                    while !decoder.isComplete {
                        try await fill(&buffer)
                        consumed = try decoder.consume(buffer[...])
                        buffer.removeFirst(consumed)
                    }
                    request.body = decoder.body
                }

                // The answer.
                deadline.clear()
                let response = await routes.respond(to: request)
                let keepAlive = head.keepAlive && !Task.isCancelled
                deadline.set(after: configuration.timeout)
                try await write(response.serialized(keepAlive: keepAlive, includeBody: request.method != "HEAD"))
                log(request.method, request.path, response.status, since: started, clock: clock)
                guard keepAlive else {
                    _ = Glibc.shutdown(socket.file.rawValue, Int32(SHUT_WR))
                    return
                }
            } catch let error as HTTPRequestError {
                // A request that cannot be taken: say why and close, since what follows on the
                // connection cannot be framed.
                let response = HTTPResponse.error(error.status, error.description)
                try? await write(response.serialized(keepAlive: false))
                log(target.0, target.1, error.status, since: started, clock: clock, note: error.description)
                await lingeringClose()
                return
            } catch {
                // The client went away, or the deadline passed, or the server is stopping.
                if deadline.hasExpired && requestStarted {
                    let timedOut = HTTPRequestError.timedOut(seconds: configuration.timeout)
                    let response = HTTPResponse.error(timedOut.status, timedOut.description)
                    // Without waiting: the connection's task is being cancelled.
                    _ = try? socket.write(Data(response.serialized(keepAlive: false)))
                    log(target.0, target.1, timedOut.status, since: started, clock: clock, note: timedOut.description)
                }
                return
            }
        }
    }

    /// Reads what the client has sent (at least one byte) onto the end of `buffer`.
    ///
    /// - Throws: `SocketError.disconnected` when the client closed the connection, or
    ///   `CancellationError` when the deadline passed or the server is stopping.
    private func fill(_ buffer: inout [UInt8]) async throws {
        while true {
            try Task.checkCancellation()
            do {
                buffer += try socket.read(atMost: Self.readSize)
                return
            } catch SocketError.blocked {
                try await pool.suspendSocket(socket, untilReadyFor: .read)
            }
        }
    }

    /// Writes all of `bytes`, waiting whenever the client's receive window is full.
    private func write(_ bytes: [UInt8]) async throws {
        let data = Data(bytes)
        var sent = data.startIndex
        while sent < data.endIndex {
            do {
                sent = try socket.write(data, from: sent)
            } catch SocketError.blocked {
                try await pool.suspendSocket(socket, untilReadyFor: .write)
            }
        }
    }

    /// After answering a request that was not read to its end (a body over the limit): stops
    /// sending, and reads and drops what the client still sends until it closes or the
    /// connection's deadline passes, so that closing does not reset the connection before the
    /// client has read the answer. Nothing read is kept.
    private func lingeringClose() async {
        _ = Glibc.shutdown(socket.file.rawValue, Int32(SHUT_WR))
        deadline.set(after: min(1, configuration.timeout))
        var dropped = 0
        var scratch: [UInt8] = []
        while dropped < 64 * configuration.maximumBodySize {
            scratch.removeAll(keepingCapacity: true)
            do {
                try await fill(&scratch)
            } catch {
                return
            }
            dropped += scratch.count
        }
    }

    /// One log line: method, path, status, time taken (from the request's first byte).
    private func log(
        _ method: String, _ path: String, _ status: Int, since start: ContinuousClock.Instant,
        clock: ContinuousClock, note: String? = nil
    ) {
        let elapsed = clock.now - start
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let hundredths = (microseconds + 5) / 10
        let fraction = hundredths % 100
        let time = "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) ms"
        configuration.logger.info("\(method) \(path) \(status) \(time)\(note.map { " (\($0))" } ?? "")")
    }
}

/// When a connection must have made progress by: the request loop sets it, and `watch` ends
/// (cancelling the connection) once it passes.
final class Deadline: Sendable {
    private let instant = Locked<ContinuousClock.Instant?>(nil)
    private let expired = Atomic<Bool>(false)

    /// Whether the deadline passed and ended the connection.
    var hasExpired: Bool { expired.load(ordering: .acquiring) }

    /// The connection must make its next step within `seconds` from now.
    func set(after seconds: Double) {
        let when = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        instant.withLock { $0 = when }
    }

    /// No deadline: the server itself is working on the request.
    func clear() {
        instant.withLock { $0 = nil }
    }

    /// Returns once the deadline has passed, or when cancelled. Without a deadline it checks
    /// again every `fallback` seconds.
    func watch(fallback: Double) async {
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let when = instant.withLock { $0 }
            if let when, now >= when {
                expired.store(true, ordering: .releasing)
                return
            }
            let wake = when ?? now + .milliseconds(Int64(fallback * 1000))
            try? await Task.sleep(until: wake, clock: .continuous)
        }
    }
}
