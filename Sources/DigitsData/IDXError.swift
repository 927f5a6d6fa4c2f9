/// Why an IDX file could not be read or written.
public enum IDXError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There is no file at this path.
    case fileMissing(file: String)
    /// The file exists but cannot be read; `reason` is the system's explanation, or says that the
    /// path is not a regular file or is over the size limit.
    case unreadable(file: String, reason: String)
    /// The file cannot be created or written; `reason` is the system's explanation.
    case unwritable(file: String, reason: String)
    /// The file is gzip-compressed and decompressing it failed.
    case gzip(GzipError)
    /// The file ends inside its header: the header needs `needed` bytes, the file has `actual`.
    case truncatedHeader(file: String, needed: Int, actual: Int)
    /// The file does not start with the two zero bytes of the IDX magic number.
    case badMagic(file: String, found: [UInt8])
    /// The type byte names no IDX element type.
    case unsupportedDataType(file: String, code: UInt8)
    /// The header declares zero dimensions.
    case noDimensions(file: String)
    /// The declared dimensions describe more bytes than `Int` can count.
    case sizeOverflow(file: String, dimensions: [Int])
    /// The payload holds fewer bytes than the header declares.
    case truncatedPayload(file: String, expected: Int, actual: Int)
    /// The payload holds more bytes than the header declares.
    case trailingBytes(file: String, expected: Int, actual: Int)

    /// A message naming the file and what is wrong with it.
    public var description: String {
        switch self {
        case .fileMissing(let file):
            "\(file) does not exist."
        case .unreadable(let file, let reason):
            "\(file) cannot be read: \(reason)."
        case .unwritable(let file, let reason):
            "\(file) cannot be written: \(reason)."
        case .gzip(let error):
            error.description
        case .truncatedHeader(let file, let needed, let actual):
            actual == 0
                ? "\(file) is empty; an IDX file needs at least a \(needed)-byte header."
                : "\(file) is truncated: its IDX header needs \(needed) bytes but the file has only \(actual)."
        case .badMagic(let file, let found):
            "\(file) is not an IDX file: IDX files start with the bytes 00 00, this one starts with "
                + found.map(Self.hex).joined(separator: " ") + "."
        case .unsupportedDataType(let file, let code):
            "\(file) declares IDX element type 0x\(Self.hex(code)), which does not exist; the types are "
                + IDXDataType.allCases.map(\.description).joined(separator: ", ") + "."
        case .noDimensions(let file):
            "\(file) declares zero dimensions; an IDX array has at least one."
        case .sizeOverflow(let file, let dimensions):
            "\(file) declares dimensions \(Self.shape(dimensions)), too many elements to hold in memory."
        case .truncatedPayload(let file, let expected, let actual):
            "\(file) is truncated: its header promises \(expected) bytes of data but only \(actual) follow. "
                + "Fetch the file again."
        case .trailingBytes(let file, let expected, let actual):
            "\(file) holds \(actual) bytes of data where its header declares \(expected); "
                + "it is not a well-formed IDX file."
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return byte < 16 ? "0" + digits : digits
    }

    private static func shape(_ dimensions: [Int]) -> String {
        dimensions.map(String.init).joined(separator: "×")
    }
}
