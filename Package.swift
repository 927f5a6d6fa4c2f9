// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "digits",
    products: [
        .executable(name: "digits", targets: ["digits"]),
        .library(name: "DigitsKit", targets: ["DigitsKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: - The command-line tool

        // Parses flags and calls DigitsKit; holds no logic of its own.
        .executableTarget(
            name: "digits",
            dependencies: [
                "DigitsKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - The library

        // Everything testable: data, tensor math, model, training, imaging, model files.
        .target(
            name: "DigitsKit",
            dependencies: ["CZlib", "CPNG", "CKernels"]
        ),

        // MARK: - Implementation details

        // The hot matrix kernels, in C so that each function can carry its own instruction-set
        // target (AVX2+FMA, AVX-512) and be picked at run time, with a portable fallback.
        .target(name: "CKernels"),

        // zlib, for gzip-compressed IDX files.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // libpng, for decoding and encoding PNG images.
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),

        // MARK: - Tests

        // Unit tests, one folder per library folder.
        .testTarget(
            name: "DigitsKitTests",
            dependencies: ["DigitsKit"]
        ),

        // End-to-end runs of the built `digits` executable.
        .testTarget(
            name: "digitsTests",
            dependencies: ["digits", "DigitsKit"]
        ),
    ]
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
