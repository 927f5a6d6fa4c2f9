import DigitsModel
import DigitsTensor

/// The training step written plainly, one whole-batch `Matrix` at a time: the forward pass
/// (`MLP.forwardOutputs`), the gradient of the loss, the backward pass (`MLP.backward`, built on
/// `Dense.backward` and `Dense.inputGradient`) and the update (`Optimizer.step`).
///
/// This is the math of a step with nothing else in the way: no threads, no flat parameter
/// vector, no gradient formed and applied a block at a time. `TrainingEngine` computes the same
/// step faster, and its tests use this one as their reference; the walkthrough runs the design
/// notes' example through it.
extension Optimizer {
    /// One step on a batch with the gradient dL/dA of the last layer's output supplied by
    /// `outputGradient`, which receives that output (B×outputCount) and returns dL/dA of the
    /// same shape. For the design notes' toy loss L = T − A it returns a matrix of −1s.
    ///
    /// `inputs` is B×`model.inputCount`, one example per row. The update uses the learning rate
    /// η = `learningRate` and this optimiser's settings and moments.
    ///
    /// - Returns: every layer's output A of the forward pass (before the update) and everything
    ///   the backward pass computed from them.
    @discardableResult
    public mutating func trainingStep(
        _ model: inout MLP, inputs: Matrix, learningRate: Float, outputGradient: (_ output: Matrix) -> Matrix
    ) -> (outputs: [Matrix], backward: MLP.Backward) {
        let outputs = model.forwardOutputs(inputs)
        let gradient = outputGradient(outputs[outputs.count - 1])
        let backward = model.backward(input: inputs, outputs: outputs, outputGradient: gradient)
        step(&model, gradients: backward.gradients, learningRate: learningRate)
        return (outputs, backward)
    }

    /// One step on a batch of B examples against their labels: `inputs` is B×`model.inputCount`,
    /// `labels` holds B class indices, and the gradient is that of `loss` (its target smoothed by
    /// `labelSmoothing`, for cross-entropy) averaged over the B examples.
    ///
    /// - Returns: the batch's summed loss and correct predictions, measured before the update.
    @discardableResult
    public mutating func trainingStep(
        _ model: inout MLP, inputs: Matrix, labels: [Int], loss: Loss, labelSmoothing: Float = 0,
        learningRate: Float
    ) -> Loss.Evaluation {
        var evaluation = Loss.Evaluation()
        trainingStep(&model, inputs: inputs, learningRate: learningRate) { logits in
            var gradient = Matrix(rows: logits.rows, columns: logits.columns)
            evaluation = loss.evaluate(
                logits: logits, labels: labels, batchSize: logits.rows, labelSmoothing: labelSmoothing,
                gradient: &gradient)
            return gradient
        }
        return evaluation
    }
}
