/// The head of an HTTP/1.x request — request line and header fields — parsed from the bytes a
/// client sent, and what it says about the body that follows.
public struct HTTPRequestHead: Equatable, Sendable {
    /// How the body that follows the head is framed.
    public enum BodyFraming: Equatable, Sendable {
        /// Exactly this many bytes (`Content-Length`, or 0 without one).
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
    }

    /// The request with an empty body.
    public var request: HTTPRequest
    /// The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    /// How the body is framed.
    public var framing: BodyFraming
    /// Whether the client asked to hear `100 Continue` before it sends the body.
    public var expectsContinue: Bool
    /// Whether the connection may carry another request after this one (HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`).
    public var keepAlive: Bool

    /// The bytes that end a head: an empty line.
    static let terminator: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]

    /// Parses a head from the start of `bytes`.
    ///
    /// - Returns: nil when `bytes` do not yet hold a whole head (no empty line yet) and are
    ///   within `limit`; else the head and how many bytes it took, the empty line included.
    /// - Throws: `HTTPRequestError` when the head is longer than `limit` bytes or is not a
    ///   well-formed HTTP/1.0 or 1.1 request head.
    public static func parse(_ bytes: ArraySlice<UInt8>, limit: Int) throws(HTTPRequestError) -> (
        head: HTTPRequestHead, length: Int
    )? {
        guard let end = endOfHead(in: bytes) else {
            if bytes.count > limit { throw .headTooLarge(limit: limit) }
            return nil
        }
        let length = end - bytes.startIndex
        if length > limit { throw .headTooLarge(limit: limit) }
        let lines = bytes[bytes.startIndex ..< end - 4].split(
            separator: 0x0A, omittingEmptySubsequences: false
        ).map { line in line.last == 0x0D ? line.dropLast() : line }
        guard let requestLine = lines.first else { throw .malformed("the request line is missing") }
        var head = try parseRequestLine(requestLine)
        for line in lines.dropFirst() {
            let field = try parseField(line)
            head.request.headers.append(field)
        }
        try head.interpretFields()
        return (head, length)
    }

    /// The index just past the first empty line (CR LF CR LF), or nil.
    static func endOfHead(in bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = bytes.startIndex
        while index + 3 < bytes.endIndex {
            if bytes[index + 3] != 0x0A {
                index += bytes[index + 3] == 0x0D ? 1 : 4
                continue
            }
            if bytes[index] == 0x0D && bytes[index + 1] == 0x0A && bytes[index + 2] == 0x0D { return index + 4 }
            index += 1
        }
        return nil
    }

    /// `METHOD SP target SP HTTP/1.x`.
    private static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPRequestError) -> HTTPRequestHead {
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte) else {
            throw .malformed("the request line is not `METHOD /path HTTP/1.1`")
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        let minor: Int
        switch version {
        case "HTTP/1.1": minor = 1
        case "HTTP/1.0": minor = 0
        default:
            guard version.hasPrefix("HTTP/") else { throw .malformed("the request line does not end in HTTP/1.1") }
            throw .unsupportedVersion(version)
        }
        let target = parts[1]
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .malformed("the request target must be a path starting with /")
        }
        let question = target.firstIndex(of: UInt8(ascii: "?"))
        let path = String(decoding: target[target.startIndex ..< (question ?? target.endIndex)], as: UTF8.self)
        let query = question.map { parseQuery(target[($0 + 1)...]) } ?? []
        return HTTPRequestHead(
            request: HTTPRequest(method: String(decoding: parts[0], as: UTF8.self), path: path, query: query),
            minorVersion: minor, framing: .length(0), expectsContinue: false, keepAlive: minor == 1)
    }

    /// `name: value`, with optional white space around the value.
    private static func parseField(_ line: ArraySlice<UInt8>) throws(HTTPRequestError) -> (
        name: String, value: String
    ) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
            line[..<colon].allSatisfy(isTokenByte)
        else {
            throw .malformed("a header line is not `Name: value`")
        }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
        guard value.allSatisfy({ $0 >= 0x20 || $0 == 0x09 }), value.allSatisfy({ $0 != 0x7F }) else {
            throw .malformed("a header value holds control characters")
        }
        return (String(decoding: line[..<colon], as: UTF8.self).lowercased(), String(decoding: value, as: UTF8.self))
    }

    /// Reads the fields that frame the body and govern the connection.
    private mutating func interpretFields() throws(HTTPRequestError) {
        let lengths = request.headers.filter { $0.name == "content-length" }.map(\.value)
        let encodings = request.headers.filter { $0.name == "transfer-encoding" }.map(\.value)
        if !encodings.isEmpty {
            guard lengths.isEmpty else { throw .malformed("both Content-Length and Transfer-Encoding are given") }
            let codings = encodings.joined(separator: ",").split(separator: ",").map {
                $0.trimmingASCIISpaces().lowercased()
            }
            guard codings == ["chunked"] else { throw .unsupportedTransferEncoding(encodings.joined(separator: ", ")) }
            framing = .chunked
        } else if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.count <= 18,
                first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(first)
            else {
                throw .malformed("Content-Length is not one whole number")
            }
            framing = .length(length)
        }
        let connection = request.headers.filter { $0.name == "connection" }.flatMap {
            $0.value.split(separator: ",").map { $0.trimmingASCIISpaces().lowercased() }
        }
        if connection.contains("close") {
            keepAlive = false
        } else if minorVersion == 0 {
            keepAlive = connection.contains("keep-alive")
        }
        if let expect = request.header("expect") {
            guard expect.lowercased() == "100-continue" else { throw .unsupportedExpectation(expect) }
            expectsContinue = minorVersion == 1
        }
    }

    /// The query's `name=value` pairs, percent-decoded, `+` read as a space.
    static func parseQuery(_ bytes: ArraySlice<UInt8>) -> [(name: String, value: String)] {
        bytes.split(separator: UInt8(ascii: "&")).map { pair in
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = pair[pair.startIndex ..< (equals ?? pair.endIndex)]
            let value = equals.map { pair[($0 + 1)...] } ?? []
            return (percentDecoded(name), percentDecoded(value))
        }
    }

    /// `bytes` with `%XX` escapes and `+` decoded; malformed escapes are kept as they are.
    static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]),
                let low = hexValue(bytes[index + 2])
            {
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// The value of a hexadecimal digit, or nil.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30 ... 0x39: byte - 0x30
        case 0x41 ... 0x46: byte - 0x41 + 10
        case 0x61 ... 0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// RFC 9110's `tchar`: the bytes a method or a field name may hold.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30 ... 0x39, 0x41 ... 0x5A, 0x61 ... 0x7A: true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingASCIISpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
