import DigitsFileSystem

// Reading and writing the IDX file format: two zero bytes, the element type code, the number
// of dimensions n, n big-endian UInt32 sizes, then the elements, big-endian, row-major.

extension IDXArray {
    /// The most bytes a gzip-compressed IDX file may expand to unless the caller says otherwise:
    /// 1 GiB, twenty times full MNIST's training images.
    public static let defaultDecompressedLimit = 1 << 30

    /// Reads the IDX file at `path`, raw or gzip-compressed (told apart by its first bytes).
    ///
    /// Directories, pipes and devices are refused, and so is a file larger than `decompressedLimit`,
    /// before anything is read.
    ///
    /// - Parameter path: the file to read.
    /// - Parameter decompressedLimit: the largest IDX content accepted, in bytes: the size of a raw
    ///   file, or what a gzip file decompresses to (the gzip file itself may be no larger either).
    public init(contentsOfFile path: String, decompressedLimit: Int = defaultDecompressedLimit) throws(IDXError) {
        try self.init(
            decoding: Self.contents(ofFile: path, limit: decompressedLimit), source: path,
            decompressedLimit: decompressedLimit)
    }

    /// Decodes IDX content held in memory, raw or gzip-compressed (told apart by its first bytes).
    ///
    /// When `bytes` is raw IDX and not shared, its storage becomes the array's payload without a copy.
    ///
    /// - Parameters:
    ///   - bytes: the IDX content, raw or gzip-compressed.
    ///   - source: names the content in error messages, usually its file path.
    ///   - decompressedLimit: the largest decompressed size accepted for gzip content, in bytes.
    public init(
        decoding bytes: consuming [UInt8], source: String = "IDX data",
        decompressedLimit: Int = defaultDecompressedLimit
    ) throws(IDXError) {
        if Gzip.isGzip(bytes) {
            do {
                bytes = try Gzip.decompress(bytes, limit: decompressedLimit, source: source)
            } catch {
                throw .gzip(error)
            }
        }
        self = try Self.parse(consume bytes, source: source)
    }

    /// Checks the header against the bytes present, then turns the buffer into the payload in place.
    private static func parse(_ content: consuming [UInt8], source: String) throws(IDXError) -> IDXArray {
        if content.count >= 2 && (content[0] != 0 || content[1] != 0) {
            throw .badMagic(file: source, found: Array(content.prefix(4)))
        }
        guard content.count >= 4 else {
            throw .truncatedHeader(file: source, needed: 4, actual: content.count)
        }
        guard let dataType = IDXDataType(rawValue: content[2]) else {
            throw .unsupportedDataType(file: source, code: content[2])
        }
        let dimensionCount = Int(content[3])
        guard dimensionCount > 0 else { throw .noDimensions(file: source) }
        let headerLength = 4 + 4 * dimensionCount
        guard content.count >= headerLength else {
            throw .truncatedHeader(file: source, needed: headerLength, actual: content.count)
        }
        let dimensions = content.withUnsafeBytes { raw in
            (0 ..< dimensionCount).map {
                Int(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 4 + 4 * $0, as: UInt32.self)))
            }
        }
        guard let expected = payloadByteCount(dimensions: dimensions, dataType: dataType) else {
            throw .sizeOverflow(file: source, dimensions: dimensions)
        }
        let actual = content.count - headerLength
        if actual < expected { throw .truncatedPayload(file: source, expected: expected, actual: actual) }
        if actual > expected { throw .trailingBytes(file: source, expected: expected, actual: actual) }

        content.removeFirst(headerLength)
        return IDXArray(validatedType: dataType, dimensions: dimensions, payload: content)
    }

    /// The IDX header for this array: `4 + 4 × dimensions.count` bytes.
    public var header: [UInt8] {
        var header: [UInt8] = [0, 0, dataType.rawValue, UInt8(dimensions.count)]
        for size in dimensions {
            withUnsafeBytes(of: UInt32(size).bigEndian) { header.append(contentsOf: $0) }
        }
        return header
    }

    /// The array as an IDX file's bytes, gzip-compressed (one member, mtime 0) when `gzip` is true.
    public func encoded(gzip: Bool = false) -> [UInt8] {
        gzip ? Gzip.compress(header + bytes) : header + bytes
    }

    /// Writes the array as an IDX file at `path`, gzip-compressed when `gzip` is true, replacing
    /// any file already there atomically (see `AtomicFile.write`).
    public func write(toFile path: String, gzip: Bool = false) throws(IDXError) {
        do {
            try AtomicFile.write(encoded(gzip: gzip), to: path)
        } catch {
            throw .unwritable(file: path, reason: error.reason)
        }
    }

    /// The bytes of the file at `path`, with read failures told as IDX errors.
    private static func contents(ofFile path: String, limit: Int) throws(IDXError) -> [UInt8] {
        do {
            return try FileSystem.contents(ofFile: path, limit: limit)
        } catch .notFound {
            throw .fileMissing(file: path)
        } catch {
            throw .unreadable(file: path, reason: error.reason)
        }
    }
}
