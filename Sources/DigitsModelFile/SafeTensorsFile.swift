import DigitsFileSystem

/// The contents of a safetensors file: named tensors plus free-form string metadata.
///
/// The format, as this type reads and writes it:
/// - 8 bytes: `N`, the header length, a little-endian `UInt64`;
/// - `N` bytes: the header, UTF-8 JSON starting with `{` and possibly padded at the end with
///   spaces, mapping each tensor name to `{"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}`
///   (offsets in bytes from the start of the data section), plus an optional `"__metadata__"`
///   object of string to string;
/// - the data section: every tensor's bytes, little-endian and row-major, back to back with no
///   gaps or overlaps, covering the section exactly.
///
/// Knows nothing of the model; the mapping between a network's layers and tensor names sits on
/// top of this type.
public struct SafeTensorsFile: Equatable, Sendable {
    /// The tensors by name.
    public var tensors: [String: SafeTensor]
    /// The `__metadata__` entries (empty when the file has none).
    public var metadata: [String: String]

    /// The longest header accepted when reading, in bytes: a guard against files that would
    /// make the reader parse (and allocate for) an absurd amount of JSON.
    public static let maximumHeaderLength = 100 * 1024 * 1024

    /// The largest file `init(contentsOf:)` reads, in bytes: 4 GiB, room for a billion 32-bit
    /// parameters, far beyond any network trained for MNIST, while a mistaken path (a disk
    /// image, a video) is refused before it is read into memory.
    public static let maximumFileSize = 4 * 1024 * 1024 * 1024

    /// The name the format reserves for the metadata object.
    static let metadataKey = "__metadata__"

    /// A file holding `tensors` and `metadata`.
    public init(tensors: [String: SafeTensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor names in the order they are written: sorted by their UTF-8 bytes.
    public var sortedTensorNames: [String] {
        tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The file's bytes: deterministic for given contents.
    ///
    /// Tensors appear in `sortedTensorNames` order, both in the header and in the data section;
    /// `__metadata__` comes first (and is left out when empty) with its keys sorted; each entry's
    /// keys are written as `dtype`, `shape`, `data_offsets`. The header is compact JSON padded with
    /// spaces to a multiple of 8 bytes, so the data section starts 8-byte aligned.
    ///
    /// Throws `SafeTensorsError.reservedTensorName` if a tensor is named `__metadata__`.
    public func encoded() throws(SafeTensorsError) -> [UInt8] {
        if tensors[Self.metadataKey] != nil { throw .reservedTensorName(Self.metadataKey) }
        let names = sortedTensorNames

        var header: [UInt8] = []
        header.append(UInt8(ascii: "{"))
        var needsComma = false
        if !metadata.isEmpty {
            StrictJSON.appendQuoted(Self.metadataKey, to: &header)
            header.append(contentsOf: ":{".utf8)
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { header.append(UInt8(ascii: ",")) }
                StrictJSON.appendQuoted(key, to: &header)
                header.append(UInt8(ascii: ":"))
                StrictJSON.appendQuoted(metadata[key]!, to: &header)
            }
            header.append(UInt8(ascii: "}"))
            needsComma = true
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            if needsComma { header.append(UInt8(ascii: ",")) }
            needsComma = true
            StrictJSON.appendQuoted(name, to: &header)
            header.append(contentsOf: ":{\"dtype\":".utf8)
            StrictJSON.appendQuoted(tensor.dtype.rawValue, to: &header)
            header.append(contentsOf: ",\"shape\":[".utf8)
            header.append(contentsOf: tensor.shape.map(String.init).joined(separator: ",").utf8)
            header.append(contentsOf: "],\"data_offsets\":[".utf8)
            header.append(contentsOf: "\(offset),\(offset + tensor.bytes.count)".utf8)
            header.append(contentsOf: "]}".utf8)
            offset += tensor.bytes.count
        }
        header.append(UInt8(ascii: "}"))
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }

        var output: [UInt8] = []
        output.reserveCapacity(8 + header.count + offset)
        var length = UInt64(header.count)
        for _ in 0 ..< 8 {
            output.append(UInt8(truncatingIfNeeded: length))
            length >>= 8
        }
        output.append(contentsOf: header)
        for name in names { output.append(contentsOf: tensors[name]!.bytes) }
        return output
    }

    /// Writes the file to `path` atomically (see `AtomicFile.write`): a reader never sees a
    /// half-written file, and on failure the old file at `path`, if any, is left untouched.
    ///
    /// Throws `SafeTensorsError` if the contents cannot be encoded, `AtomicFileError` if the
    /// file cannot be written.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path)
    }
}
