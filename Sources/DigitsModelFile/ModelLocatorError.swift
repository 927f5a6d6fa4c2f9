/// No model file was named and the shipped one was not found.
public struct ModelLocatorError: Error, Equatable, CustomStringConvertible {
    /// Every path that was tried.
    public var searched: [String]

    /// The error after looking in `searched`.
    public init(searched: [String]) {
        self.searched = searched
    }

    /// A message saying where the model was looked for.
    public var description: String {
        "no model file found. Looked for the shipped model at:\n"
            + searched.prefix(6).map { "  \($0)" }.joined(separator: "\n")
    }
}
