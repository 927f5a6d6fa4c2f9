import ArgumentParser

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The picture arguments `classify` and `read` share: PNG files, folders of them, and `-`.
enum PictureFiles {
    /// Checks the arguments as given: at least one, and standard input at most once.
    static func validate(_ arguments: [String]) throws(ValidationError) {
        guard !arguments.isEmpty else { throw ValidationError("Name at least one PNG file (or - for standard input).") }
        guard arguments.filter({ $0 == "-" }).count <= 1 else {
            throw ValidationError("Standard input (-) can be read only once.")
        }
    }

    /// The pictures to take, in order: each folder replaced by its .png files in name order.
    static func expanded(_ arguments: [String]) -> [String] {
        arguments.flatMap(expandingFolder)
    }

    /// A folder's .png files in name order; anything else as it is.
    static func expandingFolder(_ argument: String) -> [String] {
        guard argument != "-", let entries = try? FileManager.default.contentsOfDirectory(atPath: argument) else {
            return [argument]
        }
        let pngs = entries.filter { $0.lowercased().hasSuffix(".png") }.sorted()
        // An empty folder stays in the list, so that it is reported rather than silently skipped.
        return pngs.isEmpty ? [argument] : pngs.map { argument.hasSuffix("/") ? argument + $0 : argument + "/" + $0 }
    }
}
