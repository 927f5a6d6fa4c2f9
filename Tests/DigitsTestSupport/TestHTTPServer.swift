import DigitsData
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A small, deliberately misbehaving HTTP/1.1 server on 127.0.0.1, for download tests.
///
/// Each path is served by a `Route` that says how to answer, well or badly. One request per
/// connection; every answer closes the connection.
public final class TestHTTPServer: @unchecked Sendable {
    /// How a path is answered.
    public enum Route: Sendable {
        /// The bytes, with `Content-Length`; `Range: bytes=N-` is honoured when `ranges` is set.
        case file([UInt8], ranges: Bool = true)
        /// The bytes in chunked transfer encoding.
        case chunked([UInt8])
        /// An empty answer with this status.
        case status(Int)
        /// A 302 to this path (or URL).
        case redirect(String)
        /// `Content-Length` of all the bytes, then only the first `sending` of them, then closes.
        case truncated([UInt8], sending: Int)
        /// `Content-Length` of all the bytes, then the first `sending`, then nothing until stopped.
        case stall([UInt8], sending: Int)
        /// The bytes, then zeros without end, with no `Content-Length`.
        case endless([UInt8])
        /// A `Content-Length` far larger than the bytes that follow.
        case declaredHuge([UInt8])
        /// An HTML page with status 200.
        case html
    }

    /// One request as received.
    public struct Request: Sendable {
        /// The path asked for.
        public let path: String
        /// The `Range` header's value, if any.
        public let range: String?
    }

    /// The port listened on.
    public let port: Int
    /// `http://127.0.0.1:<port>/`.
    public var baseURL: String { "http://127.0.0.1:\(port)/" }

    private let listener: Int32
    private let lock = NSLock()
    private var routes: [String: Route]
    private var received: [Request] = []
    private var stopped = false
    private let connections = DispatchGroup()

    /// Starts listening on a free port of 127.0.0.1.
    public init(routes: [String: Route]) throws {
        self.routes = routes
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// A port on 127.0.0.1 that nothing listens on (it was free a moment ago).
    public static func closedPort() -> Int {
        guard let server = try? TestHTTPServer(routes: [:]) else { return 9 }
        let port = server.port
        server.stop()
        return port
    }

    /// The requests received so far, oldest first.
    public var requests: [Request] {
        lock.withLock { received }
    }

    /// Replaces or adds the route for `path`.
    public func set(_ path: String, _ route: Route) {
        lock.withLock { routes[path] = route }
    }

    /// Stops listening and ends stalled or endless answers.
    public func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        _ = connections.wait(timeout: .now() + 5)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        while !isStopped {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            connections.enter()
            let thread = Thread { [self] in
                serve(connection)
                close(connection)
                connections.leave()
            }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !request.containsHeaderEnd() {
            let count = read(connection, &buffer, buffer.count)
            if count <= 0 { return }
            request += buffer[..<count]
        }
        let lines = String(decoding: request, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return }
        let path = String(parts[1])
        let range = lines.first { $0.lowercased().hasPrefix("range:") }
            .map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
        let route = lock.withLock { () -> Route? in
            received.append(Request(path: path, range: range))
            return routes[path]
        }
        guard let route else {
            send(connection, head(404, length: 0))
            return
        }
        switch route {
        case .file(let bytes, let ranges):
            if ranges, let range, let start = Int(range.dropFirst("bytes=".count).prefix { $0 != "-" }) {
                guard start < bytes.count else {
                    send(connection, head(416, length: 0, extra: ["Content-Range: bytes */\(bytes.count)"]))
                    return
                }
                send(
                    connection,
                    head(
                        206, length: bytes.count - start,
                        extra: [
                            "Content-Range: bytes \(start)-\(bytes.count - 1)/\(bytes.count)"
                        ]))
                send(connection, Array(bytes[start...]))
            } else {
                send(connection, head(200, length: bytes.count, extra: ranges ? ["Accept-Ranges: bytes"] : []))
                send(connection, bytes)
            }
        case .chunked(let bytes):
            send(connection, head(200, length: nil, extra: ["Transfer-Encoding: chunked"]))
            var offset = 0
            while offset < bytes.count {
                let piece = bytes[offset ..< min(offset + 1000, bytes.count)]
                send(connection, Array(String(piece.count, radix: 16).utf8) + [13, 10] + piece + [13, 10])
                offset += piece.count
            }
            send(connection, Array("0\r\n\r\n".utf8))
        case .status(let status):
            send(connection, head(status, length: 0))
        case .redirect(let location):
            send(connection, head(302, length: 0, extra: ["Location: \(location)"]))
        case .truncated(let bytes, let sending):
            send(connection, head(200, length: bytes.count))
            send(connection, Array(bytes.prefix(sending)))
        case .stall(let bytes, let sending):
            send(connection, head(200, length: bytes.count))
            send(connection, Array(bytes.prefix(sending)))
            while !isStopped { usleep(20_000) }
        case .endless(let bytes):
            send(connection, head(200, length: nil))
            guard send(connection, bytes) else { return }
            let zeros = [UInt8](repeating: 0, count: 1 << 16)
            while !isStopped, send(connection, zeros) {}
        case .declaredHuge(let bytes):
            send(connection, head(200, length: 1 << 40))
            send(connection, bytes)
        case .html:
            let page = Array("<!DOCTYPE html><html><body>Not here</body></html>".utf8)
            send(connection, head(200, length: page.count, extra: ["Content-Type: text/html; charset=utf-8"]))
            send(connection, page)
        }
    }

    private func head(_ status: Int, length: Int?, extra: [String] = []) -> [UInt8] {
        let lines =
            ["HTTP/1.1 \(status) Test", "Connection: close"]
            + (length.map { ["Content-Length: \($0)"] } ?? []) + extra
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// Sends all of `bytes`; false once the peer has gone.
    @discardableResult
    private func send(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes {
                Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return false }
            offset += count
        }
        return true
    }
}

extension Array where Element == UInt8 {
    fileprivate func containsHeaderEnd() -> Bool {
        count >= 4
            && (0 ... (count - 4)).contains {
                self[$0] == 13 && self[$0 + 1] == 10 && self[$0 + 2] == 13 && self[$0 + 3] == 10
            }
    }
}

extension TestHTTPServer {
    /// A server that mirrors the MNIST files of `source` gzipped, at `/<prefix>/<standard name>.gz`,
    /// as the public mirrors lay them out.
    public static func mnistMirror(of source: MNISTDirectory, under prefix: String) throws -> TestHTTPServer {
        var routes: [String: Route] = [:]
        for file in MNISTFile.all {
            guard let path = source.path(of: file) else { throw CocoaError(.fileNoSuchFile) }
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            routes["/\(prefix)/\(file.standardName).gz"] = .file(Gzip.isGzip(bytes) ? bytes : Gzip.compress(bytes))
        }
        return try TestHTTPServer(routes: routes)
    }
}
