/// Why one mirror did not give a verified file.
public enum DownloadFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The host name did not resolve.
    case hostNotFound(detail: String)
    /// The host refused or could not be reached.
    case cannotConnect(detail: String)
    /// The server answered with an error status (404, 500, …).
    case httpStatus(Int)
    /// More redirects than the limit.
    case tooManyRedirects(limit: Int)
    /// The body ended before all of it arrived.
    case cutShort(received: Int, expected: Int?)
    /// No bytes arrived for the timeout.
    case stalled(seconds: Int)
    /// The body passed the bound no real file reaches.
    case tooLarge(limit: Int)
    /// The body decompressed to more bytes than the file has.
    case contentTooLarge(size: Int)
    /// An HTML page came where the file should be.
    case htmlPage
    /// The body is not gzip data.
    case notGzip
    /// The body is gzip, but damaged.
    case corrupt(detail: String)
    /// The content was complete but is not the expected file.
    case checksumMismatch(expected: String, actual: String, size: Int)
    /// A `Range` answer that does not start where it was asked to.
    case badRange(asked: Int, given: Int?)
    /// Any other transfer failure, in libcurl's words.
    case transfer(detail: String)

    /// What happened, in a phrase that follows the mirror's URL.
    public var description: String {
        switch self {
        case .hostNotFound(let detail): "host not found (\(detail))"
        case .cannotConnect(let detail): "could not connect (\(detail))"
        case .httpStatus(let status): "HTTP \(status)\(Self.reason(status).map { " " + $0 } ?? "")"
        case .tooManyRedirects(let limit): "more than \(limit) redirects; gave up"
        case .cutShort(let received, let expected):
            if let expected {
                "the body was cut short after \(received) of \(expected) bytes"
            } else {
                "the body was cut short after \(received) bytes (the gzip data ends early)"
            }
        case .stalled(let seconds): "no data for \(seconds) seconds; gave up"
        case .tooLarge(let limit): "the body passed \(limit) bytes, more than the file can be; stopped"
        case .contentTooLarge(let size): "the content decompresses to more than the file's \(size) bytes; stopped"
        case .htmlPage: "sent an HTML page instead of the file"
        case .notGzip: "sent something that is not gzip data"
        case .corrupt(let detail): "sent damaged gzip data (\(detail))"
        case .checksumMismatch(let expected, let actual, let size):
            "the file failed verification: \(size) bytes with SHA-256 \(actual), expected \(expected); deleted it"
        case .badRange(let asked, let given):
            "answered a request for bytes from \(asked) with bytes from \(given.map(String.init) ?? "an unknown offset")"
        case .transfer(let detail): detail
        }
    }

    /// Whether the bytes received might continue in a later request, so the partial file is kept.
    var keepsPartialFile: Bool {
        switch self {
        case .hostNotFound, .cannotConnect, .httpStatus, .tooManyRedirects, .cutShort, .stalled, .transfer: true
        case .tooLarge, .contentTooLarge, .htmlPage, .notGzip, .corrupt, .checksumMismatch, .badRange: false
        }
    }

    private static func reason(_ status: Int) -> String? {
        [
            400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 410: "Gone",
            416: "Range Not Satisfiable", 429: "Too Many Requests", 500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
        ][status]
    }
}

/// Why `digits download` stopped.
public enum DownloadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every mirror failed for `file`; each attempt says what its mirror did.
    case allMirrorsFailed(file: String, attempts: [MirrorAttempt], keptPartial: String?)
    /// No mirrors to try.
    case noMirrors
    /// Stopped by an interrupt; temporary files were removed.
    case interrupted
    /// libcurl, which does the HTTP, could not be loaded.
    case httpUnavailable(detail: String)
    /// A local file operation failed.
    case fileSystem(path: String, operation: String, code: Int32)

    /// The library's wording; the command adds flag names and remedies.
    public var description: String {
        switch self {
        case .allMirrorsFailed(let file, let attempts, let kept):
            (["every mirror failed for \(file):"] + attempts.map { "  \($0.url): \($0.failure)" }
                + (kept.map { ["the bytes received are kept in \($0); the next run resumes from there"] } ?? []))
                .joined(separator: "\n")
        case .noMirrors: "no mirrors to download from"
        case .interrupted: "interrupted; no partial files were left behind"
        case .httpUnavailable(let detail): "cannot load libcurl for HTTP: \(detail)"
        case .fileSystem(let path, let operation, let code): "\(operation) '\(path)' failed: \(errorText(code))"
        }
    }
}

/// One mirror's try at one file.
public struct MirrorAttempt: Equatable, Sendable {
    /// The URL fetched.
    public let url: String
    /// What went wrong.
    public let failure: DownloadFailure

    /// The try at `url` that failed with `failure`.
    public init(url: String, failure: DownloadFailure) {
        self.url = url
        self.failure = failure
    }
}
