#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file reads and writes straight into and out of `[UInt8]`, through POSIX calls.
///
/// The data layer reads tens of megabytes at start-up; going through the C library directly
/// puts the bytes into the array the caller keeps, with no intermediate `Data` copy.
enum FileBytes {
    /// The contents of the file at `path`.
    static func contents(ofFile path: String) throws(IDXError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .fileMissing(file: path) }
            throw .unreadable(file: path, reason: systemMessage(code))
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .unreadable(file: path, reason: systemMessage(errno))
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw .unreadable(file: path, reason: "it is a directory")
        }

        // The size that fstat reports is that of bytes really on disk, so it may size the
        // buffer; files that report 0 (pipes, /proc) or grow meanwhile are read on in chunks.
        var bytes = [UInt8](repeating: 0, count: max(Int(status.st_size), 0))
        let filled = try bytes.withUnsafeMutableBufferPointer { (buffer) throws(IDXError) in
            try readFully(descriptor, into: UnsafeMutableRawBufferPointer(buffer), path: path)
        }
        if filled < bytes.count {
            bytes.removeLast(bytes.count - filled)
            return bytes
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = try chunk.withUnsafeMutableBufferPointer { (buffer) throws(IDXError) in
                try readFully(descriptor, into: UnsafeMutableRawBufferPointer(buffer), path: path)
            }
            bytes.append(contentsOf: chunk[..<got])
            if got < chunk.count { return bytes }
        }
    }

    /// Replaces (or creates) the file at `path` with `parts` written one after another.
    static func replaceContents(ofFile path: String, with parts: [[UInt8]]) throws(IDXError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .unwritable(file: path, reason: systemMessage(errno))
        }
        for part in parts {
            let failure = part.withUnsafeBytes { buffer -> Int32? in
                var offset = 0
                while offset < buffer.count {
                    let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += written
                }
                return nil
            }
            if let failure {
                close(descriptor)
                throw .unwritable(file: path, reason: systemMessage(failure))
            }
        }
        if close(descriptor) != 0 {
            throw .unwritable(file: path, reason: systemMessage(errno))
        }
    }

    /// Whether `path` names an existing file that is not a directory.
    static func isFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFDIR
    }

    /// Whether `path` names an existing directory.
    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Reads until `buffer` is full or the file ends; returns how many bytes were read.
    private static func readFully(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String
    ) throws(IDXError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let got = read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            if got < 0 {
                if errno == EINTR { continue }
                throw .unreadable(file: path, reason: systemMessage(errno))
            }
            if got == 0 { break }
            filled += got
        }
        return filled
    }

    private static func systemMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
