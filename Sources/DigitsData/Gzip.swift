import CZlib

/// gzip compression and decompression of whole byte buffers, through zlib.
///
/// Decompression trusts nothing in the stream: the output grows only as zlib actually produces
/// bytes (the ISIZE trailer is never used to size a buffer) and stops with an error once it
/// passes a caller-given limit, so a small "gzip bomb" cannot exhaust memory.
public enum Gzip {
    /// The two bytes every gzip member starts with (RFC 1952).
    public static let magic: [UInt8] = [0x1F, 0x8B]

    /// Whether `bytes` starts with the gzip magic bytes `1f 8b`.
    ///
    /// This is how the data layer tells gzip from raw content; file names are never consulted.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == magic[0] && bytes[1] == magic[1]
    }

    /// Decompresses a complete gzip stream of one or more members, returning their concatenated content.
    ///
    /// - Parameters:
    ///   - compressed: the gzip bytes; they must start with `1f 8b`. Zero bytes after the last
    ///     member (tape-block padding) are ignored; anything else after it is an error.
    ///   - limit: the largest decompressed size accepted, in bytes; more throws `.outputOverLimit`.
    ///   - source: the file name (or other description) used in error messages.
    public static func decompress(_ compressed: [UInt8], limit: Int, source: String) throws(GzipError) -> [UInt8] {
        precondition(limit >= 0, "the decompressed size limit must not be negative")
        guard isGzip(compressed) else { throw .notGzip(file: source) }
        let inflater = try Inflater(source: source)

        var output: [UInt8] = []
        // A first guess from the bytes actually present (IDX images inflate about 5×); the
        // array grows by doubling past it, and only ever as output arrives.
        output.reserveCapacity(min(limit, max(compressed.count, 1 << 14) * 4))
        var chunk = [UInt8](repeating: 0, count: 1 << 18)

        try compressed.withUnsafeBufferPointer { (input) throws(GzipError) in
            var memberStart = 0
            while true {
                let consumed = try inflater.inflateMember(
                    input: UnsafeBufferPointer(rebasing: input[memberStart...]),
                    chunk: &chunk, output: &output, limit: limit)
                memberStart += consumed
                let rest = UnsafeBufferPointer(rebasing: input[memberStart...])
                if rest.allSatisfy({ $0 == 0 }) { return }
                guard rest.count >= 2, rest[0] == magic[0], rest[1] == magic[1] else {
                    throw .trailingGarbage(file: source, offset: memberStart)
                }
                inflater.reset()
            }
        }
        return output
    }

    /// Compresses `bytes` into one gzip member (no file name, modification time 0), so equal
    /// input always gives equal output.
    ///
    /// - Parameter bytes: the data to compress.
    /// - Parameter level: zlib compression level, 0 (store) … 9 (smallest); 6 is zlib's default.
    public static func compress(_ bytes: [UInt8], level: Int = 6) -> [UInt8] {
        precondition((0 ... 9).contains(level), "gzip level must be 0...9, got \(level)")
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        // windowBits 15 + 16 asks zlib for a gzip wrapper; memLevel 8 is its default.
        let status = deflateInit2_(
            stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
            zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib could not start compressing (status \(status))")

        var output: [UInt8] = []
        output.reserveCapacity(Int(deflateBound(stream, uLong(min(bytes.count, Int(UInt32.max))))))
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        bytes.withUnsafeBufferPointer { input in
            var offset = 0
            var finished = false
            while !finished {
                if stream.pointee.avail_in == 0 {
                    let take = min(input.count - offset, Int(UInt32.max))
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + offset })
                    stream.pointee.avail_in = UInt32(take)
                    offset += take
                }
                let flush = offset == input.count ? Z_FINISH : Z_NO_FLUSH
                let produced = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.pointee.next_out = buffer.baseAddress
                    stream.pointee.avail_out = UInt32(buffer.count)
                    let status = deflate(stream, flush)
                    precondition(
                        status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR,
                        "zlib failed while compressing (status \(status))")
                    finished = status == Z_STREAM_END
                    return buffer.count - Int(stream.pointee.avail_out)
                }
                output.append(contentsOf: chunk[..<produced])
            }
        }
        return output
    }
}

/// Inflates whole gzip members held in memory.
private final class Inflater {
    private let inflateStream: GzipInflateStream
    private var stream: UnsafeMutablePointer<z_stream> { inflateStream.pointer }
    private let source: String

    init(source: String) throws(GzipError) {
        self.source = source
        inflateStream = try GzipInflateStream(source: source)
    }

    /// Prepares for the next member of a multi-member stream.
    func reset() {
        inflateReset(stream)
    }

    /// Inflates one gzip member from the start of `input`, appending its content to `output`.
    ///
    /// - Returns: the number of input bytes the member took, trailer included.
    func inflateMember(
        input: UnsafeBufferPointer<UInt8>, chunk: inout [UInt8], output: inout [UInt8], limit: Int
    ) throws(GzipError) -> Int {
        // Forget what was left over from the previous member: `input` starts where it ended.
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        var fed = 0
        while true {
            if stream.pointee.avail_in == 0 && fed < input.count {
                let take = min(input.count - fed, Int(UInt32.max))
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + fed)
                stream.pointee.avail_in = UInt32(take)
                fed += take
            }
            let (status, produced, outputFull) = chunk.withUnsafeMutableBufferPointer { buffer in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = UInt32(buffer.count)
                let status = inflate(stream, Z_NO_FLUSH)
                let room = Int(stream.pointee.avail_out)
                return (status, buffer.count - room, room == 0)
            }
            if produced > limit - output.count {
                throw .outputOverLimit(file: source, limit: limit)
            }
            output.append(contentsOf: chunk[..<produced])

            let inputExhausted = stream.pointee.avail_in == 0 && fed == input.count
            switch status {
            case Z_STREAM_END:
                return fed - Int(stream.pointee.avail_in)
            case Z_OK where !(inputExhausted && !outputFull):
                continue
            case Z_OK, Z_BUF_ERROR:
                // zlib wants more input than there is: the stream stops mid-member.
                throw .truncated(file: source)
            case Z_DATA_ERROR, Z_NEED_DICT:
                throw .corrupt(file: source, detail: stream.pointee.msg.map { String(cString: $0) } ?? "invalid data")
            default:
                throw .zlibFailure(
                    file: source, status: status,
                    message: stream.pointee.msg.map { String(cString: $0) } ?? "inflate failed")
            }
        }
    }
}
