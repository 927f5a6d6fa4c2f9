import Testing
import DigitsKit
@testable import DigitsTensor

/// The check a model's weights pass as they load: any NaN or infinity, wherever it sits among
/// finite values of every magnitude, is found.
@Suite struct FiniteCheckTests {
    static func allFinite(_ values: [Float]) -> Bool {
        values.withUnsafeBufferPointer(Kernels.allFinite)
    }

    @Test func finiteValuesOfEveryKindPass() {
        let values: [Float] = [
            0, -0, 1, -1, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
            .leastNormalMagnitude, 65504, 1e-30,
        ]
        #expect(Self.allFinite(values))
        #expect(Self.allFinite([]))
    }

    @Test(arguments: [Float.nan, -.nan, .infinity, -.infinity, .signalingNaN])
    func oneBadValueAnywhereIsFound(bad: Float) {
        for count in [1, 7, 8, 9, 33] {
            for position in 0 ..< count {
                var values = (0 ..< count).map { Float($0) * 0.37 - 3 }
                values[position] = bad
                #expect(!Self.allFinite(values), "\(bad) at \(position) of \(count)")
            }
        }
    }
}
