import DigitsServer
import Testing

/// Parsing request heads: what is accepted, what each kind of bad head is answered with.
@Suite struct HTTPRequestHeadTests {
    static func parse(_ text: String, limit: Int = 16 * 1024) throws(HTTPRequestError) -> (
        head: HTTPRequestHead, length: Int
    )? {
        try HTTPRequestHead.parse(Array(text.utf8)[...], limit: limit)
    }

    @Test func parsesMethodPathQueryAndHeaders() throws {
        let text = "POST /classify?explain=1&name=a%20b+c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
        let parsed = try #require(try Self.parse(text))
        #expect(parsed.length == text.utf8.count - 5)
        #expect(parsed.head.request.method == "POST")
        #expect(parsed.head.request.path == "/classify")
        #expect(parsed.head.request.queryValue("explain") == "1")
        #expect(parsed.head.request.queryValue("name") == "a b c")
        #expect(parsed.head.request.header("HOST") == "x")
        #expect(parsed.head.framing == .length(5))
        #expect(parsed.head.keepAlive)
    }

    @Test func anIncompleteHeadAsksForMore() throws {
        #expect(try Self.parse("GET / HTTP/1.1\r\nHost: x\r\n") == nil)
    }

    @Test func connectionHeaderDecidesKeepAlive() throws {
        #expect(try Self.parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")?.head.keepAlive == false)
        #expect(try Self.parse("GET / HTTP/1.0\r\n\r\n")?.head.keepAlive == false)
        #expect(try Self.parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")?.head.keepAlive == true)
    }

    @Test func chunkedAndExpectContinueAreRecognised() throws {
        let head = try #require(
            try Self.parse("POST /read HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n")?.head)
        #expect(head.framing == .chunked)
        #expect(head.expectsContinue)
    }

    @Test(arguments: [
        ("GET /\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\n\r\n", 505),
        ("GET http://x/ HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nNo colon here\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n Folded: x\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nExpect: magic\r\n\r\n", 417),
    ])
    func badHeadsGetTheirStatus(text: String, status: Int) {
        #expect(throws: HTTPRequestError.self) { try Self.parse(text) }
        do {
            _ = try Self.parse(text)
        } catch {
            #expect(error.status == status, "\(text.debugDescription): \(error)")
        }
    }

    @Test func aHeadPastTheLimitIsRefusedBeforeItEnds() {
        let long = "GET / HTTP/1.1\r\nX-Long: " + String(repeating: "a", count: 200)
        #expect(throws: HTTPRequestError.headTooLarge(limit: 100)) { try Self.parse(long, limit: 100) }
        #expect(throws: HTTPRequestError.headTooLarge(limit: 100)) { try Self.parse(long + "\r\n\r\n", limit: 100) }
    }
}
