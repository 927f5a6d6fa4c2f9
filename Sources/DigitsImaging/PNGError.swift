import DigitsFileSystem

/// Why a PNG could not be read or written.
///
/// Every case names the input (a file path, or a label such as `standard input` for bytes that
/// came from elsewhere) so that a message printed for one of many files says which one failed.
public enum PNGError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing exists at the path.
    case fileNotFound(path: String)
    /// The path names a directory.
    case isDirectory(path: String)
    /// The path names something that is neither a file nor a directory (a FIFO, a device, a socket),
    /// which is refused rather than read because reading it could block forever.
    case notRegularFile(path: String)
    /// The file exists but the operating system refused to open or read it.
    case unreadable(path: String, reason: String)
    /// The file or buffer holds no bytes at all.
    case empty(name: String)
    /// The file is larger than `PNGDecoder.maximumFileSize`; `bytes` is its size.
    case fileTooLarge(name: String, bytes: Int, limit: Int)
    /// The bytes do not start with the PNG signature; `looksLike` guesses what they are instead, if it can.
    case notPNG(name: String, looksLike: String?)
    /// The data stops before the PNG stream is complete (a cut-off download or copy).
    case truncated(name: String, detail: String)
    /// The header declares more pixels than `PNGDecoder.maximumPixelCount`; refused before any pixel
    /// memory is allocated.
    case imageTooLarge(name: String, width: Int, height: Int, limit: Int)
    /// libpng rejected the data (a bad checksum, an invalid header, damaged compressed data…);
    /// `detail` is libpng's own message.
    case corrupt(name: String, detail: String)
    /// Pixels handed to the encoder do not match the dimensions they were described with.
    case invalidPixelBuffer(detail: String)
    /// libpng could not encode the image, or the result could not be written; `detail` says why.
    case encodingFailed(name: String, detail: String)

    /// A one-line message that names the input and says what is wrong with it.
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .isDirectory(let path):
            return "\(path): is a directory, not a PNG file"
        case .notRegularFile(let path):
            return "\(path): not a regular file (a pipe, device or socket); save the image to a file first"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read (\(reason))"
        case .empty(let name):
            return "\(name): empty (0 bytes), not a PNG file"
        case .fileTooLarge(let name, let bytes, let limit):
            return "\(name): \(bytes) bytes is larger than the \(limit)-byte limit for a PNG input"
        case .notPNG(let name, let looksLike):
            if let looksLike {
                return "\(name): not a PNG file (it looks like \(looksLike))"
            }
            return "\(name): not a PNG file (it does not start with the PNG signature)"
        case .truncated(let name, let detail):
            return "\(name): truncated PNG file (\(detail)); the file is incomplete, copy or download it again"
        case .imageTooLarge(let name, let width, let height, let limit):
            return "\(name): image of \(width)×\(height) pixels is larger than the limit of \(limit) pixels; "
                + "scale it down first"
        case .corrupt(let name, let detail):
            return "\(name): damaged PNG file (\(detail))"
        case .invalidPixelBuffer(let detail):
            return "cannot encode PNG: \(detail)"
        case .encodingFailed(let name, let detail):
            return "\(name): cannot write PNG (\(detail))"
        }
    }
}

extension PNGError {
    /// The PNG error for a file that could not be read, case for case.
    init(_ error: FileSystemError) {
        switch error {
        case let .notFound(path): self = .fileNotFound(path: path)
        case let .isDirectory(path): self = .isDirectory(path: path)
        case let .notRegularFile(path): self = .notRegularFile(path: path)
        case .unreadable: self = .unreadable(path: error.path, reason: error.reason)
        case let .tooLarge(path, size, limit): self = .fileTooLarge(name: path, bytes: size, limit: limit)
        }
    }
}
