import DigitsKit

/// Small images the end-to-end tests write to disk.
enum TestImages {
    /// A valid 1×1 opaque white PNG.
    static var whitePNG: [UInt8] {
        (try? PNGEncoder.encode(GrayAlphaImage(width: 1, height: 1, gray: 255))) ?? []
    }
}
