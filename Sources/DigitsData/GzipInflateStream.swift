import CZlib

/// One zlib inflate stream in gzip mode, shared by `Gzip.decompress` and `GzipStream`.
///
/// The `z_stream` lives at a fixed heap address because zlib keeps a pointer back to it and
/// refuses to continue if it moves; it is freed with this object.
final class GzipInflateStream {
    /// The stream, for zlib's functions.
    let pointer: UnsafeMutablePointer<z_stream>

    /// A stream ready to inflate gzip data; `source` names the data in errors.
    init(source: String) throws(GzipError) {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: z_stream())
        // windowBits 15 + 16: accept only the gzip wrapper, and check its CRC-32 and length.
        let status = inflateInit2_(pointer, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            // `deinit` still runs and frees the stream; inflateEnd ignores a stream never started.
            throw .zlibFailure(file: source, status: status, message: "could not start decompressing")
        }
    }

    deinit {
        inflateEnd(pointer)
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}
