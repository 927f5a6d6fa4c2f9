/// A picture's ink, as an 8-bit plane and a table from each of its levels to ink in `0...1`.
struct InkMap {
    /// Columns of the plane.
    var width: Int
    /// Rows of the plane.
    var height: Int
    /// The channel the ink is read from (gray or alpha), row after row.
    var plane: [UInt8]
    /// `table[level]` is the ink of a pixel at `level`; 256 entries.
    var table: [Float]
    /// Which channel, and which way round.
    var source: InkSource
    /// False when the picture has no ink; `table` is then all zero.
    var found: Bool
}
