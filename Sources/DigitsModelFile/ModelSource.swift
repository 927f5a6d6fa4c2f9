/// Where a command's model comes from: a file, or the model built into the program.
public enum ModelSource: Equatable, Sendable, CustomStringConvertible {
    /// The model file at this path.
    case file(String)
    /// The shipped model, built into the program (``ShippedModel``).
    case builtIn

    /// The file's path, or `built-in (mnist-mlp.safetensors)` for the built-in model.
    public var description: String {
        switch self {
        case .file(let path): path
        case .builtIn: "built-in (\(ShippedModel.fileName))"
        }
    }

    /// Reads and validates the model.
    public func load() throws -> ModelFile {
        switch self {
        case .file(let path): try ModelFile(contentsOf: path)
        case .builtIn: try ShippedModel.load()
        }
    }
}
