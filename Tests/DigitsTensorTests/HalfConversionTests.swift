import Testing
import DigitsKit
@testable import DigitsTensor

/// Widening half-precision floats, the kernel a float16 model file is loaded through: at every
/// kernel level it gives what the language's own exact conversion gives, for every bit pattern.
@Suite struct HalfConversionTests {
    /// The halves widened from little-endian bytes that start one byte into a buffer, as a
    /// tensor may in a file: the kernel must not assume alignment.
    static func widened(_ halves: [UInt16]) -> [Float] {
        let bytes: [UInt8] = [0xAB] + halves.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] }
        var floats = [Float](repeating: -1, count: halves.count)
        bytes.withUnsafeBytes { source in
            floats.withUnsafeMutableBufferPointer { destination in
                Kernels.floats(fromHalves: source.baseAddress! + 1, into: destination.baseAddress!, count: halves.count)
            }
        }
        return floats
    }

    @Test(arguments: KernelLevel.supported)
    func everyHalfWidensExactly(level: String) {
        #expect(KernelLevel.force(level))
        defer { KernelLevel.force(nil) }
        // Every pattern, then an odd count so the vector loop leaves a tail.
        let all = (0 ... UInt16.max).map { $0 }
        for halves in [all, Array(all[1000 ..< 1013])] {
            for (bits, value) in zip(halves, Self.widened(halves)) {
                let expected = Float(Float16(bitPattern: bits))
                if expected.isNaN {
                    #expect(value.isNaN, "bits \(bits)")
                } else {
                    #expect(value.bitPattern == expected.bitPattern, "bits \(bits): \(value) for \(expected)")
                }
            }
        }
    }

    @Test func knownValuesWiden() {
        // 1, −2, the largest half, the smallest subnormal, −0 and +∞.
        let halves: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00]
        let values = Self.widened(halves)
        #expect(values[0 ..< 4] == [1, -2, 65504, 0x1p-24])
        #expect(values[4] == 0 && values[4].sign == .minus)
        #expect(values[5] == .infinity)
    }
}
