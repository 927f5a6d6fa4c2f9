#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open regular file read at explicit offsets, so a reader can look at a file's header and
/// decide how much to read before allocating for the rest.
struct ReadableFile: ~Copyable {
    /// The path, for error messages.
    let path: String
    /// The file's size in bytes when it was opened.
    let size: Int
    private let descriptor: Int32

    /// Opens `path` for reading; refuses directories, devices and pipes, whose size says
    /// nothing about how much can be read from them.
    init(path: String) throws(SafeTensorsError) {
        // O_NONBLOCK so that opening a FIFO cannot hang; it changes nothing for regular files.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw .unreadable(file: path, reason: SystemErrorText.message(errno))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw .unreadable(file: path, reason: SystemErrorText.message(code))
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw .notARegularFile(file: path)
        }
        self.path = path
        self.size = Int(status.st_size)
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Exactly `count` bytes starting at byte `offset`; the range must lie within `size`.
    ///
    /// Throws if the file cannot be read or has become shorter since it was opened.
    func read(offset: Int, count: Int) throws(SafeTensorsError) -> [UInt8] {
        precondition(offset >= 0 && count >= 0 && offset <= size && count <= size - offset)
        var failure: SafeTensorsError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let result = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if result > 0 {
                    done += result
                } else if result == 0 {
                    failure = .unreadable(file: path, reason: "the file became shorter while it was being read")
                    break
                } else if errno != EINTR {
                    failure = .unreadable(file: path, reason: SystemErrorText.message(errno))
                    break
                }
            }
            // Zero-fill what was not read so the array is fully initialised even on failure.
            if done < count { (buffer.baseAddress! + done).initialize(repeating: 0, count: count - done) }
            initialized = count
        }
        if let failure { throw failure }
        return bytes
    }
}
