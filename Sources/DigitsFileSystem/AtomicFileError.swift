/// Why a file could not be written (or would not be writable).
public enum AtomicFileError: Error, Equatable, CustomStringConvertible {
    /// The path is empty or names a directory (ends in `/`, `.` or `..`).
    case invalidPath(path: String)
    /// The directory that would hold the file does not exist.
    case directoryMissing(path: String, directory: String)
    /// The would-be directory of the file, or a component of it, is not a directory.
    case notADirectory(path: String, directory: String)
    /// The path names an existing directory.
    case targetIsDirectory(path: String)
    /// The directory does not allow creating files in it.
    case permissionDenied(path: String, directory: String)
    /// A system call failed; `operation` says what was being done, `code` is the `errno` value.
    case systemError(path: String, operation: String, code: Int32)

    /// The path that could not be written.
    public var path: String {
        switch self {
        case let .invalidPath(path), let .directoryMissing(path, _), let .notADirectory(path, _),
            let .targetIsDirectory(path), let .permissionDenied(path, _), let .systemError(path, _, _):
            path
        }
    }

    /// Why the path could not be written, without the path: for callers that wrap this error
    /// in a message of their own.
    public var reason: String {
        switch self {
        case .invalidPath: "the path does not name a file"
        case let .directoryMissing(_, directory): "the directory '\(directory)' does not exist"
        case let .notADirectory(_, directory): "'\(directory)' is not a directory"
        case .targetIsDirectory: "it is a directory"
        case let .permissionDenied(_, directory): "permission denied (cannot create files in '\(directory)')"
        case let .systemError(_, operation, code): "\(operation) failed: \(SystemErrorText.message(code))"
        }
    }

    /// A message for the user naming the path and the reason.
    public var description: String {
        "cannot write '\(path)': \(reason)"
    }
}
