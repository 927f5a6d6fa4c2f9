import Testing
import DigitsKit
@testable import DigitsTensor

@Suite struct MatrixTests {
    @Test func productOfSmallMatricesMatchesHandComputation() {
        let a = Matrix([[5, 6]])
        let w = Matrix([[2, 2], [1, 3]])
        #expect(product(a, w) == Matrix([[16, 28]]))
    }
}
