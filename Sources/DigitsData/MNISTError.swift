/// Why MNIST data could not be found or loaded.
public enum MNISTError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file could not be read as IDX.
    case idx(IDXError)
    /// The chosen data folder does not exist.
    case directoryMissing(path: String, origin: MNISTDirectory.Origin)
    /// The data folder lacks these files under every accepted name.
    case filesMissing(directory: String, origin: MNISTDirectory.Origin, missing: [MNISTFile])
    /// The file is IDX but not of MNIST's layout (UInt8; 3 dimensions for images, 1 for labels).
    case wrongLayout(file: String, kind: MNISTFile.Kind, dataType: IDXDataType, dimensions: [Int])
    /// The images are not 28 × 28 pixels.
    case wrongImageSize(file: String, rows: Int, columns: Int)
    /// The images file and the labels file hold different numbers of items.
    case countMismatch(imagesFile: String, imageCount: Int, labelsFile: String, labelCount: Int)
    /// Label number `index` (0-based) is `value`, outside 0…9.
    case labelOutOfRange(file: String, index: Int, value: UInt8)

    /// A message naming the file or folder and what is wrong with it.
    public var description: String {
        switch self {
        case .idx(let error):
            error.description
        case .directoryMissing(let path, let origin):
            "The MNIST data folder \(path) (\(Self.phrase(origin))) does not exist."
        case .filesMissing(let directory, let origin, let missing):
            "The MNIST data folder \(directory) (\(Self.phrase(origin))) lacks "
                + (missing.count == 1 ? "a file" : "\(missing.count) files") + ":\n"
                + missing.map { "  \($0.standardName): looked for " + $0.acceptedNames.joined(separator: ", ") }
                .joined(separator: "\n")
        case .wrongLayout(let file, let kind, let dataType, let dimensions):
            "\(file) is not an MNIST \(kind == .images ? "images" : "labels") file: it holds \(dataType) values "
                + "in \(dimensions.count) dimension\(dimensions.count == 1 ? "" : "s") (\(Self.shape(dimensions))), "
                + "but MNIST \(kind == .images ? "images are UInt8 in 3 dimensions (count×28×28)" : "labels are UInt8 in 1 dimension (count)")."
        case .wrongImageSize(let file, let rows, let columns):
            "\(file) holds \(rows)×\(columns) images; MNIST images are 28×28."
        case .countMismatch(let imagesFile, let imageCount, let labelsFile, let labelCount):
            "\(imagesFile) holds \(imageCount) images but \(labelsFile) holds \(labelCount) labels; "
                + "they must match (are they from the same split?)."
        case .labelOutOfRange(let file, let index, let value):
            "\(file): label \(index) (counting from 0) is \(value); MNIST labels are 0 to 9."
        }
    }

    private static func phrase(_ origin: MNISTDirectory.Origin) -> String {
        switch origin {
        case .explicit: "named explicitly"
        case .environment: "from the \(MNISTDirectory.environmentVariable) environment variable"
        case .defaultLocation:
            "the default, as no folder was named and \(MNISTDirectory.environmentVariable) was not set"
        case .recorded: "recorded by the run being continued"
        case .userCache:
            "the per-user cache, as no folder was named, \(MNISTDirectory.environmentVariable) was not set "
                + "and \(MNISTDirectory.defaultPath) does not exist"
        case .given: "as given"
        }
    }

    private static func shape(_ dimensions: [Int]) -> String {
        dimensions.map(String.init).joined(separator: "×")
    }
}
