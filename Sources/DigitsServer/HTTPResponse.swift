#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One HTTP response: a status, a content type, extra header fields and the body.
public struct HTTPResponse: Equatable, Sendable {
    /// The status code (200, 404…).
    public var status: Int
    /// The `Content-Type` header's value, or nil for none.
    public var contentType: String?
    /// Header fields other than `Content-Type`, `Content-Length` and `Connection`, which the
    /// server writes itself.
    public var headers: [(name: String, value: String)]
    /// The body's bytes.
    public var body: [UInt8]

    /// A response from its parts.
    public init(
        status: Int, contentType: String? = nil, headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// Whether two responses have the same status, content type, header fields (in order) and body.
    public static func == (lhs: HTTPResponse, rhs: HTTPResponse) -> Bool {
        lhs.status == rhs.status && lhs.contentType == rhs.contentType && lhs.body == rhs.body
            && lhs.headers.elementsEqual(rhs.headers) { $0 == $1 }
    }

    /// `value` encoded as one JSON object with sorted keys, as `digits classify --json` prints it.
    public static func json(_ value: some Encodable, status: Int = 200) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return HTTPResponse(
                status: status, contentType: "application/json", body: Array(try encoder.encode(value)) + [0x0A])
        } catch {
            // Only a non-finite float can fail to encode, and no answer of ours holds one.
            return Self.error(500, "the answer could not be written as JSON: \(error)")
        }
    }

    /// JSON text that is already a complete JSON value.
    public static func json(text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: Array(text.utf8) + [0x0A])
    }

    /// An error answer: `{"error": message}` with `status`.
    public static func error(_ status: Int, _ message: String) -> HTTPResponse {
        json(ErrorBody(error: message), status: status)
    }

    private struct ErrorBody: Encodable {
        var error: String
    }

    /// The reason phrase for a status code.
    public static func reason(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }

    /// The response as bytes on the wire: status line, header fields, blank line, and the body
    /// unless `includeBody` is false (an answer to `HEAD`).
    public func serialized(keepAlive: Bool, includeBody: Bool = true) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reason(for: status))\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        head += "Content-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        var bytes = Array(head.utf8)
        if includeBody { bytes += body }
        return bytes
    }
}
