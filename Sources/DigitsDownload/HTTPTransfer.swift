internal import CCurl

/// The head of an HTTP response: what the downloader looks at before taking the body.
struct HTTPResponseHead: Sendable, Equatable {
    /// The status code, e.g. 200.
    var status = 0
    /// `Content-Length`, when the server sent one.
    var contentLength: Int?
    /// `Content-Type`, lowercased, when the server sent one.
    var contentType: String?
    /// The first byte position of `Content-Range`, when the server sent one.
    var contentRangeStart: Int?
}

/// How an HTTP transfer ended, in libcurl's terms.
struct HTTPOutcome: Sendable {
    /// libcurl's result code (0 for a complete transfer).
    var code: Int32
    /// libcurl's description of what went wrong, most specific first.
    var message: String
    /// The final response's status code (0 when no response arrived).
    var status: Int
}

/// One HTTP GET through libcurl, streaming the body to closures.
///
/// libcurl is loaded with dlopen on first use, not linked: linking FoundationNetworking (which
/// wraps libcurl) made every start of `digits` about 35 ms slower, measured on a trivial program
/// (14 ms → 51 ms best of 20), which would have put `digits classify` far over its 15 ms budget.
/// Loading libcurl only when a download starts keeps that cost out of every other command.
final class HTTPTransfer {
    /// The URL to fetch.
    let url: String
    /// The first byte to ask for with a `Range` header, or nil for the whole body.
    let rangeStart: Int?
    /// Seconds without a byte (or without a connection) after which the transfer is abandoned.
    let timeout: Int
    /// How many redirects are followed before giving up.
    let maximumRedirects: Int

    /// Called with the final response's head before its first body byte; false aborts.
    var onHead: (HTTPResponseHead) -> Bool = { _ in true }
    /// Called with each piece of the body; false aborts.
    var onBody: (UnsafeRawBufferPointer) -> Bool = { _ in true }
    /// Polled often (at least once a second); true aborts.
    var shouldStop: () -> Bool = { false }

    private var head = HTTPResponseHead()
    private var headDelivered = false
    private(set) var aborted = false
    /// Whether the transfer was abandoned because nothing arrived for `timeout` seconds.
    private(set) var stalled = false
    private var lastActivity = ContinuousClock.now

    init(url: String, rangeStart: Int?, timeout: Int, maximumRedirects: Int) {
        self.url = url
        self.rangeStart = rangeStart
        self.timeout = timeout
        self.maximumRedirects = maximumRedirects
    }

    /// Whether libcurl can be loaded; the reason when it cannot.
    static func loadLibrary() -> String? {
        var message = [CChar](repeating: 0, count: 512)
        if ccurl_load(&message, message.count) == 0 { return nil }
        return String(decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs the transfer to its end; `loadLibrary()` must have succeeded.
    func perform() -> HTTPOutcome {
        guard let handle = ccurl_easy_init() else {
            return HTTPOutcome(code: -1, message: "libcurl could not start a transfer", status: 0)
        }
        defer { ccurl_easy_cleanup(handle) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CCURL_ERROR_SIZE) + 1)
        lastActivity = .now
        let context = Unmanaged.passUnretained(self).toOpaque()
        let code: Int32 = url.withCString { urlText in
            (rangeStart.map { "\($0)-" } ?? "").withCString { rangeText in
                errorBuffer.withUnsafeMutableBufferPointer { errors in
                    _ = ccurl_setopt_pointer(handle, Int32(CCURLOPT_URL), UnsafeMutableRawPointer(mutating: urlText))
                    if rangeStart != nil {
                        _ = ccurl_setopt_pointer(
                            handle, Int32(CCURLOPT_RANGE), UnsafeMutableRawPointer(mutating: rangeText))
                    }
                    _ = ccurl_setopt_pointer(handle, Int32(CCURLOPT_ERRORBUFFER), errors.baseAddress)
                    _ = ccurl_setopt_long(handle, Int32(CCURLOPT_NOSIGNAL), 1)
                    _ = ccurl_setopt_long(handle, Int32(CCURLOPT_FOLLOWLOCATION), 1)
                    _ = ccurl_setopt_long(handle, Int32(CCURLOPT_MAXREDIRS), maximumRedirects)
                    let web = Int(CCURLPROTO_HTTP | CCURLPROTO_HTTPS)
                    _ = ccurl_setopt_long(handle, Int32(CCURLOPT_PROTOCOLS), web)
                    _ = ccurl_setopt_long(handle, Int32(CCURLOPT_REDIR_PROTOCOLS), web)
                    _ = ccurl_setopt_long(handle, Int32(CCURLOPT_CONNECTTIMEOUT), timeout)
                    // Stalls are timed by the progress callback: libcurl's low-speed check averages
                    // over several seconds, so it would notice a stall seconds late.
                    _ = ccurl_setopt_long(handle, Int32(CCURLOPT_NOPROGRESS), 0)
                    _ = "digits".withCString {
                        ccurl_setopt_pointer(handle, Int32(CCURLOPT_USERAGENT), UnsafeMutableRawPointer(mutating: $0))
                    }
                    _ = ccurl_setopt_pointer(handle, Int32(CCURLOPT_WRITEDATA), context)
                    _ = ccurl_setopt_pointer(handle, Int32(CCURLOPT_HEADERDATA), context)
                    _ = ccurl_setopt_pointer(handle, Int32(CCURLOPT_XFERINFODATA), context)
                    _ = ccurl_set_write_function(
                        handle,
                        { data, size, count, context in
                            let transfer = Unmanaged<HTTPTransfer>.fromOpaque(context!).takeUnretainedValue()
                            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
                                ? size * count : 0
                        })
                    _ = ccurl_set_header_function(
                        handle,
                        { data, size, count, context in
                            let transfer = Unmanaged<HTTPTransfer>.fromOpaque(context!).takeUnretainedValue()
                            transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
                            return size * count
                        })
                    _ = ccurl_set_progress_function(
                        handle,
                        { context, _, _, _, _ in
                            let transfer = Unmanaged<HTTPTransfer>.fromOpaque(context!).takeUnretainedValue()
                            if transfer.shouldStop() { transfer.aborted = true }
                            if transfer.lastActivity.duration(to: .now) > .seconds(transfer.timeout) {
                                transfer.stalled = true
                            }
                            if transfer.stalled { return 1 }
                            return transfer.aborted ? 1 : 0
                        })
                    return ccurl_easy_perform(handle)
                }
            }
        }
        var status = 0
        ccurl_getinfo_long(handle, Int32(CCURLINFO_RESPONSE_CODE), &status)
        let detail = String(
            decoding: errorBuffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let message = detail.isEmpty ? String(cString: ccurl_easy_strerror(code)) : detail
        return HTTPOutcome(code: code, message: message, status: status)
    }

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if aborted { return false }
        lastActivity = .now
        if !headDelivered {
            headDelivered = true
            if !onHead(head) {
                aborted = true
                return false
            }
        }
        if !onBody(bytes) || shouldStop() {
            aborted = true
            return false
        }
        return true
    }

    /// Takes one header line; a status line starts a new response (after a redirect, say).
    private func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        lastActivity = .now
        let line = String(decoding: bytes, as: UTF8.self).trimmingTrailingNewline()
        if line.hasPrefix("HTTP/") {
            head = HTTPResponseHead()
            let parts = line.split(separator: " ", maxSplits: 2)
            head.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingSpaces()
        switch name {
        case "content-length": head.contentLength = Int(value)
        case "content-type": head.contentType = value.lowercased()
        case "content-range":
            // "bytes 100-199/200"
            let range = value.split(separator: " ").last ?? ""
            head.contentRangeStart = Int(range.split(separator: "-").first ?? "")
        default: break
        }
    }

    /// Tells the receiver about a response that had no body, so its status is still judged.
    func deliverHeadIfNeeded() -> HTTPResponseHead? {
        headDelivered ? nil : head
    }
}

extension StringProtocol {
    fileprivate func trimmingTrailingNewline() -> String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" { text = text.dropLast() }
        return String(text)
    }

    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
