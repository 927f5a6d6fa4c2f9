import Foundation
import DigitsKit
@testable import DigitsImaging
import DigitsTestSupport

/// Helpers shared by the imaging tests.
enum ImagingTestSupport {
    /// The package root, found from this source file's location.
    static var packageRoot: URL {
        URL(fileURLWithPath: DataTestSupport.packageRoot)
    }

    /// `Fixtures/digits/<name>` in the package.
    static func fixture(_ name: String) -> String {
        packageRoot.appendingPathComponent("Fixtures/digits").appendingPathComponent(name).path
    }

    /// A fresh empty directory under the system temporary directory; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("digits-imaging-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A deterministic pseudo-random value in `0 ..< bound` for position `index` (SplitMix64 finaliser).
    static func scrambled(_ index: Int, bound: Int) -> Int {
        var z = UInt64(truncatingIfNeeded: index) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }

    /// PNG's CRC-32 (the zlib polynomial) of `bytes`.
    static func crc32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0 ..< 8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }

    /// One PNG chunk: length, type, data and a correct CRC.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    /// The four big-endian bytes of `value`.
    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// An opaque gray image of `width × height` at `background`, with `ink` painted wherever
    /// `isInk(x, y)` holds.
    static func drawing(
        width: Int, height: Int, background: UInt8, ink: UInt8,
        isInk: (Int, Int) -> Bool
    ) -> GrayAlphaImage {
        var gray = [UInt8](repeating: background, count: width * height)
        for y in 0 ..< height {
            for x in 0 ..< width where isInk(x, y) {
                gray[y * width + x] = ink
            }
        }
        return GrayAlphaImage(width: width, height: height, gray: gray)
    }

    /// A white `side × side` picture with black straight strokes of `pen` pixels' width along
    /// `segments` (end points in pixels), anti-aliased by distance to the nearest segment.
    static func penDrawing(side: Int, pen: Double, segments: [((Double, Double), (Double, Double))]) -> GrayAlphaImage {
        func distance(_ x: Double, _ y: Double, _ a: (Double, Double), _ b: (Double, Double)) -> Double {
            let (dx, dy) = (b.0 - a.0, b.1 - a.1)
            let t = max(0, min(1, ((x - a.0) * dx + (y - a.1) * dy) / (dx * dx + dy * dy)))
            let (ex, ey) = (x - (a.0 + t * dx), y - (a.1 + t * dy))
            return (ex * ex + ey * ey).squareRoot()
        }
        var gray = [UInt8](repeating: 255, count: side * side)
        for y in 0 ..< side {
            for x in 0 ..< side {
                let nearest = segments.map { distance(Double(x) + 0.5, Double(y) + 0.5, $0.0, $0.1) }.min() ?? .infinity
                let coverage = max(0, min(1, pen / 2 - nearest + 0.5))
                gray[y * side + x] = UInt8((255 * (1 - coverage)).rounded())
            }
        }
        return GrayAlphaImage(width: side, height: side, gray: gray)
    }

    /// The 28×28 digit as rows of characters, for failure messages.
    static func picture(_ pixels: [Float]) -> String {
        let shades = Array(" .:-=+*#%@")
        return stride(from: 0, to: pixels.count, by: 28).map { start in
            String(pixels[start ..< start + 28].map { shades[min(9, Int($0 * 9.999))] })
        }.joined(separator: "\n")
    }
}
