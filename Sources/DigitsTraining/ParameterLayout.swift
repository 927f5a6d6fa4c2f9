import DigitsModel
import DigitsTensor

/// Where each layer's weights and biases live in one flat parameter vector.
///
/// The training engine keeps every parameter of the network — and, laid out the same way, every
/// velocity — in one contiguous buffer. A layer's W (n×m) is stored as one or more *column
/// panels*: panel p holds the columns `panels[p]` of every row, row-major, and the panels follow
/// one another. A single panel is plain row-major W. Several panels let threads that split a
/// layer by its output columns each own one contiguous stretch of memory: interleaved column
/// ranges of one row-major matrix would put the threads' parts a few hundred bytes apart, where
/// the cores' prefetchers pull in each other's lines and every update becomes a tug of war.
struct ParameterLayout {
    /// One layer's place in the vector.
    struct Layer {
        /// n → m.
        var inputs: Int
        var outputs: Int
        var activation: Activation
        /// W, n×m, as column panels.
        var weight: Range<Int>
        /// The columns each panel holds: consecutive ranges covering 0 ..< m.
        var panels: [Range<Int>]
        /// b, m values.
        var bias: Range<Int>

        /// Where panel `p` (n × panels[p].count, row-major) starts in the vector.
        func panelStart(_ p: Int) -> Int { weight.lowerBound + inputs * panels[p].lowerBound }
    }

    /// The layers, input side first.
    var layers: [Layer]
    /// Floats in the whole vector.
    var count: Int

    /// The layout of `model`'s parameters — layer 0's weight, layer 0's bias, layer 1's weight,
    /// … — with the weight of every layer in `splitLayers` cut into `panels` column panels (see
    /// `columnShares`) and the output layer's in one.
    init(model: MLP, panels: Int = 1) {
        var offset = 0
        let split = Self.splitLayers(count: model.layers.count)
        layers = model.layers.enumerated().map { l, layer in
            let weight = offset ..< offset + layer.weight.storage.count
            let bias = weight.upperBound ..< weight.upperBound + layer.bias.storage.count
            offset = bias.upperBound
            let parts = split.contains(l) ? panels : 1
            return Layer(
                inputs: layer.inputCount, outputs: layer.outputCount, activation: layer.activation,
                weight: weight, panels: ParameterLayout.columnShares(of: layer.outputCount, parts: parts),
                bias: bias)
        }
        count = offset
    }

    /// The layers that threads split by their output columns: every layer but the output layer,
    /// or the only layer of a network without hidden layers. The output layer of a deeper network
    /// is split by rows of the batch instead, since its loss is computed row by row and its
    /// weights are few.
    var splitLayers: Range<Int> { Self.splitLayers(count: layers.count) }

    private static func splitLayers(count: Int) -> Range<Int> { 0 ..< max(count - 1, 1) }

    /// `count` columns cut into `parts` consecutive ranges as even as possible, at multiples of
    /// 16 when every part can have some, so that a panel's rows start on 64-byte boundaries.
    /// Some ranges are empty when there are fewer columns than parts.
    static func columnShares(of count: Int, parts: Int) -> [Range<Int>] {
        guard count >= 16 * parts else {
            return (0 ..< parts).map { ThreadPool.share(of: count, part: $0, parts: parts) }
        }
        let cuts = (0 ... parts).map { p in p == parts ? count : count * p / parts / 16 * 16 }
        return (0 ..< parts).map { cuts[$0] ..< cuts[$0 + 1] }
    }

    /// Copies `model`'s parameters (or, with `velocities`, the optimiser's) into `vector`.
    func flatten(_ parts: [(weight: Matrix, bias: Matrix)], into vector: UnsafeMutableBufferPointer<Float>) {
        for (layer, part) in zip(layers, parts) {
            for (p, columns) in layer.panels.enumerated() {
                var destination = layer.panelStart(p)
                for row in 0 ..< layer.inputs {
                    let source = row * layer.outputs
                    for column in columns {
                        vector[destination] = part.weight.storage[source + column]
                        destination += 1
                    }
                }
            }
            _ = UnsafeMutableBufferPointer(rebasing: vector[layer.bias]).update(fromContentsOf: part.bias.storage)
        }
    }

    /// The (weight, bias) matrices of every layer, read from `vector`.
    func unflatten(_ vector: UnsafeMutableBufferPointer<Float>) -> [(weight: Matrix, bias: Matrix)] {
        layers.map { layer in
            var weight = [Float](repeating: 0, count: layer.inputs * layer.outputs)
            for (p, columns) in layer.panels.enumerated() {
                var source = layer.panelStart(p)
                for row in 0 ..< layer.inputs {
                    let destination = row * layer.outputs
                    for column in columns {
                        weight[destination + column] = vector[source]
                        source += 1
                    }
                }
            }
            return (
                Matrix(rows: layer.inputs, columns: layer.outputs, values: weight),
                Matrix(rows: 1, columns: layer.outputs, values: Array(vector[layer.bias]))
            )
        }
    }
}
