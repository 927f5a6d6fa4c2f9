import ArgumentParser
import DigitsKit

#if canImport(Glibc)
import Glibc
#endif

/// Where `digits read --annotate PATH` writes each annotated picture.
enum AnnotationTarget: Equatable {
    /// One picture, written to this file.
    case file(String)
    /// Each picture written into this folder as `<name>-read.png`.
    case folder(String)

    /// What `path` stands for when reading `inputs` (the pictures, folders expanded), named on the
    /// command line as `arguments`: the file to write when the arguments name one picture and
    /// `path` is not a folder (nor ends in `/`); otherwise a folder.
    ///
    /// Refuses, without touching the disk, a file where a folder is needed, two pictures that
    /// would be written to one file, and an annotated picture that would replace one being read.
    init(path: String, arguments: [String], inputs: [String]) throws(ValidationError) {
        let onePicture = arguments.count == 1 && inputs == arguments && !FileSystem.isDirectory(arguments[0])
        guard !onePicture || FileSystem.isDirectory(path) || path.hasSuffix("/") else {
            if arguments[0] != "-", Self.canonical(path) == Self.canonical(arguments[0]) {
                throw ValidationError(
                    "--annotate \(path) is the picture being read; name another file for the annotated copy.")
            }
            self = .file(path)
            return
        }

        if FileSystem.isFile(path) {
            throw ValidationError(
                "--annotate \(path) is a file, but several pictures are read; name a folder to write each "
                    + "annotated picture into (it is made if missing).")
        }
        self = .folder(path)
        var sources: [String: String] = [:]
        let inputPaths = Set(inputs.map(Self.canonical))
        for input in inputs {
            let output = self.path(for: input)
            if let other = sources[output] {
                throw ValidationError(
                    "\(other) and \(input) would both be annotated as \(output); read them in separate runs.")
            }
            sources[output] = input
            if inputPaths.contains(Self.canonical(output)) {
                throw ValidationError(
                    "--annotate would write \(output) over a picture being read; name another folder.")
            }
        }
    }

    /// Makes the folder when it is missing, and checks that the annotated copy of `input` can be
    /// written, so that a bad destination is reported before any picture is read.
    func prepare(for input: String) throws(CommandFailure) {
        if case .folder(let folder) = self, !FileSystem.isDirectory(folder), mkdir(folder, 0o777) != 0 {
            throw CommandFailure(
                "cannot make the folder '\(folder)' for --annotate: \(String(cString: strerror(errno)))")
        }
        let path = path(for: input)
        do {
            try AtomicFile.checkWritable(path)
        } catch {
            throw CommandFailure("cannot write the annotated picture '\(path)': \(error.reason)")
        }
    }

    /// The file the annotated copy of `input` goes to.
    func path(for input: String) -> String {
        switch self {
        case .file(let path):
            path
        case .folder(let folder):
            (folder.hasSuffix("/") ? folder : folder + "/") + Self.annotatedName(for: input)
        }
    }

    /// `<input's file name without .png>-read.png`; `stdin-read.png` for standard input (`-`).
    static func annotatedName(for input: String) -> String {
        guard input != "-" else { return "stdin-read.png" }
        let name = input.trimmingCharacters(in: "/").split(separator: "/").last.map(String.init) ?? input
        let stem = name.lowercased().hasSuffix(".png") ? String(name.dropLast(4)) : name
        return stem + "-read.png"
    }

    /// `path` with its folder resolved (symbolic links, `.` and `..`), so that two spellings of
    /// one file compare equal. The last component is kept as it is: a symbolic link there is
    /// replaced by a write, not followed, so it is a file of its own.
    private static func canonical(_ path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let slash = trimmed.lastIndex(of: "/")
        let folder = slash.map { trimmed[..<$0].isEmpty ? "/" : String(trimmed[..<$0]) } ?? "."
        let name = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
        guard let resolved = realpath(folder, nil) else { return trimmed }
        defer { free(resolved) }
        let base = String(cString: resolved)
        return (base.hasSuffix("/") ? base : base + "/") + name
    }
}
