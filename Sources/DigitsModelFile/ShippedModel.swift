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

    /// Decodes and validates the shipped model, the way ``ModelFile/init(contentsOf:outputs:)`` does a file.
    ///
    /// Errors name the model as ``ModelSource/builtIn`` describes it.
    public static func load() throws -> ModelFile {
        try decode(
            start: digits_shipped_model_bytes(), count: digits_shipped_model_size(),
            name: ModelSource.builtIn.description, outputs: ModelFile.outputCount)
    }

    /// The file name of the reader's digit verifier, which ships beside the model.
    public static let verifierFileName = "digit-verifier.safetensors"

    /// The digit verifier's path inside the package, where its bytes are built from.
    public static let verifierPackagePath = "Models/" + verifierFileName

    /// Decodes and validates the digit verifier built into the program: a network that, given a
    /// 28×28 input, says which digit it shows or (output 10) that it is not one whole digit, but
    /// two digits run together, part of one, or a stray mark. `NumberReader` uses it to tell a
    /// good split of a row of touching digits from a bad one, which the classifier alone cannot:
    /// it reads most blobs of two digits as some digit, quite sure of itself.
    public static func loadVerifier() throws -> ModelFile {
        try decode(
            start: digits_shipped_verifier_bytes(), count: digits_shipped_verifier_size(),
            name: "the built-in digit verifier", outputs: ModelFile.verifierOutputCount)
    }

    /// The file name of the reader's cut scorer, which ships beside the model.
    public static let cutScorerFileName = "cut-scorer.safetensors"

    /// The cut scorer's path inside the package, where its bytes are built from.
    public static let cutScorerPackagePath = "Models/" + cutScorerFileName

    /// Decodes and validates the cut scorer built into the program: a network that, given the
    /// 28×28 cells around a place in a piece of touching digits (at 28 cells to the row's height),
    /// says how likely a cut through it is to part two digits cleanly (output 1). `NumberReader`
    /// places its cuts with it: two digits often meet in a thick joint, while the thinnest ink
    /// may lie inside one digit.
    public static func loadCutScorer() throws -> ModelFile {
        try decode(
            start: digits_shipped_cut_scorer_bytes(), count: digits_shipped_cut_scorer_size(),
            name: "the built-in cut scorer", outputs: ModelFile.cutScorerOutputCount)
    }

    /// The row readers built into the program, each a convolutional network that reads a row of
    /// digits scaled to 24 pixels tall without cutting it, giving each frame the chance of each
    /// digit and of none (see `ConnectionistTemporalClassification`): one whose frames are two
    /// input columns apart (`Models/row-reader-2px.safetensors`), then one whose frames are four
    /// apart (`Models/row-reader-4px.safetensors`). `NumberReader` reads rows of touching digits
    /// with both, where cuts down the picture cannot part digits that overlap; each misreads rows
    /// the other reads right.
    public static func loadRowReaders() throws -> [ConvolutionalModelFile] {
        [
            try decodeRowReader(
                start: digits_shipped_row_reader_2px_bytes(), count: digits_shipped_row_reader_2px_size(),
                name: "the built-in row reader of 2-pixel frames"),
            try decodeRowReader(
                start: digits_shipped_row_reader_4px_bytes(), count: digits_shipped_row_reader_4px_size(),
                name: "the built-in row reader of 4-pixel frames"),
        ]
    }

    /// Decodes and validates the row reader of `count` bytes the program holds at `start`.
    private static func decodeRowReader(
        start: UnsafeRawPointer?, count: Int, name: String
    ) throws -> ConvolutionalModelFile {
        let embedded = UnsafeRawBufferPointer(start: start, count: count)
        return try ConvolutionalModelFile(
            try SafeTensorsFile.Layout(of: embedded, file: name), file: name, outputs: ModelFile.rowReaderOutputCount)
    }

    /// Decodes and validates the model file of `count` bytes the program holds at `start`, named
    /// `name` in errors, whose network gives `outputs` logits.
    private static func decode(
        start: UnsafeRawPointer?, count: Int, name: String, outputs: Int
    ) throws -> ModelFile {
        // Decoded where the program holds it: a copy of the whole file would only be thrown away.
        let embedded = UnsafeRawBufferPointer(start: start, count: count)
        return try ModelFile(try SafeTensorsFile.Layout(of: embedded, file: name), file: name, outputs: outputs)
    }
}
