import ArgumentParser
import DigitsKit

extension Activation: ExpressibleByArgument {
    /// The hidden-layer activations; `identity` is only ever the output layer's.
    public init?(argument: String) {
        guard let activation = Activation(rawValue: argument), activation != .identity else { return nil }
        self = activation
    }

    /// The names `--activation` takes.
    public static var allValueStrings: [String] { ["relu", "sigmoid", "tanh"] }
}
