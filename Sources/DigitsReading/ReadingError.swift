import DigitsImaging

/// Why a picture could not be read.
public enum ReadingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not a PNG the decoder accepts (missing, damaged, too large…).
    case unreadablePicture(PNGError)
    /// The picture holds more separate marks than a picture of a few rows of digits can: a page
    /// of text, a photo of a scene, or heavy noise. Reading them all would take unbounded time.
    case tooManyPieces(name: String, found: Int, limit: Int)
    /// The picture's ink breaks into more horizontal stretches than the reader keeps in memory
    /// (noise on every row of a huge picture).
    case tooFragmented(name: String, limit: Int)

    /// What went wrong and what to do about it, for the user.
    public var description: String {
        switch self {
        case .unreadablePicture(let error):
            "\(error)"
        case .tooManyPieces(let name, let found, let limit):
            "\(name): the picture holds \(found) separate marks, more than the \(limit) a picture of "
                + "a few rows of digits can; crop it to the digits (or clean up its noise) and try again"
        case .tooFragmented(let name, let limit):
            "\(name): the picture's ink breaks into more than \(limit) separate stretches; it is too "
                + "noisy or too busy to read as digits — crop it to the digits and try again"
        }
    }
}
