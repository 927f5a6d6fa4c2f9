import DigitsKit
import Testing

/// A convolution layer runs as one matrix product over its input's patches; these pin it to the
/// convolution written as nested loops, and its backward pass to the slope of a loss.
@Suite struct ConvolutionTests {
    /// A layer over 7×9×2 images with three 4×4 kernels (convolved 4×6, pooled 2×3, or 2×6 when
    /// it pools rows only), random values.
    static func layer(seed: UInt64, poolWidth: Int = 2) -> Convolution {
        var generator = SplitMix64(seed: seed)
        var layer = Convolution(
            kernelSize: 4, inputHeight: 7, inputWidth: 9, inputChannels: 2, outputChannels: 3, poolWidth: poolWidth,
            generator: &generator)
        for index in layer.bias.storage.indices { layer.bias.storage[index] = Float(generator.nextNormal()) * 0.1 }
        return layer
    }

    static func images(_ count: Int, of layer: Convolution, seed: UInt64) -> Matrix {
        var generator = SplitMix64(seed: seed)
        return Matrix(
            rows: count, columns: layer.inputCount,
            values: (0 ..< count * layer.inputCount).map { _ in Float(generator.nextNormal()) })
    }

    /// The layer's output by the definition: ReLU of the kernel's dot product with the input at
    /// each place plus the bias, then the largest of each 2 × poolWidth block.
    static func referenceOutput(of layer: Convolution, image input: [Float]) -> [Float] {
        let (k, channels) = (layer.kernelSize, layer.inputChannels)
        func convolved(_ y: Int, _ x: Int, _ output: Int) -> Float {
            var sum = layer.bias.storage[output]
            for dy in 0 ..< k {
                for dx in 0 ..< k {
                    for c in 0 ..< channels {
                        let value = input[((y + dy) * layer.inputWidth + x + dx) * channels + c]
                        sum += value * layer.weight[(dy * k + dx) * channels + c, output]
                    }
                }
            }
            return max(0, sum)
        }
        var output: [Float] = []
        for y in 0 ..< layer.outputHeight {
            for x in 0 ..< layer.outputWidth {
                for o in 0 ..< layer.outputChannels {
                    let block = [(0, 0), (0, 1), (1, 0), (1, 1)].filter { $0.1 < layer.poolWidth }
                    output.append(block.map { convolved(2 * y + $0, layer.poolWidth * x + $1, o) }.max()!)
                }
            }
        }
        return output
    }

    @Test("the output is the convolution, ReLU and pooling (2×2, or 2×1) written as loops", arguments: [2, 1])
    func forwardMatchesTheDefinition(poolWidth: Int) {
        let layer = Self.layer(seed: 3, poolWidth: poolWidth)
        let input = Self.images(3, of: layer, seed: 4)
        let output = layer(input)
        #expect(output.rows == 3 && output.columns == 2 * (6 / poolWidth) * 3)
        for image in 0 ..< 3 {
            let expected = Self.referenceOutput(of: layer, image: input.row(image))
            for (got, want) in zip(output.row(image), expected) { #expect(abs(got - want) < 1e-4) }
        }
    }

    /// A loss with a known gradient: the sum of each logit times a fixed weight.
    static func loss(_ logits: Matrix, weights: Matrix) -> Double {
        zip(logits.storage, weights.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Its head reads the whole output (window 2, one frame) or each column (window 1, two
    /// frames), or, when the second layer pools rows only, windows of two of its four columns.
    @Test(
        "every gradient of a two-convolution network is the slope of its loss",
        arguments: [(window: 2, poolWidth: 2), (1, 2), (2, 1)])
    func backwardIsTheSlope(window: Int, poolWidth: Int) {
        var generator = SplitMix64(seed: 11)
        // 12×12 → 10×10 → 5×5×4 → 4×4 → 2×2×3 (or 2×4×3) → 6 → 5.
        let first = Convolution(
            kernelSize: 3, inputHeight: 12, inputWidth: 12, inputChannels: 1, outputChannels: 4, generator: &generator)
        let second = Convolution(
            kernelSize: 2, inputHeight: 5, inputWidth: 5, inputChannels: 4, outputChannels: 3, poolWidth: poolWidth,
            generator: &generator)
        let head = MLP(
            inputCount: 2 * window * 3, hidden: [6], outputCount: 5, activation: .relu, generator: &generator)
        var network = ConvolutionalNetwork(convolutions: [first, second], window: window, head: head)
        let frames = second.outputWidth - window + 1
        for index in network.convolutions.indices {
            for value in network.convolutions[index].bias.storage.indices {
                network.convolutions[index].bias.storage[value] = 0.05
            }
        }
        let input = Matrix(rows: 2, columns: 144, values: (0 ..< 288).map { _ in Float(generator.nextUnit()) })
        let weights = Matrix(
            rows: 2 * frames, columns: 5, values: (0 ..< 10 * frames).map { _ in Float(generator.nextNormal()) })
        let gradients = network.backward(network.forward(input), outputGradient: weights)

        func slope(_ change: (inout ConvolutionalNetwork, Float) -> Void) -> Double {
            var up = network, down = network
            // A small step, so that no pool's winner and no ReLU's sign changes within it.
            change(&up, 1e-3)
            change(&down, -1e-3)
            return (Self.loss(up.logits(input), weights: weights) - Self.loss(down.logits(input), weights: weights))
                / 2e-3
        }
        var checked = 0
        for layer in 0 ..< 2 {
            for index in stride(from: 0, to: network.convolutions[layer].weight.storage.count, by: 3) {
                let expected = slope { $0.convolutions[layer].weight.storage[index] += $1 }
                let got = Double(gradients.convolutions[layer].weight.storage[index])
                #expect(abs(expected - got) < 2e-2 * max(1, abs(expected)), "layer \(layer) weight \(index)")
                checked += 1
            }
            for index in network.convolutions[layer].bias.storage.indices {
                let expected = slope { $0.convolutions[layer].bias.storage[index] += $1 }
                let got = Double(gradients.convolutions[layer].bias.storage[index])
                #expect(abs(expected - got) < 2e-2 * max(1, abs(expected)), "layer \(layer) bias \(index)")
            }
        }
        for index in network.head.layers[0].weight.storage.indices {
            let expected = slope { $0.head.layers[0].weight.storage[index] += $1 }
            #expect(abs(expected - Double(gradients.head[0].weight.storage[index])) < 2e-2 * max(1, abs(expected)))
        }
        #expect(checked > 20)
    }

    /// A network over 28×252 inputs shaped like the row reader: two 5×5 convolutions of two
    /// channels (28×252 → 24×248 → 12×124 → 8×120), the second pooling 2 × `poolWidth`, and a
    /// head over every `window` columns.
    static func rowNetwork(poolWidth: Int, window: Int) -> ConvolutionalNetwork {
        var generator = SplitMix64(seed: 2)
        let first = Convolution(
            kernelSize: 5, inputHeight: 28, inputWidth: 252, inputChannels: 1, outputChannels: 2, generator: &generator)
        let second = Convolution(
            kernelSize: 5, inputHeight: 12, inputWidth: 124, inputChannels: 2, outputChannels: 2, poolWidth: poolWidth,
            generator: &generator)
        return ConvolutionalNetwork(
            convolutions: [first, second], window: window,
            head: MLP(inputCount: 4 * window * 2, hidden: [], outputCount: 3, activation: .relu, generator: &generator))
    }

    @Test("a frame's centre column is where the middle of its window sees the input, a frame step from the next")
    func centreColumns() {
        // 8×120 → 4×60; frames of three columns.
        let network = Self.rowNetwork(poolWidth: 2, window: 3)
        #expect(network.frames == 58)
        // The window's middle column is the second layer's pooled column f + 1, which pools its
        // convolved columns 2f + 2 and 2f + 3, which see the first layer's pooled columns 2f + 2
        // … 2f + 7, which pool its convolved columns 4f + 4 … 4f + 15, which see input columns
        // 4f + 4 … 4f + 19: centre 4f + 11.5.
        #expect(network.centreColumn(ofFrame: 0) == 11.5)
        #expect(network.centreColumn(ofFrame: 10) == 51.5)
        #expect(network.frameStep == 4)

        // With the second layer pooling rows only (8×120 → 4×120) and frames of six columns, the
        // window's middle is the second layer's column f + 2.5, a convolved column itself, which
        // sees the first layer's pooled columns centred on f + 4.5, which pool convolved columns
        // centred on 2f + 9.5, which see input columns centred on 2f + 11.5.
        let stepsOfTwo = Self.rowNetwork(poolWidth: 1, window: 6)
        #expect(stepsOfTwo.frames == 115)
        #expect(stepsOfTwo.centreColumn(ofFrame: 0) == 11.5)
        #expect(stepsOfTwo.centreColumn(ofFrame: 10) == 31.5)
        #expect(stepsOfTwo.frameStep == 2)
    }

    @Test("gradients of two halves of a batch add up to the whole batch's")
    func halvesAddUp() {
        var generator = SplitMix64(seed: 5)
        let layer = Convolution(
            kernelSize: 3, inputHeight: 8, inputWidth: 8, inputChannels: 1, outputChannels: 2, generator: &generator)
        let network = ConvolutionalNetwork(
            convolutions: [layer], window: 3,
            head: MLP(inputCount: 18, hidden: [], outputCount: 3, activation: .relu, generator: &generator))
        let input = Matrix(rows: 4, columns: 64, values: (0 ..< 256).map { _ in Float(generator.nextUnit()) })
        let gradient = Matrix(rows: 4, columns: 3, values: (0 ..< 12).map { _ in Float(generator.nextNormal()) })
        let whole = network.backward(network.forward(input), outputGradient: gradient)
        func half(_ rows: Range<Int>) -> ConvolutionalNetwork.Gradients {
            let part = Matrix(
                rows: 2, columns: 64, values: Array(input.storage[rows.lowerBound * 64 ..< rows.upperBound * 64]))
            let partGradient = Matrix(
                rows: 2, columns: 3, values: Array(gradient.storage[rows.lowerBound * 3 ..< rows.upperBound * 3]))
            return network.backward(network.forward(part), outputGradient: partGradient)
        }
        var sum = half(0 ..< 2)
        sum.add(half(2 ..< 4))
        for (a, b) in zip(sum.convolutions[0].weight.storage, whole.convolutions[0].weight.storage) {
            #expect(abs(a - b) < 1e-4)
        }
        for (a, b) in zip(sum.head[0].weight.storage, whole.head[0].weight.storage) { #expect(abs(a - b) < 1e-4) }
    }
}
