import CShippedModel

/// The model that ships with `digits`, `Models/mnist-mlp.safetensors`, built into the program.
///
/// The compiler copies the file's bytes into the executable, so a `digits` binary copied
/// anywhere still has its default model, and the model it runs is the one it was built with.
public enum ShippedModel {
    /// The shipped model's file name.
    public static let fileName = "mnist-mlp.safetensors"

    /// The shipped model's path inside the package, where its bytes are built from.
    public static let packagePath = "Models/" + fileName

    /// The shipped model file's bytes, exactly as in `packagePath` when the program was built.
    public static var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: digits_shipped_model_bytes(), count: digits_shipped_model_size()))
    }

    /// Decodes and validates the shipped model, the way ``ModelFile/init(contentsOf:)`` does a file.
    ///
    /// Errors name the model as ``ModelSource/builtIn`` describes it.
    public static func load() throws -> ModelFile {
        let name = ModelSource.builtIn.description
        // Decoded where the program holds it: a copy of the whole file would only be thrown away.
        let embedded = UnsafeRawBufferPointer(start: digits_shipped_model_bytes(), count: digits_shipped_model_size())
        return try ModelFile(try SafeTensorsFile.Layout(of: embedded, file: name), file: name)
    }
}
