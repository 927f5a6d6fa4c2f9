// libFuzzer target for the classify and read paths' input: each input is decoded as a PNG (our
// chunk checks, then libpng) and, when that succeeds, normalised into a 28×28 MNIST-style digit
// and read as a number.
//
// Besides "no crash, no leak, no huge allocation", each call checks what the imaging layer
// promises: every error names the input; a decoded image has one gray and one alpha value per
// pixel and, when small, survives being encoded and decoded again; the normalised digit has 784
// ink values in [0, 1], all zero when no ink was found, and an ink box inside the picture; a
// reading is refused only for too many marks, naming the input, and otherwise has its digits
// inside the picture, ten probabilities each, and a text of one character per digit and row break.

import DigitsKit

/// Images up to this many pixels are also encoded and decoded again; larger ones would only slow
/// the fuzzer down without reaching new code.
private let reencodedPixelLimit = 1 << 16

/// Images up to this many pixels are also read as a number. Reading a picture of many millions of
/// pixels in this instrumented debug build takes longer than the fuzzer's one-second limit for an
/// input, and the splitting logic it exercises is the same on smaller pictures.
private let readPixelLimit = 1 << 20

/// The reader, with the built-in model and verifier, made once.
private let reader = NumberReader(
    model: try! ShippedModel.load().model, verifier: try! ShippedModel.loadVerifier().model,
    cutScorer: try! ShippedModel.loadCutScorer().model)

/// The entry point libFuzzer calls with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let name = "fuzz-digit.png"

    let image: GrayAlphaImage
    do {
        image = try PNGDecoder.decode(input, name: name)
    } catch {
        precondition(error.description.contains(name), "error does not name the input: \(error)")
        return 0
    }
    precondition(image.width > 0 && image.height > 0, "decoded an empty image")
    precondition(image.pixelCount <= PNGDecoder.maximumPixelCount, "decoded an image over the pixel limit")
    precondition(image.gray.count == image.pixelCount && image.alpha.count == image.pixelCount, "planes are mis-sized")

    if image.pixelCount <= reencodedPixelLimit {
        do {
            let again = try PNGDecoder.decode(PNGEncoder.encode(image), name: name)
            precondition(again == image, "a decoded image does not survive re-encoding")
        } catch {
            preconditionFailure("a decoded image cannot be encoded and decoded again: \(error)")
        }
    }

    let digit = DigitNormalizer().normalize(image)
    precondition(digit.pixels.count == NormalizedDigit.side * NormalizedDigit.side, "digit is not 28×28")
    precondition(digit.pixels.allSatisfy { (0 ... 1).contains($0) }, "an ink value is outside [0, 1]")
    if let box = digit.inkBounds {
        precondition(digit.inkFound, "an ink box without ink")
        precondition(
            box.x >= 0 && box.y >= 0 && box.width > 0 && box.height > 0
                && box.x + box.width <= image.width && box.y + box.height <= image.height,
            "ink box \(box) is outside the \(image.width)×\(image.height) picture")
    } else {
        precondition(!digit.inkFound, "ink found but no ink box")
        precondition(digit.pixels.allSatisfy { $0 == 0 }, "no ink found but some pixels are inked")
    }

    guard image.pixelCount <= readPixelLimit else { return 0 }
    let reading: Reading
    do {
        reading = try reader.read(image, name: name)
    } catch {
        switch error {
        case .tooManyPieces, .tooFragmented:
            precondition(error.description.contains(name), "error does not name the input: \(error)")
            return 0
        case .unreadablePicture:
            preconditionFailure("a decoded image was reported unreadable: \(error)")
        }
    }
    let digits = reading.digits
    precondition(reading.text.count == digits.count + max(0, reading.rows.count - 1), "text and digits disagree")
    precondition(reading.rows.allSatisfy { !$0.digits.isEmpty }, "an empty row")
    for digit in digits {
        let box = digit.box
        precondition(
            box.x >= 0 && box.y >= 0 && box.width > 0 && box.height > 0
                && box.x + box.width <= image.width && box.y + box.height <= image.height,
            "digit box \(box) is outside the \(image.width)×\(image.height) picture")
        precondition(digit.classification.probabilities.count == 10, "a digit without ten probabilities")
    }
    return 0
}
