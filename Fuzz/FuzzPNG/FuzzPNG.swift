// libFuzzer target for the classify path's input: each input is decoded as a PNG (our chunk
// checks, then libpng) and, when that succeeds, normalised into a 28×28 MNIST-style digit.
//
// Besides "no crash, no leak, no huge allocation", each call checks what the imaging layer
// promises: every error names the input; a decoded image has one gray and one alpha value per
// pixel and, when small, survives being encoded and decoded again; the normalised digit has 784
// ink values in [0, 1], all zero when no ink was found, and an ink box inside the picture.

import DigitsKit

/// Images up to this many pixels are also encoded and decoded again; larger ones would only slow
/// the fuzzer down without reaching new code.
private let reencodedPixelLimit = 1 << 16

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
    return 0
}
