import DigitsTensor

/// A convolution layer with ReLU and max pooling: a square kernel slid over every place of an
/// image where it fits whole (no padding, stride 1), then the largest of each 2×2 block kept, or
/// of each 2×1 block (two rows, one column) in a layer whose `poolWidth` is 1.
///
/// Images are stored one per matrix row, channels last: the value of channel c at row y and
/// column x of a H×W×C image is at `y·W·C + x·C + c`. The layer reads B images of
/// `inputHeight × inputWidth × inputChannels` and writes B of
/// `outputHeight × outputWidth × outputChannels`, where the convolved image is
/// `(inputHeight − kernelSize + 1) × (inputWidth − kernelSize + 1)` and pooling halves its height
/// and divides its width by `poolWidth` (both must come out whole).
///
/// Pooling only rows keeps every column of a layer apart, so a network that reads a picture
/// column by column (`ConvolutionalNetwork`) sees it in steps half as wide.
///
/// The convolution is one matrix product: every kernel-sized patch of the input becomes a row
/// of `patches` (values ordered row of the patch, column, channel), and `patches · weight + bias`
/// is the convolved image of every output channel at once.
public struct Convolution: Equatable, Sendable {
    /// The kernels, (kernelSize²·inputChannels) × outputChannels: column o is output channel o's
    /// kernel, its rows ordered as a patch's values.
    public var weight: Matrix
    /// One bias per output channel, 1 × outputChannels.
    public var bias: Matrix
    /// The side of the square kernel, in pixels.
    public let kernelSize: Int
    /// The input image's height, in pixels.
    public let inputHeight: Int
    /// The input image's width, in pixels.
    public let inputWidth: Int
    /// The input image's channels.
    public let inputChannels: Int
    /// How many convolved columns each output column keeps the largest of: 2 (2×2 pooling) or 1
    /// (2×1 pooling, rows only).
    public let poolWidth: Int

    /// A layer with these kernels and biases over `inputHeight × inputWidth × inputChannels`
    /// images, pooling 2 × `poolWidth` blocks (`poolWidth` 1 or 2); its convolved height must be
    /// even, and its convolved width a multiple of `poolWidth`.
    public init(
        weight: Matrix, bias: Matrix, kernelSize: Int, inputHeight: Int, inputWidth: Int, inputChannels: Int,
        poolWidth: Int = 2
    ) {
        precondition(weight.rows == kernelSize * kernelSize * inputChannels, "one weight row per patch value")
        precondition(bias.rows == 1 && bias.columns == weight.columns, "one bias per output channel")
        precondition(inputHeight >= kernelSize && inputWidth >= kernelSize, "the kernel must fit the image")
        precondition(poolWidth == 1 || poolWidth == 2, "pools are 2×2 or 2×1")
        precondition(
            (inputHeight - kernelSize + 1) % 2 == 0 && (inputWidth - kernelSize + 1) % poolWidth == 0,
            "pooling needs whole blocks")
        self.weight = weight
        self.bias = bias
        self.kernelSize = kernelSize
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.inputChannels = inputChannels
        self.poolWidth = poolWidth
    }

    /// A layer with `outputChannels` kernels drawn from He's normal initialisation (suited to
    /// ReLU: variance 2 / fan-in) and zero biases.
    public init(
        kernelSize: Int, inputHeight: Int, inputWidth: Int, inputChannels: Int, outputChannels: Int,
        poolWidth: Int = 2, generator: inout SplitMix64
    ) {
        let fanIn = kernelSize * kernelSize * inputChannels
        let deviation = (2 / Double(fanIn)).squareRoot()
        let values = (0 ..< fanIn * outputChannels).map { _ in Float(generator.nextNormal(standardDeviation: deviation))
        }
        self.init(
            weight: Matrix(rows: fanIn, columns: outputChannels, values: values),
            bias: Matrix(rows: 1, columns: outputChannels), kernelSize: kernelSize, inputHeight: inputHeight,
            inputWidth: inputWidth, inputChannels: inputChannels, poolWidth: poolWidth)
    }

    /// The output image's channels: one per kernel.
    public var outputChannels: Int { weight.columns }
    /// The convolved image's height, before pooling.
    public var convolvedHeight: Int { inputHeight - kernelSize + 1 }
    /// The convolved image's width, before pooling.
    public var convolvedWidth: Int { inputWidth - kernelSize + 1 }
    /// The output image's height: half the convolved one.
    public var outputHeight: Int { convolvedHeight / 2 }
    /// The output image's width: the convolved one over `poolWidth`.
    public var outputWidth: Int { convolvedWidth / poolWidth }
    /// Floats per input image.
    public var inputCount: Int { inputHeight * inputWidth * inputChannels }
    /// Floats per output image.
    public var outputCount: Int { outputHeight * outputWidth * outputChannels }

    /// dL/dW and dL/db of a convolution layer, shaped like its parameters.
    public struct Gradients: Equatable, Sendable {
        /// dL/dW, shaped like `weight`.
        public var weight: Matrix
        /// dL/db, 1 × outputChannels.
        public var bias: Matrix

        /// Zero gradients shaped like `layer`'s parameters.
        public init(for layer: Convolution) {
            weight = Matrix(rows: layer.weight.rows, columns: layer.weight.columns)
            bias = Matrix(rows: 1, columns: layer.outputChannels)
        }
    }

    /// What a forward pass over B images computed, kept for the backward pass.
    public struct Forward: Sendable {
        /// Every patch of every image, (B·convolvedHeight·convolvedWidth) × (kernelSize²·inputChannels).
        public var patches: Matrix
        /// The pooled output, B × outputCount: the layer's result.
        public var output: Matrix
        /// For each output value, the index in the convolved batch (a B·convolvedHeight·
        /// convolvedWidth × outputChannels matrix, row-major) of the value it kept.
        public var winners: [Int32]
    }

    /// Every kernel-sized patch of the B images in `input` (B × inputCount), one row each.
    public func patches(of input: Matrix) -> Matrix {
        precondition(input.columns == inputCount, "one image per input row")
        let patchWidth = kernelSize * inputChannels
        let rowLength = inputWidth * inputChannels
        let places = convolvedHeight * convolvedWidth
        var patches = Matrix(rows: input.rows * places, columns: kernelSize * patchWidth)
        input.storage.withUnsafeBufferPointer { source in
            patches.storage.withUnsafeMutableBufferPointer { target in
                for image in 0 ..< input.rows {
                    let imageStart = image * inputCount
                    for y in 0 ..< convolvedHeight {
                        for x in 0 ..< convolvedWidth {
                            let row = (image * places + y * convolvedWidth + x) * patches.columns
                            for dy in 0 ..< kernelSize {
                                let from = imageStart + (y + dy) * rowLength + x * inputChannels
                                let to = row + dy * patchWidth
                                for offset in 0 ..< patchWidth { target[to + offset] = source[from + offset] }
                            }
                        }
                    }
                }
            }
        }
        return patches
    }

    /// The layer's output for the B images in `input` (B × inputCount), with what the backward
    /// pass needs.
    public func forward(_ input: Matrix) -> Forward {
        let patches = patches(of: input)
        var convolved = Matrix(rows: patches.rows, columns: outputChannels)
        patches.storage.withUnsafeBufferPointer { p in
            weight.storage.withUnsafeBufferPointer { w in
                bias.storage.withUnsafeBufferPointer { b in
                    convolved.storage.withUnsafeMutableBufferPointer { c in
                        Kernels.product(
                            rows: patches.rows, columns: outputChannels, depth: patches.columns,
                            .init(p.baseAddress!, stride: patches.columns),
                            .init(w.baseAddress!, stride: outputChannels),
                            into: c.baseAddress!, stride: outputChannels, addingBias: b.baseAddress!, relu: true)
                    }
                }
            }
        }
        var output = Matrix(rows: input.rows, columns: outputCount)
        var winners = [Int32](repeating: 0, count: input.rows * outputCount)
        let channels = outputChannels
        for image in 0 ..< input.rows {
            let imageStart = image * convolvedHeight * convolvedWidth * channels
            for y in 0 ..< outputHeight {
                for x in 0 ..< outputWidth {
                    for channel in 0 ..< channels {
                        let corner = imageStart + (2 * y * convolvedWidth + poolWidth * x) * channels + channel
                        var best = corner
                        for dy in 0 ..< 2 {
                            for dx in 0 ..< poolWidth {
                                let index = corner + (dy * convolvedWidth + dx) * channels
                                if convolved.storage[index] > convolved.storage[best] { best = index }
                            }
                        }
                        let place = image * outputCount + (y * outputWidth + x) * channels + channel
                        output.storage[place] = convolved.storage[best]
                        winners[place] = Int32(best)
                    }
                }
            }
        }
        return Forward(patches: patches, output: output, winners: winners)
    }

    /// The layer's output alone for the B images in `input`.
    public func callAsFunction(_ input: Matrix) -> Matrix { forward(input).output }

    /// The gradients of a loss with respect to the kernels (shaped like `weight`) and biases
    /// (like `bias`), and, when `inputGradient` is asked for, the input (B × inputCount), given
    /// the forward pass and the loss's gradient with respect to the output (B × outputCount).
    public func backward(
        _ forward: Forward, outputGradient: Matrix, inputGradient wantsInputGradient: Bool
    ) -> (gradients: Gradients, inputGradient: Matrix?) {
        let batch = outputGradient.rows
        precondition(outputGradient.columns == outputCount && forward.output.rows == batch, "one gradient per output")
        // Only the value each pool kept passes the gradient on, and ReLU passes it only where
        // that value was positive.
        var convolvedGradient = Matrix(rows: forward.patches.rows, columns: outputChannels)
        for (place, winner) in forward.winners.enumerated() where forward.output.storage[place] > 0 {
            convolvedGradient.storage[Int(winner)] = outputGradient.storage[place]
        }
        var gradients = Gradients(for: self)
        for row in 0 ..< convolvedGradient.rows {
            for channel in 0 ..< outputChannels {
                gradients.bias.storage[channel] += convolvedGradient.storage[row * outputChannels + channel]
            }
        }
        forward.patches.storage.withUnsafeBufferPointer { p in
            convolvedGradient.storage.withUnsafeBufferPointer { g in
                gradients.weight.storage.withUnsafeMutableBufferPointer { w in
                    Kernels.product(
                        rows: weight.rows, columns: outputChannels, depth: forward.patches.rows,
                        .init(p.baseAddress!, stride: forward.patches.columns, transposed: true),
                        .init(g.baseAddress!, stride: outputChannels), into: w.baseAddress!, stride: outputChannels)
                }
            }
        }
        guard wantsInputGradient else { return (gradients, nil) }
        var patchGradient = Matrix(rows: forward.patches.rows, columns: forward.patches.columns)
        convolvedGradient.storage.withUnsafeBufferPointer { g in
            weight.storage.withUnsafeBufferPointer { w in
                patchGradient.storage.withUnsafeMutableBufferPointer { p in
                    Kernels.product(
                        rows: patchGradient.rows, columns: patchGradient.columns, depth: outputChannels,
                        .init(g.baseAddress!, stride: outputChannels),
                        .init(w.baseAddress!, stride: outputChannels, transposed: true), into: p.baseAddress!,
                        stride: patchGradient.columns)
                }
            }
        }
        // Each input value was copied into every patch that covers it: its gradient is the sum.
        var inputGradient = Matrix(rows: batch, columns: inputCount)
        let patchWidth = kernelSize * inputChannels
        let rowLength = inputWidth * inputChannels
        let places = convolvedHeight * convolvedWidth
        for image in 0 ..< batch {
            for y in 0 ..< convolvedHeight {
                for x in 0 ..< convolvedWidth {
                    let row = (image * places + y * convolvedWidth + x) * patchGradient.columns
                    for dy in 0 ..< kernelSize {
                        let to = image * inputCount + (y + dy) * rowLength + x * inputChannels
                        let from = row + dy * patchWidth
                        for offset in 0 ..< patchWidth {
                            inputGradient.storage[to + offset] += patchGradient.storage[from + offset]
                        }
                    }
                }
            }
        }
        return (gradients, inputGradient)
    }
}
