/// Where a picture's ink was read from.
public enum InkSource: Equatable, Sendable {
    /// Dark marks on a light background (paper, a white canvas): ink is how much darker than the background.
    case darkOnLight
    /// Light marks on a dark background (MNIST itself, chalk on a board): ink is how much lighter.
    case lightOnDark
    /// Marks on a transparent canvas: ink is opacity, whatever its colour.
    case opacity
}
