#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes for image files, in POSIX terms so that failures carry the
/// system's own reason and special files cannot block.
enum FileAccess {
    /// Reads a whole regular file into memory, refusing anything that could hang or exhaust memory.
    ///
    /// The file is opened non-blocking, so a FIFO with no writer cannot stall the open, and then
    /// checked with `fstat` on the open descriptor (not the path, which could be swapped in between):
    /// directories, FIFOs, devices and sockets are refused, and so is a file larger than `limit`.
    /// Only then is a buffer of the file's size allocated and filled. Throws a `PNGError` naming `path`.
    static func contents(ofFile path: String, limit: Int) throws(PNGError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if descriptor < 0 {
            throw openFailure(path: path, code: errno)
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .unreadable(path: path, reason: describe(errno))
        }
        let kind = status.st_mode & S_IFMT
        if kind == S_IFDIR {
            throw .isDirectory(path: path)
        }
        guard kind == S_IFREG else {
            throw .notRegularFile(path: path)
        }
        let size = Int(status.st_size)
        if size == 0 {
            throw .empty(name: path)
        }
        if size > limit {
            throw .fileTooLarge(name: path, bytes: size, limit: limit)
        }

        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        var failure: Int32?
        bytes.withUnsafeMutableBytes { buffer in
            while filled < size {
                let count = read(descriptor, buffer.baseAddress! + filled, size - filled)
                if count > 0 {
                    filled += count
                } else if count == 0 {
                    break  // the file shrank while being read; keep what is there
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
        }
        if let failure {
            throw .unreadable(path: path, reason: describe(failure))
        }
        if filled < size {
            bytes.removeLast(size - filled)
        }
        return bytes
    }

    /// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so a reader
    /// (or a crash) never sees half a file. Returns nil on success, else the system's reason.
    static func replaceContents(ofFile path: String, with bytes: [UInt8]) -> String? {
        let temporary = path + ".partial-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            return describe(errno)
        }
        var failure: Int32?
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count >= 0 {
                    written += count
                } else if errno != EINTR {
                    failure = errno
                    return
                }
            }
        }
        if close(descriptor) != 0 && failure == nil {
            failure = errno
        }
        if failure == nil && rename(temporary, path) != 0 {
            failure = errno
        }
        if let failure {
            unlink(temporary)
            return describe(failure)
        }
        return nil
    }

    /// Maps an `open` failure to the error a user can act on.
    private static func openFailure(path: String, code: Int32) -> PNGError {
        switch code {
        case ENOENT, ENOTDIR:
            return .fileNotFound(path: path)
        case EISDIR:
            return .isDirectory(path: path)
        default:
            return .unreadable(path: path, reason: describe(code))
        }
    }

    /// The C library's text for an `errno` value, e.g. "Permission denied".
    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
