/// Why a request could not be taken: each case has the status code the client is answered with.
public enum HTTPRequestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The head is not a well-formed HTTP/1.x request head; says what is wrong.
    case malformed(String)
    /// The request line names an HTTP version other than 1.0 and 1.1.
    case unsupportedVersion(String)
    /// The request line and header fields together are longer than the limit, in bytes.
    case headTooLarge(limit: Int)
    /// The body is longer than the limit, in bytes.
    case bodyTooLarge(limit: Int)
    /// A transfer coding other than `chunked`.
    case unsupportedTransferEncoding(String)
    /// An `Expect` other than `100-continue`.
    case unsupportedExpectation(String)
    /// The chunked body is not framed as chunked bodies are; says what is wrong.
    case malformedChunk(String)
    /// The client did not send the whole request within the time allowed, in seconds.
    case timedOut(seconds: Double)

    /// The status code the client is answered with.
    public var status: Int {
        switch self {
        case .malformed, .malformedChunk: 400
        case .unsupportedVersion: 505
        case .headTooLarge: 431
        case .bodyTooLarge: 413
        case .unsupportedTransferEncoding: 501
        case .unsupportedExpectation: 417
        case .timedOut: 408
        }
    }

    /// What went wrong, for the client.
    public var description: String {
        switch self {
        case .malformed(let detail): "bad request: \(detail)"
        case .unsupportedVersion(let version): "\(version) is not supported; use HTTP/1.1"
        case .headTooLarge(let limit): "the request line and headers are longer than \(limit) bytes"
        case .bodyTooLarge(let limit):
            "the request body is larger than the limit of \(limit) bytes (\(limit / (1024 * 1024)) MiB); "
                + "send a smaller picture"
        case .unsupportedTransferEncoding(let coding): "transfer coding '\(coding)' is not supported; use chunked"
        case .unsupportedExpectation(let expectation): "Expect: \(expectation) is not supported"
        case .malformedChunk(let detail): "bad chunked body: \(detail)"
        case .timedOut(let seconds): "the request did not arrive within \(Self.format(seconds)) s"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
