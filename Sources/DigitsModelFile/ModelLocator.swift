import DigitsFileSystem
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds the model file a command should use.
///
/// The order: the path named explicitly; else `$DIGITS_MODEL`; else the shipped model,
/// `Models/mnist-mlp.safetensors`, looked for in the current directory (so `swift run digits …`
/// works from the package root), then beside the executable and in each folder above it (so a
/// built `digits` finds the checkout it was built in), then in `share/digits/` above it (an
/// installed layout: `<prefix>/bin/digits`, `<prefix>/share/digits/mnist-mlp.safetensors`).
public enum ModelLocator {
    /// The shipped model's path inside the package.
    public static let shippedModelPath = "Models/mnist-mlp.safetensors"

    /// The model path to use; throws `ModelLocatorError` when nothing is found.
    public static func locate(
        explicit: String?, environment: [String: String],
        currentDirectory: String = ".",
        executablePath: String? = ModelLocator.executablePath()
    ) throws(ModelLocatorError) -> String {
        if let explicit { return explicit }
        if let fromEnvironment = environment["DIGITS_MODEL"], !fromEnvironment.isEmpty { return fromEnvironment }
        let candidates = shippedCandidates(currentDirectory: currentDirectory, executablePath: executablePath)
        if let found = candidates.first(where: FileSystem.isFile) { return found }
        throw ModelLocatorError(searched: candidates)
    }

    /// Where the shipped model is looked for, in order.
    static func shippedCandidates(currentDirectory: String, executablePath: String?) -> [String] {
        var candidates = [join(currentDirectory, shippedModelPath)]
        if let executablePath {
            var folder = parent(of: executablePath)
            while !folder.isEmpty {
                candidates.append(join(folder, shippedModelPath))
                candidates.append(join(folder, "share/digits/mnist-mlp.safetensors"))
                if folder == "/" { break }
                folder = parent(of: folder)
            }
        }
        return candidates
    }

    /// The running executable's resolved path, when the system tells it.
    public static func executablePath() -> String? {
        #if os(Linux)
        return try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        #else
        return CommandLine.arguments.first
        #endif
    }

    private static func join(_ folder: String, _ relative: String) -> String {
        if folder == "." { return relative }  // named as the user would write it
        return folder.hasSuffix("/") ? folder + relative : folder + "/" + relative
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
