import DigitsTensor

extension MLP {
    /// Everything the backward pass of a whole network computed for one batch of B examples, per
    /// layer, input side first: layer `l` maps n_l inputs to m_l outputs (n_0 is the network's
    /// input width, m_last its class count, and n_(l+1) = m_l).
    ///
    /// Made by `MLP.backward(input:outputs:outputGradient:)`, which runs `Dense.backward` and
    /// `Dense.inputGradient` from the last layer down to the first.
    public struct Backward: Equatable, Sendable {
        /// dL/dZ of each layer, B×m_l: dL/dA ⊙ f'(Z), what the layer's parameter gradients and
        /// the gradient it hands down are formed from.
        public var rawActivationGradients: [Matrix]
        /// dL/dW (n_l×m_l) and dL/db (1×m_l) of each layer, shaped like its parameters: what an
        /// optimiser step (`Optimizer.step`) takes.
        public var gradients: [Dense.Gradients]
        /// dL/dI of each layer, B×n_l: dL/dZ · Wᵀ, handed down as the dL/dA of the layer below.
        /// The first layer's is the gradient with respect to the network's input.
        public var inputGradients: [Matrix]

        /// A record of a backward pass: one entry per layer in each array, input side first.
        public init(rawActivationGradients: [Matrix], gradients: [Dense.Gradients], inputGradients: [Matrix]) {
            precondition(
                rawActivationGradients.count == gradients.count && gradients.count == inputGradients.count,
                "one entry per layer in each array")
            self.rawActivationGradients = rawActivationGradients
            self.gradients = gradients
            self.inputGradients = inputGradients
        }

        /// dL/dI of the network's input (B×n_0): the first layer's input gradient.
        public var networkInputGradient: Matrix { inputGradients[0] }
    }
}
