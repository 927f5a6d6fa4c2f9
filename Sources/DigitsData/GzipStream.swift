import CZlib

/// gzip decompression fed in pieces, for data that arrives over time (a download) or is too
/// large to hold whole.
///
/// Follows the rules of `Gzip.decompress`: one or more members, then optionally zero bytes of
/// padding and nothing else. The decompressed bytes are handed to a closure as they are made and
/// never collected, so memory use does not depend on the size of the content.
public final class GzipStream {
    /// Where the input stands between members.
    private enum Phase {
        /// Inside a member (or before the first one).
        case inMember
        /// A member ended; another may start, or zero padding may follow.
        case betweenMembers
        /// Zero padding has started: only zeros may follow.
        case padding
    }

    private let inflateStream: GzipInflateStream
    private var stream: UnsafeMutablePointer<z_stream> { inflateStream.pointer }
    private let source: String
    private var phase = Phase.inMember
    private var consumed = 0
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    /// Total decompressed bytes handed out so far.
    public private(set) var outputCount = 0

    /// Whether the input so far is a complete gzip stream (at least one whole member, and after
    /// the last only zero padding).
    public var isComplete: Bool { phase != .inMember }

    /// A decompressor for a new stream; `source` names it in error messages.
    public init(source: String) throws(GzipError) {
        self.source = source
        inflateStream = try GzipInflateStream(source: source)
    }

    /// Decompresses `input`, handing each piece of output to `output` as it is made.
    ///
    /// Throws `notGzip` when the first bytes are not a gzip header, `corrupt` for invalid data,
    /// and `trailingGarbage` for anything but zeros or a new member after a member.
    public func feed(
        _ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) -> Void
    ) throws(GzipError) {
        guard let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var offset = 0
        while offset < input.count {
            switch phase {
            case .padding, .betweenMembers:
                if base[offset] == 0 {
                    phase = .padding
                    offset += 1
                    consumed += 1
                    continue
                }
                if phase == .padding { throw .trailingGarbage(file: source, offset: consumed) }
                inflateReset(stream)
                phase = .inMember
            case .inMember:
                if consumed == 0 && base[offset] != Gzip.magic[0] { throw .notGzip(file: source) }
            }
            stream.pointee.next_in = UnsafeMutablePointer(mutating: base + offset)
            stream.pointee.avail_in = UInt32(min(input.count - offset, Int(UInt32.max)))
            let before = Int(stream.pointee.avail_in)
            let status = try inflateAvailable(output: output)
            let used = before - Int(stream.pointee.avail_in)
            offset += used
            consumed += used
            if status == Z_STREAM_END { phase = .betweenMembers }
        }
    }

    /// Checks that the stream is complete; throws `truncated` when it stops inside a member.
    public func finish() throws(GzipError) {
        guard isComplete else { throw .truncated(file: source) }
    }

    /// Inflates what zlib has been given until it needs more input or a member ends.
    private func inflateAvailable(output: (UnsafeRawBufferPointer) -> Void) throws(GzipError) -> Int32 {
        while true {
            let (status, produced) = chunk.withUnsafeMutableBytes { buffer in
                stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.pointee.avail_out = UInt32(buffer.count)
                let status = inflate(stream, Z_NO_FLUSH)
                let produced = buffer.count - Int(stream.pointee.avail_out)
                if produced > 0 { output(UnsafeRawBufferPointer(rebasing: buffer[..<produced])) }
                return (status, produced)
            }
            outputCount += produced
            switch status {
            case Z_STREAM_END:
                return status
            case Z_OK, Z_BUF_ERROR:
                // Stop when zlib has consumed everything and has no more output to give.
                if stream.pointee.avail_in == 0 && produced < chunk.count { return status }
                if status == Z_BUF_ERROR && produced == 0 { return status }
            case Z_DATA_ERROR, Z_NEED_DICT:
                if consumed == 0 && outputCount == 0 && phase == .inMember && stream.pointee.total_in < 10 {
                    throw .notGzip(file: source)
                }
                throw .corrupt(file: source, detail: stream.pointee.msg.map { String(cString: $0) } ?? "invalid data")
            default:
                throw .zlibFailure(
                    file: source, status: status,
                    message: stream.pointee.msg.map { String(cString: $0) } ?? "inflate failed")
            }
        }
    }
}
