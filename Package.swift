// swift-tools-version: 6.0
import PackageDescription

// The library is split into one target per layer. Each target lists only the layers below it, so
// an import that runs upward does not compile. From the bottom:
//
//   DigitsFileSystem    bounded reads, atomic writes, errno text, files held in memory
//   DigitsTensor        Matrix, random numbers, threads, and the only Swift code over CKernels
//   DigitsTerminal      progress bars, status lines, tables, number formats
//   DigitsData          gzip, IDX, MNIST data sets and batches        (FileSystem, Tensor)
//   DigitsModel         Dense, activations, losses, MLP               (Tensor)
//   DigitsImaging       PNG decoding and encoding, the normaliser     (FileSystem)
//   DigitsModelFile     safetensors, model files, the built-in model  (Model, FileSystem, CShippedModel)
//   DigitsTraining      optimiser, schedule, engine, training run     (Model, Data, ModelFile, Tensor)
//   DigitsClassifier    PNG → 28×28 → probabilities                   (Imaging, Model)
//   DigitsWalkthrough   the design notes' worked example              (Training, Model)
//   DigitsDownload      fetching and verifying data sets over HTTP    (Data, CCurl)
//   DigitsReading       the digits of a whole number in one picture   (Classifier, Imaging, Model, Tensor)
//   DigitsReport        a model's report page: HTML, SVG charts, PNGs (Training, ModelFile, Imaging, Data, Model,
//                                                                      Tensor, Terminal, FileSystem)
//   DigitsServer        HTTP: the draw-a-digit page and JSON answers  (Reading, Classifier, ModelFile, Imaging,
//                                                                      Model, Tensor, FileSystem, FlyingSocks,
//                                                                      Logging)
//
// `DigitsKit` re-exports them all, so `import DigitsKit` gives the whole public API.

/// The library's layers, lowest first: name and the layers (or C modules) it may use.
let layers: [(name: String, dependencies: [Target.Dependency])] = [
    ("DigitsFileSystem", []),
    ("DigitsTensor", ["CKernels"]),
    ("DigitsTerminal", []),
    ("DigitsData", ["DigitsFileSystem", "DigitsTensor", "CZlib"]),
    ("DigitsModel", ["DigitsTensor"]),
    ("DigitsImaging", ["DigitsFileSystem", "CPNG"]),
    ("DigitsModelFile", ["DigitsModel", "DigitsTensor", "DigitsFileSystem", "CShippedModel"]),
    ("DigitsTraining", ["DigitsModel", "DigitsData", "DigitsModelFile", "DigitsTensor", "DigitsFileSystem"]),
    ("DigitsClassifier", ["DigitsImaging", "DigitsModel", "DigitsTensor"]),
    ("DigitsWalkthrough", ["DigitsTraining", "DigitsModel", "DigitsTensor"]),
    ("DigitsDownload", ["DigitsData", "CCurl"]),
    ("DigitsReading", ["DigitsClassifier", "DigitsImaging", "DigitsModel", "DigitsTensor"]),
    (
        "DigitsReport",
        [
            "DigitsTraining", "DigitsModelFile", "DigitsImaging", "DigitsData", "DigitsModel", "DigitsTensor",
            "DigitsTerminal", "DigitsFileSystem",
        ]
    ),
    (
        "DigitsServer",
        [
            "DigitsReading", "DigitsClassifier", "DigitsModelFile", "DigitsImaging", "DigitsModel", "DigitsTensor",
            "DigitsFileSystem", .product(name: "FlyingSocks", package: "FlyingFox"),
            .product(name: "Logging", package: "swift-log"),
        ]
    ),
]

let package = Package(
    name: "digits",
    products: [
        .executable(name: "digits", targets: ["digits"]),
        .library(name: "DigitsKit", targets: ["DigitsKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `digits serve`: FlyingFox's socket layer (FlyingSocks: non-blocking sockets, an epoll
        // pool, async accept, read and write) and swift-log for its request log. Only the socket
        // layer is linked: FlyingFox's HTTP module imports all of Foundation, which would load
        // Foundation, FoundationNetworking and ICU into every `digits` start (see the README).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Only for `swift package generate-documentation` (scripts/docs); nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // MARK: - The command-line tool

        // Parses flags, calls the library and prints; flag names live only here.
        .executableTarget(
            name: "digits",
            dependencies: [
                "DigitsKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - The library

        // The umbrella: re-exports every layer.
        .target(name: "DigitsKit", dependencies: layers.map { .target(name: $0.name) }),
    ]
        + layers.map { .target(name: $0.name, dependencies: $0.dependencies) }
        + [
            // MARK: - Implementation details

            // The hot matrix kernels, the thread pool and the signal catcher, in C so that each
            // kernel can carry its own instruction-set target (AVX2+FMA, AVX-512) and be picked at
            // run time, with a portable fallback. Only DigitsTensor imports it.
            .target(name: "CKernels"),

            // Models/mnist-mlp.safetensors, built into the program with C23 `#embed`, so that a
            // `digits` copied anywhere still has its default model. Only DigitsModelFile imports it.
            .target(name: "CShippedModel"),

            // libcurl for HTTP(S), loaded with dlopen only when a download starts (see HTTPTransfer).
            .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl")]),

            // zlib, for gzip-compressed IDX files.
            .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

            // libpng, for decoding and encoding PNG images.
            .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),

            // MARK: - Tests

            // Helpers shared by the test targets: scratch folders, the fixture's paths, full MNIST,
            // and the reading sets (labelled pictures of numbers) with their scoring.
            .target(
                name: "DigitsTestSupport", dependencies: ["DigitsData", "DigitsImaging"],
                path: "Tests/DigitsTestSupport"),
        ]
        // Unit tests, one target per layer: each tests its layer, using the others through DigitsKit.
        + layers.map {
            .testTarget(
                name: $0.name + "Tests",
                dependencies: [.target(name: $0.name), "DigitsKit", "DigitsTestSupport"]
                    // The server's tests read its request log through a log handler of their own.
                    + ($0.name == "DigitsServer" ? [.product(name: "Logging", package: "swift-log")] : []))
        }
        + [
            // The DocC articles' code, run on the fixtures and checked to match the articles.
            .testTarget(name: "DigitsKitTests", dependencies: ["DigitsKit", "DigitsTestSupport"]),
            // End-to-end runs of the built `digits` executable.
            .testTarget(name: "digitsTests", dependencies: ["digits", "DigitsKit", "DigitsTestSupport"]),
        ],
    // C23 (with the GNU extensions clang's default has), for CShippedModel's `#embed`.
    cLanguageStandard: .gnu2x
)

// MARK: - Fuzzing

// libFuzzer targets, built only by scripts/fuzz (which sets DIGITS_FUZZ): libFuzzer supplies their
// `main`, so they cannot link in an ordinary build, and an ordinary build does not spend time on them.
if Context.environment["DIGITS_FUZZ"] != nil {
    package.targets += [
        // IDX files, raw or gzip, and the MNIST split made from them: the training data we are handed.
        .executableTarget(name: "FuzzIDX", dependencies: ["DigitsKit"], path: "Fuzz/FuzzIDX"),
        // safetensors files and the model checks on top: what `--model` and `--resume` read.
        .executableTarget(name: "FuzzSafeTensors", dependencies: ["DigitsKit"], path: "Fuzz/FuzzSafeTensors"),
        // PNG files through libpng and the digit normaliser: what `digits classify` reads.
        .executableTarget(name: "FuzzPNG", dependencies: ["DigitsKit"], path: "Fuzz/FuzzPNG"),
    ]
}
