/// Takes a `Transfer-Encoding: chunked` body apart as its bytes arrive, keeping the data and
/// refusing it as soon as it grows past a limit, so an endless body is never held in memory.
public struct ChunkedBodyDecoder: Sendable {
    /// The body's data so far.
    public private(set) var body: [UInt8] = []
    /// The largest body accepted, in bytes.
    public let limit: Int
    /// True once the last chunk and the trailer have been read.
    public var isComplete: Bool { state == .done }

    private enum State: Equatable {
        case sizeLine
        case data(remaining: Int)
        case dataEnd
        case trailer
        case done
    }

    private var state = State.sizeLine
    /// Bytes of the current size or trailer line seen so far, without its line feed.
    private var line: [UInt8] = []

    /// Trailer lines read so far, the empty last one included.
    private var trailerLines = 0
    /// The most trailer lines accepted.
    static let maximumTrailerLines = 64

    /// The longest size or trailer line accepted: a size and its extensions, or one trailer field.
    static let maximumLineLength = 4096

    /// A decoder that accepts bodies of up to `limit` bytes of data.
    public init(limit: Int) {
        self.limit = limit
    }

    /// Consumes bytes from the start of `bytes`, up to the end of the body.
    ///
    /// - Returns: how many bytes were consumed: all of them, unless the body ended inside them
    ///   (then the rest belongs to the next request).
    /// - Throws: `HTTPRequestError.bodyTooLarge` as soon as the data passes `limit`, and
    ///   `.malformedChunk` when the framing is wrong.
    public mutating func consume(_ bytes: ArraySlice<UInt8>) throws(HTTPRequestError) -> Int {
        var index = bytes.startIndex
        while index < bytes.endIndex && state != .done {
            switch state {
            case .data(let remaining):
                let count = min(remaining, bytes.endIndex - index)
                body.append(contentsOf: bytes[index ..< index + count])
                index += count
                state = remaining == count ? .dataEnd : .data(remaining: remaining - count)
            case .sizeLine, .dataEnd, .trailer:
                let byte = bytes[index]
                index += 1
                guard byte == 0x0A else {
                    line.append(byte)
                    if line.count > Self.maximumLineLength { throw .malformedChunk("a chunk line is too long") }
                    continue
                }
                if line.last == 0x0D { line.removeLast() }
                try endOfLine()
                line.removeAll(keepingCapacity: true)
            case .done:
                break
            }
        }
        return index - bytes.startIndex
    }

    /// Acts on a complete line.
    private mutating func endOfLine() throws(HTTPRequestError) {
        switch state {
        case .sizeLine:
            let digits = line.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != 0x20 && $0 != 0x09 }
            guard !digits.isEmpty, digits.count <= 15 else {
                throw .malformedChunk("a chunk size is missing or too long")
            }
            var size = 0
            for digit in digits {
                guard let value = HTTPRequestHead.hexValue(digit) else {
                    throw .malformedChunk("a chunk size is not a hexadecimal number")
                }
                size = size * 16 + Int(value)
            }
            guard size <= limit - body.count else { throw .bodyTooLarge(limit: limit) }
            state = size == 0 ? .trailer : .data(remaining: size)
        case .dataEnd:
            guard line.isEmpty else { throw .malformedChunk("a chunk is longer than its size says") }
            state = .sizeLine
        case .trailer:
            trailerLines += 1
            guard trailerLines <= Self.maximumTrailerLines else { throw .malformedChunk("the trailer is too long") }
            if line.isEmpty { state = .done }
        case .data, .done:
            break
        }
    }
}
