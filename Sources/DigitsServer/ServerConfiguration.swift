import Logging

/// Where and how `DigitServer` serves: the address, the limits that keep one client from
/// starving the others, and the request log.
public struct ServerConfiguration: Sendable {
    /// The address to listen on: an IPv4 or IPv6 literal, or `localhost`. Loopback by default,
    /// so only this machine can reach the server.
    public var host = "127.0.0.1"
    /// The TCP port; 0 picks a free one (`RunningServer.port` tells which).
    public var port = 8080
    /// The largest request body accepted, in bytes: 8 MiB. A request declaring more is answered
    /// 413 before its body is read; a chunked body is refused as soon as it passes the limit.
    public var maximumBodySize = 8 * 1024 * 1024
    /// The longest request line plus header fields accepted, in bytes: 16 KiB (else 431).
    public var maximumHeadSize = 16 * 1024
    /// How long, in seconds, a client has to send a whole request once it has started one,
    /// and how long a kept-alive connection may wait idle for its next request, before it is
    /// closed (a started request is answered 408).
    public var timeout = 10.0
    /// The most connections served at once; a connection beyond them is answered 503 and closed.
    public var maximumConnections = 512
    /// Where each request is logged (one line: method, path, status, time) and where errors
    /// of the server itself go.
    public var logger: Logger

    /// The default configuration, logging through `logger` (by default one line per request
    /// on standard error).
    public init(logger: Logger = ServerConfiguration.standardErrorLogger()) {
        self.logger = logger
    }

    /// A logger that writes each line to standard error, prefixed by the time and level.
    public static func standardErrorLogger() -> Logger {
        Logger(label: "digits.serve") { StreamLogHandler.standardError(label: $0) }
    }

    /// Whether `host` names an address only this machine can reach.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
