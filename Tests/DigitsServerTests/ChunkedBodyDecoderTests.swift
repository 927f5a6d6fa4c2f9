import DigitsServer
import Testing

/// Chunked bodies: decoded however the bytes arrive, refused once past the limit.
@Suite struct ChunkedBodyDecoderTests {
    static let encoded = Array("5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\nNEXT".utf8)

    @Test func decodesInOneGoAndLeavesTheNextRequestsBytes() throws {
        var decoder = ChunkedBodyDecoder(limit: 100)
        let consumed = try decoder.consume(Self.encoded[...])
        #expect(decoder.isComplete)
        #expect(decoder.body == Array("hello, world".utf8))
        #expect(Array(Self.encoded[consumed...]) == Array("NEXT".utf8))
    }

    @Test func decodesTheSameWhenTheBytesArriveOneAtATime() throws {
        var decoder = ChunkedBodyDecoder(limit: 100)
        var index = 0
        while !decoder.isComplete {
            index += try decoder.consume(Self.encoded[index ..< index + 1])
        }
        #expect(decoder.body == Array("hello, world".utf8))
        #expect(index == Self.encoded.count - 4)
    }

    @Test func refusesAChunkThatWouldPassTheLimitBeforeReadingIt() {
        var decoder = ChunkedBodyDecoder(limit: 8)
        #expect(throws: HTTPRequestError.bodyTooLarge(limit: 8)) {
            try decoder.consume(Array("5\r\nhello\r\n5\r\n".utf8)[...])
        }
        #expect(decoder.body == Array("hello".utf8))
    }

    @Test(arguments: ["zz\r\n", "5\r\nhelloX\r\n", "\r\n", String(repeating: "1", count: 5000)])
    func malformedFramingIsRefused(text: String) {
        var decoder = ChunkedBodyDecoder(limit: 1 << 20)
        #expect(throws: HTTPRequestError.self) { try decoder.consume(Array(text.utf8)[...]) }
    }
}
