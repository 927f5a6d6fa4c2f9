import DigitsFileSystem

/// Why a report could not be made or written.
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The number of wrong digits to show is outside `ReportSettings.wrongDigitRange`.
    case wrongDigitCountOutOfRange(Int)
    /// The thread count is outside 1…256.
    case threadCountOutOfRange(Int)
    /// The model's first layer does not take 28×28 pictures, so it has no tiles to draw.
    case notAPictureModel(inputs: Int)
    /// The report's folder is an existing file (or something else that is not a folder).
    case folderIsNotAFolder(path: String)
    /// The report's folder could not be made; `reason` says why.
    case cannotMakeFolder(path: String, reason: String)
    /// A file of the report could not be written (or would not be writable).
    case cannotWrite(AtomicFileError)

    /// What is wrong, in words a user can act on.
    public var description: String {
        switch self {
        case let .wrongDigitCountOutOfRange(count):
            "the number of wrong digits to show must be between \(ReportSettings.wrongDigitRange.lowerBound) and "
                + "\(ReportSettings.wrongDigitRange.upperBound), not \(count)"
        case let .threadCountOutOfRange(count): "the thread count must be between 1 and 256, not \(count)"
        case let .notAPictureModel(inputs):
            "the model takes \(inputs) inputs, not the 784 pixels of a 28×28 picture"
        case let .folderIsNotAFolder(path):
            "cannot write the report into '\(path)': it is a file, not a folder; name a folder (it is made if missing)"
        case let .cannotMakeFolder(path, reason): "cannot make the report folder '\(path)': \(reason)"
        case let .cannotWrite(error): "cannot write the report: \(error)"
        }
    }
}
