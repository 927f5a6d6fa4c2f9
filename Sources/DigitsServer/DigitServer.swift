import Dispatch
import FlyingSocks
import Glibc
import Logging
import Synchronization

/// The `digits serve` HTTP server: binds an address, then answers requests with `ServerRoutes`
/// until told to stop.
///
/// Connections are served concurrently on the server's own threads, one per core
/// (`ServerThreads`), and requests are classified on all cores by `ServerRoutes`' worker queues;
/// waiting for a slow client costs no thread (FlyingSocks suspends the task until epoll says the
/// socket is ready). Every connection has a deadline (see
/// `ServerConfiguration.timeout`), so idle and slow clients are closed and never hold up the
/// others.
public struct DigitServer: Sendable {
    /// The address, limits, log and report provider.
    public let configuration: ServerConfiguration
    /// What each request is answered.
    public let routes: ServerRoutes

    /// A server answering with `routes`, configured by `configuration`.
    public init(configuration: ServerConfiguration, routes: ServerRoutes) {
        self.configuration = configuration
        self.routes = routes
    }

    /// Checks that `host` is something the server can listen on: an IPv4 or IPv6 literal, or
    /// `localhost`.
    public static func validate(host: String) throws(ServerError) {
        _ = try address(host: host, port: 0)
    }

    /// The socket address for `host` and `port`.
    static func address(host: String, port: UInt16) throws(ServerError) -> any SocketAddress {
        let name = host == "localhost" ? "127.0.0.1" : host
        if name.contains(":") {
            guard let address = try? sockaddr_in6.inet6(ip6: name, port: port) else { throw .badHost(host) }
            return address
        }
        // inet_pton accepts only the dotted-quad form, so "1" or "1.2.3" are refused rather
        // than read as the old shorthand.
        guard let address = try? sockaddr_in.inet(ip4: name, port: port) else { throw .badHost(host) }
        return address
    }

    /// Binds the address and starts listening; nothing is answered until `run` is called.
    ///
    /// - Throws: `ServerError` when the host or port is invalid or the address cannot be had
    ///   (in use, not this machine's, not permitted).
    public func start() throws(ServerError) -> RunningServer {
        guard (0 ... 65535).contains(configuration.port) else { throw .badPort(configuration.port) }
        let address = try Self.address(host: configuration.host, port: UInt16(configuration.port))
        let socket: Socket
        do {
            socket = try Socket(domain: Int32(type(of: address).family))
        } catch {
            throw .socket(call: "socket", reason: "\(error)")
        }
        do {
            try socket.setValue(true, for: .localAddressReuse)
            try socket.bind(to: address)
            try socket.listen(maxPendingConnection: 1024)
        } catch {
            try? socket.close()
            guard case let .failed(call, code, reason) = error as? SocketError else {
                throw .socket(call: "bind", reason: "\(error)")
            }
            switch code {
            case EADDRINUSE: throw .addressInUse(host: configuration.host, port: configuration.port)
            case EADDRNOTAVAIL: throw .addressNotAvailable(host: configuration.host)
            case EACCES, EPERM: throw .permissionDenied(host: configuration.host, port: configuration.port)
            default: throw .socket(call: call.lowercased(), reason: reason)
            }
        }
        var port = configuration.port
        switch try? socket.sockname() {
        case .ip4(_, let bound)?, .ip6(_, let bound)?: port = Int(bound)
        default: break
        }
        let threads: ServerThreads
        do {
            threads = try ServerThreads()
        } catch {
            try? socket.close()
            throw error
        }
        return RunningServer(
            listener: socket, port: port, configuration: configuration, routes: routes, threads: threads)
    }
}

/// A server that is listening: where it is, and `run` to answer requests until it is stopped.
public struct RunningServer: Sendable {
    /// The listening socket.
    let listener: Socket
    /// The port it listens on (the one picked, when port 0 was asked for).
    public let port: Int
    /// The configuration it was started with.
    public let configuration: ServerConfiguration
    /// What each request is answered.
    let routes: ServerRoutes
    /// The threads its tasks run on.
    let threads: ServerThreads

    /// The executor whose threads serve requests. A task started with it as its preference
    /// (`Task(executorPreference:)`) to call `run` does not wait for a thread of Swift's
    /// cooperative pool even to begin.
    public var executor: any TaskExecutor { threads }

    /// The page's address, e.g. `http://127.0.0.1:8080/` (IPv6 hosts in brackets).
    public var url: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)/"
    }

    /// How often `run` asks whether to stop.
    static let stopPollInterval = Duration.milliseconds(100)

    /// Answers requests until `shouldStop` returns true (asked every 0.1 s) or the calling task
    /// is cancelled; then stops accepting, closes every connection (a request being answered
    /// is finished first) and the listening socket, and returns.
    public func run(until shouldStop: @escaping @Sendable () -> Bool = { false }) async {
        await withTaskExecutorPreference(threads) { await serve(until: shouldStop) }
    }

    /// `run`'s work, on the server's threads.
    private func serve(until shouldStop: @escaping @Sendable () -> Bool) async {
        let pool = SocketPool<ePoll>.ePoll(maxEvents: 64)
        do {
            try await pool.prepare()
        } catch {
            configuration.logger.error("the socket pool could not start: \(error)")
            try? listener.close()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await pool.run() }
            group.addTask { await accept(pool: pool) }
            group.addTask {
                while !Task.isCancelled && !shouldStop() {
                    try? await Task.sleep(for: Self.stopPollInterval)
                }
            }
            _ = await group.next()
            group.cancelAll()
        }
        try? listener.close()
    }

    /// Runs `run(until:)` from synchronous code (a command's `run()`), blocking the calling
    /// thread until the server has stopped.
    public func runBlocking(until shouldStop: @escaping @Sendable () -> Bool) {
        let stopped = DispatchSemaphore(value: 0)
        Task(executorPreference: threads) {
            await run(until: shouldStop)
            stopped.signal()
        }
        stopped.wait()
    }

    /// Accepts connections and serves each in its own task, until cancelled.
    private func accept(pool: SocketPool<ePoll>) async {
        let active = ConnectionCount()
        let listening: AsyncSocket
        do {
            listening = try AsyncSocket(socket: listener, pool: pool)
        } catch {
            configuration.logger.error("the listening socket could not be made non-blocking: \(error)")
            return
        }
        await withDiscardingTaskGroup { connections in
            while !Task.isCancelled {
                let client: AsyncSocket
                do {
                    client = try await listening.accept()
                } catch {
                    // Stopping: the socket pool, cancelled first, ends every wait with a
                    // CancellationError, which can arrive before this task sees its own
                    // cancellation. Either way there is nothing left to accept, and no error.
                    if Task.isCancelled || error is CancellationError { break }
                    // Out of file descriptors, say: wait a little rather than spin.
                    configuration.logger.error("accepting a connection failed: \(error)")
                    try? await Task.sleep(for: .milliseconds(50))
                    continue
                }
                guard active.enter(limit: configuration.maximumConnections) else {
                    Connection.refuse(client.socket, configuration: configuration)
                    continue
                }
                connections.addTask {
                    await Connection(socket: client.socket, pool: pool, configuration: configuration, routes: routes)
                        .serve()
                    active.leave()
                }
            }
        }
    }
}

/// How many connections are being served.
final class ConnectionCount: Sendable {
    private let count = Atomic<Int>(0)

    /// Counts one more connection unless `limit` are already served; false then.
    func enter(limit: Int) -> Bool {
        let now = count.wrappingAdd(1, ordering: .relaxed).newValue
        if now > limit {
            count.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Counts one connection fewer.
    func leave() {
        count.wrappingSubtract(1, ordering: .relaxed)
    }
}
