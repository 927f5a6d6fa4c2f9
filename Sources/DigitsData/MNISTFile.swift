/// One of the four MNIST files, named by what it holds rather than by a string.
public struct MNISTFile: Hashable, Sendable {
    /// What a file holds.
    public enum Kind: Sendable {
        /// Pixels: IDX UInt8, count × 28 × 28.
        case images
        /// Labels: IDX UInt8, count.
        case labels
    }

    /// The split the file belongs to.
    public let split: MNISTSplit
    /// Images or labels.
    public let kind: Kind

    /// The file for `kind` of `split`.
    public init(_ split: MNISTSplit, _ kind: Kind) {
        self.split = split
        self.kind = kind
    }

    /// The four files of MNIST, training files first.
    public static let all: [MNISTFile] = MNISTSplit.allCases.flatMap {
        [MNISTFile($0, .images), MNISTFile($0, .labels)]
    }

    /// The file's standard, uncompressed name, e.g. `train-images-idx3-ubyte`.
    public var standardName: String {
        "\(split.filePrefix)-\(stem)-\(format)"
    }

    /// Every name accepted for this file, in the order they are looked for: the standard name,
    /// then with `.gz`, then the dotted spelling some mirrors use (`train-images.idx3-ubyte`),
    /// plain and with `.gz`. Whether a file is compressed is decided by its content, not its name.
    public var acceptedNames: [String] {
        let dotted = "\(split.filePrefix)-\(stem).\(format)"
        return [standardName, standardName + ".gz", dotted, dotted + ".gz"]
    }

    private var stem: String { kind == .images ? "images" : "labels" }
    private var format: String { kind == .images ? "idx3-ubyte" : "idx1-ubyte" }
}
