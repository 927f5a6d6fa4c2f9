#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a whole file (or stream) could not be read by `FileSystem.contents(ofFile:limit:)` or
/// `FileSystem.contents(ofDescriptor:name:limit:)`.
///
/// The layers that read files map these cases to errors of their own where their messages need
/// it; `reason` gives the explanation without the path, for wrapping in such a message.
package enum FileSystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing exists at the path (or a folder on the way to it is missing or is a file).
    case notFound(path: String)
    /// The path names a directory.
    case isDirectory(path: String)
    /// The path names a FIFO, device or socket, which is refused because reading it could block
    /// forever or never end.
    case notRegularFile(path: String)
    /// The system refused to open or read the file (permission denied, I/O error…); `code` is
    /// the `errno` value.
    case unreadable(path: String, code: Int32)
    /// The file holds `size` bytes, more than the `limit` the caller accepts; nothing was read.
    case tooLarge(path: String, size: Int, limit: Int)

    /// The path that could not be read.
    package var path: String {
        switch self {
        case let .notFound(path), let .isDirectory(path), let .notRegularFile(path),
            let .unreadable(path, _), let .tooLarge(path, _, _):
            path
        }
    }

    /// Why the file could not be read, without the path.
    package var reason: String {
        switch self {
        case .notFound: SystemErrorText.message(ENOENT)
        case .isDirectory: "it is a directory"
        case .notRegularFile: "it is not a regular file (a pipe, device or socket)"
        case let .unreadable(_, code): SystemErrorText.message(code)
        case let .tooLarge(_, size, limit): "it is \(size) bytes, more than the limit of \(limit) bytes"
        }
    }

    /// A message for the user naming the path and the reason.
    package var description: String {
        "cannot read '\(path)': \(reason)"
    }
}
