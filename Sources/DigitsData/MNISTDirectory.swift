import DigitsFileSystem

/// A folder expected to hold the MNIST files under their standard names, and how it was chosen.
public struct MNISTDirectory: Equatable, Sendable {
    /// How the folder was chosen; error messages use it to say what to change.
    public enum Origin: Equatable, Sendable {
        /// Named explicitly by whoever runs the program (on its command line, say).
        case explicit
        /// Named by the `DIGITS_DATA` environment variable.
        case environment
        /// The default `data/mnist`, used when neither of the above was given and it exists.
        case defaultLocation
        /// The per-user cache folder (`userCachePath(environment:)`), used when neither of the
        /// first two was given and `data/mnist` does not exist.
        case userCache
        /// Recorded by an earlier run that is being continued (a training checkpoint, say).
        case recorded
        /// Named by the program directly.
        case given
    }

    /// The folder's path, absolute or relative to the current directory.
    public let path: String
    /// How the folder was chosen.
    public let origin: Origin

    /// The folder at `path`.
    public init(path: String, origin: Origin = .given) {
        self.path = path
        self.origin = origin
    }

    /// The path of the first accepted name of `file` that exists in the folder, or nil.
    public func path(of file: MNISTFile) -> String? {
        file.acceptedNames.lazy.map(join).first(where: FileSystem.isFile)
    }

    /// The files of `splits` that the folder lacks under every accepted name.
    public func missingFiles(for splits: [MNISTSplit] = MNISTSplit.allCases) -> [MNISTFile] {
        MNISTFile.all.filter { splits.contains($0.split) && path(of: $0) == nil }
    }

    /// Loads and checks one split.
    ///
    /// - Parameter split: the training or the test split.
    /// - Parameter decompressedLimit: the largest decompressed size accepted per gzip file, in bytes.
    public func load(
        _ split: MNISTSplit, decompressedLimit: Int = IDXArray.defaultDecompressedLimit
    ) throws(MNISTError) -> MNISTDataSet {
        guard let imagesPath = path(of: MNISTFile(split, .images)),
            let labelsPath = path(of: MNISTFile(split, .labels))
        else {
            throw .filesMissing(directory: path, origin: origin, missing: missingFiles(for: [split]))
        }
        let images: IDXArray, labels: IDXArray
        do {
            // Labels first: they are small, so a wrong or damaged folder is reported before
            // the large image file is decompressed.
            labels = try IDXArray(contentsOfFile: labelsPath, decompressedLimit: decompressedLimit)
            images = try IDXArray(contentsOfFile: imagesPath, decompressedLimit: decompressedLimit)
        } catch {
            throw .idx(error)
        }
        return try MNISTDataSet(images: images, labels: labels, imagesFile: imagesPath, labelsFile: labelsPath)
    }

    private func join(_ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }
}

extension MNISTDirectory {
    /// The folder used when none is named, `DIGITS_DATA` is not set and it exists, relative to the
    /// current directory.
    public static let defaultPath = "data/mnist"
    /// The environment variable that names the data folder.
    public static let environmentVariable = "DIGITS_DATA"
    /// The bundled subset, relative to the root of the `digits` checkout.
    public static let bundledSubsetPath = "Fixtures/mnist-subset"

    /// The per-user cache folder for MNIST, where datasets live when no folder is named (the way
    /// Keras and Hugging Face keep theirs): `$XDG_CACHE_HOME/digits/mnist` when that variable holds
    /// an absolute path, else `$HOME/.cache/digits/mnist`; nil when neither variable helps.
    public static func userCachePath(environment: [String: String]) -> String? {
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") {
            return (cache.hasSuffix("/") ? cache : cache + "/") + "digits/mnist"
        }
        if let home = environment["HOME"], !home.isEmpty {
            return (home.hasSuffix("/") ? home : home + "/") + ".cache/digits/mnist"
        }
        return nil
    }

    /// The data folder the rule picks, without looking inside it.
    ///
    /// The rule: the folder named explicitly if any, else `environment["DIGITS_DATA"]` if set and
    /// not empty, else `data/mnist` if it exists (relative to the current directory), else the
    /// per-user cache folder (`data/mnist` again when there is no home folder to put a cache in).
    ///
    /// - Parameters:
    ///   - explicit: the folder named explicitly, or nil when none was.
    ///   - environment: the process environment (passed in so the rule can be tested).
    public static func choose(explicit: String?, environment: [String: String]) -> MNISTDirectory {
        if let explicit { return MNISTDirectory(path: explicit, origin: .explicit) }
        if let variable = environment[environmentVariable], !variable.isEmpty {
            return MNISTDirectory(path: variable, origin: .environment)
        }
        if !FileSystem.isDirectory(defaultPath), let cache = userCachePath(environment: environment) {
            return MNISTDirectory(path: cache, origin: .userCache)
        }
        return MNISTDirectory(path: defaultPath, origin: .defaultLocation)
    }

    /// Whether the rule picked this folder because none was named: a tool may fill such a folder
    /// by itself, but never one somebody chose.
    public var isDefault: Bool { origin == .defaultLocation || origin == .userCache }

    /// This folder, after checking that it exists and holds the files of `splits`.
    public func checked(for splits: [MNISTSplit] = MNISTSplit.allCases) throws(MNISTError) -> MNISTDirectory {
        guard FileSystem.isDirectory(path) else {
            throw .directoryMissing(path: path, origin: origin)
        }
        let missing = missingFiles(for: splits)
        guard missing.isEmpty else {
            throw .filesMissing(directory: path, origin: origin, missing: missing)
        }
        return self
    }

    /// Chooses the data folder as `choose` does and checks it holds the files of `splits`.
    ///
    /// A choice is never silently replaced by a later one: if the chosen folder lacks the files,
    /// this throws, and the error says which folder was looked in and why it was the one.
    ///
    /// - Parameters:
    ///   - explicit: the folder named explicitly, or nil when none was.
    ///   - environment: the process environment (passed in so the rule can be tested).
    ///   - splits: the splits whose files the folder must hold.
    public static func locate(
        explicit: String?, environment: [String: String], splits: [MNISTSplit] = MNISTSplit.allCases
    ) throws(MNISTError) -> MNISTDirectory {
        try choose(explicit: explicit, environment: environment).checked(for: splits)
    }
}
