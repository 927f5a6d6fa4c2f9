/// A dense row-major matrix of `Float`: `rows × columns` values in one contiguous array.
///
/// The element at row `r`, column `c` is `storage[r * columns + c]`. A batch of inputs is a
/// matrix with one example per row, so a layer computes `Z = I·W + b` with `I` (batch×n),
/// `W` (n×m) and `b` (1×m).
///
/// `Matrix` is a value type: copies share storage until one of them is written to.
public struct Matrix: Equatable, Sendable {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns.
    public let columns: Int
    /// The `rows × columns` values, row after row.
    public var storage: [Float]

    /// A matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = [Float](repeating: value, count: rows * columns)
    }

    /// A matrix over existing values, given row after row; `values.count` must be `rows × columns`.
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "expected \(rows)×\(columns) values, got \(values.count)")
        self.rows = rows
        self.columns = columns
        self.storage = values
    }

    /// A matrix from nested rows, e.g. `Matrix([[2, 2], [1, 3]])`; every row must have the same length.
    public init(_ nestedRows: [[Float]]) {
        let columns = nestedRows.first?.count ?? 0
        precondition(nestedRows.allSatisfy { $0.count == columns }, "rows of different lengths")
        self.init(rows: nestedRows.count, columns: columns, values: nestedRows.flatMap { $0 })
    }

    /// The shape as `(rows, columns)`.
    public var shape: (rows: Int, columns: Int) { (rows, columns) }

    /// The element at `row`, `column`.
    public subscript(row: Int, column: Int) -> Float {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// One row as an array.
    public func row(_ index: Int) -> [Float] {
        Array(storage[index * columns ..< (index + 1) * columns])
    }

    /// The rows as nested arrays (for printing and tests).
    public var nestedRows: [[Float]] {
        (0 ..< rows).map(row)
    }

    /// Changes the number of rows, keeping the first `min(old, new)` rows and zero-filling new ones.
    ///
    /// The training loop uses this for the partial last batch of an epoch: the storage keeps its
    /// capacity, so shrinking and growing back does not allocate.
    public mutating func resize(rows newRows: Int) {
        precondition(newRows >= 0)
        let newCount = newRows * columns
        if newCount < storage.count {
            storage.removeLast(storage.count - newCount)
        } else if newCount > storage.count {
            storage.append(contentsOf: repeatElement(0, count: newCount - storage.count))
        }
        rows = newRows
    }

    /// Sets every element to `value`.
    public mutating func fill(_ value: Float) {
        storage.withUnsafeMutableBufferPointer { $0.update(repeating: value) }
    }
}

extension Matrix: CustomStringConvertible {
    /// The matrix as rows of numbers, e.g. `[[17.0, 29.0]]`.
    public var description: String {
        "[" + nestedRows.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
    }
}
