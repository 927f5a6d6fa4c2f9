import Testing
import DigitsKit

/// Each named step of `Dense`'s backward pass on raw buffers, against the same formula written
/// as plain Swift loops over row-major arrays.
@Suite struct BackwardStepTests {
    /// `count` values drawn uniformly from [−1, 1).
    static func random(_ count: Int, _ generator: inout SplitMix64) -> [Float] {
        (0 ..< count).map { _ in Float.random(in: -1 ..< 1, using: &generator) }
    }

    /// The largest |a − b| over two equally long arrays.
    static func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// Step 1: dL/dZ = dL/dA ⊙ f'(Z), with f' taken from the output A.
    @Test(arguments: Activation.allCases)
    func activationBackwardMultipliesByTheDerivativeOfTheOutput(activation: Activation) {
        var generator = SplitMix64(seed: 31)
        let count = 37  // not a multiple of any vector width
        // Outputs a layer can produce: f of raw activations spread around 0, a few exactly 0.
        var z = Self.random(count, &generator).map { 3 * $0 }
        z[0] = 0
        z[5] = 0
        let output = z.map(activation.apply)
        let incoming = Self.random(count, &generator)
        var gradient = incoming
        output.withUnsafeBufferPointer { a in
            gradient.withUnsafeMutableBufferPointer { g in
                Dense.activationBackward(
                    activation, output: a.baseAddress!, outputGradient: g.baseAddress!, count: count)
            }
        }
        var expected = [Float](repeating: 0, count: count)
        for i in 0 ..< count { expected[i] = incoming[i] * activation.derivative(output: output[i]) }
        #expect(Self.largestDifference(gradient, expected) <= 1e-6)
    }

    /// Step 2 on the whole of W: dL/dW[r][c] = Σ_b I[b][r] · dL/dZ[b][c].
    @Test func weightGradientIsInputTransposedTimesOutputGradient() {
        var generator = SplitMix64(seed: 32)
        let (batch, n, m) = (6, 9, 13)
        let input = Self.random(batch * n, &generator), dZ = Self.random(batch * m, &generator)
        var dW = [Float](repeating: .nan, count: n * m)
        input.withUnsafeBufferPointer { i in
            dZ.withUnsafeBufferPointer { g in
                dW.withUnsafeMutableBufferPointer { w in
                    Dense.weightGradient(
                        rows: n, columns: m, batch: batch, input: i.baseAddress!, inputStride: n,
                        outputGradient: g.baseAddress!, outputGradientStride: m,
                        into: w.baseAddress!, stride: m)
                }
            }
        }
        var expected = [Float](repeating: 0, count: n * m)
        for r in 0 ..< n {
            for c in 0 ..< m {
                var sum = 0.0
                for b in 0 ..< batch { sum += Double(input[b * n + r]) * Double(dZ[b * m + c]) }
                expected[r * m + c] = Float(sum)
            }
        }
        #expect(Self.largestDifference(dW, expected) <= 1e-5)
    }

    /// Step 2 on a block of W, as the engine forms it: rows `rows` and columns `columns` of
    /// dL/dW, reached by offsetting the input and dL/dZ pointers and keeping their full row
    /// strides, written into a buffer with a wider row stride than the block. The block holds
    /// those entries of the whole gradient, and nothing outside it is written.
    @Test func weightGradientOfABlockThroughOffsetsAndStrides() {
        var generator = SplitMix64(seed: 33)
        let (batch, n, m) = (5, 11, 14)
        let rows = 3 ..< 8, columns = 4 ..< 13
        let blockStride = columns.count + 3
        let input = Self.random(batch * n, &generator), dZ = Self.random(batch * m, &generator)
        var block = [Float](repeating: .nan, count: rows.count * blockStride)
        input.withUnsafeBufferPointer { i in
            dZ.withUnsafeBufferPointer { g in
                block.withUnsafeMutableBufferPointer { w in
                    Dense.weightGradient(
                        rows: rows.count, columns: columns.count, batch: batch,
                        input: i.baseAddress! + rows.lowerBound, inputStride: n,
                        outputGradient: g.baseAddress! + columns.lowerBound, outputGradientStride: m,
                        into: w.baseAddress!, stride: blockStride)
                }
            }
        }
        for (blockRow, r) in rows.enumerated() {
            for (blockColumn, c) in columns.enumerated() {
                var sum = 0.0
                for b in 0 ..< batch { sum += Double(input[b * n + r]) * Double(dZ[b * m + c]) }
                let value = block[blockRow * blockStride + blockColumn]
                #expect(abs(value - Float(sum)) <= 1e-5, "dL/dW[\(r)][\(c)]")
            }
            for padding in columns.count ..< blockStride {
                #expect(block[blockRow * blockStride + padding].isNaN, "wrote past the block's columns")
            }
        }
    }

    /// Step 2 with no rows in the batch: the gradient is zero, whatever the buffer held.
    @Test func weightGradientOfAnEmptyBatchIsZero() {
        let (n, m) = (4, 3)
        let input: [Float] = [0], dZ: [Float] = [0]
        var dW = [Float](repeating: .nan, count: n * m)
        input.withUnsafeBufferPointer { i in
            dZ.withUnsafeBufferPointer { g in
                dW.withUnsafeMutableBufferPointer { w in
                    Dense.weightGradient(
                        rows: n, columns: m, batch: 0, input: i.baseAddress!, inputStride: n,
                        outputGradient: g.baseAddress!, outputGradientStride: m,
                        into: w.baseAddress!, stride: m)
                }
            }
        }
        #expect(dW == [Float](repeating: 0, count: n * m))
    }

    /// Step 3 over a range of columns: dL/db[c] = Σ_b dL/dZ[b][c], the rows added in order, for
    /// the columns from where the pointer starts, reading rows a full stride apart.
    @Test func biasGradientSumsTheColumnsOfARange() {
        var generator = SplitMix64(seed: 34)
        let (batch, m) = (7, 19)
        let columns = 5 ..< 17
        let dZ = Self.random(batch * m, &generator)
        var db = [Float](repeating: .nan, count: columns.count + 2)
        dZ.withUnsafeBufferPointer { g in
            db.withUnsafeMutableBufferPointer { d in
                Dense.biasGradient(
                    columns: columns.count, batch: batch, outputGradient: g.baseAddress! + columns.lowerBound,
                    outputGradientStride: m, into: d.baseAddress!)
            }
        }
        var expected = [Float](repeating: 0, count: columns.count)
        for (j, c) in columns.enumerated() {
            for b in 0 ..< batch { expected[j] += dZ[b * m + c] }
        }
        #expect(Array(db[0 ..< columns.count]) == expected)
        #expect(db[columns.count...].allSatisfy { $0.isNaN }, "wrote past the range")
    }

    /// Step 4: dL/dI[b][i] = Σ_j dL/dZ[b][j] · W[i][j].
    @Test func inputGradientIsOutputGradientTimesWeightTransposed() {
        var generator = SplitMix64(seed: 35)
        let (batch, n, m) = (4, 10, 7)
        let dZ = Self.random(batch * m, &generator), weight = Self.random(n * m, &generator)
        var dI = [Float](repeating: .nan, count: batch * n)
        dZ.withUnsafeBufferPointer { g in
            weight.withUnsafeBufferPointer { w in
                dI.withUnsafeMutableBufferPointer { d in
                    Dense.inputGradient(
                        Dense.Shape(rows: batch, inputs: n, outputs: m), outputGradient: g.baseAddress!,
                        weight: w.baseAddress!, inputGradient: d.baseAddress!)
                }
            }
        }
        var expected = [Float](repeating: 0, count: batch * n)
        for b in 0 ..< batch {
            for i in 0 ..< n {
                var sum = 0.0
                for j in 0 ..< m { sum += Double(dZ[b * m + j]) * Double(weight[i * m + j]) }
                expected[b * n + i] = Float(sum)
            }
        }
        #expect(Self.largestDifference(dI, expected) <= 1e-5)
    }

    /// `Dense.backward` on raw buffers is steps 1–3 in order: its dL/dZ, dL/dW and dL/db are
    /// exactly what the steps give when called one after another.
    @Test(arguments: [Activation.relu, .tanh])
    func backwardIsTheFirstThreeStepsInOrder(activation: Activation) {
        var generator = SplitMix64(seed: 36)
        let (batch, n, m) = (3, 5, 6)
        let layer = Dense(
            weight: Matrix(rows: n, columns: m, values: Self.random(n * m, &generator)),
            bias: Matrix(rows: 1, columns: m, values: Self.random(m, &generator)), activation: activation)
        let input = Matrix(rows: batch, columns: n, values: Self.random(batch * n, &generator))
        let output = layer.forward(input)
        let dA = Self.random(batch * m, &generator)

        var dZ = Matrix(rows: batch, columns: m, values: dA)
        var gradients = Dense.Gradients(for: layer)
        layer.backward(input: input, output: output, outputGradient: &dZ, gradients: &gradients)

        var stepped = dA
        var dW = [Float](repeating: 0, count: n * m), db = [Float](repeating: 0, count: m)
        input.storage.withUnsafeBufferPointer { i in
            output.storage.withUnsafeBufferPointer { a in
                stepped.withUnsafeMutableBufferPointer { g in
                    Dense.activationBackward(
                        activation, output: a.baseAddress!, outputGradient: g.baseAddress!,
                        count: batch * m)
                    dW.withUnsafeMutableBufferPointer { w in
                        Dense.weightGradient(
                            rows: n, columns: m, batch: batch, input: i.baseAddress!, inputStride: n,
                            outputGradient: g.baseAddress!, outputGradientStride: m,
                            into: w.baseAddress!, stride: m)
                    }
                    db.withUnsafeMutableBufferPointer { d in
                        Dense.biasGradient(
                            columns: m, batch: batch, outputGradient: g.baseAddress!,
                            outputGradientStride: m, into: d.baseAddress!)
                    }
                }
            }
        }
        #expect(dZ.storage == stepped)
        #expect(gradients.weight.storage == dW)
        #expect(gradients.bias.storage == db)
    }
}
