#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that they are either replaced whole or not at all.
///
/// A model saved at the end of an hour of training must not be lost to a full disk or a
/// crash half-way through writing, nor leave a truncated file that later fails to load.
public enum AtomicFile {
    /// Replaces the file at `path` with `bytes`, atomically and durably.
    ///
    /// Writes to a new temporary file in the same directory (`.<name>.tmp-<pid>-<random>`),
    /// flushes it to disk, renames it over `path` and flushes the directory, so that after a
    /// crash `path` holds either the old contents or the new ones. A process killed mid-write
    /// (`kill -9`) cannot remove its temporary file; the next successful write of the same
    /// name removes such leftovers whose process is gone. A file already at `path`
    /// keeps its permission bits. On any failure the temporary file is removed and the old file,
    /// if any, is left untouched. A symbolic link at `path` is replaced, not followed.
    ///
    /// Throws `AtomicFileError` naming `path` and the reason.
    public static func write(_ bytes: [UInt8], to path: String) throws(AtomicFileError) {
        guard let (directory, name) = splitPath(path) else { throw .invalidPath(path: path) }

        let (descriptor, temporaryPath) = try createTemporaryFile(for: path, directory: directory, name: name)
        var isOpen = true
        var succeeded = false
        defer {
            if isOpen { close(descriptor) }
            if !succeeded { unlink(temporaryPath) }
        }

        var existing = stat()
        if stat(path, &existing) == 0, existing.st_mode & S_IFMT == S_IFREG {
            _ = fchmod(descriptor, existing.st_mode & 0o7777)
        }

        let writeError = bytes.withUnsafeBytes { buffer -> Int32 in
            var done = 0
            while done < buffer.count {
                let result = writeSome(descriptor, buffer.baseAddress! + done, buffer.count - done)
                if result >= 0 {
                    done += result
                } else if errno != EINTR {
                    return errno
                }
            }
            return 0
        }
        guard writeError == 0 else {
            throw .systemError(path: path, operation: "writing the data", code: writeError)
        }
        guard fsync(descriptor) == 0 else {
            throw .systemError(path: path, operation: "flushing the data to disk", code: errno)
        }
        isOpen = false
        guard close(descriptor) == 0 else {
            throw .systemError(path: path, operation: "closing the temporary file", code: errno)
        }
        guard rename(temporaryPath, path) == 0 else {
            let code = errno
            if code == EISDIR { throw .targetIsDirectory(path: path) }
            throw .systemError(path: path, operation: "replacing the old file", code: code)
        }
        succeeded = true
        try syncDirectory(directory, path: path)
        removeAbandonedTemporaryFiles(directory: directory, name: name)
    }

    /// Checks, cheaply and without writing anything, that `write(_:to:)` could create or replace
    /// `path`: its directory exists and is writable, and `path` is not a directory.
    ///
    /// Meant for commands to call before a long job, so that a bad destination is reported at
    /// once rather than after the work is done. (A full disk can still only be found by writing.)
    public static func checkWritable(_ path: String) throws(AtomicFileError) {
        guard let (directory, _) = splitPath(path) else { throw .invalidPath(path: path) }
        var status = stat()
        guard stat(directory, &status) == 0 else {
            let code = errno
            switch code {
            case ENOENT: throw .directoryMissing(path: path, directory: directory)
            case ENOTDIR: throw .notADirectory(path: path, directory: directory)
            default: throw .systemError(path: path, operation: "inspecting the directory '\(directory)'", code: code)
            }
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw .notADirectory(path: path, directory: directory)
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            let code = errno
            if code == EACCES || code == EPERM { throw .permissionDenied(path: path, directory: directory) }
            throw .systemError(path: path, operation: "writing to the directory '\(directory)'", code: code)
        }
        var target = stat()
        if lstat(path, &target) == 0, target.st_mode & S_IFMT == S_IFDIR {
            throw .targetIsDirectory(path: path)
        }
    }

    /// Splits a path into its directory and its last component; `nil` if the path cannot name
    /// a file (empty, ending in `/`, or ending in `.` or `..`).
    static func splitPath(_ path: String) -> (directory: String, name: String)? {
        guard !path.isEmpty, !path.hasSuffix("/") else { return nil }
        let directory: String, name: String
        if let slash = path.lastIndex(of: "/") {
            name = String(path[path.index(after: slash)...])
            let parent = path[..<slash]
            directory = parent.isEmpty ? "/" : String(parent)
        } else {
            (directory, name) = (".", path)
        }
        guard name != ".", name != ".." else { return nil }
        return (directory, name)
    }

    /// Removes `.<name>.tmp-<pid>-…` files in `directory` left by processes that no longer run
    /// (a write in progress in a live process, this one included, is left alone).
    static func removeAbandonedTemporaryFiles(directory: String, name: String) {
        let prefix = ".\(String(name.prefix(100))).tmp-"
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        let separator = directory.hasSuffix("/") ? "" : "/"
        while let entry = readdir(stream) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard entryName.hasPrefix(prefix),
                let pidText = entryName.dropFirst(prefix.count).split(separator: "-").first,
                let pid = pid_t(pidText), pid > 0
            else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                unlink(directory + separator + entryName)
            }
        }
    }

    /// Creates a new, uniquely named, empty file beside `path` and opens it for writing.
    private static func createTemporaryFile(
        for path: String, directory: String, name: String
    ) throws(AtomicFileError) -> (descriptor: Int32, path: String) {
        // Keep the name well under the 255-byte limit on a file name, suffix included.
        let stem = String(name.prefix(100))
        let separator = directory.hasSuffix("/") ? "" : "/"
        var attempts = 0
        while true {
            let suffix = String(UInt64.random(in: 0 ... UInt64.max), radix: 16)
            let temporaryPath = "\(directory)\(separator).\(stem).tmp-\(getpid())-\(suffix)"
            let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 { return (descriptor, temporaryPath) }
            let code = errno
            attempts += 1
            switch code {
            case EEXIST where attempts < 10, EINTR where attempts < 10:
                continue
            case ENOENT:
                throw .directoryMissing(path: path, directory: directory)
            case ENOTDIR:
                throw .notADirectory(path: path, directory: directory)
            case EACCES, EPERM:
                throw .permissionDenied(path: path, directory: directory)
            default:
                throw .systemError(path: path, operation: "creating a temporary file in '\(directory)'", code: code)
            }
        }
    }

    /// Flushes the directory entry of the renamed file, so the rename itself survives a crash.
    ///
    /// The new file is already in place when this runs; a file system that cannot sync
    /// directories (EINVAL) is not an error.
    private static func syncDirectory(_ directory: String, path: String) throws(AtomicFileError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        if fsync(descriptor) != 0 {
            let code = errno
            if code == EINVAL || code == EROFS { return }
            throw .systemError(path: path, operation: "flushing the directory '\(directory)' to disk", code: code)
        }
    }
}

/// `write(2)`, under a name that the static `AtomicFile.write` does not shadow.
private func writeSome(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
