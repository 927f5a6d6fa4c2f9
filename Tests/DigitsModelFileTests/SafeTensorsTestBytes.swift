/// Builders for safetensors bytes written by hand, independent of the writer under test.
enum SafeTensorsTestBytes {
    /// A file: the 8-byte little-endian length of `header`, `header` itself, then `data`.
    static func file(header: String, data: [UInt8] = []) -> [UInt8] {
        file(headerBytes: Array(header.utf8), data: data)
    }

    /// A file whose header is given as raw bytes (which need not be UTF-8).
    static func file(headerBytes: [UInt8], data: [UInt8] = []) -> [UInt8] {
        littleEndian(UInt64(headerBytes.count)) + headerBytes + data
    }

    /// The 8 little-endian bytes of `value`.
    static func littleEndian(_ value: UInt64) -> [UInt8] {
        (0 ..< 8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// The little-endian bytes of float32 values.
    static func floats(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in
            (0 ..< 4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) }
        }
    }
}
