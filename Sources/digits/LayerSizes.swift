import ArgumentParser
import DigitsKit

/// Hidden-layer sizes given as a comma-separated list, e.g. `256,128`.
struct LayerSizes: ExpressibleByArgument {
    var sizes: [Int]

    /// The sizes as they are.
    init(_ sizes: [Int]) {
        self.sizes = sizes
    }

    init?(argument: String) {
        if argument.trimmingCharacters(in: " ").isEmpty || argument == "none" {
            sizes = []
            return
        }
        var sizes: [Int] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let size = Int(part.trimmingCharacters(in: " ")),
                TrainingConfiguration.layerSizeRange.contains(size)
            else { return nil }
            sizes.append(size)
        }
        self.sizes = sizes
    }

    /// The sizes as the flag takes them.
    var text: String { sizes.isEmpty ? "none" : sizes.map(String.init).joined(separator: ",") }

    var defaultValueDescription: String { text }
}
