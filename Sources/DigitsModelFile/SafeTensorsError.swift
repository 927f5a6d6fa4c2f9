/// Why a safetensors file could not be read, or a tensor or file could not be built.
///
/// Every case about a file carries the file's path (or the label given when decoding bytes in
/// memory), so that the message alone tells the user which file is wrong and how.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    // MARK: Reading the bytes

    /// The file could not be opened or read; `reason` is the system's explanation, or says that
    /// the file is larger than `SafeTensorsFile.maximumFileSize`.
    case unreadable(file: String, reason: String)
    /// The path names a directory, device or other non-regular file.
    case notARegularFile(file: String)

    // MARK: The layout

    /// The file is too short to hold the 8-byte header length.
    case fileTooShort(file: String, byteCount: Int)
    /// The header length in the first 8 bytes is larger than the rest of the file.
    case headerExceedsFile(file: String, headerLength: UInt64, available: Int)
    /// The header length is beyond the limit this reader accepts (`SafeTensorsFile.maximumHeaderLength`).
    case headerTooLarge(file: String, headerLength: UInt64, limit: Int)
    /// The header does not start with `{`, as the format requires.
    case headerNotObject(file: String)
    /// The header bytes are not valid UTF-8.
    case headerNotUTF8(file: String)
    /// The header is not valid JSON; `detail` says where and why.
    case headerNotJSON(file: String, detail: String)
    /// The header names the same key twice.
    case duplicateKey(file: String, key: String)
    /// `__metadata__` is not an object of string values.
    case invalidMetadata(file: String, detail: String)
    /// A tensor entry is not `{"dtype": string, "shape": [int…], "data_offsets": [int, int]}`.
    case invalidEntry(file: String, tensor: String, detail: String)
    /// A tensor's dtype is not one the format defines.
    case unknownDType(file: String, tensor: String, dtype: String)
    /// A tensor's dtype is defined by the format but cannot be read by this reader.
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// A tensor's element count or byte size does not fit in a machine integer.
    case shapeOverflow(file: String, tensor: String, shape: [Int])
    /// A tensor's `data_offsets` span a different number of bytes than its dtype and shape need.
    case offsetsMismatchShape(file: String, tensor: String, begin: Int, end: Int, expectedByteCount: Int)
    /// A tensor's `data_offsets` reach past the end of the data section.
    case offsetsOutOfBounds(file: String, tensor: String, end: Int, dataLength: Int)
    /// Two tensors claim some of the same bytes.
    case overlappingTensors(file: String, first: String, second: String)
    /// Bytes of the data section that belong to no tensor, between `begin` and `end`.
    case unclaimedBytes(file: String, begin: Int, end: Int)
    /// The data section is not exactly as long as the tensors the header describes.
    case dataLengthMismatch(file: String, expected: Int, actual: Int)

    // MARK: Building tensors and files

    /// A shape with a negative dimension or an element count that overflows `Int`.
    case invalidShape(shape: [Int])
    /// The bytes given for a tensor are not `elementCount × dtype size` long.
    case byteCountMismatch(shape: [Int], dtype: String, expected: Int, actual: Int)
    /// A tensor may not be called `__metadata__`: the format reserves that key.
    case reservedTensorName(String)
    /// A finite value too large in magnitude for float16 (beyond ±65504).
    case notRepresentableAsHalf(value: Float)

    /// A message for the user naming the file (or tensor) and the problem.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            "cannot read '\(file)': \(reason)"
        case let .notARegularFile(file):
            "cannot read '\(file)': not a regular file"
        case let .invalidShape(shape):
            "cannot build a tensor of shape \(shape): a dimension is negative or there are too many elements"
        case let .byteCountMismatch(shape, dtype, expected, actual):
            "cannot build a \(dtype) tensor of shape \(shape): it needs \(expected) bytes, got \(actual)"
        case let .reservedTensorName(name):
            "cannot save a tensor named \"\(name)\": the safetensors format reserves that name"
        case let .notRepresentableAsHalf(value):
            "cannot store \(value) as float16: its largest value is 65504 (store this model as F32)"
        default:
            "'\(file ?? "")' is not a valid safetensors file: \(problem)"
        }
    }

    /// The file the error is about, if it is about a file.
    public var file: String? {
        switch self {
        case let .unreadable(file, _), let .notARegularFile(file), let .fileTooShort(file, _),
            let .headerExceedsFile(file, _, _), let .headerTooLarge(file, _, _), let .headerNotObject(file),
            let .headerNotUTF8(file), let .headerNotJSON(file, _), let .duplicateKey(file, _),
            let .invalidMetadata(file, _), let .invalidEntry(file, _, _), let .unknownDType(file, _, _),
            let .unsupportedDType(file, _, _), let .shapeOverflow(file, _, _),
            let .offsetsMismatchShape(file, _, _, _, _), let .offsetsOutOfBounds(file, _, _, _),
            let .overlappingTensors(file, _, _), let .unclaimedBytes(file, _, _),
            let .dataLengthMismatch(file, _, _):
            file
        case .invalidShape, .byteCountMismatch, .reservedTensorName, .notRepresentableAsHalf:
            nil
        }
    }

    /// What is wrong with the file's contents, for the cases that describe a malformed file.
    private var problem: String {
        switch self {
        case let .fileTooShort(_, byteCount):
            "it is \(byteCount) bytes long, too short for the 8-byte header length"
        case let .headerExceedsFile(_, headerLength, available):
            "the header length \(headerLength) is larger than the \(available) bytes that follow it (truncated file?)"
        case let .headerTooLarge(_, headerLength, limit):
            "the header length \(headerLength) exceeds the limit of \(limit) bytes"
        case .headerNotObject:
            "the header does not start with '{'"
        case .headerNotUTF8:
            "the header is not valid UTF-8"
        case let .headerNotJSON(_, detail):
            "the header is not valid JSON (\(detail))"
        case let .duplicateKey(_, key):
            "the header names \"\(key)\" more than once"
        case let .invalidMetadata(_, detail):
            "__metadata__ \(detail)"
        case let .invalidEntry(_, tensor, detail):
            "tensor \"\(tensor)\": \(detail)"
        case let .unknownDType(_, tensor, dtype):
            "tensor \"\(tensor)\" has unknown dtype \"\(dtype)\""
        case let .unsupportedDType(_, tensor, dtype):
            "tensor \"\(tensor)\" has unsupported dtype \(dtype)"
        case let .shapeOverflow(_, tensor, shape):
            "tensor \"\(tensor)\" has shape \(shape), too large to address"
        case let .offsetsMismatchShape(_, tensor, begin, end, expected):
            "tensor \"\(tensor)\" has data_offsets [\(begin), \(end)] spanning \(end - begin) bytes, "
                + "but its dtype and shape need \(expected)"
        case let .offsetsOutOfBounds(_, tensor, end, dataLength):
            "tensor \"\(tensor)\" ends at byte \(end) of a data section only \(dataLength) bytes long"
        case let .overlappingTensors(_, first, second):
            "tensors \"\(first)\" and \"\(second)\" overlap"
        case let .unclaimedBytes(_, begin, end):
            "bytes \(begin)..<\(end) of the data section belong to no tensor"
        case let .dataLengthMismatch(_, expected, actual):
            "the header describes \(expected) bytes of tensor data but the file holds \(actual)"
        case .unreadable, .notARegularFile, .invalidShape, .byteCountMismatch, .reservedTensorName,
            .notRepresentableAsHalf:
            description
        }
    }
}
