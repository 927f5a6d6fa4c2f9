import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 client for tests of `digits serve`, over plain sockets to 127.0.0.1, so
/// a test can send exactly the bytes it wants (a stalled body, a forged length) and see exactly
/// what comes back. Every socket has send and receive timeouts, so no test hangs on a server
/// that does not answer.
///
/// Its calls block the calling thread: run them through `LoopbackHTTPClient.offPool`, never
/// directly on Swift's cooperative threads, which the server under test needs.
public struct LoopbackHTTPClient: Sendable {
    /// One answer.
    public struct Response: Sendable {
        /// The status code.
        public var status: Int
        /// Header fields, names lowercased.
        public var headers: [String: String]
        /// The body.
        public var body: [UInt8]
        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }
        /// The body parsed as a JSON object, or nil.
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }
    }

    /// Why a request failed on the client side.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String

        /// A failure saying `description`.
        public init(description: String) {
            self.description = description
        }
    }

    /// The server's port on 127.0.0.1.
    public let port: Int
    /// Send and receive timeout of each socket, in seconds: long, since a test's server may
    /// share a busy machine with a whole test suite, yet a bound on a server that never answers.
    public var timeout: Double = 60

    /// A client for the server on `port`.
    public init(port: Int) {
        self.port = port
    }

    /// Runs blocking work on a thread of its own, not one of the cooperative pool's.
    public static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// An open connection; close it with `close(_:)`.
    public func connect() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw Failure(description: "connect to port \(port): \(reason)")
        }
        return fd
    }

    /// Closes a connection.
    public func close(_ fd: Int32) {
        Glibc.close(fd)
    }

    /// Sends all of `bytes`; false when the server closed the connection first.
    @discardableResult
    public func send(_ bytes: [UInt8], on fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// The bytes of a request: `method path`, the header fields, `Content-Length` when there is a
    /// body, and the body.
    public static func requestBytes(
        _ method: String, _ path: String, body: [UInt8]? = nil, headers: [String] = [], keepAlive: Bool = false
    ) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for header in headers { head += header + "\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        if !keepAlive { head += "Connection: close\r\n" }
        return Array((head + "\r\n").utf8) + (body ?? [])
    }

    /// Reads one response from `fd`: the head, then a body of `Content-Length` bytes.
    public func readResponse(on fd: Int32) throws -> Response {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        func fill() throws {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count > 0 {
                buffer += chunk[..<count]
            } else if count == 0 {
                throw Failure(description: "the server closed the connection")
            } else {
                throw Failure(description: "recv: \(String(cString: strerror(errno)))")
            }
        }
        var headEnd: Int?
        while headEnd == nil {
            if let range = findHeadEnd(buffer) {
                headEnd = range
            } else {
                try fill()
            }
        }
        let headText = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        let lines = headText.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "not an HTTP response: \(headText)")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        if status == 100 {
            buffer.removeFirst(headEnd! + 4)
            return try readResponse(on: fd)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headEnd! + 4
        while buffer.count < bodyStart + length { try fill() }
        return Response(status: status, headers: headers, body: Array(buffer[bodyStart ..< bodyStart + length]))
    }

    private func findHeadEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0 ... bytes.count - 4
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// One request on a connection of its own.
    public func request(
        _ method: String, _ path: String, body: [UInt8]? = nil, headers: [String] = []
    ) throws -> Response {
        let fd = try connect()
        defer { close(fd) }
        send(Self.requestBytes(method, path, body: body, headers: headers), on: fd)
        return try readResponse(on: fd)
    }
}
