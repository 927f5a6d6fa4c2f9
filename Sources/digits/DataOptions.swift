import ArgumentParser

/// Where the MNIST files come from; shared by `train` and `evaluate`.
struct DataOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Folder holding the MNIST IDX files (gzipped or raw).",
            discussion: "Default: $DIGITS_DATA, else ./data/mnist. The bundled subset is Fixtures/mnist-subset.",
            valueName: "dir"))
    var data: String?
}
