import DigitsFileSystem
import DigitsTensor

extension SafeTensorsFile {
    /// Reads and validates the safetensors file at `path`.
    ///
    /// Directories, pipes and devices are refused, and so is a file larger than
    /// `maximumFileSize`, before anything is read; then the file is read whole and checked as
    /// `init(decoding:file:)` checks bytes in memory. Nothing is allocated beyond what the file
    /// actually holds.
    ///
    /// Throws `SafeTensorsError` naming `path` and the first problem found.
    public init(contentsOf path: String) throws(SafeTensorsError) {
        try self.init(contentsOf: path, maximumFileSize: Self.maximumFileSize)
    }

    /// `init(contentsOf:)` with a different size limit, so the limit can be tested without
    /// building a file larger than it.
    init(contentsOf path: String, maximumFileSize: Int) throws(SafeTensorsError) {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.contents(ofFile: path, limit: maximumFileSize)
        } catch .isDirectory, .notRegularFile {
            throw .notARegularFile(file: path)
        } catch {
            throw .unreadable(file: path, reason: error.reason)
        }
        try self.init(decoding: bytes, file: path)
    }

    /// Decodes and validates a safetensors file held in memory; `file` names it in errors.
    ///
    /// Checks that: the bytes hold an 8-byte header length that fits in what follows and in
    /// `maximumHeaderLength`; the header starts with `{`, is UTF-8 and strict JSON (trailing
    /// spaces allowed) without duplicate keys; `__metadata__`, if present, maps strings to
    /// strings; every other entry has exactly a known `dtype`, a `shape` of non-negative
    /// integers whose byte size fits in `Int`, and `data_offsets` `[begin, end]` spanning
    /// exactly that byte size inside the data section; and the tensors tile the data section
    /// exactly, without gaps or overlaps.
    public init(decoding bytes: [UInt8], file: String) throws(SafeTensorsError) {
        try self.init(decoding: bytes, file: file, maximumHeaderLength: Self.maximumHeaderLength)
    }

    /// `init(decoding:file:)` with a different header limit, so the limit can be tested without
    /// building a file larger than it.
    init(decoding bytes: [UInt8], file: String, maximumHeaderLength: Int) throws(SafeTensorsError) {
        let decoded = bytes.withUnsafeBytes { raw in
            Result { () throws(SafeTensorsError) in
                let layout = try Layout(of: raw, file: file, maximumHeaderLength: maximumHeaderLength)
                var tensors: [String: SafeTensor] = [:]
                tensors.reserveCapacity(layout.tensors.count)
                for (name, tensor) in layout.tensors {
                    let source = layout.bytes(of: tensor)
                    let copy = [UInt8](uninitializedCount: source.count) { buffer in
                        Kernels.populateForWriting(UnsafeMutableRawBufferPointer(buffer))
                        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                    }
                    tensors[name] = SafeTensor(uncheckedDType: tensor.dtype, shape: tensor.shape, bytes: copy)
                }
                return SafeTensorsFile(tensors: tensors, metadata: layout.metadata)
            }
        }
        self = try decoded.get()
    }

    /// A safetensors file checked where it lies in memory, its tensors not copied out: what
    /// loading the model built into the program needs, where a copy would only be thrown away.
    package struct Layout {
        /// One tensor: its element type, shape and where its bytes lie in the file.
        package struct Tensor {
            package var dtype: SafeTensor.DType
            package var shape: [Int]
            package var byteRange: Range<Int>
        }

        /// The file's bytes, which the caller keeps alive and unchanged while the layout is used.
        package var file: UnsafeRawBufferPointer
        /// The tensors by name.
        package var tensors: [String: Tensor]
        /// The `__metadata__` map.
        package var metadata: [String: String]

        /// The bytes of `tensor`, a view into `file`.
        package func bytes(of tensor: Tensor) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: file[tensor.byteRange])
        }

        /// Checks `bytes` as `SafeTensorsFile.init(decoding:file:)` does.
        package init(of bytes: UnsafeRawBufferPointer, file: String) throws(SafeTensorsError) {
            try self.init(of: bytes, file: file, maximumHeaderLength: SafeTensorsFile.maximumHeaderLength)
        }

        init(of bytes: UnsafeRawBufferPointer, file: String, maximumHeaderLength: Int) throws(SafeTensorsError) {
            guard bytes.count >= 8 else { throw .fileTooShort(file: file, byteCount: bytes.count) }
            let headerLength = bytes[..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let available = bytes.count - 8
            guard headerLength <= UInt64(available) else {
                throw .headerExceedsFile(file: file, headerLength: headerLength, available: available)
            }
            guard headerLength <= UInt64(maximumHeaderLength) else {
                throw .headerTooLarge(file: file, headerLength: headerLength, limit: maximumHeaderLength)
            }
            let dataStart = 8 + Int(headerLength)

            let (entries, metadata) = try SafeTensorsFile.parseHeader(Array(bytes[8 ..< dataStart]), file: file)
            try SafeTensorsFile.checkLayout(entries, dataLength: bytes.count - dataStart, file: file)

            var tensors: [String: Tensor] = [:]
            tensors.reserveCapacity(entries.count)
            for entry in entries {
                tensors[entry.name] = Tensor(
                    dtype: entry.dtype, shape: entry.shape, byteRange: dataStart + entry.begin ..< dataStart + entry.end
                )
            }
            self.file = bytes
            self.tensors = tensors
            self.metadata = metadata
        }
    }

    /// One tensor as the header describes it.
    fileprivate struct Entry {
        var name: String
        var dtype: SafeTensor.DType
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// Parses the header and checks each entry on its own (not yet against the others).
    fileprivate static func parseHeader(
        _ header: [UInt8], file: String
    ) throws(SafeTensorsError) -> (entries: [Entry], metadata: [String: String]) {
        guard header.first == UInt8(ascii: "{") else { throw .headerNotObject(file: file) }
        guard String(validating: header, as: UTF8.self) != nil else { throw .headerNotUTF8(file: file) }
        let root: StrictJSON.Value
        do {
            root = try StrictJSON.parse(header)
        } catch {
            if let key = error.repeatedKey { throw .duplicateKey(file: file, key: key) }
            throw .headerNotJSON(file: file, detail: error.description)
        }
        guard case .object(let members) = root else { throw .headerNotObject(file: file) }

        var entries: [Entry] = []
        var metadata: [String: String] = [:]
        for (name, value) in members {
            if name == metadataKey {
                metadata = try parseMetadata(value, file: file)
            } else {
                entries.append(try parseEntry(name: name, value: value, file: file))
            }
        }
        return (entries, metadata)
    }

    private static func parseMetadata(
        _ value: StrictJSON.Value, file: String
    ) throws(SafeTensorsError) -> [String: String] {
        switch value {
        case .null:
            return [:]
        case .object(let members):
            var metadata: [String: String] = [:]
            for (key, member) in members {
                guard case .string(let text) = member else {
                    let detail = "value for \"\(key)\" is \(member.kindDescription), not a string"
                    throw .invalidMetadata(file: file, detail: detail)
                }
                metadata[key] = text
            }
            return metadata
        default:
            throw .invalidMetadata(file: file, detail: "is \(value.kindDescription), not an object of strings")
        }
    }

    private static func parseEntry(
        name: String, value: StrictJSON.Value, file: String
    ) throws(SafeTensorsError) -> Entry {
        func invalid(_ detail: String) -> SafeTensorsError {
            .invalidEntry(file: file, tensor: name, detail: detail)
        }
        guard case .object(let members) = value else {
            throw invalid("expected an object with dtype, shape and data_offsets, found \(value.kindDescription)")
        }
        var dtypeValue: StrictJSON.Value?, shapeValue: StrictJSON.Value?, offsetsValue: StrictJSON.Value?
        for (key, member) in members {
            switch key {
            case "dtype": dtypeValue = member
            case "shape": shapeValue = member
            case "data_offsets": offsetsValue = member
            default: throw invalid("unexpected field \"\(key)\"")
            }
        }

        guard let dtypeValue else { throw invalid("missing field \"dtype\"") }
        guard case .string(let dtypeName) = dtypeValue else {
            throw invalid("dtype is \(dtypeValue.kindDescription), not a string")
        }
        guard let dtype = SafeTensor.DType(rawValue: dtypeName) else {
            if SafeTensor.DType.subByteNames.contains(dtypeName) {
                throw .unsupportedDType(file: file, tensor: name, dtype: dtypeName)
            }
            throw .unknownDType(file: file, tensor: name, dtype: dtypeName)
        }

        guard let shapeValue else { throw invalid("missing field \"shape\"") }
        let shape = try integers(in: shapeValue, field: "shape", invalid: invalid)

        guard let offsetsValue else { throw invalid("missing field \"data_offsets\"") }
        let offsets = try integers(in: offsetsValue, field: "data_offsets", invalid: invalid)
        guard offsets.count == 2 else {
            throw invalid("data_offsets has \(offsets.count) numbers, expected 2 (begin and end)")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw invalid("data_offsets [\(begin), \(end)] ends before it begins") }

        guard let count = SafeTensor.elementCount(of: shape) else {
            throw .shapeOverflow(file: file, tensor: name, shape: shape)
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteCount)
        guard !overflow else { throw .shapeOverflow(file: file, tensor: name, shape: shape) }
        guard end - begin == byteCount else {
            throw .offsetsMismatchShape(file: file, tensor: name, begin: begin, end: end, expectedByteCount: byteCount)
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// The elements of a JSON array of non-negative integers that fit in `Int`.
    private static func integers(
        in value: StrictJSON.Value, field: String, invalid: (String) -> SafeTensorsError
    ) throws(SafeTensorsError) -> [Int] {
        guard case .array(let elements) = value else {
            throw invalid("\(field) is \(value.kindDescription), not an array of integers")
        }
        var result: [Int] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let integer = element.nonNegativeInt else {
                if case .number(let text) = element {
                    throw invalid("\(field) holds \(text), not a non-negative integer that fits in 64 bits")
                }
                throw invalid("\(field) holds \(element.kindDescription), not an integer")
            }
            result.append(integer)
        }
        return result
    }

    /// Checks that the tensors lie inside the data section and tile it exactly.
    fileprivate static func checkLayout(_ entries: [Entry], dataLength: Int, file: String) throws(SafeTensorsError) {
        for entry in entries where entry.end > dataLength {
            throw .offsetsOutOfBounds(file: file, tensor: entry.name, end: entry.end, dataLength: dataLength)
        }
        let ordered = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var cursor = 0
        var previous: Entry?
        for entry in ordered {
            if entry.begin > cursor {
                throw .unclaimedBytes(file: file, begin: cursor, end: entry.begin)
            }
            if entry.begin < cursor, let previous {
                throw .overlappingTensors(file: file, first: previous.name, second: entry.name)
            }
            cursor = entry.end
            previous = entry
        }
        guard cursor == dataLength else {
            throw .dataLengthMismatch(file: file, expected: cursor, actual: dataLength)
        }
    }
}
