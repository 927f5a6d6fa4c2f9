/// One row of digits, read left to right.
public struct ReadRow: Equatable, Sendable {
    /// The row's digits, leftmost first.
    public var digits: [ReadDigit]

    /// A row from its digits, leftmost first.
    public init(digits: [ReadDigit]) {
        self.digits = digits
    }

    /// The digits as text, such as `"90210"`.
    public var text: String {
        String(digits.map { Character(String($0.digit)) })
    }
}
