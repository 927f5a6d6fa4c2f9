#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and questions about paths, in POSIX terms, for every layer that reads files.
///
/// Going through the C library directly puts the bytes into the array the caller keeps, with no
/// intermediate `Data` copy, and lets failures carry the system's own reason.
package enum FileSystem {
    /// The bytes of the regular file at `path`, refusing anything that could hang or exhaust memory.
    ///
    /// The file is opened non-blocking, so that a FIFO with no writer cannot stall the open, then
    /// checked with `fstat` on the open descriptor (not the path, which could be swapped in between):
    /// directories, FIFOs, devices and sockets are refused, and so is a file of more than `limit`
    /// bytes. Only then is a buffer of the file's size allocated and filled. A file that shrinks
    /// while it is read gives the bytes that were there; bytes it gains meanwhile are not read.
    /// An empty file gives an empty array.
    ///
    /// Throws `FileSystemError` naming `path`.
    package static func contents(ofFile path: String, limit: Int) throws(FileSystemError) -> [UInt8] {
        let descriptor = try openForReading(path)
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .unreadable(path: path, code: errno)
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .isDirectory(path: path)
        default: throw .notRegularFile(path: path)
        }
        let size = Int(status.st_size)
        guard size <= limit else {
            throw .tooLarge(path: path, size: size, limit: limit)
        }

        // Not through unsafeUninitializedCapacity when empty: that stores the count (0) into the
        // storage every empty array shares, a write other threads' empty arrays race with.
        guard size > 0 else { return [] }
        var failure: Int32?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            while initialized < size {
                let count = read(descriptor, buffer.baseAddress! + initialized, size - initialized)
                if count > 0 {
                    initialized += count
                } else if count == 0 {
                    break  // the file shrank while being read; keep what is there
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
        }
        if let failure {
            throw .unreadable(path: path, code: failure)
        }
        return bytes
    }

    /// The bytes read from the open `descriptor` until its end, refusing more than `limit`: for
    /// standard input and pipes, whose size is not known before they are read.
    ///
    /// Reads in chunks; as soon as more than `limit` bytes have arrived it stops and throws
    /// `.tooLarge` (with the bytes read so far as the size). The descriptor is not closed.
    ///
    /// Throws `FileSystemError` naming the input as `name`, e.g. "standard input".
    package static func contents(
        ofDescriptor descriptor: Int32, name: String, limit: Int
    ) throws(FileSystemError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: name, code: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0 ..< count])
            if bytes.count > limit { throw .tooLarge(path: name, size: bytes.count, limit: limit) }
        }
    }

    /// Whether `path` names something that exists and is not a directory.
    ///
    /// FIFOs and devices count as files here, so that a caller looking for a file finds them and
    /// reading them then says why they cannot be read, rather than calling them missing.
    package static func isFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT != S_IFDIR
    }

    /// Whether `path` names an existing directory (following symbolic links).
    package static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// Opens `path` read-only and non-blocking, mapping failures to the errors a user can act on.
    private static func openForReading(_ path: String) throws(FileSystemError) -> Int32 {
        while true {
            let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            if descriptor >= 0 { return descriptor }
            let code = errno
            switch code {
            case EINTR: continue
            case ENOENT, ENOTDIR: throw .notFound(path: path)
            case EISDIR: throw .isDirectory(path: path)
            default: throw .unreadable(path: path, code: code)
            }
        }
    }
}
