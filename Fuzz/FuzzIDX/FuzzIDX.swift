// libFuzzer target for the data layer: IDX content, raw or gzip-compressed, and the MNIST split
// built from an images file and a labels file.
//
// Each input is read as one IDX file. An input that starts with the byte "M" is also read as an
// MNIST pair: "M", a big-endian UInt32 n, n bytes of images file, then the labels file.
//
// Besides "no crash, no leak, no huge allocation", each call checks what the readers promise:
// every error names its source; a decoded array re-encodes to the same array; a raw file
// re-encodes to exactly its own bytes; an accepted MNIST split has 784 pixels and a label 0…9
// per image, and its batches hold values in [0, 1].

import DigitsKit

/// The decompressed-size limit used here: small enough for libFuzzer's 512 MB allocation cap
/// (the decoded array, its re-encoding and the growth of the inflate buffer all fit), large
/// enough for anything a fuzzed input of a few kilobytes can inflate to.
private let decompressedLimit = 64 << 20

/// Arrays up to this many elements are also converted element by element, and payloads up to
/// `recompressedByteLimit` bytes gzip-compressed again; larger ones would only slow the fuzzer
/// down without reaching new code.
private let convertedElementLimit = 1 << 16
private let recompressedByteLimit = 1 << 14

/// The entry point libFuzzer calls with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    checkSingleFile(input)
    if input.first == UInt8(ascii: "M") {
        checkMNISTPair(input)
    }
    return 0
}

/// Decodes `input` as one IDX file and checks the result or the error.
private func checkSingleFile(_ input: [UInt8]) {
    let source = "fuzz-input.idx"
    let array: IDXArray
    do {
        array = try IDXArray(decoding: input, source: source, decompressedLimit: decompressedLimit)
    } catch {
        precondition(error.description.contains(source), "error does not name its source: \(error)")
        return
    }

    let elementCount = array.dimensions.reduce(1, *)
    precondition(array.count == elementCount, "count \(array.count) differs from the dimensions' product")
    precondition(array.bytes.count == elementCount * array.dataType.byteWidth, "payload size does not match")

    let encoded = array.encoded()
    if !Gzip.isGzip(input) {
        precondition(encoded == input, "a raw IDX file does not re-encode to its own bytes")
    }
    let decodedAgain = try? IDXArray(decoding: encoded, source: source)
    precondition(decodedAgain == array, "a decoded array does not survive re-encoding")

    if array.count <= convertedElementLimit {
        precondition(array.doubleValues().count == array.count)
        precondition(array.floatValues().count == array.count)
        precondition((array.uint8Values != nil) == (array.dataType == .uint8))
    }
    if array.bytes.count <= recompressedByteLimit {
        let compressed = array.encoded(gzip: true)
        let inflated = try? IDXArray(decoding: compressed, source: source)
        precondition(inflated == array, "a decoded array does not survive gzip re-encoding")
    }
}

/// Splits an "M" input into an images file and a labels file, and builds an MNIST split from them.
private func checkMNISTPair(_ input: [UInt8]) {
    guard input.count >= 5 else { return }
    let declared = input[1 ..< 5].reduce(0) { $0 << 8 | Int($1) }
    let imagesLength = min(declared, input.count - 5)
    let imagesBytes = Array(input[5 ..< 5 + imagesLength])
    let labelsBytes = Array(input[(5 + imagesLength)...])

    let imagesFile = "fuzz-images-idx3-ubyte", labelsFile = "fuzz-labels-idx1-ubyte"
    guard
        let images = try? IDXArray(decoding: imagesBytes, source: imagesFile, decompressedLimit: decompressedLimit),
        let labels = try? IDXArray(decoding: labelsBytes, source: labelsFile, decompressedLimit: decompressedLimit)
    else { return }

    let dataSet: MNISTDataSet
    do {
        dataSet = try MNISTDataSet(images: images, labels: labels, imagesFile: imagesFile, labelsFile: labelsFile)
    } catch {
        let message = error.description
        precondition(
            message.contains(imagesFile) || message.contains(labelsFile), "error names neither file: \(message)")
        return
    }

    precondition(dataSet.images.count == dataSet.count * MNISTDataSet.pixelsPerImage, "pixel count is wrong")
    precondition(dataSet.labels.allSatisfy { $0 < 10 }, "a label outside 0...9 was accepted")
    precondition(dataSet.labelCounts.reduce(0, +) == dataSet.count, "label counts do not add up")
    if dataSet.count > 0 {
        precondition(dataSet.pixels(ofImage: dataSet.count - 1).count == MNISTDataSet.pixelsPerImage)
        let indices = Array((0 ..< dataSet.count).reversed().prefix(64))
        var batch = MNISTBatch(capacity: indices.count)
        batch.load(indices, from: dataSet)
        precondition(batch.labels == indices.map { Int(dataSet.labels[$0]) }, "batch labels are wrong")
        precondition(batch.inputs.storage.allSatisfy { (0 ... 1).contains($0) }, "a batch input is outside [0, 1]")
    }
}
