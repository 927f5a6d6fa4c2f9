/// One file of a downloadable data set: its name and what its content must be.
public struct DataSetFile: Hashable, Sendable {
    /// The uncompressed file's name, e.g. `train-images-idx3-ubyte`; mirrors serve it as `<name>.gz`.
    public let name: String
    /// The SHA-256 of the decompressed content, as 64 lowercase hexadecimal digits.
    public let sha256: String
    /// The decompressed content's size in bytes.
    public let size: Int

    /// A file named `name` whose decompressed content has `size` bytes and digest `sha256`.
    public init(name: String, sha256: String, size: Int) {
        self.name = name
        self.sha256 = sha256
        self.size = size
    }

    /// The name the file is fetched and saved under.
    public var compressedName: String { name + ".gz" }
}

/// A data set that `digits download` can fetch: its files, their checksums and where to get them.
///
/// Another 28×28 set in MNIST's file layout is one more entry in `DataSet.all`.
public struct DataSet: Hashable, Sendable {
    /// The set's name, as the user types it.
    public let name: String
    /// Its files, in the order they are fetched.
    public let files: [DataSetFile]
    /// Base URLs (ending in `/`) to try in order, for each file, when the user names none.
    public let mirrors: [String]
    /// The most bytes accepted for any one compressed file: a body that passes it cannot be the
    /// file, and is abandoned instead of filling the disk.
    public let maximumDownloadSize: Int

    /// A data set of `files`, served by `mirrors`.
    public init(name: String, files: [DataSetFile], mirrors: [String], maximumDownloadSize: Int) {
        self.name = name
        self.files = files
        self.mirrors = mirrors
        self.maximumDownloadSize = maximumDownloadSize
    }

    /// MNIST: 60,000 training and 10,000 test digits (LeCun, Cortes and Burges).
    public static let mnist = DataSet(
        name: "mnist",
        files: [
            DataSetFile(
                name: "train-images-idx3-ubyte",
                sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", size: 47_040_016),
            DataSetFile(
                name: "train-labels-idx1-ubyte",
                sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", size: 60_008),
            DataSetFile(
                name: "t10k-images-idx3-ubyte",
                sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", size: 7_840_016),
            DataSetFile(
                name: "t10k-labels-idx1-ubyte",
                sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", size: 10_008),
        ],
        mirrors: [
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            // The original site, last: it has been slow or unreachable at times.
            "http://yann.lecun.com/exdb/mnist/",
        ],
        // The largest file, train-images-idx3-ubyte.gz, is 9,912,422 bytes.
        maximumDownloadSize: 12 << 20)

    /// Every data set that can be downloaded.
    public static let all: [DataSet] = [mnist]
}

/// Where the mirror list came from, so that messages can say what to change.
public enum MirrorOrigin: Equatable, Sendable {
    /// Named on the command line.
    case option
    /// Named by the `DIGITS_MIRRORS` environment variable.
    case environment
    /// The data set's built-in list.
    case builtIn
}

extension DataSet {
    /// The environment variable that names mirrors (space- or comma-separated base URLs).
    public static let mirrorsVariable = "DIGITS_MIRRORS"

    /// The mirrors to try: `options` if any, else those in `environment["DIGITS_MIRRORS"]`, else
    /// the built-in list. Each base URL is given a trailing `/` if it lacks one.
    public func mirrors(options: [String], environment: [String: String]) -> (mirrors: [String], origin: MirrorOrigin) {
        let fromEnvironment = (environment[Self.mirrorsVariable] ?? "")
            .split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" }).map(String.init)
        let (chosen, origin): ([String], MirrorOrigin) =
            if !options.isEmpty { (options, .option) } else if !fromEnvironment.isEmpty {
                (fromEnvironment, .environment)
            } else {
                (mirrors, .builtIn)
            }
        return (chosen.map { $0.hasSuffix("/") ? $0 : $0 + "/" }, origin)
    }
}
