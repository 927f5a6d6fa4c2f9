/// The two halves of MNIST, each stored in its own pair of files.
public enum MNISTSplit: String, CaseIterable, Sendable {
    /// The 60,000 training digits (`train-*` files).
    case train
    /// The 10,000 test digits (`t10k-*` files).
    case test

    /// The prefix of this split's standard file names.
    public var filePrefix: String {
        switch self {
        case .train: "train"
        case .test: "t10k"
        }
    }
}
