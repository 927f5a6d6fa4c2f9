import Testing
import DigitsKit

@Suite struct DenseTests {
    /// A layer computed in column slices — each slice an n → width layer writing into its own
    /// columns through `outputStride`, as the training engine splits its first layer — gives
    /// exactly the whole layer's output, for the fused (ReLU) and the separate (sigmoid) epilogue.
    @Test(arguments: [Activation.relu, .sigmoid])
    func columnSlicesThroughOutputStrideEqualTheWholeLayer(activation: Activation) {
        var generator = SplitMix64(seed: 9)
        let (rows, n, m) = (5, 7, 11)
        func random(_ r: Int, _ c: Int) -> Matrix {
            Matrix(
                rows: r, columns: c, values: (0 ..< r * c).map { _ in Float.random(in: -1 ..< 1, using: &generator) })
        }
        let layer = Dense(weight: random(n, m), bias: random(1, m), activation: activation)
        let input = random(rows, n)
        let whole = layer.forward(input)

        var sliced = [Float](repeating: .nan, count: rows * m)
        for columns in [0 ..< 4, 4 ..< 5, 5 ..< 11] {
            // The slice's own row-major weights: columns `columns` of W.
            let weight = (0 ..< n).flatMap { r in columns.map { layer.weight[r, $0] } }
            let bias = Array(layer.bias.storage[columns])
            input.storage.withUnsafeBufferPointer { i in
                sliced.withUnsafeMutableBufferPointer { o in
                    Dense.forward(
                        Dense.Shape(rows: rows, inputs: n, outputs: columns.count), input: i.baseAddress!,
                        weight: weight, bias: bias, activation: activation,
                        output: o.baseAddress! + columns.lowerBound, outputStride: m)
                }
            }
        }
        #expect(sliced == whole.storage)
    }
}
