/// Why a gzip stream could not be decompressed.
public enum GzipError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes do not start with the gzip magic `1f 8b`.
    case notGzip(file: String)
    /// The stream ends before its last member does (an interrupted download, a cut file).
    case truncated(file: String)
    /// zlib rejected the compressed data or its CRC-32/length check; `detail` is zlib's reason.
    case corrupt(file: String, detail: String)
    /// Bytes that are neither a gzip member nor zero padding follow the last member, at `offset`.
    case trailingGarbage(file: String, offset: Int)
    /// The decompressed content would exceed `limit` bytes.
    case outputOverLimit(file: String, limit: Int)
    /// zlib itself failed (for example out of memory); `status` is zlib's return code.
    case zlibFailure(file: String, status: Int32, message: String)

    /// A message naming the file and what is wrong with it.
    public var description: String {
        switch self {
        case .notGzip(let file):
            "\(file) is not gzip data: it does not start with the bytes 1f 8b."
        case .truncated(let file):
            "\(file) is a truncated gzip file: the compressed data stops before its end. "
                + "The file was probably cut short (an interrupted download?); fetch it again."
        case .corrupt(let file, let detail):
            "\(file) holds corrupt gzip data (\(detail)); fetch the file again."
        case .trailingGarbage(let file, let offset):
            "\(file) has unexpected bytes after the end of its gzip data, at byte \(offset)."
        case .outputOverLimit(let file, let limit):
            "\(file) decompresses to more than \(limit) bytes, the most accepted; "
                + "refusing to expand it further (is it really the file you meant?)."
        case .zlibFailure(let file, let status, let message):
            "zlib failed while decompressing \(file): \(message) (status \(status))."
        }
    }
}
